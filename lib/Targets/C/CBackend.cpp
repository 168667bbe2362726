//===- CBackend.cpp - portable C99 model libraries ------------------------===//
//
// The whole backend: a layer is legal when dfq-lower-to-kernels scheduled
// it for `c` (per-tensor activations of at most 8 bits, signed or not;
// weights of at most 8 bits, per tensor or per channel), its kernel is the
// C function CKernel.cpp prints, and the host calls it through
// dfq_rt_run_row_kernel. No runtime of its own, no objects, no
// machine-specific flags.
//
//===----------------------------------------------------------------------===//

#include "dfq/Targets/C/CBackend.h"

#include "dfq/Dialect/DfqAttrs.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::dfq;

namespace {

class CBackend : public LibraryBackend {
public:
  std::string getTargetName() const override { return "c"; }
  bool supportsSignedActivations() const override { return true; }
  bool supportsResidualEpilogues() const override { return false; }

  LogicalResult addKernel(Operation *op, const LayerSpec &spec) override {
    auto schedule =
        op->getAttrOfType<KernelScheduleAttrInterface>(kKernelAttrName);
    if (!isa_and_nonnull<CKernelAttr>(schedule))
      return emitScheduleMismatch(op, "c");
    std::string source, error;
    if (!c::emitCKernel(spec, source, error))
      return op->emitError() << "cannot generate its kernel: " << error;
    kernels += source;
    return success();
  }

  void printKernelCall(const LayerSpec &spec, const KernelOperands &operands,
                       std::string &prototypes, std::string &body) override {
    printRowKernelCall(spec, operands, operands.splitRows, prototypes, body);
  }

  std::string getRuntimeHeader() const override { return ""; }
  std::string getCreateCheck() const override { return ""; }
  std::string getAfterPoolSetup() const override { return ""; }

  std::vector<SourceFile> getSources() const override {
    return {{"dfq_kernels.c",
             "/* dfq_kernels.c: the quantized layers of model.c, generated "
             "by dfq-compile\n * for target c (docs/design.md's integer "
             "semantics, plain C99). */\n#include \"dfq_runtime.h\"\n\n" +
                 kernels}};
  }
  FailureOr<std::vector<std::string>>
  writeObjects(StringRef, Location, KernelObjectCache &) override {
    return std::vector<std::string>();
  }
  void printObjects(llvm::raw_ostream &) const override {}

  std::vector<std::string> getCompileFlags() const override {
    // IEEE float, as the interpreter computes: no fast-math, no FMA
    // contraction; nothing tied to one machine.
    return {"-O3", "-ffp-contract=off", "-fno-math-errno"};
  }

private:
  std::string kernels;
};

} // namespace

std::unique_ptr<LibraryBackend> c::createCBackend() {
  return std::make_unique<CBackend>();
}
