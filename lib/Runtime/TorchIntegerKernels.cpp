//===- TorchIntegerKernels.cpp - Integer semantics on ATen ----------------===//
//
// The quantized ops of the reference interpreter, following the normative
// integer semantics of docs/design.md bit for bit:
//   quantize:   q = clamp(round_half_even(x / scale_f32) + zp, qmin, qmax)
//   dequantize: x = (q - zp) * scale_f32, in f32
//   qconv2d/qgemm: acc = bias + sum (x - zp_x)(w - zp_w) exactly, then
//     y = clamp(zp_y + ((acc * M + 2^(sh-1)) >> sh), qmin_y, qmax_y)
// The accumulation is exact: in f32 over slices of the input channels whose
// bound on partial sums stays below 2^24, the slices then added in f64 (8-bit
// operands stay far below 2^53), so the summation order of ATen's kernels
// cannot matter. The requantization runs in
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
#include <ATen/ops/empty.h>
#include <ATen/ops/floor.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/max.h>
#include <ATen/ops/mul.h>
#include <ATen/ops/round.h>
#include <ATen/ops/sub.h>
#include <ATen/ops/sum.h>
#include <ATen/ops/tensor.h>

#include <algorithm>
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

/// Applies bias and requantization to exact accumulators (f32 or f64 holding
/// integers) whose channel dimension is 1, in one pass over them: with
/// ATen's elementwise ops the eight steps each read and wrote the whole
/// tensor in int64, four times the time of the convolutions at 224x224.
static at::Tensor requantize(const at::Tensor &accumulator,
                             const QuantLayerParams &params) {
  TORCH_CHECK(accumulator.dim() >= 2, "accumulators need a channel axis");
  at::Tensor acc = accumulator.scalar_type() == at::kFloat
                       ? accumulator.contiguous()
                       : accumulator.to(at::kDouble).contiguous();
  int64_t images = acc.size(0), channels = acc.size(1);
  int64_t inner = channels ? acc.numel() / (images * channels) : 0;
  auto perChannel = [&](const std::vector<int32_t> &values, const char *name) {
    TORCH_CHECK(values.size() == 1 || int64_t(values.size()) == channels,
                "expected one or ", channels, " values in '", name, "', got ",
                values.size());
    return [&values](int64_t c) {
      return int64_t(values[values.size() == 1 ? 0 : c]);
    };
  };
  auto multiplier = perChannel(params.multipliers, "multipliers");
  auto shift = perChannel(params.shifts, "shifts");
  auto bias = [&](int64_t c) {
    return params.bias.empty() ? int64_t(0) : int64_t(params.bias[c]);
  };
  if (!params.bias.empty())
    TORCH_CHECK(int64_t(params.bias.size()) == channels,
                "expected one bias per channel");
  for (int64_t c = 0; c < channels; ++c)
    TORCH_CHECK(shift(c) >= 0 && shift(c) <= 62, "shift ", shift(c),
                " is outside [0, 62]");

  at::Tensor y = at::empty(acc.sizes(), acc.options().dtype(at::kFloat));
  float *out = y.data_ptr<float>();
  bool overflow = false;
  auto run = [&](const auto *in) {
    for (int64_t n = 0; n < images; ++n) {
      for (int64_t c = 0; c < channels; ++c) {
        int64_t m = multiplier(c), sh = shift(c), b = bias(c);
        int64_t rounding = sh > 0 ? int64_t(1) << (sh - 1) : 0;
        int64_t offset = (n * channels + c) * inner;
        for (int64_t i = offset; i < offset + inner; ++i) {
          int64_t product;
          overflow |= __builtin_mul_overflow(int64_t(in[i]) + b, m, &product);
          // Floor division by 2^sh: an arithmetic right shift (the product
          // and its rounding term stay below 2^62 by the design's bound).
          int64_t q = ((product + rounding) >> sh) + params.outputZeroPoint;
          out[i] = float(std::clamp(q, params.outputMin, params.outputMax));
        }
      }
    }
  };
  if (acc.scalar_type() == at::kFloat)
    run(acc.data_ptr<float>());
  else
    run(acc.data_ptr<double>());
  TORCH_CHECK(!overflow, "an accumulator times its multiplier exceeds 2^63");
  return y;
}

/// The bound on a partial sum over input channels [c0, c1) of output o is
/// max|x - zp_x| * sum_{c0 <= c < c1, kh, kw} |w[o, c, kh, kw] - zp_w[o]|.
/// While it stays below 2^24, f32 arithmetic, and ATen's fast f32 kernels,
/// compute that partial sum exactly whatever the summation order; the slices'
/// sums are then added in f64, whose exact range (2^53) is far beyond what
/// 8-bit operands reach, and so is the bias (in requantize). Slices are
/// grown greedily, which gives the fewest consecutive ones.
std::vector<int64_t> kernels::exactF32Slices(const Tensor &weight,
                                             const QuantLayerParams &params,
                                             int64_t groups) noexcept {
  try {
    c10::InferenceMode guard;
    const at::Tensor &w = unwrap(weight);
    at::Tensor shifted = w.to(at::kDouble) - alongAxis(params.weightZeroPoints,
                                                       0, w.dim(), at::kDouble);
    int64_t outputs = w.size(0), inputs = w.size(1);
    // |w - zp_w| summed over everything but the output and input channels.
    at::Tensor perChannel =
        shifted.abs().reshape({outputs, inputs, -1}).sum(2).contiguous();
    auto sums = perChannel.accessor<double, 2>();
    double maxInput =
        std::max(std::abs(double(params.inputMin - params.inputZeroPoint)),
                 std::abs(double(params.inputMax - params.inputZeroPoint)));
    constexpr double kExactF32 = double(1 << 24);
    std::vector<int64_t> bounds = {0};
    std::vector<double> running(outputs, 0.0);
    for (int64_t c = 0; c < inputs; ++c) {
      bool fits = true;
      for (int64_t o = 0; o < outputs && fits; ++o)
        fits = (running[o] + sums[o][c]) * maxInput < kExactF32;
      if (!fits) {
        // A channel that does not fit alone, or a grouped convolution
        // (whose slices would have to be cut per group), needs f64.
        if (c == bounds.back() || groups != 1)
          return {};
        bounds.push_back(c);
        std::fill(running.begin(), running.end(), 0.0);
      }
      for (int64_t o = 0; o < outputs; ++o)
        running[o] += sums[o][c];
    }
    bounds.push_back(inputs);
    return bounds;
  } catch (...) {
    return {}; // f64 is exact in every case
  }
}

/// The input and weight with their zero points removed, in f32 when the
/// layer has exact f32 slices, else in f64. Removing the zero point before
/// the product makes padding read real zeros, exactly as the integer
/// semantics pad with zp_x.
static std::pair<at::Tensor, at::Tensor>
shiftedOperands(const Tensor &input, const Tensor &weight,
                const QuantLayerParams &params) {
  at::ScalarType type = params.f32Slices.empty() ? at::kDouble : at::kFloat;
  const at::Tensor &w = unwrap(weight);
  // Copies (`to` alone would alias an f32 operand, which sub_ then changed).
  at::Tensor x = unwrap(input)
                     .to(type, /*non_blocking=*/false, /*copy=*/true)
                     .sub_(double(params.inputZeroPoint));
  at::Tensor ws =
      w.to(type, /*non_blocking=*/false, /*copy=*/true)
          .sub_(alongAxis(params.weightZeroPoints, 0, w.dim(), type));
  return {x, ws};
}

/// The exact accumulator in f64: `product(x, w)` of the whole operands, or
/// the f64 sum of its results on every f32 slice of the input channels (the
/// weight's axis 1, the input's axis 1 too for a convolution and its last
/// axis for a gemm).
template <typename Product>
static at::Tensor accumulate(const at::Tensor &x, const at::Tensor &w,
                             const QuantLayerParams &params, int64_t inputAxis,
                             Product product) {
  const std::vector<int64_t> &bounds = params.f32Slices;
  if (bounds.size() <= 2)
    return product(x, w);
  at::Tensor acc;
  for (size_t i = 0; i + 1 < bounds.size(); ++i) {
    int64_t begin = bounds[i], length = bounds[i + 1] - bounds[i];
    at::Tensor part =
        product(x.narrow(inputAxis, begin, length), w.narrow(1, begin, length))
            .to(at::kDouble);
    acc = acc.defined() ? acc + part : part;
  }
  return acc;
}

KernelResult kernels::qconv2d(const Tensor &input, const Tensor &weight,
                              const Conv2dParams &conv,
                              const QuantLayerParams &params) noexcept {
  return runKernel([&] {
    auto [x, w] = shiftedOperands(input, weight, params);
    return requantize(
        accumulate(x, w, params, 1,
                   [&](const at::Tensor &xs, const at::Tensor &ws) {
                     return aten::conv2d(xs, ws, c10::nullopt, conv);
                   }),
        params);
  });
}

/// The [M, O] product of an [N, ..., K] gemm input reshaped back to
/// [N, ..., O]: the requantization's channel is then dimension 1.
static at::Tensor asRows(const at::Tensor &x) {
  return x.reshape({-1, x.size(-1)});
}

static at::Tensor fromRows(const at::Tensor &y, const at::Tensor &input) {
  std::vector<int64_t> shape(input.sizes().begin(), input.sizes().end() - 1);
  shape.push_back(y.size(1));
  return y.reshape(shape);
}

KernelResult kernels::qgemm(const Tensor &input, const Tensor &weight,
                            const QuantLayerParams &params) noexcept {
  return runKernel([&] {
    auto [x, w] = shiftedOperands(input, weight, params);
    return fromRows(
        requantize(accumulate(asRows(x), w, params, 1,
                              [](const at::Tensor &xs, const at::Tensor &ws) {
                                return at::linear(xs, ws);
                              }),
                   params),
        x);
  });
}

/// The window sums of x - zp_x, exact in f64 (|x - zp_x| < 2^9 and fewer
/// than 2^23 positions per window).
static at::Tensor shiftedWindowSums(const Tensor &input,
                                    const Pool2dParams &pool,
                                    const QuantLayerParams &params) {
  at::Tensor x = unwrap(input).to(at::kDouble) - double(params.inputZeroPoint);
  return aten::sumPool2d(x, pool);
}

KernelResult kernels::qavgPool2d(const Tensor &input, const Pool2dParams &pool,
                                 const QuantLayerParams &params) noexcept {
  return runKernel([&] {
    TORCH_CHECK(params.bias.empty() && params.multipliers.size() == 1,
                "integer pooling takes one multiplier and no bias");
    return requantize(shiftedWindowSums(input, pool, params), params);
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
    return fromRows(fakeQuantizeOutput(at::linear(asRows(x), w), params), x);
  });
}

KernelResult
kernels::qavgPool2dSimulated(const Tensor &input, const Pool2dParams &pool,
                             const QuantLayerParams &params) noexcept {
  return runKernel([&] {
    TORCH_CHECK(params.weightScales.size() == 1,
                "simulated pooling needs its divisor as the weight scale");
    at::Tensor mean = shiftedWindowSums(input, pool, params) *
                      (params.inputScale * params.weightScales.front());
    return fakeQuantizeOutput(mean, params);
  });
}
