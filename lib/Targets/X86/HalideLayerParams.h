//===- HalideLayerParams.h - what every Halide integer layer shares -*- C++
//-*-===//
//
// The per-channel parameters of a quantized layer (bias, fixed-point
// multiplier and shift, weight zero point), its scalar zero points and
// output range, and the requantization of docs/design.md, written once for
// the qgemm and qconv2d pipelines. Included only by Halide translation units.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_LIB_TARGETS_X86_HALIDELAYERPARAMS_H
#define DFQ_LIB_TARGETS_X86_HALIDELAYERPARAMS_H

#include "Halide.h"

#include <string>

namespace mlir::dfq::x86 {

struct HalideLayerParams {
  Halide::ImageParam bias{Halide::Int(32), 1, "bias"},
      multiplier{Halide::Int(32), 1, "multiplier"},
      shift{Halide::Int(32), 1, "shift"},
      weightZero{Halide::Int(32), 1, "weight_zero"};
  Halide::Param<int32_t> inputZero{"input_zero"}, outputZero{"output_zero"},
      outputMin{"output_min"}, outputMax{"output_max"};

  /// clamp(zy + ((acc * M[o] + 2^(sh[o]-1)) >> sh[o]), lo, hi) as u8, for an
  /// int64 accumulator of output channel `o`.
  Halide::Expr requantize(Halide::Expr acc, Halide::Expr o) const {
    using namespace Halide;
    Expr sh = shift(o);
    Expr rounding =
        select(sh > 0, cast<int64_t>(1) << cast<uint64_t>(max(sh - 1, 0)),
               cast<int64_t>(0));
    Expr y = ((acc * cast<int64_t>(multiplier(o)) + rounding) >>
              cast<uint64_t>(sh)) +
             cast<int64_t>(outputZero);
    return cast<uint8_t>(
        clamp(y, cast<int64_t>(outputMin), cast<int64_t>(outputMax)));
  }

  /// Binds the caller's arrays (`channels` entries each) and scalars; false
  /// with `error` set when a shift is outside [0, 62].
  template <typename Args>
  bool bind(const Args &a, int channels, const char *op, std::string &error) {
    for (int i = 0; i < channels; ++i)
      if (a.shift[i] < 0 || a.shift[i] > 62) {
        error = std::string(op) + ": shift " + std::to_string(a.shift[i]) +
                " is outside [0, 62]";
        return false;
      }
    auto channelBuffer = [&](const int32_t *data) {
      return Halide::Buffer<int32_t>(const_cast<int32_t *>(data), channels);
    };
    bias.set(channelBuffer(a.bias));
    multiplier.set(channelBuffer(a.multiplier));
    shift.set(channelBuffer(a.shift));
    weightZero.set(channelBuffer(a.weightZeroPoint));
    inputZero.set(a.inputZeroPoint);
    outputZero.set(a.outputZeroPoint);
    outputMin.set(a.outputMin);
    outputMax.set(a.outputMax);
    return true;
  }
};

} // namespace mlir::dfq::x86

#endif // DFQ_LIB_TARGETS_X86_HALIDELAYERPARAMS_H
