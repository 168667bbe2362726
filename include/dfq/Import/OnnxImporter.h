//===- OnnxImporter.h - ONNX to the dfq float dialect -----------*- C++ -*-===//
//
// Builds a module with one `func.func @main` in the dfq float dialect from an
// ONNX model (opsets 1 to 22). Initializers become `dense_resource`
// constants, node names become locations, graph input and output names are
// kept as `dfq.name` argument and result attributes.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_IMPORT_ONNXIMPORTER_H
#define DFQ_IMPORT_ONNXIMPORTER_H

#include "dfq/Import/OnnxModel.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace mlir::dfq {

/// The lowest and highest default-domain opset the importer accepts.
constexpr int64_t kMinOnnxOpset = 1;
constexpr int64_t kMaxOnnxOpset = 22;

/// The ONNX op types the importer understands.
llvm::ArrayRef<llvm::StringRef> getSupportedOnnxOps();

struct OnnxImportOptions {
  /// The shape of the graph's one input: a static entry fixes a dimension
  /// the file leaves dynamic (converters leave height and width open), a
  /// `ShapedType::kDynamic` entry makes one dynamic (a batch exported as 1,
  /// which calibration and libraries need dynamic). Empty: the file's shape.
  /// A static entry that contradicts a static dimension of the file, a
  /// different rank or a graph with more inputs is an error.
  llvm::SmallVector<int64_t> inputShape;
  /// Without `inputShape`: a graph whose one input has a static leading
  /// dimension of 1 (a model exported with batch 1, common in the wild) is
  /// imported with that dimension dynamic, so that it calibrates and runs at
  /// any batch, when the graph allows it; when some node needs the batch to
  /// be 1 (a reshape to a constant [1, 512]), it is imported as the file
  /// says. `relaxedBatch` tells which happened.
  bool relaxBatchOfOne = false;
  bool *relaxedBatch = nullptr;
};

/// Imports `model`; `sourceName` names the file in locations and messages.
/// Errors are emitted as MLIR diagnostics naming the node and its op type;
/// the result is null on failure.
OwningOpRef<ModuleOp> importOnnxModel(const ::mlir::dfq::onnx::Model &model,
                                      llvm::StringRef sourceName,
                                      MLIRContext *context,
                                      const OnnxImportOptions &options = {});

/// Reads `path` and imports it.
OwningOpRef<ModuleOp> importOnnxFile(llvm::StringRef path, MLIRContext *context,
                                     const OnnxImportOptions &options = {});

/// Parses a shape written as MLIR writes tensor shapes, `?x3x224x224` (`?`
/// for a dynamic dimension); nullopt with `error` set when it is not one.
std::optional<llvm::SmallVector<int64_t>> parseInputShape(llvm::StringRef text,
                                                          std::string &error);

} // namespace mlir::dfq

#endif // DFQ_IMPORT_ONNXIMPORTER_H
