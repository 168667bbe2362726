//===- TorchOps.h - ATen-level ops shared by the torch engines --*- C++ -*-===//
//
// The op semantics of the reference interpreter at the level of at::Tensor,
// for the other libtorch translation units (the calibration engine in
// lib/Calibration) that must execute graphs exactly as the interpreter does
// but under autograd. Only files built with dfq_enable_rtti_exceptions may
// include this header; everything else goes through TorchKernels.h.
//
// Unlike kernels::*, these functions throw (c10::Error, std::exception) and
// install no InferenceMode guard, so they record autograd graphs when their
// inputs require gradients. Implemented in TorchEngine.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_LIB_RUNTIME_TORCHOPS_H
#define DFQ_LIB_RUNTIME_TORCHOPS_H

#include "TorchKernels.h"

#include <ATen/core/Tensor.h>
#include <c10/core/InferenceMode.h>
#include <c10/util/Exception.h>
#include <c10/util/Optional.h>

namespace mlir::dfq::rt {

/// What a dfq::rt::Tensor holds (see dfq/Runtime/Tensor.h).
struct TensorStorage {
  at::Tensor value;
};

namespace aten {

/// Wraps an engine result (f32; made contiguous if it is not) without
/// copying contiguous data.
Tensor wrap(const at::Tensor &value);
/// The at::Tensor behind `tensor`; throws on a null tensor. Tensors made by
/// Tensor::fromF32 and the kernels are inference tensors: autograd may read
/// them but not save them for backward, so clone them first for that.
const at::Tensor &unwrap(const Tensor &tensor);

/// Asymmetric `pads` are applied by explicit zero padding.
at::Tensor conv2d(const at::Tensor &input, const at::Tensor &weight,
                  const c10::optional<at::Tensor> &bias,
                  const Conv2dParams &params);
/// dfq.conv_transpose2d; `outputPadding` is [h, w].
at::Tensor convTranspose2d(const at::Tensor &input, const at::Tensor &weight,
                           const c10::optional<at::Tensor> &bias,
                           const Conv2dParams &params,
                           const std::vector<int64_t> &outputPadding);
/// Inference-form BatchNorm (running statistics).
at::Tensor batchNorm(const at::Tensor &input, const at::Tensor &scale,
                     const at::Tensor &bias, const at::Tensor &mean,
                     const at::Tensor &variance, double epsilon);
/// Either bound may be infinite.
at::Tensor clip(const at::Tensor &input, double min, double max);
/// dfq.max, dfq.min and dfq.prelu by mnemonic.
at::Tensor binaryMath(const at::Tensor &lhs, const at::Tensor &rhs,
                      const std::string &function);
/// dfq.abs, dfq.exp, dfq.log, dfq.softplus, dfq.leaky_relu, dfq.elu and
/// dfq.pow by the op's mnemonic; `alpha` is LeakyRelu's and Elu's, or
/// Pow's exponent.
at::Tensor unaryMath(const at::Tensor &input, const std::string &function,
                     float alpha);
/// ONNX HardSigmoid / HardSwish in the input's type (dfq.hard_sigmoid).
at::Tensor hardSigmoid(const at::Tensor &input, float alpha, float beta);
at::Tensor hardSwish(const at::Tensor &input);
/// The dialect's (ONNX's) pooling: explicit -inf / zero padding, ceil_mode
/// and count_include_pad as lib/Dialect/ShapeInference.cpp defines them.
at::Tensor maxPool2d(const at::Tensor &input, const Pool2dParams &params);
at::Tensor avgPool2d(const at::Tensor &input, const Pool2dParams &params);
/// The sum over each of avgPool2d's windows, padding adding zeros.
at::Tensor sumPool2d(const at::Tensor &input, const Pool2dParams &params);
at::Tensor globalAvgPool(const at::Tensor &input);
/// ONNX Flatten: [prod(dims < axis), prod(dims >= axis)].
at::Tensor flatten(const at::Tensor &input, int64_t axis);
/// dfq.layer_norm over dimensions [axis, rank); `bias` may be undefined.
at::Tensor layerNorm(const at::Tensor &input, const at::Tensor &scale,
                     const c10::optional<at::Tensor> &bias, int64_t axis,
                     double epsilon);
/// dfq.pad: `pads` in ONNX order (all begins, then all ends), mode
/// "constant", "reflect" or "edge".
at::Tensor pad(const at::Tensor &input, const std::vector<int64_t> &pads,
               const std::string &mode, double value);
/// dfq.resize of NCHW to `size` [OH, OW] (the op's attributes by name).
at::Tensor resize(const at::Tensor &input, const std::vector<int64_t> &size,
                  const std::string &mode, const std::string &coordinateMode,
                  const std::string &nearestMode,
                  const std::vector<double> &scales, double cubicCoeffA,
                  bool excludeOutside);
/// dfq.reduce_mean, reduce_sum and reduce_max by `function` ("mean",
/// "sum", "max").
at::Tensor reduce(const at::Tensor &input, const std::string &function,
                  const std::vector<int64_t> &axes, bool keepdims);
/// dfq.slice: along dimension d, `sizes[d]` elements from `starts[d]`,
/// `steps[d]` apart (negative steps walk backwards); a negative size takes
/// the dimension whole (the batch).
at::Tensor slice(const at::Tensor &input, const std::vector<int64_t> &starts,
                 const std::vector<int64_t> &steps,
                 const std::vector<int64_t> &sizes);

/// Runs `body` (returning an at::Tensor) and turns whatever it throws into
/// an error message. InferenceMode skips autograd bookkeeping.
template <typename Body> KernelResult runKernel(Body &&body) noexcept {
  try {
    c10::InferenceMode guard;
    return KernelResult{wrap(body()), {}};
  } catch (const c10::Error &e) {
    return KernelResult{Tensor(), e.what_without_backtrace()};
  } catch (const std::exception &e) {
    return KernelResult{Tensor(), e.what()};
  } catch (...) {
    return KernelResult{Tensor(), "unknown engine error"};
  }
}

} // namespace aten

} // namespace mlir::dfq::rt

#endif // DFQ_LIB_RUNTIME_TORCHOPS_H
