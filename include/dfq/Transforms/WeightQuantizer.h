//===- WeightQuantizer.h - how dfq-quantize quantizes weights ---*- C++ -*-===//
//
// The decisions dfq-quantize makes about a layer's weights (their width, the
// granularity and symmetry the target leaves, the codes, scales and zero
// points), shared with the passes that must predict them exactly
// (dfq-correct-bias).
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TRANSFORMS_WEIGHTQUANTIZER_H
#define DFQ_TRANSFORMS_WEIGHTQUANTIZER_H

#include "dfq/Dialect/DfqOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Operation.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace mlir::dfq {

/// The width options of dfq-quantize, with whether each was given explicitly.
struct WidthOptions {
  int64_t wbits = 8, abits = 8, firstLastBits = 8;
  bool wbitsExplicit = false, abitsExplicit = false,
       firstLastBitsExplicit = false;
  bool perChannel = true, symmetric = true;
  bool perChannelExplicit = false, symmetricExplicit = false;
};

/// The width options of a pass that declares dfq-quantize's (`wbits`,
/// `abits`, `first-last-bits`, `per-channel`, `symmetric`), and which of
/// them were given: dfq-quantize and dfq-correct-bias read them alike.
template <typename IntOption, typename BoolOption>
WidthOptions readWidthOptions(const IntOption &wbits, const IntOption &abits,
                              const IntOption &firstLastBits,
                              const BoolOption &perChannel,
                              const BoolOption &symmetric) {
  WidthOptions widths;
  widths.wbits = wbits;
  widths.abits = abits;
  widths.firstLastBits = firstLastBits;
  widths.wbitsExplicit = wbits.hasValue();
  widths.abitsExplicit = abits.hasValue();
  widths.firstLastBitsExplicit = firstLastBits.hasValue();
  widths.perChannel = perChannel;
  widths.symmetric = symmetric;
  widths.perChannelExplicit = perChannel.hasValue();
  widths.symmetricExplicit = symmetric.hasValue();
  return widths;
}

/// What the function-wide options and the target leave for every layer's
/// weights.
struct WeightScheme {
  bool perChannel = true, symmetric = true, weightSigned = true, pow2 = false;
};

/// Checks the widths in `options` and combines their granularity and symmetry
/// with `target` (null: none). Errors are reported at `func`, prefixed with
/// `pass` ("dfq-quantize").
FailureOr<WeightScheme> resolveWeightScheme(func::FuncOp func,
                                            TargetAttr target,
                                            const WidthOptions &options,
                                            StringRef pass);

/// The layers dfq-quantize considers, in program order; the first and the
/// last are the edges that get `first-last-bits`.
SmallVector<Operation *> collectQuantizableLayers(func::FuncOp func);

/// The target's support for `layer`'s kind; null when there is no target or
/// the target does not run the kind (then `*leftFloat` is set).
LayerSupportAttr layerSupport(Operation *layer, TargetAttr target,
                              bool *leftFloat);

/// The weight and activation bits of `layer`: the options (first-last-bits
/// on an edge), overridden by `dfq.weight_bits` / `dfq.act_bits`, narrowed to
/// what `support` runs. Errors are reported at the layer.
struct LayerBits {
  int64_t weight, act;
};
FailureOr<LayerBits> decideLayerBits(Operation *layer, TargetAttr target,
                                     LayerSupportAttr support, bool isEdge,
                                     const WidthOptions &options,
                                     StringRef pass);

/// Quantized weights: codes (in int8 storage), one scale and zero point per
/// output channel (per-channel) or one in all, and the code range.
struct QuantizedWeights {
  std::vector<int8_t> codes;
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t qmin = 0, qmax = 0;
  int64_t groupSize = 0; // weights per scale

  /// The float value weight `i` stands for.
  double dequantized(size_t i) const {
    size_t group = i / groupSize;
    return scales[group] * double(int64_t(codes[i]) - zeroPoints[group]);
  }
};

/// Quantizes `weights` (the layer's weight, output channels on axis 0) to
/// `bits` bits as dfq-quantize does, honouring the layer's
/// `dfq.weight_grid`. Errors are reported at the layer, prefixed with `pass`.
FailureOr<QuantizedWeights>
quantizeLayerWeights(Operation *layer, ArrayRef<float> weights,
                     int64_t channels, int64_t bits, const WeightScheme &scheme,
                     TargetAttr target, StringRef pass);

} // namespace mlir::dfq

#endif // DFQ_TRANSFORMS_WEIGHTQUANTIZER_H
