//===- dfq-compile.cpp - The one-shot quantizing compiler -----------------===//
//
// dfq-compile MODEL.onnx|MODEL.mlir -o OUTDIR [--wbits W] [--abits A]
//     [--first-last-bits N|same] [--calib dsg|zeroq|none|real:PATH]
//     [--target ref] [--mpc LOW/HIGH [--no-compensation]] [--seed N]
//     [--threads N]
//
// Runs the pipeline import -> dfq-synthesize (dsg, zeroq; Gaussian noise for
// `none`) -> [dfq-compensate-mpc] -> dfq-fold-bn -> dfq-calibrate-ranges ->
// dfq-quantize and writes
// OUTDIR/model.mlir (the quantized IR, run by dfq-run's reference
// interpreter) and OUTDIR/report.json. Outputs are written to temporary
// files and renamed at the end, so a failure leaves nothing half-written.
//
//===----------------------------------------------------------------------===//

#include "dfq/Calibration/Passes.h"
#include "dfq/Dialect/DfqDialect.h"
#include "dfq/Dialect/DfqOps.h"
#include "dfq/Import/OnnxImporter.h"
#include "dfq/Support/CommandLine.h"
#include "dfq/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/MLIRContext.h"
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

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("dfq-compile options");
static cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx|model.mlir>"),
                                      cl::cat(category));
static cl::opt<std::string> outDir("o", cl::Required,
                                   cl::desc("Output directory"),
                                   cl::value_desc("OUTDIR"), cl::cat(category));
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
static cl::opt<std::string> target("target",
                                   cl::desc("ref (the reference interpreter)"),
                                   cl::init("ref"), cl::cat(category));
static cl::opt<int64_t> samples("samples",
                                cl::desc("Synthetic calibration images"),
                                cl::init(32), cl::cat(category));
static cl::opt<int64_t> iterations("iterations",
                                   cl::desc("Synthesis iterations"),
                                   cl::init(500), cl::cat(category));
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
    budget("budget", cl::desc("Mixed precision budget (not implemented yet)"),
           cl::cat(category));
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

/// Per-layer facts for report.json.
static llvm::json::Array describeLayers(ModuleOp module) {
  llvm::json::Array layers;
  module.walk([&](Operation *op) {
    if (!isa<dfq::QConv2DOp, dfq::QGemmOp>(op))
      return;
    auto weightType = cast<RankedTensorType>(op->getOperand(1).getType());
    auto inputType = cast<RankedTensorType>(op->getOperand(0).getType());
    auto outputType = cast<RankedTensorType>(op->getResult(0).getType());
    auto storageBits = [](RankedTensorType type) {
      return cast<quant::QuantizedType>(type.getElementType())
          .getStorageTypeIntegralWidth();
    };
    std::string name = ::mlir::dfq::getLayerName(op);
    llvm::json::Object layer{
        {"name", name},
        {"op", op->getName().getStringRef()},
        {"weight_bits", storageBits(weightType)},
        {"input_bits", storageBits(inputType)},
        {"output_bits", storageBits(outputType)},
        {"weight_count", weightType.getNumElements()},
        {"weight_bytes",
         (weightType.getNumElements() * storageBits(weightType) + 7) / 8}};
    if (auto reason = op->getAttrOfType<StringAttr>("dfq.bits_reason"))
      layer["bits_reason"] = reason.str();
    if (auto params = op->getAttrOfType<dfq::QParamsAttr>("dfq.output_params"))
      if (params.getRangeMin() && params.getRangeMax())
        layer["output_range"] =
            llvm::json::Array{params.getRangeMin().getValueAsDouble(),
                              params.getRangeMax().getValueAsDouble()};
    layers.push_back(std::move(layer));
  });
  return layers;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::AddExtraVersionPrinter(
      [](llvm::raw_ostream &os) { os << "dfq-compile (dfq 0.1, MLIR 22)\n"; });
  cl::opt<int> *threadsOpt = mlir::dfq::adoptThreadsOption(
      category, "Engine threads (0: its default)");
  cl::ParseCommandLineOptions(argc, argv,
                              "dfq-compile: quantize a float model without "
                              "its training data\n");
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
  if (target != "ref")
    return fail("--target " + target +
                " is not available yet; only 'ref' (the reference "
                "interpreter) is");
  if (!budget.empty())
    return fail("--budget (bit allocation under a budget) is not implemented "
                "yet");
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
  if (!(stdOpt > 0))
    return fail("--std must be positive");
  if (samples <= 0 || iterations < 0)
    return fail("--samples must be positive and --iterations non-negative");
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

  OwningOpRef<ModuleOp> module;
  StringRef ext = llvm::sys::path::extension(inputPath);
  if (ext == ".onnx")
    module = dfq::importOnnxFile(inputPath, &context);
  else if (ext == ".mlir")
    module = parseSourceFile<ModuleOp>(inputPath, sourceMgr, &context);
  else
    return fail("'" + inputPath + "': expected an .onnx or .mlir model");
  if (!module)
    return 1;

  dfq::registerDfqPasses();
  dfq::registerDfqCalibrationPasses();
  std::string pipeline;
  if (!synthesis.empty())
    pipeline += "dfq-synthesize{method=" + synthesis +
                " samples=" + std::to_string(samples) +
                " iterations=" + std::to_string(iterations) +
                " seed=" + std::to_string(seed) +
                " threads=" + std::to_string(threads) + "},";
  // Compensation needs the BatchNorms, and its ternary weights must be in
  // place before ranges are measured.
  if (mpcLow)
    pipeline += llvm::formatv("func.func(dfq-compensate-mpc{{low={0} high={1} "
                              "compensate={2}}),",
                              mpcLow, mpcHigh,
                              noCompensation ? "false" : "true")
                    .str();
  // The MSE observer weighs clipping against rounding at the bits used.
  pipeline += "dfq-fold-bn,dfq-calibrate-ranges{observer=" + observer +
              " bits=" + std::to_string(abits);
  if (!realData.empty())
    pipeline += " data=" + realData + " mean=" + std::to_string(meanOpt) +
                " std=" + std::to_string(stdOpt);
  // The input is an image in [0, 1] normalized by mean and std; synthetic
  // images, fitted only to statistics, stray far outside that range.
  if (!measureInputRange)
    pipeline +=
        llvm::formatv(" input-min={0:g9} input-max={1:g9}",
                      (0.0 - meanOpt) / stdOpt, (1.0 - meanOpt) / stdOpt)
            .str();
  pipeline += " threads=" + std::to_string(threads) + "},";
  pipeline += "func.func(dfq-quantize{wbits=" + std::to_string(wbits) +
              " abits=" + std::to_string(abits) +
              " first-last-bits=" + std::to_string(edgeBits) + "})";
  PassManager pm = PassManager::on<ModuleOp>(&context);
  if (failed(parsePassPipeline(pipeline, pm, llvm::errs())))
    return fail("internal error: bad pipeline " + pipeline);
  llvm::errs() << "dfq-compile: builtin.module(" << pipeline << ")\n";
  auto start = std::chrono::steady_clock::now();
  if (failed(pm.run(*module)))
    return 1;
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  // The calibration images served their purpose; the output keeps the model.
  (*module)->removeAttr("dfq.calibration_data");

  if (std::error_code ec = llvm::sys::fs::create_directories(outDir))
    return fail("cannot create '" + outDir + "': " + ec.message());
  std::string ir;
  llvm::raw_string_ostream irStream(ir);
  module->print(irStream);
  llvm::json::Array layers = describeLayers(*module);
  int64_t weightBytes = 0;
  for (const llvm::json::Value &layer : layers)
    weightBytes += *layer.getAsObject()->getInteger("weight_bytes");
  llvm::json::Object report{
      {"model", inputPath.getValue()},
      {"target", target.getValue()},
      {"wbits", wbits.getValue()},
      {"abits", abits.getValue()},
      {"first_last_bits", firstLastBits.getValue()},
      {"mpc", mpc.empty() ? llvm::json::Value(nullptr)
                          : llvm::json::Value(mpc.getValue())},
      {"compensation", !mpc.empty() && !noCompensation},
      {"calibration", calib.getValue()},
      {"observer", observer.getValue()},
      {"input_range", measureInputRange ? llvm::json::Value("measured")
                                        : llvm::json::Value(llvm::json::Array{
                                              (0.0 - meanOpt) / stdOpt,
                                              (1.0 - meanOpt) / stdOpt})},
      {"seed", static_cast<int64_t>(seed.getValue())},
      {"pipeline", pipeline},
      {"seconds", seconds},
      {"layers", std::move(layers)},
      {"totals", llvm::json::Object{{"weight_bytes", weightBytes}}}};
  std::string reportText;
  llvm::raw_string_ostream reportStream(reportText);
  reportStream << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
               << "\n";

  llvm::SmallString<256> modelPath(outDir), reportPath(outDir);
  llvm::sys::path::append(modelPath, "model.mlir");
  llvm::sys::path::append(reportPath, "report.json");
  if (llvm::Error error = writeAtomically(modelPath, ir))
    return fail(llvm::toString(std::move(error)));
  if (llvm::Error error = writeAtomically(reportPath, reportText))
    return fail(llvm::toString(std::move(error)));
  llvm::errs() << "dfq-compile: wrote " << modelPath << " and " << reportPath
               << llvm::format(" (%.1f s)\n", seconds);
  return 0;
}
