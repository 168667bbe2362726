//===- SinkDequantize.cpp - keep activations quantized --------------------===//
//
// Moves dequantizations below ops that commute with them, so that those ops
// read codes instead of floats (see Passes.td for the rules and why each is
// exact).
//
//===----------------------------------------------------------------------===//

#include "dfq/Dialect/DfqOps.h"
#include "dfq/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cfloat>

namespace mlir::dfq {
#define GEN_PASS_DEF_SINKDEQUANTIZEPASS
#include "dfq/Transforms/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {

/// The per-tensor type of a dequantization to f32 with a normal positive
/// scale, or null.
quant::UniformQuantizedType sinkableType(DequantizeOp dequantize) {
  auto input = cast<RankedTensorType>(dequantize.getInput().getType());
  auto type = dyn_cast<quant::UniformQuantizedType>(input.getElementType());
  auto result = cast<RankedTensorType>(dequantize.getType());
  if (!type || !result.getElementType().isF32() ||
      !(type.getScale() >= FLT_MIN) || type.getScale() > FLT_MAX)
    return nullptr;
  return type;
}

/// max_pool2d(dequantize(q)) -> dequantize(max_pool2d(q)).
struct PoolCodes : public OpRewritePattern<MaxPool2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MaxPool2DOp pool,
                                PatternRewriter &rewriter) const override {
    auto dequantize = pool.getInput().getDefiningOp<DequantizeOp>();
    if (!dequantize || !sinkableType(dequantize))
      return rewriter.notifyMatchFailure(pool, "does not pool a dequantization");
    auto pooled = cast<MaxPool2DOp>(rewriter.clone(*pool));
    pooled.getInputMutable().assign(dequantize.getInput());
    pooled->removeAttr("dfq.range");
    auto floatType = cast<RankedTensorType>(pool.getType());
    pooled.getResult().setType(RankedTensorType::get(
        floatType.getShape(),
        cast<RankedTensorType>(dequantize.getInput().getType())
            .getElementType()));
    auto result = DequantizeOp::create(rewriter, pool.getLoc(), floatType,
                                       pooled.getResult());
    // The float range the calibration recorded is the result's still.
    if (Attribute range = pool->getAttr("dfq.range"))
      result->setAttr("dfq.range", range);
    rewriter.replaceOp(pool, result.getResult());
    return success();
  }
};

/// quantize(dequantize(q)) -> q when the quantization is into q's type.
struct RequantizeToSameType : public OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp quantize,
                                PatternRewriter &rewriter) const override {
    auto dequantize = quantize.getInput().getDefiningOp<DequantizeOp>();
    if (!dequantize || !sinkableType(dequantize) ||
        dequantize.getInput().getType() != quantize.getType())
      return rewriter.notifyMatchFailure(quantize, "not a round trip");
    rewriter.replaceOp(quantize, dequantize.getInput());
    return success();
  }
};

struct SinkDequantizePass
    : public mlir::dfq::impl::SinkDequantizePassBase<SinkDequantizePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<PoolCodes, RequantizeToSameType>(&getContext());
    GreedyRewriteConfig config;
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    config.enableConstantCSE(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      signalPassFailure();
  }
};

} // namespace
