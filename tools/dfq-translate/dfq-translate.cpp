//===- dfq-translate.cpp - Translations into and out of dfq ---------------===//
//
// mlir-translate for dfq: `--import-onnx model.onnx [-o out.mlir]` turns an
// ONNX model into the dfq float dialect; `--emit-library
// [--library-target=NAME] lowered.mlir` prints the C sources and kernel
// specs that `dfq-compile --target NAME` would build into libmodel.so
// (for FileCheck tests of code generation without a compiler or a CPU that
// runs the code). Output is written only on success.
//
//===----------------------------------------------------------------------===//

#include "dfq/Dialect/DfqDialect.h"
#include "dfq/Dialect/DfqOps.h"
#include "dfq/Import/OnnxImporter.h"
#include "dfq/Targets/Backends.h"
#include "dfq/Targets/ModelLibrary.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

static llvm::cl::opt<std::string> inputShape(
    "input-shape",
    llvm::cl::desc("--import-onnx: shape of the model's input, fixing the "
                   "dimensions the file leaves dynamic and making '?' "
                   "dimensions dynamic (e.g. ?x3x224x224)"),
    llvm::cl::value_desc("SHAPE"));

static void registerOnnxImport() {
  TranslateToMLIRRegistration importOnnx(
      "import-onnx",
      "Import an ONNX model (opsets 1-22) into the dfq float dialect",
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
        mlir::dfq::OnnxImportOptions options;
        if (!inputShape.empty()) {
          std::string shapeError;
          auto shape = mlir::dfq::parseInputShape(inputShape, shapeError);
          if (!shape) {
            emitError(FileLineColLoc::get(context, name, 0, 0))
                << "--input-shape: " << shapeError;
            return nullptr;
          }
          options.inputShape = *shape;
        }
        return mlir::dfq::importOnnxModel(model, name, context, options);
      },
      [](DialectRegistry &registry) {
        registry.insert<mlir::dfq::DfqDialect, arith::ArithDialect,
                        func::FuncDialect>();
      });
}

static llvm::cl::opt<std::string> libraryTarget(
    "library-target",
    llvm::cl::desc("--emit-library: the backend (x86-avx512-vnni, x86-avx2 "
                   "or c); default: the target of the first kernel's "
                   "dfq.kernel schedule"),
    llvm::cl::value_desc("NAME"));

/// The backend a lowered module was scheduled for: the first `dfq.kernel`'s
/// target.
static std::string scheduledTarget(Operation *module) {
  std::string found;
  module->walk([&](Operation *op) {
    if (auto schedule =
            op->getAttrOfType<mlir::dfq::KernelScheduleAttrInterface>(
                mlir::dfq::kKernelAttrName))
      if (found.empty())
        found = schedule.getTargetName();
  });
  return found;
}

static void registerLibraryEmission() {
  TranslateFromMLIRRegistration emitLibrary(
      "emit-library",
      "Print the C sources and kernel specs of the model library that "
      "dfq-compile would build from a lowered module (dfq-lower-to-kernels)",
      [](Operation *op, llvm::raw_ostream &os) -> LogicalResult {
        auto module = dyn_cast<ModuleOp>(op);
        if (!module)
          return op->emitError() << "expected a builtin.module";
        std::string name = libraryTarget.empty() ? scheduledTarget(module)
                                                 : libraryTarget.getValue();
        if (name.empty())
          return module.emitError()
                 << "no quantized layer says which backend it was lowered "
                    "for; pass --library-target";
        std::string error;
        std::unique_ptr<mlir::dfq::LibraryBackend> backend =
            mlir::dfq::createLibraryBackend(name, error);
        if (!backend)
          return module.emitError() << error;
        func::FuncOp function = mlir::dfq::findEntryFunction(module);
        if (!function)
          return module.emitError() << "the module has no function to compile";
        return mlir::dfq::printModelLibrary(function, *backend, os);
      },
      [](DialectRegistry &registry) {
        registry.insert<mlir::dfq::DfqDialect, arith::ArithDialect,
                        func::FuncDialect, quant::QuantDialect>();
      });
}

int main(int argc, char **argv) {
  llvm::cl::AddExtraVersionPrinter([](llvm::raw_ostream &os) {
    os << "dfq-translate (dfq 0.1, MLIR 22)\n";
  });
  registerOnnxImport();
  registerLibraryEmission();
  return failed(mlirTranslateMain(argc, argv, "dfq translation driver\n"));
}
