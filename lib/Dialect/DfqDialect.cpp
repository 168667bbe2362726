//===- DfqDialect.cpp - dfq dialect registration --------------------------===//

#include "dfq/Dialect/DfqDialect.h"
#include "dfq/Dialect/DfqAttrs.h"
#include "dfq/Dialect/DfqOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

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

LogicalResult DfqDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attribute) {
  if (attribute.getName() != TargetAttr::kAttrName)
    return success();
  if (!isa<TargetAttr>(attribute.getValue()))
    return op->emitError("'") << attribute.getName().getValue()
                              << "' must be a #dfq.target, got "
                              << attribute.getValue();
  if (!isa<ModuleOp>(op))
    return op->emitError("'") << attribute.getName().getValue()
                              << "' belongs on a builtin.module";
  return success();
}
