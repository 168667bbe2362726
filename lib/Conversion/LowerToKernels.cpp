//===- LowerToKernels.cpp - schedules for the quantized layers ------------===//
//
// Decides, per dfq.qconv2d / dfq.qgemm, how a target computes it and records
// the decision as a `dfq.kernel` dictionary (see Passes.td); refuses, at the
// op, what the target cannot run.
//
//===----------------------------------------------------------------------===//

#include "dfq/Conversion/Passes.h"
#include "dfq/Conversion/ResidualChain.h"
#include "dfq/Dialect/DfqOps.h"
#include "dfq/Support/CudaTiles.h"
#include "dfq/Support/KernelTiles.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"

#include <algorithm>
#include <cctype>

namespace mlir::dfq {
#define GEN_PASS_DEF_LOWERTOKERNELSPASS
#include "dfq/Conversion/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {

/// The storage of a quantized tensor type, or null.
quant::QuantizedType quantizedElement(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor ? dyn_cast<quant::QuantizedType>(tensor.getElementType())
                : nullptr;
}

/// Activations must be per tensor, one value per byte: the kernels read one
/// zero point. x86 kernels read them unsigned (u8 x s8 dot products).
LogicalResult checkActivation(Operation *op, Value value, StringRef what,
                              bool unsignedOnly) {
  quant::QuantizedType element = quantizedElement(value.getType());
  if (!element)
    return op->emitOpError() << what << " must be a quantized tensor";
  if (element.getStorageTypeIntegralWidth() > 8)
    return op->emitOpError()
           << what << " is stored in " << element.getStorageTypeIntegralWidth()
           << " bits; kernels take at most 8";
  if (unsignedOnly && element.isSigned())
    return op->emitOpError()
           << what << " has signed storage (" << element.getStorageType()
           << "); the target's kernels take unsigned activations";
  if (!isa<quant::UniformQuantizedType>(element))
    return op->emitOpError()
           << what << " is quantized per channel; kernels take "
           << "activations quantized per tensor";
  return success();
}

/// A C identifier made of the layer name.
std::string symbolFor(int64_t index, Operation *op) {
  std::string symbol = "dfq_kernel_" + std::to_string(index) + "_";
  for (char c : getLayerName(op))
    symbol += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return symbol.substr(0, 96);
}

struct LowerToKernelsPass
    : public mlir::dfq::impl::LowerToKernelsPassBase<LowerToKernelsPass> {
  using LowerToKernelsPassBase::LowerToKernelsPassBase;

  void runOnOperation() override {
    if (target != "x86-avx512-vnni" && target != "x86-avx2" && target != "c" &&
        target != "cuda-sm80" && target != "cuda-sm90") {
      emitError(getOperation().getLoc())
          << "dfq-lower-to-kernels: unknown target '" << target
          << "' (expected x86-avx512-vnni, x86-avx2, c, cuda-sm80 or "
             "cuda-sm90)";
      return signalPassFailure();
    }
    bool failed = false;
    int64_t index = 0;
    getOperation().walk([&](Operation *op) {
      // A float gemm (the layer computing the network output keeps a float
      // output after dfq-quantize) and a product of two activations
      // (attention) run on the host in float.
      if (isa<Conv2DOp, BatchNormOp>(op)) {
        op->emitOpError() << "is not quantized; the " << target
                          << " target runs quantized layers only (run "
                          << "dfq-fold-bn and dfq-quantize first)";
        failed = true;
        return;
      }
      for (Value result : op->getResults())
        if (auto type = dyn_cast<RankedTensorType>(result.getType());
            type && type.getRank() > 0 &&
            type.getNumDynamicDims() > (type.isDynamicDim(0) ? 1 : 0)) {
          op->emitOpError() << "has a result of type " << type
                            << " that is dynamic beyond its leading (batch) "
                            << "dimension; the " << target
                            << " target plans memory statically";
          failed = true;
          return;
        }
      if (auto conv = dyn_cast<QConv2DOp>(op)) {
        if (!conv.getChannelsLast()) {
          op->emitOpError() << "is not channels-last; the " << target
                            << " kernels read NHWC activations (run "
                            << "dfq-convert-layouts first)";
          failed = true;
          return;
        }
        failed |= ::failed(lower(op, conv.getInput(), conv.getWeight(),
                                 conv.getGroups(), index++));
      } else if (auto gemm = dyn_cast<QGemmOp>(op))
        failed |=
            ::failed(lower(op, gemm.getInput(), gemm.getWeight(), 1, index++));
    });
    if (failed)
      signalPassFailure();
  }

  LogicalResult lower(Operation *op, Value input, Value weight, int64_t groups,
                      int64_t index) {
    bool portable = target == "c";
    if (failed(checkActivation(op, input, "input", !portable)) ||
        failed(checkActivation(op, op->getResult(0), "result", !portable)))
      return failure();
    quant::QuantizedType w = quantizedElement(weight.getType());
    if (!w || (!portable && !w.isSigned()))
      return op->emitOpError() << "weight must have signed storage for the "
                               << target << " kernels (u8 x s8 dot products)";
    if (portable)
      return lowerPortable(op, groups, index);
    if (StringRef(target).starts_with("cuda-"))
      return lowerCuda(op, weight, groups, index);
    auto weightType = cast<RankedTensorType>(weight.getType());
    int64_t channels = weightType.getDimSize(0);
    auto conv = dyn_cast<QConv2DOp>(op);
    // A gemm over [N, ..., K] is a 1x1 convolution of one column of
    // rows-per-sample pixels.
    ArrayRef<int64_t> inputShape =
        cast<RankedTensorType>(input.getType()).getShape();
    int64_t inChannels = conv ? conv.getInputShapeNchw()[1] : inputShape.back();
    SmallVector<int64_t, 4> outShape =
        conv ? conv.getResultShapeNchw() : SmallVector<int64_t, 4>{};
    int64_t gemmRows = 1;
    for (int64_t d : inputShape.drop_front().drop_back())
      gemmRows *= d;
    KernelTiles choice = chooseKernelTiles(
        channels, inChannels, groups, conv ? outShape[2] : gemmRows,
        conv ? outShape[3] : 1, target == "x86-avx512-vnni");
    std::optional<KernelKind> kind = symbolizeKernelKind(choice.kind);
    assert(kind && "chooseKernelTiles names a kernel kind");
    ArrayAttr fused = fusedResidualChain(op);
    PixelTiles pixelTiles =
        conv && choice.rowTiles && *kind != KernelKind::Grouped
            ? PixelTiles::Row
            : PixelTiles::Image;
    // Weights stored one per byte, the input one activation per byte.
    TileOrder outerTiles = TileOrder::Pixels;
    if (conv &&
        preferChannelTilesOuter(
            choice, outShape[2] * outShape[3], weightType.getNumElements(),
            ShapedType::getNumElements(
                ArrayRef<int64_t>(conv.getInputShapeNchw()).drop_front())))
      outerTiles = TileOrder::Channels;
    auto schedule = X86KernelAttr::get(
        op->getContext(),
        target == "x86-avx2" ? X86Isa::Avx2 : X86Isa::Avx512Vnni,
        symbolFor(index, op), *kind, choice.channels, choice.pixels, pixelTiles,
        outerTiles, choice.parallel, fused);
    op->setAttr(kKernelAttrName, schedule);
    return success();
  }

  /// With `fuse-residuals`, the float tail of the residual block that
  /// follows `op` (which joins the kernel's epilogue), by op names; null
  /// when there is none.
  ArrayAttr fusedResidualChain(Operation *op) {
    std::optional<ResidualChain> chain;
    if (!fuseResiduals || !(chain = matchResidualChain(op)))
      return {};
    Builder b(op->getContext());
    SmallVector<Attribute> names;
    for (Operation *tail : chain->fusedOps())
      names.push_back(b.getStringAttr(tail->getName().getStringRef()));
    return b.getArrayAttr(names);
  }

  /// CUDA kernels: tensor-core implicit GEMMs (or CUDA-core depthwise
  /// loops) whose block tile chooseCudaTiles picks under the target's
  /// shared memory; weights must be symmetric (the kernels fold the input
  /// zero point into the bias but have no per-pixel input sums).
  LogicalResult lowerCuda(Operation *op, Value weight, int64_t groups,
                          int64_t index) {
    if (auto w = dyn_cast<quant::UniformQuantizedPerAxisType>(
            quantizedElement(weight.getType())))
      for (int64_t zeroPoint : w.getZeroPoints()) {
        if (zeroPoint != 0)
          return op->emitOpError()
                 << "has a weight zero point of " << zeroPoint << "; the "
                 << target << " kernels take symmetric weights";
      }
    else if (auto w = dyn_cast<quant::UniformQuantizedType>(
                 quantizedElement(weight.getType()));
             w && w.getZeroPoint() != 0)
      return op->emitOpError()
             << "has a weight zero point of " << w.getZeroPoint() << "; the "
             << target << " kernels take symmetric weights";
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(weight.getType()).getShape();
    auto conv = dyn_cast<QConv2DOp>(op);
    int64_t inChannels = conv ? conv.getInputShapeNchw()[1] : shape[1];
    int64_t kh = conv ? shape[2] : 1, kw = conv ? shape[3] : 1;
    TargetAttr description = TargetAttr::lookup(op);
    int64_t sharedBytes = description && description.getBufferBytes() > 0
                              ? description.getBufferBytes()
                              : 48 * 1024;
    CudaTiles tiles =
        chooseCudaTiles(shape[0], inChannels, groups, kh, kw, sharedBytes);
    std::optional<KernelKind> kind = symbolizeKernelKind(tiles.kind);
    assert(kind && "chooseCudaTiles names a kernel kind");
    int64_t sm = target == "cuda-sm80" ? 80 : 90;
    op->setAttr(kKernelAttrName,
                CudaKernelAttr::get(op->getContext(), sm, symbolFor(index, op),
                                    *kind, tiles.tileM, tiles.tileN,
                                    tiles.tileK, tiles.warpsM, tiles.warpsN,
                                    tiles.stages, fusedResidualChain(op)));
    return success();
  }

  /// The portable C backend's kernels are plain loop nests: nothing to
  /// tile, and residual chains stay on the host.
  LogicalResult lowerPortable(Operation *op, int64_t groups, int64_t index) {
    auto weightShape =
        cast<RankedTensorType>(op->getOperand(1).getType()).getShape();
    int64_t inChannels =
        isa<QConv2DOp>(op) ? cast<QConv2DOp>(op).getInputShapeNchw()[1] : 0;
    KernelKind kind = groups == 1 ? KernelKind::Dense
                      : groups == weightShape[0] && groups == inChannels
                          ? KernelKind::Depthwise
                          : KernelKind::Grouped;
    op->setAttr(kKernelAttrName,
                CKernelAttr::get(op->getContext(), symbolFor(index, op), kind));
    return success();
  }
};

} // namespace
