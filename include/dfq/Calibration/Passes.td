//===- Passes.td - dfq calibration passes ------------------*- tablegen -*-===//
//
// Passes that run the network on the calibration numerics engine (libtorch).
// They live apart from dfq/Transforms so that pure IR rewrites do not pull in
// the engine.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_CALIBRATION_PASSES_TD
#define DFQ_CALIBRATION_PASSES_TD

include "mlir/Pass/PassBase.td"

def SynthesizePass : Pass<"dfq-synthesize", "::mlir::ModuleOp"> {
  let summary = "Synthesize calibration images from the model's BatchNorm "
                "statistics (ZeroQ, DSG)";
  let description = [{
    Fits a batch of `samples` images to the running statistics of every
    `dfq.batch_norm` in `@main` (or the module's only function), with the
    input gradient of the float network:

    - `method=zeroq` (Cai et al., CVPR 2020): per-sample channel mean and
      standard deviation at every BatchNorm input pulled onto the running
      statistics, plus an input prior; Adam, learning rate 0.5.
    - `method=dsg` (Qin et al., TPAMI 2023, post-training variant): the same
      statistics with slack distribution alignment (`sda`: hinge margins per
      layer, computed without data as a quantile of a ZeroQ batch's
      deviations), layerwise sample enhancement (`lse`) and inter-sample
      correlation inhibition (`sci`), each switchable for ablation; Adam,
      learning rate 0.9.

    The batch is stored with the module: `dfq.calibration_data` is a
    `dense_resource` tensor `[samples, ...input dims]` and
    `dfq.calibration_source` names the method. Progress and the loss go to
    stderr. The result is deterministic for a fixed `seed` on a given machine
    and thread count. Where the implementation follows the papers and where
    the authors' code is in docs/calibration.md.

    A model without BatchNorm is an error: both methods need its statistics.
  }];
  let options = [
    Option<"method", "method", "std::string", "\"dsg\"",
           "Synthesis method: zeroq or dsg">,
    Option<"samples", "samples", "int64_t", "32",
           "Images in the synthesized batch">,
    Option<"iterations", "iterations", "int64_t", "500",
           "Adam steps">,
    Option<"lr", "lr", "double", "0.0",
           "Adam learning rate (0: the method's default)">,
    Option<"seed", "seed", "uint64_t", "0",
           "Seed of all randomness">,
    Option<"sda", "sda", "bool", "true",
           "DSG: slack distribution alignment">,
    Option<"lse", "lse", "bool", "true",
           "DSG: layerwise sample enhancement">,
    Option<"sci", "sci", "bool", "true",
           "DSG: inter-sample correlation inhibition">,
    Option<"marginQuantile", "margin-quantile", "double", "0.9",
           "DSG: quantile of the ZeroQ batch's deviations used as SDA margin">,
    Option<"threads", "threads", "int", "0",
           "Engine threads (0: the engine's default)">,
  ];
}

#endif // DFQ_CALIBRATION_PASSES_TD
