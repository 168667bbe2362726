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

    - `method=gaussian`: plain N(0, 1) noise in the model's input space, no
      fitting; the "no data" baseline the data-free methods are measured
      against. It needs no BatchNorm.

    A model without BatchNorm is an error for zeroq and dsg: both need its
    statistics.
  }];
  let options = [
    Option<"method", "method", "std::string", "\"dsg\"",
           "Synthesis method: zeroq, dsg, or gaussian (no fitting)">,
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
           "Engine threads (0: every hardware thread)">,
    Option<"timeLimit", "time-limit", "double", "0",
           "Wall-clock seconds for the synthesis (0: none); it stops before "
           "a step that would end later, DSG's margin batch taking the "
           "first half">,
  ];
}

def CalibrateRangesPass : Pass<"dfq-calibrate-ranges", "::mlir::ModuleOp"> {
  let summary = "Measure the range of every activation on calibration images";
  let description = [{
    Runs `@main` (or the module's only function) on calibration images and
    records the range of every activation: the input gets a `dfq.range`
    argument attribute and every float graph op a `dfq.range` attribute,
    `array<f64: lo, hi>`. The module gets `dfq.range_source` (where the
    images came from) and `dfq.range_observer`.

    Images: with `data=PATH`, real images from an IDX file (gzipped or not,
    normalized with `mean` and `std`) or a `.npy` array, at most `limit` of
    them; otherwise the batch `dfq-synthesize` stored in the module
    (`dfq.calibration_data`). Without either it is an error.

    Observers (the activation-range estimators of the data-free literature):
    - `minmax`: the running minimum and maximum over all images (ZeroQ).
    - `percentile`: the `percentile`-th and (100 - `percentile`)-th
      percentiles.
    - `mse`: among `[lo, hi] * (1 - 0.01 i)`, i < 80, the range whose
      `bits`-bit asymmetric quantization has the least L2.4 error (BRECQ).
      Under a `#dfq.target` with `scales = pow2`, the candidates are the
      powers of two at and up to four octaves below the min-max scale
      instead, quantized with the target's signedness and symmetry, and the
      range returned is one whose scale `dfq-quantize` rounds to the chosen
      power (with `minmax` and `percentile`, it rounds the scale up).
    The input's range can be given instead of measured (`input-min`,
    `input-max`): a model's input range follows from its preprocessing (for
    images in [0, 1] normalized by mean m and deviation s, `[-m/s, (1-m)/s]`),
    while synthetic images, fitted only to statistics, stray far outside it.

    `percentile` and `mse` look at a deterministic subsample of each
    activation (every k-th value, at most 65536 values per batch), so their
    cost does not grow with the activation size.
  }];
  let options = [
    Option<"observer", "observer", "std::string", "\"minmax\"",
           "Range estimator: minmax, percentile or mse">,
    Option<"dataPath", "data", "std::string", "\"\"",
           "Real calibration images (.npy, or IDX gzipped or not)">,
    Option<"limit", "limit", "int64_t", "256",
           "Use at most this many real images">,
    Option<"mean", "mean", "double", "0.2860",
           "IDX preprocessing: mean of pixel / 255">,
    Option<"std", "std", "double", "0.3530",
           "IDX preprocessing: standard deviation">,
    Option<"percentile", "percentile", "double", "99.99",
           "percentile observer: upper percentile in (50, 100]">,
    Option<"bits", "bits", "int64_t", "8",
           "mse observer: the activation bit width the range is chosen for">,
    Option<"batch", "batch", "int64_t", "32",
           "Images per forward pass">,
    Option<"inputMin", "input-min", "double",
           "std::numeric_limits<double>::quiet_NaN()",
           "The model input's known lower bound (NaN: measure it)">,
    Option<"inputMax", "input-max", "double",
           "std::numeric_limits<double>::quiet_NaN()",
           "The model input's known upper bound (NaN: measure it)">,
    Option<"threads", "threads", "int", "0",
           "Engine threads (0: every hardware thread)">,
  ];
}

def AssignBitsPass : Pass<"dfq-assign-bits", "::mlir::ModuleOp"> {
  let summary = "Choose each layer's weight bits under a budget, without data";
  let description = [{
    ZeroQ's mixed precision (Cai et al., CVPR 2020, §3.3) on the synthetic
    batch that `dfq-synthesize` stored in the module
    (`dfq.calibration_data`). Runs after `dfq-fold-bn`, on the weights that
    `dfq-quantize` will quantize.

    **Sensitivity.** For every `dfq.conv2d` / `dfq.gemm` layer `i` and every
    bit width `k` in `choices`, the network runs on the batch with only
    layer `i`'s weights quantized to `k` bits (dfq-quantize's per-channel
    symmetric quantizer, activations in float):
    `Ω_i(k) = mean_n KL(softmax(F(x_n)) || softmax(F_i←k(x_n)))` on the
    logits (the input of a final softmax).

    **Allocation.** The bits minimizing `Σ_i Ω_i(k_i)` under the budget, exact
    (dynamic programming over the Pareto frontier of cost and sensitivity,
    `dfq/Support/BitAllocation.h`), with the sensitivities treated as
    additive, as ZeroQ does. Budgets:
    - `avg-bits:B`: `Σ P_i k_i ≤ B Σ P_i` (`P_i`: the layer's weights);
    - `size:BYTES`: `Σ ceil(P_i k_i / 8) ≤ BYTES`, the weight bytes
      `dfq-compile`'s report counts;
    - `bops:N`: `Σ MAC_i k_i a_i ≤ N` per sample, with `a_i` the layer's
      activation bits (`abits`, `first-last-bits` for the edges).

    Layers that already carry `dfq.weight_bits` (from `dfq-compensate-mpc`)
    keep them, and the first and last layer get `first-last-bits` (0: they
    are allocated like the rest); both count against the budget. An
    infeasible budget is an error that names the least feasible one.

    Each layer gets `dfq.weight_bits`, `dfq.bits_reason` and
    `dfq.sensitivity` (`Ω` per entry of the layer's choices, in
    order: `choices`, narrowed by a target), and a
    remark; the module gets `dfq.bit_budget` and `dfq.bit_choices`.
    Activations keep uniform bits in this version.

    **Target.** With a `#dfq.target` on the module, layers of a kind the
    target does not run are left out (they stay float), and each layer's
    choices narrow to the weight widths the target runs for its kind. A
    default first/last width the target lacks gives way to the widest it
    runs; an explicit one, or a `dfq.weight_bits` it lacks, is an error at
    the layer, as is a layer left with no choice.
  }];
  let options = [
    Option<"budget", "budget", "std::string", "\"\"",
           "avg-bits:B, size:BYTES or bops:N (required)">,
    ListOption<"choices", "choices", "int64_t",
               "Bit widths a layer may get (default 2,3,4,6,8)">,
    Option<"abits", "abits", "int64_t", "8",
           "Activation bits, for the bops budget">,
    Option<"firstLastBits", "first-last-bits", "int64_t", "8",
           "Weight bits of the first and last layer (0: allocate them)">,
    Option<"threads", "threads", "int", "0",
           "Engine threads (0: every hardware thread)">,
  ];
}

def ReconstructPass : Pass<"dfq-reconstruct", "::mlir::ModuleOp"> {
  let summary = "Learn each layer's weight rounding on the calibration "
                "batch (AdaRound)";
  let description = [{
    Chooses, for every weight of every layer that `dfq-quantize` will
    quantize, whether it rounds up or down on its quantization grid, so
    that the layer's output on the batch `dfq-synthesize` stored
    (`dfq.calibration_data`) stays close to the float network's.

    - `method=adaround` (Nagel et al., ICML 2020): layer after layer in
      program order, the rectified-sigmoid soft rounding h(V) of each weight
      learned with Adam (`lr`) for `iterations` steps on random batches of
      `batch` samples, minimizing the layer's squared output error plus
      `lambda` times the rounding regulariser, whose exponent anneals from
      20 to 2 after a warm-up of `warmup` of the steps. Each layer's input
      comes from the network whose earlier layers are already rounded (the
      paper's asymmetric reconstruction); the target is the float network's
      output of the layer. Activations stay float while it learns (a
      reduced form of the methods that quantize activations in the loop,
      which are not built yet).

    The grid is the one `dfq-quantize` would use given the same width
    options (`wbits`, `abits`, `first-last-bits`, `per-channel`,
    `symmetric`) and the module's `#dfq.target`: symmetric signed codes
    per output channel. Layers the target leaves in float, or quantizes
    per tensor, asymmetrically or with power-of-two scales, are left as they
    are (a remark says so). Each channel's scale is `weight-scale=max`
    (dfq-quantize's: the largest |w| maps to the largest code) or `mse`
    (the default: among 80 clipped ranges, the one whose round-to-nearest
    codes have the least squared weight error, as BRECQ initializes).

    The result replaces each weight by its scale times the learned codes,
    exactly, and records the scales as `dfq.weight_scales`
    (`array<f64: ...>`, one per output channel), from which `dfq-quantize`
    recovers the codes bit for bit. A remark per layer gives the output
    error with round-to-nearest and with the learned codes, and how many
    codes changed.
  }];
  let options = [
    Option<"method", "method", "std::string", "\"adaround\"",
           "Reconstruction method: adaround">,
    Option<"iterations", "iterations", "int64_t", "1000",
           "Adam steps per layer">,
    Option<"batch", "batch", "int64_t", "32",
           "Calibration samples per step">,
    Option<"lr", "lr", "double", "1e-3",
           "Adam learning rate of the rounding variables">,
    Option<"lambda", "lambda", "double", "0.01",
           "Weight of the rounding regulariser">,
    Option<"warmup", "warmup", "double", "0.2",
           "Fraction of the steps without the regulariser">,
    Option<"weightScale", "weight-scale", "std::string", "\"mse\"",
           "Per-channel scale: max (dfq-quantize's) or mse">,
    Option<"seed", "seed", "uint64_t", "0",
           "Seed of the batch draws">,
    Option<"threads", "threads", "int", "0",
           "Engine threads (0: every hardware thread)">,
    Option<"timeLimit", "time-limit", "double", "0",
           "Wall-clock seconds for all layers (0: none); layers left "
           "without time keep round-to-nearest">,
    Option<"wbits", "wbits", "int64_t", "8",
           "Weight bits, as given to dfq-quantize (2..8)">,
    Option<"abits", "abits", "int64_t", "8",
           "Activation bits, as given to dfq-quantize (only checked)">,
    Option<"firstLastBits", "first-last-bits", "int64_t", "8",
           "Bits of the first and last layer, as given to dfq-quantize">,
    Option<"perChannel", "per-channel", "bool", "true",
           "Per-output-channel weight scales, as given to dfq-quantize">,
    Option<"symmetric", "symmetric", "bool", "true",
           "Symmetric weights, as given to dfq-quantize">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // DFQ_CALIBRATION_PASSES_TD
