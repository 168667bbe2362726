//===- Quantize.cpp - dfq-quantize ----------------------------------------===//
//
// Turns calibrated conv2d/gemm layers into integer layers: quantized weights
// (dfq.qconstant), int32 bias, a quantized input and a requantized output.
// Everything else stays float and sees dequantized values.
//
//===----------------------------------------------------------------------===//

#include "dfq/Dialect/DfqOps.h"
#include "dfq/Dialect/TargetConstraints.h"
#include "dfq/Support/Requantization.h"
#include "dfq/Transforms/Passes.h"
#include "dfq/Transforms/WeightQuantizer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <limits>

namespace mlir::dfq {
#define GEN_PASS_DEF_QUANTIZEPASS
#include "dfq/Transforms/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {

/// The f32 data of a constant operand, or nothing.
std::optional<std::vector<float>> readConstant(Value value) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(constant.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return std::nullopt;
  if (auto dense = dyn_cast<DenseFPElementsAttr>(constant.getValue())) {
    std::vector<float> data;
    for (APFloat v : dense.getValues<APFloat>())
      data.push_back(v.convertToFloat());
    return data;
  }
  if (auto resource =
          dyn_cast<DenseF32ResourceElementsAttr>(constant.getValue()))
    if (std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef())
      return std::vector<float>(data->begin(), data->end());
  return std::nullopt;
}

/// The recorded range of `value`: on its defining op, or on the function
/// argument.
std::optional<std::pair<double, double>> getRange(Value value) {
  DenseF64ArrayAttr attr;
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      attr = func.getArgAttrOfType<DenseF64ArrayAttr>(arg.getArgNumber(),
                                                      "dfq.range");
  } else {
    attr = value.getDefiningOp()->getAttrOfType<DenseF64ArrayAttr>("dfq.range");
  }
  if (!attr || attr.size() != 2)
    return std::nullopt;
  return std::make_pair(attr[0], attr[1]);
}

/// Whether `value` leaves the function, directly or through a softmax.
bool isNetworkOutput(Value value) {
  if (value.use_empty())
    return false;
  for (Operation *user : value.getUsers()) {
    if (isa<func::ReturnOp>(user))
      continue;
    if (isa<SoftmaxOp>(user) &&
        llvm::all_of(user->getUsers(),
                     [](Operation *u) { return isa<func::ReturnOp>(u); }))
      continue;
    return false;
  }
  return true;
}

struct QuantizePass : public mlir::dfq::impl::QuantizePassBase<QuantizePass> {
  using QuantizePassBase::QuantizePassBase;
  void runOnOperation() override;

  QParamsAttr activationParams(std::pair<double, double> range, int64_t bits);
  LogicalResult quantizeLayer(Operation *layer, bool isEdge);
  FailureOr<Value> quantizedInput(Operation *layer, Value input,
                                  QParamsAttr params);

  RangeSource source = RangeSource::Unknown;
  Observer observer = Observer::None;
  /// The module's target description (null: no constraints) and the weight
  /// granularity and symmetry it leaves.
  TargetAttr target;
  WidthOptions widths;
  WeightScheme scheme;
};

} // namespace

QParamsAttr QuantizePass::activationParams(std::pair<double, double> range,
                                           int64_t bits) {
  // The grid must hold 0 exactly: padding and ReLU produce it.
  double lo = std::min(range.first, 0.0), hi = std::max(range.second, 0.0);
  bool isSigned = target && target.getActSigned();
  bool isSymmetric = target && target.getSymmetricActs();
  double qmin = isSigned ? -std::ldexp(1.0, bits - 1) : 0.0;
  double qmax =
      isSigned ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
  double scale =
      isSymmetric ? std::max(-lo, hi) / qmax : (hi - lo) / (qmax - qmin);
  if (!(scale > 0) || !std::isfinite(scale))
    scale = 1.0; // an all-zero activation: any scale represents it
  // Without data at hand, the smallest power of two that clips nothing.
  if (target && target.requiresPowerOfTwoScales())
    scale = std::ldexp(1.0, int(std::ceil(std::log2(scale))));
  int64_t zeroPoint =
      isSymmetric ? 0
                  : static_cast<int64_t>(std::clamp(
                        qmin + std::nearbyint(-lo / scale), qmin, qmax));
  Builder b(&getContext());
  return QParamsAttr::get(
      &getContext(), bits, isSigned,
      isSymmetric ? QuantScheme::Symmetric : QuantScheme::Asymmetric,
      std::nullopt, b.getDenseF64ArrayAttr({scale}),
      b.getDenseI64ArrayAttr({zeroPoint}), b.getF64FloatAttr(range.first),
      b.getF64FloatAttr(range.second), source, observer);
}

FailureOr<Value> QuantizePass::quantizedInput(Operation *layer, Value input,
                                              QParamsAttr params) {
  auto floatType = cast<RankedTensorType>(input.getType());
  auto qType = RankedTensorType::get(
      floatType.getShape(),
      params.getQuantizedElementType(floatType.getElementType()));
  // A previous layer's output already quantized with these parameters is
  // used as it is: the layers then exchange integers.
  if (auto dequantize = input.getDefiningOp<DequantizeOp>())
    if (dequantize.getInput().getType() == qType)
      return dequantize.getInput();
  OpBuilder builder(layer);
  return QuantizeOp::create(builder, layer->getLoc(), qType, input, params)
      .getResult();
}

LogicalResult QuantizePass::quantizeLayer(Operation *layer, bool isEdge) {
  bool leftFloat;
  LayerSupportAttr support = layerSupport(layer, target, &leftFloat);
  if (leftFloat) {
    layer->emitRemark("dfq-quantize: left in float, to run on the host: "
                      "target '")
        << target.getName() << "' does not run "
        << stringifyLayerKind(*classifyLayer(layer)) << " layers";
    return success();
  }
  FailureOr<LayerBits> bits =
      decideLayerBits(layer, target, support, isEdge, widths, "dfq-quantize");
  if (failed(bits))
    return failure();
  int64_t wBits = bits->weight, aBits = bits->act;
  bool perChannel = scheme.perChannel, symmetric = scheme.symmetric;
  bool weightSigned = scheme.weightSigned;
  bool pow2 = scheme.pow2;
  Value input = layer->getOperand(0), weight = layer->getOperand(1);
  Value bias = layer->getNumOperands() > 2 ? layer->getOperand(2) : Value();

  std::optional<std::vector<float>> weights = readConstant(weight);
  if (!weights)
    return layer->emitError("dfq-quantize: the weight is not a constant with "
                            "available f32 data");
  std::optional<std::vector<float>> biases;
  if (bias && !(biases = readConstant(bias)))
    return layer->emitError("dfq-quantize: the bias is not a constant with "
                            "available f32 data");

  // A ReLU or Clip that is the only user is part of the layer: its range is
  // the output range, and requantization's saturation applies it.
  Value output = layer->getResult(0);
  Operation *activation = nullptr;
  bool keepFloatOutput = !quantizeOutput && isNetworkOutput(output);
  if (output.hasOneUse() && !keepFloatOutput) {
    Operation *user = *output.getUsers().begin();
    if (isa<ReluOp, ClipOp>(user)) {
      activation = user;
      output = user->getResult(0);
    }
  }
  std::optional<std::pair<double, double>> inRange = getRange(input);
  if (auto dequantize = input.getDefiningOp<DequantizeOp>();
      !inRange && dequantize)
    inRange = getRange(dequantize.getResult());
  std::optional<std::pair<double, double>> outRange = getRange(output);
  if (keepFloatOutput && !outRange)
    outRange = std::make_pair(0.0, 0.0); // unused: the output stays float
  if (!inRange || !outRange)
    return layer->emitError("dfq-quantize: no dfq.range on the layer's ")
           << (inRange ? "output" : "input")
           << "; run dfq-calibrate-ranges first";

  QParamsAttr inParams = activationParams(*inRange, aBits);
  QParamsAttr outParams = activationParams(*outRange, aBits);
  double sIn = inParams.getScales()[0], sOut = outParams.getScales()[0];

  // Weights: signed symmetric, per output channel (axis 0) or per tensor.
  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t channels = weightType.getDimSize(0);
  FailureOr<QuantizedWeights> quantized = quantizeLayerWeights(
      layer, *weights, channels, wBits, scheme, target, "dfq-quantize");
  if (failed(quantized))
    return failure();
  ArrayRef<double> wScales = quantized->scales;
  ArrayRef<int64_t> wZeroPoints = quantized->zeroPoints;
  const std::vector<int8_t> &wInts = quantized->codes;

  Builder b(&getContext());
  std::optional<int64_t> axis;
  if (perChannel)
    axis = 0;
  auto wParams = QParamsAttr::get(
      &getContext(), wBits, weightSigned,
      symmetric ? QuantScheme::Symmetric : QuantScheme::Asymmetric, axis,
      b.getDenseF64ArrayAttr(wScales), b.getDenseI64ArrayAttr(wZeroPoints),
      FloatAttr(), FloatAttr(), RangeSource::Weights, Observer::MinMax);
  auto wQType = RankedTensorType::get(
      weightType.getShape(), wParams.getQuantizedElementType(b.getF32Type()));
  auto storageType =
      RankedTensorType::get(weightType.getShape(), b.getIntegerType(8));
  auto wValue = DenseElementsAttr::get(storageType, ArrayRef<int8_t>(wInts));

  // Bias in int32 at scale_x * scale_w[o]; requantization per channel.
  SmallVector<int32_t> multipliers, shifts;
  std::vector<int32_t> biasInts;
  for (int64_t o = 0; o < channels; ++o) {
    double sW = wScales[perChannel ? o : 0];
    if (biases) {
      double q = std::nearbyint((*biases)[o] / (sIn * sW));
      biasInts.push_back(static_cast<int32_t>(
          std::clamp(q, double(std::numeric_limits<int32_t>::min()),
                     double(std::numeric_limits<int32_t>::max()))));
    }
    if (!perChannel && o > 0)
      continue;
    std::optional<FixedPointMultiplier> m =
        pow2 ? encodeShiftMultiplier(sIn * sW / sOut)
             : encodeMultiplier(sIn * sW / sOut);
    if (!m)
      return layer->emitError("dfq-quantize: the requantization scale ")
             << sIn * sW / sOut << " of output channel " << o
             << " cannot be encoded as a fixed-point multiplier";
    multipliers.push_back(m->multiplier);
    shifts.push_back(m->shift);
  }

  FailureOr<Value> qInput = quantizedInput(layer, input, inParams);
  if (failed(qInput))
    return failure();
  OpBuilder builder(layer);
  Location loc = layer->getLoc();
  Value qWeight =
      QConstantOp::create(builder, loc, wQType, wValue, wParams).getResult();
  if (keepFloatOutput) {
    // The float op on the dequantized input and weights; the bias stays
    // float.
    auto inputDequantize = input.getDefiningOp<DequantizeOp>();
    Value x = inputDequantize && inputDequantize.getInput() == *qInput
                  ? input
                  : DequantizeOp::create(builder, loc, input.getType(), *qInput)
                        .getResult();
    Value w = DequantizeOp::create(builder, loc, weight.getType(), qWeight);
    layer->setOperand(0, x);
    layer->setOperand(1, w);
    return success();
  }
  Value qBias;
  if (biases)
    qBias = arith::ConstantOp::create(
        builder, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({channels}, b.getI32Type()),
            ArrayRef<int32_t>(biasInts)));
  auto outFloatType = cast<RankedTensorType>(output.getType());
  auto outQType = RankedTensorType::get(
      outFloatType.getShape(),
      outParams.getQuantizedElementType(outFloatType.getElementType()));
  SmallVector<Value> operands = {*qInput, qWeight};
  if (qBias)
    operands.push_back(qBias);
  Operation *qLayer;
  if (auto conv = dyn_cast<Conv2DOp>(layer)) {
    qLayer = QConv2DOp::create(builder, loc, outQType, *qInput, qWeight, qBias,
                               conv.getStrides(), conv.getPads(),
                               conv.getDilations(), conv.getGroups(),
                               builder.getDenseI32ArrayAttr(multipliers),
                               builder.getDenseI32ArrayAttr(shifts));
  } else {
    qLayer = QGemmOp::create(builder, loc, outQType, *qInput, qWeight, qBias,
                             builder.getDenseI32ArrayAttr(multipliers),
                             builder.getDenseI32ArrayAttr(shifts));
  }
  qLayer->setAttr("dfq.output_params", outParams);
  // The same check dfq-verify-target runs: what this pass produces for a
  // target, the target runs (the accumulator bound is only known now).
  if (target && checkLayerAgainstTarget(qLayer, target, "dfq-quantize"))
    return failure();
  // Why the layer has its bits, for reports.
  for (StringRef name :
       {"dfq.bits_reason", "dfq.mpc_compensation", "dfq.sensitivity"})
    if (Attribute attr = layer->getAttr(name))
      qLayer->setAttr(name, attr);
  auto dequantize =
      DequantizeOp::create(builder, loc, outFloatType, qLayer->getResult(0));
  // Later layers find their input range on the dequantized value.
  dequantize->setAttr(
      "dfq.range", b.getDenseF64ArrayAttr({outRange->first, outRange->second}));
  output.replaceAllUsesWith(dequantize.getResult());
  if (activation)
    activation->erase();
  layer->erase();
  return success();
}

void QuantizePass::runOnOperation() {
  func::FuncOp func = getOperation();
  target = TargetAttr::lookup(func);
  widths = readWidthOptions(wbits, abits, firstLastBits, perChannel, symmetric);
  FailureOr<WeightScheme> resolved =
      resolveWeightScheme(func, target, widths, "dfq-quantize");
  if (failed(resolved))
    return signalPassFailure();
  scheme = *resolved;
  if (auto module = func->getParentOfType<ModuleOp>()) {
    if (auto attr = module->getAttrOfType<StringAttr>("dfq.range_source"))
      source =
          symbolizeRangeSource(attr.getValue()).value_or(RangeSource::Unknown);
    if (auto attr = module->getAttrOfType<StringAttr>("dfq.range_observer"))
      observer = symbolizeObserver(attr.getValue()).value_or(Observer::None);
  }

  SmallVector<Operation *> layers;
  bool failedBN = false;
  func.walk([&](Operation *op) {
    if (isa<BatchNormOp>(op)) {
      op->emitError("dfq-quantize: dfq.batch_norm must be folded first "
                    "(dfq-fold-bn)");
      failedBN = true;
    }
    if (isa<Conv2DOp, GemmOp>(op))
      layers.push_back(op);
  });
  if (failedBN)
    return signalPassFailure();
  for (auto [index, layer] : llvm::enumerate(layers)) {
    bool isEdge = index == 0 || index + 1 == layers.size();
    if (failed(quantizeLayer(layer, isEdge)))
      return signalPassFailure();
  }
  // The float weights the layers no longer use.
  func.walk([](arith::ConstantOp constant) {
    if (constant->use_empty())
      constant->erase();
  });
  // The BatchNorm statistics dfq-fold-bn recorded are read before
  // quantization only (dfq-correct-bias); a layer left float keeps no copy.
  func.walk([](Operation *op) { op->removeAttr("dfq.bn_output"); });
}
