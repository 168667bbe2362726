//===- Interpreter.h - Reference interpreter for dfq IR ---------*- C++ -*-===//
//
// Executes a `func.func` of the dfq float dialect (dfq graph ops,
// `arith.constant` weights, `func.return`) on the numerics engine. It is the
// oracle that every later backend is compared against.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_RUNTIME_INTERPRETER_H
#define DFQ_RUNTIME_INTERPRETER_H

#include "dfq/Dialect/DfqOps.h"
#include "dfq/Runtime/Tensor.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <memory>

namespace mlir::dfq {

/// How `dfq.qconv2d` and `dfq.qgemm` are executed.
enum class QuantizedExecution {
  /// The normative integer semantics (docs/design.md): exact accumulators,
  /// fixed-point requantization. What every backend must reproduce.
  Integer,
  /// Fake quantization in real arithmetic (docs/design.md, "Simulated
  /// quantization"): dequantized operands, an f64 conv/gemm, the output
  /// quantized with the scale the layer's multiplier realizes. An independent
  /// formulation that the integer path is checked against.
  Simulated,
};

class ReferenceInterpreter {
public:
  /// Prepares `entry` for execution: checks that every op is supported and
  /// converts every constant to an engine tensor once. Unsupported ops and
  /// unreadable constants are reported as errors at their location.
  static mlir::FailureOr<std::unique_ptr<ReferenceInterpreter>>
  create(mlir::func::FuncOp entry,
         QuantizedExecution quantized = QuantizedExecution::Integer);

  ~ReferenceInterpreter();

  /// Runs the function. Input shapes must match the argument types (dynamic
  /// dimensions match any size); errors are reported at the failing op's or
  /// the function's location.
  mlir::LogicalResult run(llvm::ArrayRef<rt::Tensor> inputs,
                          llvm::SmallVectorImpl<rt::Tensor> &outputs);

  /// Called with every op and the tensor it produced, in execution order
  /// (quantized results hold their stored integers).
  using Observer =
      llvm::function_ref<void(mlir::Operation *, const rt::Tensor &)>;

  /// `run`, showing every intermediate result to `observe`.
  mlir::LogicalResult run(llvm::ArrayRef<rt::Tensor> inputs,
                          llvm::SmallVectorImpl<rt::Tensor> &outputs,
                          Observer observe);

  mlir::func::FuncOp getEntry() const { return entry; }

private:
  ReferenceInterpreter(mlir::func::FuncOp entry, QuantizedExecution quantized);
  struct Impl;
  mlir::func::FuncOp entry;
  QuantizedExecution quantized;
  std::unique_ptr<Impl> impl;
};

} // namespace mlir::dfq

#endif // DFQ_RUNTIME_INTERPRETER_H
