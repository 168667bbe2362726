//===- OnnxImporter.h - ONNX to the dfq float dialect -----------*- C++ -*-===//
//
// Builds a module with one `func.func @main` in the dfq float dialect from an
// ONNX model (opsets 11 to 17). Initializers become `dense_resource`
// constants, node names become locations, graph input and output names are
// kept as `dfq.name` argument and result attributes.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_IMPORT_ONNXIMPORTER_H
#define DFQ_IMPORT_ONNXIMPORTER_H

#include "dfq/Import/OnnxModel.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir::dfq {

/// The lowest and highest default-domain opset the importer accepts.
constexpr int64_t kMinOnnxOpset = 11;
constexpr int64_t kMaxOnnxOpset = 17;

/// The ONNX op types the importer understands.
llvm::ArrayRef<llvm::StringRef> getSupportedOnnxOps();

/// Imports `model`; `sourceName` names the file in locations and messages.
/// Errors are emitted as MLIR diagnostics naming the node and its op type;
/// the result is null on failure.
OwningOpRef<ModuleOp> importOnnxModel(const ::mlir::dfq::onnx::Model &model,
                                      llvm::StringRef sourceName,
                                      MLIRContext *context);

/// Reads `path` and imports it.
OwningOpRef<ModuleOp> importOnnxFile(llvm::StringRef path,
                                     MLIRContext *context);

} // namespace mlir::dfq

#endif // DFQ_IMPORT_ONNXIMPORTER_H
