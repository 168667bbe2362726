//===- GraphBuilder.h - dfq IR to calibration graphs ------------*- C++ -*-===//
//
// Translates a function of the dfq float dialect into the plain graph the
// calibration engine runs (dfq/Calibration/Graph.h), remembering which node
// computes which SSA value so that passes can attach what the engine
// measured (ranges, statistics) back to the IR.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_CALIBRATION_GRAPHBUILDER_H
#define DFQ_CALIBRATION_GRAPHBUILDER_H

#include "dfq/Calibration/Graph.h"
#include "dfq/Runtime/Tensor.h"

#include "mlir/IR/BuiltinOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir::dfq::calib {

struct GraphFromIR {
  Graph graph;
  /// The node computing each SSA value of the function.
  llvm::DenseMap<Value, int> nodeOf;
  /// Per-sample input shape (the argument type without its batch dimension).
  std::vector<int64_t> sampleShape;
};

/// Builds the graph of `func`, which takes one input `[N, ...]` with static
/// non-batch dimensions. Unsupported ops and constants are reported at their
/// location.
FailureOr<GraphFromIR> buildGraph(func::FuncOp func);

/// What a pass that runs the network on the synthetic batch starts from:
/// the module's entry function, its graph, and the batch dfq-synthesize
/// stored (`dfq.calibration_data`) as `[samples, sample shape...]`.
struct CalibrationBatch {
  func::FuncOp entry;
  GraphFromIR graph;
  rt::Tensor input;
};

/// Loads it, or reports at the module, prefixed by `pass`: no entry
/// function; no batch (`missing` says what the batch is for); a batch that
/// does not match the input's sample size; or the graph's own errors.
FailureOr<CalibrationBatch>
loadCalibrationBatch(ModuleOp module, StringRef pass, StringRef missing);

} // namespace mlir::dfq::calib

#endif // DFQ_CALIBRATION_GRAPHBUILDER_H
