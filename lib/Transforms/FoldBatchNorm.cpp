//===- FoldBatchNorm.cpp - fold dfq.batch_norm into its producer ----------===//

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

/// Values of a constant float tensor, widened to double, with the attribute
/// they came from.
struct ConstantTensor {
  ElementsAttr attr;
  SmallVector<double> values;
};

/// Reads `value` if it is defined by a constant with float data that is
/// present in the module (not elided). The reason for failure goes to `why`.
FailureOr<ConstantTensor> readConstant(Value value, StringRef name,
                                       std::string &why) {
  ElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr))) {
    why = (name + " is not a constant").str();
    return failure();
  }
  ConstantTensor result{attr, {}};
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data) {
      why = (name + " is a dense_resource whose data is not available").str();
      return failure();
    }
    result.values.assign(data->begin(), data->end());
    return result;
  }
  auto floats = attr.tryGetValues<APFloat>();
  if (!floats) {
    why = (name + " has no readable float data").str();
    return failure();
  }
  for (const APFloat &v : *floats)
    result.values.push_back(v.convertToDouble());
  return result;
}

/// A constant of `type` holding `values` rounded once to its element type.
/// A `dense_resource` original yields a new resource blob, named after
/// `blobName`, so that large weights stay out of the printed IR.
Value createConstant(OpBuilder &builder, Location loc, RankedTensorType type,
                     ArrayRef<double> values, ElementsAttr original,
                     StringRef blobName) {
  auto floatType = cast<FloatType>(type.getElementType());
  TypedAttr attr;
  if (isa<DenseResourceElementsAttr>(original) && floatType.isF32()) {
    SmallVector<float> data(values.begin(), values.end());
    attr = cast<TypedAttr>(DenseF32ResourceElementsAttr::get(
        type, blobName,
        HeapAsmResourceBlob::allocateAndCopyInferAlign<float>(data)));
  } else {
    SmallVector<APFloat> data;
    data.reserve(values.size());
    for (double v : values) {
      APFloat f(v);
      bool losesInfo = false;
      f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &losesInfo);
      data.push_back(f);
    }
    attr = DenseElementsAttr::get(type, data);
  }
  return arith::ConstantOp::create(builder, loc, type, attr);
}

struct FoldBatchNormPass
    : public dfq::impl::FoldBatchNormPassBase<FoldBatchNormPass> {
  using FoldBatchNormPassBase::FoldBatchNormPassBase;

  void runOnOperation() override {
    SmallVector<BatchNormOp> batchNorms;
    getOperation()->walk([&](BatchNormOp op) { batchNorms.push_back(op); });
    for (BatchNormOp op : batchNorms) {
      std::string why;
      if (failed(fold(op, why)))
        op.emitRemark("batch_norm not folded: ") << why;
    }
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
    auto w = readConstant(weight, "the weight", why);
    if (failed(w))
      return failure();
    FailureOr<ConstantTensor> b;
    if (bias && failed(b = readConstant(bias, "the bias", why)))
      return failure();
    auto scale = readConstant(bn.getScale(), "the scale", why);
    if (failed(scale))
      return failure();
    auto shift = readConstant(bn.getBias(), "the batch_norm bias", why);
    if (failed(shift))
      return failure();
    auto mean = readConstant(bn.getMean(), "the mean", why);
    if (failed(mean))
      return failure();
    auto variance = readConstant(bn.getVariance(), "the variance", why);
    if (failed(variance))
      return failure();

    auto weightType = cast<RankedTensorType>(weight.getType());
    int64_t channels = weightType.getDimSize(0);
    int64_t perChannel = weightType.getNumElements() / channels;
    double epsilon = bn.getEpsilon().convertToDouble();
    SmallVector<double> newWeight(w->values.size()), newBias(channels);
    for (int64_t o = 0; o < channels; ++o) {
      double k = scale->values[o] / std::sqrt(variance->values[o] + epsilon);
      for (int64_t i = 0; i < perChannel; ++i)
        newWeight[o * perChannel + i] = w->values[o * perChannel + i] * k;
      double oldBias = bias ? b->values[o] : 0.0;
      newBias[o] = (oldBias - mean->values[o]) * k + shift->values[o];
    }

    // Resource blobs are named after the weight's blob, e.g. `conv_w` gives
    // `conv_w_bn_folded` and `conv_w_bn_folded_bias`.
    std::string blobName = "bn_folded";
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(w->attr))
      blobName = (resource.getRawHandle().getKey() + "_bn_folded").str();
    std::string biasBlobName = blobName + "_bias";
    if (bias)
      if (auto resource = dyn_cast<DenseResourceElementsAttr>(b->attr))
        biasBlobName = (resource.getRawHandle().getKey() + "_bn_folded").str();

    OpBuilder builder(producer);
    auto biasType =
        RankedTensorType::get({channels}, weightType.getElementType());
    Value foldedWeight = createConstant(builder, weight.getLoc(), weightType,
                                        newWeight, w->attr, blobName);
    Value foldedBias =
        createConstant(builder, bias ? bias.getLoc() : bn.getLoc(), biasType,
                       newBias, bias ? b->attr : w->attr, biasBlobName);
    producer->setOperand(1, foldedWeight);
    if (bias)
      producer->setOperand(2, foldedBias);
    else
      producer->insertOperands(2, foldedBias);
    // The producer now computes the normalized value; keep the batch_norm's
    // location on it so diagnostics and reports still name the layer pair.
    producer->setLoc(FusedLoc::get(producer->getContext(),
                                   {producer->getLoc(), bn.getLoc()}));
    bn.getResult().replaceAllUsesWith(produced);
    SmallVector<Value> oldParams = {weight,        bias,
                                    bn.getScale(), bn.getBias(),
                                    bn.getMean(),  bn.getVariance()};
    bn.erase();
    for (Value v : oldParams)
      if (v && v.use_empty())
        if (Operation *def = v.getDefiningOp();
            def && isa<arith::ConstantOp>(def))
          def->erase();
    return success();
  }
};

} // namespace
