//===- TorchIntegerKernels.cpp - Integer semantics on ATen ----------------===//
//
// The quantized ops of the reference interpreter, following the normative
// integer semantics of docs/design.md bit for bit:
//   quantize:   q = clamp(round_half_even(x / scale_f32) + zp, qmin, qmax)
//   dequantize: x = (q - zp) * scale_f32, in f32
//   qconv2d/qgemm: acc = bias + sum (x - zp_x)(w - zp_w) exactly, then
//     y = clamp(zp_y + ((acc * M + 2^(sh-1)) >> sh), qmin_y, qmax_y)
// The accumulation is exact: in f32 when the layer's bound on partial sums
// stays below 2^24, else in f64 (8-bit operands stay far below 2^53), so the
// summation order of ATen's kernels cannot matter. The requantization runs in
// int64 (acc * M < 2^62).
//
// The simulated kernels at the end compute the same layers as fake
// quantization in real arithmetic, the independent formulation that tests
// hold the integer path against.
//
//===----------------------------------------------------------------------===//

#include "TorchOps.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/abs.h>
#include <ATen/ops/add.h>
#include <ATen/ops/clamp.h>
#include <ATen/ops/div.h>
#include <ATen/ops/floor.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/max.h>
#include <ATen/ops/mul.h>
#include <ATen/ops/round.h>
#include <ATen/ops/sub.h>
#include <ATen/ops/sum.h>
#include <ATen/ops/tensor.h>

#include <cmath>

using namespace mlir::dfq::rt;
using namespace mlir::dfq::rt::aten;

/// `values` shaped to broadcast along `axis` of a rank-`rank` tensor (or as
/// a scalar when there is one value).
template <typename T>
static at::Tensor alongAxis(const std::vector<T> &values, int64_t axis,
                            int64_t rank, at::ScalarType type) {
  at::Tensor t = at::tensor(at::ArrayRef<T>(values)).to(type);
  if (values.size() == 1 || axis < 0)
    return t.reshape({});
  std::vector<int64_t> shape(rank, 1);
  shape[axis] = static_cast<int64_t>(values.size());
  return t.reshape(shape);
}

static void checkParams(const QuantParams &params, const at::Tensor &input) {
  TORCH_CHECK(!params.scales.empty() &&
                  params.scales.size() == params.zeroPoints.size(),
              "quantization parameters need as many zero points as scales");
  if (params.scales.size() > 1)
    TORCH_CHECK(params.axis >= 0 && params.axis < input.dim() &&
                    input.size(params.axis) ==
                        static_cast<int64_t>(params.scales.size()),
                "per-channel parameters do not match the tensor");
}

KernelResult kernels::quantize(const Tensor &input,
                               const QuantParams &params) noexcept {
  return runKernel([&] {
    const at::Tensor &x = unwrap(input);
    checkParams(params, x);
    // The scale is rounded to f32 and the division done in f32.
    at::Tensor scale =
        alongAxis(params.scales, params.axis, x.dim(), at::kFloat);
    at::Tensor zero =
        alongAxis(params.zeroPoints, params.axis, x.dim(), at::kFloat);
    return at::clamp(at::round(at::div(x, scale)) + zero,
                     static_cast<double>(params.qmin),
                     static_cast<double>(params.qmax));
  });
}

KernelResult kernels::dequantize(const Tensor &input,
                                 const QuantParams &params) noexcept {
  return runKernel([&] {
    const at::Tensor &q = unwrap(input);
    checkParams(params, q);
    at::Tensor scale =
        alongAxis(params.scales, params.axis, q.dim(), at::kFloat);
    at::Tensor zero =
        alongAxis(params.zeroPoints, params.axis, q.dim(), at::kFloat);
    return at::mul(at::sub(q, zero), scale);
  });
}

/// Applies bias and requantization to exact f64 accumulators whose channel
/// dimension is 1.
static at::Tensor requantize(at::Tensor acc, const QuantLayerParams &params) {
  int64_t rank = acc.dim();
  if (!params.bias.empty())
    acc = acc + alongAxis(params.bias, 1, rank, at::kDouble);
  at::Tensor acc64 = acc.to(at::kLong);
  std::vector<int64_t> rounding, divisor;
  for (int32_t shift : params.shifts) {
    TORCH_CHECK(shift >= 0 && shift <= 62, "shift ", shift,
                " is outside [0, 62]");
    rounding.push_back(shift > 0 ? int64_t(1) << (shift - 1) : 0);
    divisor.push_back(int64_t(1) << shift);
  }
  at::Tensor multiplier = alongAxis(params.multipliers, 1, rank, at::kLong);
  at::Tensor product =
      acc64 * multiplier + alongAxis(rounding, 1, rank, at::kLong);
  // Floor division by 2^shift is the arithmetic right shift.
  at::Tensor shifted =
      at::div(product, alongAxis(divisor, 1, rank, at::kLong), "floor");
  at::Tensor y = at::clamp(shifted + params.outputZeroPoint, params.outputMin,
                           params.outputMax);
  return y.to(at::kFloat);
}

/// Whether every partial sum of the layer fits f32's exact integer range:
/// |acc| <= max|x - zp_x| * max_o sum_k |w[o, k] - zp_w[o]| (+ |bias|) < 2^24.
/// Then f32 arithmetic, and ATen's fast f32 kernels, compute the exact
/// accumulator whatever the summation order; otherwise f64 does (its exact
/// range, 2^53, is far beyond what 8-bit operands reach).
bool kernels::accumulatorFitsF32(const Tensor &weight,
                                 const QuantLayerParams &params) noexcept {
  try {
    c10::InferenceMode guard;
    const at::Tensor &w = unwrap(weight);
    at::Tensor shifted = w.to(at::kDouble) - alongAxis(params.weightZeroPoints,
                                                       0, w.dim(), at::kDouble);
    double maxInput =
        std::max(std::abs(double(params.inputMin - params.inputZeroPoint)),
                 std::abs(double(params.inputMax - params.inputZeroPoint)));
    double maxWeightSum =
        shifted.abs().reshape({w.size(0), -1}).sum(1).max().item<double>();
    double maxBias = 0;
    for (int32_t b : params.bias)
      maxBias = std::max(maxBias, std::abs(double(b)));
    return maxInput * maxWeightSum + maxBias < double(1 << 24);
  } catch (...) {
    return false; // f64 is exact in every case
  }
}

/// The input and weight with their zero points removed, in the layer's
/// accumulator type. Removing the zero point before the product makes
/// padding read real zeros, exactly as the integer semantics pad with zp_x.
static std::pair<at::Tensor, at::Tensor>
shiftedOperands(const Tensor &input, const Tensor &weight,
                const QuantLayerParams &params) {
  at::ScalarType type = params.accumulateInF32 ? at::kFloat : at::kDouble;
  const at::Tensor &w = unwrap(weight);
  at::Tensor x = unwrap(input).to(type) - double(params.inputZeroPoint);
  at::Tensor ws =
      w.to(type) - alongAxis(params.weightZeroPoints, 0, w.dim(), type);
  return {x, ws};
}

KernelResult kernels::qconv2d(const Tensor &input, const Tensor &weight,
                              const Conv2dParams &conv,
                              const QuantLayerParams &params) noexcept {
  return runKernel([&] {
    auto [x, w] = shiftedOperands(input, weight, params);
    return requantize(aten::conv2d(x, w, c10::nullopt, conv).to(at::kDouble),
                      params);
  });
}

KernelResult kernels::qgemm(const Tensor &input, const Tensor &weight,
                            const QuantLayerParams &params) noexcept {
  return runKernel([&] {
    auto [x, w] = shiftedOperands(input, weight, params);
    return requantize(at::linear(x, w).to(at::kDouble), params);
  });
}

//===----------------------------------------------------------------------===//
// Simulated (fake) quantization
//===----------------------------------------------------------------------===//

/// Entry `o` of a per-tensor (one value) or per-channel list.
template <typename T>
static T channel(const std::vector<T> &values, int64_t o) {
  return values.size() == 1 ? values.front() : values[o];
}

/// The real operands of a layer: x = (q_x - z_x) s_x and w = (q_w - z_w) s_w,
/// in f64, where both products are exact (an f32 scale times an integer of at
/// most 9 bits).
static std::pair<at::Tensor, at::Tensor>
dequantizedOperands(const Tensor &input, const Tensor &weight,
                    const QuantLayerParams &params) {
  const at::Tensor &w = unwrap(weight);
  TORCH_CHECK(!params.weightScales.empty(),
              "simulated execution needs the weight scales");
  at::Tensor x =
      (unwrap(input).to(at::kDouble) - double(params.inputZeroPoint)) *
      params.inputScale;
  at::Tensor real = (w.to(at::kDouble) - alongAxis(params.weightZeroPoints, 0,
                                                   w.dim(), at::kDouble)) *
                    alongAxis(params.weightScales, 0, w.dim(), at::kDouble);
  return {x, real};
}

/// Adds the real bias to the real layer output `y` (channels in dimension 1)
/// and quantizes it: q = clamp(floor(y / s + 1/2) + z_y), where s is the
/// output scale the integer path realizes, s_x s_w[o] / (M[o] 2^-sh[o]), and
/// the rounding is half up, as the integer path's.
static at::Tensor fakeQuantizeOutput(at::Tensor y,
                                     const QuantLayerParams &params) {
  int64_t channels = y.size(1);
  std::vector<double> bias, scale;
  for (int64_t o = 0; o < channels; ++o) {
    double weightScale = channel(params.weightScales, o);
    int32_t shift = channel(params.shifts, o);
    TORCH_CHECK(shift >= 0 && shift <= 62, "shift ", shift,
                " is outside [0, 62]");
    double multiplier =
        std::ldexp(double(channel(params.multipliers, o)), -shift);
    scale.push_back(params.inputScale * weightScale / multiplier);
    bias.push_back(params.bias.empty() ? 0.0
                                       : double(params.bias[o]) *
                                             params.inputScale * weightScale);
  }
  int64_t rank = y.dim();
  y = y + alongAxis(bias, 1, rank, at::kDouble);
  at::Tensor q = at::floor(y / alongAxis(scale, 1, rank, at::kDouble) + 0.5);
  return at::clamp(q + double(params.outputZeroPoint), double(params.outputMin),
                   double(params.outputMax))
      .to(at::kFloat);
}

KernelResult
kernels::qconv2dSimulated(const Tensor &input, const Tensor &weight,
                          const Conv2dParams &conv,
                          const QuantLayerParams &params) noexcept {
  return runKernel([&] {
    auto [x, w] = dequantizedOperands(input, weight, params);
    return fakeQuantizeOutput(aten::conv2d(x, w, c10::nullopt, conv), params);
  });
}

KernelResult kernels::qgemmSimulated(const Tensor &input, const Tensor &weight,
                                     const QuantLayerParams &params) noexcept {
  return runKernel([&] {
    auto [x, w] = dequantizedOperands(input, weight, params);
    return fakeQuantizeOutput(at::linear(x, w), params);
  });
}
