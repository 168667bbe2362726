//===- TargetConstraints.cpp - checks of layers against a target ----------===//

#include "dfq/Dialect/TargetConstraints.h"
#include "dfq/Dialect/DfqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#include <cmath>
#include <cstdlib>

using namespace mlir;
using namespace mlir::dfq;

bool mlir::dfq::isPowerOfTwo(double value) {
  if (!(value > 0) || !std::isfinite(value))
    return false;
  int exponent;
  return std::frexp(value, &exponent) == 0.5;
}

int64_t mlir::dfq::accumulatorLimit(unsigned bits) {
  return (int64_t(1) << (bits - 1)) - 1;
}

namespace {
/// The quantization of one tensor, per tensor or per axis, flattened.
struct TensorQuant {
  unsigned bits;
  bool isSigned;
  int64_t qmin, qmax;
  bool perAxis;
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
};
} // namespace

static std::string joinBits(ArrayRef<int64_t> bits) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(bits, os);
  return text;
}

static std::optional<TensorQuant> getTensorQuant(Value value) {
  auto type = dyn_cast<ShapedType>(value.getType());
  if (!type)
    return std::nullopt;
  auto element = dyn_cast<quant::QuantizedType>(type.getElementType());
  if (!element)
    return std::nullopt;
  TensorQuant q{element.getStorageTypeIntegralWidth(),
                element.isSigned(),
                element.getStorageTypeMin(),
                element.getStorageTypeMax(),
                false,
                {},
                {}};
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(element)) {
    q.scales.push_back(perTensor.getScale());
    q.zeroPoints.push_back(perTensor.getZeroPoint());
  } else if (auto perAxis =
                 dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
    q.perAxis = true;
    q.scales.append(perAxis.getScales().begin(), perAxis.getScales().end());
    q.zeroPoints.append(perAxis.getZeroPoints().begin(),
                        perAxis.getZeroPoints().end());
  } else {
    return std::nullopt;
  }
  return q;
}

std::optional<int64_t> mlir::dfq::worstCaseAccumulator(Operation *qlayer) {
  if (!isa<QConv2DOp, QGemmOp>(qlayer))
    return std::nullopt;
  auto weight = qlayer->getOperand(1).getDefiningOp<QConstantOp>();
  std::optional<TensorQuant> x = getTensorQuant(qlayer->getOperand(0));
  std::optional<TensorQuant> w = getTensorQuant(qlayer->getOperand(1));
  if (!weight || !x || !w || x->zeroPoints.size() != 1)
    return std::nullopt;
  auto values = weight.getValue().tryGetValues<APInt>();
  if (!values)
    return std::nullopt;
  auto weightType = cast<ShapedType>(weight.getType());
  int64_t channels = weightType.getDimSize(0);
  if (channels <= 0)
    return std::nullopt;
  int64_t perChannel = weightType.getNumElements() / channels;
  int64_t zx = x->zeroPoints.front();
  int64_t maxInput = std::max(std::abs(x->qmin - zx), std::abs(x->qmax - zx));

  SmallVector<int64_t> biases;
  if (qlayer->getNumOperands() > 2) {
    DenseIntElementsAttr bias;
    if (auto constant =
            qlayer->getOperand(2).getDefiningOp<arith::ConstantOp>())
      bias = dyn_cast<DenseIntElementsAttr>(constant.getValue());
    if (!bias)
      return std::nullopt;
    for (const APInt &b : bias.getValues<APInt>())
      biases.push_back(b.getSExtValue());
  }

  int64_t worst = 0, sum = 0, index = 0;
  for (const APInt &raw : *values) {
    int64_t channel = index / perChannel;
    int64_t zw = w->zeroPoints[w->perAxis ? channel : 0];
    int64_t code =
        w->isSigned ? raw.getSExtValue() : int64_t(raw.getZExtValue());
    sum += std::abs(code - zw) * maxInput;
    if (++index % perChannel == 0) {
      if (!biases.empty())
        sum += std::abs(biases[channel]);
      worst = std::max(worst, sum);
      sum = 0;
    }
  }
  return worst;
}

unsigned mlir::dfq::checkLayerAgainstTarget(Operation *qlayer,
                                            TargetAttr target, StringRef pass) {
  unsigned violations = 0;
  auto error = [&]() -> InFlightDiagnostic {
    ++violations;
    return qlayer->emitError()
           << pass << ": target '" << target.getName() << "' ";
  };
  std::optional<LayerKind> kind = classifyLayer(qlayer);
  if (!kind)
    return 0;
  StringRef kindName = stringifyLayerKind(*kind);
  LayerSupportAttr support = target.getLayer(*kind);
  if (!support) {
    error() << "does not run " << kindName << " layers";
    return violations;
  }
  std::optional<TensorQuant> x = getTensorQuant(qlayer->getOperand(0));
  std::optional<TensorQuant> w = getTensorQuant(qlayer->getOperand(1));
  std::optional<TensorQuant> y = getTensorQuant(qlayer->getResult(0));
  if (!x || !w || !y) {
    error() << "cannot check a layer whose operands are not quantized";
    return violations;
  }

  if (!support.allowsWeightBits(w->bits))
    error() << "runs " << kindName << " layers with weight bits ["
            << joinBits(support.getWeightBits()) << "], not " << w->bits;
  if (w->isSigned != target.getWeightSigned())
    error() << "needs " << (target.getWeightSigned() ? "signed" : "unsigned")
            << " weights";
  if (w->perAxis && target.isPerTensorOnly())
    error() << "takes one weight scale per layer (weights = per_tensor), not "
            << w->scales.size() << " per-channel scales";
  if (target.getSymmetricWeights() &&
      llvm::any_of(w->zeroPoints, [](int64_t zp) { return zp != 0; }))
    error() << "needs symmetric weights (zero points 0)";

  for (auto [what, act] :
       {std::pair<StringRef, TensorQuant &>{"input", *x}, {"output", *y}}) {
    if (!support.allowsActBits(act.bits))
      error() << "runs " << kindName << " layers with activation bits ["
              << joinBits(support.getActBits()) << "], not " << act.bits
              << " (the " << what << ")";
    if (act.isSigned != target.getActSigned())
      error() << "needs " << (target.getActSigned() ? "signed" : "unsigned")
              << " activations (the " << what << ")";
    if (target.getSymmetricActs() && act.zeroPoints.front() != 0)
      error() << "needs symmetric activations (the " << what
              << " has zero point " << act.zeroPoints.front() << ")";
  }

  if (target.requiresPowerOfTwoScales()) {
    auto notPowerOfTwo = [](ArrayRef<double> scales) {
      return llvm::any_of(scales, [](double s) { return !isPowerOfTwo(s); });
    };
    for (auto [what, q] : {std::pair<StringRef, TensorQuant &>{"input", *x},
                           {"weight", *w},
                           {"output", *y}})
      if (notPowerOfTwo(q.scales))
        error() << "needs power-of-two scales (scales = pow2); the " << what
                << " has scale " << *llvm::find_if(q.scales, [](double s) {
                     return !isPowerOfTwo(s);
                   });
    auto multipliers = qlayer->getAttrOfType<DenseI32ArrayAttr>("multiplier");
    if (multipliers && llvm::any_of(multipliers.asArrayRef(), [](int32_t m) {
          return m <= 0 || (m & (m - 1)) != 0;
        }))
      error() << "requantizes by shifts only (scales = pow2); a multiplier "
                 "is not a power of two";
  }

  std::optional<int64_t> worst = worstCaseAccumulator(qlayer);
  int64_t limit = accumulatorLimit(target.getAccumulatorBits());
  if (!worst)
    error() << "cannot bound the layer's accumulator: its weights or bias "
               "are not available constants";
  else if (*worst > limit)
    error() << "has a " << target.getAccumulatorBits()
            << "-bit accumulator, which this layer's worst-case sum " << *worst
            << " does not fit (at most " << limit << "; it would "
            << (target.getSaturating() ? "saturate" : "wrap") << ")";
  return violations;
}
