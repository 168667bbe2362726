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
#include "RandomLayerSpec.h"
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

  ScratchDir dir("c-kernel-test", name);
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
  ScratchDir dir("c-kernel-test", "deep_gemm");
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
