//===- CKernelTest.cpp - C99 layer kernels vs the integer semantics -------===//
//
// emitCKernel prints one plain C function per layer. Each sweep below draws
// 100 random LayerSpecs (600 in all), prints all their kernels into one C
// file, compiles it once with the system C compiler into a shared library
// (as a model library compiles dfq_kernels.c: IEEE, no contraction) and
// loads it; every kernel then runs on two batch sizes, and convolutions
// also as two ranges of output rows (as threads share a layer), and every
// output byte must equal a direct loop over the normative integer semantics
// (docs/design.md) requantized by mlir::dfq::requantize. The specs cover
// dense, depthwise and grouped convolutions with odd sizes, padding,
// strides and dilation, gemms, every weight and activation width 2..8,
// signed (int8_t) and unsigned (uint8_t) activations on either side,
// signed and unsigned weights with their zero points, per-tensor and
// per-channel requantization, shifts 0 and 62 (with accumulators near
// 2^31), multipliers of a few bits that make rounding ties common, and
// saturation.
//
//===----------------------------------------------------------------------===//

#include "LayerReference.h"
#include "dfq/Support/Requantization.h"
#include "dfq/Targets/C/CBackend.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

#include <dlfcn.h>
#include <unistd.h>

#ifndef DFQ_SOURCE_DIR
#error "DFQ_SOURCE_DIR must name the source root (unittests/CMakeLists.txt)"
#endif

using namespace mlir::dfq;

namespace {

using Rng = std::mt19937;

int64_t uniform(Rng &rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

enum class Shape { Conv, Depthwise, Grouped, Gemm };

/// The range of a `bits`-wide code, signed or not.
int64_t codeMin(int bits, bool isSigned) {
  return isSigned ? -(int64_t(1) << (bits - 1)) : 0;
}
int64_t codeMax(int bits, bool isSigned) {
  return isSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
}

/// A random consistent spec of the given shape and storage; false when the
/// draw has no valid output extent (the caller draws again).
bool randomSpec(Rng &rng, Shape shape, int weightBits, bool weightsSigned,
                int activationBits, bool inputSigned, bool outputSigned,
                const std::string &symbol, LayerSpec &s) {
  s = LayerSpec();
  s.layerName = "layer " + symbol;
  s.symbol = symbol;
  s.weightBits = weightBits;
  s.weightsSigned = weightsSigned;
  s.activationBits = activationBits;
  s.inputSigned = inputSigned;
  s.outputSigned = outputSigned;
  switch (shape) {
  case Shape::Conv:
    s.groups = 1;
    s.c = uniform(rng, 0, 3) == 0 ? uniform(rng, 25, 64) : uniform(rng, 1, 24);
    s.o = uniform(rng, 0, 3) == 0 ? uniform(rng, 33, 80) : uniform(rng, 1, 32);
    break;
  case Shape::Gemm:
    s.isGemm = true;
    s.groups = 1;
    s.c =
        uniform(rng, 0, 3) == 0 ? uniform(rng, 100, 600) : uniform(rng, 1, 64);
    s.o = uniform(rng, 0, 3) == 0 ? uniform(rng, 33, 96) : uniform(rng, 1, 32);
    break;
  case Shape::Depthwise:
    s.c = s.o = s.groups = uniform(rng, 1, 40);
    break;
  case Shape::Grouped:
    s.groups = uniform(rng, 2, 5);
    s.c = s.groups * uniform(rng, 1, 6);
    s.o = s.groups * uniform(rng, 1, 6);
    break;
  }
  if (shape != Shape::Gemm) {
    s.h = uniform(rng, 1, 11);
    s.w = uniform(rng, 1, 13);
    bool pointwise = uniform(rng, 0, 4) == 0;
    s.kh = pointwise ? 1 : uniform(rng, 1, 3) + (uniform(rng, 0, 6) == 0) * 2;
    s.kw = pointwise ? 1 : uniform(rng, 1, 3) + (uniform(rng, 0, 6) == 0) * 2;
    s.strideH = uniform(rng, 1, 2);
    s.strideW = uniform(rng, 1, 3);
    bool dilated = uniform(rng, 0, 4) == 0;
    s.dilationH = dilated ? uniform(rng, 1, 2) : 1;
    s.dilationW = dilated ? uniform(rng, 1, 3) : 1;
    s.padTop = uniform(rng, 0, 2);
    s.padLeft = uniform(rng, 0, 2);
    int64_t padBottom = uniform(rng, 0, 2), padRight = uniform(rng, 0, 2);
    if (!s.setOutputExtent(padBottom, padRight))
      return false;
  }

  int64_t wmin = codeMin(weightBits, weightsSigned),
          wmax = codeMax(weightBits, weightsSigned);
  int64_t k = (s.c / s.groups) * s.kh * s.kw;
  s.weights.resize(s.o * k);
  for (auto &v : s.weights)
    v = int32_t(uniform(rng, wmin, wmax));
  bool perTensor = uniform(rng, 0, 3) == 0;
  int zeroPoints = int(uniform(rng, 0, 2)); // none, small, anywhere
  // The output's range: its width, or all of its 8-bit storage; its zero
  // point inside that range, and a ReLU-like floor at the zero point.
  bool storage = uniform(rng, 0, 3) == 0;
  int64_t lo = codeMin(storage ? 8 : activationBits, outputSigned),
          hi = codeMax(storage ? 8 : activationBits, outputSigned);
  s.bias.resize(s.o);
  s.multiplier.resize(s.o);
  s.shift.resize(s.o);
  s.weightZeroPoint.resize(s.o);
  for (int64_t i = 0; i < s.o; ++i) {
    s.bias[i] = int32_t(uniform(rng, -3000, 3000));
    if (perTensor && i > 0) {
      s.multiplier[i] = s.multiplier[0];
      s.shift[i] = s.shift[0];
      s.weightZeroPoint[i] = s.weightZeroPoint[0];
      continue;
    }
    // About one output step per 2^(a + w) / sqrt(k) of accumulator.
    double real =
        std::ldexp(1.0, -int(uniform(rng, 0, 4))) /
        (std::sqrt(double(k)) * std::ldexp(1.0, activationBits + weightBits)) *
        double(hi - lo + 1) *
        (0.5 + std::uniform_real_distribution<double>()(rng));
    int kind = int(uniform(rng, 0, 9));
    if (kind == 0) { // no rounding
      s.multiplier[i] = int32_t(uniform(rng, 1, 3));
      s.shift[i] = 0;
    } else if (kind == 1) { // the largest shift
      s.multiplier[i] = int32_t(uniform(rng, int64_t(1) << 30, INT32_MAX));
      s.shift[i] = kMaxRequantShift;
      // Where acc * multiplier nears 2^62 the output is -1, 0 or 1 away
      // from the zero point (the sum of the taps stays below 2^28).
      if (uniform(rng, 0, 1))
        s.bias[i] = int32_t(uniform(rng, -(int64_t(1) << 31) + (1 << 28),
                                    (int64_t(1) << 31) - (1 << 28)));
    } else if (kind <= 3) {
      // A multiplier of a few bits and a small shift: rounding ties.
      int shift = std::clamp(-std::ilogb(real) + int(uniform(rng, 0, 5)), 1,
                             int(kMaxRequantShift));
      s.multiplier[i] =
          int32_t(std::max<int64_t>(1, std::llround(std::ldexp(real, shift))));
      s.shift[i] = shift;
    } else {
      std::optional<FixedPointMultiplier> m = encodeMultiplier(real);
      if (!m)
        return false;
      s.multiplier[i] = m->multiplier;
      s.shift[i] = m->shift;
    }
    // The unsigned weights' zero point is often near the middle of their
    // range, where a symmetric quantizer puts it.
    int64_t middle = weightsSigned ? 0 : (wmin + wmax + 1) / 2;
    s.weightZeroPoint[i] =
        zeroPoints == 0   ? int32_t(weightsSigned ? 0 : middle)
        : zeroPoints == 1 ? int32_t(uniform(rng, std::max(wmin, middle - 3),
                                            std::min(wmax, middle + 3)))
                          : int32_t(uniform(rng, wmin, wmax));
  }
  s.inputZeroPoint = int32_t(uniform(rng, codeMin(activationBits, inputSigned),
                                     codeMax(activationBits, inputSigned)));
  s.outputZeroPoint = int32_t(uniform(rng, lo, hi));
  s.outputMin = uniform(rng, 0, 3) == 0 ? s.outputZeroPoint : int32_t(lo);
  s.outputMax = int32_t(hi);
  return true;
}

std::string describeSpec(const LayerSpec &s) {
  auto str = [](int64_t v) { return std::to_string(v); };
  bool perTensor =
      std::all_of(s.multiplier.begin(), s.multiplier.end(),
                  [&](int32_t m) { return m == s.multiplier[0]; }) &&
      std::all_of(s.shift.begin(), s.shift.end(),
                  [&](int32_t v) { return v == s.shift[0]; }) &&
      std::all_of(s.weightZeroPoint.begin(), s.weightZeroPoint.end(),
                  [&](int32_t v) { return v == s.weightZeroPoint[0]; });
  std::string d =
      s.symbol + (s.isGemm ? " gemm" : " conv") + " c=" + str(s.c) +
      " o=" + str(s.o) + " hw=" + str(s.h) + "x" + str(s.w) +
      " k=" + str(s.kh) + "x" + str(s.kw) + " out=" + str(s.outH) + "x" +
      str(s.outW) + " stride=" + str(s.strideH) + "x" + str(s.strideW) +
      " pad=" + str(s.padTop) + "," + str(s.padLeft) +
      " dil=" + str(s.dilationH) + "x" + str(s.dilationW) +
      " groups=" + str(s.groups) + " w" + str(s.weightBits) +
      (s.weightsSigned ? "s" : "u") + " a" + str(s.activationBits) +
      " in=" + (s.inputSigned ? "s8" : "u8") +
      " out=" + (s.outputSigned ? "s8" : "u8") +
      " zp_in=" + str(s.inputZeroPoint) + " zp_out=" + str(s.outputZeroPoint) +
      " range=[" + str(s.outputMin) + "," + str(s.outputMax) + "]" +
      (perTensor ? " per-tensor" : " per-channel") + " (m,shift,zw)[0]=(" +
      str(s.multiplier[0]) + "," + str(s.shift[0]) + "," +
      str(s.weightZeroPoint[0]) + ")";
  return d;
}

/// Output channel `oc`'s parameters, for a failure message.
std::string describeChannel(const LayerSpec &s, int64_t oc) {
  return "bias " + std::to_string(s.bias[oc]) + " multiplier " +
         std::to_string(s.multiplier[oc]) + " shift " +
         std::to_string(s.shift[oc]) + " weight zero point " +
         std::to_string(s.weightZeroPoint[oc]);
}

/// A scratch directory of this process, removed with everything in it when
/// the sweep ends (however it ends).
class ScratchDir {
public:
  explicit ScratchDir(const std::string &name)
      : path(std::filesystem::temp_directory_path() /
             ("dfq-c-kernel-test-" + std::to_string(::getpid()) + "-" + name)) {
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::filesystem::path path;
};

/// A shared library of C kernels, compiled as a model library compiles
/// dfq_kernels.c.
class KernelLibrary {
public:
  ~KernelLibrary() {
    if (handle)
      dlclose(handle);
  }
  bool build(const std::filesystem::path &dir, const std::string &source,
             std::string &error) {
    std::filesystem::path c = dir / "kernels.c", so = dir / "kernels.so",
                          log = dir / "cc.log";
    {
      std::ofstream file(c);
      file << "#include \"dfq_runtime.h\"\n\n" << source;
      if (!file) {
        error = "cannot write " + c.string();
        return false;
      }
    }
    std::string command = "cc -std=c11 -O1 -ffp-contract=off -fPIC -shared "
                          "-I" DFQ_SOURCE_DIR "/lib/Targets/Host/runtime " +
                          c.string() + " -o " + so.string() + " > " +
                          log.string() + " 2>&1";
    if (std::system(command.c_str()) != 0) {
      std::ifstream file(log);
      std::stringstream text;
      text << file.rdbuf();
      error = "failed: " + command + "\n" + text.str();
      return false;
    }
    handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      error = dlerror();
      return false;
    }
    return true;
  }
  using RowKernel = int (*)(const void *, int64_t, int64_t, int64_t, void *);
  RowKernel lookup(const std::string &symbol) const {
    return reinterpret_cast<RowKernel>(dlsym(handle, symbol.c_str()));
  }

private:
  void *handle = nullptr;
};

/// What a sweep draws: the shapes it cycles through, and the storage of
/// its activations and weights.
enum class Storage {
  /// u8 activations, signed weights: the common case.
  Default,
  /// s8 input, output or both.
  SignedActivations,
  /// Unsigned weights, with u8 or s8 activations.
  UnsignedWeights,
};

/// Draws `count` specs (cycling through the shapes and every pair of weight
/// and activation widths), compiles their kernels into one library and
/// checks each one on two batch sizes, convolutions also on two ranges of
/// output rows.
void sweep(const std::string &name, std::vector<Shape> shapes, Storage storage,
           int count, unsigned seed) {
  Rng rng(seed);
  std::vector<LayerSpec> specs;
  std::string source;
  while (int(specs.size()) < count) {
    int index = int(specs.size());
    int weightBits = 2 + index % 7;
    int activationBits = 2 + (index / 7) % 7;
    // Every shape with every signedness of the input and output.
    int variants = storage == Storage::SignedActivations ? 3
                   : storage == Storage::UnsignedWeights ? 4
                                                         : 1;
    int variant = index % variants;
    Shape shape = shapes[(index / variants) % shapes.size()];
    bool weightsSigned = storage != Storage::UnsignedWeights;
    bool inputSigned = false, outputSigned = false;
    if (storage == Storage::SignedActivations) { // s8/s8, u8/s8, s8/u8
      inputSigned = variant != 1;
      outputSigned = variant != 2;
    } else if (storage == Storage::UnsignedWeights) {
      inputSigned = variant & 1;
      outputSigned = variant & 2;
    }
    LayerSpec s;
    if (!randomSpec(rng, shape, weightBits, weightsSigned, activationBits,
                    inputSigned, outputSigned,
                    name + "_" + std::to_string(index), s))
      continue;
    std::string kernel, error;
    ASSERT_TRUE(c::emitCKernel(s, kernel, error)) << error << "\n"
                                                  << describeSpec(s);
    ASSERT_NE(kernel.find("int " + s.symbol + "("), std::string::npos)
        << kernel;
    source += kernel;
    specs.push_back(std::move(s));
  }

  ScratchDir dir(name);
  KernelLibrary library;
  std::string error;
  ASSERT_TRUE(library.build(dir.path, source, error)) << error;

  int rowRangeRuns = 0;
  int64_t ties = 0;
  for (const LayerSpec &s : specs) {
    KernelLibrary::RowKernel kernel = library.lookup(s.symbol);
    ASSERT_TRUE(kernel) << "no symbol " << s.symbol;
    int64_t amin = codeMin(s.activationBits, s.inputSigned),
            amax = codeMax(s.activationBits, s.inputSigned);
    int64_t rowBytes = s.outW * s.o;
    auto code = [&](uint8_t byte) {
      return s.outputSigned ? int(int8_t(byte)) : int(byte);
    };
    for (int64_t n : {int64_t(1), uniform(rng, 2, 4)}) {
      std::vector<uint8_t> input(n * s.h * s.w * s.c);
      for (auto &v : input)
        v = uint8_t(uniform(rng, amin, amax));
      std::vector<uint8_t> want =
          referenceLayer(s, input, n, s.inputSigned, &ties);
      for (bool rowRanges : {false, true}) {
        if (rowRanges && s.outH < 2)
          continue;
        std::vector<uint8_t> got(want.size(), 0xa5);
        if (rowRanges) {
          ++rowRangeRuns;
          int64_t split = uniform(rng, 1, s.outH - 1);
          ASSERT_EQ(kernel(input.data(), n, 0, split, got.data()), 0)
              << describeSpec(s);
          // Rows [split, outH) of every sample are not written yet.
          for (int64_t b = 0; b < n; ++b)
            for (int64_t i = split * rowBytes; i < s.outH * rowBytes; ++i)
              ASSERT_EQ(got[b * s.outH * rowBytes + i], 0xa5)
                  << "rows [0, " << split << ") wrote row " << i / rowBytes
                  << " of sample " << b << ": " << describeSpec(s);
          ASSERT_EQ(kernel(input.data(), n, split, s.outH, got.data()), 0)
              << describeSpec(s);
        } else {
          ASSERT_EQ(kernel(input.data(), n, 0, s.outH, got.data()), 0)
              << describeSpec(s);
        }
        for (size_t i = 0; i < want.size(); ++i) {
          int64_t oc = int64_t(i) % s.o, pixel = int64_t(i) / s.o;
          ASSERT_EQ(code(got[i]), code(want[i]))
              << (rowRanges ? "two row ranges" : "all rows") << ", batch " << n
              << ", sample " << pixel / (s.outH * s.outW) << " row "
              << pixel / s.outW % s.outH << " column " << pixel % s.outW
              << " channel " << oc << " (" << describeChannel(s, oc)
              << "): " << describeSpec(s);
        }
      }
    }
  }
  bool convolutions = std::any_of(shapes.begin(), shapes.end(),
                                  [](Shape s) { return s != Shape::Gemm; });
  if (convolutions)
    EXPECT_GT(rowRangeRuns, count / 4);
  // The sweep met rounding ties.
  EXPECT_GT(ties, 0);
}

TEST(CKernelTest, DenseConvolutions) {
  sweep("dense", {Shape::Conv}, Storage::Default, 100, 1);
}
TEST(CKernelTest, DepthwiseConvolutions) {
  sweep("depthwise", {Shape::Depthwise}, Storage::Default, 100, 2);
}
TEST(CKernelTest, GroupedConvolutions) {
  sweep("grouped", {Shape::Grouped}, Storage::Default, 100, 3);
}
TEST(CKernelTest, Gemms) {
  sweep("gemm", {Shape::Gemm}, Storage::Default, 100, 4);
}
TEST(CKernelTest, SignedActivations) {
  sweep("signed", {Shape::Conv, Shape::Gemm, Shape::Depthwise, Shape::Grouped},
        Storage::SignedActivations, 100, 5);
}
TEST(CKernelTest, UnsignedWeights) {
  sweep("unsigned_weights",
        {Shape::Conv, Shape::Gemm, Shape::Depthwise, Shape::Grouped},
        Storage::UnsignedWeights, 100, 6);
}

/// A gemm deeper than 2^15 input channels: one tap's sum over them may
/// leave int32, so the kernel sums it in int64. Here it is 40000 * 255 * 255
/// (about 2^31.3), brought back into int32 by the bias: summed in int32 it
/// would wrap and the output would be 127 instead of 128.
TEST(CKernelTest, VeryDeepGemmSumsInInt64) {
  LayerSpec s;
  s.layerName = "deep gemm";
  s.symbol = "deep_gemm";
  s.isGemm = true;
  s.c = 40000;
  s.o = 1;
  s.weightsSigned = false;
  s.weights.assign(s.c, 255);
  s.bias = {INT32_MIN};
  s.multiplier = {1 << 30};
  s.shift = {62};
  s.weightZeroPoint = {0};
  s.outputZeroPoint = 128;
  std::string source, error;
  ASSERT_TRUE(c::emitCKernel(s, source, error)) << error;
  EXPECT_NE(source.find("int64_t tap = 0;"), std::string::npos);
  ScratchDir dir("deep_gemm");
  KernelLibrary library;
  ASSERT_TRUE(library.build(dir.path, source, error)) << error;
  KernelLibrary::RowKernel kernel = library.lookup(s.symbol);
  ASSERT_TRUE(kernel);
  std::vector<uint8_t> input(s.c, 255), got(1, 0xa5);
  ASSERT_EQ(kernel(input.data(), 1, 0, 1, got.data()), 0);
  std::vector<uint8_t> want = referenceLayer(s, input, 1);
  EXPECT_EQ(int(want[0]), 128);
  EXPECT_EQ(int(got[0]), int(want[0]));
}

LayerSpec smallGemm() {
  LayerSpec s = smallGemmSpec<LayerSpec>();
  s.layerName = "small gemm";
  s.symbol = "small_gemm";
  s.isGemm = true;
  return s;
}

/// emitCKernel's verdict on `s`: its error, or "" when it accepts it.
std::string emitError(const LayerSpec &s) {
  std::string source, error;
  if (c::emitCKernel(s, source, error))
    return "";
  EXPECT_FALSE(error.empty()) << "rejected without an error";
  return error;
}

TEST(CKernelTest, InvalidSpecsAreErrors) {
  auto expectError = [](const LayerSpec &s, const std::string &message) {
    std::string error = emitError(s);
    EXPECT_NE(error, "") << "accepted, expected \"" << message << "\"";
    EXPECT_NE(error.find(message), std::string::npos) << error;
  };
  LayerSpec s = smallGemm();
  EXPECT_EQ(emitError(s), "");

  s = smallGemm();
  s.weights.pop_back();
  expectError(s, "expected 15 weights, got 14");
  s = smallGemm();
  s.bias.pop_back();
  expectError(s, "needs 3 entries");

  s = smallGemm();
  s.shift[1] = 63;
  expectError(s, "shift 63 is outside [0, 62]");
  s = smallGemm();
  s.shift[2] = -1;
  expectError(s, "shift -1 is outside [0, 62]");
  s = smallGemm();
  s.multiplier[0] = 0;
  expectError(s, "multiplier 0 is below 1");

  s = smallGemm();
  s.weightBits = 4; // 9 needs 5 bits
  expectError(s, "weight 9 is outside [-8, 7]");
  s = smallGemm();
  s.weightsSigned = false;
  expectError(s, "weight -2 is outside [0, 255]");
  s = smallGemm();
  s.weightBits = 9;
  expectError(s, "widths must be in [2, 8]");
  s = smallGemm();
  s.activationBits = 1;
  expectError(s, "widths must be in [2, 8]");

  s = smallGemm();
  s.epilogue.residual = ResidualEpilogue::Residual::Float;
  s.epilogue.floatOutput = true;
  expectError(s, "residual");
  s = smallGemm();
  s.epilogue.residual = ResidualEpilogue::Residual::Quantized;
  s.epilogue.quantizedOutputs.push_back({});
  expectError(s, "residual");

  s = smallGemm(); // 5 input channels in 2 groups
  s.groups = 2;
  expectError(s, "groups must divide the input and output channels");
  s = smallGemm(); // 3 output channels in 2 groups
  s.c = 4;
  s.groups = 2;
  s.weights.resize(3 * 2);
  expectError(s, "groups must divide the input and output channels");

  s = smallGemm();
  s.symbol.clear();
  expectError(s, "no symbol");
  s = smallGemm();
  s.outputMin = 10;
  s.outputMax = 9;
  expectError(s, "empty output range");
}

} // namespace
