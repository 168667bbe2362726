//===- Reconstruction.h - Learned weight rounding ---------------*- C++ -*-===//
//
// The calibration engine's weight reconstruction: AdaRound (Nagel et al.,
// "Up or Down? Adaptive Rounding for Post-Training Quantization", ICML 2020)
// learns, layer after layer, whether each weight rounds up or down on its
// quantization grid so that the layer's output on calibration data (here
// synthetic) stays close to the float layer's. Plain C++: no libtorch and
// no MLIR here; nothing crosses this API as an exception.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_CALIBRATION_RECONSTRUCTION_H
#define DFQ_CALIBRATION_RECONSTRUCTION_H

#include "dfq/Calibration/Graph.h"
#include "dfq/Runtime/Tensor.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mlir::dfq::calib {

/// A Conv2d or Gemm node whose weight is learned, with the grid it is
/// learned on: symmetric per output channel, w ~ scales[o] * code with
/// codes in [qmin, qmax].
struct RoundedLayer {
  int node = -1;
  std::vector<double> scales;
  int64_t qmin = -128, qmax = 127;
};

struct ReconstructionOptions {
  /// Adam steps per layer.
  int64_t iterations = 1000;
  /// Calibration samples per step (all of them when larger).
  int64_t batch = 32;
  /// Adam's learning rate on the rounding variables V (the paper's 1e-3).
  double lr = 1e-3;
  /// Weight of the rounding regulariser (the paper's 0.01).
  double lambda = 0.01;
  /// The regulariser's exponent, annealed linearly from betaStart to
  /// betaEnd after the warm-up (the paper's 20 to 2).
  double betaStart = 20, betaEnd = 2;
  /// Fraction of the steps at the start without the regulariser (0.2).
  double warmup = 0.2;
  /// Seeds the batch draws: the same seed gives the same codes on the same
  /// machine with the same thread count.
  uint64_t seed = 0;
  /// ATen intra-op threads (<= 0: leave the current setting).
  int threads = 0;
  /// Wall-clock seconds for all layers (<= 0: no limit). Layers that the
  /// limit leaves no time for keep rounding to nearest.
  double timeLimit = 0;
  /// Called after every step: the layer's index in `layers`, the step and
  /// its reconstruction loss.
  std::function<void(size_t layer, int64_t step, double loss)> progress;
};

struct LayerReconstruction {
  /// The learned codes, in the weight's layout.
  std::vector<int32_t> codes;
  /// The output error against the float layer (squares summed over
  /// channels, averaged over samples and pixels), on its input from
  /// the network with the earlier layers already rounded, with
  /// round-to-nearest codes and with the learned ones.
  double nearestError = 0, learnedError = 0;
  /// Weights whose code differs from round-to-nearest.
  int64_t flipped = 0;
  /// Weights whose soft rounding h(V) ended strictly between 0.01 and
  /// 0.99 (the regulariser drives it to 0 or 1).
  int64_t undecided = 0;
  /// Steps taken (0 when the time limit left none).
  int64_t steps = 0;
};

struct ReconstructionResult {
  /// One per RoundedLayer, in order.
  std::vector<LayerReconstruction> layers;
  double seconds = 0;
  /// Empty on success.
  std::string error;

  bool ok() const { return error.empty(); }
};

/// AdaRound on `graph` with calibration `input` [N, sample...]: the layers
/// in the order given (which must be the graph's order), each on its input
/// from the network whose earlier layers in `layers` already use their
/// learned codes, against the float network's output of that layer.
/// Activations stay float during the reconstruction.
ReconstructionResult
reconstructAdaRound(const Graph &graph, const rt::Tensor &input,
                    const std::vector<RoundedLayer> &layers,
                    const ReconstructionOptions &options);

/// AdaRound's rectified sigmoid h(v) = clamp(sigmoid(v) (zeta - gamma) +
/// gamma, 0, 1) with zeta = 1.1 and gamma = -0.1, and its regulariser term
/// 1 - |2 h - 1|^beta, as the engine computes them.
double rectifiedSigmoid(double v);
double roundingRegularizer(double h, double beta);

} // namespace mlir::dfq::calib

#endif // DFQ_CALIBRATION_RECONSTRUCTION_H
