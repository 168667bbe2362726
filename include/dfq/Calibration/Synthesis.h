//===- Synthesis.h - Data-free calibration data synthesis -------*- C++ -*-===//
//
// The calibration numerics engine: runs a Graph (dfq/Calibration/Graph.h) on
// ATen, with autograd with respect to the input, and synthesizes calibration
// images from the network's BatchNorm statistics with ZeroQ or DSG-PTQ
// (Cai et al., "ZeroQ", CVPR 2020; Zhang et al., "Diversifying Sample
// Generation for Accurate Data-Free Quantization", CVPR 2021). Plain C++: no
// libtorch and no MLIR here; nothing crosses this API as an exception.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_CALIBRATION_SYNTHESIS_H
#define DFQ_CALIBRATION_SYNTHESIS_H

#include "dfq/Calibration/Graph.h"
#include "dfq/Runtime/Tensor.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mlir::dfq::calib {

struct SynthesisOptions {
  enum Method { ZeroQ, DSG };
  Method method = ZeroQ;
  /// Images in the (single) synthesized batch.
  int64_t samples = 32;
  /// Adam steps. 0 returns the initial images.
  int64_t iterations = 500;
  /// Adam learning rate; 0 is the method's: ZeroQ 0.5, DSG 0.9.
  double lr = 0;
  /// Seeds the one generator all randomness comes from: the same seed gives
  /// bit-identical images on the same machine with the same thread count.
  uint64_t seed = 0;

  // DSG components, each switchable for ablation (ignored by ZeroQ).
  /// Slack distribution alignment: hinge with per-layer margins. Off, the
  /// BN term is ZeroQ's exact per-sample matching.
  bool slackAlignment = true;
  /// Layerwise sample enhancement: sample n stresses BN layer n mod L.
  bool layerwiseEnhancement = true;
  /// Inter-sample correlation inhibition (a differentiable stand-in).
  bool correlationInhibition = true;
  /// SDA margins: this quantile of the per-sample statistics' deviations
  /// from the BN statistics on a ZeroQ batch.
  double marginQuantile = 0.9;

  /// Wall-clock seconds the synthesis may take (<= 0: no limit). It stops
  /// before an optimizer step that would end later (DSG's margin batch
  /// gets the first half), keeping the images of the last step taken.
  double timeLimit = 0;
  /// ATen intra-op threads (<= 0: leave the current setting).
  int threads = 0;
  /// Called after every optimizer step with the loss of that step (DSG:
  /// of its main run).
  std::function<void(int64_t iteration, double loss)> progress;
  /// The same for DSG's margin batch (a ZeroQ run of as many steps).
  std::function<void(int64_t iteration, double loss)> marginProgress;
};

struct SynthesisResult {
  /// [samples, sampleShape...]; null on error.
  rt::Tensor images;
  /// The objective at every iteration, for the images before that
  /// iteration's step (DSG: of the main run only).
  std::vector<double> losses;
  /// Wall-clock time of the whole synthesis, setup and DSG margins included.
  double seconds = 0;
  /// Optimizer steps taken (DSG: of the main run), fewer than asked for
  /// when the time limit stopped it.
  int64_t iterations = 0;
  /// DSG with slack alignment: the SDA margins δ^μ_l and δ^σ_l, one per BN
  /// layer that enters the loss, in graph order.
  std::vector<double> meanMargins, stdMargins;
  /// Empty on success.
  std::string error;

  bool ok() const { return error.empty(); }
};

/// Synthesizes `options.samples` images of `sampleShape` (without the batch
/// dimension, e.g. {1, 28, 28}) for `graph`, whose BatchNorm statistics they
/// are fitted to.
SynthesisResult synthesize(const Graph &graph,
                           const std::vector<int64_t> &sampleShape,
                           const SynthesisOptions &options);

struct ForwardResult {
  /// The outputs of `observeNodes`, in that order.
  std::vector<rt::Tensor> observed;
  /// Empty on success.
  std::string error;

  bool ok() const { return error.empty(); }
};

/// Runs `graph` on `input` without gradients (for range calibration) and
/// returns the values of `observeNodes` (indices into graph.nodes).
ForwardResult forward(const Graph &graph, const rt::Tensor &input,
                      const std::vector<int> &observeNodes);

/// Runs `graph` on `input` like forward(), handing each value of
/// `observeNodes` to `observe` (with its index in `observeNodes`) as soon as
/// it is computed instead of keeping them all: memory stays that of the
/// forward pass. Returns an error message, empty on success.
std::string forwardObserving(
    const Graph &graph, const rt::Tensor &input,
    const std::vector<int> &observeNodes,
    const std::function<void(size_t, const rt::Tensor &)> &observe);

} // namespace mlir::dfq::calib

#endif // DFQ_CALIBRATION_SYNTHESIS_H
