//===- dfq-import-fuzzer.cpp - libFuzzer target for the ONNX importer -----===//
//
// Feeds arbitrary bytes to the ONNX reader and the importer, the code that
// every user model passes through first. Besides the sanitizers' findings
// (crashes, out-of-bounds accesses, overflows, leaks), three outcomes count as
// bugs because they break the importer's contract that a model either
// imports into valid IR or is rejected with a diagnostic:
//   - the import fails without an error diagnostic;
//   - the import succeeds but an error was reported;
//   - the import fails in the verifier of the finished module: a node was
//     built into an op without the per-node verification that names the node
//     (op verifiers checking a node's operands are fine when the importer
//     then says which node could not be imported).
//
// Run it through scripts/fuzz.sh, which builds it with the sanitizers and
// seeds it with ONNX's node tests; docs/fuzzing.md says how.
//
//===----------------------------------------------------------------------===//

#include "OnnxModelMutator.h"

#include "dfq/Dialect/DfqDialect.h"
#include "dfq/Import/OnnxImporter.h"
#include "dfq/Import/OnnxModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <string>

using namespace mlir;

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {

/// Verifier diagnostics read "'dialect.op' op ..."; the importer's own name
/// the ONNX node instead.
bool isVerifierMessage(const std::string &message) {
  return message.size() > 1 && message[0] == '\'' &&
         message.find("' op ") != std::string::npos;
}

[[noreturn]] void reportBug(const char *what, const std::string &detail) {
  llvm::errs() << "dfq-import-fuzzer: " << what << "\n" << detail << "\n";
  std::abort();
}

} // namespace

/// LLVM's allocators poison and unpoison their slabs when the code that
/// inlines them is built with AddressSanitizer. MLIR's static libraries and
/// the fuzzer are, Debian's libLLVM.so is not, so memory allocated on one side
/// and recycled on the other reads as poisoned. Manual poisoning is turned
/// off; ASan's own redzones still catch out-of-bounds accesses.
extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
  std::vector<std::string> opTypes;
  for (llvm::StringRef op : dfq::getSupportedOnnxOps())
    opTypes.push_back(op.str());
  dfq::fuzz::setMutationOpTypes(std::move(opTypes));
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned int seed) {
  // One mutation in eight stays on the bytes, so the reader's own checks
  // (truncated and invalid encodings) are fuzzed too.
  if (seed % 8 != 0)
    if (size_t newSize = dfq::fuzz::mutateOnnxModel(data, size, maxSize, seed))
      return newSize;
  return LLVMFuzzerMutate(data, size, maxSize);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  dfq::onnx::Model model;
  std::string error;
  if (!dfq::onnx::parseModel(
          std::string(reinterpret_cast<const char *>(data), size), "fuzz.onnx",
          model, error))
    return 0;

  // A context per input: attributes and types uniqued by one model must not
  // make the next one's import succeed or grow memory across runs.
  MLIRContext context(MLIRContext::Threading::DISABLED);
  std::string errors;
  bool lastErrorFromVerifier = false;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error) {
      std::string message = diag.str();
      lastErrorFromVerifier = isVerifierMessage(message);
      errors += message + "\n";
    }
    return success();
  });
  // As dfq-compile and dfq-run import: a batch of 1 is tried as dynamic
  // first.
  dfq::OnnxImportOptions options;
  options.relaxBatchOfOne = true;
  OwningOpRef<ModuleOp> module =
      dfq::importOnnxModel(model, "fuzz.onnx", &context, options);
  if (!module) {
    if (errors.empty())
      reportBug("the import failed without a diagnostic", "");
    if (lastErrorFromVerifier)
      reportBug("the importer built IR that does not verify", errors);
    return 0;
  }
  if (!errors.empty())
    reportBug("the import succeeded although it reported errors", errors);
  if (failed(verify(*module)))
    reportBug("the imported module does not verify", errors);
  // Printing walks every attribute and type the importer built.
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return 0;
}
