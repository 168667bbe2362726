//===- HalideLayerPipeline.cpp - the stages every layer schedule shares ---===//
//
// LayerKernel::Impl::build (HalideLayerPipeline.h): the per-channel
// constants, padded past the last register tile; the input padded with its
// zero point; requantization, in 32-bit lanes on the high half of acc * M
// when every shift is at least 33 (see requantize), else in 64-bit lanes;
// the residual epilogue; the shapes of the pipeline's buffers. Then the
// schedules other than the dense one (HalideDenseLayer.cpp):
//  - Depthwise: channels in vector lanes (NHWC), taps unrolled, int32;
//    register tiles of one vector by several pixels of a row.
//  - Grouped: a direct loop nest, channels vectorized.
//
//===----------------------------------------------------------------------===//

#include "HalideLayerPipeline.h"

#include "Halide.h"

#include <functional>
#include <set>
#include <sstream>

using namespace Halide;

namespace mlir::dfq::x86 {

//===----------------------------------------------------------------------===//
// The shared stages
//===----------------------------------------------------------------------===//

bool LayerKernel::Impl::needsPadding() const {
  const LayerKernelSpec &s = spec;
  int64_t lastY =
      (s.outH - 1) * s.strideH - s.padTop + (s.kh - 1) * s.dilationH;
  int64_t lastX =
      (s.outW - 1) * s.strideW - s.padLeft + (s.kw - 1) * s.dilationW;
  return s.padTop > 0 || s.padLeft > 0 || lastY >= s.h || lastX >= s.w;
}

Func LayerKernel::Impl::exteriorInput() {
  const LayerKernelSpec &s = spec;
  return BoundaryConditions::constant_exterior(
      input, cast<uint8_t>(zeroPoints(Expr(0))),
      {{0, int(s.c)}, {0, int(s.w)}, {0, int(s.h)}});
}

Func LayerKernel::Impl::paddedInput(int64_t channels, bool always) {
  const LayerKernelSpec &s = spec;
  if (channels == s.c && !needsPadding() && !always)
    return input;
  Var c("c"), x("x"), y("y"), n("n");
  Func exterior = exteriorInput();
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
    y = (rounded >> shiftHi) + zeroPoints(Expr(1));
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
      cast<int64_t>(zeroPoints(Expr(1)));
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
  Expr x =
      cast<float>(cast<int32_t>(q) - zeroPoints(Expr(1))) * Expr(e.outputScale);
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

std::string LayerKernel::Impl::makeCodeKey() const {
  // Every value of the spec that reaches the pipeline other than through a
  // table: the geometry and schedule, the output range (an immediate), a
  // per-tensor requantization, the epilogue's constants, and what build()
  // chose from the tables' values. Floats exactly (hexadecimal).
  const LayerKernelSpec &s = spec;
  const LayerSchedule &k = s.schedule;
  const ResidualEpilogue &e = s.epilogue;
  std::ostringstream key;
  key << std::hexfloat << codeTarget().to_string() << " kind " << int(k.kind)
      << " tile " << k.tileChannels << "x" << k.tilePixels << " pixels "
      << int(k.pixelTiles) << " outer " << k.channelTilesOuter << " parallel "
      << k.parallel << " c " << s.c << " h " << s.h << " w " << s.w << " o "
      << s.o << " k " << s.kh << "x" << s.kw << " out " << s.outH << "x"
      << s.outW << " stride " << s.strideH << "x" << s.strideW << " pad "
      << s.padTop << "," << s.padLeft << " dilation " << s.dilationH << "x"
      << s.dilationW << " groups " << s.groups << " bits " << s.weightBits
      << "/" << s.activationBits << " range " << s.outputMin << ".."
      << s.outputMax << " requant " << (highHalfRequant ? "high" : "wide");
  if (uniformRequant)
    key << " uniform " << s.multiplier[0] << ">>" << s.shift[0];
  key << " container " << denseContainerBits << " folded " << denseFolded
      << " depthwise-vnni " << depthwiseDotProducts << " residual "
      << int(e.residual);
  if (e.enabled()) {
    key << " scale " << e.outputScale << " residual " << e.residualScale << ","
        << e.residualZeroPoint << " activation " << int(e.activation)
        << " clip " << e.clipMin << ".." << e.clipMax << " float "
        << e.floatOutput;
    for (const ResidualEpilogue::Quantization &q : e.quantizedOutputs)
      key << " q " << q.scale << "," << q.zeroPoint << "," << q.min << ".."
          << q.max;
  }
  for (size_t t : usedTables) {
    const TableInput &table = tables[t];
    key << " table " << table.param.name() << " " << table.data.type().code()
        << ":" << table.data.type().bits();
    for (int d = 0; d < table.data.dimensions(); ++d)
      key << (d ? "x" : " ") << table.data.dim(d).extent();
  }
  return key.str();
}

std::vector<Argument> LayerKernel::Impl::arguments() const {
  std::vector<Argument> args = {input};
  if (spec.epilogue.enabled())
    args.push_back(residual);
  for (size_t t : usedTables)
    args.push_back(tables[t].param);
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
  // The input and output zero points: values, not immediates, so that
  // they do not split layers into different codes (the output range stays
  // an immediate: clamping against registers measured 1-3 % slower on
  // ResNet-50).
  zeroPoints = makeTable<int32_t>("zero_points", {2});
  zeroPoints(0) = s.inputZeroPoint;
  zeroPoints(1) = s.outputZeroPoint;
  multiplier = makeTable<int32_t>("multiplier", {int(paddedO)});
  shift = makeTable<int32_t>("shift", {int(paddedO)});
  rounding = makeTable<int64_t>("rounding", {int(paddedO)});
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
  roundingHigh = makeTable<int32_t>("round_hi", {int(paddedO)});
  shiftHigh = makeTable<int32_t>("shift_hi", {int(paddedO)});
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
  // Tables made but not read (say the 64-bit rounding terms of a layer
  // that requantizes in 32-bit lanes) are not arguments.
  std::set<std::string> read;
  for (const Argument &argument : pipeline.infer_arguments())
    read.insert(argument.name);
  for (size_t t = 0; t < tables.size(); ++t)
    if (read.count(tables[t].param.name()))
      usedTables.push_back(t);
  codeKey = makeCodeKey();
}

//===----------------------------------------------------------------------===//
// Depthwise and grouped schedules
//===----------------------------------------------------------------------===//

void LayerKernel::Impl::visitDepthwiseWeights(
    const std::function<void(int64_t, int64_t, int64_t, int64_t)> &visit) {
  const LayerKernelSpec &s = spec;
  base = makeTable<int32_t>("base", {int(paddedO)});
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
  Table<int32_t> weights =
      makeTable<int32_t>("weights", {int(paddedO), int(s.kw), int(s.kh)});
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
  Table<int8_t> weights =
      makeTable<int8_t>("weights", {4, int(paddedO), int(groups), int(s.kh)});
  weights.fill(0);
  visitDepthwiseWeights([&](int64_t oc, int64_t i, int64_t j, int64_t v) {
    weights(int(j % 4), int(oc), int(j / 4), int(i)) = int8_t(v);
  });
  // With whole vectors of channels the taps read the input through its
  // boundary condition rather than a padded copy of the image: Halide
  // splits the loops that build them into borders (with the selects) and
  // an interior that loads the input as it is, which saves writing and
  // reading the copy (MobileNetV2's 224x224 depthwise layers: 1.03-1.4x
  // faster). Otherwise the copy pads the channels to whole vectors (a
  // partial one would be moved with AVX512-FP16 instructions). Padding
  // taps past the window read the zero point either way (weight 0).
  Func x = s.c % L == 0 ? exteriorInput()
                        : paddedInput(roundUp(s.c, L), /*always=*/taps > s.kw);
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
  Table<int32_t> weights = makeTable<int32_t>(
      "weights", {int(perGroupIn), int(s.kw), int(s.kh), int(paddedO)});
  weights.fill(0);
  base = makeTable<int32_t>("base", {int(paddedO)});
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

} // namespace mlir::dfq::x86
