//===- TorchKernels.h - ATen kernels of the reference interpreter -*- C++
//-*-===//
//
// One function per dfq float graph op, implemented on ATen in
// TorchEngine.cpp. This header is the wall between the two worlds: it uses
// only plain C++ types, so the interpreter (built without exceptions, with
// MLIR) can call kernels whose implementation needs exceptions and RTTI.
// Kernels never throw; an engine error comes back as a message.
//
// Attributes follow the dialect: NCHW activations, `pads` as
// [top, left, bottom, right], negative axes count from the back.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_LIB_RUNTIME_TORCHKERNELS_H
#define DFQ_LIB_RUNTIME_TORCHKERNELS_H

#include "dfq/Runtime/Tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::dfq::rt {

/// What a kernel produced: a contiguous f32 tensor, or (when `value` is null)
/// the engine's error message.
struct KernelResult {
  Tensor value;
  std::string error;

  bool ok() const { return !value.isNull(); }
};

struct Conv2dParams {
  std::vector<int64_t> strides;   // [sh, sw]
  std::vector<int64_t> pads;      // [top, left, bottom, right]
  std::vector<int64_t> dilations; // [dh, dw]
  int64_t groups = 1;
};

struct Pool2dParams {
  std::vector<int64_t> kernel;    // [kh, kw]
  std::vector<int64_t> strides;   // [sh, sw]
  std::vector<int64_t> pads;      // [top, left, bottom, right]
  std::vector<int64_t> dilations; // [dh, dw]; average pooling needs {1, 1}
  bool ceilMode = false;
  bool countIncludePad = false; // average pooling only
};

/// Quantization parameters of one tensor: one scale and zero point, or one
/// per slice along `axis`. Stored integers travel in f32 tensors, exact for
/// the 2..8-bit storage types dfq uses.
struct QuantParams {
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  int64_t axis = -1; // -1: per tensor
  int64_t qmin = 0, qmax = 255;
};

/// A quantized conv2d/gemm layer (docs/design.md, "Quantized conv2d / gemm").
struct QuantLayerParams {
  int64_t inputZeroPoint = 0;
  int64_t inputMin = 0, inputMax = 255;  // the input's storage range
  std::vector<int64_t> weightZeroPoints; // one, or one per output channel
  int64_t outputZeroPoint = 0;
  int64_t outputMin = 0, outputMax = 255;
  std::vector<int32_t> bias;                // empty: none
  std::vector<int32_t> multipliers, shifts; // one, or one per channel
  /// The f32 scales of the types, used only by simulated execution.
  double inputScale = 1;
  std::vector<double> weightScales; // one, or one per output channel
  /// Where the accumulation runs in f32: the boundaries 0 = b0 < ... < bn of
  /// the weight's input-channel axis (kernels::exactF32Slices) whose slices
  /// are summed in f32 each, exactly, and then added in f64. Empty: the
  /// whole layer accumulates in f64.
  std::vector<int64_t> f32Slices;
};

namespace kernels {

// A null `bias` means the layer has none.
KernelResult conv2d(const Tensor &input, const Tensor &weight,
                    const Tensor &bias, const Conv2dParams &params) noexcept;
KernelResult
convTranspose2d(const Tensor &input, const Tensor &weight, const Tensor &bias,
                const Conv2dParams &params,
                const std::vector<int64_t> &outputPadding) noexcept;
KernelResult batchNorm(const Tensor &input, const Tensor &scale,
                       const Tensor &bias, const Tensor &mean,
                       const Tensor &variance, double epsilon) noexcept;
/// `weight` is [O, K].
KernelResult gemm(const Tensor &input, const Tensor &weight,
                  const Tensor &bias) noexcept;
KernelResult matmul(const Tensor &lhs, const Tensor &rhs) noexcept;

KernelResult relu(const Tensor &input) noexcept;
/// Either bound may be infinite.
KernelResult clip(const Tensor &input, double min, double max) noexcept;
KernelResult add(const Tensor &lhs, const Tensor &rhs) noexcept;
KernelResult mul(const Tensor &lhs, const Tensor &rhs) noexcept;
KernelResult sub(const Tensor &lhs, const Tensor &rhs) noexcept;
KernelResult div(const Tensor &lhs, const Tensor &rhs) noexcept;
KernelResult sigmoid(const Tensor &input) noexcept;
KernelResult tanh(const Tensor &input) noexcept;
KernelResult erf(const Tensor &input) noexcept;
KernelResult sqrt(const Tensor &input) noexcept;
KernelResult hardSigmoid(const Tensor &input, float alpha, float beta) noexcept;
/// dfq.max, min and prelu, by mnemonic.
KernelResult binaryMath(const Tensor &lhs, const Tensor &rhs,
                        const std::string &function) noexcept;
/// dfq.abs, exp, log, softplus, leaky_relu and elu, by mnemonic.
KernelResult unaryMath(const Tensor &input, const std::string &function,
                       float alpha) noexcept;
KernelResult hardSwish(const Tensor &input) noexcept;
KernelResult softmax(const Tensor &input, int64_t axis) noexcept;

KernelResult maxPool2d(const Tensor &input,
                       const Pool2dParams &params) noexcept;
KernelResult avgPool2d(const Tensor &input,
                       const Pool2dParams &params) noexcept;
KernelResult globalAvgPool(const Tensor &input) noexcept;

KernelResult flatten(const Tensor &input, int64_t axis) noexcept;
/// `bias` may be a null tensor.
KernelResult layerNorm(const Tensor &input, const Tensor &scale,
                       const Tensor &bias, int64_t axis,
                       double epsilon) noexcept;
KernelResult pad(const Tensor &input, const std::vector<int64_t> &pads,
                 const std::string &mode, double value) noexcept;
KernelResult resize(const Tensor &input, const std::vector<int64_t> &size,
                    const std::string &mode, const std::string &coordinateMode,
                    const std::string &nearestMode,
                    const std::vector<double> &scales, double cubicCoeffA,
                    bool excludeOutside) noexcept;
KernelResult reduce(const Tensor &input, const std::string &function,
                    const std::vector<int64_t> &axes, bool keepdims) noexcept;
/// `shape` is fully static and holds as many elements as `input`.
KernelResult reshape(const Tensor &input,
                     const std::vector<int64_t> &shape) noexcept;
KernelResult transpose(const Tensor &input,
                       const std::vector<int64_t> &perm) noexcept;
KernelResult concat(const std::vector<Tensor> &inputs, int64_t axis) noexcept;
/// dfq.slice; a negative size takes the dimension whole.
KernelResult slice(const Tensor &input, const std::vector<int64_t> &starts,
                   const std::vector<int64_t> &steps,
                   const std::vector<int64_t> &sizes) noexcept;

// Quantized ops, bit-exact to the normative integer semantics.
KernelResult quantize(const Tensor &input, const QuantParams &params) noexcept;
KernelResult dequantize(const Tensor &input,
                        const QuantParams &params) noexcept;
/// Splits the weight's input-channel axis into the fewest consecutive slices
/// whose f32 accumulation is exact for this layer's weights and input range
/// (decided once per layer). A grouped convolution is not split: it gets one
/// slice or none. Empty when f64 must accumulate (and on any doubt).
std::vector<int64_t> exactF32Slices(const Tensor &weight,
                                    const QuantLayerParams &params,
                                    int64_t groups) noexcept;
KernelResult qconv2d(const Tensor &input, const Tensor &weight,
                     const Conv2dParams &conv,
                     const QuantLayerParams &params) noexcept;
/// `weight` is [O, K].
KernelResult qgemm(const Tensor &input, const Tensor &weight,
                   const QuantLayerParams &params) noexcept;
/// Integer average pooling (dfq.qavg_pool2d): window sums of x - zp_x,
/// requantized with `params`' one multiplier and shift (no bias, no weight).
KernelResult qavgPool2d(const Tensor &input, const Pool2dParams &pool,
                        const QuantLayerParams &params) noexcept;

// The same layers as fake quantization in real (f64) arithmetic, on the same
// stored integers in and out (docs/design.md, "Simulated quantization").
KernelResult qconv2dSimulated(const Tensor &input, const Tensor &weight,
                              const Conv2dParams &conv,
                              const QuantLayerParams &params) noexcept;
KernelResult qgemmSimulated(const Tensor &input, const Tensor &weight,
                            const QuantLayerParams &params) noexcept;
/// Average pooling in real arithmetic: the pooling's `1 / k` stands in
/// `params.weightScales` for the weight scale of a layer.
KernelResult qavgPool2dSimulated(const Tensor &input, const Pool2dParams &pool,
                                 const QuantLayerParams &params) noexcept;

} // namespace kernels

} // namespace mlir::dfq::rt

#endif // DFQ_LIB_RUNTIME_TORCHKERNELS_H
