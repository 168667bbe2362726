//===- CompensateMpc.cpp - dfq-compensate-mpc -----------------------------===//
//
// DF-MPC's pairing, low-bit weight grids and closed-form compensation; the
// rules are in Passes.td, the arithmetic in Support/Compensation.
//
//===----------------------------------------------------------------------===//

#include "dfq/Transforms/FloatConstants.h"

#include "dfq/Dialect/DfqOps.h"
#include "dfq/Support/Compensation.h"
#include "dfq/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

namespace mlir::dfq {
#define GEN_PASS_DEF_COMPENSATEMPCPASS
#include "dfq/Transforms/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {

/// A low-bit layer, the ops between it and its successor, and the successor.
struct Pair {
  Operation *low = nullptr;
  BatchNormOp batchNorm;
  Operation *activation = nullptr;
  Operation *successor = nullptr;
  /// ReLU, or a clip to [0, inf): scaling the BatchNorm equals scaling the
  /// successor's input channels, as the paper does.
  bool positivelyHomogeneous = false;
};

struct CompensateMpcPass
    : public mlir::dfq::impl::CompensateMpcPassBase<CompensateMpcPass> {
  using CompensateMpcPassBase::CompensateMpcPassBase;
  void runOnOperation() override;

  FailureOr<Pair> match(Operation *layer, std::string &why);
  LogicalResult apply(const Pair &pair, bool successorIsLast, std::string &why);
};

} // namespace

FailureOr<Pair> CompensateMpcPass::match(Operation *layer, std::string &why) {
  Pair pair;
  pair.low = layer;
  Value out = layer->getResult(0);
  if (!out.hasOneUse() || !isa<BatchNormOp>(*out.getUsers().begin())) {
    why = "its result does not feed exactly one dfq.batch_norm";
    return failure();
  }
  pair.batchNorm = cast<BatchNormOp>(*out.getUsers().begin());
  Value normalized = pair.batchNorm.getResult();
  if (!normalized.hasOneUse()) {
    why = "its batch_norm result has several users";
    return failure();
  }
  Operation *activation = *normalized.getUsers().begin();
  if (isa<AddOp>(activation)) {
    why = "a residual dfq.add lies between its batch_norm and the "
          "activation, so scaling the channel would also scale the shortcut";
    return failure();
  }
  if (isa<ReluOp>(activation)) {
    pair.positivelyHomogeneous = true;
  } else if (auto clip = dyn_cast<ClipOp>(activation)) {
    if (clip.getMin().convertToDouble() != 0.0) {
      why = llvm::formatv("its activation is a clip to [{0}, {1}], not a ReLU",
                          clip.getMin().convertToDouble(),
                          clip.getMax().convertToDouble());
      return failure();
    }
    pair.positivelyHomogeneous = std::isinf(clip.getMax().convertToDouble());
  } else {
    why = ("its batch_norm feeds '" + activation->getName().getStringRef() +
           "', not a ReLU")
              .str();
    return failure();
  }
  pair.activation = activation;
  Value activated = activation->getResult(0);
  if (!activated.hasOneUse()) {
    why = "its activation has several users; one successor must absorb the "
          "compensation";
    return failure();
  }
  Operation *successor = *activated.getUsers().begin();
  if (!isa<Conv2DOp, GemmOp>(successor)) {
    why = ("its activation feeds '" + successor->getName().getStringRef() +
           "', not a dfq.conv2d or dfq.gemm")
              .str();
    return failure();
  }
  pair.successor = successor;
  return pair;
}

LogicalResult CompensateMpcPass::apply(const Pair &pair, bool successorIsLast,
                                       std::string &why) {
  Operation *lowLayer = pair.low;
  BatchNormOp bn = pair.batchNorm;
  Value weight = lowLayer->getOperand(1);
  Value bias =
      lowLayer->getNumOperands() > 2 ? lowLayer->getOperand(2) : Value();
  FailureOr<FloatConstant> w = readFloatConstant(weight, "the weight", why);
  if (failed(w))
    return failure();
  FailureOr<FloatConstant> b;
  if (bias && failed(b = readFloatConstant(bias, "the bias", why)))
    return failure();
  FailureOr<FloatConstant> gamma =
      readFloatConstant(bn.getScale(), "the scale", why);
  if (failed(gamma))
    return failure();
  FailureOr<FloatConstant> beta =
      readFloatConstant(bn.getBias(), "the batch_norm bias", why);
  if (failed(beta))
    return failure();
  FailureOr<FloatConstant> mean =
      readFloatConstant(bn.getMean(), "the mean", why);
  if (failed(mean))
    return failure();
  FailureOr<FloatConstant> variance =
      readFloatConstant(bn.getVariance(), "the variance", why);
  if (failed(variance))
    return failure();

  std::vector<float> weights(w->values.begin(), w->values.end());
  LowBitWeights grid = low == 2 ? ternarize(weights)
                                : quantizeSymmetricPerLayer(weights, int(low));
  BatchNormParams params;
  params.gamma.assign(gamma->values.begin(), gamma->values.end());
  params.beta.assign(beta->values.begin(), beta->values.end());
  params.mean.assign(mean->values.begin(), mean->values.end());
  params.variance.assign(variance->values.begin(), variance->values.end());
  params.epsilon = bn.getEpsilon().convertToDouble();
  std::vector<double> biasValues;
  if (bias)
    biasValues.assign(b->values.begin(), b->values.end());

  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t channels = weightType.getDimSize(0);
  int64_t perChannel = weightType.getNumElements() / channels;
  std::vector<double> c(channels, 1.0);
  if (compensate)
    c = compensationCoefficients(weights, grid, biasValues, params, lambda1,
                                 lambda2);

  OpBuilder builder(lowLayer);
  SmallVector<double> gridWeights(weights.size());
  SmallVector<int64_t> gridMax(channels, 0);
  for (int64_t o = 0; o < channels; ++o)
    for (int64_t i = o * perChannel; i < (o + 1) * perChannel; ++i) {
      gridWeights[i] = grid.scale * grid.codes[i];
      gridMax[o] = std::max<int64_t>(gridMax[o], std::abs(grid.codes[i]));
    }
  lowLayer->setOperand(
      1, createFloatConstant(builder, weight.getLoc(), weightType, gridWeights,
                             w->attr, derivedBlobName(w->attr, "mpc_low")));
  if (compensate) {
    // c scales the pre-activation BN_l(X^), which is what the closed form
    // matches against BN_l(X). Behind a ReLU this is the paper's scaling of
    // the successor's input channels (c ReLU(u) = ReLU(c u) for c >= 0).
    SmallVector<double> newGamma(channels), newBeta(channels);
    for (int64_t o = 0; o < channels; ++o) {
      newGamma[o] = params.gamma[o] * c[o];
      newBeta[o] = params.beta[o] * c[o];
    }
    auto paramType = cast<RankedTensorType>(bn.getScale().getType());
    OpBuilder bnBuilder(bn);
    bn->setOperand(1, createFloatConstant(
                          bnBuilder, bn.getScale().getLoc(), paramType,
                          newGamma, gamma->attr,
                          derivedBlobName(gamma->attr, "mpc_compensated")));
    bn->setOperand(
        2, createFloatConstant(bnBuilder, bn.getBias().getLoc(), paramType,
                               newBeta, beta->attr,
                               derivedBlobName(beta->attr, "mpc_compensated")));
  }

  std::string lowName = getLayerName(lowLayer);
  std::string successorName = getLayerName(pair.successor);
  Builder attrs(&getContext());
  lowLayer->setAttr("dfq.weight_bits", attrs.getI64IntegerAttr(low));
  lowLayer->setAttr("dfq.weight_grid", attrs.getDenseI64ArrayAttr(gridMax));
  std::string quantizer = low == 2 ? "ternary (TWN)" : "3-bit per-layer";
  lowLayer->setAttr(
      "dfq.bits_reason",
      attrs.getStringAttr(llvm::formatv(
          "DF-MPC low-bit layer: {0} weights, {1} by '{2}' at {3} "
          "bits",
          quantizer, compensate ? "compensated" : "uncompensated",
          successorName, int64_t(high))));
  if (compensate)
    lowLayer->setAttr("dfq.mpc_compensation", attrs.getDenseF64ArrayAttr(c));
  // The network's last layer keeps the bits dfq-quantize gives edges.
  if (!successorIsLast)
    pair.successor->setAttr("dfq.weight_bits", attrs.getI64IntegerAttr(high));
  pair.successor->setAttr(
      "dfq.bits_reason",
      attrs.getStringAttr(llvm::formatv(
          "DF-MPC high-bit layer: {0} '{1}'",
          compensate ? "compensates" : "pairs with (uncompensated)", lowName)));

  auto [minC, maxC] = std::minmax_element(c.begin(), c.end());
  InFlightDiagnostic remark = lowLayer->emitRemark("DF-MPC pair: '")
                              << lowName << "' at " << int64_t(low) << " bits ("
                              << quantizer << "), '" << successorName << "' at "
                              << int64_t(high) << " bits; ";
  if (!compensate)
    remark << "compensation off";
  else
    remark << llvm::formatv(
        "c in [{0:F3}, {1:F3}], folded into the batch_norm{2}", *minC, *maxC,
        pair.positivelyHomogeneous
            ? ""
            : " (before a clip, which is not positively homogeneous: the "
              "pre-activation is what the closed form matches)");
  return success();
}

void CompensateMpcPass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (low != 2 && low != 3) {
    func.emitError("dfq-compensate-mpc: low must be 2 (ternary) or 3, got ")
        << int64_t(low);
    return signalPassFailure();
  }
  if (high <= low || high > 8) {
    func.emitError("dfq-compensate-mpc: high must lie in [")
        << int64_t(low) + 1 << ", 8], got " << int64_t(high);
    return signalPassFailure();
  }
  if (!(lambda1 >= 0) || !(lambda2 >= 0) || std::isinf(lambda1) ||
      std::isinf(lambda2)) {
    func.emitError("dfq-compensate-mpc: lambda1 and lambda2 must be finite "
                   "and not negative");
    return signalPassFailure();
  }

  SmallVector<Operation *> layers;
  func.walk([&](Operation *op) {
    if (isa<Conv2DOp, GemmOp>(op))
      layers.push_back(op);
  });
  llvm::DenseSet<Operation *> paired;
  for (auto [index, layer] : llvm::enumerate(layers)) {
    if (paired.contains(layer))
      continue; // the high-bit layer of the previous pair
    if (index == 0 || index + 1 == layers.size()) {
      layer->emitRemark("DF-MPC skips '")
          << getLayerName(layer) << "': it is the "
          << (index == 0 ? "first" : "last") << " layer";
      continue;
    }
    std::string why;
    FailureOr<Pair> pair = match(layer, why);
    if (succeeded(pair) &&
        failed(apply(*pair, pair->successor == layers.back(), why)))
      pair = failure();
    if (failed(pair)) {
      layer->emitRemark("DF-MPC skips '")
          << getLayerName(layer) << "': " << why;
      continue;
    }
    paired.insert(layer);
    paired.insert(pair->successor);
  }
  // Weights and parameters that were replaced.
  func.walk([](arith::ConstantOp constant) {
    if (constant->use_empty())
      constant->erase();
  });
}
