//===- Passes.h - dfq transformation passes ---------------------*- C++ -*-===//

#ifndef DFQ_TRANSFORMS_PASSES_H
#define DFQ_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace mlir::dfq {

#define GEN_PASS_DECL
#include "dfq/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dfq/Transforms/Passes.h.inc"

} // namespace mlir::dfq

#endif // DFQ_TRANSFORMS_PASSES_H
