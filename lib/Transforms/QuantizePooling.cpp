//===- QuantizePooling.cpp - average pooling on the codes -----------------===//
//
// Rewrites a float average pooling between a dequantization and a
// quantization into dfq.qavg_pool2d, which sums the codes and requantizes
// them in integer arithmetic (see Passes.td for the conditions and what
// changes).
//
//===----------------------------------------------------------------------===//

#include "dfq/Dialect/DfqOps.h"
#include "dfq/Support/Requantization.h"
#include "dfq/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cfloat>

namespace mlir::dfq {
#define GEN_PASS_DEF_QUANTIZEPOOLINGPASS
#include "dfq/Transforms/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {

/// The window of an average pooling that qavg_pool2d computes exactly as
/// the float op divides: every window has kernel_h * kernel_w positions in
/// the divisor.
struct Window {
  SmallVector<int64_t, 2> kernel, strides;
  SmallVector<int64_t, 4> pads;
};

/// The pooling's window when its divisor is the same for every window, or
/// nullopt.
std::optional<Window> constantDivisorWindow(Operation *pool) {
  if (auto global = dyn_cast<GlobalAvgPoolOp>(pool)) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(global.getInput().getType()).getShape();
    if (ShapedType::isDynamic(shape[2]) || ShapedType::isDynamic(shape[3]))
      return std::nullopt;
    return Window{{shape[2], shape[3]}, {1, 1}, {0, 0, 0, 0}};
  }
  auto avg = dyn_cast<AvgPool2DOp>(pool);
  if (!avg)
    return std::nullopt;
  Window window{SmallVector<int64_t, 2>(avg.getKernelShape()),
                SmallVector<int64_t, 2>(avg.getStrides()),
                SmallVector<int64_t, 4>(avg.getPads())};
  // Without count_include_pad, windows over the padding divide by fewer
  // positions.
  if (!avg.getCountIncludePad() &&
      llvm::any_of(window.pads, [](int64_t p) { return p != 0; }))
    return std::nullopt;
  // Ceil mode's last window may reach past the end padding, where neither
  // form counts positions: only when it adds no window is it the same op.
  if (avg.getCeilMode()) {
    ArrayRef<int64_t> in =
        cast<RankedTensorType>(avg.getInput().getType()).getShape();
    ArrayRef<int64_t> out = cast<RankedTensorType>(avg.getType()).getShape();
    for (int i = 0; i < 2; ++i) {
      if (ShapedType::isDynamic(in[2 + i]) || ShapedType::isDynamic(out[2 + i]))
        return std::nullopt;
      int64_t padded = in[2 + i] + window.pads[i] + window.pads[2 + i];
      if ((padded - window.kernel[i]) / window.strides[i] + 1 != out[2 + i])
        return std::nullopt;
    }
  }
  return window;
}

/// quantize(view*(avg_pool(dequantize(q)))) -> view*(qavg_pool2d(q)), where
/// view* is a chain of flattens and reshapes, each read only by the next.
struct PoolCodes : public OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp quantize,
                                PatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<quant::UniformQuantizedType>(
        cast<RankedTensorType>(quantize.getType()).getElementType());
    if (!resultType)
      return rewriter.notifyMatchFailure(quantize, "not per tensor");
    // Up through the views to the pooling.
    SmallVector<Operation *> views;
    Operation *pool = quantize.getInput().getDefiningOp();
    while (pool && isa<FlattenOp, ReshapeOp>(pool) &&
           pool->getResult(0).hasOneUse()) {
      views.push_back(pool);
      pool = pool->getOperand(0).getDefiningOp();
    }
    if (!pool || !pool->getResult(0).hasOneUse())
      return rewriter.notifyMatchFailure(quantize, "no pooling read only here");
    std::optional<Window> window = constantDivisorWindow(pool);
    if (!window)
      return rewriter.notifyMatchFailure(pool, "divisor varies by window");
    auto dequantize = pool->getOperand(0).getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return rewriter.notifyMatchFailure(pool, "does not pool codes");
    auto codes = cast<RankedTensorType>(dequantize.getInput().getType());
    auto inputType =
        dyn_cast<quant::UniformQuantizedType>(codes.getElementType());
    if (!inputType ||
        !cast<RankedTensorType>(dequantize.getType()).getElementType().isF32())
      return rewriter.notifyMatchFailure(pool, "not f32 codes per tensor");
    int64_t positions = window->kernel[0] * window->kernel[1];
    double real =
        inputType.getScale() / (double(positions) * resultType.getScale());
    std::optional<FixedPointMultiplier> multiplier = encodeMultiplier(real);
    if (!multiplier || !(inputType.getScale() >= FLT_MIN))
      return rewriter.notifyMatchFailure(pool, "scales out of range");

    auto pooledType = RankedTensorType::get(
        cast<RankedTensorType>(pool->getResult(0).getType()).getShape(),
        resultType);
    Value value =
        QAvgPool2DOp::create(
            rewriter, pool->getLoc(), pooledType, dequantize.getInput(),
            rewriter.getDenseI64ArrayAttr(window->kernel),
            rewriter.getDenseI64ArrayAttr(window->strides),
            rewriter.getDenseI64ArrayAttr(window->pads),
            rewriter.getI32IntegerAttr(multiplier->multiplier),
            rewriter.getI32IntegerAttr(multiplier->shift), UnitAttr())
            .getResult();
    for (Operation *view : llvm::reverse(views)) {
      Operation *moved = rewriter.clone(*view);
      moved->setOperand(0, value);
      moved->getResult(0).setType(RankedTensorType::get(
          cast<RankedTensorType>(view->getResult(0).getType()).getShape(),
          resultType));
      value = moved->getResult(0);
    }
    rewriter.replaceOp(quantize, value);
    return success();
  }
};

struct QuantizePoolingPass
    : public mlir::dfq::impl::QuantizePoolingPassBase<QuantizePoolingPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<PoolCodes>(&getContext());
    GreedyRewriteConfig config;
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    config.enableConstantCSE(false);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      signalPassFailure();
  }
};

} // namespace
