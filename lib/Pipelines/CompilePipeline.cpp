//===- CompilePipeline.cpp - what dfq-compile runs, as a pipeline ---------===//

#include "dfq/Pipelines/CompilePipeline.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::dfq;

namespace {

std::string synthesize(const CompilePipelineOptions &o, StringRef method) {
  return "dfq-synthesize{method=" + method.str() +
         " samples=" + std::to_string(o.samples) +
         " iterations=" + std::to_string(o.iterations) +
         " seed=" + std::to_string(o.seed) +
         " time-limit=" + std::to_string(o.timeLimit.getValue()) +
         " threads=" + std::to_string(o.threads) + "},";
}

/// " first-last-bits=N" when asked for, so that a target lacking the
/// default width can substitute its widest.
std::string edgeBitsOption(const CompilePipelineOptions &o) {
  return o.firstLastBits >= 0
             ? " first-last-bits=" + std::to_string(o.firstLastBits)
             : "";
}

} // namespace

std::string mlir::dfq::getCalibrationPipeline(const CompilePipelineOptions &o) {
  StringRef calib = o.calib;
  std::string synthesis, realData;
  if (calib == "dsg" || calib == "zeroq")
    synthesis = calib.str();
  else if (calib == "none")
    synthesis = "gaussian";
  else if (calib.consume_front("real:"))
    realData = calib.str();
  std::string pipeline;
  if (!synthesis.empty())
    pipeline += synthesize(o, synthesis);
  // Sensitivities are measured on synthetic images even when the ranges
  // come from real ones.
  else if (!o.budget.empty())
    pipeline += synthesize(o, "dsg");
  // Equalization rescales BatchNorm's gamma and beta, not the running
  // statistics synthesis fitted the images to.
  if (o.equalize)
    pipeline += std::string("func.func(dfq-equalize{relu6-as-relu=") +
                (o.relu6AsRelu ? "true" : "false") + "}),";
  // Compensation needs the BatchNorms, and its ternary weights must be in
  // place before ranges are measured.
  if (o.mpcLow)
    pipeline += llvm::formatv("func.func(dfq-compensate-mpc{{low={0} high={1} "
                              "compensate={2}}),",
                              o.mpcLow.getValue(), o.mpcHigh.getValue(),
                              o.compensate ? "true" : "false")
                    .str();
  pipeline += "dfq-fold-bn,";
  int abits = o.abits ? o.abits : 8;
  if (!o.budget.empty())
    pipeline += "dfq-assign-bits{budget=" + o.budget +
                " choices=" + o.bitChoices + " abits=" + std::to_string(abits) +
                edgeBitsOption(o) + " threads=" + std::to_string(o.threads) +
                "},";
  // The MSE observer weighs clipping against rounding at the bits used.
  pipeline += "dfq-calibrate-ranges{observer=" + o.observer +
              " bits=" + std::to_string(abits);
  if (!realData.empty())
    pipeline += " data=" + realData +
                " mean=" + std::to_string(static_cast<float>(o.mean)) +
                " std=" + std::to_string(static_cast<float>(o.std));
  // The input is an image in [0, 1] normalized by mean and std; synthetic
  // images, fitted only to statistics, stray far outside that range.
  if (!o.measureInputRange) {
    float mean = static_cast<float>(o.mean), std = static_cast<float>(o.std);
    pipeline += llvm::formatv(" input-min={0:g9} input-max={1:g9}",
                              (0.0 - mean) / std, (1.0 - mean) / std)
                    .str();
  }
  pipeline += " threads=" + std::to_string(o.threads) + "}";
  return pipeline;
}

std::string
mlir::dfq::getQuantizationPipeline(const CompilePipelineOptions &o) {
  // Widths left at their defaults are not passed, so that a target that
  // lacks them substitutes its widest (an explicit width it lacks is an
  // error at the layer).
  std::string options;
  if (o.wbits)
    options += " wbits=" + std::to_string(o.wbits);
  if (o.abits)
    options += " abits=" + std::to_string(o.abits);
  options += edgeBitsOption(o);
  std::string braced =
      options.empty() ? "" : "{" + StringRef(options).ltrim().str() + "}";
  // Reconstruction learns on dfq-quantize's grid, and bias correction
  // predicts its weight error: the same options.
  std::string pipeline;
  if (!o.reconstruct.empty())
    pipeline += "dfq-reconstruct{method=" + o.reconstruct +
                " iterations=" + std::to_string(o.reconstructIterations) +
                " weight-scale=" + o.reconstructWeightScale +
                " seed=" + std::to_string(o.seed) +
                " threads=" + std::to_string(o.threads) + options + "},";
  if (o.correctBias)
    pipeline += "func.func(dfq-correct-bias" + braced + "),";
  pipeline += "func.func(dfq-quantize" + braced + ")";
  if (o.quantizeSkips)
    pipeline += ",func.func(dfq-quantize-skips)";
  // Every layer is checked against the description before code is
  // generated for it.
  if (o.verifyTarget)
    pipeline += ",dfq-verify-target";
  // Activations stay quantized where ops allow it, layouts are decided
  // before the kernels that read them; the C backend has no residual
  // epilogues.
  if (!o.target.empty())
    pipeline += ",func.func(dfq-lead-with-batch,dfq-quantize-pooling,"
                "dfq-sink-dequantize,"
                "dfq-convert-layouts,"
                "dfq-lower-to-kernels{target=" +
                o.target +
                " fuse-residuals=" + (o.fuseResiduals ? "true" : "false") +
                "})";
  return pipeline;
}

std::string
mlir::dfq::checkCompilePipelineOptions(const CompilePipelineOptions &o) {
  StringRef calib = o.calib;
  if (calib != "dsg" && calib != "zeroq" && calib != "none" &&
      !(calib.starts_with("real:") && calib.size() > 5))
    return "calib must be dsg, zeroq, none or real:PATH, got '" + o.calib + "'";
  auto width = [](int bits, int unset) {
    return bits == unset || (bits >= 2 && bits <= 8);
  };
  if (!width(o.wbits, 0) || !width(o.abits, 0))
    return "wbits and abits must be 0 (the default) or lie in [2, 8]";
  if (!width(o.firstLastBits, -1) && o.firstLastBits != 0)
    return "first-last-bits must be -1 (the default), 0 (same as the other "
           "layers) or lie in [2, 8]";
  if (o.mpcLow &&
      (o.mpcLow < 2 || o.mpcLow > 3 || o.mpcHigh <= o.mpcLow || o.mpcHigh > 8))
    return "mpc-low must be 2 or 3 and mpc-high in (mpc-low, 8]";
  if (o.relu6AsRelu && !o.equalize)
    return "relu6-as-relu needs equalize";
  if (o.samples <= 0 || o.iterations < 0)
    return "samples must be positive and iterations non-negative";
  if (!o.reconstruct.empty() && o.reconstruct != "adaround")
    return "reconstruct must be empty or adaround, got '" + o.reconstruct + "'";
  if (o.reconstructIterations < 0)
    return "reconstruct-iterations must not be negative";
  if (o.reconstructWeightScale != "max" && o.reconstructWeightScale != "mse")
    return "reconstruct-weight-scale must be max or mse";
  if (!o.reconstruct.empty() && StringRef(o.calib).starts_with("real:") &&
      o.budget.empty())
    return "reconstruct learns on the synthetic batch: it needs calib dsg, "
           "zeroq or none (or a budget, which synthesizes one)";
  if (!(o.std > 0))
    return "std must be positive";
  if (!o.target.empty() && o.target != "x86-avx512-vnni" &&
      o.target != "x86-avx2" && o.target != "c" && o.target != "cuda-sm80" &&
      o.target != "cuda-sm90")
    return "target must be x86-avx512-vnni, x86-avx2, c, cuda-sm80, "
           "cuda-sm90 or empty, got '" +
           o.target + "'";
  return "";
}

void mlir::dfq::registerCompilePipeline() {
  registerPassPipeline(
      "dfq-compile-pipeline",
      "What dfq-compile runs: calibration (synthesis, equalization, DF-MPC, "
      "BatchNorm folding, bit allocation, ranges), quantization, the target "
      "check and kernel lowering",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        CompilePipelineOptions options;
        if (failed(options.parseFromString(text)))
          return failure();
        std::string error = checkCompilePipelineOptions(options);
        if (!error.empty())
          return errorHandler("dfq-compile-pipeline: " + error);
        return parsePassPipeline(getCalibrationPipeline(options) + "," +
                                     getQuantizationPipeline(options),
                                 pm, llvm::errs());
      },
      [](function_ref<void(const detail::PassOptions &)> optionHandler) {
        optionHandler(CompilePipelineOptions());
      });
}
