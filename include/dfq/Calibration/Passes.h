//===- Passes.h - dfq calibration passes ------------------------*- C++ -*-===//

#ifndef DFQ_CALIBRATION_PASSES_H
#define DFQ_CALIBRATION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <limits>
#include <memory>

namespace mlir::dfq {

#define GEN_PASS_DECL
#include "dfq/Calibration/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dfq/Calibration/Passes.h.inc"

} // namespace mlir::dfq

#endif // DFQ_CALIBRATION_PASSES_H
