//===- CompiledModel.h - a libmodel.so loaded into dfq-run ------*- C++ -*-===//
//
// dlopen()s a library that dfq-compile built for an x86 target and calls it
// through the C ABI of its model.h.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TOOLS_DFQ_RUN_COMPILEDMODEL_H
#define DFQ_TOOLS_DFQ_RUN_COMPILEDMODEL_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

/// A compiled model's state (dfq_model_abi.h).
struct dfq_model;

namespace mlir::dfq {

class CompiledModel {
public:
  /// Loads `path` and creates the model for batches of up to `maxBatch`.
  /// A file that is not a complete ELF shared object for this machine is
  /// refused before dlopen() maps it (a truncated one would crash it), and
  /// a library without the ABI's fingerprint after. When `modelFile` is
  /// not empty, the library must have been built from that model.mlir: its
  /// fingerprint must equal the one computed from the file's bytes
  /// (dfq/Support/ModelFingerprint.h).
  static llvm::Expected<std::unique_ptr<CompiledModel>>
  load(const std::string &path, const std::string &modelFile, int64_t maxBatch,
       int threads);
  ~CompiledModel();

  /// Shapes with the batch first; a dynamic batch reads -1.
  const std::vector<int64_t> &inputShape() const { return input; }
  const std::vector<int64_t> &outputShape() const { return output; }
  std::string target() const;

  /// Runs `batch` samples of the single input into the first output.
  llvm::Error run(const float *samples, int64_t batch,
                  std::vector<float> &result);

  /// A step of the library's program and the seconds its profiled runs
  /// spent in it (dfq_model_step_seconds).
  struct StepTime {
    std::string name, kind;
    double seconds = 0;
  };
  /// Starts recording step times (cleared) or stops.
  llvm::Error setProfiling(bool enabled);
  std::vector<StepTime> stepTimes() const;

private:
  CompiledModel() = default;
  struct Api;
  std::unique_ptr<Api> api;
  void *handle = nullptr;
  /// The library's model (dfq_model_abi.h).
  ::dfq_model *model = nullptr;
  std::vector<int64_t> input, output;
  std::vector<std::vector<float>> extraOutputs;
};

} // namespace mlir::dfq

#endif // DFQ_TOOLS_DFQ_RUN_COMPILEDMODEL_H
