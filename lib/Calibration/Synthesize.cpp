//===- Synthesize.cpp - dfq-synthesize ------------------------------------===//
//
// Translates @main to a calibration graph, lets the engine fit a batch of
// images to the BatchNorm statistics, and stores the batch with the module.
//
//===----------------------------------------------------------------------===//

#include "dfq/Calibration/GraphBuilder.h"
#include "dfq/Calibration/Passes.h"
#include "dfq/Calibration/Synthesis.h"
#include "dfq/Runtime/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <random>

namespace mlir::dfq {
#define GEN_PASS_DEF_SYNTHESIZEPASS
#include "dfq/Calibration/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {
struct SynthesizePass
    : public mlir::dfq::impl::SynthesizePassBase<SynthesizePass> {
  using SynthesizePassBase::SynthesizePassBase;
  void runOnOperation() override;

  /// Fits images with the engine (zeroq, dsg).
  FailureOr<rt::Tensor> fit(const calib::GraphFromIR &graph,
                            calib::SynthesisOptions options);
  /// Keeps `images` with the module.
  void store(ModuleOp module, const rt::Tensor &images);

  func::FuncOp entryFunc;
};
} // namespace

void SynthesizePass::runOnOperation() {
  ModuleOp module = getOperation();
  calib::SynthesisOptions options;
  bool gaussian = method == "gaussian";
  if (gaussian) {
    // Filled in below, without the engine.
  } else if (method == "zeroq") {
    options.method = calib::SynthesisOptions::ZeroQ;
  } else if (method == "dsg") {
    options.method = calib::SynthesisOptions::DSG;
  } else {
    module.emitError("dfq-synthesize: unknown method '")
        << method << "' (expected zeroq, dsg or gaussian)";
    return signalPassFailure();
  }
  if (samples <= 0 || iterations < 0 || lr < 0 || marginQuantile < 0 ||
      marginQuantile > 1) {
    module.emitError("dfq-synthesize: invalid options: samples must be "
                     "positive, iterations and lr non-negative, "
                     "margin-quantile in [0, 1]");
    return signalPassFailure();
  }
  func::FuncOp entry = findEntryFunction(module);
  if (!entry) {
    module.emitError("dfq-synthesize: the module has no @main function and "
                     "more than one function");
    return signalPassFailure();
  }
  FailureOr<calib::GraphFromIR> graph = calib::buildGraph(entry);
  if (failed(graph))
    return signalPassFailure();
  entryFunc = entry;

  rt::Tensor images;
  if (gaussian) {
    std::vector<int64_t> shape = {samples};
    shape.insert(shape.end(), graph->sampleShape.begin(),
                 graph->sampleShape.end());
    int64_t count = 1;
    for (int64_t d : shape)
      count *= d;
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> data(count);
    for (float &v : data)
      v = normal(rng);
    images = rt::Tensor::fromF32(shape, data.data());
    llvm::errs() << "dfq-synthesize: " << samples << " Gaussian noise images\n";
  } else {
    // The BatchNorm statistics ZeroQ and DSG match are those of the whole
    // synthetic batch, which runs through the graph at once.
    auto inputType = cast<RankedTensorType>(entry.getArgument(0).getType());
    if (inputType.getRank() > 0 && !inputType.isDynamicDim(0) &&
        inputType.getDimSize(0) != samples) {
      module.emitError("dfq-synthesize: the model's input has a static batch "
                       "of ")
          << inputType.getDimSize(0) << "; " << method << " fits its "
          << static_cast<int64_t>(samples)
          << " images as one batch, so the batch must be dynamic "
             "(--input-shape ?x...) or equal to --samples";
      return signalPassFailure();
    }
    FailureOr<rt::Tensor> fitted = fit(*graph, options);
    if (failed(fitted))
      return signalPassFailure();
    images = *fitted;
  }
  store(module, images);
}

FailureOr<rt::Tensor> SynthesizePass::fit(const calib::GraphFromIR &graph,
                                          calib::SynthesisOptions options) {
  options.samples = samples;
  options.iterations = iterations;
  options.lr = lr;
  options.seed = seed;
  options.slackAlignment = sda;
  options.layerwiseEnhancement = lse;
  options.correlationInhibition = sci;
  options.marginQuantile = marginQuantile;
  options.threads = threads;
  options.timeLimit = timeLimit;
  // A line every tenth of the run, and at least every 10 s (a 224x224
  // network takes seconds per step).
  int64_t every = std::max<int64_t>(1, iterations / 10);
  auto lastLine = std::chrono::steady_clock::now();
  auto report = [&](StringRef phase, int64_t iteration, double loss) {
    auto now = std::chrono::steady_clock::now();
    if ((iteration + 1) % every == 0 || iteration + 1 == iterations ||
        now - lastLine > std::chrono::seconds(10)) {
      lastLine = now;
      llvm::errs() << "dfq-synthesize: " << phase << " iteration "
                   << iteration + 1 << "/" << iterations
                   << llvm::format(", loss %.6g\n", loss);
    }
  };
  std::string margins = method + " margins";
  options.progress = [&](int64_t iteration, double loss) {
    report(method, iteration, loss);
  };
  options.marginProgress = [&](int64_t iteration, double loss) {
    report(margins, iteration, loss);
  };
  calib::SynthesisResult result =
      calib::synthesize(graph.graph, graph.sampleShape, options);
  if (!result.ok()) {
    entryFunc.emitError("dfq-synthesize: ") << result.error;
    return failure();
  }
  if (result.iterations < iterations)
    llvm::errs() << "dfq-synthesize: " << method << " stopped after "
                 << result.iterations << " of " << iterations
                 << " iterations: time limit of "
                 << llvm::format("%g", double(timeLimit)) << " s\n";
  llvm::errs() << "dfq-synthesize: " << samples << " images in "
               << llvm::format("%.2f", result.seconds) << " s\n";
  return result.images;
}

void SynthesizePass::store(ModuleOp module, const rt::Tensor &images) {
  std::vector<int64_t> shape = images.shape();
  auto type = RankedTensorType::get(shape, Float32Type::get(&getContext()));
  ArrayRef<float> data(images.dataF32(), images.numElements());
  auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign<float>(data);
  auto attr = DenseResourceElementsAttr::get(type, "dfq_calibration_" + method,
                                             std::move(blob));
  module->setAttr("dfq.calibration_data", attr);
  module->setAttr("dfq.calibration_source",
                  StringAttr::get(&getContext(), method));
}
