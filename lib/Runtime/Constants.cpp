//===- Constants.cpp - Constant data as engine tensors --------------------===//

#include "dfq/Runtime/Constants.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace mlir::dfq;

/// Converts the data of an `arith.constant` to an engine tensor, or reports
/// why it cannot.
FailureOr<rt::Tensor> rt::convertConstant(arith::ConstantOp op) {
  auto type = dyn_cast<RankedTensorType>(op.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return op.emitError("the numerics engine supports only static f32 "
                        "tensor constants, got ")
           << op.getType();
  std::vector<int64_t> shape = type.getShape().vec();
  int64_t count = type.getNumElements();
  rt::Tensor tensor;
  if (auto dense = dyn_cast<DenseElementsAttr>(op.getValue())) {
    if (dense.isSplat()) {
      std::vector<float> data(count, dense.getSplatValue<float>());
      tensor = rt::Tensor::fromF32(shape, data.data());
    } else {
      // Non-splat f32 data is stored packed in host order: no copy needed.
      tensor = rt::Tensor::fromF32(
          shape, reinterpret_cast<const float *>(dense.getRawData().data()));
    }
  } else if (auto resource =
                 dyn_cast<DenseF32ResourceElementsAttr>(op.getValue())) {
    StringRef key = resource.getRawHandle().getKey();
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data)
      return op.emitError("the data of dense_resource '")
             << key << "' is not available (elided or missing)";
    if (static_cast<int64_t>(data->size()) != count)
      return op.emitError("dense_resource '")
             << key << "' holds " << data->size() << " f32 values but " << type
             << " needs " << count;
    tensor = rt::Tensor::fromF32(shape, data->data());
  } else {
    return op.emitError("the numerics engine supports only dense and "
                        "dense_resource constants, got ")
           << op.getValue();
  }
  if (tensor.isNull())
    return op.emitError("the numerics engine could not allocate a constant of ")
           << type;
  return tensor;
}
