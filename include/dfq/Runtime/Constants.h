//===- Constants.h - Constant data as engine tensors ------------*- C++ -*-===//
//
// Shared by the reference interpreter and the calibration graph builder:
// both hand `arith.constant` weights to the numerics engine.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_RUNTIME_CONSTANTS_H
#define DFQ_RUNTIME_CONSTANTS_H

#include "dfq/Runtime/Tensor.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Support/LLVM.h"

namespace mlir::dfq::rt {

/// Converts the static f32 data of `op` (`dense`, splat or not, or a present
/// `dense_resource` blob) to an engine tensor; otherwise reports why at the
/// op and fails.
FailureOr<Tensor> convertConstant(arith::ConstantOp op);

} // namespace mlir::dfq::rt

#endif // DFQ_RUNTIME_CONSTANTS_H
