//===- ModelLibrary.h - a quantized model as an x86 shared library -*- C++
//-*-===//
//
// Turns a function that dfq-lower-to-kernels has prepared into `libmodel.so`
// and `model.h`: one Halide kernel per quantized layer (LayerKernel.h),
// compiled ahead of time with its weights baked in, and generated C host
// code that runs the ops in program order on one arena whose layout is
// planned at compile time. The C ABI is documented in docs/x86.md and in the
// generated model.h.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TARGETS_X86_MODELLIBRARY_H
#define DFQ_TARGETS_X86_MODELLIBRARY_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::dfq::x86 {

struct ModelLibraryOptions {
  /// Where libmodel.so and model.h go (created if missing).
  std::string outputDir;
  /// The C compiler that builds and links the host code; empty: $CC, else
  /// the first of clang-22, clang, cc, gcc on PATH.
  std::string compiler;
  /// Keep the generated sources and objects in `outputDir`/build.
  bool keepSources = false;
  /// The target the library is built for ("x86-avx512-vnni" or
  /// "x86-avx2"); every kernel must be scheduled for it. Empty: the module's
  /// `dfq.target`, else the first kernel's schedule, else x86-avx512-vnni.
  std::string target;
  /// The exact text of the model.mlir written next to the library (the
  /// printed module, final). The library carries its fingerprint with the
  /// library's target (dfq/Support/ModelFingerprint.h) as
  /// `dfq_model_fingerprint()`. Not owned: must outlive the call.
  llvm::StringRef modelText;
};

/// What was built, for reports.
struct ModelLibrarySummary {
  int64_t kernels = 0;
  /// Bytes of the activation arena per sample of the batch.
  int64_t arenaBytesPerSample = 0;
  /// Bytes of activations per sample if every value had its own buffer.
  int64_t unplannedBytesPerSample = 0;
  /// Residual chains (`fused` in `dfq.kernel`) computed in kernel
  /// epilogues, and those left to host loops because their residual was
  /// not in the kernels' layout or order.
  int64_t fusedResidualChains = 0, unfusedResidualChains = 0;
  double compileSeconds = 0;
  /// The fingerprint the library carries (64 hex digits).
  std::string fingerprint;
};

/// Builds the library. Every failure is an error diagnostic at the op it
/// concerns (or the function), and leaves no libmodel.so/model.h behind.
LogicalResult emitModelLibrary(func::FuncOp function,
                               const ModelLibraryOptions &options,
                               ModelLibrarySummary *summary = nullptr);

} // namespace mlir::dfq::x86

#endif // DFQ_TARGETS_X86_MODELLIBRARY_H
