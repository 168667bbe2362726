//===- Reconstruct.cpp - dfq-reconstruct ----------------------------------===//
//
// Learned weight rounding on the synthetic calibration batch: the layers
// dfq-quantize will quantize, on the grid it will use, through the
// engine's AdaRound (dfq/Calibration/Reconstruction.h). The learned codes
// come back as weights that are exactly scale x code, with the scales
// recorded in `dfq.weight_scales` for dfq-quantize to recover the codes.
//
//===----------------------------------------------------------------------===//

#include "dfq/Calibration/GraphBuilder.h"
#include "dfq/Calibration/Passes.h"
#include "dfq/Calibration/Reconstruction.h"
#include "dfq/Transforms/FloatConstants.h"
#include "dfq/Transforms/WeightQuantizer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace mlir::dfq {
#define GEN_PASS_DEF_RECONSTRUCTPASS
#include "dfq/Calibration/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {

/// A layer to learn: its op, float weights and grid.
struct Candidate {
  Operation *op;
  FloatConstant weight;
  calib::RoundedLayer rounded;
};

/// Per output channel of `w` ([O, ...]): the largest |w| over qmax, or with
/// `mse` the clipped scale (alpha = 1 - 0.01 i, i < 80, times that) whose
/// round-to-nearest codes have the least squared error.
std::vector<double> channelScales(ArrayRef<double> w, int64_t channels,
                                  int64_t qmin, int64_t qmax, bool mse) {
  int64_t per = int64_t(w.size()) / channels;
  std::vector<double> scales;
  for (int64_t o = 0; o < channels; ++o) {
    ArrayRef<double> row = w.slice(o * per, per);
    double maxAbs = 0;
    for (double v : row)
      maxAbs = std::max(maxAbs, std::abs(v));
    double best = maxAbs > 0 ? maxAbs / double(qmax) : 1.0;
    if (mse && maxAbs > 0) {
      double bestError = INFINITY;
      for (int i = 0; i < 80; ++i) {
        double s = (1.0 - 0.01 * i) * maxAbs / double(qmax), error = 0;
        for (double v : row) {
          double code =
              std::clamp(std::nearbyint(v / s), double(qmin), double(qmax));
          error += (v - s * code) * (v - s * code);
        }
        if (error < bestError) {
          bestError = error;
          best = s;
        }
      }
    }
    scales.push_back(best);
  }
  return scales;
}

struct ReconstructPass
    : public mlir::dfq::impl::ReconstructPassBase<ReconstructPass> {
  using ReconstructPassBase::ReconstructPassBase;
  void runOnOperation() override;

  /// The layers to learn, in program order; a remark for each one left.
  FailureOr<std::vector<Candidate>> collect(func::FuncOp entry,
                                            const calib::GraphFromIR &graph);
};

FailureOr<std::vector<Candidate>>
ReconstructPass::collect(func::FuncOp entry, const calib::GraphFromIR &graph) {
  TargetAttr target = TargetAttr::lookup(entry);
  WidthOptions widths =
      readWidthOptions(wbits, abits, firstLastBits, perChannel, symmetric);
  FailureOr<WeightScheme> scheme =
      resolveWeightScheme(entry, target, widths, "dfq-reconstruct");
  if (failed(scheme))
    return failure();
  std::vector<Candidate> candidates;
  if (!scheme->perChannel || !scheme->symmetric || !scheme->weightSigned ||
      scheme->pow2) {
    entry.emitRemark("dfq-reconstruct: the weights are quantized per tensor, "
                     "asymmetrically, unsigned or with power-of-two scales; "
                     "AdaRound here learns symmetric per-channel grids, so "
                     "every layer keeps round-to-nearest");
    return candidates;
  }
  SmallVector<Operation *> layers = collectQuantizableLayers(entry);
  for (auto [position, op] : llvm::enumerate(layers)) {
    Operation *layer = op;
    size_t index = position;
    auto leave = [&](StringRef why) {
      layer->emitRemark("'")
          << getLayerName(layer)
          << "': dfq-reconstruct: keeps round-to-nearest: " << why;
    };
    bool leftFloat = false;
    LayerSupportAttr support = layerSupport(layer, target, &leftFloat);
    if (leftFloat)
      continue; // dfq-quantize leaves it in float
    if (!isa<Conv2DOp, GemmOp>(layer)) {
      leave("only conv2d and gemm weights are learned");
      continue;
    }
    if (layer->hasAttr("dfq.weight_grid") ||
        layer->hasAttr("dfq.weight_scales")) {
      leave("its grid is already fixed (dfq.weight_grid or "
            "dfq.weight_scales)");
      continue;
    }
    bool isEdge = index == 0 || index + 1 == layers.size();
    FailureOr<LayerBits> bits = decideLayerBits(layer, target, support, isEdge,
                                                widths, "dfq-reconstruct");
    if (failed(bits))
      return failure();
    std::string why;
    FailureOr<FloatConstant> weight =
        readFloatConstant(layer->getOperand(1), "the weight", why);
    auto node = graph.nodeOf.find(layer->getResult(0));
    if (failed(weight) || node == graph.nodeOf.end()) {
      leave(failed(weight) ? StringRef(why) : "not in the engine's graph");
      continue;
    }
    Candidate candidate{layer, *weight, {}};
    candidate.rounded.node = node->second;
    candidate.rounded.qmax = (int64_t(1) << (bits->weight - 1)) - 1;
    candidate.rounded.qmin = -candidate.rounded.qmax - 1;
    int64_t channels =
        cast<RankedTensorType>(layer->getOperand(1).getType()).getDimSize(0);
    candidate.rounded.scales =
        channelScales(weight->values, channels, candidate.rounded.qmin,
                      candidate.rounded.qmax, weightScale == "mse");
    candidates.push_back(std::move(candidate));
  }
  return candidates;
}

void ReconstructPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (method != "adaround") {
    module.emitError("dfq-reconstruct: unknown method '")
        << method << "' (expected adaround)";
    return signalPassFailure();
  }
  if (weightScale != "max" && weightScale != "mse") {
    module.emitError("dfq-reconstruct: weight-scale must be max or mse, got '")
        << weightScale << "'";
    return signalPassFailure();
  }
  FailureOr<calib::CalibrationBatch> data = calib::loadCalibrationBatch(
      module, "dfq-reconstruct",
      "the rounding is learned on the calibration batch");
  if (failed(data))
    return signalPassFailure();
  calib::GraphFromIR *graph = &data->graph;
  FailureOr<std::vector<Candidate>> candidates = collect(data->entry, *graph);
  if (failed(candidates))
    return signalPassFailure();
  if (candidates->empty())
    return;

  std::vector<calib::RoundedLayer> layers;
  for (const Candidate &c : *candidates)
    layers.push_back(c.rounded);
  calib::ReconstructionOptions options;
  options.iterations = iterations;
  options.batch = batch;
  options.lr = lr;
  options.lambda = lambda;
  options.warmup = warmup;
  options.seed = seed;
  options.threads = threads;
  options.timeLimit = timeLimit;
  int64_t reportEvery = std::max<int64_t>(1, iterations / 4);
  options.progress = [&](size_t layer, int64_t step, double loss) {
    if (step % reportEvery == 0 || step + 1 == iterations)
      llvm::errs() << llvm::format(
          "dfq-reconstruct: layer %zu/%zu, step %lld/%lld, loss %.4g\n",
          layer + 1, layers.size(), (long long)step + 1, (long long)iterations,
          loss);
  };
  calib::ReconstructionResult result =
      calib::reconstructAdaRound(graph->graph, data->input, layers, options);
  if (!result.ok()) {
    module.emitError("dfq-reconstruct: ") << result.error;
    return signalPassFailure();
  }

  for (auto [candidate, learned] : llvm::zip(*candidates, result.layers)) {
    Operation *op = candidate.op;
    Value old = op->getOperand(1);
    auto type = cast<RankedTensorType>(old.getType());
    int64_t per = type.getNumElements() / type.getDimSize(0);
    SmallVector<double> values(learned.codes.size());
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = candidate.rounded.scales[i / per] * double(learned.codes[i]);
    OpBuilder builder(op);
    Value weight = createFloatConstant(
        builder, old.getLoc(), type, values, candidate.weight.attr,
        derivedBlobName(candidate.weight.attr, "adaround"));
    op->setOperand(1, weight);
    if (Operation *def = old.getDefiningOp();
        def && isa<arith::ConstantOp>(def) && old.use_empty())
      def->erase();
    op->setAttr("dfq.weight_scales",
                builder.getDenseF64ArrayAttr(candidate.rounded.scales));
    std::string errors;
    llvm::raw_string_ostream(errors)
        << llvm::format("%.4g with round-to-nearest, %.4g learned",
                        learned.nearestError, learned.learnedError);
    op->emitRemark("'") << getLayerName(op)
                        << "': dfq-reconstruct: output error " << errors << "; "
                        << learned.flipped << " of " << learned.codes.size()
                        << " codes changed, " << learned.undecided
                        << " undecided, " << learned.steps << " steps";
  }
  llvm::errs() << llvm::format("dfq-reconstruct: %zu layers in %.1f s\n",
                               layers.size(), result.seconds);
}

} // namespace
