//===- TorchAutograd.h - Graph execution under autograd ---------*- C++ -*-===//
//
// Private to the calibration engine (lib/Calibration, built with RTTI and
// exceptions): the executor that runs a calib::Graph on ATen with the
// interpreter's op semantics (lib/Runtime/TorchOps.h), hooks at BatchNorm
// inputs, and the optimizer pieces shared by ZeroQ.cpp and DSG.cpp.
//
// Everything here throws; the entry points in TorchAutograd.cpp turn what is
// thrown into SynthesisResult::error / ForwardResult::error.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_LIB_CALIBRATION_TORCHAUTOGRAD_H
#define DFQ_LIB_CALIBRATION_TORCHAUTOGRAD_H

#include "../Runtime/TorchOps.h"
#include "dfq/Calibration/Graph.h"
#include "dfq/Calibration/Synthesis.h"

#include <ATen/TensorOperators.h>
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace mlir::dfq::calib::detail {

/// Per-sample channel statistics of one BN layer's input a_l [N, C, ...]
/// (ZeroQ's, Cai et al., CVPR 2020): μ̃_{n,l,c} = mean over the spatial
/// positions and σ̃_{n,l,c} = sqrt(biased var + ε), both [N, C].
struct SampleStats {
  at::Tensor mean, std;
};

/// A BatchNorm layer whose statistics the synthesis matches.
struct BnSite {
  int node;
  /// μ_l and σ_l = sqrt(v_l + ε), BatchNorm's running statistics (Ioffe &
  /// Szegedy, ICML 2015), [C].
  at::Tensor mean, std;
  double epsilon;
};

/// Runs a Graph. Constants are converted to at::Tensor once, when the
/// executor is created, not per run.
class Executor {
public:
  /// Validates `graph` (which must outlive the executor) and converts its
  /// constants. With `forAutograd`, constants that are inference tensors
  /// (all that rt::Tensor::fromF32 makes) are cloned once, because autograd
  /// may not save inference tensors for backward. Throws on a bad graph.
  Executor(const Graph &graph, bool forAutograd);

  /// Runs the graph on `input` and returns its outputs. With `stats`, fills
  /// it with the statistics at the input of every site of `sites()`, in
  /// order. The nodes in `keep` are returned through `kept`, or, with
  /// `observe`, handed to it (with their position in `keep`) as soon as
  /// they are computed and freed after their last use like any other value.
  std::vector<at::Tensor>
  run(const at::Tensor &input, std::vector<SampleStats> *stats = nullptr,
      const std::vector<int> &keep = {},
      std::vector<at::Tensor> *kept = nullptr,
      const std::function<void(size_t, const at::Tensor &)> &observe = {});

  /// Runs one all-zero sample of `sampleShape` without gradients, which
  /// checks that the graph executes on that shape, and keeps only the
  /// BatchNorm layers with per-sample spatial statistics (see the .cpp).
  /// Returns the first output's shape.
  std::vector<int64_t> probe(const std::vector<int64_t> &sampleShape);

  /// The value of Constant node `node` as the runs use it.
  const at::Tensor &constant(int node) const;
  /// Replaces Constant node `node`'s value in later runs (a weight being
  /// quantized); throws unless `value` has the old value's shape.
  void setConstant(int node, const at::Tensor &value);

  /// Every BatchNorm of the graph, until probe() keeps the usable ones.
  const std::vector<BnSite> &sites() const { return bnSites; }
  /// How many BatchNorm nodes the graph has.
  size_t batchNormCount() const { return batchNorms; }

private:
  at::Tensor execute(const Node &node, const std::vector<at::Tensor> &values);

  const Graph &graph;
  /// Per node: the converted constant (Constant nodes only).
  std::vector<at::Tensor> constants;
  /// Per node: the last node that reads it (nodes.size() for outputs).
  std::vector<size_t> lastUse;
  /// Per node: its site index when it is a kept BatchNorm, else -1.
  std::vector<int> siteOf;
  std::vector<BnSite> bnSites;
  size_t batchNorms = 0;
  /// The input rank of every BatchNorm in the last run, in graph order.
  std::vector<int64_t> bnInputRanks;
};

/// Per-sample channel statistics of `a` viewed as [N, C, -1]
/// (ZeroQ's, Cai et al., CVPR 2020; the variance is biased).
SampleStats sampleStats(const at::Tensor &a, int64_t channels, double epsilon);

/// The input term of ZeroQ and DSG (the authors' released code,
/// distill_data.py in github.com/amirgholami/ZeroQ and github.com/htqin/DSG):
/// per-sample channel mean of the images towards 0 and std towards 1,
/// (1/N) Σ_n ‖μ̃_n‖² + ‖σ̃_n − 1‖². Images [N, C, ...] are viewed as
/// [N, C, -1]; rank-2 images [N, D] as one channel.
at::Tensor inputTerm(const at::Tensor &x);

/// Adam exactly as torch.optim.Adam (PyTorch 1.13, single tensor, default
/// betas 0.9/0.999, eps 1e-8, no weight decay).
class Adam {
public:
  explicit Adam(const at::Tensor &param);
  /// One step of `param` (a leaf requiring grad) along `grad` with `lr`.
  void step(at::Tensor &param, const at::Tensor &grad, double lr);

private:
  at::Tensor expAvg, expAvgSq;
  int64_t steps = 0;
};

/// torch.optim.lr_scheduler.ReduceLROnPlateau with PyTorch's defaults
/// (mode min, factor 0.1, threshold 1e-4 relative, cooldown 0, eps 1e-8)
/// and the given patience and minimum learning rate.
class Plateau {
public:
  Plateau(int64_t patience, double minLr) : patience(patience), minLr(minLr) {}
  /// Takes the epoch's metric; may lower `lr`.
  void step(double metric, double &lr);

private:
  int64_t patience;
  double minLr;
  /// +inf at first, as in PyTorch, so a NaN metric is a bad epoch.
  double best = std::numeric_limits<double>::infinity();
  int64_t badEpochs = 0;
};

using Deadline = std::optional<std::chrono::steady_clock::time_point>;

/// Runs `body`, turning what it throws into a message (empty on success):
/// what the engine's entry points return as their error.
template <typename Body> std::string guarded(Body &&body) noexcept {
  try {
    body();
    return {};
  } catch (const c10::Error &e) {
    return e.what_without_backtrace();
  } catch (const std::exception &e) {
    return e.what();
  } catch (...) {
    return "unknown engine error";
  }
}

/// The optimization loop both methods share: `iterations` Adam steps on `x`
/// (a leaf requiring grad) minimizing `loss(x, iteration)`, with a plateau
/// schedule; records every loss and reports it through `progress` (may be
/// empty). With a deadline it stops early, before a step that would end
/// after it (judged by the last step's time). Returns the steps taken.
/// Throws when the loss stops being finite.
int64_t
optimize(at::Tensor &x, int64_t iterations, double lr, int64_t patience,
         const std::function<at::Tensor(const at::Tensor &, int64_t)> &loss,
         std::vector<double> &losses,
         const std::function<void(int64_t, double)> &progress,
         const Deadline &deadline);

/// Everything a synthesis method needs, prepared by synthesize().
struct Problem {
  Executor &executor;
  std::vector<int64_t> sampleShape;
  /// The first output's shape on one sample.
  std::vector<int64_t> outputShape;
  at::Generator generator;
  /// When the synthesis must end (SynthesisOptions::timeLimit).
  Deadline deadline;
};

/// ZeroQ (Cai et al., CVPR 2020): fills `result.images` and `result.losses`.
void runZeroQ(Problem &problem, const SynthesisOptions &options,
              SynthesisResult &result);
/// ZeroQ's synthesis of `samples` images with `iterations` steps at `lr`;
/// DSG uses it for its margins.
at::Tensor zeroQBatch(Problem &problem, int64_t samples, int64_t iterations,
                      double lr, std::vector<double> &losses,
                      const std::function<void(int64_t, double)> &progress,
                      const Deadline &deadline, int64_t &steps);
/// DSG-PTQ (Zhang et al., CVPR 2021; github.com/htqin/DSG).
void runDSG(Problem &problem, const SynthesisOptions &options,
            SynthesisResult &result);

} // namespace mlir::dfq::calib::detail

#endif // DFQ_LIB_CALIBRATION_TORCHAUTOGRAD_H
