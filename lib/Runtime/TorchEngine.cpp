//===- TorchEngine.cpp - ATen numerics of the reference interpreter -------===//
//
// The only translation unit that sees libtorch. It is built with RTTI and
// exceptions (dfq_enable_rtti_exceptions); every entry point catches what
// ATen throws and hands back a message, so no exception reaches code built
// without them.
//
// Kernels call the ATen functions behind PyTorch's own modules (conv2d,
// batch_norm, linear, pooling, ...) so that models trained in PyTorch
// reproduce their logits here. Where ONNX semantics differ from PyTorch's
// (asymmetric pads, ceil-mode pooling, count_include_pad), the input is
// padded explicitly and the ATen op runs without padding.
//
//===----------------------------------------------------------------------===//

#include "TorchOps.h"

#include <ATen/Parallel.h>

#include <ATen/core/Tensor.h>
#include <ATen/ops/abs.h>
#include <ATen/ops/adaptive_avg_pool2d.h>
#include <ATen/ops/add.h>
#include <ATen/ops/amax.h>
#include <ATen/ops/avg_pool2d.h>
#include <ATen/ops/batch_norm.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/clamp.h>
#include <ATen/ops/constant_pad_nd.h>
#include <ATen/ops/conv2d.h>
#include <ATen/ops/conv_transpose2d.h>
#include <ATen/ops/div.h>
#include <ATen/ops/elu.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/erf.h>
#include <ATen/ops/exp.h>
#include <ATen/ops/index_select.h>
#include <ATen/ops/layer_norm.h>
#include <ATen/ops/leaky_relu.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/log.h>
#include <ATen/ops/lt.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/max_pool2d.h>
#include <ATen/ops/maximum.h>
#include <ATen/ops/mean.h>
#include <ATen/ops/minimum.h>
#include <ATen/ops/mul.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/pow.h>
#include <ATen/ops/relu.h>
#include <ATen/ops/sigmoid.h>
#include <ATen/ops/softmax.h>
#include <ATen/ops/softplus.h>
#include <ATen/ops/sqrt.h>
#include <ATen/ops/sub.h>
#include <ATen/ops/sum.h>
#include <ATen/ops/tanh.h>
#include <ATen/ops/where.h>
#include <algorithm>
#include <array>
#include <c10/core/InferenceMode.h>
#include <c10/util/Exception.h>
#include <thread>

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

using namespace mlir::dfq::rt;
using namespace mlir::dfq::rt::aten;

//===----------------------------------------------------------------------===//
// Tensor
//===----------------------------------------------------------------------===//

/// Takes a result of the engine: always contiguous f32, so that `dataF32`
/// can hand out a plain pointer.
Tensor aten::wrap(const at::Tensor &value) {
  TORCH_CHECK(value.scalar_type() == at::kFloat,
              "engine produced a non-f32 tensor");
  Tensor tensor;
  tensor.storage = std::make_shared<TensorStorage>(
      TensorStorage{value.is_contiguous() ? value : value.contiguous()});
  return tensor;
}

const at::Tensor &aten::unwrap(const Tensor &tensor) {
  if (tensor.isNull())
    throw std::invalid_argument("a kernel operand is a null tensor");
  return tensor.storage->value;
}

/// Null tensors stand for absent optional operands (a layer's bias).
static c10::optional<at::Tensor> unwrapOptional(const Tensor &tensor) {
  if (tensor.isNull())
    return c10::nullopt;
  return tensor.storage->value;
}

Tensor Tensor::fromF32(const std::vector<int64_t> &shape, const float *data) {
  try {
    c10::InferenceMode guard;
    at::Tensor value = at::empty(shape, at::kFloat);
    if (value.numel() > 0)
      std::memcpy(value.data_ptr<float>(), data, value.numel() * sizeof(float));
    return wrap(value);
  } catch (...) {
    // A negative dimension or an allocation failure: the caller sees a null
    // tensor instead of an exception it cannot catch.
    return Tensor();
  }
}

std::vector<int64_t> Tensor::shape() const {
  if (isNull())
    return {};
  at::IntArrayRef sizes = storage->value.sizes();
  return std::vector<int64_t>(sizes.begin(), sizes.end());
}

int64_t Tensor::rank() const { return isNull() ? 0 : storage->value.dim(); }

int64_t Tensor::numElements() const {
  return isNull() ? 0 : storage->value.numel();
}

const float *Tensor::dataF32() const {
  return isNull() ? nullptr : storage->value.data_ptr<float>();
}

void mlir::dfq::rt::setEngineThreads(int threads) {
  // ATen's own default can be a single thread (its count of physical cores
  // comes out as 1 on some virtual machines): 0 means every hardware thread.
  if (threads <= 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  try {
    at::set_num_threads(threads);
  } catch (...) {
    // Keeping the current thread count is harmless.
  }
}

//===----------------------------------------------------------------------===//
// Kernel plumbing
//===----------------------------------------------------------------------===//

static void checkCount(const std::vector<int64_t> &values, size_t count,
                       const char *name) {
  TORCH_CHECK(values.size() == count, "expected ", count, " values in '", name,
              "', got ", values.size());
}

//===----------------------------------------------------------------------===//
// Layers with parameters
//===----------------------------------------------------------------------===//

at::Tensor aten::conv2d(const at::Tensor &input, const at::Tensor &weight,
                        const c10::optional<at::Tensor> &bias,
                        const Conv2dParams &params) {
  checkCount(params.strides, 2, "strides");
  checkCount(params.pads, 4, "pads");
  checkCount(params.dilations, 2, "dilations");
  const std::vector<int64_t> &pads = params.pads;
  at::Tensor x = input;
  std::vector<int64_t> padding = {pads[0], pads[1]};
  // ATen pads symmetrically; ONNX pads may differ at the two ends, which
  // zero padding ahead of an unpadded convolution expresses exactly.
  if (pads[0] != pads[2] || pads[1] != pads[3]) {
    x = at::constant_pad_nd(x, {pads[1], pads[3], pads[0], pads[2]}, 0.0);
    padding = {0, 0};
  }
  return at::conv2d(x, weight, bias, params.strides, padding, params.dilations,
                    params.groups);
}

KernelResult kernels::conv2d(const Tensor &input, const Tensor &weight,
                             const Tensor &bias,
                             const Conv2dParams &params) noexcept {
  return runKernel([&] {
    return aten::conv2d(unwrap(input), unwrap(weight), unwrapOptional(bias),
                        params);
  });
}

at::Tensor aten::batchNorm(const at::Tensor &input, const at::Tensor &scale,
                           const at::Tensor &bias, const at::Tensor &mean,
                           const at::Tensor &variance, double epsilon) {
  return at::batch_norm(input, scale, bias, mean, variance, /*training=*/false,
                        /*momentum=*/0.0, epsilon, /*cudnn_enabled=*/false);
}

at::Tensor aten::convTranspose2d(const at::Tensor &x, const at::Tensor &w,
                                 const c10::optional<at::Tensor> &bias,
                                 const Conv2dParams &params,
                                 const std::vector<int64_t> &outputPadding) {
  TORCH_CHECK(x.dim() == 4 && w.dim() == 4 && params.pads.size() == 4 &&
                  outputPadding.size() == 2,
              "conv_transpose2d takes NCHW, a rank-4 weight, 4 pads and 2 "
              "output paddings");
  // ATen pads symmetrically: scatter without padding, then crop the top
  // and left pads and crop or extend the end to the result size.
  at::Tensor full =
      at::conv_transpose2d(x, w, c10::nullopt, params.strides, {0, 0}, {0, 0},
                           params.groups, params.dilations);
  const std::vector<int64_t> &p = params.pads;
  int64_t oh = full.size(2) - p[0] - p[2] + outputPadding[0];
  int64_t ow = full.size(3) - p[1] - p[3] + outputPadding[1];
  at::Tensor y = at::constant_pad_nd(
      full,
      {-p[1], ow - (full.size(3) - p[1]), -p[0], oh - (full.size(2) - p[0])},
      0.0);
  if (bias)
    y = at::add(y, bias->reshape({1, -1, 1, 1}));
  return y.contiguous();
}

KernelResult
kernels::convTranspose2d(const Tensor &input, const Tensor &weight,
                         const Tensor &bias, const Conv2dParams &params,
                         const std::vector<int64_t> &outputPadding) noexcept {
  return runKernel([&] {
    return aten::convTranspose2d(unwrap(input), unwrap(weight),
                                 unwrapOptional(bias), params, outputPadding);
  });
}

KernelResult kernels::batchNorm(const Tensor &input, const Tensor &scale,
                                const Tensor &bias, const Tensor &mean,
                                const Tensor &variance,
                                double epsilon) noexcept {
  return runKernel([&] {
    return aten::batchNorm(unwrap(input), unwrap(scale), unwrap(bias),
                           unwrap(mean), unwrap(variance), epsilon);
  });
}

KernelResult kernels::gemm(const Tensor &input, const Tensor &weight,
                           const Tensor &bias) noexcept {
  return runKernel([&] {
    return at::linear(unwrap(input), unwrap(weight), unwrapOptional(bias));
  });
}

KernelResult kernels::matmul(const Tensor &lhs, const Tensor &rhs) noexcept {
  return runKernel([&] { return at::matmul(unwrap(lhs), unwrap(rhs)); });
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

KernelResult kernels::relu(const Tensor &input) noexcept {
  return runKernel([&] { return at::relu(unwrap(input)); });
}

at::Tensor aten::clip(const at::Tensor &x, double min, double max) {
  // An infinite bound clamps nothing; leaving it out keeps ATen from
  // comparing against infinity at all.
  c10::optional<at::Scalar> lo, hi;
  if (!std::isinf(min))
    lo = min;
  if (!std::isinf(max))
    hi = max;
  if (!lo && !hi)
    return x;
  return at::clamp(x, lo, hi);
}

KernelResult kernels::clip(const Tensor &input, double min,
                           double max) noexcept {
  return runKernel([&] { return aten::clip(unwrap(input), min, max); });
}

KernelResult kernels::add(const Tensor &lhs, const Tensor &rhs) noexcept {
  return runKernel([&] { return at::add(unwrap(lhs), unwrap(rhs)); });
}

KernelResult kernels::mul(const Tensor &lhs, const Tensor &rhs) noexcept {
  return runKernel([&] { return at::mul(unwrap(lhs), unwrap(rhs)); });
}

KernelResult kernels::sub(const Tensor &lhs, const Tensor &rhs) noexcept {
  return runKernel([&] { return at::sub(unwrap(lhs), unwrap(rhs)); });
}

KernelResult kernels::div(const Tensor &lhs, const Tensor &rhs) noexcept {
  return runKernel([&] { return at::div(unwrap(lhs), unwrap(rhs)); });
}

KernelResult kernels::sigmoid(const Tensor &input) noexcept {
  return runKernel([&] { return at::sigmoid(unwrap(input)); });
}

KernelResult kernels::tanh(const Tensor &input) noexcept {
  return runKernel([&] { return at::tanh(unwrap(input)); });
}

KernelResult kernels::erf(const Tensor &input) noexcept {
  return runKernel([&] { return at::erf(unwrap(input)); });
}

KernelResult kernels::sqrt(const Tensor &input) noexcept {
  return runKernel([&] { return at::sqrt(unwrap(input)); });
}

at::Tensor aten::binaryMath(const at::Tensor &a, const at::Tensor &b,
                            const std::string &function) {
  if (function == "max")
    return at::maximum(a, b);
  if (function == "min")
    return at::minimum(a, b);
  TORCH_CHECK(function == "prelu", "unknown binary function ", function);
  return at::where(at::lt(a, 0.0), at::mul(a, b), a);
}

KernelResult kernels::binaryMath(const Tensor &lhs, const Tensor &rhs,
                                 const std::string &function) noexcept {
  return runKernel(
      [&] { return aten::binaryMath(unwrap(lhs), unwrap(rhs), function); });
}

at::Tensor aten::unaryMath(const at::Tensor &x, const std::string &function,
                           float alpha) {
  if (function == "abs")
    return at::abs(x);
  if (function == "exp")
    return at::exp(x);
  if (function == "log")
    return at::log(x);
  if (function == "softplus")
    return at::softplus(x, 1.0, 20.0);
  if (function == "leaky_relu")
    return at::leaky_relu(x, double(alpha));
  if (function == "elu")
    return at::elu(x, double(alpha));
  if (function == "pow")
    return at::pow(x, double(alpha));
  TORCH_CHECK(false, "unknown unary function ", function);
}

KernelResult kernels::unaryMath(const Tensor &input,
                                const std::string &function,
                                float alpha) noexcept {
  return runKernel(
      [&] { return aten::unaryMath(unwrap(input), function, alpha); });
}

at::Tensor aten::hardSigmoid(const at::Tensor &x, float alpha, float beta) {
  // Two roundings, then the clamp: ATen's f32 kernels take the scalars in
  // f32 and do not fuse separate ops.
  at::Tensor t = at::add(at::mul(x, double(alpha)), double(beta));
  return at::clamp(t, 0.0, 1.0);
}

at::Tensor aten::hardSwish(const at::Tensor &x) {
  return at::mul(x, hardSigmoid(x, 1.0f / 6.0f, 0.5f));
}

KernelResult kernels::hardSigmoid(const Tensor &input, float alpha,
                                  float beta) noexcept {
  return runKernel(
      [&] { return aten::hardSigmoid(unwrap(input), alpha, beta); });
}

KernelResult kernels::hardSwish(const Tensor &input) noexcept {
  return runKernel([&] { return aten::hardSwish(unwrap(input)); });
}

KernelResult kernels::softmax(const Tensor &input, int64_t axis) noexcept {
  return runKernel([&] { return at::softmax(unwrap(input), axis); });
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

namespace {
/// How one spatial dimension of a pooling op is executed: `begin` and `end`
/// padding make an unpadded floor-mode ATen pooling produce at least `out`
/// windows, of which the first `out` are the result.
struct PoolDim {
  int64_t out, begin, end;
};
} // namespace

/// The dialect's output size (lib/Dialect/ShapeInference.cpp,
/// windowOutputSize): ONNX's, where with ceil_mode a window never starts
/// inside the end padding.
static PoolDim poolDim(int64_t size, int64_t kernel, int64_t stride,
                       int64_t padBegin, int64_t padEnd, int64_t dilation,
                       bool ceilMode) {
  TORCH_CHECK(kernel >= 1 && stride >= 1 && dilation >= 1 && padBegin >= 0 &&
                  padEnd >= 0,
              "invalid pooling window: kernel ", kernel, ", stride ", stride,
              ", dilation ", dilation, ", pads ", padBegin, " and ", padEnd);
  int64_t padded = size + padBegin + padEnd;
  int64_t window = dilation * (kernel - 1) + 1;
  TORCH_CHECK(window <= padded, "pooling window of extent ", window,
              " does not fit the padded input extent ", padded);
  int64_t span = padded - window;
  int64_t out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + padBegin)
    --out;
  TORCH_CHECK(out >= 1, "pooling produces no output for input extent ", size);
  // The end padding may be less than the explicit one (floor mode leaves a
  // tail unused) or more (ceil mode's last window runs past it).
  int64_t needed = (out - 1) * stride + window;
  return {out, padBegin, std::max<int64_t>(needed - size - padBegin, 0)};
}

static std::pair<PoolDim, PoolDim> poolDims(const at::Tensor &x,
                                            const Pool2dParams &params) {
  checkCount(params.kernel, 2, "kernel_shape");
  checkCount(params.strides, 2, "strides");
  checkCount(params.pads, 4, "pads");
  checkCount(params.dilations, 2, "dilations");
  TORCH_CHECK(x.dim() == 4, "expected a rank-4 NCHW input, got rank ", x.dim());
  const std::vector<int64_t> &k = params.kernel, &s = params.strides,
                             &p = params.pads, &d = params.dilations;
  return {poolDim(x.size(2), k[0], s[0], p[0], p[2], d[0], params.ceilMode),
          poolDim(x.size(3), k[1], s[1], p[1], p[3], d[1], params.ceilMode)};
}

at::Tensor aten::maxPool2d(const at::Tensor &x, const Pool2dParams &params) {
  auto [h, w] = poolDims(x, params);
  // -inf never wins a maximum, so padding positions are ignored exactly as
  // ATen's own padding would ignore them (NaN inputs still propagate).
  at::Tensor padded =
      at::constant_pad_nd(x, {w.begin, w.end, h.begin, h.end},
                          -std::numeric_limits<double>::infinity());
  at::Tensor y = at::max_pool2d(padded, params.kernel, params.strides,
                                /*padding=*/{0, 0}, params.dilations,
                                /*ceil_mode=*/false);
  return y.narrow(2, 0, h.out).narrow(3, 0, w.out);
}

KernelResult kernels::maxPool2d(const Tensor &input,
                                const Pool2dParams &params) noexcept {
  return runKernel([&] { return aten::maxPool2d(unwrap(input), params); });
}

/// The sum of every window of `t`, zero-padded as `h` and `w` say.
static at::Tensor windowSums(const at::Tensor &t, const Pool2dParams &params,
                             const PoolDim &h, const PoolDim &w) {
  at::Tensor padded =
      at::constant_pad_nd(t, {w.begin, w.end, h.begin, h.end}, 0.0);
  at::Tensor sums = at::avg_pool2d(padded, params.kernel, params.strides,
                                   /*padding=*/{0, 0}, /*ceil_mode=*/false,
                                   /*count_include_pad=*/true,
                                   /*divisor_override=*/1);
  return sums.narrow(2, 0, h.out).narrow(3, 0, w.out);
}

at::Tensor aten::avgPool2d(const at::Tensor &x, const Pool2dParams &params) {
  TORCH_CHECK(params.dilations.empty() ||
                  params.dilations == std::vector<int64_t>({1, 1}),
              "average pooling has no dilations");
  Pool2dParams undilated = params;
  undilated.dilations = {1, 1};
  auto [h, w] = poolDims(x, undilated);
  at::Tensor sums = windowSums(x, undilated, h, w);
  // The divisor of each window is the sum of a mask over it: 1 on the
  // input, and with count_include_pad also on the explicit pads, but never
  // on the padding past them that only ceil mode's last window reaches.
  // This is PyTorch's divisor, so its AvgPool2d is reproduced exactly.
  at::Tensor mask = at::ones({1, 1, x.size(2), x.size(3)}, x.options());
  if (params.countIncludePad) {
    const std::vector<int64_t> &p = params.pads;
    mask = at::constant_pad_nd(mask, {p[1], p[3], p[0], p[2]}, 1.0);
    // The explicit end pads are now in the mask: `end` shrinks by them
    // (negative amounts crop explicit padding that no window reaches).
    PoolDim hRest = {h.out, 0, h.end - p[2]};
    PoolDim wRest = {w.out, 0, w.end - p[3]};
    return at::div(sums, windowSums(mask, undilated, hRest, wRest));
  }
  return at::div(sums, windowSums(mask, undilated, h, w));
}

at::Tensor aten::sumPool2d(const at::Tensor &x, const Pool2dParams &params) {
  Pool2dParams undilated = params;
  undilated.dilations = {1, 1};
  auto [h, w] = poolDims(x, undilated);
  return windowSums(x, undilated, h, w);
}

KernelResult kernels::avgPool2d(const Tensor &input,
                                const Pool2dParams &params) noexcept {
  return runKernel([&] { return aten::avgPool2d(unwrap(input), params); });
}

at::Tensor aten::globalAvgPool(const at::Tensor &x) {
  TORCH_CHECK(x.dim() == 4, "expected a rank-4 NCHW input, got rank ", x.dim());
  return at::adaptive_avg_pool2d(x, {1, 1});
}

KernelResult kernels::globalAvgPool(const Tensor &input) noexcept {
  return runKernel([&] { return aten::globalAvgPool(unwrap(input)); });
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

at::Tensor aten::flatten(const at::Tensor &x, int64_t axis) {
  int64_t rank = x.dim();
  TORCH_CHECK(axis >= -rank && axis <= rank, "flatten axis ", axis,
              " is out of range for rank ", rank);
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : inner) *= x.size(d);
  return x.reshape({outer, inner});
}

at::Tensor aten::slice(const at::Tensor &x, const std::vector<int64_t> &starts,
                       const std::vector<int64_t> &steps,
                       const std::vector<int64_t> &sizes) {
  TORCH_CHECK(static_cast<int64_t>(starts.size()) == x.dim() &&
                  steps.size() == starts.size() &&
                  sizes.size() == starts.size(),
              "slice of a rank-", x.dim(),
              " tensor needs as many starts, "
              "steps and sizes");
  at::Tensor y = x;
  for (int64_t d = 0; d < x.dim(); ++d) {
    int64_t start = starts[d], step = steps[d], size = sizes[d];
    if (size < 0)
      continue;
    int64_t last = start + (size - 1) * step;
    TORCH_CHECK(size > 0 && step != 0 && start >= 0 && start < x.size(d) &&
                    last >= 0 && last < x.size(d),
                "slice of dimension ", d, " reads outside the input");
    if (step > 0)
      y = y.slice(d, start, last + 1, step);
    else // ATen slices forwards only: take the window, then reverse it.
      y = y.slice(d, last, start + 1, -step).flip({d});
  }
  return y.contiguous();
}

KernelResult kernels::slice(const Tensor &input,
                            const std::vector<int64_t> &starts,
                            const std::vector<int64_t> &steps,
                            const std::vector<int64_t> &sizes) noexcept {
  return runKernel(
      [&] { return aten::slice(unwrap(input), starts, steps, sizes); });
}

at::Tensor aten::layerNorm(const at::Tensor &x, const at::Tensor &scale,
                           const c10::optional<at::Tensor> &bias, int64_t axis,
                           double epsilon) {
  int64_t rank = x.dim();
  TORCH_CHECK(axis >= -rank && axis < rank, "layer_norm axis ", axis,
              " is out of range for rank ", rank);
  if (axis < 0)
    axis += rank;
  return at::layer_norm(x, x.sizes().slice(axis), scale, bias, epsilon);
}

KernelResult kernels::layerNorm(const Tensor &input, const Tensor &scale,
                                const Tensor &bias, int64_t axis,
                                double epsilon) noexcept {
  return runKernel([&] {
    return aten::layerNorm(unwrap(input), unwrap(scale), unwrapOptional(bias),
                           axis, epsilon);
  });
}

at::Tensor aten::pad(const at::Tensor &x, const std::vector<int64_t> &pads,
                     const std::string &mode, double value) {
  int64_t rank = x.dim();
  TORCH_CHECK(static_cast<int64_t>(pads.size()) == 2 * rank, "pad of a rank-",
              rank, " tensor needs ", 2 * rank, " pads");
  if (mode == "constant") {
    // ATen lists (begin, end) pairs from the last dimension back.
    std::vector<int64_t> pairs;
    for (int64_t d = rank - 1; d >= 0; --d) {
      pairs.push_back(pads[d]);
      pairs.push_back(pads[d + rank]);
    }
    return at::constant_pad_nd(x, pairs, value);
  }
  TORCH_CHECK(mode == "reflect" || mode == "edge", "unknown pad mode ", mode);
  // Each padded dimension gathers its source positions: mirrored about the
  // end elements (reflect) or clamped to them (edge).
  at::Tensor y = x;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t before = pads[d], after = pads[d + rank], size = x.size(d);
    if (!before && !after)
      continue;
    TORCH_CHECK(mode == "edge" || (before < size && after < size),
                "reflect pads must be smaller than the dimension");
    at::Tensor index = at::empty({before + size + after}, at::kLong);
    int64_t *source = index.data_ptr<int64_t>();
    for (int64_t i = -before; i < size + after; ++i)
      source[i + before] =
          i < 0       ? (mode == "edge" ? 0 : -i)
          : i >= size ? (mode == "edge" ? size - 1 : 2 * (size - 1) - i)
                      : i;
    y = y.index_select(d, index);
  }
  return y;
}

KernelResult kernels::pad(const Tensor &input, const std::vector<int64_t> &pads,
                          const std::string &mode, double value) noexcept {
  return runKernel([&] { return aten::pad(unwrap(input), pads, mode, value); });
}

namespace {
/// Where one axis of a dfq.resize reads: per output position the input
/// positions of its taps (1 nearest, 2 linear, 4 cubic) and their weights.
struct ResizeAxis {
  std::vector<at::Tensor> index, weight;
};
} // namespace

/// The weights of the cubic convolution kernel of parameter `a` at the
/// distances 1 + r, r, 1 - r and 2 - r of the taps i - 1 .. i + 2 from x
/// (ONNX's reference, in its order of operations).
static std::array<double, 4> cubicWeights(double r, double a) {
  double s = 1.0 - r;
  return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
          ((a + 2) * r - (a + 3)) * r * r + 1,
          ((a + 2) * s - (a + 3)) * s * s + 1,
          ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a};
}

static ResizeAxis resizeAxis(int64_t in, int64_t out, double scale,
                             const std::string &mode,
                             const std::string &coordinateMode,
                             const std::string &nearestMode, double cubicCoeffA,
                             bool excludeOutside) {
  const int taps = mode == "nearest" ? 1 : mode == "linear" ? 2 : 4;
  ResizeAxis axis;
  std::vector<int64_t *> index;
  std::vector<float *> weight;
  for (int t = 0; t < taps; ++t) {
    axis.index.push_back(at::empty({out}, at::kLong));
    axis.weight.push_back(at::empty({out}, at::kFloat));
    index.push_back(axis.index.back().data_ptr<int64_t>());
    weight.push_back(axis.weight.back().data_ptr<float>());
  }
  for (int64_t o = 0; o < out; ++o) {
    // ONNX's reference uses the unrounded output length.
    double length = double(in) * scale, x;
    if (coordinateMode == "align_corners")
      x = length == 1.0 ? 0.0 : double(o) * double(in - 1) / (length - 1.0);
    else if (coordinateMode == "asymmetric")
      x = double(o) / scale;
    else if (coordinateMode == "pytorch_half_pixel" && length <= 1.0)
      x = 0.0;
    else
      x = (double(o) + 0.5) / scale - 0.5;
    if (mode == "nearest") {
      double r = nearestMode == "floor"               ? std::floor(x)
                 : nearestMode == "ceil"              ? std::ceil(x)
                 : nearestMode == "round_prefer_ceil" ? std::floor(x + 0.5)
                                                      : std::ceil(x - 0.5);
      index[0][o] = std::clamp<int64_t>(static_cast<int64_t>(r), 0, in - 1);
      weight[0][o] = 1.0f;
      continue;
    }
    if (mode == "linear") {
      x = std::clamp(x, 0.0, double(in - 1));
      index[0][o] = static_cast<int64_t>(std::floor(x));
      index[1][o] = std::min<int64_t>(index[0][o] + 1, in - 1);
      weight[1][o] = static_cast<float>(x - double(index[0][o]));
      weight[0][o] = 1.0f - weight[1][o];
      continue;
    }
    double i = std::floor(x), r = x - i;
    if (r == 0.0) {
      i -= 1.0;
      r = 1.0;
    }
    std::array<double, 4> w = cubicWeights(r, cubicCoeffA);
    double sum = 0.0;
    for (int t = 0; t < 4; ++t) {
      double at = i - 1.0 + t;
      if (excludeOutside && (at < 0.0 || at > double(in - 1)))
        w[t] = 0.0;
      sum += w[t];
    }
    for (int t = 0; t < 4; ++t) {
      double at = std::clamp(i - 1.0 + t, 0.0, double(in - 1));
      index[t][o] = static_cast<int64_t>(at);
      weight[t][o] = static_cast<float>(excludeOutside ? w[t] / sum : w[t]);
    }
  }
  return axis;
}

at::Tensor aten::resize(const at::Tensor &x, const std::vector<int64_t> &size,
                        const std::string &mode,
                        const std::string &coordinateMode,
                        const std::string &nearestMode,
                        const std::vector<double> &scales, double cubicCoeffA,
                        bool excludeOutside) {
  TORCH_CHECK(x.dim() == 4 && size.size() == 2 && scales.size() == 2,
              "resize takes NCHW and two sizes and scales");
  at::Tensor y = x;
  for (int64_t axis : {2, 3}) {
    ResizeAxis a =
        resizeAxis(x.size(axis), size[axis - 2], scales[axis - 2], mode,
                   coordinateMode, nearestMode, cubicCoeffA, excludeOutside);
    if (mode == "nearest") {
      y = y.index_select(axis, a.index[0]);
      continue;
    }
    // The taps' f32 products, summed in tap order.
    std::vector<int64_t> shape = {1, 1, 1, 1};
    shape[axis] = size[axis - 2];
    at::Tensor sum;
    for (size_t t = 0; t < a.index.size(); ++t) {
      at::Tensor product =
          at::mul(y.index_select(axis, a.index[t]), a.weight[t].reshape(shape));
      sum = t == 0 ? product : at::add(sum, product);
    }
    y = sum;
  }
  return y.contiguous();
}

KernelResult kernels::resize(const Tensor &input,
                             const std::vector<int64_t> &size,
                             const std::string &mode,
                             const std::string &coordinateMode,
                             const std::string &nearestMode,
                             const std::vector<double> &scales,
                             double cubicCoeffA, bool excludeOutside) noexcept {
  return runKernel([&] {
    return aten::resize(unwrap(input), size, mode, coordinateMode, nearestMode,
                        scales, cubicCoeffA, excludeOutside);
  });
}

at::Tensor aten::reduce(const at::Tensor &x, const std::string &function,
                        const std::vector<int64_t> &axes, bool keepdims) {
  if (function == "sum")
    return at::sum(x, axes, keepdims);
  if (function == "max")
    return at::amax(x, axes, keepdims);
  TORCH_CHECK(function == "mean", "unknown reduction ", function);
  return at::mean(x, axes, keepdims);
}

KernelResult kernels::reduce(const Tensor &input, const std::string &function,
                             const std::vector<int64_t> &axes,
                             bool keepdims) noexcept {
  return runKernel(
      [&] { return aten::reduce(unwrap(input), function, axes, keepdims); });
}

KernelResult kernels::flatten(const Tensor &input, int64_t axis) noexcept {
  return runKernel([&] { return aten::flatten(unwrap(input), axis); });
}

KernelResult kernels::reshape(const Tensor &input,
                              const std::vector<int64_t> &shape) noexcept {
  return runKernel([&] {
    for (int64_t d : shape)
      TORCH_CHECK(d >= 0, "reshape target has a negative dimension ", d);
    return unwrap(input).reshape(shape);
  });
}

KernelResult kernels::transpose(const Tensor &input,
                                const std::vector<int64_t> &perm) noexcept {
  return runKernel([&] { return unwrap(input).permute(perm); });
}

KernelResult kernels::concat(const std::vector<Tensor> &inputs,
                             int64_t axis) noexcept {
  return runKernel([&] {
    std::vector<at::Tensor> values;
    values.reserve(inputs.size());
    for (const Tensor &t : inputs)
      values.push_back(unwrap(t));
    return at::cat(values, axis);
  });
}
