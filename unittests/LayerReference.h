//===- LayerReference.h - the integer semantics as a direct loop -*- C++
//-*-===//
//
// docs/design.md's dfq.qconv2d / dfq.qgemm written as the obvious loop nest,
// for the kernel sweeps of every backend to compare with: NHWC activations
// of one byte each (signed when `inputSigned`), [o][c/groups][kh][kw]
// weights, exact accumulation, then Requantization.h's requantize. `Spec`
// is any spec with LayerSpec's field names (dfq::LayerSpec,
// x86::LayerKernelSpec).
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_UNITTESTS_LAYERREFERENCE_H
#define DFQ_UNITTESTS_LAYERREFERENCE_H

#include "dfq/Support/Requantization.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace mlir::dfq {

/// The output bytes of `n` samples. Counts in `ties` (when given) the
/// accumulators whose scaled value lies exactly halfway between two
/// integers, where rounding matters most.
template <typename Spec>
std::vector<uint8_t>
referenceLayer(const Spec &s, const std::vector<uint8_t> &input, int64_t n,
               bool inputSigned = false, int64_t *ties = nullptr) {
  std::vector<uint8_t> out(n * s.outH * s.outW * s.o);
  int64_t cpg = s.c / s.groups, opg = s.o / s.groups;
  auto activation = [&](uint8_t byte) -> int64_t {
    return inputSigned ? int64_t(int8_t(byte)) : int64_t(byte);
  };
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oy = 0; oy < s.outH; ++oy)
      for (int64_t ox = 0; ox < s.outW; ++ox)
        for (int64_t oc = 0; oc < s.o; ++oc) {
          int64_t g = oc / opg, acc = s.bias[oc];
          for (int64_t ci = 0; ci < cpg; ++ci)
            for (int64_t i = 0; i < s.kh; ++i)
              for (int64_t j = 0; j < s.kw; ++j) {
                int64_t y = oy * s.strideH - s.padTop + i * s.dilationH;
                int64_t x = ox * s.strideW - s.padLeft + j * s.dilationW;
                if (y < 0 || y >= s.h || x < 0 || x >= s.w)
                  continue; // padding holds the zero point
                int64_t xv = activation(
                    input[((b * s.h + y) * s.w + x) * s.c + g * cpg + ci]);
                int64_t wv = s.weights[((oc * cpg + ci) * s.kh + i) * s.kw + j];
                acc += (xv - s.inputZeroPoint) * (wv - s.weightZeroPoint[oc]);
              }
          EXPECT_EQ(acc, int64_t(int32_t(acc)));
          int32_t shift = s.shift[oc];
          if (ties)
            *ties += shift > 0 &&
                     ((acc * s.multiplier[oc]) & ((int64_t(1) << shift) - 1)) ==
                         int64_t(1) << (shift - 1);
          out[((b * s.outH + oy) * s.outW + ox) * s.o + oc] =
              uint8_t(requantize(int32_t(acc),
                                 FixedPointMultiplier{s.multiplier[oc], shift},
                                 s.outputZeroPoint, s.outputMin, s.outputMax));
        }
  return out;
}

/// A 3 x 5 gemm with small signed weights and exact requantization by 1/2,
/// the valid spec the invalid-spec tests of every backend start from.
template <typename Spec> Spec smallGemmSpec() {
  Spec s;
  s.c = 5;
  s.o = 3;
  s.weights = {1, -2, 3, -4, 5, 6, 7, -8, 9, 10, -11, 12, 13, 14, -15};
  s.bias = {1, 2, 3};
  s.multiplier = {1 << 30, 1 << 30, 1 << 30};
  s.shift = {31, 31, 31};
  s.weightZeroPoint = {0, 0, 0};
  return s;
}

} // namespace mlir::dfq

#endif // DFQ_UNITTESTS_LAYERREFERENCE_H
