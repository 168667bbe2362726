//===- DfqAttrs.h - dfq attributes ------------------------------*- C++ -*-===//

#ifndef DFQ_DIALECT_DFQATTRS_H
#define DFQ_DIALECT_DFQATTRS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "dfq/DfqEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dfq/DfqAttrs.h.inc"

#endif // DFQ_DIALECT_DFQATTRS_H
