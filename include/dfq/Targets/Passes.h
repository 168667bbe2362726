//===- Passes.h - target description passes ---------------------*- C++ -*-===//

#ifndef DFQ_TARGETS_PASSES_H
#define DFQ_TARGETS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace mlir::dfq {

#define GEN_PASS_DECL
#include "dfq/Targets/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dfq/Targets/Passes.h.inc"

} // namespace mlir::dfq

#endif // DFQ_TARGETS_PASSES_H
