//===- dfq-run.cpp - Execute and evaluate a model -------------------------===//
//
// dfq-run MODEL [--dataset fashion-mnist[:test|:train]] [--input x.npy]
//               [--output y.npy] [--batch N] [--limit N] [--mean M --std S]
//               [--threads N] [--json] [--simulate] [--profile]
//
// MODEL is an ONNX file (imported, then run by the reference interpreter), a
// dfq .mlir file, a dfq-compile output directory (its libmodel.so when it
// has one, else its model.mlir), or a compiled libmodel.so. A library is
// checked before it is loaded (a complete ELF shared object) and after (it
// carries the fingerprint of the model.mlir next to it).
// stdout carries only the result; progress and errors go to stderr.
//
//===----------------------------------------------------------------------===//

#include "CompiledModel.h"

#include "dfq/Dialect/DfqDialect.h"
#include "dfq/Import/OnnxImporter.h"
#include "dfq/Runtime/Interpreter.h"
#include "dfq/Support/CommandLine.h"
#include "dfq/Support/DatasetIO.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory runCategory("dfq-run options");

static cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx|model.mlir|dir>"),
                                      cl::cat(runCategory));
static cl::opt<std::string> inputShapeOpt(
    "input-shape",
    cl::desc("Shape of an ONNX model's input, fixing the dimensions the file "
             "leaves dynamic and making '?' dimensions dynamic (e.g. "
             "?x3x224x224 for a model exported with batch 1)"),
    cl::value_desc("SHAPE"), cl::cat(runCategory));
static cl::opt<std::string> datasetOpt(
    "dataset",
    cl::desc("Evaluate on a dataset: fashion-mnist[:test|:train] (the "
             "default when --input is not given; files from $FMNIST_DIR or "
             "/usr/share/datasets/fashion-mnist)"),
    cl::value_desc("name[:split]"), cl::cat(runCategory));
static cl::opt<std::string>
    inputOpt("input", cl::desc("Run on the inputs in a .npy file [N, ...]"),
             cl::value_desc("x.npy"), cl::cat(runCategory));
static cl::opt<std::string>
    outputOpt("output",
              cl::desc("Write the first model output for all samples to a "
                       ".npy file"),
              cl::value_desc("y.npy"), cl::cat(runCategory));
static cl::opt<int64_t> batchOpt("batch", cl::desc("Samples per batch"),
                                 cl::init(64), cl::cat(runCategory));
static cl::opt<int64_t> limitOpt("limit",
                                 cl::desc("Run at most N samples (0: all)"),
                                 cl::init(0), cl::cat(runCategory));
static cl::opt<float> meanOpt("mean",
                              cl::desc("Dataset preprocessing mean (pixel "
                                       "scaled to [0, 1])"),
                              cl::init(::mlir::dfq::kFashionMnistMean),
                              cl::cat(runCategory));
static cl::opt<float> stdOpt("std",
                             cl::desc("Dataset preprocessing standard "
                                      "deviation"),
                             cl::init(::mlir::dfq::kFashionMnistStd),
                             cl::cat(runCategory));
static cl::opt<bool> jsonOpt("json",
                             cl::desc("Print one JSON object on stdout"),
                             cl::cat(runCategory));

static cl::opt<bool> simulateOpt(
    "simulate",
    cl::desc("Run quantized layers as fake quantization in real arithmetic "
             "(docs/design.md, \"Simulated quantization\") instead of the "
             "integer semantics"),
    cl::cat(runCategory));

static cl::opt<std::string> executorOpt(
    "executor",
    cl::desc("auto (default): libmodel.so when given one or when the "
             "dfq-compile directory has one, else the reference "
             "interpreter; ref: always the interpreter (model.mlir)"),
    cl::init("auto"), cl::cat(runCategory));

static cl::opt<bool> profileOpt(
    "profile",
    cl::desc("Compiled libraries: time every step of the program (kernel, "
             "host loop, conversion, host op) over the run and print the "
             "time per batch of each, by kind and by step"),
    cl::cat(runCategory));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs()) << message << "\n";
  return 1;
}

static int fail(llvm::Error error) {
  return fail(llvm::toString(std::move(error)));
}

namespace {
struct LoadedModel {
  OwningOpRef<ModuleOp> module;
  std::string executor;
};
} // namespace

/// Imports or parses the model the user named; diagnostics go to stderr.
static FailureOr<LoadedModel> loadModel(StringRef path, MLIRContext &context) {
  LoadedModel loaded;
  std::string file = path.str();
  if (llvm::sys::fs::is_directory(path)) {
    llvm::SmallString<256> inDir(path);
    llvm::sys::path::append(inDir, "model.mlir");
    if (!llvm::sys::fs::exists(inDir)) {
      fail("'" + path +
           "' is a directory without model.mlir (not a "
           "dfq-compile output directory)");
      return failure();
    }
    file = inDir.str().str();
  }
  StringRef ext = llvm::sys::path::extension(file);
  mlir::dfq::OnnxImportOptions importOptions;
  if (!inputShapeOpt.empty()) {
    std::string error;
    auto shape = mlir::dfq::parseInputShape(inputShapeOpt, error);
    if (!shape) {
      fail("--input-shape: " + error);
      return failure();
    }
    if (ext != ".onnx") {
      fail("--input-shape applies to .onnx models, not '" + file + "'");
      return failure();
    }
    importOptions.inputShape = *shape;
  }
  if (ext == ".onnx") {
    // A model exported with batch 1 runs at --batch when its graph allows.
    importOptions.relaxBatchOfOne = true;
    loaded.module = mlir::dfq::importOnnxFile(file, &context, importOptions);
    loaded.executor = "onnx-import";
  } else if (ext == ".mlir") {
    loaded.module = parseSourceFile<ModuleOp>(file, &context);
    loaded.executor = "ref";
  } else {
    fail("'" + path +
         "': unknown model kind (expected .onnx, .mlir, .so or a "
         "dfq-compile output directory)");
    return failure();
  }
  if (!loaded.module)
    return failure();
  return loaded;
}

static std::string formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ", ";
    s += ShapedType::isDynamic(d) ? "?" : std::to_string(d);
  }
  return s + "]";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::dfq::keepFreedMemoryInProcess();
  cl::opt<int> *threadsOpt = mlir::dfq::adoptThreadsOption(
      runCategory,
      "Threads for the numerics engine (0: every hardware thread)");
  cl::HideUnrelatedOptions(runCategory);
  cl::AddExtraVersionPrinter(
      [](llvm::raw_ostream &os) { os << "dfq-run (dfq 0.1, MLIR 22)\n"; });
  if (!mlir::dfq::parseCommandLine(
          argc, argv,
          "dfq-run: execute a model and evaluate it\n\n"
          "Runs an ONNX model, a dfq .mlir module or a dfq-compile output "
          "directory on Fashion-MNIST or on .npy inputs and reports top-1 "
          "accuracy and latency.\n"))
    return 1;

  if (batchOpt <= 0)
    return fail("--batch must be positive, got " + llvm::Twine(batchOpt));
  if (limitOpt < 0)
    return fail("--limit must not be negative, got " + llvm::Twine(limitOpt));
  if (!(stdOpt > 0) || !std::isfinite(stdOpt))
    return fail("--std must be positive and finite");
  if (!std::isfinite(meanOpt))
    return fail("--mean must be finite");
  if (!inputOpt.empty() && !datasetOpt.empty())
    return fail("--input and --dataset are exclusive");
  int threads = threadsOpt ? threadsOpt->getValue() : 0;
  if (threads < 0 || threads > mlir::dfq::kMaxThreads)
    return fail("--threads must lie in [0, " +
                llvm::Twine(mlir::dfq::kMaxThreads) + "], got " +
                llvm::Twine(threads));

  // Inputs first: a typo in a path should not cost an import.
  ::mlir::dfq::FloatArray samples;
  std::vector<int64_t> labels;
  if (!inputOpt.empty()) {
    llvm::Expected<::mlir::dfq::FloatArray> array =
        ::mlir::dfq::readNpy(inputOpt);
    if (!array)
      return fail(array.takeError());
    if (array->shape.empty())
      return fail("'" + inputOpt + "' is a scalar; expected [N, ...]");
    samples = std::move(*array);
  } else {
    StringRef dataset =
        datasetOpt.empty() ? StringRef("fashion-mnist") : StringRef(datasetOpt);
    auto [name, split] = dataset.split(':');
    if (name != "fashion-mnist")
      return fail("unknown dataset '" + name + "' (supported: fashion-mnist)");
    llvm::Expected<::mlir::dfq::LabeledImages> data =
        ::mlir::dfq::loadFashionMnist(::mlir::dfq::getFashionMnistDir(),
                                      split.empty() ? "test" : split, meanOpt,
                                      stdOpt);
    if (!data)
      return fail(data.takeError());
    samples = std::move(data->images);
    labels = std::move(data->labels);
  }
  int64_t total = samples.shape[0];
  if (limitOpt > 0)
    total = std::min<int64_t>(total, limitOpt);
  int64_t sampleSize = total ? samples.numElements() / samples.shape[0] : 0;

  // A compiled library when given one (or when the dfq-compile directory
  // has one), else the reference interpreter.
  if (executorOpt != "auto" && executorOpt != "ref")
    return fail("--executor must be auto or ref, got '" + executorOpt + "'");
  // The library must have been built from the model.mlir dfq-compile wrote
  // next to it (its fingerprint says from what): that of the directory, or,
  // for a libmodel.so named directly, the one beside it when there is one.
  std::string libraryPath, libraryModel;
  if (llvm::sys::path::extension(modelPath) == ".so") {
    if (executorOpt == "ref")
      return fail("--executor ref needs a model with IR, not a library");
    libraryPath = modelPath;
    if (llvm::sys::path::filename(modelPath) == "libmodel.so") {
      llvm::SmallString<256> beside(
          llvm::sys::path::parent_path(modelPath.getValue()));
      llvm::sys::path::append(beside, "model.mlir");
      if (llvm::sys::fs::exists(beside))
        libraryModel = beside.str().str();
    }
  } else if (executorOpt == "auto" && llvm::sys::fs::is_directory(modelPath)) {
    llvm::SmallString<256> library(modelPath.getValue()),
        model(modelPath.getValue());
    llvm::sys::path::append(library, "libmodel.so");
    llvm::sys::path::append(model, "model.mlir");
    if (llvm::sys::fs::exists(library)) {
      if (!llvm::sys::fs::exists(model))
        return fail("'" + modelPath +
                    "' has libmodel.so but no model.mlir to check it "
                    "against (not a dfq-compile output directory)");
      libraryPath = library.str().str();
      libraryModel = model.str().str();
    }
  }
  if (libraryPath.empty() && profileOpt)
    return fail("--profile times the steps of a compiled library; '" +
                modelPath + "' runs on the reference interpreter");
  if (!libraryPath.empty() && simulateOpt)
    return fail("--simulate runs the reference interpreter; give it the IR "
                "(--executor ref)");

  DialectRegistry registry;
  registry.insert<mlir::dfq::DfqDialect, arith::ArithDialect, func::FuncDialect,
                  quant::QuantDialect>();
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  // The model's input shape with the batch first (-1: dynamic), and how to
  // run one batch of it into the first output.
  std::vector<int64_t> inputShape;
  std::string executor;
  std::unique_ptr<::mlir::dfq::CompiledModel> compiled;
  std::unique_ptr<::mlir::dfq::ReferenceInterpreter> interpreter;
  OwningOpRef<ModuleOp> module;
  if (!libraryPath.empty()) {
    // The arena is sized for the largest batch this run uses.
    auto model = ::mlir::dfq::CompiledModel::load(
        libraryPath, libraryModel,
        std::max<int64_t>(
            1, std::min(batchOpt.getValue(), std::max<int64_t>(total, 1))),
        threads);
    if (!model)
      return fail(model.takeError());
    compiled = std::move(*model);
    inputShape = compiled->inputShape();
    // The backend a library was built by: x86-* or c.
    executor = StringRef(compiled->target()).starts_with("x86")
                   ? "x86"
                   : compiled->target();
  } else {
    FailureOr<LoadedModel> loaded = loadModel(modelPath, context);
    if (failed(loaded))
      return 1;
    module = std::move(loaded->module);
    executor = loaded->executor;
    func::FuncOp entry = mlir::dfq::findEntryFunction(*module);
    if (!entry)
      return fail("'" + modelPath +
                  "' has no @main function and more than one function");
    if (entry.getNumArguments() != 1)
      return fail("the model takes " + llvm::Twine(entry.getNumArguments()) +
                  " inputs; dfq-run feeds exactly one");
    if (entry.getNumResults() < 1)
      return fail("the model has no outputs");
    auto argType = dyn_cast<RankedTensorType>(entry.getArgumentTypes()[0]);
    if (!argType || argType.getRank() < 1)
      return fail("the model input must be a ranked tensor with a batch "
                  "dimension");
    for (int64_t d : argType.getShape())
      inputShape.push_back(ShapedType::isDynamic(d) ? -1 : d);
    ::mlir::dfq::rt::setEngineThreads(threads);
    FailureOr<std::unique_ptr<::mlir::dfq::ReferenceInterpreter>> created =
        ::mlir::dfq::ReferenceInterpreter::create(
            entry, simulateOpt ? ::mlir::dfq::QuantizedExecution::Simulated
                               : ::mlir::dfq::QuantizedExecution::Integer);
    if (failed(created))
      return 1;
    interpreter = std::move(*created);
  }
  auto shapeText = [](llvm::ArrayRef<int64_t> shape) {
    std::vector<int64_t> dims(shape.begin(), shape.end());
    for (int64_t &d : dims)
      d = d < 0 ? ShapedType::kDynamic : d;
    return formatShape(dims);
  };

  // The model's per-sample shape must hold exactly one sample's elements, so
  // [N, 1, 28, 28] dataset images also feed a model that takes [N, 784];
  // inputs given as --input must have the model's shape itself.
  std::vector<int64_t> perSample(inputShape.begin() + 1, inputShape.end());
  if (!inputOpt.empty() &&
      (perSample.size() + 1 != samples.shape.size() ||
       !llvm::all_of(
           llvm::zip_equal(perSample,
                           llvm::ArrayRef<int64_t>(samples.shape).drop_front()),
           [](auto dims) {
             return std::get<0>(dims) < 0 ||
                    std::get<0>(dims) == std::get<1>(dims);
           })))
    return fail(
        "'" + inputOpt + "' holds samples of shape " +
        formatShape(llvm::ArrayRef<int64_t>(samples.shape).drop_front()) +
        " but the model input is " + shapeText(inputShape));
  int64_t modelSampleSize = 1;
  for (int64_t d : perSample) {
    if (d < 0)
      return fail("the model input " + shapeText(inputShape) +
                  " has a dynamic non-batch dimension");
    modelSampleSize *= d;
  }
  if (modelSampleSize != sampleSize)
    return fail(
        "the model input " + shapeText(inputShape) +
        " does not take samples of shape " +
        formatShape(llvm::ArrayRef<int64_t>(samples.shape).drop_front()));
  bool dynamicBatch = inputShape[0] < 0;
  int64_t batch = batchOpt;
  // A library runs any multiple of its static batch; the interpreter runs
  // the static batch only.
  if (!dynamicBatch && !(compiled && batchOpt.getNumOccurrences() &&
                         batch > 0 && batch % inputShape[0] == 0)) {
    if (inputShape[0] != batch && batchOpt.getNumOccurrences())
      llvm::errs() << "dfq-run: note: the model has a static batch of "
                   << inputShape[0] << "; using it instead of --batch " << batch
                   << "\n";
    batch = inputShape[0];
  }

  if (profileOpt)
    if (llvm::Error error = compiled->setProfiling(true))
      return fail(std::move(error));

  std::vector<float> outputs;
  std::vector<int64_t> outputSampleShape;
  std::vector<double> batchMillis;
  int64_t correct = 0;
  auto start = std::chrono::steady_clock::now();
  auto lastProgress = start;
  double execSeconds = 0;
  std::vector<float> compiledResult;
  for (int64_t first = 0; first < total; first += batch) {
    int64_t count = std::min(batch, total - first);
    // A static batch is filled up with zeros; only `count` results count.
    int64_t runCount = dynamicBatch ? count : batch;
    std::vector<int64_t> shape = {runCount};
    shape.insert(shape.end(), perSample.begin(), perSample.end());
    std::vector<float> chunk(runCount * sampleSize, 0.0f);
    std::copy_n(samples.data.begin() + first * sampleSize, count * sampleSize,
                chunk.begin());

    SmallVector<::mlir::dfq::rt::Tensor> results;
    std::vector<int64_t> outShape;
    auto t0 = std::chrono::steady_clock::now();
    if (compiled) {
      if (llvm::Error error =
              compiled->run(chunk.data(), runCount, compiledResult))
        return fail(std::move(error));
      outShape = compiled->outputShape();
      outShape[0] = runCount;
    } else {
      ::mlir::dfq::rt::Tensor input =
          ::mlir::dfq::rt::Tensor::fromF32(shape, chunk.data());
      if (failed(interpreter->run({input}, results)))
        return 1;
      outShape = results.front().shape();
    }
    auto t1 = std::chrono::steady_clock::now();
    double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    batchMillis.push_back(ms);
    execSeconds += ms / 1000;

    if (outShape.empty() || outShape[0] != runCount)
      return fail("the model's first output " + formatShape(outShape) +
                  " has no batch dimension of " + llvm::Twine(runCount));
    int64_t classes = 1;
    for (int64_t d : llvm::ArrayRef<int64_t>(outShape).drop_front())
      classes *= d;
    outputSampleShape.assign(outShape.begin() + 1, outShape.end());
    const float *data =
        compiled ? compiledResult.data() : results.front().dataF32();
    if (!outputOpt.empty())
      outputs.insert(outputs.end(), data, data + count * classes);
    if (!labels.empty()) {
      for (int64_t i = 0; i < count; ++i) {
        const float *row = data + i * classes;
        int64_t predicted = std::max_element(row, row + classes) - row;
        correct += predicted == labels[first + i];
      }
    }
    if (t1 - lastProgress > std::chrono::seconds(2)) {
      llvm::errs() << "dfq-run: " << first + count << "/" << total
                   << " samples\n";
      lastProgress = t1;
    }
  }

  if (!outputOpt.empty()) {
    ::mlir::dfq::FloatArray array;
    array.shape = {total};
    array.shape.insert(array.shape.end(), outputSampleShape.begin(),
                       outputSampleShape.end());
    array.data = std::move(outputs);
    if (llvm::Error error = ::mlir::dfq::writeNpy(outputOpt, array))
      return fail(std::move(error));
  }

  std::vector<double> sorted = batchMillis;
  std::sort(sorted.begin(), sorted.end());
  double median = 0;
  if (!sorted.empty())
    median =
        sorted.size() % 2
            ? sorted[sorted.size() / 2]
            : (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
  double imagesPerSecond = execSeconds > 0 ? total / execSeconds : 0;
  double top1 = total ? double(correct) / total : 0;

  // Step times per batch, and their sums by kind in order of appearance.
  std::vector<::mlir::dfq::CompiledModel::StepTime> steps;
  std::vector<std::pair<std::string, double>> kinds;
  double profiledMs = 0;
  if (profileOpt) {
    steps = compiled->stepTimes();
    double batches = std::max<size_t>(1, batchMillis.size());
    for (auto &step : steps) {
      step.seconds = step.seconds * 1000 / batches; // now ms per batch
      profiledMs += step.seconds;
      auto it =
          llvm::find_if(kinds, [&](auto &k) { return k.first == step.kind; });
      if (it == kinds.end())
        kinds.push_back({step.kind, step.seconds});
      else
        it->second += step.seconds;
    }
  }
  auto share = [&](double ms) {
    return profiledMs > 0 ? 100 * ms / profiledMs : 0.0;
  };

  if (jsonOpt) {
    llvm::json::Object result{{"model", modelPath.getValue()},
                              {"executor", executor},
                              {"samples", total},
                              {"batch", batch},
                              {"latency_ms", median},
                              {"images_per_s", imagesPerSecond}};
    if (!labels.empty())
      result["top1"] = top1;
    if (profileOpt) {
      llvm::json::Array stepArray;
      for (const auto &step : steps)
        stepArray.push_back(llvm::json::Object{
            {"name", step.name}, {"kind", step.kind}, {"ms", step.seconds}});
      llvm::json::Object byKind;
      for (const auto &[kind, ms] : kinds)
        byKind[kind] = ms;
      result["profile"] =
          llvm::json::Object{{"batches", int64_t(batchMillis.size())},
                             {"ms_per_batch", profiledMs},
                             {"by_kind", std::move(byKind)},
                             {"steps", std::move(stepArray)}};
    }
    llvm::outs() << llvm::json::Value(std::move(result)) << "\n";
  } else {
    if (!labels.empty())
      llvm::outs() << llvm::format("top-1 %.4f", top1) << " (" << correct << "/"
                   << total << ")\n";
    llvm::outs() << "samples " << total << ", batch " << batch
                 << llvm::format(", %.3f ms per batch (median), %.1f "
                                 "samples/s\n",
                                 median, imagesPerSecond);
    if (profileOpt) {
      llvm::outs() << llvm::format("profile: %zu steps, %.3f ms per batch "
                                   "(mean over %zu batches)\n",
                                   steps.size(), profiledMs,
                                   batchMillis.size());
      for (const auto &[kind, ms] : kinds)
        llvm::outs() << llvm::format("  %-10s %10.3f ms %6.1f%%\n",
                                     kind.c_str(), ms, share(ms));
      llvm::outs() << llvm::format("  %4s  %-10s %10s %7s  %s\n", "step",
                                   "kind", "ms", "share", "name");
      for (auto [index, step] : llvm::enumerate(steps))
        llvm::outs() << llvm::format("  %4zu  %-10s %10.3f %6.1f%%  ", index,
                                     step.kind.c_str(), step.seconds,
                                     share(step.seconds))
                     << step.name << "\n";
    }
  }
  return 0;
}
