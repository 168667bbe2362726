//===- DSG.cpp - DSG-PTQ calibration data synthesis -----------------------===//
//
// Diverse Sample Generation, post-training variant (Zhang et al., CVPR 2021;
// Qin et al., TPAMI 2023), as the authors' released code
// (github.com/htqin/DSG, post_training_quantization/distill_data.py) runs
// it, with our own substitutes where the code cannot be followed:
//
// * SDA margins (slack distribution alignment): the code reads them from
//   files that were never published. We compute them without data: one
//   ZeroQ batch (Cai et al., CVPR 2020) is synthesized and each layer's
//   margin is the `marginQuantile` quantile of |μ̃ − μ| (resp. |σ̃ − σ|)
//   over all its samples and channels.
// * LSE (layerwise sample enhancement): the code doubles the hinge residual
//   of sample n at layer n only for n, l < 20 (a hard-coded `layer_num`).
//   We use layer n mod L over all L layers, the authors' stated rule, so
//   deep networks and large batches get it at every layer.
// * Correlation inhibition (TPAMI version): the released term is detached
//   and has no gradient. We implement its intended effect with a differentiable
//   stand-in, the mean squared off-diagonal cosine similarity between
//   samples, with the code's weight 1/L.
//
//===----------------------------------------------------------------------===//

#include "TorchAutograd.h"

#include <ATen/ops/abs.h>
#include <ATen/ops/cross_entropy_loss.h>
#include <ATen/ops/eye.h>
#include <ATen/ops/linalg_vector_norm.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/quantile.h>
#include <ATen/ops/rand.h>
#include <ATen/ops/randint.h>
#include <ATen/ops/relu.h>
#include <ATen/ops/roll.h>
#include <ATen/ops/tensor.h>
#include <c10/core/GradMode.h>

#include <stdexcept>

using namespace mlir::dfq;
using namespace mlir::dfq::calib;
using namespace mlir::dfq::calib::detail;

namespace {
/// Per BN layer, in site order.
struct Margins {
  std::vector<double> mean, std;
};
} // namespace

/// DSG's SDA margins, our data-free substitute for the code's missing margin
/// files: the `quantile` quantile of the deviations of a ZeroQ batch's
/// per-sample statistics, per layer.
static Margins
computeMargins(Problem &problem, int64_t samples, int64_t iterations,
               double quantile,
               const std::function<void(int64_t, double)> &marginProgress) {
  // A ZeroQ run as ZeroQ itself makes it (lr 0.5, as in the authors' code,
  // github.com/amirgholami/ZeroQ), as many samples and steps as the DSG
  // run; options.lr is DSG's own.
  // Under a time limit the margins get the first half of it.
  std::vector<double> losses;
  Deadline halfway;
  if (problem.deadline)
    halfway = std::chrono::steady_clock::now() +
              (*problem.deadline - std::chrono::steady_clock::now()) / 2;
  int64_t steps = 0;
  at::Tensor x = zeroQBatch(problem, samples, iterations, /*lr=*/0.5, losses,
                            marginProgress, halfway, steps);
  at::NoGradGuard noGrad;
  std::vector<SampleStats> stats;
  problem.executor.run(x, &stats);
  const std::vector<BnSite> &sites = problem.executor.sites();
  Margins margins;
  for (size_t l = 0; l < sites.size(); ++l) {
    at::Tensor dMean = (stats[l].mean - sites[l].mean).abs().flatten();
    at::Tensor dStd = (stats[l].std - sites[l].std).abs().flatten();
    margins.mean.push_back(at::quantile(dMean, quantile).item<double>());
    margins.std.push_back(at::quantile(dStd, quantile).item<double>());
  }
  return margins;
}

/// DeepInversion's TV_L2 prior (Yin et al., CVPR 2020) as the DSG code
/// (post_training_quantization/distill_data.py) computes it: the sum of the
/// L2 norms of the four neighbour differences.
static at::Tensor totalVariationL2(const at::Tensor &x) {
  int64_t h = x.size(2), w = x.size(3);
  auto rows = [&](int64_t begin, int64_t length) {
    return x.narrow(2, begin, length);
  };
  at::Tensor d1 = x.narrow(3, 0, w - 1) - x.narrow(3, 1, w - 1);
  at::Tensor d2 = rows(0, h - 1) - rows(1, h - 1);
  at::Tensor d3 =
      rows(1, h - 1).narrow(3, 0, w - 1) - rows(0, h - 1).narrow(3, 1, w - 1);
  at::Tensor d4 =
      rows(0, h - 1).narrow(3, 0, w - 1) - rows(1, h - 1).narrow(3, 1, w - 1);
  return d1.norm() + d2.norm() + d3.norm() + d4.norm();
}

void detail::runDSG(Problem &problem, const SynthesisOptions &options,
                    SynthesisResult &result) {
  Executor &executor = problem.executor;
  const std::vector<BnSite> &sites = executor.sites();
  const int64_t n = options.samples;
  const int64_t layers = static_cast<int64_t>(sites.size());
  if (problem.outputShape.size() != 2)
    throw std::invalid_argument(
        "DSG's cross-entropy term needs [N, classes] logits as the first "
        "graph output, got a rank-" +
        std::to_string(problem.outputShape.size()) + " output");
  const int64_t classes = problem.outputShape[1];

  // Everything random is drawn first, in a fixed order, so that switching
  // a component off changes nothing else: images (3.3 step 2: U[0, 1),
  // although the code's class is named GaussDataset), labels (step 3, from
  // the model's classes), the roll offsets of every iteration (step 4: one
  // offset in [-30, 30) for both axes), then the margins' ZeroQ batch.
  std::vector<int64_t> shape = {n};
  shape.insert(shape.end(), problem.sampleShape.begin(),
               problem.sampleShape.end());
  at::Tensor x = at::rand(shape, problem.generator);
  at::Tensor labels = at::randint(0, classes, {n}, problem.generator);
  std::vector<int64_t> offsets;
  if (options.iterations > 0) {
    at::Tensor drawn =
        at::randint(-30, 30, {options.iterations}, problem.generator)
            .contiguous();
    offsets.assign(drawn.data_ptr<int64_t>(),
                   drawn.data_ptr<int64_t>() + options.iterations);
  }

  // SDA off: zero margins make the hinge ZeroQ's exact matching.
  Margins margins{std::vector<double>(layers, 0.0),
                  std::vector<double>(layers, 0.0)};
  if (options.slackAlignment) {
    margins = computeMargins(problem, n, options.iterations,
                             options.marginQuantile, options.marginProgress);
    result.meanMargins = margins.mean;
    result.stdMargins = margins.std;
  }

  // Layerwise sample enhancement: the residual of sample n at layer n mod L is
  // doubled, so its squared term weighs 4. One [N, 1] factor per layer that
  // some sample stresses; undefined where no sample does (N < L).
  std::vector<at::Tensor> enhancement(layers);
  if (options.layerwiseEnhancement) {
    for (int64_t l = 0; l < layers && l < n; ++l) {
      std::vector<float> factor(n, 1.0f);
      for (int64_t s = l; s < n; s += layers)
        factor[s] = 2.0f;
      enhancement[l] = at::tensor(factor).reshape({n, 1});
    }
  }

  // Correlation inhibition stand-in (TPAMI version): needs pairs of samples.
  const bool inhibit = options.correlationInhibition && n >= 2;
  at::Tensor offDiagonal;
  if (inhibit)
    offDiagonal = 1 - at::eye(n);

  std::vector<SampleStats> stats;
  // The loss the DSG code minimizes (htqin/DSG, distill_data.py).
  auto loss = [&](const at::Tensor &images, int64_t it) {
    std::vector<at::Tensor> outputs = executor.run(images, &stats);
    // Slack alignment with layerwise enhancement: the code's main_loss, ‖D‖² /
    // N with D = max(|stat − BN stat| − margin, 0), for means and stds.
    at::Tensor bn;
    for (int64_t l = 0; l < layers; ++l) {
      at::Tensor dMean =
          at::relu((stats[l].mean - sites[l].mean).abs() - margins.mean[l]);
      at::Tensor dStd =
          at::relu((stats[l].std - sites[l].std).abs() - margins.std[l]);
      if (enhancement[l].defined()) {
        dMean = dMean * enhancement[l];
        dStd = dStd * enhancement[l];
      }
      at::Tensor term = dMean.square().sum() + dStd.square().sum();
      bn = bn.defined() ? bn + term : term;
    }
    // The input term has margin 0 and no enhancement: ZeroQ's.
    at::Tensor total = bn / n + inputTerm(images);
    // 2 · CE: the code adds the cross-entropy twice.
    total = total + 2 * at::cross_entropy_loss(outputs.front(), labels);
    // Image priors on a rolled copy; the forward pass used the unrolled one.
    int64_t offset = offsets[it];
    at::Tensor jittered = at::roll(images, {offset, offset}, {2, 3});
    total = total + 0.01 * totalVariationL2(jittered);
    total =
        total +
        0.01 * at::linalg_vector_norm(jittered.reshape({n, -1}), 2, {1}).mean();
    if (inhibit) {
      // F.normalize(phi, dim=1) (eps 1e-12), then cosine similarities.
      at::Tensor phi = images.reshape({n, -1});
      phi = phi / at::linalg_vector_norm(phi, 2, {1}, /*keepdim=*/true)
                      .clamp_min(1e-12);
      at::Tensor similarity = phi.mm(phi.t());
      at::Tensor correlation =
          (similarity.square() * offDiagonal).sum() / (n * (n - 1));
      total = total + correlation / layers;
    }
    return total;
  };
  double lr = options.lr > 0 ? options.lr : 0.9; // 3.3 step 4
  result.iterations =
      optimize(x, options.iterations, lr, /*patience=*/260, loss, result.losses,
               options.progress, problem.deadline);
  result.images = rt::aten::wrap(x.detach());
}
