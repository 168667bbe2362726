//===- ModelLibrary.h - a quantized model as a shared library -----*- C++
//-*-===//
//
// The host compiler every backend shares: turns a function that
// dfq-lower-to-kernels has prepared into `libmodel.so` and `model.h` (one
// kernel per quantized layer from the backend, generated C host code that
// runs the ops in program order on one arena planned at compile time), or
// prints the generated code without building it (--emit-only). The C ABI
// is documented in docs/x86.md and in the generated model.h.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TARGETS_MODELLIBRARY_H
#define DFQ_TARGETS_MODELLIBRARY_H

#include "dfq/Targets/LibraryBackend.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringRef.h"

#include "mlir/Support/Timing.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::dfq {

struct ModelLibraryOptions {
  /// Where libmodel.so and model.h go (created if missing).
  std::string outputDir;
  /// The C compiler that builds and links the host code; empty: $CC, else
  /// the backend's preferred ones on PATH.
  std::string compiler;
  /// Keep the generated sources and objects in `outputDir`/build.
  bool keepSources = false;
  /// A directory of kernel objects reused across builds (created if
  /// missing); empty: compile every kernel.
  std::string kernelCache;
  /// The exact text of the model.mlir written next to the library (the
  /// printed module, final). The library carries its fingerprint with the
  /// library's target (dfq/Support/ModelFingerprint.h) as
  /// `dfq_model_fingerprint()`. Not owned: must outlive the call.
  llvm::StringRef modelText;
  /// Where the phases of the build are timed (`dfq-compile --timing`), or
  /// null.
  TimingScope *timing = nullptr;
};

/// What was built, for reports.
struct ModelLibrarySummary {
  int64_t kernels = 0;
  /// Kernel objects compiled, and reused from the kernel cache.
  int64_t kernelObjectsCompiled = 0, kernelObjectsReused = 0;
  /// Bytes of the activation arena per sample of the batch.
  int64_t arenaBytesPerSample = 0;
  /// Bytes of activations per sample if every value had its own buffer.
  int64_t unplannedBytesPerSample = 0;
  /// Residual chains (`fused` in `dfq.kernel`) computed in kernel
  /// epilogues.
  int64_t fusedResidualChains = 0;
  double compileSeconds = 0;
  /// The fingerprint the library carries (64 hex digits).
  std::string fingerprint;
};

/// Builds the library. Every failure is an error diagnostic at the op it
/// concerns (or the function), and leaves no libmodel.so/model.h behind.
LogicalResult emitModelLibrary(func::FuncOp function, LibraryBackend &backend,
                               const ModelLibraryOptions &options,
                               ModelLibrarySummary *summary = nullptr);

/// Prints what emitModelLibrary would compile (model.h, model.c, the
/// backend's sources and kernel specs), each file after a
/// `// ----- NAME -----` line, and builds nothing. The fingerprint is
/// computed from `modelText` when given, else left as zeros.
LogicalResult printModelLibrary(func::FuncOp function, LibraryBackend &backend,
                                llvm::raw_ostream &os,
                                llvm::StringRef modelText = {});

} // namespace mlir::dfq

#endif // DFQ_TARGETS_MODELLIBRARY_H
