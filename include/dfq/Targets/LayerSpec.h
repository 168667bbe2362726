//===- LayerSpec.h - one quantized layer, as every backend sees it -*- C++
//-*-===//
//
// What the host compiler reads off a dfq.qconv2d or dfq.qgemm once and hands
// to the backend that generates its kernel: the geometry, the integer
// parameters of docs/design.md's semantics, and the residual epilogue the
// host decided to compute in the kernel. Backends add their own schedule
// (x86::LayerKernelSpec) but never re-derive these fields from the IR.
//
// Plain C++ (no MLIR types), so that kernel generators built with other
// compilers' flags (Halide: RTTI and exceptions) can include it.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TARGETS_LAYERSPEC_H
#define DFQ_TARGETS_LAYERSPEC_H

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mlir::dfq {

/// The tail of a residual block, computed in a layer kernel's epilogue
/// (what dfq-lower-to-kernels records as `fused`): the requantized output q
/// is dequantized, a residual of the output's shape is added, a ReLU or
/// clip applied, and the float result y written and/or quantized. Every
/// step is in f32 exactly as the reference interpreter computes
/// dfq.dequantize, dfq.add, dfq.relu / dfq.clip and dfq.quantize, so the
/// outputs are bit-identical to the unfused ops'. The layer's own output
/// is not written.
struct ResidualEpilogue {
  enum class Residual {
    /// No epilogue: the kernel writes the requantized output.
    None,
    /// An f32 activation, NHWC.
    Float,
    /// A u8 activation, NHWC, dequantized as (r - zeroPoint) * scale.
    Quantized,
  };
  Residual residual = Residual::None;
  /// The layer output's dequantization: (q - outputZeroPoint) * outputScale.
  float outputScale = 1.0f;
  float residualScale = 1.0f;
  int32_t residualZeroPoint = 0;
  enum class Activation { None, Relu, Clip };
  Activation activation = Activation::None;
  /// Clip bounds (already rounded to f32, as the interpreter rounds them).
  float clipMin = 0.0f, clipMax = 0.0f;
  /// Whether y itself (f32, NHWC) is an output.
  bool floatOutput = false;
  /// u8 outputs clamp(round_half_even(y / scale) + zeroPoint, min, max),
  /// NaN to clamp(zeroPoint).
  struct Quantization {
    float scale = 1.0f;
    int32_t zeroPoint = 0, min = 0, max = 255;
  };
  std::vector<Quantization> quantizedOutputs;

  bool enabled() const { return residual != Residual::None; }
  /// The kernel's output buffers: y first (when floatOutput), then the
  /// quantizations in order.
  size_t outputCount() const {
    return (floatOutput ? 1 : 0) + quantizedOutputs.size();
  }
};

/// The shape of a quantized convolution or gemm; a gemm has w = kh = kw =
/// outW = 1, c = its reduction depth k and h = outH = its rows per sample
/// (1 for [N, K], the product of the middle dimensions for [N, ..., K]).
struct LayerGeometry {
  int64_t c = 0, h = 1, w = 1, o = 0, kh = 1, kw = 1, outH = 1, outW = 1;
  int64_t strideH = 1, strideW = 1, padTop = 0, padLeft = 0;
  int64_t dilationH = 1, dilationW = 1, groups = 1;

  /// Sets outH and outW from the input extent, kernel, strides, dilations
  /// and pads (top and left here, bottom and right given); false when the
  /// dilated kernel does not fit the padded input.
  bool setOutputExtent(int64_t padBottom, int64_t padRight) {
    int64_t spanH = dilationH * (kh - 1) + 1, spanW = dilationW * (kw - 1) + 1;
    if (h + padTop + padBottom < spanH || w + padLeft + padRight < spanW)
      return false;
    outH = (h + padTop + padBottom - spanH) / strideH + 1;
    outW = (w + padLeft + padRight - spanW) / strideW + 1;
    return true;
  }
};

/// A quantized convolution or gemm with everything known at compile time.
/// Activations are NHWC, one value per byte (a gemm is the 1x1 case: input
/// [n][k], output [n][o]); weights are [o][c/groups][kh][kw] (gemm: [o][k])
/// as the IR stores them.
struct LayerSpec : LayerGeometry {
  /// The layer's name (dfq.layer_name, else the op's location).
  std::string layerName;
  /// The symbol of the generated kernel (a C identifier).
  std::string symbol;
  bool isGemm = false;
  /// Storage of the weights (2..8 bits).
  int weightBits = 8;
  bool weightsSigned = true;
  /// Storage of the activations (2..8 bits, one per byte).
  int activationBits = 8;
  bool inputSigned = false, outputSigned = false;
  /// [o][c/groups][kh][kw] weight codes.
  std::vector<int32_t> weights;
  /// One entry per output channel each (per-tensor parameters repeated).
  std::vector<int32_t> bias, multiplier, shift, weightZeroPoint;
  int32_t inputZeroPoint = 0, outputZeroPoint = 0;
  int32_t outputMin = 0, outputMax = 255;
  /// A residual epilogue replaces the quantized output by its outputs.
  ResidualEpilogue epilogue;
};

/// What every kernel generator checks before it trusts `spec`: a symbol;
/// positive extents; groups dividing both channel counts; positive strides
/// and dilations, non-negative pads; widths in [2, 8]; as many weights as
/// the shape needs and one per-channel parameter per output channel;
/// weight codes inside their width (signed or not); shifts in [0, 62],
/// multipliers of at least 1; a non-empty output range. False with
/// `error` set at the first violation.
/// With checkResidualEpilogue's checks of its epilogue.
bool checkLayerSpec(const LayerSpec &spec, std::string &error);

/// What every generator of residual epilogues checks: finite positive
/// scales, u8 zero points and ranges, clip bounds in order, 1 to 4 outputs.
/// True for no epilogue.
inline bool checkResidualEpilogue(const ResidualEpilogue &e,
                                  std::string &error) {
  auto positiveScale = [](float scale) {
    return std::isfinite(scale) && scale > 0.0f;
  };
  const char *message = nullptr;
  if (!e.enabled())
    return true;
  if (!positiveScale(e.outputScale) ||
      (e.residual == ResidualEpilogue::Residual::Quantized &&
       (!positiveScale(e.residualScale) || e.residualZeroPoint < 0 ||
        e.residualZeroPoint > 255)))
    message = "the residual epilogue's dequantizations need finite positive "
              "scales and u8 zero points";
  else if (e.activation == ResidualEpilogue::Activation::Clip &&
           !(e.clipMin <= e.clipMax))
    message = "the residual epilogue's clip has min > max";
  else if (e.outputCount() == 0 || e.outputCount() > 4)
    message = "a residual epilogue has 1 to 4 outputs (the float result and "
              "up to 4 quantizations)";
  for (const ResidualEpilogue::Quantization &q : e.quantizedOutputs)
    if (!message && (!positiveScale(q.scale) || q.min < 0 || q.min > q.max ||
                     q.max > 255 || q.zeroPoint < 0 || q.zeroPoint > 255))
      message = "the residual epilogue's quantizations need finite positive "
                "scales and ranges and zero points within [0, 255]";
  if (message)
    error = message;
  return message == nullptr;
}

} // namespace mlir::dfq

#endif // DFQ_TARGETS_LAYERSPEC_H
