//===- dfq-compile.cpp - The one-shot quantizing compiler -----------------===//
//
// dfq-compile MODEL.onnx|MODEL.mlir -o OUTDIR [--wbits W] [--abits A]
//     [--first-last-bits N|same] [--calib dsg|zeroq|none|real:PATH]
//     [--target ref|x86|x86-avx512-vnni|x86-avx2|c|cuda-sm80|cuda-sm90]
//     [--emulate-gpu] [--target-file FILE]
//     [--mpc LOW/HIGH [--no-compensation]] [--seed N] [--threads N]
//
// Runs the pipeline import -> dfq-synthesize (dsg, zeroq; Gaussian noise for
// `none`) -> [dfq-compensate-mpc] -> dfq-fold-bn -> dfq-calibrate-ranges ->
// dfq-quantize, under the target's description (#dfq.target: built in, or
// from --target-file), and writes
// OUTDIR/model.mlir (the quantized IR, run by dfq-run's reference
// interpreter) and OUTDIR/report.json. Outputs are written to temporary
// files and renamed at the end, so a failure leaves nothing half-written.
//
//===----------------------------------------------------------------------===//

#include "Report.h"

#include "dfq/Calibration/Passes.h"
#include "dfq/Conversion/Passes.h"
#include "dfq/Dialect/DfqDialect.h"
#include "dfq/Dialect/DfqOps.h"
#include "dfq/Import/OnnxImporter.h"
#include "dfq/Pipelines/CompilePipeline.h"
#include "dfq/Runtime/Interpreter.h"
#include "dfq/Support/CommandLine.h"
#include "dfq/Support/DatasetIO.h"
#include "dfq/Targets/Backends.h"
#include "dfq/Targets/ModelLibrary.h"
#include "dfq/Targets/Passes.h"
#include "dfq/Targets/TargetRegistry.h"
#include "dfq/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("dfq-compile options");
static cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx|model.mlir>"),
                                      cl::cat(category));
static cl::opt<std::string> outDir("o", cl::Required,
                                   cl::desc("Output directory"),
                                   cl::value_desc("OUTDIR"), cl::cat(category));
static cl::opt<std::string> inputShapeOpt(
    "input-shape",
    cl::desc("Shape of the ONNX model's input, fixing the dimensions the file "
             "leaves dynamic and making '?' dimensions dynamic (e.g. "
             "?x3x224x224 for a model exported with batch 1)"),
    cl::value_desc("SHAPE"), cl::cat(category));
static cl::opt<int64_t> wbits("wbits", cl::desc("Weight bits (2..8)"),
                              cl::init(8), cl::cat(category));
static cl::opt<int64_t> abits("abits", cl::desc("Activation bits (2..8)"),
                              cl::init(8), cl::cat(category));
static cl::opt<std::string> firstLastBits(
    "first-last-bits",
    cl::desc("Bits of the first conv and the last gemm: N (2..8) or 'same' "
             "(default 8)"),
    cl::init("8"), cl::cat(category));
static cl::opt<std::string>
    calib("calib",
          cl::desc("How activation ranges are found: dsg, zeroq, none "
                   "(Gaussian noise, no data) or real:PATH (IDX or .npy)"),
          cl::init("dsg"), cl::cat(category));
static cl::opt<std::string> target(
    "target",
    cl::desc(
        "ref (the reference interpreter runs model.mlir), x86 (alias "
        "of x86-avx512-vnni) or x86-avx2: libmodel.so + model.h with Halide "
        "kernels; c: the same as portable C99, for any machine; cuda-sm80, "
        "cuda-sm90: generated tensor-core kernels for NVIDIA GPUs (Ampere, "
        "Hopper), built with nvcc"),
    cl::init("ref"), cl::cat(category));
static cl::opt<bool> emulateGpu(
    "emulate-gpu",
    cl::desc("cuda targets: build the library for the CPU, running the same "
             "generated kernels through a lane-level model of the tensor-core "
             "instructions (bit-exact, slow; for machines without a GPU or "
             "nvcc)"),
    cl::init(false), cl::cat(category));
static cl::opt<std::string> targetFile(
    "target-file",
    cl::desc("A target description (one #dfq.target<...> in MLIR attribute "
             "syntax, docs/targets.md): quantize only what it runs. Its "
             "backend must be the one --target builds; with --target ref, "
             "model.mlir is written for the reference interpreter"),
    cl::value_desc("FILE"), cl::cat(category));
static cl::opt<bool> equalize(
    "equalize",
    cl::desc("Cross-layer equalization with bias absorption (dfq-equalize) "
             "before BatchNorm folding: the remedy for per-tensor weights "
             "on depthwise networks"),
    cl::init(false), cl::cat(category));
static cl::opt<bool> relu6AsRelu(
    "relu6-as-relu",
    cl::desc("With --equalize: equalize across ReLU6 by replacing it with "
             "ReLU inside equalized pairs (changes the float model)"),
    cl::init(false), cl::cat(category));
static cl::opt<bool> correctBias(
    "correct-bias",
    cl::desc("Data-free bias correction (dfq-correct-bias, Nagel et al. "
             "2019) of the weight quantization error before quantizing: the "
             "remedy, with --equalize, for per-tensor weights"),
    cl::cat(category));
static cl::opt<std::string> reconstruct(
    "reconstruct",
    cl::desc("Learn each layer's weight rounding on the synthetic batch "
             "before quantizing (dfq-reconstruct): adaround (Nagel et al. "
             "2020, layer by layer, activations float while it learns). "
             "Default: round to nearest"),
    cl::value_desc("METHOD"), cl::init(""), cl::cat(category));
static cl::opt<int64_t> reconstructIterations(
    "reconstruct-iterations",
    cl::desc("Adam steps per layer of --reconstruct (default 1000)"),
    cl::init(1000), cl::cat(category));
static cl::opt<std::string> reconstructScale(
    "reconstruct-scale",
    cl::desc("Per-channel weight scale --reconstruct learns on: mse (the "
             "clipping with the least weight error, the default) or max "
             "(dfq-quantize's own: the largest |w| on the largest code)"),
    cl::value_desc("mse|max"), cl::init("mse"), cl::cat(category));
static cl::opt<bool> timing(
    "timing",
    cl::desc("Print how long each stage took, as a tree (mlir-opt's "
             "--mlir-timing): import, every pass, the report's layer SQNR, "
             "the library's phases, and writing the outputs"),
    cl::init(false));
static cl::opt<bool> keepSources(
    "keep-sources",
    cl::desc("x86 targets: keep the generated C and objects in OUTDIR/build"),
    cl::init(false), cl::cat(category));
static cl::opt<std::string> kernelCache(
    "kernel-cache",
    cl::desc("x86 targets: a directory of compiled kernels reused across "
             "builds, keyed by what determines their code and by this dfq "
             "and Halide ('none': compile every kernel). Default: "
             "$DFQ_KERNEL_CACHE, else $XDG_CACHE_HOME/dfq/kernels, else "
             "~/.cache/dfq/kernels"),
    cl::value_desc("DIR"), cl::cat(category));
static cl::opt<bool> fuseResiduals(
    "fuse-residuals",
    cl::desc("x86 and CUDA targets: compute the float tail of residual "
             "blocks (dequantize, add, ReLU, quantize) in the kernel "
             "epilogues instead of host loops (bit-identical). Default: on "
             "for CUDA, where a host loop costs two PCIe copies; off for "
             "x86, where it was not faster (docs/x86.md)"),
    cl::init(false), cl::cat(category));
static cl::opt<bool> quantizeSkips(
    "quantize-skips",
    cl::desc("Residual adds read the skip connection from its activation "
             "codes instead of in float (dfq-quantize-skips: one more "
             "quantization on the skip path, as int8 runtimes do; fewer "
             "bytes between blocks)"),
    cl::init(false), cl::cat(category));
static cl::opt<int64_t> samples("samples",
                                cl::desc("Synthetic calibration images"),
                                cl::init(32), cl::cat(category));
static cl::opt<int64_t> iterations("iterations",
                                   cl::desc("Synthesis iterations"),
                                   cl::init(500), cl::cat(category));
static cl::opt<double> calibTimeLimit(
    "calib-time-limit",
    cl::desc("Wall-clock seconds data-free synthesis may take (0: no "
             "limit); it stops early, keeping the images reached"),
    cl::value_desc("seconds"), cl::init(0), cl::cat(category));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of all randomness"),
                              cl::init(0), cl::cat(category));
static cl::opt<std::string> observer("observer",
                                     cl::desc("Range estimator: minmax, "
                                              "percentile or mse"),
                                     cl::init("minmax"), cl::cat(category));
static cl::opt<float> meanOpt(
    "mean",
    cl::desc("Input preprocessing: images in [0, 1] minus this mean (sets "
             "the input's quantization range; default Fashion-MNIST's)"),
    cl::init(0.2860f), cl::cat(category));
static cl::opt<float>
    stdOpt("std",
           cl::desc("Input preprocessing: divided by this deviation (default "
                    "Fashion-MNIST's)"),
           cl::init(0.3530f), cl::cat(category));
static cl::opt<bool> measureInputRange(
    "measure-input-range",
    cl::desc("Take the input's range from the calibration images instead of "
             "the preprocessing"),
    cl::cat(category));
static cl::opt<std::string>
    budget("budget",
           cl::desc("Choose each layer's weight bits under a budget "
                    "(dfq-assign-bits): avg-bits:B, size:BYTES or bops:N"),
           cl::cat(category));
static cl::opt<std::string>
    bitChoices("bit-choices",
               cl::desc("With --budget: the bit widths a layer may get"),
               cl::init("2,3,4,6,8"), cl::cat(category));
static cl::opt<std::string>
    mpc("mpc",
        cl::desc("DF-MPC pairs LOW/HIGH (2/6, 3/6, 2/8): low-bit layers "
                 "compensated by their high-bit successors; layers outside "
                 "pairs take HIGH bits unless --wbits is given"),
        cl::value_desc("LOW/HIGH"), cl::cat(category));
static cl::opt<bool> noCompensation(
    "no-compensation",
    cl::desc("With --mpc: same pairs and bits without the compensation (the "
             "ablation)"),
    cl::cat(category));

/// The kernel cache directory --kernel-cache and the environment name;
/// empty for none.
static std::string kernelCacheDirectory() {
  if (kernelCache.getNumOccurrences())
    return kernelCache == "none" ? "" : kernelCache.getValue();
  if (const char *dir = std::getenv("DFQ_KERNEL_CACHE"); dir && *dir)
    return std::string(dir) == "none" ? "" : dir;
  if (const char *dir = std::getenv("XDG_CACHE_HOME"); dir && *dir)
    return std::string(dir) + "/dfq/kernels";
  if (const char *home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/dfq/kernels";
  return "";
}

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "dfq-compile") << message << "\n";
  return 1;
}

/// Writes `text` to `path` through a temporary file in the same directory.
static llvm::Error writeAtomically(StringRef path, StringRef text) {
  llvm::SmallString<256> temp;
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%", fd, temp))
    return llvm::createStringError(ec, "cannot create a file in '%s'",
                                   outDir.c_str());
  {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << text;
    out.close();
    if (out.has_error()) {
      out.clear_error();
      llvm::sys::fs::remove(temp);
      return llvm::createStringError(std::errc::io_error, "cannot write '%s'",
                                     path.str().c_str());
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
    llvm::sys::fs::remove(temp);
    return llvm::createStringError(ec, "cannot write '%s'", path.str().c_str());
  }
  return llvm::Error::success();
}

/// The images the report's SQNR is measured on: the synthetic batch in the
/// module, or the real calibration images; at most 256 images and 2^21 input
/// values (13 images at 3x224x224), which measure each layer's SQNR on
/// millions of values while the report's two interpreter runs stay a few
/// seconds on large networks.
static FailureOr<dfq::rt::Tensor> reportImages(ModuleOp module,
                                               StringRef realData) {
  func::FuncOp entry = dfq::findEntryFunction(module);
  if (!entry || entry.getNumArguments() != 1)
    return failure();
  auto argType = dyn_cast<RankedTensorType>(entry.getArgument(0).getType());
  if (!argType)
    return failure();
  std::vector<int64_t> sampleShape(argType.getShape().begin() + 1,
                                   argType.getShape().end());
  int64_t sampleSize = 1;
  for (int64_t d : sampleShape)
    sampleSize *= d;
  std::vector<float> data;
  if (auto attr = module->getAttrOfType<DenseF32ResourceElementsAttr>(
          "dfq.calibration_data")) {
    if (std::optional<ArrayRef<float>> values = attr.tryGetAsArrayRef())
      data.assign(values->begin(), values->end());
  } else if (!realData.empty()) {
    dfq::FloatArray images;
    if (realData.ends_with(".npy")) {
      llvm::Expected<dfq::FloatArray> array = dfq::readNpy(realData);
      if (!array) {
        llvm::consumeError(array.takeError());
        return failure();
      }
      images = std::move(*array);
    } else {
      llvm::Expected<dfq::ByteArray> bytes = dfq::readIdxFile(realData);
      if (!bytes) {
        llvm::consumeError(bytes.takeError());
        return failure();
      }
      images = dfq::normalizeImages(*bytes, meanOpt, stdOpt);
    }
    data = std::move(images.data);
  }
  if (data.empty() || sampleSize == 0 || data.size() % sampleSize)
    return failure();
  size_t maxImages = std::clamp<size_t>((size_t(1) << 21) / sampleSize, 1, 256);
  data.resize(std::min<size_t>(data.size(), maxImages * sampleSize));
  // Synthetic images stray outside the input's range, which the quantized
  // model clips and the float one does not; clipping both measures the
  // layers' error rather than that of the input range.
  if (auto range = entry.getArgAttrOfType<DenseF64ArrayAttr>(0, "dfq.range");
      range && range.size() == 2)
    for (float &v : data)
      v = float(std::clamp<double>(v, range[0], range[1]));
  std::vector<int64_t> shape = {int64_t(data.size()) / sampleSize};
  shape.insert(shape.end(), sampleShape.begin(), sampleShape.end());
  return dfq::rt::Tensor::fromF32(shape, data.data());
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::dfq::keepFreedMemoryInProcess();
  cl::HideUnrelatedOptions(category);
  cl::AddExtraVersionPrinter(
      [](llvm::raw_ostream &os) { os << "dfq-compile (dfq 0.1, MLIR 22)\n"; });
  cl::opt<int> *threadsOpt = mlir::dfq::adoptThreadsOption(
      category, "Engine threads (0: every hardware thread)");
  if (!mlir::dfq::parseCommandLine(argc, argv,
                                   "dfq-compile: quantize a float model "
                                   "without its training data\n"))
    return 1;
  int threads = threadsOpt ? threadsOpt->getValue() : 0;

  // Options first: nothing is read or written for a bad command line.
  if (wbits < 2 || wbits > 8 || abits < 2 || abits > 8)
    return fail("--wbits and --abits must lie in [2, 8], got " +
                llvm::Twine(wbits) + " and " + llvm::Twine(abits));
  int64_t edgeBits = 0;
  if (firstLastBits != "same" &&
      (StringRef(firstLastBits).getAsInteger(10, edgeBits) || edgeBits < 2 ||
       edgeBits > 8))
    return fail("--first-last-bits must be 'same' or lie in [2, 8], got '" +
                firstLastBits + "'");
  std::string synthesis, realData;
  StringRef calibration = calib;
  if (calibration == "dsg" || calibration == "zeroq")
    synthesis = calibration.str();
  else if (calibration == "none")
    synthesis = "gaussian";
  else if (calibration.consume_front("real:") && !calibration.empty())
    realData = calibration.str();
  else
    return fail("--calib must be dsg, zeroq, none or real:PATH, got '" + calib +
                "'");
  std::string kernelTarget;
  if (target == "x86" || target == "x86-avx512-vnni")
    kernelTarget = "x86-avx512-vnni";
  else if (target == "x86-avx2")
    kernelTarget = "x86-avx2";
  else if (target == "c" || target == "cuda-sm80" || target == "cuda-sm90")
    kernelTarget = target;
  else if (target != "ref")
    return fail("--target " + target +
                " is not available; use ref, x86 (x86-avx512-vnni), "
                "x86-avx2, c, cuda-sm80 or cuda-sm90");
  if (!reconstruct.empty() && reconstruct != "adaround")
    return fail("--reconstruct must be adaround, got '" + reconstruct + "'");
  if (reconstructIterations < 0)
    return fail("--reconstruct-iterations must not be negative");
  if (reconstructScale != "mse" && reconstructScale != "max")
    return fail("--reconstruct-scale must be mse or max, got '" +
                reconstructScale + "'");
  if (!reconstruct.empty() && !realData.empty() && budget.empty())
    return fail("--reconstruct learns the rounding on the synthetic "
                "calibration batch; use --calib dsg, zeroq or none");
  bool cudaTarget = StringRef(kernelTarget).starts_with("cuda-");
  // On CUDA a residual chain left to the host costs a copy of the layer's
  // output to the host and of the chain's result back, so they join the
  // epilogues unless asked not to; the C backend has no epilogues.
  bool fuseChains =
      kernelTarget != "c" && !kernelTarget.empty() &&
      (fuseResiduals.getNumOccurrences() ? bool(fuseResiduals) : cudaTarget);
  if (emulateGpu && !cudaTarget)
    return fail("--emulate-gpu needs a cuda target (--target cuda-sm80 or "
                "cuda-sm90)");
  if (!targetFile.empty() && !llvm::sys::fs::exists(targetFile))
    return fail("target description '" + targetFile + "' does not exist");
  if (!budget.empty()) {
    auto [kind, value] = StringRef(budget).split(':');
    double amount = 0;
    if ((kind != "avg-bits" && kind != "size" && kind != "bops") ||
        value.getAsDouble(amount) || !(amount > 0) || std::isinf(amount))
      return fail("--budget must be avg-bits:B, size:BYTES or bops:N with a "
                  "positive number, got '" +
                  budget + "'");
    SmallVector<StringRef> parts;
    StringRef(bitChoices).split(parts, ',');
    for (StringRef part : parts) {
      int64_t bits = 0;
      if (part.trim().getAsInteger(10, bits) || bits < 2 || bits > 8)
        return fail("--bit-choices must list bit widths in [2, 8], got '" +
                    bitChoices + "'");
    }
  }
  int64_t mpcLow = 0, mpcHigh = 0;
  if (!mpc.empty()) {
    auto [lowText, highText] = StringRef(mpc).split('/');
    if (lowText.getAsInteger(10, mpcLow) ||
        highText.getAsInteger(10, mpcHigh) || (mpcLow != 2 && mpcLow != 3) ||
        mpcHigh <= mpcLow || mpcHigh > 8)
      return fail("--mpc must be LOW/HIGH with LOW 2 or 3 and HIGH in "
                  "(LOW, 8], got '" +
                  mpc + "'");
    if (wbits.getNumOccurrences() == 0)
      wbits = mpcHigh;
  } else if (noCompensation) {
    return fail("--no-compensation needs --mpc");
  }
  if (relu6AsRelu && !equalize)
    return fail("--relu6-as-relu needs --equalize");
  if (!(stdOpt > 0) || !std::isfinite(stdOpt))
    return fail("--std must be positive and finite");
  if (!std::isfinite(meanOpt))
    return fail("--mean must be finite");
  if (threads < 0 || threads > dfq::kMaxThreads)
    return fail("--threads must lie in [0, " + llvm::Twine(dfq::kMaxThreads) +
                "], got " + llvm::Twine(threads));
  if (samples <= 0 || iterations < 0)
    return fail("--samples must be positive and --iterations non-negative");
  if (!(calibTimeLimit >= 0) || std::isinf(calibTimeLimit))
    return fail("--calib-time-limit must be a non-negative number of "
                "seconds, got " +
                std::to_string(calibTimeLimit.getValue()));
  if (!realData.empty() && !llvm::sys::fs::exists(realData))
    return fail("calibration data '" + realData + "' does not exist");

  DialectRegistry registry;
  registry.insert<dfq::DfqDialect, arith::ArithDialect, func::FuncDialect,
                  quant::QuantDialect>();
  MLIRContext context(registry);
  // Remarks and errors name the layer; the op's IR adds only noise here.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  // The description before the model: a bad one is a bad command line.
  dfq::TargetAttr description;
  if (!targetFile.empty()) {
    FailureOr<dfq::TargetAttr> loaded =
        dfq::loadTargetFile(&context, targetFile);
    if (failed(loaded))
      return 1;
    description = *loaded;
    dfq::Backend builds = kernelTarget == "c" ? dfq::Backend::C
                          : cudaTarget        ? dfq::Backend::Cuda
                                              : dfq::Backend::X86;
    if (!kernelTarget.empty() && description.getBackend() != builds)
      return fail("--target-file '" + targetFile + "' describes a '" +
                  dfq::stringifyBackend(description.getBackend()) +
                  "' target; --target " + target + " builds " +
                  dfq::stringifyBackend(builds).str() + " libraries");
  } else if (!kernelTarget.empty()) {
    std::string error;
    FailureOr<dfq::TargetAttr> builtin =
        dfq::getBuiltinTarget(&context, kernelTarget, error);
    if (failed(builtin))
      return fail(error);
    description = *builtin;
  }

  // Declared before the root scope, which must stop first; prints the
  // report when it is destroyed.
  DefaultTimingManager timingManager;
  timingManager.setEnabled(timing);
  timingManager.setDisplayMode(DefaultTimingManager::DisplayMode::Tree);
  TimingScope rootTiming = timingManager.getRootScope();
  TimingScope importTiming = rootTiming.nest("import");
  OwningOpRef<ModuleOp> module;
  StringRef ext = llvm::sys::path::extension(inputPath);
  dfq::OnnxImportOptions importOptions;
  if (!inputShapeOpt.empty()) {
    std::string error;
    auto shape = dfq::parseInputShape(inputShapeOpt, error);
    if (!shape)
      return fail("--input-shape: " + error);
    if (ext != ".onnx")
      return fail("--input-shape applies to .onnx models; '" + inputPath +
                  "' has its shapes in its types");
    importOptions.inputShape = *shape;
  }
  // A model exported with batch 1 calibrates and compiles for any batch
  // when its graph allows.
  bool relaxedBatch = false;
  importOptions.relaxBatchOfOne = true;
  importOptions.relaxedBatch = &relaxedBatch;
  if (ext == ".onnx")
    module = dfq::importOnnxFile(inputPath, &context, importOptions);
  else if (ext == ".mlir")
    module = parseSourceFile<ModuleOp>(inputPath, sourceMgr, &context);
  else
    return fail("'" + inputPath + "': expected an .onnx or .mlir model");
  if (!module)
    return 1;
  if (relaxedBatch)
    llvm::errs() << "dfq-compile: the model was exported with a batch of 1; "
                    "it is compiled for any batch (--input-shape 1x... keeps "
                    "it static)\n";
  importTiming.stop();
  if (description) {
    auto existing = dfq::TargetAttr::lookup(*module);
    if (existing && existing != description)
      return fail("'" + inputPath + "' already targets '" + existing.getName() +
                  "'; cannot compile it for '" + description.getName() + "'");
    (*module)->setAttr(dfq::TargetAttr::kAttrName, description);
  }

  dfq::registerDfqPasses();
  dfq::registerDfqCalibrationPasses();
  dfq::registerDfqConversionPasses();
  dfq::registerDfqTargetPasses();
  dfq::CompilePipelineOptions stages;
  stages.calib = calib.getValue();
  stages.samples = samples;
  stages.iterations = iterations;
  stages.seed = seed;
  stages.timeLimit = calibTimeLimit;
  stages.threads = threads;
  stages.equalize = equalize;
  stages.relu6AsRelu = relu6AsRelu;
  stages.mpcLow = mpcLow;
  stages.mpcHigh = mpcHigh;
  stages.compensate = !noCompensation;
  stages.budget = budget.getValue();
  stages.bitChoices = bitChoices.getValue();
  // Widths left at their defaults are not passed on (0 / -1), so that a
  // target that lacks them substitutes its widest.
  stages.wbits = wbits.getNumOccurrences() || mpcLow ? int(wbits) : 0;
  stages.abits = abits.getNumOccurrences() ? int(abits) : 0;
  stages.firstLastBits = firstLastBits.getNumOccurrences() ? int(edgeBits) : -1;
  stages.correctBias = correctBias;
  stages.reconstruct = reconstruct.getValue();
  stages.reconstructIterations = reconstructIterations;
  stages.reconstructWeightScale = reconstructScale.getValue();
  stages.observer = observer.getValue();
  stages.mean = meanOpt;
  stages.std = stdOpt;
  stages.measureInputRange = measureInputRange;
  stages.verifyTarget = bool(description);
  stages.target = kernelTarget;
  stages.fuseResiduals = fuseChains;
  stages.quantizeSkips = quantizeSkips;
  if (std::string error = dfq::checkCompilePipelineOptions(stages);
      !error.empty())
    return fail("internal error: " + error);
  std::string pipeline = dfq::getCalibrationPipeline(stages);
  std::string quantization = dfq::getQuantizationPipeline(stages);
  // Two stages, so that the calibrated float model can be kept for the
  // report's SQNR.
  PassManager calibrate = PassManager::on<ModuleOp>(&context);
  PassManager quantize = PassManager::on<ModuleOp>(&context);
  if (failed(parsePassPipeline(pipeline, calibrate, llvm::errs())) ||
      failed(parsePassPipeline(quantization, quantize, llvm::errs())))
    return fail("internal error: bad pipeline " + pipeline + "," +
                quantization);
  pipeline += "," + quantization;
  llvm::errs() << "dfq-compile: builtin.module(" << pipeline << ")\n";
  auto start = std::chrono::steady_clock::now();
  TimingScope calibrateTiming = rootTiming.nest("calibration");
  calibrate.enableTiming(calibrateTiming);
  if (failed(calibrate.run(*module)))
    return 1;
  calibrateTiming.stop();
  OwningOpRef<ModuleOp> floatModel = module->clone();
  TimingScope quantizeTiming = rootTiming.nest("quantization");
  quantize.enableTiming(quantizeTiming);
  if (failed(quantize.run(*module)))
    return 1;
  quantizeTiming.stop();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  // SQNR per layer on the calibration images, then the output keeps only
  // the model.
  TimingScope sqnrTiming = rootTiming.nest("layer SQNR (report)");
  FailureOr<dfq::rt::Tensor> images = reportImages(*floatModel, realData);
  llvm::StringMap<double> sqnr;
  if (succeeded(images)) {
    FailureOr<llvm::StringMap<double>> measured =
        dfq::measureLayerSqnr(*floatModel, *module, *images);
    if (failed(measured))
      return 1;
    sqnr = std::move(*measured);
  }
  sqnrTiming.stop();
  (*module)->removeAttr("dfq.calibration_data");

  // The module is final: model.mlir is this text. The library's fingerprint
  // (dfq/Support/ModelFingerprint.h) is a hash of exactly these bytes, which
  // dfq-run recomputes from the file, so nothing may change the module
  // from here on (checked before anything is written).
  std::string ir;
  llvm::raw_string_ostream irStream(ir);
  module->print(irStream);
  OperationFingerPrint printed(module->getOperation());

  bool createdOutDir = !llvm::sys::fs::exists(outDir);
  if (std::error_code ec = llvm::sys::fs::create_directories(outDir))
    return fail("cannot create '" + outDir + "': " + ec.message());
  // A library that fails to build leaves no trace: the directory goes if
  // this run created it (it is empty then; a failed build removes its own
  // files, unless --keep-sources keeps them for inspection).
  auto failLibrary = [&] {
    if (createdOutDir && !keepSources)
      llvm::sys::fs::remove(outDir);
    return 1;
  };
  llvm::json::Object library;
  if (!kernelTarget.empty()) {
    std::string error;
    std::unique_ptr<dfq::LibraryBackend> backend = dfq::createLibraryBackend(
        kernelTarget + (emulateGpu ? "-emulated" : ""), error);
    if (!backend) {
      fail(error);
      return failLibrary();
    }
    dfq::ModelLibraryOptions options;
    options.outputDir = outDir;
    options.keepSources = keepSources;
    options.kernelCache = kernelCacheDirectory();
    options.modelText = ir;
    dfq::ModelLibrarySummary summary;
    TimingScope libraryTiming = rootTiming.nest("library");
    options.timing = &libraryTiming;
    if (failed(dfq::emitModelLibrary(dfq::findEntryFunction(*module), *backend,
                                     options, &summary)))
      return failLibrary();
    library = llvm::json::Object{
        {"target", kernelTarget + (emulateGpu ? "-emulated" : "")},
        {"kernels", summary.kernels},
        {"kernel_objects_compiled", summary.kernelObjectsCompiled},
        {"kernel_objects_reused", summary.kernelObjectsReused},
        {"arena_bytes_per_sample", summary.arenaBytesPerSample},
        {"unplanned_bytes_per_sample", summary.unplannedBytesPerSample},
        {"fused_residual_chains", summary.fusedResidualChains},
        {"fingerprint", summary.fingerprint},
        {"seconds", summary.compileSeconds}};
    llvm::errs() << "dfq-compile: built libmodel.so (" << summary.kernels
                 << " kernels";
    if (int64_t objects =
            summary.kernelObjectsCompiled + summary.kernelObjectsReused)
      llvm::errs() << " in " << objects << " objects, "
                   << summary.kernelObjectsReused << " from the kernel cache";
    llvm::errs() << ", arena " << summary.arenaBytesPerSample
                 << " bytes per sample";
    if (fuseChains)
      llvm::errs() << ", " << summary.fusedResidualChains
                   << " residual chains in kernel epilogues";
    llvm::errs() << llvm::format(", %.1f s)\n", summary.compileSeconds);
  }
  TimingScope outputTiming = rootTiming.nest("report and outputs");
  llvm::json::Object header{
      {"model", inputPath.getValue()},
      {"target", description ? description.getName().str() : target.getValue()},
      {"target_file", targetFile.empty()
                          ? llvm::json::Value(nullptr)
                          : llvm::json::Value(targetFile.getValue())},
      {"wbits", wbits.getValue()},
      {"abits", abits.getValue()},
      {"first_last_bits", firstLastBits.getValue()},
      {"mpc", mpc.empty() ? llvm::json::Value(nullptr)
                          : llvm::json::Value(mpc.getValue())},
      {"compensation", !mpc.empty() && !noCompensation},
      {"calibration", calib.getValue()},
      {"observer", observer.getValue()},
      {"reconstruction",
       reconstruct.empty()
           ? llvm::json::Value(nullptr)
           : llvm::json::Value(llvm::json::Object{
                 {"method", reconstruct.getValue()},
                 {"iterations", reconstructIterations.getValue()},
                 {"weight_scale", reconstructScale.getValue()}})},
      {"input_range", measureInputRange ? llvm::json::Value("measured")
                                        : llvm::json::Value(llvm::json::Array{
                                              (0.0 - meanOpt) / stdOpt,
                                              (1.0 - meanOpt) / stdOpt})},
      {"seed", static_cast<int64_t>(seed.getValue())},
      {"pipeline", pipeline},
      {"budget", budget.empty() ? llvm::json::Value(nullptr)
                                : llvm::json::Value(budget.getValue())},
      {"sqnr_images", succeeded(images)
                          ? llvm::json::Value(images->shape().front())
                          : llvm::json::Value(nullptr)},
      {"seconds", seconds},
      {"library", library.empty() ? llvm::json::Value(nullptr)
                                  : llvm::json::Value(std::move(library))}};
  llvm::json::Object report =
      dfq::buildReport(*module, sqnr, std::move(header), budget);
  std::string html = dfq::renderReportHtml(report);
  std::string reportText;
  llvm::raw_string_ostream reportStream(reportText);
  reportStream << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
               << "\n";

  if (OperationFingerPrint(module->getOperation()) != printed)
    return fail("internal error: the module changed after model.mlir was "
                "printed; the library's fingerprint would not match it");

  llvm::SmallString<256> modelPath(outDir), reportPath(outDir),
      htmlPath(outDir);
  llvm::sys::path::append(modelPath, "model.mlir");
  llvm::sys::path::append(reportPath, "report.json");
  llvm::sys::path::append(htmlPath, "report.html");
  for (auto [path, text] : {std::pair<StringRef, StringRef>{modelPath, ir},
                            {reportPath, reportText},
                            {htmlPath, html}})
    if (llvm::Error error = writeAtomically(path, text))
      return fail(llvm::toString(std::move(error)));
  llvm::errs() << "dfq-compile: wrote " << modelPath << ", " << reportPath
               << " and " << htmlPath << llvm::format(" (%.1f s)\n", seconds);
  return 0;
}
