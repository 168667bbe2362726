//===- HalideLayerKernel.cpp - one quantized layer as a Halide pipeline ---===//
//
// LayerKernel (include/dfq/Targets/X86/LayerKernel.h): a dfq.qconv2d or
// dfq.qgemm whose weights and per-channel parameters are constants, so they
// are packed and folded at build time and baked into the pipeline.
//
// Arithmetic. With x' the input (padded taps read the input zero point zx)
// and w' = w - zw[o] the weights relative to their zero point,
//
//   acc[o] = bias[o] + sum (x' - zx) w' = bias[o] - zx sum(w') + sum x' w'
//
// so the inner loop is a u8 x s8 dot product (vpdpbusd) and the rest is a
// per-channel constant `base`. w' is stored whenever it fits the container
// (always for 2..7-bit weights with in-range zero points); otherwise (8-bit
// weights with a zero point) w itself is stored and the kernel subtracts
// zw[o] * sum(x') per pixel. The combination is done modulo 2^32: every
// term is exact modulo 2^32 and docs/design.md guarantees that acc itself
// fits int32, so the wrapped sum is acc exactly.
//
// Schedules.
//  - Dense: output channels in vector lanes, input channels reduced 4 at a
//    time with 512-bit vpdpbusd (AVX-512 VNNI), register tiles of
//    tileChannels x tilePixels accumulators. A tile's pixels are either
//    consecutive pixels of one output row (row tiles, which divide the row:
//    one input address plus constant offsets) or numbered per image
//    (q = y * outW + x) so that a tile never wastes lanes at the end of a
//    short row (7x7 outputs with 4 vectors of channels); a gemm tiles its
//    batch rows instead. Weights are packed at build time to
//    [o/16][kh][kw][c/4 / per-byte][16][4], 2 or 4 bits per value packed
//    along the c/4 dimension, so one 64-byte load gives the 16 x 4 operand
//    of one (8-bit) or of 2 or 4 consecutive (4-, 2-bit) dot-product steps.
//    With few input channels (a grayscale stem) the taps of a kernel row
//    join the channels in the dot product ([kh][1][kw * c / 4 ...]).
//  - Requantization: in 32-bit lanes on the high half of acc * M when every
//    shift is at least 33 (see requantize), else in 64-bit lanes.
//  - Depthwise: channels in vector lanes (NHWC), taps unrolled, int32;
//    register tiles of one vector by several pixels of a row.
//  - Grouped: a direct loop nest, channels vectorized.
//
//===----------------------------------------------------------------------===//

#include "dfq/Targets/X86/LayerKernel.h"
#include "dfq/Targets/X86/QGemmKernel.h"

#include "Halide.h"

#include <cpuid.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

using namespace Halide;

namespace mlir::dfq::x86 {

//===----------------------------------------------------------------------===//
// Instruction sets
//===----------------------------------------------------------------------===//

bool parseIsa(const std::string &name, Isa &isa) {
  if (name == "x86-avx512-vnni") {
    isa = Isa::Avx512Vnni;
    return true;
  }
  if (name == "x86-avx2") {
    isa = Isa::Avx2;
    return true;
  }
  return false;
}

const char *isaName(Isa isa) {
  return isa == Isa::Avx512Vnni ? "x86-avx512-vnni" : "x86-avx2";
}

bool hostSupports(Isa isa) {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
    return false;
  bool sse41 = ecx & bit_SSE4_1, avx = ecx & bit_AVX, f16c = ecx & bit_F16C,
       fma = ecx & bit_FMA, osxsave = ecx & bit_OSXSAVE;
  if (!osxsave)
    return false;
  // The OS must save the vector state: XMM and YMM (bits 1, 2), and for
  // AVX-512 also the opmask and ZMM state (bits 5, 6, 7).
  unsigned xcrLo = 0, xcrHi = 0;
  __asm__("xgetbv" : "=a"(xcrLo), "=d"(xcrHi) : "c"(0));
  bool osYmm = (xcrLo & 0x6) == 0x6, osZmm = (xcrLo & 0xe6) == 0xe6;
  unsigned a7 = 0, b7 = 0, c7 = 0, d7 = 0;
  if (!__get_cpuid_count(7, 0, &a7, &b7, &c7, &d7))
    return false;
  bool avx2Set = sse41 && avx && f16c && fma && (b7 & bit_AVX2) && osYmm;
  if (isa == Isa::Avx2)
    return avx2Set;
  bool avx512 = (b7 & bit_AVX512F) && (b7 & bit_AVX512CD) &&
                (b7 & bit_AVX512VL) && (b7 & bit_AVX512BW) &&
                (b7 & bit_AVX512DQ) && (b7 & bit_AVX512IFMA) &&
                (c7 & bit_AVX512VBMI) && (c7 & bit_AVX512VNNI);
  return avx2Set && avx512 && osZmm;
}

std::string halideTargetFor(Isa isa) {
  // Spelled out rather than detected: the objects run on any CPU with these
  // features. avx512_sapphirerapids is what makes Halide emit vpdpbusd; it
  // also enables VEX AVX-VNNI for narrower dot products, which AVX-512-only
  // CPUs (AMD Zen 4) lack, so every dot product in these pipelines is
  // scheduled 512 bits wide.
  if (isa == Isa::Avx512Vnni)
    return "x86-64-linux-sse41-avx-avx2-f16c-fma-avx512-avx512_skylake-"
           "avx512_cannonlake-avx512_sapphirerapids";
  return "x86-64-linux-sse41-avx-avx2-f16c-fma";
}

//===----------------------------------------------------------------------===//
// Validation
//===----------------------------------------------------------------------===//

namespace {

int64_t roundUp(int64_t a, int64_t b) { return (a + b - 1) / b * b; }

/// Instructions a CPU with AVX-512 VNNI but nothing newer (AMD Zen 4) lacks
/// and that LLVM may still pick under Halide's avx512_sapphirerapids
/// feature, which sets -mcpu=sapphirerapids: VEX AVX-VNNI ({vex} vpdp*),
/// narrower dot products, AVX512-FP16 (vmovw, *ph/*sh arithmetic) and AMX.
/// Returns the first offending line of `assembly`, empty when clean.
std::string forbiddenInstruction(const std::string &assembly) {
  std::istringstream lines(assembly);
  std::string line;
  while (std::getline(lines, line)) {
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '.' || line[start] == '#')
      continue;
    std::string text = line.substr(start);
    std::string mnemonic = text.substr(0, text.find_first_of(" \t"));
    auto endsWith = [&](const char *suffix) {
      size_t k = std::strlen(suffix);
      return mnemonic.size() > k + 1 &&
             mnemonic.compare(mnemonic.size() - k, k, suffix) == 0;
    };
    bool bad = text.rfind("{vex}", 0) == 0 || mnemonic == "vmovw" ||
               mnemonic.rfind("tile", 0) == 0 ||
               mnemonic.rfind("tdp", 0) == 0 || mnemonic == "ldtilecfg" ||
               mnemonic == "sttilecfg" ||
               (mnemonic[0] == 'v' && (endsWith("ph") || endsWith("sh"))) ||
               (mnemonic.rfind("vpdp", 0) == 0 &&
                (text.find("%xmm") != std::string::npos ||
                 text.find("%ymm") != std::string::npos));
    if (bad)
      return text;
  }
  return "";
}

bool fail(std::string &error, const std::string &name,
          const std::string &message) {
  error = "layer kernel '" + name + "': " + message;
  return false;
}

bool validate(const LayerKernelSpec &s, std::string &error) {
  const std::string &n = s.name;
  bool identifier = !s.name.empty() && !std::isdigit((unsigned char)n[0]);
  for (char ch : n)
    identifier &= std::isalnum((unsigned char)ch) || ch == '_';
  if (!identifier)
    return fail(error, n, "the name is not a C identifier");
  if (s.c <= 0 || s.h <= 0 || s.w <= 0 || s.o <= 0 || s.kh <= 0 || s.kw <= 0 ||
      s.outH <= 0 || s.outW <= 0)
    return fail(error, n, "extents must be positive");
  if (s.strideH <= 0 || s.strideW <= 0 || s.dilationH <= 0 ||
      s.dilationW <= 0 || s.padTop < 0 || s.padLeft < 0)
    return fail(error, n,
                "strides and dilations must be positive and "
                "padding non-negative");
  if (s.groups <= 0 || s.c % s.groups || s.o % s.groups)
    return fail(error, n, "groups must divide the input and output channels");
  const int64_t limit = int64_t(1) << 30;
  if (s.c * s.h * s.w >= limit || s.o * s.outH * s.outW >= limit ||
      s.o * s.c * s.kh * s.kw >= limit || s.strideH * s.outH >= limit ||
      s.strideW * s.outW >= limit || s.dilationH * s.kh >= limit ||
      s.dilationW * s.kw >= limit || s.padTop >= limit || s.padLeft >= limit)
    return fail(error, n, "extents too large");
  switch (s.schedule.kind) {
  case LayerSchedule::Kind::Dense:
    if (s.groups != 1)
      return fail(error, n, "a dense schedule needs groups = 1");
    break;
  case LayerSchedule::Kind::Depthwise:
    if (s.groups != s.c || s.groups != s.o)
      return fail(error, n, "a depthwise schedule needs groups = c = o");
    break;
  case LayerSchedule::Kind::Grouped:
    break;
  }
  int lanes = s.isa == Isa::Avx512Vnni ? 16 : 8;
  if (s.schedule.tileChannels <= 0 || s.schedule.tileChannels % lanes ||
      s.schedule.tileChannels > 8 * lanes || s.schedule.tilePixels <= 0 ||
      s.schedule.tilePixels > 16)
    return fail(error, n,
                "tileChannels must be a positive multiple of the vector "
                "width (at most 8 vectors) and tilePixels in [1, 16]");
  if (s.schedule.pixelTiles == LayerSchedule::PixelTiles::Row &&
      (s.schedule.kind == LayerSchedule::Kind::Grouped ||
       s.outW % s.schedule.tilePixels))
    return fail(error, n,
                "row pixel tiles need a dense or depthwise schedule whose "
                "tilePixels divides the output width");
  if (s.weightBits < 2 || s.weightBits > 8 || s.activationBits < 2 ||
      s.activationBits > 8)
    return fail(error, n, "weight and activation bits must be in [2, 8]");
  int64_t wmin = -(int64_t(1) << (s.weightBits - 1)),
          wmax = (int64_t(1) << (s.weightBits - 1)) - 1;
  int64_t amax = (int64_t(1) << s.activationBits) - 1;
  if (int64_t(s.weights.size()) != s.o * (s.c / s.groups) * s.kh * s.kw)
    return fail(error, n,
                "expected " +
                    std::to_string(s.o * (s.c / s.groups) * s.kh * s.kw) +
                    " weights, got " + std::to_string(s.weights.size()));
  for (int8_t v : s.weights)
    if (v < wmin || v > wmax)
      return fail(error, n,
                  "weight " + std::to_string(v) + " is outside the " +
                      std::to_string(s.weightBits) + "-bit range");
  for (auto *v : {&s.bias, &s.multiplier, &s.shift, &s.weightZeroPoint})
    if (int64_t(v->size()) != s.o)
      return fail(error, n,
                  "expected one bias, multiplier, shift and weight "
                  "zero point per output channel");
  for (int64_t i = 0; i < s.o; ++i) {
    if (s.shift[i] < 0 || s.shift[i] > 62)
      return fail(error, n,
                  "shift " + std::to_string(s.shift[i]) +
                      " is outside [0, 62]");
    if (s.multiplier[i] < 1)
      return fail(error, n,
                  "multiplier " + std::to_string(s.multiplier[i]) +
                      " is outside [1, 2^31 - 1]");
    if (s.weightZeroPoint[i] < wmin || s.weightZeroPoint[i] > wmax)
      return fail(error, n,
                  "weight zero point " + std::to_string(s.weightZeroPoint[i]) +
                      " is outside the weight range");
  }
  if (s.inputZeroPoint < 0 || s.inputZeroPoint > amax)
    return fail(error, n,
                "the input zero point is outside the activation "
                "range");
  if (s.outputMin < 0 || s.outputMin > s.outputMax || s.outputMax > 255)
    return fail(error, n, "the output range must be within [0, 255]");
  const ResidualEpilogue &e = s.epilogue;
  if (!e.enabled())
    return true;
  auto positiveScale = [](float scale) {
    return std::isfinite(scale) && scale > 0.0f;
  };
  if (!positiveScale(e.outputScale) ||
      (e.residual == ResidualEpilogue::Residual::Quantized &&
       (!positiveScale(e.residualScale) || e.residualZeroPoint < 0 ||
        e.residualZeroPoint > 255)))
    return fail(error, n,
                "the residual epilogue's dequantizations need finite "
                "positive scales and u8 zero points");
  if (e.activation == ResidualEpilogue::Activation::Clip &&
      !(e.clipMin <= e.clipMax))
    return fail(error, n, "the residual epilogue's clip has min > max");
  if (e.outputCount() == 0 || e.outputCount() > 4)
    return fail(error, n,
                "a residual epilogue has 1 to 4 outputs (the float result "
                "and up to 4 quantizations)");
  for (const ResidualEpilogue::Quantization &q : e.quantizedOutputs)
    if (!positiveScale(q.scale) || q.min < 0 || q.min > q.max || q.max > 255 ||
        q.zeroPoint < 0 || q.zeroPoint > 255)
      return fail(error, n,
                  "the residual epilogue's quantizations need finite positive "
                  "scales and ranges and zero points within [0, 255]");
  return true;
}

/// Bits of the container a weight range is stored in: 2, 4 or 8 (3-bit
/// values in 4-bit containers), 0 when it does not fit a byte.
int containerBits(int64_t lo, int64_t hi) {
  for (int bits : {2, 4, 8})
    if (lo >= -(int64_t(1) << (bits - 1)) &&
        hi <= (int64_t(1) << (bits - 1)) - 1)
      return bits;
  return 0;
}

} // namespace

/// LLVM's SLP vectorizer turns scalar index arithmetic into small vectors
/// that, under -mcpu=sapphirerapids, become VEX AVX-VNNI (`{vex} vpdpwssd
/// %xmm`), which AVX-512 VNNI CPUs such as Zen 4 lack; Halide vectorizes
/// what should be vectorized itself. Halide reads HL_LLVM_ARGS once, when it
/// first initializes LLVM, so this must run before any Halide compilation
/// in the process; if it came too late, forbiddenInstruction still rejects
/// the code.
void disableSlpVectorizer() {
  setenv("HL_LLVM_ARGS", "-slp-threshold=1000000", /*overwrite=*/0);
}

//===----------------------------------------------------------------------===//
// The pipeline
//===----------------------------------------------------------------------===//

struct LayerKernel::Impl {
  LayerKernelSpec spec;
  ImageParam input{UInt(8), 4, "input"};
  /// The residual epilogue's residual (defined when it has one).
  ImageParam residual;
  Func output{"output"};
  Pipeline pipeline;
  Target jitTarget;
  bool jitCompiled = false;
  std::string description;

  void build();
  /// The target this pipeline is compiled for: halideTargetFor(isa), less
  /// avx512_sapphirerapids where the pipeline has no dot products (it sets
  /// -mcpu=sapphirerapids, under which LLVM picks AVX512-FP16 moves that
  /// AVX-512 VNNI CPUs such as Zen 4 lack).
  Target codeTarget() const;
  /// Compiles the pipeline to assembly and sets `bad` to the first
  /// instruction forbiddenInstruction rejects (empty when none); false with
  /// `error` set when compilation fails.
  bool checkInstructions(std::string &bad, std::string &error);
  /// The pipeline's arguments: the input, and the residual if any.
  std::vector<Argument> arguments() const;

private:
  int lanes() const { return spec.isa == Isa::Avx512Vnni ? 16 : 8; }
  /// Whether some window reads outside the input (padding).
  bool needsPadding() const;
  /// The input with `channels` channels (>= c): past the input, spatially
  /// and along channels, it reads the input zero point. The input itself
  /// when nothing is out of range (and not `always`); otherwise a copy
  /// computed per image.
  Func paddedInput(int64_t channels, bool always = false);
  Expr requantize(Expr acc32, Expr o);
  /// output(o, x, y, n) = the requantized q, or the residual epilogue of q.
  void defineOutput(Var o, Var xv, Var yv, Var n, Expr q);
  void buildDense();
  void buildDepthwise();
  bool buildDepthwiseDotProducts();
  /// Calls visit(channel, kernel row, kernel column, w - zw) for every
  /// depthwise weight and sets `base` to bias - zx sum(w - zw).
  void visitDepthwiseWeights(
      const std::function<void(int64_t, int64_t, int64_t, int64_t)> &visit);
  /// Pixels of a depthwise register tile: tilePixels with row tiles, else 1.
  int depthwiseTilePixels() const;
  /// Splits the output into register tiles of one vector of channels by
  /// tileP pixels of a row and computes `acc`'s initial value per tile
  /// (the caller schedules its update).
  void tileDepthwiseOutput(Func acc, Var o, Var xv, Var yv, Var n, int tileP);
  void buildGrouped();

  /// Per-channel constants, padded with neutral values to `paddedO`.
  int64_t paddedO = 0;
  Buffer<int32_t> base, weightZero, multiplier, shift;
  Buffer<int64_t> rounding;
  /// For the 32-bit path (highHalfRequant): 2^(sh-33) and sh - 32.
  Buffer<int32_t> roundingHigh, shiftHigh;
  bool uniformRequant = false;
  /// Whether every shift is at least 33, so that requantization works on
  /// the high half of the 64-bit product in 32-bit lanes.
  bool highHalfRequant = false;
  /// A depthwise kernel built on vpdpbusd (buildDepthwiseDotProducts).
  bool depthwiseDotProducts = false;
  Func padded;
};

static std::string withoutSapphireRapids(std::string target) {
  size_t spr = target.find("-avx512_sapphirerapids");
  if (spr != std::string::npos)
    target.erase(spr, std::strlen("-avx512_sapphirerapids"));
  return target;
}

Target LayerKernel::Impl::codeTarget() const {
  std::string target = halideTargetFor(spec.isa);
  if (spec.schedule.kind != LayerSchedule::Kind::Dense && !depthwiseDotProducts)
    target = withoutSapphireRapids(target);
  // LLVM's loop vectorizer turns the scalar channel loop of the padded
  // input copy into partial vectors whose odd-sized pieces it moves with
  // AVX512-FP16 `vmovsh` under -mcpu=sapphirerapids; Halide vectorizes
  // everything that matters in these pipelines itself.
  Target code(target);
  if (depthwiseDotProducts)
    code = code.with_feature(Target::DisableLLVMLoopOpt);
  // IEEE f32 throughout a residual epilogue (see defineOutput).
  if (spec.epilogue.enabled())
    code = code.with_feature(Target::StrictFloat);
  return code;
}

bool LayerKernel::Impl::checkInstructions(std::string &bad,
                                          std::string &error) {
  static std::atomic<int> counter{0};
  std::string path = (std::filesystem::temp_directory_path() /
                      ("dfq-layer-kernel-" + std::to_string(getpid()) + "-" +
                       std::to_string(counter++) + ".s"))
                         .string();
  try {
    pipeline.compile_to_assembly(path, arguments(), spec.name,
                                 codeTarget().with_feature(Target::NoRuntime));
  } catch (const Halide::Error &e) {
    error = "layer kernel '" + spec.name + "': " + e.what();
    return false;
  }
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  std::remove(path.c_str());
  bad = forbiddenInstruction(text.str());
  return true;
}

bool LayerKernel::Impl::needsPadding() const {
  const LayerKernelSpec &s = spec;
  int64_t lastY =
      (s.outH - 1) * s.strideH - s.padTop + (s.kh - 1) * s.dilationH;
  int64_t lastX =
      (s.outW - 1) * s.strideW - s.padLeft + (s.kw - 1) * s.dilationW;
  return s.padTop > 0 || s.padLeft > 0 || lastY >= s.h || lastX >= s.w;
}

Func LayerKernel::Impl::paddedInput(int64_t channels, bool always) {
  const LayerKernelSpec &s = spec;
  if (channels == s.c && !needsPadding() && !always)
    return input;
  Var c("c"), x("x"), y("y"), n("n");
  Func exterior = BoundaryConditions::constant_exterior(
      input, cast<uint8_t>(s.inputZeroPoint),
      {{0, int(s.c)}, {0, int(s.w)}, {0, int(s.h)}});
  padded = Func("padded_input");
  padded(c, x, y, n) = exterior(c, x, y, n);
  // A copy per image (per row tile for a gemm), placed by the caller: the
  // reduction loops then read it without bounds checks.
  padded.bound(c, 0, int(channels));
  // Only whole, in-bounds vectors: a partial one is legalized by LLVM with
  // odd-sized moves, which the Sapphire Rapids target emits as AVX512-FP16
  // `vmovw` (see checkInstructions).
  if (channels == s.c && channels % lanes() == 0)
    padded.vectorize(c, lanes());
  return padded;
}

Expr LayerKernel::Impl::requantize(Expr acc32, Expr o) {
  const LayerKernelSpec &s = spec;
  Expr y;
  if (highHalfRequant) {
    // All shifts are at least 33: with v = acc * M = hi * 2^32 + lo (hi the
    // high half of the signed 64-bit product, 0 <= lo < 2^32),
    //   floor((v + 2^(sh-1)) / 2^sh) = floor((hi + 2^(sh-33)) / 2^(sh-32)),
    // exactly, because 2^(sh-1) is a multiple of 2^32. |hi| < 2^30, so the
    // rest stays in 32-bit lanes: one signed high-half multiply instead of
    // two 64-bit products, shifts and a 64-to-8-bit narrowing chain. This
    // is most of the time of a 1x1 layer with few input channels.
    Expr m, roundHi, shiftHi;
    if (uniformRequant) {
      m = Expr(int32_t(s.multiplier[0]));
      roundHi = Expr(int32_t(1) << (s.shift[0] - 33));
      shiftHi = Expr(int32_t(s.shift[0] - 32));
    } else {
      m = multiplier(o);
      roundHi = roundingHigh(o);
      shiftHi = shiftHigh(o);
    }
    Expr hi = Internal::mul_shift_right(acc32, m, 32);
    // The sum cannot overflow, but Halide's bounds are those of any int32
    // (whose overflow it rejects when folding constants): add modulo 2^32.
    Expr rounded =
        reinterpret<int32_t>(cast<uint32_t>(hi) + cast<uint32_t>(roundHi));
    y = (rounded >> shiftHi) + Expr(int32_t(s.outputZeroPoint));
    return cast<uint8_t>(
        clamp(y, Expr(int32_t(s.outputMin)), Expr(int32_t(s.outputMax))));
  }
  Expr m, sh, round;
  if (uniformRequant) {
    // Per-tensor parameters become immediates (constant shifts).
    m = Expr(int64_t(s.multiplier[0]));
    sh = Internal::make_const(UInt(64), uint64_t(s.shift[0]));
    round = Expr(s.shift[0] > 0 ? int64_t(1) << (s.shift[0] - 1) : 0);
  } else {
    m = cast<int64_t>(multiplier(o));
    sh = cast<uint64_t>(shift(o));
    round = rounding(o);
  }
  y = ((cast<int64_t>(acc32) * m + round) >> sh) +
      Expr(int64_t(s.outputZeroPoint));
  return cast<uint8_t>(
      clamp(y, Expr(int64_t(s.outputMin)), Expr(int64_t(s.outputMax))));
}

/// The IEEE f32 quotient y / scale without a division (whose vector form
/// has a long latency and a low throughput; Halide 14 has no FMA for the
/// host loops' correction step): y times the f64 reciprocal of the scale,
/// rounded to f32. With y = Y 2^p and scale = S 2^q (Y, S
/// integers in [2^23, 2^24)), a midpoint between neighbouring f32 values
/// near y / scale is M 2^-24 (or M 2^-25 below 1) with M odd, times a power
/// of two, and Y 2^24 - M S != 0 because S has at most 23 factors of two:
/// y / scale is at least 2^-50 times itself away from every midpoint. The
/// f64 reciprocal and product are each within 2^-53, so the approximation
/// is within 2^-52 of y / scale and rounds to the same f32 (overflow to
/// infinity, NaN and zero alike).
static Expr quotientByScale(Expr y, float scale) {
  double reciprocal = 1.0 / double(scale);
  return cast<float>(cast<double>(y) * Expr(reciprocal));
}

void LayerKernel::Impl::defineOutput(Var o, Var xv, Var yv, Var n, Expr q) {
  const ResidualEpilogue &e = spec.epilogue;
  if (!e.enabled()) {
    output(o, xv, yv, n) = q;
    return;
  }
  // The interpreter's f32 ops, one after the other: strict_float keeps
  // Halide and LLVM from contracting or reassociating them (or turning a
  // division into a multiplication by an f32 reciprocal, which differs in
  // the last bit, and so at rounding ties).
  Expr x = cast<float>(cast<int32_t>(q) - spec.outputZeroPoint) *
           Expr(e.outputScale);
  Expr r = residual(o, xv, yv, n);
  if (e.residual == ResidualEpilogue::Residual::Quantized)
    r = cast<float>(cast<int32_t>(r) - e.residualZeroPoint) *
        Expr(e.residualScale);
  Expr y = x + r;
  if (e.activation == ResidualEpilogue::Activation::Relu) {
    y = select(y < 0.0f, 0.0f, y);
  } else if (e.activation == ResidualEpilogue::Activation::Clip) {
    y = select(y < Expr(e.clipMin), Expr(e.clipMin), y);
    y = select(y > Expr(e.clipMax), Expr(e.clipMax), y);
  }
  std::vector<Expr> values;
  if (e.floatOutput)
    values.push_back(strict_float(y));
  for (const ResidualEpilogue::Quantization &quantization :
       e.quantizedOutputs) {
    Expr zero = Expr(float(quantization.zeroPoint));
    Expr v = round(quotientByScale(y, quantization.scale)) + zero;
    v = select(is_nan(v), zero, v);
    v = select(v < float(quantization.min), float(quantization.min), v);
    v = select(v > float(quantization.max), float(quantization.max), v);
    values.push_back(cast<uint8_t>(strict_float(v)));
  }
  if (values.size() == 1)
    output(o, xv, yv, n) = values[0];
  else
    output(o, xv, yv, n) = Tuple(values);
}

std::vector<Argument> LayerKernel::Impl::arguments() const {
  std::vector<Argument> args = {input};
  if (spec.epilogue.enabled())
    args.push_back(residual);
  return args;
}

void LayerKernel::Impl::build() {
  const LayerKernelSpec &s = spec;
  if (s.epilogue.enabled())
    residual = ImageParam(
        s.epilogue.residual == ResidualEpilogue::Residual::Float ? Float(32)
                                                                 : UInt(8),
        4, "residual");
  // Past any register tile (at most 8 vectors) that covers the last channel.
  paddedO = roundUp(s.o, 8 * lanes()) + 8 * lanes();
  multiplier =
      Buffer<int32_t>(std::vector<int>{int(paddedO)}, s.name + "_multiplier");
  shift = Buffer<int32_t>(std::vector<int>{int(paddedO)}, s.name + "_shift");
  rounding =
      Buffer<int64_t>(std::vector<int>{int(paddedO)}, s.name + "_rounding");
  multiplier.fill(1);
  shift.fill(0);
  rounding.fill(0);
  uniformRequant = true;
  highHalfRequant = true;
  for (int64_t i = 0; i < s.o; ++i) {
    multiplier(i) = s.multiplier[i];
    shift(i) = s.shift[i];
    rounding(i) = s.shift[i] > 0 ? int64_t(1) << (s.shift[i] - 1) : 0;
    uniformRequant &=
        s.multiplier[i] == s.multiplier[0] && s.shift[i] == s.shift[0];
    highHalfRequant &= s.shift[i] >= 33;
  }
  // Channels past o (whole vectors of the last tile) shift by 33.
  roundingHigh =
      Buffer<int32_t>(std::vector<int>{int(paddedO)}, s.name + "_round_hi");
  shiftHigh =
      Buffer<int32_t>(std::vector<int>{int(paddedO)}, s.name + "_shift_hi");
  roundingHigh.fill(1);
  shiftHigh.fill(1);
  if (highHalfRequant)
    for (int64_t i = 0; i < s.o; ++i) {
      roundingHigh(i) = int32_t(1) << (s.shift[i] - 33);
      shiftHigh(i) = int32_t(s.shift[i] - 32);
    }

  switch (s.schedule.kind) {
  case LayerSchedule::Kind::Dense:
    buildDense();
    break;
  case LayerSchedule::Kind::Depthwise:
    buildDepthwise();
    break;
  case LayerSchedule::Kind::Grouped:
    buildGrouped();
    break;
  }
  if (const ResidualEpilogue &e = s.epilogue; e.enabled()) {
    description +=
        std::string(" + residual ") +
        (e.residual == ResidualEpilogue::Residual::Float ? "f32" : "u8") +
        (e.activation == ResidualEpilogue::Activation::Relu   ? " relu"
         : e.activation == ResidualEpilogue::Activation::Clip ? " clip"
                                                              : "") +
        " -> " + (e.floatOutput ? "f32" : "");
    for (size_t i = 0; i < e.quantizedOutputs.size(); ++i)
      description += (i || e.floatOutput ? ", u8" : "u8");
  }
  // Every extent but the batch is a constant of the pipeline, except that a
  // convolution computes any range of output rows it is given (within
  // [0, outH)), so that threads can share a layer.
  int64_t strideIn = 1, strideOut = 1;
  int64_t inExtents[3] = {s.c, s.w, s.h}, outExtents[3] = {s.o, s.outW, s.outH};
  const bool rowRanges = s.outH * s.outW > 1;
  // The residual is described like the output. (Halide gives the outputs
  // of a tuple the first one's mins and extents; only strides are set on
  // the others.)
  std::vector<OutputImageParam> shaped = {output.output_buffers()[0]},
                                strided = output.output_buffers();
  if (s.epilogue.enabled()) {
    shaped.push_back(residual);
    strided.push_back(residual);
  }
  for (int d = 0; d < 3; ++d) {
    input.dim(d)
        .set_min(0)
        .set_extent(int(inExtents[d]))
        .set_stride(int(strideIn));
    if (d != 2 || !rowRanges)
      for (OutputImageParam &buffer : shaped)
        buffer.dim(d).set_min(0).set_extent(int(outExtents[d]));
    for (OutputImageParam &buffer : strided)
      buffer.dim(d).set_stride(int(strideOut));
    strideIn *= inExtents[d];
    strideOut *= outExtents[d];
  }
  input.dim(3).set_min(0).set_stride(int(strideIn));
  for (OutputImageParam &buffer : shaped)
    buffer.dim(3).set_min(0).set_extent(input.dim(3).extent());
  for (OutputImageParam &buffer : strided)
    buffer.dim(3).set_stride(int(strideOut));

  pipeline = Pipeline(output);
}

void LayerKernel::Impl::buildDense() {
  const LayerKernelSpec &s = spec;
  const int L = lanes();
  const int64_t K = s.c * s.kh * s.kw;
  const int tileO =
      int(std::min<int64_t>(s.schedule.tileChannels, roundUp(s.o, L)));
  const int tileP = s.schedule.tilePixels;

  // Effective weights: w - zw when that fits a byte (then no per-pixel
  // correction is needed), else w and the correction.
  int64_t lo = 0, hi = 0, storedLo = 0, storedHi = 0;
  for (int64_t oc = 0; oc < s.o; ++oc)
    for (int64_t i = 0; i < K; ++i) {
      int64_t v = s.weights[oc * K + i];
      lo = std::min(lo, v - s.weightZeroPoint[oc]);
      hi = std::max(hi, v - s.weightZeroPoint[oc]);
      storedLo = std::min(storedLo, v);
      storedHi = std::max(storedHi, v);
    }
  int bits = containerBits(lo, hi);
  bool folded = bits != 0;
  if (!folded)
    bits = containerBits(storedLo, storedHi);
  const int perByte = 8 / bits;
  // Narrow inputs (a grayscale stem: c = 1) would fill a 4-deep dot product
  // with c channels and 4 - c zeros per tap. Their taps along a kernel row
  // join the reduction instead: in NHWC the kw * c values a window row
  // reads are contiguous (dilation 1), so one dot-product step takes 4 of
  // them, and a 3x3 kernel on one channel takes 3 steps instead of 9.
  const bool rowTaps =
      s.kw > 1 && s.dilationW == 1 &&
      roundUp(s.c * s.kw, 4 * perByte) < s.kw * roundUp(s.c, 4 * perByte);
  const int64_t tapSlots = rowTaps ? 1 : s.kw;
  const int64_t paddedC = roundUp(rowTaps ? s.c * s.kw : s.c, 4 * perByte);
  const int64_t steps = paddedC / 4; // dot-product steps per tap slot
  const int64_t outerO = roundUp(s.o, tileO);

  // [o/L][kh][kw (1 with rowTaps)][steps/perByte][L][4], values packed
  // along `steps`, the first in the low bits; padding (channels past c,
  // outputs past o) is 0.
  Buffer<uint8_t> packed(
      {4, L, int(steps / perByte), int(tapSlots), int(s.kh), int(outerO / L)},
      s.name + "_weights");
  packed.fill(0);
  base = Buffer<int32_t>(std::vector<int>{int(paddedO)}, s.name + "_base");
  weightZero =
      Buffer<int32_t>(std::vector<int>{int(paddedO)}, s.name + "_weight_zero");
  base.fill(0);
  weightZero.fill(0);
  const uint8_t mask = uint8_t((1u << bits) - 1);
  // A gemm's sub-byte fields hold w + 2^(bits-1) (unsigned): unpacking is
  // then a mask, or a 16-bit shift and a mask, where a signed field needs
  // byte shifts x86 lacks (emulated in several instructions). The offset
  // comes back out as 2^(bits-1) * sum(x) per row, one cheap reduction
  // against the o * k dot product; a convolution would pay it per pixel.
  const bool offsetFields = perByte > 1 && s.h == 1 && s.w == 1 && s.kh == 1 &&
                            s.kw == 1 && s.outH * s.outW == 1;
  const int offset = offsetFields ? 1 << (bits - 1) : 0;
  // A GEMV extracts field f of a byte as `byte & (mask << bits f)`, i.e.
  // 2^(bits f) times the field, with no shift (x86 has no byte shifts: a
  // shift is a 16-bit shift and a mask, and with the masks it was most of
  // the ALU work of the 4-bit inner loop). Each field position then has its
  // own accumulator, scaled back by a shift once at the end. The masked
  // fields reach 240 (4-bit) and no longer fit vpdpbusd's signed operand,
  // so the weights become the unsigned operand and the inputs the signed
  // one: x - 128, made once per input row (x ^ 0x80). Only with VNNI
  // (AVX2's vpmaddubsw saturates its 16-bit pair sums), and only while a
  // field's accumulator fits 32 bits, since the shift needs the exact sum.
  const int64_t fieldTop = int64_t(mask) << (bits * (perByte - 1));
  const bool maskedFields =
      offsetFields && s.isa == Isa::Avx512Vnni &&
      fieldTop * 128 * (paddedC / perByte) < (int64_t(1) << 31);
  // sum n (x - 128) = sum n x - 128 sum n, with n = w' + offset the stored
  // field (the offset alone past c): the base adds 128 sum n back.
  Buffer<int32_t> maskedBase(std::vector<int>{int(paddedO)},
                             s.name + "_masked_base");
  maskedBase.fill(0);
  if (offsetFields) {
    // Fields past c (and past o) hold weight 0, i.e. the offset.
    uint8_t neutral = 0;
    for (int k = 0; k < perByte; ++k)
      neutral |= uint8_t(offset << (bits * k));
    packed.fill(neutral);
  }
  for (int64_t oc = 0; oc < s.o; ++oc) {
    int64_t zw = s.weightZeroPoint[oc], columnSum = 0;
    for (int64_t ci = 0; ci < s.c; ++ci)
      for (int64_t i = 0; i < s.kh; ++i)
        for (int64_t j = 0; j < s.kw; ++j) {
          int64_t v = s.weights[((oc * s.c + ci) * s.kh + i) * s.kw + j] -
                      (folded ? zw : 0);
          columnSum += v;
          int64_t depth = rowTaps ? j * s.c + ci : ci, step = depth / 4;
          uint8_t &byte =
              packed(int(depth % 4), int(oc % L), int(step / perByte),
                     int(rowTaps ? 0 : j), int(i), int(oc / L));
          int shift = bits * int(step % perByte);
          byte = uint8_t(byte & ~(mask << shift)) |
                 uint8_t((uint8_t(v + offset) & mask) << shift);
        }
    // bias - zx sum(w') [+ K zx zw when zw stays in the product]; modulo
    // 2^32 (see the file comment).
    int64_t b = int64_t(s.bias[oc]) - int64_t(s.inputZeroPoint) * columnSum +
                (folded ? 0 : K * s.inputZeroPoint * zw);
    base(oc) = int32_t(uint32_t(uint64_t(b)));
    weightZero(oc) = int32_t(zw);
    maskedBase(oc) = int32_t(
        uint32_t(uint64_t(b + 128 * (columnSum + int64_t(offset) * paddedC))));
  }

  // Row taps read past the window (zero weights) and so past the input.
  Func x = rowTaps ? paddedInput(s.c, /*always=*/true) : paddedInput(paddedC);
  Var o("o"), q("q"), n("n"), xv("x"), yv("y");
  // What a register tile's pixels are. A gemm (1x1 output) tiles its batch
  // rows; a convolution either consecutive pixels of one output row (the
  // tile divides the row: the pixels' inputs are one address plus constant
  // offsets) or the pixels of one image numbered q = y * outW + x (no lanes
  // wasted at the end of short rows, but every pixel's address takes a
  // division and its own register). Indices past the end (partial tiles)
  // are clamped to a valid pixel and their results never stored.
  const bool rows = s.outH * s.outW == 1;
  const bool rowTiles =
      !rows && s.schedule.pixelTiles == LayerSchedule::PixelTiles::Row;
  const int64_t pixels = s.outH * s.outW;
  Expr batch = input.dim(3).extent();
  Func dot("dot"), acc("acc"), core("core"), sumX("sum_x");
  std::vector<Var> pv = rows       ? std::vector<Var>{o, n}
                        : rowTiles ? std::vector<Var>{o, xv, yv, n}
                                   : std::vector<Var>{o, q, n};
  Expr ox, oy, img;
  if (rows) {
    img = min(n, batch - 1);
    ox = oy = 0;
  } else if (rowTiles) {
    img = n;
    ox = xv;
    oy = yv;
  } else {
    Expr pc = min(q, int(pixels - 1));
    img = n;
    oy = pc / int(s.outW);
    ox = pc % int(s.outW);
  }
  // The pixel variables of a tile and of the per-pixel sums.
  std::vector<Var> sv(pv.begin() + 1, pv.end());

  RDom r(0, 4, 0, int(steps), 0, int(tapSlots), 0, int(s.kh), "r");
  Expr depth = 4 * r.y + r.x;
  Expr ix = ox * int(s.strideW) - int(s.padLeft) + r.z * int(s.dilationW);
  Expr channel = depth;
  if (rowTaps) {
    ix += depth / int(s.c);
    channel = depth % int(s.c);
  }
  Expr iy = oy * int(s.strideH) - int(s.padTop) + r.w * int(s.dilationH);
  Expr byte = packed(r.x, o % L, r.y / perByte, r.z, r.w, o / L);
  Expr weight;
  if (perByte == 1) {
    weight = reinterpret<int8_t>(byte);
  } else if (offsetFields) {
    Expr down = cast<uint8_t>(bits * (r.y % perByte));
    weight = reinterpret<int8_t>((byte >> down) & cast<uint8_t>(mask));
  } else {
    // Sign-extend field (step % perByte): shift it to the top, then
    // arithmetically back down. The step's position in its byte is a
    // constant once the reduction is unrolled by perByte.
    Expr up = cast<uint8_t>(8 - bits * (r.y % perByte + 1));
    weight = reinterpret<int8_t>(byte << up) >> cast<int8_t>(8 - bits);
  }
  auto defineDot = [&](Func &f) {
    f(pv) = 0;
    f(pv) += cast<int32_t>(x(channel, ix, iy, img)) * cast<int32_t>(weight);
  };
  defineDot(dot);

  if (!folded) {
    RDom t(0, int(s.c), 0, int(s.kw), 0, int(s.kh), "t");
    Expr tx = ox * int(s.strideW) - int(s.padLeft) + t.y * int(s.dilationW);
    Expr ty = oy * int(s.strideH) - int(s.padTop) + t.z * int(s.dilationH);
    sumX(sv) = 0;
    sumX(sv) += cast<int32_t>(x(t.x, tx, ty, img));
  }
  // Sum of each row's inputs over the padded depth, for the offset.
  Func sumAll("sum_all");
  if (offsetFields) {
    // The caller's input, not the padded copy (which lives inside the
    // tiles): the padding's channels hold the input zero point.
    RDom a(0, int(s.c), "a");
    sumAll(n) = int32_t((paddedC - s.c) * s.inputZeroPoint);
    sumAll(n) += cast<int32_t>(input(a, 0, 0, min(n, batch - 1)));
  }
  auto resultOf = [&](Expr dotValue, Expr constant) {
    Expr sum = cast<uint32_t>(dotValue) + cast<uint32_t>(constant);
    if (offsetFields)
      sum -= cast<uint32_t>(offset) * cast<uint32_t>(sumAll(n));
    if (!folded)
      sum -= cast<uint32_t>(weightZero(o)) * cast<uint32_t>(sumX(sv));
    return requantize(reinterpret<int32_t>(sum), o);
  };
  Expr result = resultOf(dot(pv), base(o));

  // A batch-1 gemm (GEMV) has its own dot product with one-row tiles (the
  // general tiles would compute tileP rows for the one that exists), chosen
  // by specializing the output on the batch: each specialization
  // substitutes its condition, so it references only its own dot product.
  Expr batchOne = input.dim(3).extent() == 1;
  const bool gemv = rows && tileP > 1;
  Func dotOne("dot_one"), signedInput("signed_input");
  Var f("f"), c("c");
  RDom rf(0, 4, 0, int(steps / perByte), "rf");
  if (gemv && maskedFields) {
    signedInput(c, n) = reinterpret<int8_t>(
        cast<uint8_t>(x(c, 0, 0, min(n, batch - 1)) ^ cast<uint8_t>(0x80)));
    Expr fieldDepth = 4 * (rf.y * perByte + f) + rf.x;
    Expr fieldMask = cast<uint8_t>(mask) << cast<uint8_t>(bits * f);
    dotOne(o, f, n) = 0;
    dotOne(o, f, n) +=
        cast<int32_t>(signedInput(fieldDepth, n)) *
        cast<int32_t>(packed(rf.x, o % L, rf.y, 0, 0, o / L) & fieldMask);
    Expr fieldSum = dotOne(o, 0, n);
    for (int k = 1; k < perByte; ++k)
      fieldSum += dotOne(o, k, n) >> (bits * k);
    result = select(!batchOne, result, resultOf(fieldSum, maskedBase(o)));
  } else if (gemv) {
    defineDot(dotOne);
    result = select(!batchOne, result, resultOf(dotOne(pv), base(o)));
  }

  Func tiled = rows ? output : core;
  if (rows) {
    defineOutput(o, xv, yv, n, result);
  } else if (rowTiles) {
    core(o, xv, yv, n) = result;
    defineOutput(o, xv, yv, n, core(o, xv, yv, n));
  } else {
    core(o, q, n) = result;
    defineOutput(o, xv, yv, n, core(o, yv * int(s.outW) + xv, n));
  }

  // Register tiles: tileO channels (tileO / L vectors) x tileP pixels of
  // accumulators, reduction 4 deep innermost so that every dot product is
  // one 512-bit vpdpbusd; the weights' packing steps are unrolled so that
  // each byte's fields are extracted with constant shifts.
  Var oi("oi"), pi("pi");
  Var tp = rows ? n : rowTiles ? xv : q;
  // `core` (an intermediate) is computed in whole tiles, past the last
  // channel and pixel (clamped reads; never copied out); the output of a
  // gemm guards its edge tiles.
  TailStrategy tail = rows ? TailStrategy::GuardWithIf : TailStrategy::RoundUp;
  // A gemm runs its channel tiles in parallel (a batch-1 GEMV has nothing
  // else to split), a convolution its pixel tiles. (Fusing the two tile
  // loops into one parallel loop miscompiles in Halide 14 when the channel
  // tiles are partial: bounds inference then gives every tile the first
  // tile's channels.)
  auto scheduleTiles = [&](Stage st, int pixels) {
    st.split(o, o, oi, tileO, tail).vectorize(oi, L).unroll(oi);
    if (pixels > 1)
      st.split(tp, tp, pi, pixels, tail).unroll(pi);
    if (rows && pixels > 1)
      st.reorder(oi, pi, xv, yv, n, o);
    else if (rows)
      st.reorder(oi, xv, yv, n, o);
    else if (pixels > 1)
      st.reorder(oi, pi, o, tp);
    else
      st.reorder(oi, o, tp);
    if (s.schedule.parallel)
      st.parallel(rows ? o : rowTiles ? yv : q);
  };
  if (gemv) {
    scheduleTiles(output.specialize(batchOne), 1);
    scheduleTiles(output.specialize(!batchOne), tileP);
    output.specialize_fail("unreachable: the batch is 1 or not");
  } else {
    scheduleTiles(tiled, tileP);
  }
  Var tile = rows ? n : o;
  // The dot products always cover whole register tiles (the weights are
  // padded to whole tiles, pixel indices clamped), so that every dot
  // product is a 512-bit vpdpbusd even in edge tiles. (Constant extents:
  // unrolling a loop whose extent depends on the tile makes Halide 14's
  // loop partitioning drop the whole pipeline.)
  auto scheduleDot = [&](Func &f, int pixels) {
    f.compute_at(tiled, tile)
        .bound_extent(o, tileO)
        .bound_extent(pv[1], pixels)
        .vectorize(o, L, TailStrategy::RoundUp)
        .unroll(o)
        .unroll(pv[1]);
    RVar kk(r.x), step(r.y), stepIn("step_in");
    f.update().split(step, step, stepIn, perByte);
    f.update()
        .reorder(kk, o, pv[1], stepIn, step, r.z, r.w)
        .atomic()
        .vectorize(kk)
        .vectorize(o, L, TailStrategy::RoundUp)
        .unroll(o)
        .unroll(pv[1])
        .unroll(stepIn);
  };
  scheduleDot(dot, tileP);
  if (gemv && maskedFields) {
    // Accumulators: tileO / L vectors by perByte field positions.
    dotOne.compute_at(tiled, tile)
        .bound_extent(o, tileO)
        .bound(f, 0, perByte)
        .vectorize(o, L, TailStrategy::RoundUp)
        .unroll(o)
        .unroll(f);
    dotOne.update()
        .reorder(rf.x, o, f, rf.y)
        .atomic()
        .vectorize(rf.x)
        .vectorize(o, L, TailStrategy::RoundUp)
        .unroll(o)
        .unroll(f);
    signedInput.compute_at(tiled, tile)
        .vectorize(c, 4 * L, TailStrategy::GuardWithIf);
  } else if (gemv) {
    scheduleDot(dotOne, 1);
  }
  if (!folded)
    sumX.compute_at(tiled, tile);
  if (offsetFields)
    sumAll.compute_root();
  if (!rows) {
    core.compute_at(output, n);
    output.vectorize(o, L, TailStrategy::GuardWithIf);
    if (s.schedule.parallel)
      output.parallel(n);
  }
  if (padded.defined())
    padded.compute_at(output, n);

  std::ostringstream d;
  d << "dense " << (spec.isa == Isa::Avx512Vnni ? "vnni" : "avx2") << " "
    << tileO << "x" << tileP << (rowTiles ? " row" : "") << " w" << bits
    << (bits < 8 ? (offsetFields ? "-packed-offset" : "-packed") : "")
    << (gemv && maskedFields ? " gemv-masked-fields" : "")
    << (folded ? "" : " zw-correction") << (rowTaps ? " row-taps" : "")
    << (gemv ? " gemv-1row" : "") << (s.schedule.parallel ? " parallel" : "");
  description = d.str();
}

void LayerKernel::Impl::visitDepthwiseWeights(
    const std::function<void(int64_t, int64_t, int64_t, int64_t)> &visit) {
  const LayerKernelSpec &s = spec;
  base = Buffer<int32_t>(std::vector<int>{int(paddedO)}, s.name + "_base");
  base.fill(0);
  for (int64_t oc = 0; oc < s.o; ++oc) {
    int64_t columnSum = 0;
    for (int64_t i = 0; i < s.kh; ++i)
      for (int64_t j = 0; j < s.kw; ++j) {
        int64_t v = s.weights[(oc * s.kh + i) * s.kw + j] -
                    int64_t(s.weightZeroPoint[oc]);
        visit(oc, i, j, v);
        columnSum += v;
      }
    base(oc) = int32_t(
        uint32_t(uint64_t(int64_t(s.bias[oc]) - s.inputZeroPoint * columnSum)));
  }
}

int LayerKernel::Impl::depthwiseTilePixels() const {
  return spec.schedule.pixelTiles == LayerSchedule::PixelTiles::Row
             ? spec.schedule.tilePixels
             : 1;
}

void LayerKernel::Impl::tileDepthwiseOutput(Func acc, Var o, Var xv, Var yv,
                                            Var n, int tileP) {
  const int L = lanes();
  Var oo("oo"), oi("oi"), xo("xo"), xi("xi");
  output.split(o, oo, oi, L, TailStrategy::GuardWithIf)
      .split(xv, xo, xi, tileP)
      .reorder(oi, xi, oo, xo, yv, n)
      .vectorize(oi)
      .unroll(xi);
  // Whole vectors (the weights and the padded input cover them).
  acc.compute_at(output, oo)
      .bound_extent(xv, tileP)
      .vectorize(o, L, TailStrategy::RoundUp)
      .unroll(xv);
}

void LayerKernel::Impl::buildDepthwise() {
  if (buildDepthwiseDotProducts())
    return;
  const LayerKernelSpec &s = spec;
  const int L = lanes();
  Func x = paddedInput(roundUp(s.c, L));
  // w - zw (int32: 16-bit lanes would invite AVX512-FP16 moves, see
  // forbiddenInstruction) and bias - zx sum(w - zw): acc = base + sum x' w'.
  Buffer<int32_t> weights({int(paddedO), int(s.kw), int(s.kh)},
                          s.name + "_weights");
  weights.fill(0);
  visitDepthwiseWeights([&](int64_t oc, int64_t i, int64_t j, int64_t v) {
    weights(int(oc), int(j), int(i)) = int32_t(v);
  });
  Var o("o"), xv("x"), yv("y"), n("n");
  RDom r(0, int(s.kw), 0, int(s.kh), "r");
  Expr ix = xv * int(s.strideW) - int(s.padLeft) + r.x * int(s.dilationW);
  Expr iy = yv * int(s.strideH) - int(s.padTop) + r.y * int(s.dilationH);
  Func acc("acc");
  acc(o, xv, yv, n) = cast<uint32_t>(base(o));
  acc(o, xv, yv, n) += cast<uint32_t>(cast<int32_t>(x(o, ix, iy, n)) *
                                      cast<int32_t>(weights(o, r.x, r.y)));
  defineOutput(o, xv, yv, n,
               requantize(reinterpret<int32_t>(acc(o, xv, yv, n)), o));

  // Register tiles of one vector of channels by tileP pixels of a row
  // (tileP divides the row): each tap's weights are loaded once per tile,
  // and with stride 1 neighbouring pixels' taps read the same input
  // vectors. Without row tiles, one vector at a time.
  const int tileP = depthwiseTilePixels();
  if (tileP > 1) {
    tileDepthwiseOutput(acc, o, xv, yv, n, tileP);
    acc.update()
        .reorder(o, xv, r.x, r.y)
        .vectorize(o, L, TailStrategy::RoundUp)
        .unroll(xv)
        .unroll(r.x)
        .unroll(r.y);
  } else {
    output.vectorize(o, L, TailStrategy::GuardWithIf);
    acc.compute_at(output, o).vectorize(o, L, TailStrategy::RoundUp);
    acc.update()
        .reorder(o, r.x, r.y)
        .vectorize(o, L, TailStrategy::RoundUp)
        .unroll(r.x)
        .unroll(r.y);
  }
  if (s.schedule.parallel)
    output.parallel(yv);
  if (padded.defined())
    padded.compute_at(output, n);
  std::ostringstream d;
  d << "depthwise " << (spec.isa == Isa::Avx512Vnni ? "avx512" : "avx2") << " "
    << L << " lanes";
  if (tileP > 1)
    d << " x " << tileP << " row pixels";
  d << (s.schedule.parallel ? " parallel" : "");
  description = d.str();
}

/// A depthwise convolution has no reduction over channels, so a vpdpbusd
/// lane (one channel of one pixel) takes 4 taps of a kernel row instead:
/// taps[k][c][x][y] = input(c, x * stride - pad + k * dilation, y), 4 taps
/// interleaved per channel (a 3-tap row gets a fourth with weight 0), built
/// once per image with dense stores of interleaved vectors; each output
/// vector is then kh dot products (3 for 3x3, against 9 multiplies and adds
/// in 32-bit lanes). Needs AVX-512 VNNI and w - zw in int8; false (nothing
/// built) otherwise.
bool LayerKernel::Impl::buildDepthwiseDotProducts() {
  const LayerKernelSpec &s = spec;
  if (s.isa != Isa::Avx512Vnni)
    return false;
  for (int64_t oc = 0; oc < s.o; ++oc)
    for (int64_t t = 0; t < s.kh * s.kw; ++t) {
      int64_t v = int64_t(s.weights[oc * s.kh * s.kw + t]) -
                  int64_t(s.weightZeroPoint[oc]);
      if (v < -128 || v > 127)
        return false;
    }
  depthwiseDotProducts = true;
  const int L = lanes();
  const int64_t groups = (s.kw + 3) / 4, taps = 4 * groups;
  // [tap % 4][o][tap / 4][kh]: one dense 64-byte load per dot product.
  Buffer<int8_t> weights({4, int(paddedO), int(groups), int(s.kh)},
                         s.name + "_weights");
  weights.fill(0);
  visitDepthwiseWeights([&](int64_t oc, int64_t i, int64_t j, int64_t v) {
    weights(int(j % 4), int(oc), int(j / 4), int(i)) = int8_t(v);
  });
  // The padding taps read past the window: always the padded input.
  Func x = paddedInput(roundUp(s.c, L), /*always=*/taps > s.kw);
  Var k("k"), o("o"), xv("x"), yv("y"), n("n");
  Func tapsOf("taps");
  tapsOf(k, o, xv, yv, n) =
      x(o, xv * int(s.strideW) - int(s.padLeft) + k * int(s.dilationW), yv, n);
  RDom r(0, 4, 0, int(groups), 0, int(s.kh), "r");
  Expr iy = yv * int(s.strideH) - int(s.padTop) + r.z * int(s.dilationH);
  Func dot("dot");
  dot(o, xv, yv, n) = 0;
  dot(o, xv, yv, n) += cast<int32_t>(tapsOf(4 * r.y + r.x, o, xv, iy, n)) *
                       cast<int32_t>(weights(r.x, o, r.y, r.z));
  Expr sum = cast<uint32_t>(dot(o, xv, yv, n)) + cast<uint32_t>(base(o));
  defineOutput(o, xv, yv, n, requantize(reinterpret<int32_t>(sum), o));

  // Register tiles of one vector of channels by tileP pixels of a row, as
  // in buildDepthwise; the dot products are 4 deep innermost.
  const int tileP = depthwiseTilePixels();
  tileDepthwiseOutput(dot, o, xv, yv, n, tileP);
  dot.update()
      .reorder(r.x, o, xv, r.y, r.z)
      .atomic()
      .vectorize(r.x)
      .vectorize(o, L, TailStrategy::RoundUp)
      .unroll(xv)
      .unroll(r.y)
      .unroll(r.z);
  // Four strided stores of one vector each (k unrolled), which Halide
  // merges into one dense store of their interleaving. Row by row as the
  // output rows advance, in a ring of rows (Halide's sliding window and
  // storage folding): 4 rows of a 3-row kernel instead of the whole image.
  // A parallel loop over rows cannot share the ring, so it takes the whole
  // image first.
  if (s.schedule.parallel)
    tapsOf.compute_at(output, n);
  else
    tapsOf.store_at(output, n).compute_at(output, yv);
  tapsOf.bound(k, 0, int(taps))
      .bound_extent(o, int(roundUp(s.c, L)))
      .reorder(k, o, xv, yv, n)
      .unroll(k)
      .vectorize(o, L);
  if (s.schedule.parallel)
    output.parallel(yv);
  if (padded.defined())
    padded.compute_at(output, n);
  std::ostringstream d;
  d << "depthwise vnni " << L << " lanes";
  if (tileP > 1)
    d << " x " << tileP << " row pixels";
  d << " taps " << taps << "x" << s.kh
    << (s.schedule.parallel ? " parallel" : "");
  description = d.str();
  return true;
}

void LayerKernel::Impl::buildGrouped() {
  const LayerKernelSpec &s = spec;
  const int64_t perGroupIn = s.c / s.groups, perGroupOut = s.o / s.groups;
  Func x = paddedInput(s.c);
  Buffer<int32_t> weights({int(perGroupIn), int(s.kw), int(s.kh), int(paddedO)},
                          s.name + "_weights");
  weights.fill(0);
  base = Buffer<int32_t>(std::vector<int>{int(paddedO)}, s.name + "_base");
  base.fill(0);
  for (int64_t oc = 0; oc < s.o; ++oc) {
    int64_t columnSum = 0;
    for (int64_t ci = 0; ci < perGroupIn; ++ci)
      for (int64_t i = 0; i < s.kh; ++i)
        for (int64_t j = 0; j < s.kw; ++j) {
          int64_t v =
              s.weights[((oc * perGroupIn + ci) * s.kh + i) * s.kw + j] -
              int64_t(s.weightZeroPoint[oc]);
          weights(int(ci), int(j), int(i), int(oc)) = int32_t(v);
          columnSum += v;
        }
    base(oc) = int32_t(
        uint32_t(uint64_t(int64_t(s.bias[oc]) - s.inputZeroPoint * columnSum)));
  }
  Var o("o"), xv("x"), yv("y"), n("n");
  RDom r(0, int(perGroupIn), 0, int(s.kw), 0, int(s.kh), "r");
  Expr ix = xv * int(s.strideW) - int(s.padLeft) + r.y * int(s.dilationW);
  Expr iy = yv * int(s.strideH) - int(s.padTop) + r.z * int(s.dilationH);
  Expr channel =
      min(o / int(perGroupOut), int(s.groups - 1)) * int(perGroupIn) + r.x;
  Func acc("acc");
  acc(o, xv, yv, n) = cast<uint32_t>(base(o));
  acc(o, xv, yv, n) += cast<uint32_t>(cast<int32_t>(x(channel, ix, iy, n)) *
                                      cast<int32_t>(weights(r.x, r.y, r.z, o)));
  defineOutput(o, xv, yv, n,
               requantize(reinterpret<int32_t>(acc(o, xv, yv, n)), o));
  acc.compute_at(output, xv);
  if (s.schedule.parallel)
    output.parallel(yv);
  if (padded.defined())
    padded.compute_at(output, n);
  description = std::string("grouped ") +
                (spec.isa == Isa::Avx512Vnni ? "avx512" : "avx2") +
                (s.schedule.parallel ? " parallel" : "");
}

//===----------------------------------------------------------------------===//
// LayerKernel
//===----------------------------------------------------------------------===//

LayerKernel::LayerKernel() : impl(std::make_unique<Impl>()) {}
LayerKernel::~LayerKernel() = default;

std::unique_ptr<LayerKernel> LayerKernel::create(const LayerKernelSpec &spec,
                                                 std::string &error) {
  if (!validate(spec, error))
    return nullptr;
  disableSlpVectorizer();
  std::unique_ptr<LayerKernel> kernel(new LayerKernel());
  kernel->impl->spec = spec;
  try {
    kernel->impl->build();
  } catch (const Halide::Error &e) {
    error = "layer kernel '" + spec.name + "': " + e.what();
    return nullptr;
  }
  return kernel;
}

bool LayerKernel::run(const uint8_t *input, int64_t n, uint8_t *output,
                      std::string &error) {
  return run(input, n, nullptr, {output}, error);
}

bool LayerKernel::run(const uint8_t *input, int64_t n, const void *residual,
                      const std::vector<void *> &outputs, std::string &error) {
  Impl &p = *impl;
  const LayerKernelSpec &s = p.spec;
  const ResidualEpilogue &e = s.epilogue;
  size_t outputCount = e.enabled() ? e.outputCount() : 1;
  bool buffersGiven = input && (residual != nullptr) == e.enabled() &&
                      outputs.size() == outputCount &&
                      std::all_of(outputs.begin(), outputs.end(),
                                  [](void *b) { return b != nullptr; });
  if (!buffersGiven || n <= 0 || n >= (int64_t(1) << 31) / (s.c * s.h * s.w) ||
      n >= (int64_t(1) << 31) / (s.o * s.outH * s.outW)) {
    error = "layer kernel '" + s.name +
            "': null or missing buffers, or a bad batch";
    return false;
  }
  try {
    if (!p.jitCompiled) {
      if (!hostSupports(s.isa)) {
        error = "layer kernel '" + s.name + "': this CPU cannot run " +
                isaName(s.isa) + " code";
        return false;
      }
      p.jitTarget = p.codeTarget();
      // The JIT compiles the same module as compileToObject; its assembly
      // is checked the same way before anything runs.
      std::string bad;
      if (!p.checkInstructions(bad, error))
        return false;
      if (!bad.empty()) {
        error = "layer kernel '" + s.name +
                "': the generated code uses an instruction outside " +
                isaName(s.isa) + ": " + bad;
        return false;
      }
      p.pipeline.compile_jit(p.jitTarget);
      p.jitCompiled = true;
    }
    Buffer<uint8_t> in(const_cast<uint8_t *>(input),
                       {int(s.c), int(s.w), int(s.h), int(n)});
    std::vector<int> outShape = {int(s.o), int(s.outW), int(s.outH), int(n)};
    p.input.set(in);
    std::vector<Buffer<>> outs;
    if (!e.enabled()) {
      outs.push_back(
          Buffer<uint8_t>(static_cast<uint8_t *>(outputs[0]), outShape));
    } else {
      if (e.residual == ResidualEpilogue::Residual::Float)
        p.residual.set(Buffer<float>(
            static_cast<float *>(const_cast<void *>(residual)), outShape));
      else
        p.residual.set(Buffer<uint8_t>(
            static_cast<uint8_t *>(const_cast<void *>(residual)), outShape));
      size_t next = 0;
      if (e.floatOutput)
        outs.push_back(
            Buffer<float>(static_cast<float *>(outputs[next++]), outShape));
      while (next < outputs.size())
        outs.push_back(
            Buffer<uint8_t>(static_cast<uint8_t *>(outputs[next++]), outShape));
    }
    Realization realization(outs);
    p.pipeline.realize(realization, p.jitTarget);
  } catch (const Halide::Error &e) {
    error = "layer kernel '" + s.name + "': " + e.what();
    return false;
  }
  return true;
}

bool LayerKernel::compileToObject(const std::string &path, std::string &error) {
  Impl &p = *impl;
  // The assembly comes from the same LLVM module as the object; it is read
  // back to prove that the object runs on every CPU with the ISA's
  // features.
  std::string assemblyPath = path + ".s";
  try {
    Target target = p.codeTarget().with_feature(Target::NoRuntime);
    std::map<OutputFileType, std::string> outputs = {
        {OutputFileType::object, path},
        {OutputFileType::assembly, assemblyPath}};
    // For looking at the schedule: DFQ_LAYER_KERNEL_STMT=1 also writes the
    // lowered statement next to the object and keeps the assembly.
    if (std::getenv("DFQ_LAYER_KERNEL_STMT"))
      outputs[OutputFileType::stmt] = path + ".stmt";
    p.pipeline.compile_to(outputs, p.arguments(), p.spec.name, target);
  } catch (const Halide::Error &e) {
    error = "layer kernel '" + p.spec.name + "': " + e.what();
    return false;
  }
  std::ifstream file(assemblyPath);
  std::stringstream text;
  text << file.rdbuf();
  if (!std::getenv("DFQ_LAYER_KERNEL_STMT"))
    std::remove(assemblyPath.c_str());
  std::string bad = forbiddenInstruction(text.str());
  if (!bad.empty()) {
    std::remove(path.c_str());
    error = "layer kernel '" + p.spec.name +
            "': the generated code uses an instruction outside " +
            isaName(p.spec.isa) + ": " + bad;
    return false;
  }
  return true;
}

std::string LayerKernel::describe() const { return impl->description; }

bool emitHalideRuntimeObject(Isa isa, const std::string &path,
                             std::string &error) {
  // The runtime has no dot products, so it is built without
  // avx512_sapphirerapids (-mcpu=sapphirerapids would let LLVM use
  // instructions AVX-512 VNNI CPUs such as Zen 4 lack); its interface is the
  // same for every x86 feature set.
  disableSlpVectorizer();
  std::string target = withoutSapphireRapids(halideTargetFor(isa));
  try {
    compile_standalone_runtime(path, Target(target));
  } catch (const Halide::Error &e) {
    error = std::string("Halide runtime: ") + e.what();
    return false;
  }
  return true;
}

} // namespace mlir::dfq::x86
