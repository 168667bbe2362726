//===- DfqDialect.cpp - dfq dialect registration --------------------------===//

#include "dfq/Dialect/DfqDialect.h"
#include "dfq/Dialect/DfqAttrs.h"
#include "dfq/Dialect/DfqOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <functional>

using namespace mlir;
using namespace mlir::dfq;

#include "dfq/DfqDialect.cpp.inc"

void DfqDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "dfq/DfqOps.cpp.inc"
      >();
}

namespace {

/// One declared discardable attribute: whether `op` holds it with its
/// declared type, and that type in words.
struct DeclaredAttr {
  StringAttr name;
  std::function<bool(Operation *)> hasDeclaredType;
  StringRef type;
};

template <typename Helper>
DeclaredAttr declared(Helper helper, StringRef type) {
  return {helper.getName(),
          [helper](Operation *op) mutable { return helper.isAttrPresent(op); },
          type};
}

} // namespace

/// Checks a `dfq.*` attribute against its declaration in DfqBase.td.
static LogicalResult verifyDeclaredType(DfqDialect &dialect, Operation *op,
                                        NamedAttribute attribute) {
  const DeclaredAttr table[] = {
      declared(dialect.getOutputParamsAttrHelper(), "a #dfq.qparams"),
      declared(dialect.getWeightBitsAttrHelper(), "an integer"),
      declared(dialect.getActBitsAttrHelper(), "an integer"),
      declared(dialect.getBitsReasonAttrHelper(), "a string"),
      declared(dialect.getWeightGridAttrHelper(), "an array<i64>"),
      declared(dialect.getMpcCompensationAttrHelper(), "an array<f64>"),
      declared(dialect.getSensitivityAttrHelper(), "an array<f64>"),
      declared(dialect.getRangeAttrHelper(), "an array<f64>"),
      declared(dialect.getBnOutputAttrHelper(), "a dictionary"),
      declared(dialect.getCalibrationDataAttrHelper(), "a dense_resource"),
      declared(dialect.getCalibrationSourceAttrHelper(), "a string"),
      declared(dialect.getRangeSourceAttrHelper(), "a string"),
      declared(dialect.getRangeObserverAttrHelper(), "a string"),
      declared(dialect.getBitChoicesAttrHelper(), "an array<i64>"),
      declared(dialect.getBitBudgetAttrHelper(), "a string"),
      declared(dialect.getSourceAttrHelper(), "a string"),
      declared(dialect.getOnnxProducerAttrHelper(), "a string"),
      declared(dialect.getOnnxOpsetAttrHelper(), "an integer"),
  };
  for (const DeclaredAttr &entry : table)
    if (entry.name == attribute.getName() && !entry.hasDeclaredType(op))
      return op->emitError("'")
             << attribute.getName().getValue() << "' must be " << entry.type
             << ", got " << attribute.getValue();
  return success();
}

LogicalResult DfqDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attribute) {
  if (failed(verifyDeclaredType(*this, op, attribute)))
    return failure();
  if (attribute.getName() == kKernelAttrName) {
    if (!isa<KernelScheduleAttrInterface>(attribute.getValue()))
      return op->emitError("'")
             << attribute.getName().getValue()
             << "' must be a kernel schedule (#dfq.x86_kernel, "
                "#dfq.c_kernel, #dfq.cuda_kernel), got "
             << attribute.getValue();
    if (!isa<QConv2DOp, QGemmOp>(op))
      return op->emitError("'") << attribute.getName().getValue()
                                << "' belongs on a dfq.qconv2d or dfq.qgemm";
    return success();
  }
  if (attribute.getName() != TargetAttr::kAttrName)
    return success();
  if (!isa<TargetAttr>(attribute.getValue()))
    return op->emitError("'")
           << attribute.getName().getValue() << "' must be a #dfq.target, got "
           << attribute.getValue();
  if (!isa<ModuleOp>(op))
    return op->emitError("'")
           << attribute.getName().getValue() << "' belongs on a builtin.module";
  return success();
}
