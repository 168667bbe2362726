//===- DfqGraphOps.cpp - dfq float graph ops ------------------------------===//

#include "ShapeInference.h"
#include "dfq/Dialect/DfqOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dfq;

/// Ranked tensor type of `value`, or failure with a diagnostic. The ODS type
/// constraints guarantee ranked tensors when verifying, but inference also
/// runs from builders, before verification.
static FailureOr<RankedTensorType> getRanked(std::optional<Location> loc,
                                             StringRef opName, Value value,
                                             StringRef name) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return emitShapeError(loc, opName, "expected ", name,
                          " to be a ranked tensor");
  return type;
}

/// Element types of a parameter and the data it applies to must agree: mixed
/// precision arithmetic is not defined for float graph ops.
static LogicalResult checkSameElementType(std::optional<Location> loc,
                                          StringRef opName,
                                          RankedTensorType data,
                                          RankedTensorType other,
                                          StringRef name) {
  if (data.getElementType() != other.getElementType())
    return emitOptionalError(
        loc, name, " element type ", other.getElementType(),
        " differs from the input element type ", data.getElementType());
  return success();
}

/// Normalizes an axis in [-rank, rank + extra) that may count from the back
/// (ONNX Flatten allows `axis == rank`, hence `extra`).
static FailureOr<int64_t> normalizeAxis(std::optional<Location> loc,
                                        StringRef opName, int64_t axis,
                                        int64_t rank, int64_t extra = 0) {
  if (axis < -rank || axis >= rank + extra)
    return emitShapeError(loc, opName, "axis ", axis,
                          " is out of range for rank ", rank, " (expected [",
                          -rank, ", ", rank + extra - 1, "])");
  return axis < 0 ? axis + rank : axis;
}

/// The operand types of a layer with a weight and an optional bias, all of
/// one element type.
struct LayerOperandTypes {
  RankedTensorType input, weight;
  std::optional<ArrayRef<int64_t>> biasShape;
};

static FailureOr<LayerOperandTypes>
getLayerOperandTypes(std::optional<Location> loc, StringRef opName,
                     Value inputValue, Value weightValue, Value biasValue) {
  FailureOr<RankedTensorType> input =
      getRanked(loc, opName, inputValue, "input");
  FailureOr<RankedTensorType> weight =
      getRanked(loc, opName, weightValue, "weight");
  if (failed(input) || failed(weight) ||
      failed(checkSameElementType(loc, opName, *input, *weight, "weight")))
    return failure();
  LayerOperandTypes types{*input, *weight, std::nullopt};
  if (biasValue) {
    FailureOr<RankedTensorType> bias =
        getRanked(loc, opName, biasValue, "bias");
    if (failed(bias) ||
        failed(checkSameElementType(loc, opName, *input, *bias, "bias")))
      return failure();
    types.biasShape = bias->getShape();
  }
  return types;
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  StringRef opName = Conv2DOp::getOperationName();
  FailureOr<LayerOperandTypes> operands = getLayerOperandTypes(
      loc, opName, adaptor.getInput(), adaptor.getWeight(), adaptor.getBias());
  if (failed(operands))
    return failure();
  RankedTensorType input = operands->input, weight = operands->weight;
  std::optional<ArrayRef<int64_t>> biasShape = operands->biasShape;
  FailureOr<Shape> shape =
      inferConv2dShape(loc, opName, input.getShape(), weight.getShape(),
                       biasShape, adaptor.getStrides(), adaptor.getPads(),
                       adaptor.getDilations(), adaptor.getGroups());
  if (failed(shape))
    return failure();
  inferred.push_back(RankedTensorType::get(*shape, input.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormOp
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  StringRef opName = BatchNormOp::getOperationName();
  FailureOr<RankedTensorType> input =
      getRanked(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  if (input->getRank() != 2 && input->getRank() != 4)
    return emitOptionalError(loc,
                             "expected an input of rank 2 ([N, C]) or 4 "
                             "([N, C, H, W]), got rank ",
                             input->getRank());
  int64_t channels = input->getDimSize(1);
  std::pair<Value, StringRef> params[] = {{adaptor.getScale(), "scale"},
                                          {adaptor.getBias(), "bias"},
                                          {adaptor.getMean(), "mean"},
                                          {adaptor.getVariance(), "variance"}};
  for (auto [value, name] : params) {
    FailureOr<RankedTensorType> type = getRanked(loc, opName, value, name);
    if (failed(type) ||
        failed(checkSameElementType(loc, opName, *input, *type, name)))
      return failure();
    if (type->getRank() != 1 ||
        (!ShapedType::isDynamic(channels) && type->getDimSize(0) != channels))
      return emitOptionalError(
          loc, name, " shape ", formatShape(type->getShape()),
          " does not match the ", channels, " channels of the input");
  }
  if (!(adaptor.getEpsilon().convertToDouble() > 0.0))
    return emitShapeError(loc, opName, "epsilon must be positive, got ",
                          adaptor.getEpsilon().convertToDouble());
  inferred.push_back(*input);
  return success();
}

//===----------------------------------------------------------------------===//
// GemmOp, MatMulOp
//===----------------------------------------------------------------------===//

LogicalResult GemmOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  StringRef opName = GemmOp::getOperationName();
  FailureOr<LayerOperandTypes> operands = getLayerOperandTypes(
      loc, opName, adaptor.getInput(), adaptor.getWeight(), adaptor.getBias());
  if (failed(operands))
    return failure();
  RankedTensorType input = operands->input, weight = operands->weight;
  std::optional<ArrayRef<int64_t>> biasShape = operands->biasShape;
  FailureOr<Shape> shape = inferGemmShape(loc, opName, input.getShape(),
                                          weight.getShape(), biasShape);
  if (failed(shape))
    return failure();
  inferred.push_back(RankedTensorType::get(*shape, input.getElementType()));
  return success();
}

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  StringRef opName = MatMulOp::getOperationName();
  FailureOr<RankedTensorType> lhs =
      getRanked(loc, opName, adaptor.getLhs(), "lhs");
  FailureOr<RankedTensorType> rhs =
      getRanked(loc, opName, adaptor.getRhs(), "rhs");
  if (failed(lhs) || failed(rhs) ||
      failed(checkSameElementType(loc, opName, *lhs, *rhs, "rhs")))
    return failure();
  if (lhs->getRank() < 2 || rhs->getRank() < 2)
    return emitShapeError(loc, opName,
                          "operands need rank 2 or more, got ranks ",
                          lhs->getRank(), " and ", rhs->getRank());
  ArrayRef<int64_t> a = lhs->getShape(), b = rhs->getShape();
  int64_t k = a.back(), kRhs = b[b.size() - 2];
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(kRhs) && k != kRhs)
    return emitShapeError(loc, opName, "contraction sizes differ: lhs ",
                          formatShape(a), " and rhs ", formatShape(b));
  SmallVector<int64_t> batch;
  if (!OpTrait::util::getBroadcastedShape(a.drop_back(2), b.drop_back(2),
                                          batch))
    return emitShapeError(loc, opName, "batch dimensions of ", formatShape(a),
                          " and ", formatShape(b), " do not broadcast");
  batch.push_back(a[a.size() - 2]);
  batch.push_back(b.back());
  inferred.push_back(RankedTensorType::get(batch, lhs->getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

static LogicalResult inferBroadcast(std::optional<Location> loc,
                                    StringRef opName, Value lhsValue,
                                    Value rhsValue,
                                    SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> lhs = getRanked(loc, opName, lhsValue, "lhs");
  FailureOr<RankedTensorType> rhs = getRanked(loc, opName, rhsValue, "rhs");
  if (failed(lhs) || failed(rhs) ||
      failed(checkSameElementType(loc, opName, *lhs, *rhs, "rhs")))
    return failure();
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhs->getShape(), rhs->getShape(),
                                          shape))
    return emitOptionalError(
        loc, "operand shapes ", formatShape(lhs->getShape()), " and ",
        formatShape(rhs->getShape()), " are not broadcast-compatible");
  inferred.push_back(RankedTensorType::get(shape, lhs->getElementType()));
  return success();
}

LogicalResult AddOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  StringRef opName = AddOp::getOperationName();
  return inferBroadcast(loc, opName, adaptor.getLhs(), adaptor.getRhs(),
                        inferred);
}

LogicalResult MulOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  StringRef opName = MulOp::getOperationName();
  return inferBroadcast(loc, opName, adaptor.getLhs(), adaptor.getRhs(),
                        inferred);
}

LogicalResult SubOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  return inferBroadcast(loc, SubOp::getOperationName(), adaptor.getLhs(),
                        adaptor.getRhs(), inferred);
}

LogicalResult DivOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  return inferBroadcast(loc, DivOp::getOperationName(), adaptor.getLhs(),
                        adaptor.getRhs(), inferred);
}

LogicalResult ClipOp::verify() {
  if (!(getMin().convertToDouble() <= getMax().convertToDouble()))
    return emitOpError("min (")
           << getMin().convertToDouble() << ") must not exceed max ("
           << getMax().convertToDouble() << ")";
  return success();
}

LogicalResult SoftmaxOp::verify() {
  return normalizeAxis(getLoc(), getOperationName(), getAxis(),
                       getInput().getType().getRank());
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  StringRef opName = MaxPool2DOp::getOperationName();
  FailureOr<RankedTensorType> input =
      getRanked(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  // Channels last: infer in NCHW order, then move the channels back.
  bool last = adaptor.getChannelsLast();
  Shape nchw = last ? toNchw(input->getShape()) : Shape(input->getShape());
  FailureOr<Shape> shape = inferPool2dShape(
      loc, opName, nchw, adaptor.getKernelShape(), adaptor.getStrides(),
      adaptor.getPads(), adaptor.getDilations(), adaptor.getCeilMode());
  if (failed(shape))
    return failure();
  if (last)
    *shape = toNhwc(*shape);
  inferred.push_back(RankedTensorType::get(*shape, input->getElementType()));
  return success();
}

LogicalResult MaxPool2DOp::verify() {
  Type element = cast<RankedTensorType>(getInput().getType()).getElementType();
  if (isa<quant::UniformQuantizedPerAxisType>(element))
    return emitOpError("pools codes quantized per tensor only, got ")
           << element;
  if (auto q = dyn_cast<quant::UniformQuantizedType>(element);
      q && !(q.getScale() > 0))
    return emitOpError("pools codes of a positive scale only, got ") << element;
  return success();
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  StringRef opName = AvgPool2DOp::getOperationName();
  FailureOr<RankedTensorType> input =
      getRanked(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  int64_t noDilation[] = {1, 1};
  bool last = adaptor.getChannelsLast();
  Shape nchw = last ? toNchw(input->getShape()) : Shape(input->getShape());
  FailureOr<Shape> shape = inferPool2dShape(
      loc, opName, nchw, adaptor.getKernelShape(), adaptor.getStrides(),
      adaptor.getPads(), noDilation, adaptor.getCeilMode());
  if (failed(shape))
    return failure();
  if (last)
    *shape = toNhwc(*shape);
  inferred.push_back(RankedTensorType::get(*shape, input->getElementType()));
  return success();
}

LogicalResult
GlobalAvgPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  StringRef opName = GlobalAvgPoolOp::getOperationName();
  FailureOr<RankedTensorType> input =
      getRanked(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  if (input->getRank() != 4)
    return emitShapeError(loc, opName,
                          "expected a rank-4 NCHW input, got rank ",
                          input->getRank());
  int64_t shape[] = {input->getDimSize(0), input->getDimSize(1), 1, 1};
  inferred.push_back(RankedTensorType::get(shape, input->getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

/// Product of `dims`, dynamic if any of them is.
static int64_t product(ArrayRef<int64_t> dims) {
  int64_t result = 1;
  for (int64_t d : dims) {
    if (ShapedType::isDynamic(d))
      return ShapedType::kDynamic;
    result *= d;
  }
  return result;
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  StringRef opName = FlattenOp::getOperationName();
  FailureOr<RankedTensorType> input =
      getRanked(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  FailureOr<int64_t> axis = normalizeAxis(loc, opName, adaptor.getAxis(),
                                          input->getRank(), /*extra=*/1);
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> dims = input->getShape();
  int64_t shape[] = {product(dims.take_front(*axis)),
                     product(dims.drop_front(*axis))};
  inferred.push_back(RankedTensorType::get(shape, input->getElementType()));
  return success();
}

/// Reshapes move no element but would renumber the axis of a per-axis type.
static LogicalResult verifyNotPerAxis(Operation *op, Type type) {
  Type element = cast<RankedTensorType>(type).getElementType();
  if (isa<quant::UniformQuantizedPerAxisType>(element))
    return op->emitOpError("cannot reshape a tensor quantized per axis (")
           << element << "): its axis would not be the same dimension";
  return success();
}

LogicalResult FlattenOp::verify() {
  return verifyNotPerAxis(*this, getInput().getType());
}

LogicalResult ReshapeOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto result = cast<RankedTensorType>(getType());
  if (input.getElementType() != result.getElementType())
    return emitOpError("result element type ")
           << result.getElementType() << " differs from the input element type "
           << input.getElementType();
  if (failed(verifyNotPerAxis(*this, input)))
    return failure();
  if (result.getNumDynamicDims() > 1 ||
      (input.hasStaticShape() && !result.hasStaticShape()))
    return emitOpError("result shape ")
           << formatShape(result.getShape())
           << " must be static, or have one dynamic dimension when the input "
              "has one";
  if (input.hasStaticShape() &&
      input.getNumElements() != result.getNumElements())
    return emitOpError("cannot reshape ")
           << formatShape(input.getShape()) << " (" << input.getNumElements()
           << " elements) to " << formatShape(result.getShape()) << " ("
           << result.getNumElements() << " elements)";
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  // Only the row-major order of the elements matters, so the last shape
  // wins; a dynamic dimension stays the one that absorbs the batch.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  StringRef opName = TransposeOp::getOperationName();
  FailureOr<RankedTensorType> input =
      getRanked(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  ArrayRef<int64_t> perm = adaptor.getPerm();
  int64_t rank = input->getRank();
  if (static_cast<int64_t>(perm.size()) != rank)
    return emitShapeError(loc, opName,
                          "perm has " + Twine(perm.size()) +
                              " entries for an input of rank " + Twine(rank));
  SmallVector<bool> seen(rank, false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return emitShapeError(loc, opName,
                            "perm " + formatShape(perm) +
                                " is not a permutation of [0, " + Twine(rank) +
                                ")");
    seen[p] = true;
    shape.push_back(input->getDimSize(p));
  }
  inferred.push_back(RankedTensorType::get(shape, input->getElementType()));
  return success();
}

LogicalResult TransposeOp::verify() {
  Type element = cast<RankedTensorType>(getInput().getType()).getElementType();
  if (isa<quant::UniformQuantizedPerAxisType>(element))
    return emitOpError("cannot transpose a tensor quantized per axis (")
           << element << "): the permutation would move its axis";
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  // Two transpositions in a row are one: result dimension i is
  // inner-input dimension inner[outer[i]].
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t p : getPerm())
      composed.push_back(inner.getPerm()[p]);
    setPerm(composed);
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  for (auto [i, p] : llvm::enumerate(getPerm()))
    if (static_cast<int64_t>(i) != p)
      return {};
  return getInput();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  StringRef opName = ConcatOp::getOperationName();
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitShapeError(loc, opName, "expected at least one input");
  FailureOr<RankedTensorType> first =
      getRanked(loc, opName, inputs.front(), "input");
  if (failed(first))
    return failure();
  FailureOr<int64_t> axis =
      normalizeAxis(loc, opName, adaptor.getAxis(), first->getRank());
  if (failed(axis))
    return failure();
  Shape shape(first->getShape());
  for (auto [index, value] : llvm::enumerate(inputs.drop_front())) {
    FailureOr<RankedTensorType> type = getRanked(loc, opName, value, "input");
    if (failed(type) || failed(checkSameElementType(loc, opName, *first, *type,
                                                    "concatenated input")))
      return failure();
    if (type->getRank() != first->getRank())
      return emitShapeError(loc, opName, "input #", index + 1, " has rank ",
                            type->getRank(), " but input #0 has rank ",
                            first->getRank());
    for (int64_t d = 0, e = type->getRank(); d < e; ++d) {
      int64_t size = type->getDimSize(d);
      if (d == *axis) {
        shape[d] =
            ShapedType::isDynamic(shape[d]) || ShapedType::isDynamic(size)
                ? ShapedType::kDynamic
                : shape[d] + size;
      } else if (size != shape[d] && !ShapedType::isDynamic(size) &&
                 !ShapedType::isDynamic(shape[d])) {
        return emitOptionalError(
            loc, "input #", index + 1, " shape ", formatShape(type->getShape()),
            " differs from input #0 shape ", formatShape(first->getShape()),
            " outside the concatenation axis ", *axis);
      }
    }
  }
  inferred.push_back(RankedTensorType::get(shape, first->getElementType()));
  return success();
}

func::FuncOp mlir::dfq::findEntryFunction(ModuleOp module) {
  if (auto main = module.lookupSymbol<func::FuncOp>("main"))
    return main;
  auto funcs = module.getOps<func::FuncOp>();
  if (std::distance(funcs.begin(), funcs.end()) == 1)
    return *funcs.begin();
  return nullptr;
}

#define GET_OP_CLASSES
#include "dfq/DfqOps.cpp.inc"

std::string mlir::dfq::getLayerName(Operation *op) {
  std::string name = op->getName().getStringRef().str();
  op->getLoc()->walk([&](Location loc) {
    if (auto named = dyn_cast<NameLoc>(loc)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

LogicalResult SliceOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto result = cast<RankedTensorType>(getType());
  ArrayRef<int64_t> starts = getStarts(), steps = getSteps();
  int64_t rank = input.getRank();
  if (result.getElementType() != input.getElementType())
    return emitOpError("result element type ")
           << result.getElementType() << " differs from the input element type "
           << input.getElementType();
  if (result.getRank() != rank || static_cast<int64_t>(starts.size()) != rank ||
      static_cast<int64_t>(steps.size()) != rank)
    return emitOpError("input, result, starts and steps must have the same "
                       "rank, got ")
           << rank << ", " << result.getRank() << ", " << starts.size()
           << " and " << steps.size();
  for (int64_t d = 0; d < rank; ++d) {
    int64_t in = input.getDimSize(d), out = result.getDimSize(d);
    if (ShapedType::isDynamic(in) || ShapedType::isDynamic(out)) {
      if (!ShapedType::isDynamic(in) || !ShapedType::isDynamic(out) ||
          starts[d] != 0 || steps[d] != 1)
        return emitOpError("dimension ")
               << d << " is dynamic in the input or the result; it must be "
               << "dynamic in both and taken whole (start 0, step 1)";
      continue;
    }
    if (steps[d] == 0 || out < 1)
      return emitOpError("dimension ") << d << " has step 0 or an empty result";
    int64_t span = 0, last = 0;
    bool overflows = llvm::MulOverflow(out - 1, steps[d], span) ||
                     llvm::AddOverflow(starts[d], span, last);
    if (overflows || starts[d] < 0 || starts[d] >= in || last < 0 || last >= in)
      return emitOpError("dimension ")
             << d << " reads outside the input: " << out << " elements from "
             << starts[d] << ", " << steps[d] << " apart, of " << in;
  }
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  // A slice of a slice is one: element i of the outer window is element
  // `start + i * step` of the inner one.
  if (auto inner = getInput().getDefiningOp<SliceOp>()) {
    SmallVector<int64_t> starts, steps;
    for (auto [outerStart, outerStep, innerStart, innerStep] : llvm::zip_equal(
             getStarts(), getSteps(), inner.getStarts(), inner.getSteps())) {
      starts.push_back(innerStart + outerStart * innerStep);
      steps.push_back(innerStep * outerStep);
    }
    setStarts(starts);
    setSteps(steps);
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  auto input = cast<RankedTensorType>(getInput().getType());
  if (input != getType())
    return {};
  for (auto [start, step] : llvm::zip_equal(getStarts(), getSteps()))
    if (start != 0 || step != 1)
      return {};
  return getInput();
}

LogicalResult LayerNormOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  int64_t rank = input.getRank();
  int64_t axis = getAxis();
  if (axis < -rank || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> normalized = input.getShape().drop_front(axis);
  if (llvm::any_of(normalized, ShapedType::isDynamic))
    return emitOpError("normalizes ")
           << formatShape(normalized)
           << ", which has a dynamic dimension; the normalized dimensions "
              "must be static";
  if (getType() != input)
    return emitOpError("result type ")
           << getType() << " differs from the input type " << input;
  for (Value param : {getScale(), getBias()}) {
    if (!param)
      continue;
    auto type = cast<RankedTensorType>(param.getType());
    if (type.getShape() != normalized ||
        type.getElementType() != input.getElementType())
      return emitOpError("scale and bias must be ")
             << formatShape(normalized) << " tensors of "
             << input.getElementType() << " (the normalized dimensions), got "
             << type;
  }
  if (!(getEpsilon().convertToDouble() >= 0))
    return emitOpError("epsilon must be non-negative");
  return success();
}

/// The result type of dfq.reduce_mean, reduce_sum and reduce_max.
template <typename Adaptor>
static LogicalResult inferReduction(std::optional<Location> loc,
                                    StringRef opName, Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> input =
      getRanked(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  int64_t rank = input->getRank();
  ArrayRef<int64_t> axes = adaptor.getAxes();
  if (axes.empty())
    return emitShapeError(loc, opName, "axes must not be empty");
  SmallVector<bool> reduced(rank, false);
  for (int64_t axis : axes) {
    int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank || reduced[a])
      return emitShapeError(loc, opName,
                            "axes " + formatShape(axes) +
                                " are out of range or repeated for rank " +
                                Twine(rank));
    reduced[a] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[d])
      shape.push_back(input->getDimSize(d));
    else if (adaptor.getKeepdims())
      shape.push_back(1);
  }
  inferred.push_back(RankedTensorType::get(shape, input->getElementType()));
  return success();
}

LogicalResult ReduceMeanOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  return inferReduction(loc, getOperationName(), adaptor, inferred);
}

LogicalResult ReduceSumOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferReduction(loc, getOperationName(), adaptor, inferred);
}

LogicalResult ReduceMaxOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferReduction(loc, getOperationName(), adaptor, inferred);
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  StringRef opName = PadOp::getOperationName();
  FailureOr<RankedTensorType> input =
      getRanked(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  int64_t rank = input->getRank();
  ArrayRef<int64_t> pads = adaptor.getPads();
  StringRef mode = adaptor.getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return emitShapeError(loc, opName,
                          "mode '" + mode +
                              "' is not one of constant, reflect and edge");
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return emitShapeError(loc, opName,
                          "pads has " + Twine(pads.size()) +
                              " entries for an input of rank " + Twine(rank));
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t before = pads[d], after = pads[d + rank];
    int64_t size = input->getDimSize(d);
    // Bounded so that the result size cannot overflow.
    constexpr int64_t kMaxPad = int64_t(1) << 31;
    if (before < 0 || after < 0 || before > kMaxPad || after > kMaxPad)
      return emitShapeError(
          loc, opName, "pads " + formatShape(pads) + " must lie in [0, 2^31]");
    if (ShapedType::isDynamic(size)) {
      if (before || after)
        return emitShapeError(
            loc, opName, "pads dimension " + Twine(d) + ", which is dynamic");
      shape.push_back(size);
      continue;
    }
    if (mode == "reflect" && (before > size - 1 || after > size - 1))
      return emitShapeError(loc, opName,
                            "reflect pads of dimension " + Twine(d) +
                                " must be at most " + Twine(size - 1));
    shape.push_back(before + size + after);
  }
  inferred.push_back(RankedTensorType::get(shape, input->getElementType()));
  return success();
}

LogicalResult ResizeOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto result = cast<RankedTensorType>(getType());
  StringRef mode = getMode(), coordinates = getCoordinateMode(),
            nearest = getNearestMode();
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return emitOpError("mode '") << mode << "' is not nearest, linear or cubic";
  if (!std::isfinite(getCubicCoeffA().convertToDouble()))
    return emitOpError("cubic_coeff_a must be finite");
  if (coordinates != "half_pixel" && coordinates != "pytorch_half_pixel" &&
      coordinates != "align_corners" && coordinates != "asymmetric")
    return emitOpError("coordinate_mode '")
           << coordinates
           << "' is not half_pixel, pytorch_half_pixel, align_corners or "
              "asymmetric";
  if (nearest != "round_prefer_floor" && nearest != "round_prefer_ceil" &&
      nearest != "floor" && nearest != "ceil")
    return emitOpError("nearest_mode '")
           << nearest
           << "' is not round_prefer_floor, round_prefer_ceil, floor or ceil";
  ArrayRef<double> scales = getScales();
  if (scales.size() != 2 || !(scales[0] > 0) || !(scales[1] > 0) ||
      std::isinf(scales[0]) || std::isinf(scales[1]))
    return emitOpError("scales must be two positive finite numbers (H, W)");
  if (result.getElementType() != input.getElementType() ||
      result.getDimSize(0) != input.getDimSize(0) ||
      result.getDimSize(1) != input.getDimSize(1))
    return emitOpError("changes N, C or the element type: ")
           << input << " to " << result;
  for (int64_t d : {2, 3})
    if (input.isDynamicDim(d) || result.isDynamicDim(d))
      return emitOpError("H and W must be static, got ")
             << input << " to " << result;
  return success();
}

LogicalResult
ConvTranspose2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  StringRef opName = ConvTranspose2DOp::getOperationName();
  FailureOr<RankedTensorType> input =
      getRanked(loc, opName, adaptor.getInput(), "input");
  FailureOr<RankedTensorType> weight =
      getRanked(loc, opName, adaptor.getWeight(), "weight");
  if (failed(input) || failed(weight) ||
      failed(checkSameElementType(loc, opName, *input, *weight, "weight")))
    return failure();
  ArrayRef<int64_t> strides = adaptor.getStrides(), pads = adaptor.getPads(),
                    dilations = adaptor.getDilations(),
                    extra = adaptor.getOutputPadding();
  int64_t groups = adaptor.getGroups();
  if (strides.size() != 2 || pads.size() != 4 || dilations.size() != 2 ||
      extra.size() != 2)
    return emitShapeError(loc, opName,
                          "strides, dilations and output_padding take 2 "
                          "values and pads 4");
  // Bounded so that the size arithmetic cannot overflow.
  constexpr int64_t kLimit = int64_t(1) << 31;
  auto inRange = [&](int64_t v, int64_t lo) { return v >= lo && v <= kLimit; };
  for (int i = 0; i < 2; ++i)
    if (!inRange(strides[i], 1) || !inRange(dilations[i], 1) ||
        !inRange(extra[i], 0) || extra[i] >= std::max(strides[i], dilations[i]))
      return emitShapeError(loc, opName,
                            "strides and dilations must be positive and "
                            "output_padding smaller than the stride or "
                            "dilation");
  if (llvm::any_of(pads, [&](int64_t p) { return !inRange(p, 0); }))
    return emitShapeError(loc, opName, "pads must be non-negative");
  ArrayRef<int64_t> in = input->getShape(), w = weight->getShape();
  if (groups < 1 || (!ShapedType::isDynamic(in[1]) && in[1] % groups) ||
      (!ShapedType::isDynamic(in[1]) && !ShapedType::isDynamic(w[0]) &&
       in[1] != w[0]))
    return emitShapeError(loc, opName,
                          "the weight's first dimension must be the input's "
                          "channels, and groups must divide them");
  if (Value bias = adaptor.getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (!ShapedType::isDynamic(w[1]) && biasType.getDimSize(0) != w[1] * groups)
      return emitShapeError(loc, opName,
                            "bias must hold one value per "
                            "output channel");
  }
  SmallVector<int64_t> shape = {in[0], ShapedType::isDynamic(w[1])
                                           ? ShapedType::kDynamic
                                           : w[1] * groups};
  for (int i = 0; i < 2; ++i) {
    if (ShapedType::isDynamic(in[i + 2]) || ShapedType::isDynamic(w[i + 2])) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t size = strides[i] * (in[i + 2] - 1) +
                   dilations[i] * (w[i + 2] - 1) + 1 - pads[i] - pads[i + 2] +
                   extra[i];
    if (size < 1)
      return emitShapeError(loc, opName,
                            "pads leave an empty result along spatial "
                            "dimension " +
                                Twine(i));
    shape.push_back(size);
  }
  inferred.push_back(RankedTensorType::get(shape, input->getElementType()));
  return success();
}

LogicalResult MaxOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  return inferBroadcast(loc, MaxOp::getOperationName(), adaptor.getLhs(),
                        adaptor.getRhs(), inferred);
}

LogicalResult MinOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  return inferBroadcast(loc, MinOp::getOperationName(), adaptor.getLhs(),
                        adaptor.getRhs(), inferred);
}

LogicalResult PReluOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  return inferBroadcast(loc, PReluOp::getOperationName(), adaptor.getLhs(),
                        adaptor.getRhs(), inferred);
}
