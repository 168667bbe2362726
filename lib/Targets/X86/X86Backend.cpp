//===- X86Backend.cpp - Halide kernels for x86 model libraries ------------===//
//
// Reads each layer's `dfq.kernel` schedule, narrows the host's LayerSpec to
// the Halide generator's x86::LayerKernelSpec, compiles one object per
// kernel plus Halide's runtime, and prints the calls through
// dfq_x86_runtime.c (which describes arena memory as halide_buffer_t).
//
//===----------------------------------------------------------------------===//

#include "dfq/Targets/X86/X86Backend.h"

#include "dfq/Dialect/DfqAttrs.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"

#include <atomic>
#include <thread>

using namespace mlir;
using namespace mlir::dfq;
using namespace mlir::dfq::x86;

namespace {

#include "X86RuntimeSources.inc"

class X86Backend : public LibraryBackend {
public:
  explicit X86Backend(Isa isa) : isa(isa) {}

  std::string getTargetName() const override { return isaName(isa); }
  bool supportsSignedActivations() const override { return false; }
  bool supportsResidualEpilogues() const override { return true; }

  LogicalResult addKernel(Operation *op, const LayerSpec &layer) override;
  void printKernelCall(const LayerSpec &layer, const KernelOperands &operands,
                       std::string &prototypes, std::string &body) override;

  std::string getRuntimeHeader() const override { return "dfq_x86_runtime.h"; }
  std::string getCreateCheck() const override {
    return std::string("  if (dfq_rt_check_cpu(") +
           (isa == Isa::Avx2 ? "DFQ_RT_ISA_AVX2" : "DFQ_RT_ISA_AVX512_VNNI") +
           "))\n    return NULL;";
  }
  std::string getAfterPoolSetup() const override {
    return "  dfq_rt_set_threads(1);";
  }
  std::vector<SourceFile> getSources() const override {
    return {{"dfq_x86_runtime.h", kX86RuntimeHeader, /*generated=*/false},
            {"dfq_x86_runtime.c", kX86RuntimeSource, /*generated=*/false}};
  }
  FailureOr<std::vector<std::string>> writeObjects(StringRef directory,
                                                   Location loc) override;
  void printObjects(llvm::raw_ostream &os) const override;

  std::vector<std::string> getPreferredCompilers() const override {
    // Clang first: it vectorizes the fused elementwise loops without the
    // masked divisions GCC 12 if-converts them into (measured: ResNet at
    // batch 1 is about 8% faster).
    return {"clang-22", "clang", "cc", "gcc"};
  }
  std::vector<std::string> getCompileFlags() const override {
    // Vectorized for the target's ISA, but IEEE: no fast-math, no FMA
    // contraction; -fno-math-errno only lets nearbyintf become vroundps.
    return {"-O3", isa == Isa::Avx2 ? "-march=x86-64-v3" : "-march=x86-64-v4",
            // 512-bit vectors for the fused loops: half the instructions of
            // the 256-bit ones clang picks by default (ResNet batch 1: 2.5 %
            // faster).
            isa == Isa::Avx2 ? "-mprefer-vector-width=256"
                             : "-mprefer-vector-width=512",
            "-fno-math-errno", "-ffp-contract=off"};
  }
  std::vector<std::string> getIncludeDirectories() const override {
    return {DFQ_HALIDE_INCLUDE_DIR};
  }

private:
  FailureOr<LayerSchedule> readSchedule(Operation *op);

  Isa isa;
  struct Kernel {
    Operation *op;
    LayerKernelSpec spec;
    std::unique_ptr<LayerKernel> pipeline;
  };
  std::vector<Kernel> kernels;
};

FailureOr<LayerSchedule> X86Backend::readSchedule(Operation *op) {
  auto schedule =
      op->getAttrOfType<KernelScheduleAttrInterface>(kKernelAttrName);
  auto x86 = dyn_cast_or_null<X86KernelAttr>(schedule);
  std::string built = isaName(isa);
  if (!x86 || x86.getTargetName() != built)
    return op->emitError() << "is scheduled for "
                           << (schedule ? schedule.getTargetName()
                                        : std::string("no target"))
                           << " but the library is built for " << built;
  LayerSchedule result;
  result.kind =
      x86.getKind() == KernelKind::Depthwise ? LayerSchedule::Kind::Depthwise
      : x86.getKind() == KernelKind::Grouped ? LayerSchedule::Kind::Grouped
                                             : LayerSchedule::Kind::Dense;
  result.tileChannels = x86.getTileChannels();
  result.tilePixels = x86.getTilePixels();
  result.parallel = x86.getParallel();
  result.pixelTiles = x86.getPixelTiles() == PixelTiles::Row
                          ? LayerSchedule::PixelTiles::Row
                          : LayerSchedule::PixelTiles::Image;
  result.channelTilesOuter = x86.getOuterTiles() == TileOrder::Channels;
  return result;
}

LogicalResult X86Backend::addKernel(Operation *op, const LayerSpec &layer) {
  FailureOr<LayerSchedule> schedule = readSchedule(op);
  if (failed(schedule))
    return failure();
  if (layer.inputSigned || layer.outputSigned || !layer.weightsSigned)
    return op->emitError() << "needs unsigned per-tensor activations and "
                              "signed weights on the x86 target";
  LayerKernelSpec spec;
  spec.name = layer.symbol;
  spec.isa = isa;
  spec.schedule = *schedule;
  static_cast<LayerGeometry &>(spec) = layer;
  spec.weightBits = layer.weightBits;
  spec.activationBits = layer.activationBits;
  spec.weights.assign(layer.weights.begin(), layer.weights.end());
  spec.bias = layer.bias;
  spec.multiplier = layer.multiplier;
  spec.shift = layer.shift;
  spec.weightZeroPoint = layer.weightZeroPoint;
  spec.inputZeroPoint = layer.inputZeroPoint;
  spec.outputZeroPoint = layer.outputZeroPoint;
  spec.outputMin = layer.outputMin;
  spec.outputMax = layer.outputMax;
  spec.epilogue = layer.epilogue;
  std::string error;
  std::unique_ptr<LayerKernel> pipeline = LayerKernel::create(spec, error);
  if (!pipeline)
    return op->emitError() << "cannot generate its kernel: " << error;
  kernels.push_back({op, std::move(spec), std::move(pipeline)});
  return success();
}

void X86Backend::printKernelCall(const LayerSpec &layer,
                                 const KernelOperands &operands,
                                 std::string &prototypes, std::string &body) {
  const std::string &name = layer.symbol;
  std::string inputArgs = operands.layer + ", " + operands.input + ", n, " +
                          std::to_string(layer.h) + ", " +
                          std::to_string(layer.w) + ", " +
                          std::to_string(layer.c) + ", ";
  std::string outputArgs = std::to_string(layer.outH) + ", " +
                           std::to_string(layer.outW) + ", " +
                           std::to_string(layer.o) + ", " +
                           (operands.splitRows ? "1" : "0") + ", team);\n";
  if (!layer.epilogue.enabled()) {
    prototypes += "int " + name +
                  "(struct halide_buffer_t *, struct halide_buffer_t *);\n";
    body += "  failed |= dfq_rt_run_kernel(" + name + ", " + inputArgs +
            operands.buffers[0].first + ", " + outputArgs;
    return;
  }
  // The residual, then the epilogue's outputs (LayerKernel.h), through a
  // function that passes them to the kernel.
  std::string parameters = "struct halide_buffer_t *", arguments = "b[0]",
              pointers, isFloat;
  for (auto [i, buffer] : llvm::enumerate(operands.buffers)) {
    parameters += ", struct halide_buffer_t *";
    arguments += ", b[" + std::to_string(i + 1) + "]";
    pointers += std::string(i ? ", " : "") + "(void *)" + buffer.first;
    isFloat += std::string(i ? ", " : "") + (buffer.second ? "1" : "0");
  }
  prototypes += "int " + name + "(" + parameters + ");\nstatic int " + name +
                "_call(struct halide_buffer_t **b) {\n  return " + name + "(" +
                arguments + ");\n}\n";
  body += "  {\n    void *const buffers[] = {" + pointers +
          "};\n    static const int is_float[] = {" + isFloat +
          "};\n    failed |= dfq_rt_run_epilogue_kernel(" + name + "_call, " +
          inputArgs + std::to_string(operands.buffers.size()) +
          ", buffers, is_float, " + outputArgs + "  }\n";
}

/// LLVM 22's llvm-objdump, to check the kernels' machine code for
/// instructions outside the ISA without generating it a second time as
/// assembly (LLVM's code generation is most of a kernel's compile time).
/// Empty when none is installed: the kernels then write assembly as well.
static std::string findDisassembler() {
  for (StringRef name : {"llvm-objdump-22", "llvm-objdump"})
    if (llvm::ErrorOr<std::string> path =
            llvm::sys::findProgramByName(name, {"/usr/lib/llvm-22/bin"}))
      return *path;
  return "";
}

/// Disassembles `object` and sets `bad` to its first instruction outside the
/// ISA (empty when none); false with `error` when it cannot be disassembled.
static bool checkDisassembly(StringRef disassembler, StringRef object,
                             std::string &bad, std::string &error) {
  SmallString<128> listing;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("dfq-kernel", "txt", listing)) {
    error = "cannot create a temporary file: " + ec.message();
    return false;
  }
  llvm::FileRemover removeListing(listing);
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(listing),
                                          std::nullopt};
  StringRef args[] = {disassembler, "-d", "--no-show-raw-insn",
                      "--no-leading-addr", object};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(disassembler, args, std::nullopt,
                                         redirects, 0, 0, &message);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text =
      llvm::MemoryBuffer::getFile(listing);
  if (status != 0 || !text) {
    error = (disassembler + " cannot disassemble '" + object + "'" +
             (message.empty() ? "" : ": " + message))
                .str();
    return false;
  }
  bad = forbiddenInstruction((*text)->getBuffer().str());
  return true;
}

FailureOr<std::vector<std::string>>
X86Backend::writeObjects(StringRef directory, Location loc) {
  // Each kernel is an independent Halide pipeline with its own LLVM module:
  // they compile on all cores at once (Halide compiles distinct pipelines
  // concurrently), each into its own file. Diagnostics wait for the main
  // thread.
  std::vector<std::string> objects(kernels.size()), errors(kernels.size());
  std::vector<char> compiled(kernels.size(), 0);
  std::atomic<size_t> next{0};
  std::string disassembler = findDisassembler();
  auto work = [&] {
    for (size_t i = next++; i < kernels.size(); i = next++) {
      objects[i] = (directory + "/" + kernels[i].spec.name + ".o").str();
      compiled[i] = kernels[i].pipeline->compileToObject(
          objects[i], errors[i], /*checkAssembly=*/disassembler.empty());
      std::string bad;
      if (compiled[i] && !disassembler.empty()) {
        compiled[i] =
            checkDisassembly(disassembler, objects[i], bad, errors[i]);
        if (!bad.empty()) {
          errors[i] = std::string("the generated code uses an instruction "
                                  "outside ") +
                      isaName(isa) + ": " + bad;
          compiled[i] = false;
        }
      }
    }
  };
  size_t workers = std::min<size_t>(
      kernels.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (size_t w = 1; w < workers; ++w)
    pool.emplace_back(work);
  work();
  for (std::thread &thread : pool)
    thread.join();
  for (auto [kernel, ok, error] : llvm::zip_equal(kernels, compiled, errors))
    if (!ok)
      return kernel.op->emitError() << "cannot compile its kernel: " << error;
  std::string error;
  std::string runtime = (directory + "/halide_runtime.o").str();
  if (!emitHalideRuntimeObject(isa, runtime, error))
    return emitError(loc) << "cannot emit the Halide runtime: " << error;
  objects.push_back(runtime);
  return objects;
}

void X86Backend::printObjects(llvm::raw_ostream &os) const {
  os << "// ----- kernels (Halide, " << isaName(isa) << ") -----\n";
  for (const Kernel &kernel : kernels)
    os << "// " << kernel.spec.name << ": " << kernel.pipeline->describe()
       << "\n";
}

} // namespace

std::unique_ptr<LibraryBackend> x86::createX86Backend(Isa isa) {
  return std::make_unique<X86Backend>(isa);
}
