//===- DfqDialect.cpp - dfq dialect registration --------------------------===//

#include "dfq/Dialect/DfqDialect.h"
#include "dfq/Dialect/DfqAttrs.h"
#include "dfq/Dialect/DfqOps.h"

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
