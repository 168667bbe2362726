//===- HalideDenseLayer.cpp - dense convolutions and gemms in Halide ------===//
//
// LayerKernel::Impl::buildDense: the schedule of convolutions with one group
// and of gemms (HalideLayerPipeline.h gives the arithmetic).
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
//
//===----------------------------------------------------------------------===//

#include "HalideLayerPipeline.h"

#include "Halide.h"

#include <algorithm>
#include <sstream>

using namespace Halide;

namespace mlir::dfq::x86 {

namespace {

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
  denseContainerBits = bits;
  denseFolded = folded;
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
  Table<uint8_t> packed =
      makeTable<uint8_t>("weights", {4, L, int(steps / perByte), int(tapSlots),
                                     int(s.kh), int(outerO / L)});
  packed.fill(0);
  base = makeTable<int32_t>("base", {int(paddedO)});
  weightZero = makeTable<int32_t>("weight_zero", {int(paddedO)});
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
  Table<int32_t> maskedBase = makeTable<int32_t>("masked_base", {int(paddedO)});
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
    // 2^32 (see HalideLayerPipeline.h).
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
    sumAll(n) = int32_t(paddedC - s.c) * zeroPoints(Expr(0));
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
    else if (s.schedule.channelTilesOuter && pixels > 1)
      st.reorder(oi, pi, tp, o);
    else if (s.schedule.channelTilesOuter)
      st.reorder(oi, tp, o);
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
  // The dot products are computed per register tile, at the inner of the
  // two tile loops.
  Var tile = rows ? n : s.schedule.channelTilesOuter ? tp : o;
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

} // namespace mlir::dfq::x86
