//===- LibraryBackend.h - what a target adds to the host compiler -*- C++
//-*-===//
//
// The host compiler (ModelLibrary.h) turns a lowered function into a model
// library: it schedules the ops, assigns values to a statically planned
// arena, groups elementwise chains into loops, decides which residual
// chains a kernel computes, prints the host C code and the model's C ABI,
// and drives the toolchain. A backend supplies only what differs between
// targets: whether a layer is legal and how it is scheduled, its kernel
// (source or object), the host's call of that kernel, the runtime file its
// kernels need, and the compiler flags. The x86 backend (Halide kernels) and
// the portable C backend are the two implementations; docs/targets.md shows
// how to add one.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TARGETS_LIBRARYBACKEND_H
#define DFQ_TARGETS_LIBRARYBACKEND_H

#include "dfq/Targets/LayerSpec.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <utility>
#include <vector>

namespace mlir::dfq {

/// Where the host keeps a kernel's operands, as C expressions valid inside
/// the generated program (`n` is the batch, `team` the threads running it).
struct KernelOperands {
  /// A C string literal naming the layer, for errors.
  std::string layer;
  /// The input activation's address.
  std::string input;
  /// A buffer the kernel reads or writes besides its input.
  struct Buffer {
    /// Its address.
    std::string address;
    /// Whether it holds f32 values (else bytes).
    bool isFloat = false;
    /// For the residual: whether the host program, rather than a kernel,
    /// wrote it; for an output: whether anything but a kernel's input (a
    /// host op, a residual the host reads, the model's output) reads it. A
    /// backend whose kernels keep their values in memory of their own (a
    /// GPU's) copies only these.
    bool host = true;
  };
  /// The output, or (with an epilogue) the residual and then the
  /// epilogue's outputs.
  std::vector<Buffer> buffers;
  /// Whether threads may split the output rows (a convolution with more
  /// than one output pixel, or a gemm over [N, ..., K]; a gemm's rows are
  /// otherwise its batch).
  bool splitRows = false;
  /// Whether the host program, rather than a kernel, wrote the input.
  bool inputFromHost = true;
};

/// A source file a backend adds to the library, by name and contents.
struct SourceFile {
  std::string name, contents;
  /// False for the runtime files that are the same for every model (which
  /// --emit-only names without printing them).
  bool generated = true;
  /// Generated data too large to read (the kernels' weight tables), which
  /// --emit-only names with its size.
  bool data = false;
};

/// `bytes` as a C string literal of octal escapes, 32 per line (a C
/// compiler reads one much faster than an initializer list of as many
/// numbers: 2M bytes in 0.06 s against 1.7 s). An array of exactly
/// bytes.size() elements initialized with it leaves out the literal's
/// terminating NUL, as C allows.
std::string byteStringLiteral(llvm::ArrayRef<uint8_t> bytes);

/// A float as an exact C (and CUDA C++) literal: hexadecimal, or NAN /
/// INFINITY.
std::string floatLiteral(float value);

/// Where writeObjects may find the objects of earlier builds, and what it
/// did.
struct KernelObjectCache {
  /// A directory of compiled kernels, each named after a hash of what
  /// determines its code (and of the compiler that generated it); empty:
  /// no cache.
  std::string directory;
  /// Set by writeObjects: kernel objects compiled, and objects reused from
  /// the cache.
  int64_t compiled = 0, reused = 0;
};

/// The error of a layer whose `dfq.kernel` schedule (if any) is not for the
/// target `builtFor` that a backend builds: "is scheduled for X but the
/// library is built for Y", at `op`.
LogicalResult emitScheduleMismatch(Operation *op, StringRef builtFor);

/// The host's call of a kernel that is a dfq_rt_row_kernel named
/// `spec.symbol` (dfq_runtime.h): its prototype, and a step that runs it
/// through dfq_rt_run_row_kernel, with its output rows split over the team
/// when `splitRows`.
void printRowKernelCall(const LayerSpec &spec, const KernelOperands &operands,
                        bool splitRows, std::string &prototypes,
                        std::string &body);

class LibraryBackend {
public:
  virtual ~LibraryBackend();

  /// What `dfq_model_target()` returns and the fingerprint covers.
  virtual std::string getTargetName() const = 0;

  /// Whether kernels may read and write signed (int8_t) activations; the
  /// host converts to and from them in either case.
  virtual bool supportsSignedActivations() const = 0;
  /// Whether kernels compute residual epilogues (LayerSpec::epilogue);
  /// otherwise the host computes every residual chain in its own loops.
  virtual bool supportsResidualEpilogues() const = 0;

  /// Checks that the target runs `spec` (and reads the op's schedule), and
  /// records its kernel. Errors are reported at `op`.
  virtual LogicalResult addKernel(Operation *op, const LayerSpec &spec) = 0;

  /// The host code of the kernel added last: declarations at file scope
  /// (`prototypes`) and the statements of its step (`body`), which set
  /// `failed` on an error; the host program ends the step after them (with
  /// a barrier of the team).
  virtual void printKernelCall(const LayerSpec &spec,
                               const KernelOperands &operands,
                               std::string &prototypes, std::string &body) = 0;

  /// The runtime header model.c includes besides dfq_runtime.h (empty for
  /// none), and C statements that dfq_model_create runs before it
  /// allocates (return NULL with dfq_rt_fail on a machine that cannot run
  /// the kernels) and after it has created the thread pool.
  virtual std::string getRuntimeHeader() const = 0;
  virtual std::string getCreateCheck() const = 0;
  virtual std::string getAfterPoolSetup() const = 0;
  /// C statements dfq_model_destroy runs before it frees the arena
  /// (`model->arena`).
  virtual std::string getDestroyCode() const;

  /// The backend's C sources: its runtime and, for backends that generate
  /// C, the kernels. Written next to model.c and compiled with it.
  virtual std::vector<SourceFile> getSources() const = 0;
  /// Writes the backend's precompiled objects (none for a C backend) into
  /// `directory`, returning their paths for the link; takes what it can
  /// from `cache` and adds what it compiles (a cache that cannot be read or
  /// written is not an error: the kernels are compiled). Errors at `loc`,
  /// or at the op whose kernel failed.
  virtual FailureOr<std::vector<std::string>>
  writeObjects(StringRef directory, Location loc, KernelObjectCache &cache) = 0;
  /// Prints, for --emit-only, what writeObjects would compile (kernel
  /// specs and schedules); C backends print nothing (their kernels are in
  /// getSources()).
  virtual void printObjects(llvm::raw_ostream &os) const = 0;

  /// The C compilers to try, in order, when neither the caller nor $CC
  /// names one.
  virtual std::vector<std::string> getPreferredCompilers() const;
  /// Flags for compiling model.c and the runtime (besides -I, -fPIC and
  /// -shared, which the host adds).
  virtual std::vector<std::string> getCompileFlags() const = 0;
  /// Flags for linking libmodel.so besides its objects and the host
  /// runtime's libraries (a backend's runtime libraries); valid after
  /// writeObjects.
  virtual std::vector<std::string> getLinkFlags() const;
  /// Include directories the kernels' or runtime's headers need.
  virtual std::vector<std::string> getIncludeDirectories() const;
};

} // namespace mlir::dfq

#endif // DFQ_TARGETS_LIBRARYBACKEND_H
