//===- DfqOps.h - dfq operations --------------------------------*- C++ -*-===//

#ifndef DFQ_DIALECT_DFQOPS_H
#define DFQ_DIALECT_DFQOPS_H

#include "dfq/Dialect/DfqAttrs.h"
#include "dfq/Dialect/DfqDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dfq/DfqOps.h.inc"

#include <string>

namespace mlir::dfq {

/// The `dfq.transpose` permutations between NCHW and channels-last NHWC.
inline constexpr int64_t kNchwToNhwc[] = {0, 2, 3, 1};
inline constexpr int64_t kNhwcToNchw[] = {0, 3, 1, 2};

/// The name a person knows a layer by: the first name in its location (the
/// ONNX node name, also inside the fused locations that folding creates), or
/// the op name when there is none.
std::string getLayerName(Operation *op);

/// The function a dfq tool runs: `@main`, or the module's only function;
/// null when there is neither.
func::FuncOp findEntryFunction(ModuleOp module);

} // namespace mlir::dfq

#endif // DFQ_DIALECT_DFQOPS_H
