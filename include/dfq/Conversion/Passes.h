//===- Passes.h - dfq conversion passes -------------------------*- C++ -*-===//

#ifndef DFQ_CONVERSION_PASSES_H
#define DFQ_CONVERSION_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace mlir::dfq {

#define GEN_PASS_DECL
#include "dfq/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dfq/Conversion/Passes.h.inc"

} // namespace mlir::dfq

#endif // DFQ_CONVERSION_PASSES_H
