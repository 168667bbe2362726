//===- CudaBackend.cpp - CUDA model libraries -----------------------------===//
//
// A layer is legal when dfq-lower-to-kernels scheduled it for this target
// (#dfq.cuda_kernel); its kernel is printed by CudaKernel.cpp and called by
// the host through dfq_rt_run_row_kernel. On the GPU the kernels and the
// device runtime are compiled by nvcc (ptxas with --warn-on-spills as an
// error: no kernel spills registers to local memory) and linked against the
// CUDA runtime; on the CPU they are C compiled with model.c.
//
//===----------------------------------------------------------------------===//

#include "dfq/Targets/Cuda/CudaBackend.h"

#include "dfq/Dialect/DfqAttrs.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <cstdlib>

using namespace mlir;
using namespace mlir::dfq;
using namespace mlir::dfq::cuda;

namespace {
#include "CudaArenaSources.inc"
#include "CudaDeviceRuntimeSources.inc"
#include "CudaEmulationSources.inc"
#include "CudaSharedSources.inc"

/// nvcc: $DFQ_NVCC, else $CUDA_HOME/bin/nvcc, else on PATH, else
/// /usr/local/cuda/bin/nvcc; empty (with `why`) when none is found.
std::string findNvcc(std::string &why) {
  if (const char *named = std::getenv("DFQ_NVCC")) {
    if (llvm::sys::fs::can_execute(named))
      return named;
    why = std::string(" ($DFQ_NVCC names '") + named +
          "', which is not an executable)";
    return "";
  }
  if (const char *home = std::getenv("CUDA_HOME")) {
    std::string path = std::string(home) + "/bin/nvcc";
    if (llvm::sys::fs::can_execute(path))
      return path;
  }
  if (llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName("nvcc"))
    return *found;
  if (llvm::sys::fs::can_execute("/usr/local/cuda/bin/nvcc"))
    return "/usr/local/cuda/bin/nvcc";
  return "";
}

class CudaBackend : public LibraryBackend {
public:
  CudaBackend(int sm, Render render) : sm(sm), render(render) {}

  std::string getTargetName() const override {
    return "cuda-sm" + std::to_string(sm) +
           (render == Render::Host ? "-emulated" : "");
  }
  bool supportsSignedActivations() const override { return false; }
  bool supportsResidualEpilogues() const override { return true; }

  LogicalResult addKernel(Operation *op, const LayerSpec &spec) override {
    auto schedule =
        op->getAttrOfType<KernelScheduleAttrInterface>(kKernelAttrName);
    auto cuda = dyn_cast_or_null<CudaKernelAttr>(schedule);
    std::string built = "cuda-sm" + std::to_string(sm);
    if (!cuda || cuda.getTargetName() != built)
      return emitScheduleMismatch(op, built);
    CudaSchedule kernel;
    kernel.sm = cuda.getSm();
    kernel.kind = stringifyKernelKind(cuda.getKind()).str();
    kernel.tileM = cuda.getTileM();
    kernel.tileN = cuda.getTileN();
    kernel.tileK = cuda.getTileK();
    kernel.warpsM = cuda.getWarpsM();
    kernel.warpsN = cuda.getWarpsN();
    kernel.stages = cuda.getStages();
    std::string source, error;
    if (!emitCudaKernel(spec, kernel, render, source, error))
      return op->emitError() << "cannot generate its kernel: " << error;
    kernels += source;
    return success();
  }

  void printKernelCall(const LayerSpec &spec, const KernelOperands &operands,
                       std::string &prototypes, std::string &body) override {
    prototypes += "int " + spec.symbol +
                  "(const uint8_t *, void *const *, int64_t, void *);\n";
    // The kernels run on the device mirror of the arena; a value goes there
    // only when the host wrote it, and back only when the host reads it.
    std::string pointers, bytes, copies;
    std::string outputElements = std::to_string(spec.outH * spec.outW * spec.o);
    for (auto [i, buffer] : llvm::enumerate(operands.buffers)) {
      bool isResidual = spec.epilogue.enabled() && i == 0;
      std::string separator = i ? ", " : "";
      pointers += separator + "(void *)" + buffer.address;
      bytes += separator + "(size_t)(n * " + outputElements +
               (buffer.isFloat ? " * 4" : "") + ")";
      copies += separator + (!buffer.host ? "DFQ_CUDA_STAYS"
                             : isResidual ? "DFQ_CUDA_IN"
                                          : "DFQ_CUDA_OUT");
    }
    body += "  {\n    void *const buffers[] = {" + pointers +
            "};\n    const size_t bytes[] = {" + bytes +
            "};\n    static const int copies[] = {" + copies +
            "};\n    failed |= dfq_cuda_layer(" + spec.symbol + ", " +
            operands.layer + ", " + operands.input + ", (size_t)(n * " +
            std::to_string(spec.h * spec.w * spec.c) + "), " +
            (operands.inputFromHost ? "1" : "0") + ", " +
            std::to_string(operands.buffers.size()) +
            ", buffers, bytes, copies, n, team);\n  }\n";
  }

  std::string getRuntimeHeader() const override { return "dfq_cuda_runtime.h"; }
  std::string getCreateCheck() const override {
    if (render == Render::Host)
      return "";
    return "  if (dfq_cuda_check(" + std::to_string(sm) +
           "))\n    return NULL;";
  }
  std::string getAfterPoolSetup() const override {
    return "  if (dfq_cuda_register_arena(model->arena, bytes)) {\n"
           "    dfq_rt_pool_destroy(model->pool);\n"
           "    free(model->arena);\n"
           "    free(model);\n"
           "    return NULL;\n"
           "  }";
  }
  std::string getDestroyCode() const override {
    return "  dfq_cuda_unregister_arena(model->arena);";
  }

  std::vector<SourceFile> getSources() const override {
    std::vector<SourceFile> sources = {
        {"dfq_cuda_common.h", kCudaSharedRuntimeHeader, /*generated=*/false},
        {"dfq_cuda_runtime.h", kCudaArenaRuntimeHeader, /*generated=*/false},
        {"dfq_cuda_arena.c", kCudaArenaRuntimeSource, /*generated=*/false}};
    if (render == Render::Host) {
      sources.push_back(
          {"dfq_cuda_emu.h", kCudaEmuRuntimeHeader, /*generated=*/false});
      sources.push_back(
          {"dfq_cuda_emu.c", kCudaEmuRuntimeSource, /*generated=*/false});
      sources.push_back(
          {"dfq_kernels.c",
           "/* dfq_kernels.c: the quantized layers of model.c, generated "
           "by dfq-compile for\n * " +
               getTargetName() +
               ": the CUDA kernels rendered for the CPU, their "
               "warp-collective\n * instructions run through the lane-level "
               "model of dfq_cuda_emu.h. */\n#include <stdlib.h>\n"
               "#include <string.h>\n\n#include \"dfq_cuda_common.h\"\n"
               "#include \"dfq_cuda_emu.h\"\n#include \"dfq_runtime.h\"\n\n" +
               kernels});
      return sources;
    }
    sources.push_back(
        {"dfq_cuda_device.cuh", kCudaSharedRuntimeSource, /*generated=*/false});
    sources.push_back(
        {"dfq_cuda_runtime.cu", kCudaDeviceRuntimeSource, /*generated=*/false});
    sources.push_back(
        {"dfq_kernels.cu",
         "/* dfq_kernels.cu: the quantized layers of model.c, generated by "
         "dfq-compile for\n * " +
             getTargetName() +
             " (mma.sync m16n8k32 u8 x s8, ldmatrix, cp.async). */\n"
             "#include <cuda_runtime.h>\n\n#include \"dfq_cuda_common.h\"\n"
             "#include \"dfq_cuda_device.cuh\"\n"
             "#include \"dfq_cuda_runtime.h\"\n\n" +
             kernels});
    return sources;
  }

  FailureOr<std::vector<std::string>>
  writeObjects(StringRef directory, Location loc,
               KernelObjectCache &cache) override {
    if (render == Render::Host)
      return std::vector<std::string>();
    std::string why;
    std::string nvcc = findNvcc(why);
    if (nvcc.empty())
      return emitError(loc)
             << "cannot build a " << getTargetName()
             << " library: nvcc not found"
             << (why.empty() ? std::string(" (set DFQ_NVCC or CUDA_HOME, or "
                                           "put nvcc on PATH)")
                             : why)
             << "; --emulate-gpu builds the same kernels for the CPU";
    std::string arch = std::to_string(sm);
    std::vector<std::string> objects;
    for (StringRef name : {"dfq_kernels.cu", "dfq_cuda_runtime.cu"}) {
      std::string source = (directory + "/" + name).str();
      std::string object = source + ".o", log = source + ".log";
      std::vector<std::string> args = {nvcc,
                                       "-std=c++17",
                                       "-O3",
                                       "-Xcompiler",
                                       "-fPIC",
                                       "-gencode",
                                       "arch=compute_" + arch + ",code=[sm_" +
                                           arch + ",compute_" + arch + "]",
                                       "-Xptxas",
                                       "--warn-on-spills,--warning-as-error",
                                       "-I" + directory.str(),
                                       "-c",
                                       source,
                                       "-o",
                                       object};
      SmallVector<StringRef> argRefs(args.begin(), args.end());
      std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log),
                                              StringRef(log)};
      std::string message;
      int status = llvm::sys::ExecuteAndWait(nvcc, argRefs, std::nullopt,
                                             redirects, 0, 0, &message);
      if (status != 0) {
        std::string output;
        if (auto text = llvm::MemoryBuffer::getFile(log))
          output = (*text)->getBuffer().take_back(4000).str();
        return emitError(loc)
               << "nvcc failed on " << name << " (status " << status
               << (message.empty() ? "" : ": ") << message << "):\n"
               << output;
      }
      ++cache.compiled;
      objects.push_back(object);
    }
    cudaLibraryDirectory =
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(nvcc)).str() +
        "/lib64";
    return objects;
  }
  void printObjects(llvm::raw_ostream &) const override {}

  std::vector<std::string> getCompileFlags() const override {
    return {"-O3", "-ffp-contract=off", "-fno-math-errno"};
  }
  std::vector<std::string> getLinkFlags() const override {
    if (render == Render::Host)
      return {};
    return {"-L" + cudaLibraryDirectory, "-Wl,-rpath," + cudaLibraryDirectory,
            "-lcudart", "-lstdc++"};
  }

private:
  int sm;
  Render render;
  std::string kernels;
  /// Where writeObjects found libcudart.
  std::string cudaLibraryDirectory;
};

} // namespace

std::unique_ptr<LibraryBackend> cuda::createCudaBackend(int sm, Render render) {
  return std::make_unique<CudaBackend>(sm, render);
}
