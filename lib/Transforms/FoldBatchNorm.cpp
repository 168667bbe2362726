//===- FoldBatchNorm.cpp - fold dfq.batch_norm into its producer ----------===//

#include "dfq/Transforms/FloatConstants.h"

#include "dfq/Dialect/DfqOps.h"
#include "dfq/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace mlir::dfq {
#define GEN_PASS_DEF_FOLDBATCHNORMPASS
#include "dfq/Transforms/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {

/// A batch_norm's constant parameters and its per-channel factor.
struct BatchNormConstants {
  FloatConstant scale, shift, mean, variance;
  double epsilon;

  /// scale[c] / sqrt(variance[c] + epsilon), in double.
  double factor(int64_t c) const {
    return scale.values[c] / std::sqrt(variance.values[c] + epsilon);
  }
};

/// Reads `bn`'s parameters, or says in `why` which one is not a constant.
FailureOr<BatchNormConstants> readBatchNorm(BatchNormOp bn, std::string &why) {
  auto scale = readFloatConstant(bn.getScale(), "the scale", why);
  if (failed(scale))
    return failure();
  auto shift = readFloatConstant(bn.getBias(), "the batch_norm bias", why);
  if (failed(shift))
    return failure();
  auto mean = readFloatConstant(bn.getMean(), "the mean", why);
  if (failed(mean))
    return failure();
  auto variance = readFloatConstant(bn.getVariance(), "the variance", why);
  if (failed(variance))
    return failure();
  return BatchNormConstants{*scale, *shift, *mean, *variance,
                            bn.getEpsilon().convertToDouble()};
}

/// Erases the batch_norm's parameter constants nothing else reads.
void eraseUnused(ArrayRef<Value> values) {
  for (Value v : values)
    if (v && v.use_empty())
      if (Operation *def = v.getDefiningOp();
          def && isa<arith::ConstantOp>(def))
        def->erase();
}

struct FoldBatchNormPass
    : public dfq::impl::FoldBatchNormPassBase<FoldBatchNormPass> {
  using FoldBatchNormPassBase::FoldBatchNormPassBase;

  void runOnOperation() override {
    SmallVector<BatchNormOp> batchNorms;
    getOperation()->walk([&](BatchNormOp op) { batchNorms.push_back(op); });
    for (BatchNormOp op : batchNorms) {
      std::string why;
      if (succeeded(fold(op, why)))
        continue;
      std::string constants;
      if (succeeded(toAffine(op, constants)))
        op.emitRemark("batch_norm not folded: ")
            << why << "; it is now a per-channel affine (dfq.mul, dfq.add)";
      else if (constants == why)
        op.emitRemark("batch_norm left in place: ") << why;
      else
        op.emitRemark("batch_norm left in place: ")
            << why << "; and as an affine: " << constants;
    }
  }

  /// Replaces `bn` by `x * k + (bias - mean * k)` per channel (axis 1), with
  /// k = scale / sqrt(variance + epsilon) computed in double and both
  /// constants rounded once, shaped [C, 1, ...] to broadcast over the
  /// input: the batch_norm's own inference arithmetic, as float ops the rest
  /// of the pipeline runs between quantized layers.
  LogicalResult toAffine(BatchNormOp bn, std::string &why) {
    FailureOr<BatchNormConstants> p = readBatchNorm(bn, why);
    if (failed(p))
      return failure();
    auto inputType = cast<RankedTensorType>(bn.getInput().getType());
    int64_t channels = p->scale.values.size();
    SmallVector<double> k(channels), offset(channels);
    for (int64_t c = 0; c < channels; ++c) {
      k[c] = p->factor(c);
      offset[c] = p->shift.values[c] - p->mean.values[c] * k[c];
    }
    SmallVector<int64_t> shape(std::max<int64_t>(inputType.getRank() - 1, 1),
                               1);
    shape[0] = channels;
    auto type = RankedTensorType::get(shape, inputType.getElementType());
    OpBuilder builder(bn);
    std::string blob = derivedBlobName(p->scale.attr, "affine");
    Value factor = createFloatConstant(builder, bn.getLoc(), type, k,
                                       p->scale.attr, blob + "_scale");
    Value addend = createFloatConstant(builder, bn.getLoc(), type, offset,
                                       p->scale.attr, blob + "_shift");
    Value scaled =
        MulOp::create(builder, bn.getLoc(), ValueRange{bn.getInput(), factor})
            .getResult();
    Value result =
        AddOp::create(builder, bn.getLoc(), ValueRange{scaled, addend})
            .getResult();
    bn.getResult().replaceAllUsesWith(result);
    SmallVector<Value> oldParams = {bn.getScale(), bn.getBias(), bn.getMean(),
                                    bn.getVariance()};
    bn.erase();
    eraseUnused(oldParams);
    return success();
  }

  /// Folds `bn` into its producer, or explains in `why` why it cannot.
  LogicalResult fold(BatchNormOp bn, std::string &why) {
    Operation *producer = bn.getInput().getDefiningOp();
    if (!producer || !isa<Conv2DOp, GemmOp>(producer)) {
      why = "its input is not produced by dfq.conv2d or dfq.gemm (it is ";
      why +=
          producer
              ? ("the result of '" + producer->getName().getStringRef() + "'")
                    .str()
              : std::string("a block argument");
      why += ")";
      return failure();
    }
    Value produced = producer->getResult(0);
    if (!produced.hasOneUse()) {
      why = ("the " + producer->getName().getStringRef() +
             " result has other users, which would see the normalized value")
                .str();
      return failure();
    }

    Value weight = producer->getOperand(1);
    Value bias =
        producer->getNumOperands() > 2 ? producer->getOperand(2) : Value();
    auto w = readFloatConstant(weight, "the weight", why);
    if (failed(w))
      return failure();
    FailureOr<FloatConstant> b;
    if (bias && failed(b = readFloatConstant(bias, "the bias", why)))
      return failure();
    FailureOr<BatchNormConstants> p = readBatchNorm(bn, why);
    if (failed(p))
      return failure();

    auto weightType = cast<RankedTensorType>(weight.getType());
    int64_t channels = weightType.getDimSize(0);
    int64_t perChannel = weightType.getNumElements() / channels;
    SmallVector<double> newWeight(w->values.size()), newBias(channels);
    for (int64_t o = 0; o < channels; ++o) {
      double k = p->factor(o);
      for (int64_t i = 0; i < perChannel; ++i)
        newWeight[o * perChannel + i] = w->values[o * perChannel + i] * k;
      double oldBias = bias ? b->values[o] : 0.0;
      newBias[o] = (oldBias - p->mean.values[o]) * k + p->shift.values[o];
    }

    // Resource blobs are named after the weight's blob, e.g. `conv_w` gives
    // `conv_w_bn_folded` and `conv_w_bn_folded_bias`.
    std::string blobName = derivedBlobName(w->attr, "bn_folded");
    std::string biasBlobName = bias && isa<DenseResourceElementsAttr>(b->attr)
                                   ? derivedBlobName(b->attr, "bn_folded")
                                   : blobName + "_bias";

    OpBuilder builder(producer);
    auto biasType =
        RankedTensorType::get({channels}, weightType.getElementType());
    Value foldedWeight = createFloatConstant(
        builder, weight.getLoc(), weightType, newWeight, w->attr, blobName);
    Value foldedBias = createFloatConstant(
        builder, bias ? bias.getLoc() : bn.getLoc(), biasType, newBias,
        bias ? b->attr : w->attr, biasBlobName);
    producer->setOperand(1, foldedWeight);
    if (bias)
      producer->setOperand(2, foldedBias);
    else
      producer->insertOperands(2, foldedBias);
    // The producer now computes the normalized value; keep the batch_norm's
    // location on it so diagnostics and reports still name the layer pair.
    producer->setLoc(FusedLoc::get(producer->getContext(),
                                   {producer->getLoc(), bn.getLoc()}));
    // The distribution the BatchNorm implies for its output, per channel:
    // N(beta, gamma^2), for dfq-correct-bias.
    SmallVector<double> absGamma;
    for (double g : p->scale.values)
      absGamma.push_back(std::abs(g));
    Builder attrs(producer->getContext());
    producer->setAttr(
        "dfq.bn_output",
        attrs.getDictionaryAttr(
            {attrs.getNamedAttr("mean",
                                attrs.getDenseF64ArrayAttr(p->shift.values)),
             attrs.getNamedAttr("std", attrs.getDenseF64ArrayAttr(absGamma))}));
    bn.getResult().replaceAllUsesWith(produced);
    SmallVector<Value> oldParams = {weight,        bias,
                                    bn.getScale(), bn.getBias(),
                                    bn.getMean(),  bn.getVariance()};
    bn.erase();
    eraseUnused(oldParams);
    return success();
  }
};

} // namespace
