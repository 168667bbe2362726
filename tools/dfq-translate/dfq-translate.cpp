//===- dfq-translate.cpp - Translations into and out of dfq ---------------===//
//
// mlir-translate for dfq: `--import-onnx model.onnx [-o out.mlir]` turns an
// ONNX model into the dfq float dialect. Output is written only on success.
//
//===----------------------------------------------------------------------===//

#include "dfq/Dialect/DfqDialect.h"
#include "dfq/Import/OnnxImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

static void registerOnnxImport() {
  TranslateToMLIRRegistration importOnnx(
      "import-onnx",
      "Import an ONNX model (opsets 11-17) into the dfq float dialect",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        std::string name = buffer->getBufferIdentifier().str();
        ::mlir::dfq::onnx::Model model;
        std::string error;
        if (!::mlir::dfq::onnx::parseModel(buffer->getBuffer().str(), name,
                                           model, error)) {
          emitError(FileLineColLoc::get(context, name, 0, 0)) << error;
          return nullptr;
        }
        return mlir::dfq::importOnnxModel(model, name, context);
      },
      [](DialectRegistry &registry) {
        registry.insert<mlir::dfq::DfqDialect, arith::ArithDialect,
                        func::FuncDialect>();
      });
}

int main(int argc, char **argv) {
  llvm::cl::AddExtraVersionPrinter([](llvm::raw_ostream &os) {
    os << "dfq-translate (dfq 0.1, MLIR 22)\n";
  });
  registerOnnxImport();
  return failed(mlirTranslateMain(argc, argv, "dfq translation driver\n"));
}
