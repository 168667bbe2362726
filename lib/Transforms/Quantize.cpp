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
  FailureOr<int64_t> chooseBits(Operation *layer, LayerSupportAttr support,
                                bool isWeight, int64_t requested,
                                bool isExplicit, StringRef source);
  FailureOr<Value> quantizedInput(Operation *layer, Value input,
                                  QParamsAttr params);

  RangeSource source = RangeSource::Unknown;
  Observer observer = Observer::None;
  /// The module's target description (null: no constraints) and the weight
  /// granularity and symmetry it leaves.
  TargetAttr target;
  bool layerPerChannel = true, layerSymmetric = true;
};

/// Among the powers of two around `scale` (the min-max scale of `values`),
/// the one whose symmetric quantization to [qmin, qmax] has the least squared
/// error: a smaller power clips the largest weights, a larger one rounds
/// the rest more coarsely, so the better one depends on the distribution.
double bestPowerOfTwoScale(ArrayRef<float> values, double scale, int64_t qmin,
                           int64_t qmax) {
  int ceiling = int(std::ceil(std::log2(scale)));
  double best = std::ldexp(1.0, ceiling), bestError = -1;
  for (int k = ceiling; k >= ceiling - 2; --k) {
    double candidate = std::ldexp(1.0, k), error = 0;
    for (float w : values) {
      double q = std::clamp(std::nearbyint(w / candidate), double(qmin),
                            double(qmax));
      error += (w - q * candidate) * (w - q * candidate);
    }
    if (bestError < 0 || error < bestError) {
      best = candidate;
      bestError = error;
    }
  }
  return best;
}

} // namespace

QParamsAttr QuantizePass::activationParams(std::pair<double, double> range,
                                           int64_t bits) {
  // The grid must hold 0 exactly: padding and ReLU produce it.
  double lo = std::min(range.first, 0.0), hi = std::max(range.second, 0.0);
  bool isSigned = target && target.getActSigned();
  bool isSymmetric = target && target.getSymmetricActs();
  double qmin = isSigned ? -std::ldexp(1.0, bits - 1) : 0.0;
  double qmax = isSigned ? std::ldexp(1.0, bits - 1) - 1
                         : std::ldexp(1.0, bits) - 1;
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

FailureOr<int64_t> QuantizePass::chooseBits(Operation *layer,
                                            LayerSupportAttr support,
                                            bool isWeight, int64_t requested,
                                            bool isExplicit,
                                            StringRef source) {
  if (!support)
    return requested;
  ArrayRef<int64_t> allowed =
      isWeight ? support.getWeightBits() : support.getActBits();
  if (llvm::is_contained(allowed, requested))
    return requested;
  // A default the target cannot run gives way to the widest width it can;
  // a width somebody asked for is a request that cannot be honoured.
  if (!isExplicit)
    return allowed.back();
  std::string widths;
  llvm::raw_string_ostream os(widths);
  llvm::interleaveComma(allowed, os);
  return layer->emitError("dfq-quantize: target '")
         << target.getName() << "' runs "
         << stringifyLayerKind(support.getKind()) << " layers with "
         << (isWeight ? "weight" : "activation") << " bits [" << widths
         << "]; " << source << "=" << requested << " cannot be honoured";
}

LogicalResult QuantizePass::quantizeLayer(Operation *layer, bool isEdge) {
  LayerSupportAttr support;
  if (target) {
    LayerKind kind = *classifyLayer(layer);
    support = target.getLayer(kind);
    if (!support) {
      layer->emitRemark("dfq-quantize: left in float, to run on the host: "
                        "target '")
          << target.getName() << "' does not run " << stringifyLayerKind(kind)
          << " layers";
      return success();
    }
  }
  bool edgeBits = isEdge && firstLastBits > 0;
  StringRef wSource = edgeBits ? "first-last-bits" : "wbits";
  StringRef aSource = edgeBits ? "first-last-bits" : "abits";
  int64_t wBits = edgeBits ? firstLastBits : wbits;
  int64_t aBits = edgeBits ? firstLastBits : abits;
  bool wExplicit = edgeBits ? firstLastBits.hasValue() : wbits.hasValue();
  bool aExplicit = edgeBits ? firstLastBits.hasValue() : abits.hasValue();
  // A per-layer decision (dfq-compensate-mpc, dfq-assign-bits) wins.
  for (auto [name, bits, source, isExplicit] :
       {std::tuple<StringRef, int64_t *, StringRef *, bool *>{
            "dfq.weight_bits", &wBits, &wSource, &wExplicit},
        {"dfq.act_bits", &aBits, &aSource, &aExplicit}})
    if (auto attr = layer->getAttrOfType<IntegerAttr>(name)) {
      *bits = attr.getInt();
      *source = name;
      *isExplicit = true;
      if (*bits < 2 || *bits > 8)
        return layer->emitError("dfq-quantize: ")
               << name << " must lie in [2, 8], got " << *bits;
    }
  FailureOr<int64_t> chosenW =
      chooseBits(layer, support, /*isWeight=*/true, wBits, wExplicit, wSource);
  FailureOr<int64_t> chosenA =
      chooseBits(layer, support, /*isWeight=*/false, aBits, aExplicit, aSource);
  if (failed(chosenW) || failed(chosenA))
    return failure();
  wBits = *chosenW;
  aBits = *chosenA;
  bool perChannel = layerPerChannel, symmetric = layerSymmetric;
  bool weightSigned = !target || target.getWeightSigned();
  bool pow2 = target && target.requiresPowerOfTwoScales();
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
  int64_t perChannelSize = weightType.getNumElements() / channels;
  int64_t qmax = weightSigned ? (int64_t(1) << (wBits - 1)) - 1
                              : (int64_t(1) << wBits) - 1;
  int64_t qmin = weightSigned ? -qmax - 1 : 0;
  SmallVector<double> wScales;
  SmallVector<int64_t> wZeroPoints;
  // Asymmetric weights: [min(w, 0), max(w, 0)] on the full signed range.
  auto asymmetricParams = [&](int64_t first, int64_t count) {
    double lo = 0, hi = 0;
    for (int64_t i = first; i < first + count; ++i) {
      lo = std::min<double>(lo, (*weights)[i]);
      hi = std::max<double>(hi, (*weights)[i]);
    }
    double scale = (hi - lo) / double(qmax - qmin);
    if (!(scale > 0))
      scale = 1.0;
    if (pow2) // the smallest power of two that clips nothing
      scale = std::ldexp(1.0, int(std::ceil(std::log2(scale))));
    wScales.push_back(scale);
    wZeroPoints.push_back(static_cast<int64_t>(
        std::clamp<double>(std::nearbyint(double(qmin) - lo / scale),
                           double(qmin), double(qmax))));
  };
  auto scaleOf = [&](int64_t first, int64_t count) {
    double maxAbs = 0;
    for (int64_t i = first; i < first + count; ++i)
      maxAbs = std::max<double>(maxAbs, std::abs((*weights)[i]));
    return maxAbs > 0 ? maxAbs / qmax : 1.0;
  };
  auto grid = layer->getAttrOfType<DenseI64ArrayAttr>("dfq.weight_grid");
  if (grid && !symmetric)
    return layer->emitError("dfq-quantize: dfq.weight_grid holds symmetric "
                            "codes; symmetric=false cannot keep them");
  if (grid && pow2)
    return layer->emitError("dfq-quantize: dfq.weight_grid fixes each "
                            "channel's scale, which target '")
           << target.getName() << "' needs to be a power of two";
  if (!symmetric && !weightSigned && !target)
    return layer->emitError("dfq-quantize: internal error: unsigned weights "
                            "without a target");
  if (!symmetric) {
    if (perChannel)
      for (int64_t o = 0; o < channels; ++o)
        asymmetricParams(o * perChannelSize, perChannelSize);
    else
      asymmetricParams(0, weightType.getNumElements());
  } else if (grid) {
    // The weights already lie on a grid (dfq-compensate-mpc): channel o is
    // scale[o] * codes with max |code| = grid[o]; recover those codes.
    if (!perChannel || grid.size() != channels)
      return layer->emitError("dfq-quantize: dfq.weight_grid needs "
                              "per-channel weights and one entry per output "
                              "channel (")
             << channels << "), got " << grid.size()
             << (perChannel ? "" : " with per-channel=false");
    for (int64_t o = 0; o < channels; ++o) {
      if (grid[o] < 0 || grid[o] > qmax)
        return layer->emitError("dfq-quantize: dfq.weight_grid entry ")
               << grid[o] << " of channel " << o << " does not fit " << wBits
               << "-bit weights";
      double maxCode = scaleOf(o * perChannelSize, perChannelSize) * qmax;
      wScales.push_back(grid[o] > 0 && maxCode > 0 ? maxCode / grid[o] : 1.0);
    }
  } else if (perChannel) {
    for (int64_t o = 0; o < channels; ++o)
      wScales.push_back(scaleOf(o * perChannelSize, perChannelSize));
  } else {
    wScales.push_back(scaleOf(0, weightType.getNumElements()));
  }
  if (pow2 && symmetric) {
    int64_t groupSize = perChannel ? perChannelSize : weightType.getNumElements();
    for (auto [group, scale] : llvm::enumerate(wScales))
      scale = bestPowerOfTwoScale(
          ArrayRef<float>(*weights).slice(group * groupSize, groupSize), scale,
          qmin, qmax);
  }
  if (wZeroPoints.empty())
    wZeroPoints.assign(wScales.size(), 0);
  std::vector<int8_t> wInts(weights->size());
  for (size_t i = 0; i < weights->size(); ++i) {
    size_t group = perChannel ? i / perChannelSize : 0;
    double s = wScales[group];
    wInts[i] = static_cast<int8_t>(
        quantizeValue((*weights)[i], s, wZeroPoints[group], qmin, qmax));
    if (grid && std::abs((*weights)[i] / s - wInts[i]) > 1e-3)
      return layer->emitError("dfq-quantize: weight ")
             << i << " (" << (*weights)[i]
             << ") is off the grid that dfq.weight_grid records; the weights "
                "changed after dfq-compensate-mpc";
  }

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
  for (int64_t bits : {int64_t(wbits), int64_t(abits)})
    if (bits < 2 || bits > 8) {
      func.emitError("dfq-quantize: bit widths must lie in [2, 8], got wbits=")
          << int64_t(wbits) << " abits=" << int64_t(abits);
      return signalPassFailure();
    }
  if (firstLastBits != 0 && (firstLastBits < 2 || firstLastBits > 8)) {
    func.emitError("dfq-quantize: first-last-bits must be 0 (same) or lie in "
                   "[2, 8], got ")
        << int64_t(firstLastBits);
    return signalPassFailure();
  }
  target = TargetAttr::lookup(func);
  layerPerChannel = perChannel;
  layerSymmetric = symmetric;
  if (target) {
    if (target.isPerTensorOnly()) {
      if (perChannel.hasValue() && perChannel) {
        func.emitError("dfq-quantize: target '")
            << target.getName()
            << "' takes one weight scale per layer; per-channel=true cannot "
               "be honoured";
        return signalPassFailure();
      }
      layerPerChannel = false;
    }
    if (target.getSymmetricWeights()) {
      if (symmetric.hasValue() && !symmetric) {
        func.emitError("dfq-quantize: target '")
            << target.getName()
            << "' runs symmetric weights only; symmetric=false cannot be "
               "honoured";
        return signalPassFailure();
      }
      layerSymmetric = true;
    } else if (!target.getWeightSigned()) {
      layerSymmetric = false; // unsigned weights need a zero point
    }
  }
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
}
