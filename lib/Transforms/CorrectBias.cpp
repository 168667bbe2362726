//===- CorrectBias.cpp - dfq-correct-bias ---------------------------------===//
//
// Data-free bias correction (Nagel et al., ICCV 2019, §4.2): subtracts the
// expected output error of the weight quantization, eps E[x], from each
// layer's bias, with E[x] derived from the preceding BatchNorm's statistics
// (dfq.bn_output, recorded by dfq-fold-bn).
//
//===----------------------------------------------------------------------===//

#include "dfq/Transforms/FloatConstants.h"

#include "dfq/Dialect/DfqOps.h"
#include "dfq/Transforms/Passes.h"
#include "dfq/Transforms/WeightQuantizer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>
#include <limits>

namespace mlir::dfq {
#define GEN_PASS_DEF_CORRECTBIASPASS
#include "dfq/Transforms/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {

double normalPdf(double t) {
  return std::exp(-0.5 * t * t) / std::sqrt(2.0 * M_PI);
}
double normalCdf(double t) { return 0.5 * std::erfc(-t / std::sqrt(2.0)); }

/// E[clamp(z, lo, hi)] for z ~ N(mu, sigma^2); lo, hi may be infinite.
double clippedNormalMean(double mu, double sigma, double lo, double hi) {
  if (!(sigma > 0))
    return std::clamp(mu, lo, hi);
  double mean = 0, inside = 1, density = 0;
  if (std::isfinite(lo)) {
    double alpha = (lo - mu) / sigma;
    mean += lo * normalCdf(alpha);
    inside -= normalCdf(alpha);
    density += normalPdf(alpha);
  }
  if (std::isfinite(hi)) {
    double beta = (hi - mu) / sigma;
    mean += hi * (1 - normalCdf(beta));
    inside -= 1 - normalCdf(beta);
    density -= normalPdf(beta);
  }
  return mean + mu * inside + sigma * density;
}

struct CorrectBiasPass
    : public dfq::impl::CorrectBiasPassBase<CorrectBiasPass> {
  using CorrectBiasPassBase::CorrectBiasPassBase;
  void runOnOperation() override;

  /// Per input channel of `layer`, the expected input; nothing when unknown.
  std::optional<SmallVector<double>> expectedInput(Operation *layer);
  LogicalResult correct(Operation *layer, bool isEdge);

  TargetAttr target;
  WidthOptions widths;
  WeightScheme scheme;
};

std::optional<SmallVector<double>>
CorrectBiasPass::expectedInput(Operation *layer) {
  Value input = layer->getOperand(0);
  Operation *def = input.getDefiningOp();
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  if (isa_and_nonnull<ReluOp>(def)) {
    lo = 0;
    def = def->getOperand(0).getDefiningOp();
  } else if (auto clip = dyn_cast_or_null<ClipOp>(def)) {
    lo = clip.getMin().convertToDouble();
    hi = clip.getMax().convertToDouble();
    def = def->getOperand(0).getDefiningOp();
  }
  if (!isa_and_nonnull<Conv2DOp, GemmOp>(def))
    return std::nullopt;
  auto stats = def->getAttrOfType<DictionaryAttr>("dfq.bn_output");
  if (!stats)
    return std::nullopt;
  auto mean = stats.getAs<DenseF64ArrayAttr>("mean");
  auto stdDev = stats.getAs<DenseF64ArrayAttr>("std");
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t channels = inputType.getDimSize(1);
  if (!mean || !stdDev || mean.size() != channels || stdDev.size() != channels)
    return std::nullopt;
  SmallVector<double> expected;
  for (int64_t c = 0; c < channels; ++c)
    expected.push_back(clippedNormalMean(mean[c], std::abs(stdDev[c]), lo, hi));
  return expected;
}

LogicalResult CorrectBiasPass::correct(Operation *layer, bool isEdge) {
  bool leftFloat;
  LayerSupportAttr support = layerSupport(layer, target, &leftFloat);
  if (leftFloat)
    return success(); // dfq-quantize leaves it in float: no error to correct
  std::optional<SmallVector<double>> expected = expectedInput(layer);
  if (!expected)
    return success();
  Value weight = layer->getOperand(1);
  Value bias = layer->getNumOperands() > 2 ? layer->getOperand(2) : Value();
  auto weightType = cast<RankedTensorType>(weight.getType());
  if (!weightType.getElementType().isF32())
    return success();
  std::string why;
  auto w = readFloatConstant(weight, "the weight", why);
  if (failed(w))
    return success();
  FailureOr<FloatConstant> b;
  if (bias && failed(b = readFloatConstant(bias, "the bias", why)))
    return success();

  FailureOr<LayerBits> bits = decideLayerBits(layer, target, support, isEdge,
                                              widths, "dfq-correct-bias");
  if (failed(bits))
    return failure();
  std::vector<float> weights(w->values.begin(), w->values.end());
  int64_t outChannels = weightType.getDimSize(0);
  FailureOr<QuantizedWeights> quantized =
      quantizeLayerWeights(layer, weights, outChannels, bits->weight, scheme,
                           target, "dfq-correct-bias");
  if (failed(quantized))
    return failure();

  // Which input channel each weight reads: conv [O, C/G, KH, KW] (group g
  // of output o reads channels g*C/G ...), gemm [O, K].
  int64_t inPerGroup = weightType.getDimSize(1);
  int64_t taps = weightType.getNumElements() / (outChannels * inPerGroup);
  int64_t outPerGroup = outChannels;
  if (auto conv = dyn_cast<Conv2DOp>(layer))
    outPerGroup = outChannels / conv.getGroups();
  SmallVector<double> newBias(outChannels);
  for (int64_t o = 0; o < outChannels; ++o) {
    int64_t firstChannel = (o / outPerGroup) * inPerGroup;
    double shift = 0;
    for (int64_t c = 0; c < inPerGroup; ++c)
      for (int64_t t = 0; t < taps; ++t) {
        size_t i = (o * inPerGroup + c) * taps + t;
        double eps = quantized->dequantized(i) - double(weights[i]);
        shift += eps * (*expected)[firstChannel + c];
      }
    newBias[o] = (bias ? b->values[o] : 0.0) - shift;
  }

  OpBuilder builder(layer);
  auto biasType =
      RankedTensorType::get({outChannels}, weightType.getElementType());
  ElementsAttr original = bias ? b->attr : w->attr;
  std::string blobName = bias ? derivedBlobName(b->attr, "bias_corrected")
                              : derivedBlobName(w->attr, "bias_corrected");
  Value corrected =
      createFloatConstant(builder, bias ? bias.getLoc() : layer->getLoc(),
                          biasType, newBias, original, blobName);
  if (bias) {
    layer->setOperand(2, corrected);
    if (Operation *def = bias.getDefiningOp();
        def && isa<arith::ConstantOp>(def) && bias.use_empty())
      def->erase();
  } else {
    layer->insertOperands(2, corrected);
  }
  return success();
}

void CorrectBiasPass::runOnOperation() {
  func::FuncOp func = getOperation();
  target = TargetAttr::lookup(func);
  widths = readWidthOptions(wbits, abits, firstLastBits, perChannel, symmetric);
  FailureOr<WeightScheme> resolved =
      resolveWeightScheme(func, target, widths, "dfq-correct-bias");
  if (failed(resolved))
    return signalPassFailure();
  scheme = *resolved;
  SmallVector<Operation *> layers = collectQuantizableLayers(func);
  for (auto [index, layer] : llvm::enumerate(layers)) {
    bool isEdge = index == 0 || index + 1 == layers.size();
    if (failed(correct(layer, isEdge)))
      return signalPassFailure();
  }
}

} // namespace
