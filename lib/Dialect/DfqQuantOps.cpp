//===- DfqQuantOps.cpp - dfq quantized ops --------------------------------===//

#include "ShapeInference.h"
#include "dfq/Dialect/DfqOps.h"
#include "dfq/Support/Requantization.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dfq;

static constexpr unsigned kMinBits = 2, kMaxBits = 8;

/// Quantized ops take 2- to 8-bit storage; wider storage would silently
/// break the int32 accumulation bounds of docs/design.md.
static LogicalResult
verifyStorageWidth(Operation *op, quant::QuantizedType type, StringRef what) {
  unsigned width = type.getStorageTypeIntegralWidth();
  if (width < kMinBits || width > kMaxBits)
    return op->emitOpError()
           << what << " storage type has " << width
           << " bits; quantized ops take " << kMinBits << ".." << kMaxBits;
  return success();
}

/// Checks a per-axis type against the tensor it annotates.
static LogicalResult verifyQuantizedTensor(Operation *op, RankedTensorType type,
                                           StringRef what) {
  auto elementType = cast<quant::QuantizedType>(type.getElementType());
  if (failed(verifyStorageWidth(op, elementType, what)))
    return failure();
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(elementType);
  if (!perAxis)
    return success();
  int64_t axis = perAxis.getQuantizedDimension();
  if (axis >= type.getRank())
    return op->emitOpError() << what << " is quantized along axis " << axis
                             << " but has rank " << type.getRank();
  int64_t channels = type.getDimSize(axis);
  if (ShapedType::isDynamic(channels))
    return op->emitOpError() << what << " is quantized per channel along axis "
                             << axis << ", which must have a static size";
  if (int64_t(perAxis.getScales().size()) != channels)
    return op->emitOpError() << what << " has " << perAxis.getScales().size()
                             << " per-channel scales but " << channels
                             << " channels along axis " << axis;
  return success();
}

/// The result element type must be the one `params` describe.
static LogicalResult verifyMatchesParams(Operation *op, QParamsAttr params,
                                         RankedTensorType type) {
  auto elementType = cast<quant::QuantizedType>(type.getElementType());
  quant::QuantizedType expected =
      params.getQuantizedElementType(elementType.getExpressedType());
  if (expected != elementType)
    return op->emitOpError("element type ")
           << elementType << " does not match its quantization parameters, "
           << "which describe " << expected;
  return success();
}

//===----------------------------------------------------------------------===//
// QuantizeOp, DequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  RankedTensorType input = getInput().getType(), result = getType();
  if (input.getShape() != result.getShape())
    return emitOpError("result shape ")
           << formatShape(result.getShape()) << " differs from the input shape "
           << formatShape(input.getShape());
  auto elementType = cast<quant::QuantizedType>(result.getElementType());
  if (elementType.getExpressedType() != input.getElementType())
    return emitOpError("result expresses ")
           << elementType.getExpressedType() << " but the input is "
           << input.getElementType();
  if (failed(verifyQuantizedTensor(*this, result, "result")))
    return failure();
  return verifyMatchesParams(*this, getParams(), result);
}

LogicalResult DequantizeOp::verify() {
  RankedTensorType input = getInput().getType(), result = getType();
  if (input.getShape() != result.getShape())
    return emitOpError("result shape ")
           << formatShape(result.getShape()) << " differs from the input shape "
           << formatShape(input.getShape());
  auto elementType = cast<quant::QuantizedType>(input.getElementType());
  if (elementType.getExpressedType() != result.getElementType())
    return emitOpError("input expresses ")
           << elementType.getExpressedType() << " but the result is "
           << result.getElementType();
  return verifyQuantizedTensor(*this, input, "input");
}

//===----------------------------------------------------------------------===//
// QConstantOp
//===----------------------------------------------------------------------===//

OpFoldResult QConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult QConstantOp::verify() {
  RankedTensorType result = getType();
  auto valueType = cast<ShapedType>(getValue().getType());
  if (valueType.getShape() != result.getShape())
    return emitOpError("value shape ") << formatShape(valueType.getShape())
                                       << " differs from the result shape "
                                       << formatShape(result.getShape());
  auto intType = dyn_cast<IntegerType>(valueType.getElementType());
  if (!intType || !intType.isSignless())
    return emitOpError("value must hold signless integers, got ")
           << valueType.getElementType();
  if (failed(verifyQuantizedTensor(*this, result, "result")))
    return failure();
  auto elementType = cast<quant::QuantizedType>(result.getElementType());
  if (intType.getWidth() > 64)
    return emitOpError("value element type ")
           << intType << " is wider than 64 bits";
  if (intType.getWidth() < elementType.getStorageTypeIntegralWidth())
    return emitOpError("value element type ")
           << intType << " is narrower than the storage type "
           << elementType.getStorageType();
  if (std::optional<QParamsAttr> params = getParams())
    if (failed(verifyMatchesParams(*this, *params, result)))
      return failure();

  // Every stored integer must be representable. Values are read as signed
  // for signed storage and unsigned otherwise, so `dense<255> : tensor<i8>`
  // is a valid u8 constant.
  int64_t qmin = elementType.getStorageTypeMin();
  int64_t qmax = elementType.getStorageTypeMax();
  bool isSigned = elementType.isSigned();
  auto outside = [&](int64_t index, int64_t value) {
    return emitOpError("element #")
           << index << " (" << value << ") is outside the storage range ["
           << qmin << ", " << qmax << "]";
  };
  // Byte-wide codes (all of a model's weights) are read from the raw data:
  // the verifier runs after every pass, and going through APInt made it a
  // few percent of a ResNet-50 compile.
  auto dense = dyn_cast<DenseIntElementsAttr>(getValue());
  if (dense && intType.getWidth() == 8) {
    for (auto [index, byte] : llvm::enumerate(dense.getRawData())) {
      int64_t value = isSigned ? int64_t(int8_t(byte)) : int64_t(uint8_t(byte));
      if (value < qmin || value > qmax)
        return outside(index, value);
    }
    return success();
  }
  auto values = getValue().tryGetValues<APInt>();
  if (!values)
    return success(); // e.g. an elided or external dense_resource blob
  int64_t index = 0;
  for (const APInt &raw : *values) {
    int64_t value = isSigned ? raw.getSExtValue() : int64_t(raw.getZExtValue());
    if (value < qmin || value > qmax)
      return outside(index, value);
    ++index;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// QConv2DOp, QGemmOp
//===----------------------------------------------------------------------===//

/// Checks the quantized operands of a requantizing op and that its
/// multiplier/shift encode scale_x * scale_w[o] / scale_y per channel.
static LogicalResult verifyRequantization(Operation *op, RankedTensorType input,
                                          RankedTensorType weight,
                                          RankedTensorType result,
                                          ArrayRef<int32_t> multipliers,
                                          ArrayRef<int32_t> shifts) {
  auto inputType =
      dyn_cast<quant::UniformQuantizedType>(input.getElementType());
  if (!inputType)
    return op->emitOpError("input must be quantized per tensor, got ")
           << input.getElementType();
  auto resultType =
      dyn_cast<quant::UniformQuantizedType>(result.getElementType());
  if (!resultType)
    return op->emitOpError("result must be quantized per tensor, got ")
           << result.getElementType();
  if (auto perAxis =
          dyn_cast<quant::UniformQuantizedPerAxisType>(weight.getElementType());
      perAxis && perAxis.getQuantizedDimension() != 0)
    return op->emitOpError("weight must be quantized per tensor or per output "
                           "channel (axis 0), got axis ")
           << perAxis.getQuantizedDimension();
  if (failed(verifyQuantizedTensor(op, input, "input")) ||
      failed(verifyQuantizedTensor(op, weight, "weight")) ||
      failed(verifyQuantizedTensor(op, result, "result")))
    return failure();

  int64_t outChannels = weight.getDimSize(0);
  if (ShapedType::isDynamic(outChannels))
    return op->emitOpError("weight output channels (dimension 0) must be "
                           "static to check requantization");
  if (multipliers.size() != shifts.size())
    return op->emitOpError("got ") << multipliers.size() << " multipliers but "
                                   << shifts.size() << " shifts";
  if (multipliers.size() != 1 && int64_t(multipliers.size()) != outChannels)
    return op->emitOpError("expected 1 or ")
           << outChannels << " (one per output channel) requantization "
           << "entries, got " << multipliers.size();
  for (auto [i, m] : llvm::enumerate(multipliers))
    if (m < 1)
      return op->emitOpError("multiplier #")
             << i << " (" << m << ") must be positive";
  for (auto [i, s] : llvm::enumerate(shifts))
    if (s < 0 || s > kMaxRequantShift)
      return op->emitOpError("shift #") << i << " (" << s << ") is outside [0, "
                                        << kMaxRequantShift << "]";

  SmallVector<double> weightScales;
  if (auto perAxis =
          dyn_cast<quant::UniformQuantizedPerAxisType>(weight.getElementType()))
    weightScales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
  else
    weightScales.assign(
        outChannels,
        cast<quant::UniformQuantizedType>(weight.getElementType()).getScale());
  for (int64_t o = 0; o < outChannels; ++o) {
    size_t entry = multipliers.size() == 1 ? 0 : o;
    double expected =
        inputType.getScale() * weightScales[o] / resultType.getScale();
    double actual = decodeMultiplier({multipliers[entry], shifts[entry]});
    if (std::abs(actual - expected) > kRequantRelativeTolerance * expected)
      return op->emitOpError("requantization of output channel ")
             << o << " is " << multipliers[entry] << " * 2^-" << shifts[entry]
             << " = " << actual
             << " but scale_x * scale_w / scale_y = " << expected;
  }
  return success();
}

SmallVector<int64_t, 4> QConv2DOp::getInputShapeNchw() {
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  return getChannelsLast() ? toNchw(shape) : SmallVector<int64_t, 4>(shape);
}

SmallVector<int64_t, 4> QConv2DOp::getResultShapeNchw() {
  ArrayRef<int64_t> shape = getType().getShape();
  return getChannelsLast() ? toNchw(shape) : SmallVector<int64_t, 4>(shape);
}

LogicalResult QConv2DOp::verify() {
  RankedTensorType input = getInput().getType(), weight = getWeight().getType();
  std::optional<ArrayRef<int64_t>> biasShape;
  if (Value bias = getBias())
    biasShape = cast<RankedTensorType>(bias.getType()).getShape();
  FailureOr<Shape> shape = inferConv2dShape(
      getLoc(), getOperationName(), getInputShapeNchw(), weight.getShape(),
      biasShape, getStrides(), getPads(), getDilations(), getGroups());
  if (failed(shape))
    return failure();
  if (getChannelsLast())
    *shape = toNhwc(*shape);
  if (ArrayRef<int64_t>(*shape) != getType().getShape())
    return emitOpError("result shape ")
           << formatShape(getType().getShape())
           << " differs from the inferred shape " << formatShape(*shape)
           << (getChannelsLast() ? " (channels last)" : "");
  return verifyRequantization(*this, input, weight, getType(), getMultiplier(),
                              getShift());
}

LogicalResult QGemmOp::verify() {
  RankedTensorType input = getInput().getType(), weight = getWeight().getType();
  std::optional<ArrayRef<int64_t>> biasShape;
  if (Value bias = getBias())
    biasShape = cast<RankedTensorType>(bias.getType()).getShape();
  FailureOr<Shape> shape =
      inferGemmShape(getLoc(), getOperationName(), input.getShape(),
                     weight.getShape(), biasShape);
  if (failed(shape))
    return failure();
  if (ArrayRef<int64_t>(*shape) != getType().getShape())
    return emitOpError("result shape ")
           << formatShape(getType().getShape())
           << " differs from the inferred shape " << formatShape(*shape);
  return verifyRequantization(*this, input, weight, getType(), getMultiplier(),
                              getShift());
}

//===----------------------------------------------------------------------===//
// QAvgPool2DOp
//===----------------------------------------------------------------------===//

/// Windows of more positions could overflow the int32 sum of 8-bit codes.
static constexpr int64_t kMaxPoolWindow = int64_t(1) << 23;

LogicalResult QAvgPool2DOp::verify() {
  RankedTensorType input = getInput().getType(), result = getType();
  auto inputType =
      dyn_cast<quant::UniformQuantizedType>(input.getElementType());
  auto resultType =
      dyn_cast<quant::UniformQuantizedType>(result.getElementType());
  if (!inputType || !resultType)
    return emitOpError("input and result must be quantized per tensor, got ")
           << input.getElementType() << " and " << result.getElementType();
  if (failed(verifyStorageWidth(*this, inputType, "input")) ||
      failed(verifyStorageWidth(*this, resultType, "result")))
    return failure();
  bool last = getChannelsLast();
  Shape nchw = last ? toNchw(input.getShape()) : Shape(input.getShape());
  int64_t undilated[] = {1, 1};
  FailureOr<Shape> shape =
      inferPool2dShape(getLoc(), getOperationName(), nchw, getKernelShape(),
                       getStrides(), getPads(), undilated, /*ceilMode=*/false);
  if (failed(shape))
    return failure();
  if (last)
    *shape = toNhwc(*shape);
  if (ArrayRef<int64_t>(*shape) != result.getShape())
    return emitOpError("result shape ")
           << formatShape(result.getShape())
           << " differs from the inferred shape " << formatShape(*shape)
           << (last ? " (channels last)" : "");
  int64_t window = getKernelShape()[0] * getKernelShape()[1];
  if (window > kMaxPoolWindow)
    return emitOpError("window of ")
           << window << " positions exceeds " << kMaxPoolWindow
           << ", the most whose sum of codes int32 holds";
  auto multiplier = static_cast<int32_t>(getMultiplier());
  auto shift = static_cast<int32_t>(getShift());
  if (multiplier < 1)
    return emitOpError("multiplier (") << multiplier << ") must be positive";
  if (shift < 0 || shift > kMaxRequantShift)
    return emitOpError("shift (")
           << shift << ") is outside [0, " << kMaxRequantShift << "]";
  double expected =
      inputType.getScale() / (double(window) * resultType.getScale());
  double actual = decodeMultiplier({multiplier, shift});
  if (!(std::abs(actual - expected) <= kRequantRelativeTolerance * expected))
    return emitOpError("requantization is ")
           << multiplier << " * 2^-" << shift << " = " << actual
           << " but scale_x / (k * scale_y) = " << expected
           << " (k = " << window << ")";
  return success();
}
