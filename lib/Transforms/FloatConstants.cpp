//===- FloatConstants.cpp - read and write float weight constants ---------===//

#include "dfq/Transforms/FloatConstants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::dfq;

FailureOr<FloatConstant>
mlir::dfq::readFloatConstant(Value value, StringRef name, std::string &why) {
  ElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr))) {
    why = (name + " is not a constant").str();
    return failure();
  }
  FloatConstant result{attr, {}};
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

Value mlir::dfq::createFloatConstant(OpBuilder &builder, Location loc,
                                     RankedTensorType type,
                                     ArrayRef<double> values,
                                     ElementsAttr original,
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

std::string mlir::dfq::derivedBlobName(ElementsAttr original,
                                       StringRef suffix) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(original))
    return (resource.getRawHandle().getKey() + "_" + suffix).str();
  return suffix.str();
}
