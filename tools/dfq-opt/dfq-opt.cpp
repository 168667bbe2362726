//===- dfq-opt.cpp - mlir-opt for the dfq dialect -------------------------===//
//
// Runs dfq passes and the upstream passes dfq pipelines use, with mlir-opt's
// command-line conventions (-split-input-file, -verify-diagnostics, ...).
//
//===----------------------------------------------------------------------===//

#include "dfq/Calibration/Passes.h"
#include "dfq/Conversion/Passes.h"
#include "dfq/Dialect/DfqDialect.h"
#include "dfq/Pipelines/CompilePipeline.h"
#include "dfq/Support/CommandLine.h"
#include "dfq/Targets/Passes.h"
#include "dfq/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/Extensions/AllExtensions.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::dfq::keepFreedMemoryInProcess();
  mlir::registerTransformsPasses(); // canonicalize, cse, inline, ...
  mlir::quant::registerQuantPasses();
  mlir::dfq::registerDfqPasses();
  mlir::dfq::registerDfqCalibrationPasses();
  mlir::dfq::registerDfqConversionPasses();
  mlir::dfq::registerDfqTargetPasses();
  mlir::dfq::registerCompilePipeline();

  mlir::DialectRegistry registry;
  registry.insert<mlir::dfq::DfqDialect, mlir::arith::ArithDialect,
                  mlir::func::FuncDialect, mlir::quant::QuantDialect,
                  mlir::tensor::TensorDialect>();
  mlir::func::registerAllExtensions(registry);

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv,
                        "dfq optimizer driver: quantization passes for the dfq "
                        "dialect\n",
                        registry));
}
