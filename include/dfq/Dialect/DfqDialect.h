//===- DfqDialect.h - dfq dialect -------------------------------*- C++ -*-===//

#ifndef DFQ_DIALECT_DFQDIALECT_H
#define DFQ_DIALECT_DFQDIALECT_H

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Dialect.h"

// The discardable attributes' helpers name dfq's attribute classes.
#include "dfq/Dialect/DfqAttrs.h"

#include "dfq/DfqDialect.h.inc"

#endif // DFQ_DIALECT_DFQDIALECT_H
