//===- GraphBuilder.cpp - dfq IR to calibration graphs --------------------===//

#include "dfq/Calibration/GraphBuilder.h"

#include "dfq/Dialect/DfqOps.h"
#include "dfq/Runtime/Constants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::dfq;
using namespace mlir::dfq::calib;

static std::vector<int64_t> toVector(ArrayRef<int64_t> values) {
  return std::vector<int64_t>(values.begin(), values.end());
}

FailureOr<GraphFromIR> calib::buildGraph(func::FuncOp func) {
  GraphFromIR result;
  Graph &graph = result.graph;
  if (func.getNumArguments() != 1)
    return func.emitError("calibration needs a function with one input, got ")
           << func.getNumArguments();
  auto inputType = dyn_cast<RankedTensorType>(func.getArgument(0).getType());
  if (!inputType || inputType.getRank() < 1 ||
      !inputType.getElementType().isF32())
    return func.emitError("calibration needs an f32 input [N, ...], got ")
           << func.getArgument(0).getType();
  for (int64_t d : inputType.getShape().drop_front()) {
    if (ShapedType::isDynamic(d))
      return func.emitError("calibration needs static non-batch input "
                            "dimensions, got ")
             << inputType;
    result.sampleShape.push_back(d);
  }
  result.nodeOf[func.getArgument(0)] = graph.addInput("input");

  auto operandsOf = [&](Operation *op) {
    std::vector<int> operands;
    for (Value operand : op->getOperands())
      operands.push_back(result.nodeOf.lookup(operand));
    return operands;
  };

  for (Operation &opRef : func.getBody().front()) {
    Operation *op = &opRef;
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value value : ret.getOperands())
        graph.outputs.push_back(result.nodeOf.lookup(value));
      continue;
    }
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      FailureOr<rt::Tensor> value = rt::convertConstant(constant);
      if (failed(value))
        return failure();
      result.nodeOf[constant.getResult()] =
          graph.addConstant(getLayerName(op), *value);
      continue;
    }
    Node node;
    node.name = getLayerName(op);
    node.operands = operandsOf(op);
    bool supported =
        llvm::TypeSwitch<Operation *, bool>(op)
            .Case([&](Conv2DOp conv) {
              node.kind = OpKind::Conv2d;
              node.strides = toVector(conv.getStrides());
              node.pads = toVector(conv.getPads());
              node.dilations = toVector(conv.getDilations());
              node.groups = conv.getGroups();
              return true;
            })
            .Case([&](BatchNormOp bn) {
              node.kind = OpKind::BatchNorm;
              node.epsilon = bn.getEpsilon().convertToDouble();
              return true;
            })
            .Case([&](GemmOp) {
              node.kind = OpKind::Gemm;
              return true;
            })
            .Case([&](MatMulOp) {
              node.kind = OpKind::MatMul;
              return true;
            })
            .Case([&](ReluOp) {
              node.kind = OpKind::Relu;
              return true;
            })
            .Case([&](ClipOp clip) {
              node.kind = OpKind::Clip;
              node.min = clip.getMin().convertToDouble();
              node.max = clip.getMax().convertToDouble();
              return true;
            })
            .Case([&](AddOp) {
              node.kind = OpKind::Add;
              return true;
            })
            .Case([&](MulOp) {
              node.kind = OpKind::Mul;
              return true;
            })
            .Case([&](SubOp) {
              node.kind = OpKind::Sub;
              return true;
            })
            .Case([&](DivOp) {
              node.kind = OpKind::Div;
              return true;
            })
            .Case([&](SigmoidOp) {
              node.kind = OpKind::Sigmoid;
              return true;
            })
            .Case([&](TanhOp) {
              node.kind = OpKind::Tanh;
              return true;
            })
            .Case([&](ErfOp) {
              node.kind = OpKind::Erf;
              return true;
            })
            .Case([&](SqrtOp) {
              node.kind = OpKind::Sqrt;
              return true;
            })
            .Case([&](HardSigmoidOp op) {
              node.kind = OpKind::HardSigmoid;
              node.alpha = op.getAlpha().convertToFloat();
              node.beta = op.getBeta().convertToFloat();
              return true;
            })
            .Case([&](HardSwishOp) {
              node.kind = OpKind::HardSwish;
              return true;
            })
            .Case([&](MaxPool2DOp pool) {
              node.kind = OpKind::MaxPool2d;
              node.kernelShape = toVector(pool.getKernelShape());
              node.strides = toVector(pool.getStrides());
              node.pads = toVector(pool.getPads());
              node.dilations = toVector(pool.getDilations());
              node.ceilMode = pool.getCeilMode();
              return true;
            })
            .Case([&](AvgPool2DOp pool) {
              node.kind = OpKind::AvgPool2d;
              node.kernelShape = toVector(pool.getKernelShape());
              node.strides = toVector(pool.getStrides());
              node.pads = toVector(pool.getPads());
              node.ceilMode = pool.getCeilMode();
              node.countIncludePad = pool.getCountIncludePad();
              return true;
            })
            .Case([&](GlobalAvgPoolOp) {
              node.kind = OpKind::GlobalAvgPool;
              return true;
            })
            .Case([&](FlattenOp flatten) {
              node.kind = OpKind::Flatten;
              node.axis = flatten.getAxis();
              return true;
            })
            .Case([&](ReshapeOp reshape) {
              node.kind = OpKind::Reshape;
              for (int64_t d :
                   cast<RankedTensorType>(reshape.getType()).getShape())
                node.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
              return true;
            })
            .Case([&](TransposeOp transpose) {
              node.kind = OpKind::Transpose;
              node.perm = toVector(transpose.getPerm());
              return true;
            })
            .Case([&](ConcatOp concat) {
              node.kind = OpKind::Concat;
              node.axis = concat.getAxis();
              return true;
            })
            .Case([&](LayerNormOp norm) {
              node.kind = OpKind::LayerNorm;
              node.axis = norm.getAxis();
              node.epsilon = norm.getEpsilon().convertToDouble();
              return true;
            })
            .Case<MaxOp, MinOp, PReluOp>([&](Operation *math) {
              node.kind = OpKind::BinaryMath;
              node.function = math->getName().stripDialect().str();
              return true;
            })
            .Case<AbsOp, ExpOp, LogOp, SoftplusOp>([&](Operation *math) {
              node.kind = OpKind::UnaryMath;
              node.function = math->getName().stripDialect().str();
              return true;
            })
            .Case([&](LeakyReluOp relu) {
              node.kind = OpKind::UnaryMath;
              node.function = "leaky_relu";
              node.alpha = relu.getAlpha().convertToFloat();
              return true;
            })
            .Case([&](EluOp elu) {
              node.kind = OpKind::UnaryMath;
              node.function = "elu";
              node.alpha = elu.getAlpha().convertToFloat();
              return true;
            })
            .Case([&](PowOp pow) {
              node.kind = OpKind::UnaryMath;
              node.function = "pow";
              node.alpha = pow.getExponent().convertToFloat();
              return true;
            })
            .Case([&](ConvTranspose2DOp conv) {
              node.kind = OpKind::ConvTranspose2d;
              node.strides = toVector(conv.getStrides());
              node.pads = toVector(conv.getPads());
              node.dilations = toVector(conv.getDilations());
              node.outputPadding = toVector(conv.getOutputPadding());
              node.groups = conv.getGroups();
              return true;
            })
            .Case([&](ResizeOp resize) {
              node.kind = OpKind::Resize;
              ArrayRef<int64_t> shape =
                  cast<RankedTensorType>(resize.getType()).getShape();
              node.resizeTo = {shape[2], shape[3]};
              node.resizeMode = resize.getMode().str();
              node.coordinateMode = resize.getCoordinateMode().str();
              node.nearestMode = resize.getNearestMode().str();
              node.resizeScales = resize.getScales().vec();
              node.cubicCoeffA = resize.getCubicCoeffA().convertToDouble();
              node.excludeOutside = resize.getExcludeOutside();
              return true;
            })
            .Case([&](PadOp pad) {
              node.kind = OpKind::Pad;
              node.padding = toVector(pad.getPads());
              node.padMode = pad.getMode().str();
              node.padValue = pad.getValue().convertToDouble();
              return true;
            })
            .Case<ReduceMeanOp, ReduceSumOp, ReduceMaxOp>([&](auto reduce) {
              node.kind = OpKind::Reduce;
              using Op = decltype(reduce);
              node.function = std::is_same_v<Op, ReduceMeanOp>  ? "mean"
                              : std::is_same_v<Op, ReduceSumOp> ? "sum"
                                                                : "max";
              node.axes = toVector(reduce.getAxes());
              node.keepDims = reduce.getKeepdims();
              return true;
            })
            .Case([&](SliceOp slice) {
              node.kind = OpKind::Slice;
              node.starts = toVector(slice.getStarts());
              node.steps = toVector(slice.getSteps());
              for (int64_t d :
                   cast<RankedTensorType>(slice.getType()).getShape())
                node.sizes.push_back(ShapedType::isDynamic(d) ? -1 : d);
              return true;
            })
            .Case([&](SoftmaxOp softmax) {
              node.kind = OpKind::Softmax;
              node.axis = softmax.getAxis();
              return true;
            })
            .Default([](Operation *) { return false; });
    if (!supported)
      return op->emitError("'")
             << op->getName()
             << "' is not supported by the calibration engine (float dfq "
                "graphs only)";
    for (Type type : op->getResultTypes())
      if (!isa<RankedTensorType>(type) ||
          !cast<RankedTensorType>(type).getElementType().isF32())
        return op->emitError("the calibration engine runs f32 tensors only, "
                             "got ")
               << type;
    result.nodeOf[op->getResult(0)] = graph.add(std::move(node));
  }
  if (graph.outputs.empty())
    return func.emitError("the function returns nothing to calibrate");
  return result;
}

FailureOr<calib::CalibrationBatch>
calib::loadCalibrationBatch(ModuleOp module, StringRef pass,
                            StringRef missing) {
  func::FuncOp entry = findEntryFunction(module);
  if (!entry)
    return module.emitError(pass)
           << ": the module has no @main function and more than one "
              "function";
  auto data = module->getAttrOfType<DenseF32ResourceElementsAttr>(
      "dfq.calibration_data");
  std::optional<ArrayRef<float>> images =
      data ? data.tryGetAsArrayRef() : std::nullopt;
  if (!images)
    return module.emitError(pass)
           << ": " << missing << "; run dfq-synthesize first";
  FailureOr<GraphFromIR> graph = buildGraph(entry);
  if (failed(graph))
    return failure();
  int64_t sampleSize = 1;
  for (int64_t d : graph->sampleShape)
    sampleSize *= d;
  ArrayRef<int64_t> shape = data.getType().getShape();
  if (shape.empty() || shape[0] == 0 ||
      int64_t(images->size()) != shape[0] * sampleSize)
    return module.emitError(pass)
           << ": dfq.calibration_data does not match the model input's "
              "per-sample size "
           << sampleSize;
  std::vector<int64_t> inputShape = {shape[0]};
  inputShape.insert(inputShape.end(), graph->sampleShape.begin(),
                    graph->sampleShape.end());
  return CalibrationBatch{entry, std::move(*graph),
                          rt::Tensor::fromF32(inputShape, images->data())};
}
