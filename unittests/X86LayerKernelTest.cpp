//===- X86LayerKernelTest.cpp - baked x86 layer kernels vs the semantics --===//
//
// Each LayerKernel is a pipeline specialized to one layer (weights baked in),
// so every random spec costs a JIT compilation; each one is run on two batch
// sizes. The kernels must equal, bit for bit, a direct loop over the
// normative integer semantics (docs/design.md) on random dense convolutions,
// gemms, depthwise and grouped convolutions: odd sizes, padding, strides,
// dilation, channel counts that are not multiples of the vector width or
// the register tile, every weight width 2..8 with 8- and 4-bit activations,
// weight zero points, per-tensor and per-channel requantization, shifts 0
// and 62, saturation, and the tile shapes a schedule may choose.
//
//===----------------------------------------------------------------------===//

#include "LayerReference.h"
#include "RandomEpilogue.h"
#include "dfq/Support/Requantization.h"
#include "dfq/Targets/X86/LayerKernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

#include <dlfcn.h>
#include <unistd.h>

#include "HalideRuntime.h"

using namespace mlir::dfq;
using x86::LayerKernelSpec;
using x86::LayerSchedule;

namespace {

using Rng = std::mt19937;

int64_t uniform(Rng &rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

/// NarrowConv: a dense convolution with 1..3 input channels (a stem), whose
/// kernel-row taps join the dot product.
/// WideGemm: up to ~1000 input channels, as the GEMVs of a classifier head
/// (packed weights with many bytes per output row).
enum class Shape { Conv, NarrowConv, Gemm, WideGemm, Depthwise, Grouped };

/// A random consistent spec of the given shape; false when the draw has no
/// valid output extent (the caller draws again).
bool randomSpec(Rng &rng, Shape shape, x86::Isa isa, int weightBits,
                int activationBits, int trial, LayerKernelSpec &s) {
  s = LayerKernelSpec();
  s.name = "layer_" + std::to_string(trial);
  s.isa = isa;
  s.weightBits = weightBits;
  s.activationBits = activationBits;
  int lanes = isa == x86::Isa::Avx512Vnni ? 16 : 8;
  s.schedule.tileChannels = lanes * int(uniform(rng, 1, 4));
  s.schedule.tilePixels = int(uniform(rng, 1, 8));
  s.schedule.parallel = uniform(rng, 0, 3) != 0;
  switch (shape) {
  case Shape::Conv:
  case Shape::NarrowConv:
  case Shape::Gemm:
  case Shape::WideGemm:
    s.schedule.kind = LayerSchedule::Kind::Dense;
    s.groups = 1;
    s.c = uniform(rng, 0, 3) == 0 ? uniform(rng, 30, 80) : uniform(rng, 1, 24);
    if (shape == Shape::NarrowConv)
      s.c = uniform(rng, 1, 3);
    s.o = uniform(rng, 0, 3) == 0 ? uniform(rng, 40, 140) : uniform(rng, 1, 40);
    if (shape == Shape::WideGemm) {
      s.c = uniform(rng, 100, 1100);
      s.o = uniform(rng, 16, 130);
    }
    break;
  case Shape::Depthwise:
    s.schedule.kind = LayerSchedule::Kind::Depthwise;
    s.c = s.o = s.groups = uniform(rng, 1, 50);
    break;
  case Shape::Grouped:
    s.schedule.kind = LayerSchedule::Kind::Grouped;
    s.groups = uniform(rng, 1, 4);
    s.c = s.groups * uniform(rng, 1, 6);
    s.o = s.groups * uniform(rng, 1, 6);
    break;
  }
  if (shape != Shape::Gemm && shape != Shape::WideGemm) {
    s.h = uniform(rng, 1, 11);
    s.w = uniform(rng, 1, 13);
    bool pointwise = uniform(rng, 0, 4) == 0;
    s.kh = pointwise ? 1 : uniform(rng, 1, 3) + (uniform(rng, 0, 6) == 0) * 2;
    s.kw = pointwise ? 1 : uniform(rng, 1, 3);
    // Wide depthwise rows take more than one 4-tap dot product.
    if (shape == Shape::Depthwise && !pointwise && uniform(rng, 0, 4) == 0)
      s.kw += 2;
    s.strideH = uniform(rng, 1, 2);
    s.strideW = uniform(rng, 1, 2);
    bool dilated = uniform(rng, 0, 5) == 0;
    s.dilationH = dilated ? 2 : 1;
    s.dilationW = dilated ? uniform(rng, 1, 3) : 1;
    s.padTop = uniform(rng, 0, 2);
    s.padLeft = uniform(rng, 0, 2);
    int64_t padBottom = uniform(rng, 0, 2), padRight = uniform(rng, 0, 2);
    if (!s.setOutputExtent(padBottom, padRight))
      return false;
    if ((shape == Shape::Conv || shape == Shape::NarrowConv ||
         shape == Shape::Depthwise) &&
        uniform(rng, 0, 1)) {
      // Row tiles: pixels of one output row, a divisor of its width.
      std::vector<int> divisors;
      for (int d = 1; d <= std::min<int64_t>(16, s.outW); ++d)
        if (s.outW % d == 0)
          divisors.push_back(d);
      s.schedule.tilePixels =
          divisors[uniform(rng, 0, int64_t(divisors.size()) - 1)];
      s.schedule.pixelTiles = LayerSchedule::PixelTiles::Row;
    }
    // Channel tiles outside pixel tiles (the order of layers with large
    // weights) for a third of the dense convolutions with image tiles,
    // chosen from the shape so that the sweep's random stream is unchanged.
    if ((shape == Shape::Conv || shape == Shape::NarrowConv) &&
        s.schedule.pixelTiles == LayerSchedule::PixelTiles::Image &&
        s.outH * s.outW > 1 && (s.c + s.o + s.outW) % 3 == 0)
      s.schedule.channelTilesOuter = true;
  }

  int64_t wmin = -(int64_t(1) << (weightBits - 1)),
          wmax = (int64_t(1) << (weightBits - 1)) - 1;
  s.weights.resize(s.o * (s.c / s.groups) * s.kh * s.kw);
  bool narrow = uniform(rng, 0, 3) == 0; // w - zw still fits the bits
  for (auto &v : s.weights)
    v = int8_t(narrow ? uniform(rng, wmin / 2, wmax / 2)
                      : uniform(rng, wmin, wmax));
  bool perTensor = uniform(rng, 0, 3) == 0;
  bool zeroPoints = uniform(rng, 0, 2) == 0;
  int64_t amax = (int64_t(1) << activationBits) - 1;
  s.bias.resize(s.o);
  s.multiplier.resize(s.o);
  s.shift.resize(s.o);
  s.weightZeroPoint.resize(s.o);
  int64_t k = (s.c / s.groups) * s.kh * s.kw;
  for (int64_t i = 0; i < s.o; ++i) {
    int64_t j = perTensor ? 0 : i;
    if (perTensor && i > 0) {
      s.bias[i] = int32_t(uniform(rng, -3000, 3000));
      s.multiplier[i] = s.multiplier[0];
      s.shift[i] = s.shift[0];
      s.weightZeroPoint[i] = s.weightZeroPoint[0];
      continue;
    }
    (void)j;
    s.bias[i] = int32_t(uniform(rng, -3000, 3000));
    int kind = int(uniform(rng, 0, 9));
    if (kind == 0) { // no rounding
      s.multiplier[i] = int32_t(uniform(rng, 1, 3));
      s.shift[i] = 0;
    } else if (kind == 1) { // the largest shift
      s.multiplier[i] = int32_t(uniform(rng, int64_t(1) << 30, INT32_MAX));
      s.shift[i] = 62;
    } else {
      // About one output step per 2^(a + w) / sqrt(k) of accumulator.
      double real =
          std::ldexp(1.0, -int(uniform(rng, 0, 4))) /
          (std::sqrt(double(k)) * double(amax + 1) * double(wmax + 1)) * 256.0 *
          (0.5 + std::uniform_real_distribution<double>()(rng));
      std::optional<FixedPointMultiplier> m = encodeMultiplier(real);
      s.multiplier[i] = m->multiplier;
      s.shift[i] = m->shift;
    }
    s.weightZeroPoint[i] =
        zeroPoints ? int32_t(uniform(rng, std::max<int64_t>(wmin, -3),
                                     std::min<int64_t>(wmax, 3)))
                   : 0;
  }
  s.inputZeroPoint = int32_t(uniform(rng, 0, amax));
  s.outputZeroPoint = int32_t(uniform(rng, 0, 255));
  s.outputMin = uniform(rng, 0, 3) == 0 ? s.outputZeroPoint : 0;
  s.outputMax =
      std::max<int32_t>(s.outputMin, uniform(rng, 0, 5) == 0 ? 15 : 255);
  return true;
}

std::string describeSpec(const LayerKernelSpec &s) {
  std::string d =
      "c=" + std::to_string(s.c) + " o=" + std::to_string(s.o) +
      " hw=" + std::to_string(s.h) + "x" + std::to_string(s.w) +
      " k=" + std::to_string(s.kh) + "x" + std::to_string(s.kw) +
      " out=" + std::to_string(s.outH) + "x" + std::to_string(s.outW) +
      " stride=" + std::to_string(s.strideH) + "x" + std::to_string(s.strideW) +
      " pad=" + std::to_string(s.padTop) + "," + std::to_string(s.padLeft) +
      " dil=" + std::to_string(s.dilationH) + "x" +
      std::to_string(s.dilationW) + " groups=" + std::to_string(s.groups) +
      " wbits=" + std::to_string(s.weightBits) +
      " abits=" + std::to_string(s.activationBits) +
      " tile=" + std::to_string(s.schedule.tileChannels) + "x" +
      std::to_string(s.schedule.tilePixels) +
      (s.schedule.pixelTiles == LayerSchedule::PixelTiles::Row ? " row" : "") +
      (s.schedule.channelTilesOuter ? " channels-outer" : "") + " " +
      x86::isaName(s.isa);
  return d;
}

std::string scratchDir() {
  static std::string dir = [] {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() /
        ("dfq-layer-kernel-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    return path.string();
  }();
  return dir;
}

bool shell(const std::string &command, std::string &error) {
  if (std::system(command.c_str()) == 0)
    return true;
  error = "failed: " + command;
  return false;
}

/// Loads Halide's runtime for `isa` once, as a shared library whose
/// symbols the kernel libraries bind to (so that those can be unloaded).
bool loadRuntime(x86::Isa isa, std::string &error) {
  static bool loaded[2] = {false, false};
  bool &done = loaded[isa == x86::Isa::Avx2];
  if (done)
    return true;
  std::string base = scratchDir() + "/runtime_" + x86::isaName(isa);
  if (!x86::emitHalideRuntimeObject(isa, base + ".o", error) ||
      !shell("cc -shared -o " + base + ".so " + base + ".o", error))
    return false;
  if (!dlopen((base + ".so").c_str(), RTLD_NOW | RTLD_GLOBAL)) {
    error = dlerror();
    return false;
  }
  done = true;
  return true;
}

/// The ahead-of-time path a model library takes: the kernel's object file,
/// linked into a shared library (so it must be position independent),
/// called through its C entry point.
class AotKernel {
public:
  ~AotKernel() {
    if (handle)
      dlclose(handle);
  }
  /// Loads `kernel`'s object, to be called with the tables of `tablesOf`
  /// (by default its own): a model library calls a kernel with the tables
  /// of every layer that shares its code.
  bool load(x86::LayerKernel &kernel, const LayerKernelSpec &s,
            std::string &error, const x86::LayerKernel *tablesOf = nullptr) {
    if (!loadRuntime(s.isa, error))
      return false;
    std::string base = scratchDir() + "/" + s.name;
    if (!kernel.compileToObject(base + ".o", error) ||
        !shell("cc -shared -o " + base + ".so " + base + ".o", error))
      return false;
    handle = dlopen((base + ".so").c_str(), RTLD_NOW | RTLD_LOCAL);
    std::filesystem::remove(base + ".o");
    std::filesystem::remove(base + ".so");
    if (!handle) {
      error = dlerror();
      return false;
    }
    // Halide's entry point that takes its arguments as an array.
    entry = reinterpret_cast<int (*)(void **)>(
        dlsym(handle, (s.name + "_argv").c_str()));
    if (!entry) {
      error = "no symbol " + s.name + "_argv";
      return false;
    }
    // The tables, each aligned as the kernel requires.
    for (const x86::KernelTable &table :
         (tablesOf ? tablesOf : &kernel)->tables()) {
      size_t bytes = table.bytes.size();
      size_t padded = (bytes + x86::kTableAlignment - 1) /
                      x86::kTableAlignment * x86::kTableAlignment;
      std::shared_ptr<uint8_t> copy(static_cast<uint8_t *>(std::aligned_alloc(
                                        x86::kTableAlignment, padded)),
                                    std::free);
      std::memcpy(copy.get(), table.bytes.data(), bytes);
      tableData.push_back(copy);
      std::vector<halide_dimension_t> dims;
      int32_t stride = 1;
      for (int extent : table.shape) {
        dims.push_back({0, extent, stride, 0});
        stride *= extent;
      }
      tableDims.push_back(std::move(dims));
      halide_buffer_t b = {};
      b.host = copy.get();
      b.type = halide_type_t(halide_type_code_t(table.typeCode),
                             uint8_t(table.bits));
      b.dimensions = int32_t(table.shape.size());
      tableBuffers.push_back(b);
    }
    for (size_t t = 0; t < tableBuffers.size(); ++t)
      tableBuffers[t].dim = tableDims[t].data();
    return true;
  }
  /// Computes output rows [rowBegin, rowEnd) (all when rowEnd is 0) of
  /// `output`, the whole tensor: a convolution takes any row range of its
  /// output buffer, as model libraries split layers over threads.
  int run(const LayerKernelSpec &s, const uint8_t *input, int64_t n,
          uint8_t *output, int64_t rowBegin = 0, int64_t rowEnd = 0) {
    return run(s, input, n, nullptr, {output}, rowBegin, rowEnd);
  }
  /// The same with a residual epilogue: the residual and every output are
  /// described like the output (f32 or u8 elements).
  int run(const LayerKernelSpec &s, const uint8_t *input, int64_t n,
          const void *residual, const std::vector<void *> &outputs,
          int64_t rowBegin = 0, int64_t rowEnd = 0) {
    if (rowEnd == 0)
      rowEnd = s.outH;
    halide_dimension_t in[4] = {{0, int32_t(s.c), 1, 0},
                                {0, int32_t(s.w), int32_t(s.c), 0},
                                {0, int32_t(s.h), int32_t(s.c * s.w), 0},
                                {0, int32_t(n), int32_t(s.c * s.w * s.h), 0}};
    halide_dimension_t out[4] = {
        {0, int32_t(s.o), 1, 0},
        {0, int32_t(s.outW), int32_t(s.o), 0},
        {int32_t(rowBegin), int32_t(rowEnd - rowBegin), int32_t(s.o * s.outW),
         0},
        {0, int32_t(n), int32_t(s.o * s.outW * s.outH), 0}};
    halide_buffer_t inBuf = {};
    inBuf.host = const_cast<uint8_t *>(input);
    inBuf.type = halide_type_t(halide_type_uint, 8);
    inBuf.dimensions = 4;
    inBuf.dim = in;
    // Each buffer holds the rows from rowBegin on.
    const x86::ResidualEpilogue &e = s.epilogue;
    std::vector<halide_buffer_t> buffers;
    buffers.reserve(1 + outputs.size());
    auto add = [&](const void *host, bool isFloat) {
      halide_buffer_t b = {};
      int bytes = isFloat ? 4 : 1;
      b.host = static_cast<uint8_t *>(const_cast<void *>(host)) +
               rowBegin * s.outW * s.o * bytes;
      b.type = isFloat ? halide_type_t(halide_type_float, 32)
                       : halide_type_t(halide_type_uint, 8);
      b.dimensions = 4;
      b.dim = out;
      buffers.push_back(b);
    };
    if (e.enabled())
      add(residual, e.residual == x86::ResidualEpilogue::Residual::Float);
    for (size_t i = 0; i < outputs.size(); ++i)
      add(outputs[i], e.enabled() && e.floatOutput && i == 0);
    // Input, residual, tables, outputs.
    std::vector<void *> args = {&inBuf};
    size_t next = 0;
    if (e.enabled())
      args.push_back(&buffers[next++]);
    for (halide_buffer_t &table : tableBuffers)
      args.push_back(&table);
    while (next < buffers.size())
      args.push_back(&buffers[next++]);
    return entry(args.data());
  }

private:
  void *handle = nullptr;
  int (*entry)(void **) = nullptr;
  std::vector<std::shared_ptr<uint8_t>> tableData;
  std::vector<std::vector<halide_dimension_t>> tableDims;
  std::vector<halide_buffer_t> tableBuffers;
};

/// The instruction sets this CPU runs kernels for.
std::vector<x86::Isa> supportedIsas() {
  std::vector<x86::Isa> isas;
  for (x86::Isa isa : {x86::Isa::Avx512Vnni, x86::Isa::Avx2})
    if (x86::hostSupports(isa))
      isas.push_back(isa);
  return isas;
}

/// Draws `count` specs of `shape` (cycling through weight and activation
/// widths and the instruction sets this CPU runs) and checks each on two
/// batch sizes through the object file (convolutions also on two ranges of
/// output rows, as threads share a layer), and every fourth also through
/// the JIT (`run`), which compiles the same pipeline.
void sweep(Shape shape, int count, unsigned seed) {
  std::vector<x86::Isa> isas = supportedIsas();
  if (isas.empty())
    GTEST_SKIP() << "this CPU has neither AVX2 nor AVX-512 VNNI";
  Rng rng(seed);
  int maskedGemvs = 0;
  for (int trial = 0; trial < count;) {
    int weightBits = 2 + trial % 7;
    int activationBits = (trial / 7) % 2 ? 4 : 8;
    x86::Isa isa = isas[(trial / 14) % isas.size()];
    LayerKernelSpec s;
    if (!randomSpec(rng, shape, isa, weightBits, activationBits, trial, s))
      continue;
    ++trial;
    std::string error;
    std::unique_ptr<x86::LayerKernel> kernel =
        x86::LayerKernel::create(s, error);
    ASSERT_TRUE(kernel) << error << "\n" << describeSpec(s);
    maskedGemvs +=
        kernel->describe().find("gemv-masked-fields") != std::string::npos;
    AotKernel aot;
    ASSERT_TRUE(aot.load(*kernel, s, error)) << error << "\n"
                                             << describeSpec(s);
    bool jit = trial % 4 == 0;
    int64_t amax = (int64_t(1) << activationBits) - 1;
    for (int64_t n : {int64_t(1), uniform(rng, 2, 9)}) {
      std::vector<uint8_t> input(n * s.h * s.w * s.c);
      for (auto &v : input)
        v = uint8_t(uniform(rng, 0, amax));
      std::vector<uint8_t> want = referenceLayer(s, input, n);
      // The object file on the whole output, the object file on two row
      // ranges (convolutions), the JIT.
      for (int mode : {0, 1, 2}) {
        bool viaJit = mode == 2, rowRanges = mode == 1;
        if ((viaJit && !jit) || (rowRanges && s.outH < 2))
          continue;
        std::vector<uint8_t> got(want.size(), 0xa5);
        if (viaJit) {
          ASSERT_TRUE(kernel->run(input.data(), n, got.data(), error))
              << error << "\n"
              << describeSpec(s);
        } else if (rowRanges) {
          int64_t split = uniform(rng, 1, s.outH - 1);
          ASSERT_EQ(aot.run(s, input.data(), n, got.data(), 0, split), 0)
              << describeSpec(s);
          ASSERT_EQ(aot.run(s, input.data(), n, got.data(), split, s.outH), 0)
              << describeSpec(s);
        } else {
          ASSERT_EQ(aot.run(s, input.data(), n, got.data()), 0)
              << describeSpec(s);
        }
        const char *path = viaJit      ? "JIT"
                           : rowRanges ? "object, 2 row ranges"
                                       : "object";
        for (size_t i = 0; i < want.size(); ++i)
          ASSERT_EQ(int(got[i]), int(want[i]))
              << path << " trial " << trial << " element " << i << " (o "
              << i % s.o << ", pixel " << i / s.o << ") batch " << n << ": "
              << describeSpec(s) << " [" << kernel->describe() << "]";
      }
    }
  }
  // Packed 2- to 4-bit GEMVs on AVX-512 VNNI take the masked-field path.
  if (shape == Shape::WideGemm && x86::hostSupports(x86::Isa::Avx512Vnni))
    EXPECT_GT(maskedGemvs, 0);
}

// Several cases, so that lit runs them in parallel.
TEST(X86LayerKernelTest, DenseConvolutions) { sweep(Shape::Conv, 100, 1); }
TEST(X86LayerKernelTest, MoreDenseConvolutions) { sweep(Shape::Conv, 100, 5); }
TEST(X86LayerKernelTest, NarrowInputConvolutions) {
  sweep(Shape::NarrowConv, 40, 6);
}
TEST(X86LayerKernelTest, Gemms) { sweep(Shape::Gemm, 120, 2); }
TEST(X86LayerKernelTest, WideGemms) { sweep(Shape::WideGemm, 28, 7); }

/// `s` with its output channels in another order, each channel's weights
/// shuffled and other input and output zero points: other tables, but
/// every choice the kernel makes from their values (weight ranges per
/// channel, uniform or per-channel requantization, the shifts' regime) is
/// the same.
LayerKernelSpec shuffledSpec(const LayerKernelSpec &s, Rng &rng) {
  LayerKernelSpec t = s;
  std::vector<int64_t> order(s.o);
  for (int64_t i = 0; i < s.o; ++i)
    order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  int64_t perChannel = int64_t(s.weights.size()) / s.o;
  for (int64_t i = 0; i < s.o; ++i) {
    int64_t from = order[i];
    std::copy_n(s.weights.begin() + from * perChannel, perChannel,
                t.weights.begin() + i * perChannel);
    std::shuffle(t.weights.begin() + i * perChannel,
                 t.weights.begin() + (i + 1) * perChannel, rng);
    for (auto member :
         {&LayerKernelSpec::bias, &LayerKernelSpec::multiplier,
          &LayerKernelSpec::shift, &LayerKernelSpec::weightZeroPoint})
      (t.*member)[i] = (s.*member)[from];
    t.bias[i] += int32_t(uniform(rng, -1000, 1000));
  }
  t.inputZeroPoint =
      int32_t(uniform(rng, 0, (int64_t(1) << s.activationBits) - 1));
  t.outputZeroPoint = int32_t(uniform(rng, s.outputMin, s.outputMax));
  t.name = s.name + "_shuffled";
  return t;
}

// Layers whose kernels have the same code key share one object in a model
// library, each calling it with its own tables: the first layer's object
// with the second layer's tables (and zero points) computes the second
// layer exactly. Another output range (an immediate of the code) gives
// another key.
TEST(X86LayerKernelTest, SharedCodeRunsWithOtherTables) {
  Rng rng(21);
  int trial = 0;
  for (x86::Isa isa : supportedIsas())
    for (Shape shape : {Shape::Conv, Shape::NarrowConv, Shape::Gemm,
                        Shape::WideGemm, Shape::Depthwise, Shape::Grouped})
      for (int weightBits : {8, 4}) {
        LayerKernelSpec s;
        if (!randomSpec(rng, shape, isa, weightBits, 8, trial++, s))
          continue;
        LayerKernelSpec t = shuffledSpec(s, rng);
        std::string error;
        auto first = x86::LayerKernel::create(s, error);
        ASSERT_TRUE(first) << error << "\n" << describeSpec(s);
        auto second = x86::LayerKernel::create(t, error);
        ASSERT_TRUE(second) << error << "\n" << describeSpec(t);
        ASSERT_EQ(first->codeKey(), second->codeKey()) << describeSpec(s);
        LayerKernelSpec u = s;
        if (s.outputMax > s.outputMin)
          --u.outputMax;
        else if (s.outputMax < 255)
          ++u.outputMax;
        else
          --u.outputMin;
        auto third = x86::LayerKernel::create(u, error);
        ASSERT_TRUE(third) << error;
        EXPECT_NE(first->codeKey(), third->codeKey()) << describeSpec(s);

        AotKernel aot;
        ASSERT_TRUE(aot.load(*first, s, error, second.get()))
            << error << "\n"
            << describeSpec(s);
        int64_t n = uniform(rng, 1, 4);
        std::vector<uint8_t> input(n * s.h * s.w * s.c);
        for (auto &v : input)
          v = uint8_t(uniform(rng, 0, 255));
        std::vector<uint8_t> want = referenceLayer(t, input, n);
        std::vector<uint8_t> got(want.size(), 0xa5);
        ASSERT_EQ(aot.run(t, input.data(), n, got.data()), 0)
            << describeSpec(t);
        for (size_t i = 0; i < want.size(); ++i)
          ASSERT_EQ(int(got[i]), int(want[i]))
              << "element " << i << ": " << describeSpec(t) << " ["
              << first->describe() << "]";
      }
}

// Masked 4-bit fields sum up to 240 x 128 per input channel pair in one
// 32-bit accumulator: past about 140,000 input channels a GEMV keeps the
// shifted fields, and stays exact.
TEST(X86LayerKernelTest, VeryDeepPackedGemvKeepsShiftedFields) {
  if (!x86::hostSupports(x86::Isa::Avx512Vnni))
    GTEST_SKIP() << "this CPU lacks AVX-512 VNNI";
  LayerKernelSpec s;
  s.name = "deep_gemv";
  s.isa = x86::Isa::Avx512Vnni;
  s.weightBits = 4;
  s.c = 140000;
  s.o = 16;
  Rng rng(11);
  s.weights.resize(s.o * s.c);
  for (auto &v : s.weights)
    v = int8_t(uniform(rng, -7, 7));
  s.bias.assign(s.o, 5);
  s.multiplier.assign(s.o, 1 << 30);
  s.shift.assign(s.o, 41);
  s.outputZeroPoint = 128;
  s.weightZeroPoint.assign(s.o, 0);
  s.inputZeroPoint = 3;
  s.schedule.tileChannels = 16;
  s.schedule.tilePixels = 6;
  s.schedule.parallel = true;
  std::string error;
  std::unique_ptr<x86::LayerKernel> kernel = x86::LayerKernel::create(s, error);
  ASSERT_TRUE(kernel) << error;
  EXPECT_EQ(kernel->describe().find("masked"), std::string::npos)
      << kernel->describe();
  std::vector<uint8_t> input(s.c);
  for (auto &v : input)
    v = uint8_t(uniform(rng, 0, 255));
  std::vector<uint8_t> want = referenceLayer(s, input, 1), got(s.o, 0xa5);
  // Outputs spread over the range, not all clamped to one value.
  EXPECT_GT(*std::max_element(want.begin(), want.end()),
            *std::min_element(want.begin(), want.end()) + 8);
  ASSERT_TRUE(kernel->run(input.data(), 1, got.data(), error)) << error;
  for (int64_t i = 0; i < s.o; ++i)
    EXPECT_EQ(int(got[i]), int(want[i])) << "output " << i;
}
TEST(X86LayerKernelTest, DepthwiseConvolutions) {
  sweep(Shape::Depthwise, 100, 3);
}
TEST(X86LayerKernelTest, GroupedConvolutions) { sweep(Shape::Grouped, 100, 4); }

/// Residual epilogues on every kind of layer: the kernel's outputs (through
/// the object file on the whole output and on two row ranges, and the JIT)
/// equal the interpreter's f32 ops bit for bit.
TEST(X86LayerKernelTest, ResidualEpilogues) {
  std::vector<x86::Isa> isas = supportedIsas();
  if (isas.empty())
    GTEST_SKIP() << "this CPU has neither AVX2 nor AVX-512 VNNI";
  using E = x86::ResidualEpilogue;
  const Shape shapes[] = {Shape::Conv, Shape::Depthwise, Shape::Gemm,
                          Shape::Grouped};
  Rng rng(21);
  int ties = 0;
  for (int trial = 0; trial < 40;) {
    x86::Isa isa = isas[(trial / 4) % isas.size()];
    LayerKernelSpec s;
    if (!randomSpec(rng, shapes[trial % 4], isa, 2 + trial % 7,
                    trial % 5 ? 8 : 4, trial, s))
      continue;
    ++trial;
    randomEpilogue(rng, s.epilogue);
    std::string error;
    std::unique_ptr<x86::LayerKernel> kernel =
        x86::LayerKernel::create(s, error);
    ASSERT_TRUE(kernel) << error << "\n" << describeSpec(s);
    AotKernel aot;
    ASSERT_TRUE(aot.load(*kernel, s, error)) << error << "\n"
                                             << describeSpec(s);
    int64_t amax = (int64_t(1) << s.activationBits) - 1;
    for (int64_t n : {int64_t(1), uniform(rng, 2, 5)}) {
      std::vector<uint8_t> input(n * s.h * s.w * s.c);
      for (auto &v : input)
        v = uint8_t(uniform(rng, 0, amax));
      std::vector<uint8_t> q = referenceLayer(s, input, n);
      std::vector<float> residualFloat;
      std::vector<uint8_t> residualBytes;
      randomResidual(rng, s.epilogue, q.size(), residualFloat, residualBytes);
      std::vector<std::vector<uint8_t>> want = epilogueReference(
          s.epilogue, s.outputZeroPoint, q, residualFloat, residualBytes);
      const void *residual =
          s.epilogue.residual == E::Residual::Float
              ? static_cast<const void *>(residualFloat.data())
              : residualBytes.data();
      for (const E::Quantization &quantization : s.epilogue.quantizedOutputs)
        for (size_t i = 0;
             i < q.size() && s.epilogue.activation == E::Activation::None;
             ++i) {
          float x =
              float(int32_t(q[i]) - s.outputZeroPoint) *
                  s.epilogue.outputScale +
              (s.epilogue.residual == E::Residual::Float ? residualFloat[i]
                                                         : 0.0f);
          float t = x / quantization.scale;
          ties += t - std::floor(t) == 0.5f;
        }
      for (int mode : {0, 1, 2}) {
        if ((mode == 1 && s.outH < 2) || (mode == 2 && trial % 3))
          continue;
        std::vector<std::vector<uint8_t>> got;
        std::vector<void *> outputs;
        for (const std::vector<uint8_t> &w : want)
          got.emplace_back(w.size(), 0xa5);
        for (std::vector<uint8_t> &g : got)
          outputs.push_back(g.data());
        if (mode == 2) {
          ASSERT_TRUE(kernel->run(input.data(), n, residual, outputs, error))
              << error << "\n"
              << describeSpec(s);
        } else if (mode == 1) {
          int64_t split = uniform(rng, 1, s.outH - 1);
          ASSERT_EQ(aot.run(s, input.data(), n, residual, outputs, 0, split),
                    0);
          ASSERT_EQ(
              aot.run(s, input.data(), n, residual, outputs, split, s.outH), 0);
        } else {
          ASSERT_EQ(aot.run(s, input.data(), n, residual, outputs), 0)
              << describeSpec(s);
        }
        for (size_t k = 0; k < want.size(); ++k)
          for (size_t i = 0; i < want[k].size(); ++i)
            ASSERT_EQ(int(got[k][i]), int(want[k][i]))
                << "mode " << mode << " trial " << trial << " output " << k
                << " byte " << i << " batch " << n << ": " << describeSpec(s)
                << " [" << kernel->describe() << "]";
      }
    }
  }
  // The sweep met rounding ties (x / scale exactly halfway).
  EXPECT_GT(ties, 0);
}

LayerKernelSpec smallGemm() {
  LayerKernelSpec s = smallGemmSpec<LayerKernelSpec>();
  s.name = "small_gemm";
  return s;
}

TEST(X86LayerKernelTest, InvalidSpecsAreErrors) {
  std::string error;
  LayerKernelSpec s = smallGemm();
  s.shift[1] = 63;
  EXPECT_FALSE(x86::LayerKernel::create(s, error));
  EXPECT_NE(error.find("shift 63 is outside [0, 62]"), std::string::npos)
      << error;
  s = smallGemm();
  s.weightBits = 4;
  EXPECT_FALSE(x86::LayerKernel::create(s, error)); // 9 needs 5 bits
  EXPECT_NE(error.find("outside the 4-bit range"), std::string::npos) << error;
  s = smallGemm();
  s.weights.pop_back();
  EXPECT_FALSE(x86::LayerKernel::create(s, error));
  s = smallGemm();
  s.groups = 2;
  EXPECT_FALSE(x86::LayerKernel::create(s, error));
  s = smallGemm();
  s.name = "not an identifier";
  EXPECT_FALSE(x86::LayerKernel::create(s, error));
  s = smallGemm();
  s.schedule.kind = LayerSchedule::Kind::Depthwise;
  EXPECT_FALSE(x86::LayerKernel::create(s, error));
  s = smallGemm();
  s.schedule.tileChannels = 20;
  EXPECT_FALSE(x86::LayerKernel::create(s, error));
  s = smallGemm();
  s.activationBits = 4;
  s.inputZeroPoint = 16;
  EXPECT_FALSE(x86::LayerKernel::create(s, error));
  s = smallGemm(); // 6 pixels do not divide a row of 1
  s.schedule.pixelTiles = LayerSchedule::PixelTiles::Row;
  EXPECT_FALSE(x86::LayerKernel::create(s, error));
  EXPECT_NE(error.find("row pixel tiles"), std::string::npos) << error;
  s = smallGemm(); // a gemm has one pixel per image
  s.schedule.channelTilesOuter = true;
  EXPECT_FALSE(x86::LayerKernel::create(s, error));
  EXPECT_NE(error.find("channel tiles outside pixel tiles"), std::string::npos)
      << error;
  using E = x86::ResidualEpilogue;
  s = smallGemm(); // an epilogue with no output
  s.epilogue.residual = E::Residual::Float;
  EXPECT_FALSE(x86::LayerKernel::create(s, error));
  EXPECT_NE(error.find("1 to 4 outputs"), std::string::npos) << error;
  s.epilogue.floatOutput = true;
  s.epilogue.outputScale = 0.0f;
  EXPECT_FALSE(x86::LayerKernel::create(s, error));
  EXPECT_NE(error.find("finite positive scales"), std::string::npos) << error;
  s.epilogue.outputScale = 0.5f;
  s.epilogue.quantizedOutputs.push_back({0.25f, 3, 10, 5});
  EXPECT_FALSE(x86::LayerKernel::create(s, error));
  s.epilogue.quantizedOutputs.back() = {0.25f, 3, 0, 255};
  s.epilogue.activation = E::Activation::Clip;
  s.epilogue.clipMin = 1.0f;
  EXPECT_FALSE(x86::LayerKernel::create(s, error));
  EXPECT_NE(error.find("min > max"), std::string::npos) << error;
  s.epilogue.clipMax = 2.0f;
  EXPECT_TRUE(x86::LayerKernel::create(s, error)) << error;
}

TEST(X86LayerKernelTest, ObjectFilesAreWritten) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("dfq-layer-kernel-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (x86::Isa isa : {x86::Isa::Avx512Vnni, x86::Isa::Avx2}) {
    std::string error;
    LayerKernelSpec s = smallGemm();
    s.isa = isa;
    s.weightBits = 5;
    s.name =
        std::string("small_gemm_") + (isa == x86::Isa::Avx2 ? "avx2" : "vnni");
    std::unique_ptr<x86::LayerKernel> kernel =
        x86::LayerKernel::create(s, error);
    ASSERT_TRUE(kernel) << error;
    std::filesystem::path object = dir / (s.name + ".o"),
                          runtime = dir / (s.name + "_runtime.o");
    ASSERT_TRUE(kernel->compileToObject(object.string(), error)) << error;
    ASSERT_TRUE(x86::emitHalideRuntimeObject(isa, runtime.string(), error))
        << error;
    EXPECT_GT(std::filesystem::file_size(object), 0u);
    EXPECT_GT(std::filesystem::file_size(runtime), 0u);
  }
  std::filesystem::remove_all(dir);

  x86::Isa isa;
  EXPECT_TRUE(x86::parseIsa("x86-avx512-vnni", isa));
  EXPECT_EQ(isa, x86::Isa::Avx512Vnni);
  EXPECT_TRUE(x86::parseIsa("x86-avx2", isa));
  EXPECT_EQ(std::string(x86::isaName(isa)), "x86-avx2");
  EXPECT_FALSE(x86::parseIsa("x86", isa));
}

// Kernels are checked for instructions that AVX-512 VNNI CPUs without newer
// extensions (Zen 4) lack, in LLVM's assembly or in llvm-objdump's
// disassembly of the object.
TEST(X86LayerKernelTest, ForbiddenInstructionsInAssembly) {
  EXPECT_EQ(x86::forbiddenInstruction(
                "\t.text\n# comment\nconv:\n\tvpdpbusd\t%zmm1, %zmm2, %zmm3\n"
                "\tvmovdqu64\t(%rax), %zmm0\n\tretq\n"),
            "");
  EXPECT_EQ(x86::forbiddenInstruction("\tvmovw\t%xmm0, %eax\n"),
            "vmovw\t%xmm0, %eax");
  EXPECT_EQ(x86::forbiddenInstruction("\t{vex} vpdpbusd %ymm1, %ymm2, %ymm3\n"),
            "{vex} vpdpbusd %ymm1, %ymm2, %ymm3");
  EXPECT_EQ(x86::forbiddenInstruction("\tvpdpbusd\t%xmm1, %xmm2, %xmm3\n"),
            "vpdpbusd\t%xmm1, %xmm2, %xmm3");
  EXPECT_EQ(x86::forbiddenInstruction("\tvaddph\t%zmm1, %zmm2, %zmm3\n"),
            "vaddph\t%zmm1, %zmm2, %zmm3");
  EXPECT_EQ(x86::forbiddenInstruction("\ttdpbssd\t%tmm1, %tmm2, %tmm3\n"),
            "tdpbssd\t%tmm1, %tmm2, %tmm3");
}

TEST(X86LayerKernelTest, ForbiddenInstructionsInDisassembly) {
  const char *mc = "/usr/lib/llvm-22/bin/llvm-mc";
  const char *objdump = "/usr/lib/llvm-22/bin/llvm-objdump";
  if (access(mc, X_OK) != 0 || access(objdump, X_OK) != 0)
    GTEST_SKIP() << "LLVM 22's llvm-mc and llvm-objdump are not installed";
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("dfq-disassembly-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  // Disassembles an object assembled from `assembly` the way X86Backend does
  // and returns what forbiddenInstruction finds in it.
  auto check = [&](const std::string &name, const std::string &assembly,
                   const std::string &features) {
    std::string source = (dir / (name + ".s")).string();
    std::string object = (dir / (name + ".o")).string();
    std::string listing = (dir / (name + ".txt")).string();
    {
      std::ofstream file(source);
      file << "\t.text\n" << name << ":\n" << assembly << "\tretq\n";
    }
    std::string assemble = std::string(mc) +
                           " -triple=x86_64-unknown-linux-gnu -filetype=obj "
                           "-mattr=" +
                           features + " " + source + " -o " + object;
    std::string disassemble = std::string(objdump) +
                              " -d --no-show-raw-insn --no-leading-addr " +
                              object + " > " + listing;
    EXPECT_EQ(std::system(assemble.c_str()), 0) << assemble;
    EXPECT_EQ(std::system(disassemble.c_str()), 0) << disassemble;
    std::ifstream file(listing);
    std::stringstream text;
    text << file.rdbuf();
    return x86::forbiddenInstruction(text.str());
  };
  EXPECT_EQ(check("clean", "\tvpdpbusd %zmm1, %zmm2, %zmm3\n",
                  "+avx512f,+avx512vnni"),
            "");
  EXPECT_NE(check("fp16", "\tvmovw %xmm0, %eax\n", "+avx512fp16"), "");
  EXPECT_NE(
      check("avxvnni", "\t{vex} vpdpbusd %ymm1, %ymm2, %ymm3\n", "+avxvnni"),
      "");
  std::filesystem::remove_all(dir);
}

} // namespace
