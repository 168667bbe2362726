//===- dfq-onnx-node-tests.cpp - Run ONNX's own node tests ----------------===//
//
// dfq-onnx-node-tests [--data DIR] [--exclusions FILE] [--filter SUBSTR] [-v]
//
// Imports every node test of ONNX's test suite (Debian's libonnx-testdata)
// whose ops the importer supports, runs it on the reference interpreter and
// compares each output with the expected one:
//     |actual - expected| <= atol + rtol * |expected|, atol 1e-5, rtol 1e-4,
// shapes equal. Tests listed in the exclusions file (one `name  # reason` per
// line) are skipped and counted; an excluded test that is not in scope or no
// longer fails is reported, so the list cannot go stale silently.
//
// Graph inputs are passed as function arguments. Where the importer needs an
// input to be constant (a Reshape shape, a Clip bound, ...) the test's data
// for it is inlined as an initializer instead: the test then checks the same
// function of the same data. The summary reports how many tests needed that.
//
//===----------------------------------------------------------------------===//

#include "dfq/Dialect/DfqDialect.h"
#include "dfq/Import/OnnxImporter.h"
#include "dfq/Import/OnnxModel.h"
#include "dfq/Runtime/Interpreter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string>
    dataDir("data", cl::desc("ONNX node-test directory"),
            cl::init("/usr/share/libonnx-testdata/data/node"));
static cl::opt<std::string>
    exclusionsPath("exclusions",
                   cl::desc("File of excluded tests: `name  # reason` lines"));
static cl::opt<std::string> filter("filter",
                                   cl::desc("Only tests whose name contains "
                                            "this"));
static cl::opt<bool> verbose("v", cl::desc("Print every test's outcome"));
static cl::opt<double> absTolerance("atol", cl::desc("Absolute tolerance"),
                                    cl::init(1e-5));
static cl::opt<double> relTolerance("rtol", cl::desc("Relative tolerance"),
                                    cl::init(1e-4));

namespace {
enum class Outcome { Pass, Fail };

struct TestResult {
  Outcome outcome = Outcome::Fail;
  bool inlinedInputs = false;
  std::string message;
};
} // namespace

/// Sorted `prefix_<i>.pb` files of a test data set.
static std::vector<std::string> listPb(StringRef dir, StringRef prefix) {
  std::vector<std::pair<int, std::string>> found;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef name = llvm::sys::path::filename(it->path());
    int index;
    if (name.consume_front(prefix) && name.consume_front("_") &&
        name.consume_back(".pb") && !name.getAsInteger(10, index))
      found.push_back({index, it->path()});
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> paths;
  for (auto &entry : found)
    paths.push_back(entry.second);
  return paths;
}

static std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  return s + "]";
}

/// Imports and runs `model` on `inputs`, comparing with `expected`.
static TestResult runOnce(const dfq::onnx::Model &model, StringRef name,
                          llvm::ArrayRef<dfq::onnx::Tensor> inputs,
                          llvm::ArrayRef<dfq::onnx::Tensor> expected) {
  TestResult result;
  MLIRContext context;
  std::string diagnostics;
  llvm::raw_string_ostream diagStream(diagnostics);
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    diagStream << diag.getLocation() << ": " << diag << "\n";
    return success();
  });
  OwningOpRef<ModuleOp> module =
      dfq::importOnnxModel(model, (name + ".onnx").str(), &context);
  if (!module) {
    result.message = "import failed: " + diagnostics;
    return result;
  }
  auto entry = module->lookupSymbol<func::FuncOp>("main");
  FailureOr<std::unique_ptr<dfq::ReferenceInterpreter>> interpreter =
      dfq::ReferenceInterpreter::create(entry);
  if (failed(interpreter)) {
    result.message = "interpreter rejected the module: " + diagnostics;
    return result;
  }
  if (inputs.size() != entry.getNumArguments()) {
    result.message = "the test has " + std::to_string(inputs.size()) +
                     " inputs for " + std::to_string(entry.getNumArguments()) +
                     " arguments";
    return result;
  }
  std::vector<dfq::rt::Tensor> args;
  for (const dfq::onnx::Tensor &input : inputs) {
    if (input.dataType != dfq::onnx::kFloat) {
      result.message = "input '" + input.name + "' is " +
                       dfq::onnx::dataTypeName(input.dataType);
      return result;
    }
    args.push_back(dfq::rt::Tensor::fromF32(input.dims, input.floats.data()));
  }
  SmallVector<dfq::rt::Tensor> outputs;
  if (failed((*interpreter)->run(args, outputs))) {
    result.message = "execution failed: " + diagnostics;
    return result;
  }
  if (outputs.size() != expected.size()) {
    result.message = "produced " + std::to_string(outputs.size()) +
                     " outputs, expected " + std::to_string(expected.size());
    return result;
  }
  for (auto [i, want] : llvm::enumerate(expected)) {
    if (want.dataType != dfq::onnx::kFloat) {
      result.message = "expected output #" + std::to_string(i) + " is " +
                       dfq::onnx::dataTypeName(want.dataType);
      return result;
    }
    std::vector<int64_t> shape = outputs[i].shape();
    if (shape != want.dims) {
      result.message = "output #" + std::to_string(i) + " has shape " +
                       shapeString(shape) + ", expected " +
                       shapeString(want.dims);
      return result;
    }
    const float *got = outputs[i].dataF32();
    for (size_t k = 0; k < want.floats.size(); ++k) {
      double w = want.floats[k], g = got[k];
      bool same = (std::isnan(w) && std::isnan(g)) || w == g ||
                  std::abs(g - w) <= absTolerance + relTolerance * std::abs(w);
      if (!same) {
        result.message = "output #" + std::to_string(i) + " element " +
                         std::to_string(k) + ": got " + std::to_string(g) +
                         ", expected " + std::to_string(w);
        return result;
      }
    }
  }
  result.outcome = Outcome::Pass;
  return result;
}

/// Runs one node test directory; inputs become initializers if the importer
/// needs them constant.
static TestResult runTest(const dfq::onnx::Model &model, StringRef dir) {
  llvm::SmallString<256> dataSet(dir);
  llvm::sys::path::append(dataSet, "test_data_set_0");
  std::vector<dfq::onnx::Tensor> inputs, expected;
  std::string error;
  for (const std::string &path : listPb(dataSet, "input")) {
    inputs.emplace_back();
    if (!dfq::onnx::readTensorFile(path, inputs.back(), error))
      return {Outcome::Fail, false, error};
  }
  for (const std::string &path : listPb(dataSet, "output")) {
    expected.emplace_back();
    if (!dfq::onnx::readTensorFile(path, expected.back(), error))
      return {Outcome::Fail, false, error};
  }
  // Test data files name their tensors inconsistently; pair them with the
  // graph's non-initializer inputs by position.
  std::vector<const dfq::onnx::ValueInfo *> graphInputs;
  for (const dfq::onnx::ValueInfo &input : model.graph.inputs) {
    bool isInitializer =
        llvm::any_of(model.graph.initializers, [&](const dfq::onnx::Tensor &t) {
          return t.name == input.name;
        });
    if (!isInitializer)
      graphInputs.push_back(&input);
  }
  if (graphInputs.size() != inputs.size())
    return {Outcome::Fail, false,
            "the data set has " + std::to_string(inputs.size()) +
                " inputs for " + std::to_string(graphInputs.size()) +
                " graph inputs"};
  for (auto [i, input] : llvm::enumerate(inputs))
    input.name = graphInputs[i]->name;

  TestResult direct =
      runOnce(model, llvm::sys::path::filename(dir), inputs, expected);
  if (direct.outcome == Outcome::Pass)
    return direct;
  dfq::onnx::Model inlined = model;
  inlined.graph.inputs.clear();
  for (const dfq::onnx::Tensor &input : inputs)
    inlined.graph.initializers.push_back(input);
  TestResult viaConstants =
      runOnce(inlined, llvm::sys::path::filename(dir), {}, expected);
  viaConstants.inlinedInputs = true;
  if (viaConstants.outcome == Outcome::Pass)
    return viaConstants;
  direct.message += "\n    with inputs inlined: " + viaConstants.message;
  return direct;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "Runs ONNX's node tests through the dfq "
                              "importer and reference interpreter\n");

  llvm::StringMap<std::string> exclusions;
  if (!exclusionsPath.empty()) {
    auto buffer = llvm::MemoryBuffer::getFile(exclusionsPath);
    if (!buffer) {
      llvm::WithColor::error() << "cannot read '" << exclusionsPath << "'\n";
      return 1;
    }
    SmallVector<StringRef> lines;
    (*buffer)->getBuffer().split(lines, '\n');
    for (StringRef line : lines) {
      auto [name, reason] = line.split('#');
      name = name.trim();
      if (name.empty())
        continue;
      if (reason.trim().empty()) {
        llvm::WithColor::error()
            << "exclusion '" << name << "' gives no reason\n";
        return 1;
      }
      exclusions[name] = reason.trim().str();
    }
  }

  std::vector<std::string> dirs;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dataDir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::fs::is_directory(it->path()))
      dirs.push_back(it->path());
  if (ec || dirs.empty()) {
    llvm::WithColor::error() << "no node tests in '" << dataDir << "'\n";
    return 1;
  }
  std::sort(dirs.begin(), dirs.end());

  llvm::ArrayRef<StringRef> supported = dfq::getSupportedOnnxOps();
  int total = 0, inScope = 0, excluded = 0, passed = 0, failedCount = 0,
      inlined = 0, stale = 0;
  // dfq compiles float models: of the tests in scope, those whose graph
  // inputs and outputs are all FLOAT tensors are counted on their own.
  int floatInScope = 0, floatPassed = 0;
  llvm::StringMap<bool> seenExclusions;
  for (const std::string &dir : dirs) {
    StringRef name = llvm::sys::path::filename(dir);
    if (!filter.empty() && !name.contains(filter))
      continue;
    ++total;
    llvm::SmallString<256> modelPath(dir);
    llvm::sys::path::append(modelPath, "model.onnx");
    dfq::onnx::Model model;
    std::string error;
    if (!dfq::onnx::readModelFile(modelPath.str().str(), model, error,
                                  /*strict=*/false))
      continue; // not readable by us: its ops decide nothing
    bool supportedOps =
        !model.graph.nodes.empty() &&
        llvm::all_of(model.graph.nodes, [&](const dfq::onnx::Node &node) {
          return node.domain.empty() &&
                 llvm::is_contained(supported, StringRef(node.opType));
        });
    auto exclusion = exclusions.find(name);
    if (exclusion != exclusions.end())
      seenExclusions[name] = true;
    if (!supportedOps) {
      if (exclusion != exclusions.end()) {
        llvm::outs() << "STALE " << name
                     << ": excluded but not in scope (unsupported ops)\n";
        ++stale;
      }
      continue;
    }
    ++inScope;
    // The test reads the model as dfq-translate does: strictly (schemas,
    // positive dimensions); a model refused there fails with the reason.
    dfq::onnx::Model strictModel;
    std::string readError;
    bool readable =
        dfq::onnx::readModelFile(modelPath.str().str(), strictModel, readError);
    auto run = [&] {
      return readable ? runTest(strictModel, dir)
                      : TestResult{Outcome::Fail, false, readError};
    };
    llvm::StringSet<> initialized;
    for (const dfq::onnx::Tensor &init : model.graph.initializers)
      initialized.insert(init.name);
    auto isFloat = [&](const dfq::onnx::ValueInfo &info) {
      return initialized.contains(info.name) ||
             (info.isTensor && info.elementType == dfq::onnx::kFloat);
    };
    bool floatOnly = llvm::all_of(model.graph.inputs, isFloat) &&
                     llvm::all_of(model.graph.outputs, isFloat);
    floatInScope += floatOnly;
    if (exclusion != exclusions.end()) {
      ++excluded;
      TestResult result = run();
      if (result.outcome == Outcome::Pass) {
        llvm::outs() << "STALE " << name
                     << ": excluded but passes; remove the exclusion\n";
        ++stale;
      } else if (verbose) {
        llvm::outs() << "EXCLUDED " << name << " (" << exclusion->second
                     << ")\n";
      }
      continue;
    }
    TestResult result = run();
    if (result.outcome == Outcome::Pass) {
      ++passed;
      floatPassed += floatOnly;
      inlined += result.inlinedInputs;
      if (verbose)
        llvm::outs() << "PASS " << name
                     << (result.inlinedInputs ? " (inputs inlined)" : "")
                     << "\n";
    } else {
      ++failedCount;
      llvm::outs() << "FAIL " << name << ": " << result.message << "\n";
    }
  }
  for (auto &entry : exclusions)
    if (!seenExclusions.count(entry.getKey()) && filter.empty()) {
      llvm::outs() << "STALE " << entry.getKey() << ": no such test\n";
      ++stale;
    }

  llvm::outs() << "node tests: " << total << " total, " << inScope
               << " in scope (supported ops), " << excluded << " excluded, "
               << passed << " passed (" << inlined
               << " with inputs inlined as constants), " << failedCount
               << " failed, " << stale << " stale exclusions\n"
               << "with FLOAT graph inputs and outputs: " << floatInScope
               << " in scope, " << floatPassed << " passed\n";
  return failedCount || stale ? 1 : 0;
}
