//===- ZeroQ.cpp - ZeroQ calibration data synthesis -----------------------===//
//
// ZeroQ (Cai et al., CVPR 2020) as the official code
// (amirgholami/ZeroQ, classification/distill_data.py) runs it: one batch,
// initialized as UniformDataset does, fitted by Adam to the BatchNorm
// statistics with per-sample statistics (L_BNS^sample, the code's
// own_loss) plus the input term.
//
//===----------------------------------------------------------------------===//

#include "TorchAutograd.h"

#include <ATen/ops/randint.h>

using namespace mlir::dfq;
using namespace mlir::dfq::calib;
using namespace mlir::dfq::calib::detail;

at::Tensor
detail::zeroQBatch(Problem &problem, int64_t samples, int64_t iterations,
                   double lr, std::vector<double> &losses,
                   const std::function<void(int64_t, double)> &progress,
                   const Deadline &deadline, int64_t &steps) {
  std::vector<int64_t> shape = {samples};
  shape.insert(shape.end(), problem.sampleShape.begin(),
               problem.sampleShape.end());
  // The code's UniformDataset (classification/utils/data_utils.py):
  // integers 0..254, minus 127.5, divided by 5418.75. The code's comment
  // calls 5418.75 the variance of U(-128, 127) and divides by it where the
  // standard deviation (73.6) was meant, so the pixels start within about
  // ±0.024 rather than with unit variance. We follow the code: this is the
  // start its published results come from.
  at::Tensor x =
      (at::randint(0, 255, shape, problem.generator).toType(at::kFloat) -
       127.5) /
      5418.75;

  Executor &executor = problem.executor;
  const std::vector<BnSite> &sites = executor.sites();
  std::vector<SampleStats> stats;
  // L_BNS^sample plus the input term (classification/distill_data.py):
  //   Σ_l (1/N) Σ_n ‖μ̃_{n,l} − μ_l‖² + ‖σ̃_{n,l} − σ_l‖²
  //   + (1/N) Σ_n ‖μ̃_n(x)‖² + ‖σ̃_n(x) − 1‖²
  // (the code's own_loss: ‖A − B‖² / B.size(0), summed over layers).
  auto loss = [&](const at::Tensor &images, int64_t) {
    executor.run(images, &stats);
    at::Tensor bn;
    for (size_t l = 0; l < sites.size(); ++l) {
      at::Tensor term = (stats[l].mean - sites[l].mean).square().sum() +
                        (stats[l].std - sites[l].std).square().sum();
      bn = bn.defined() ? bn + term : term;
    }
    return bn / samples + inputTerm(images);
  };
  // 2.1 step 3: Adam, ReduceLROnPlateau(patience 100, min lr 1e-4).
  steps = optimize(x, iterations, lr, /*patience=*/100, loss, losses, progress,
                   deadline);
  return x;
}

void detail::runZeroQ(Problem &problem, const SynthesisOptions &options,
                      SynthesisResult &result) {
  double lr = options.lr > 0 ? options.lr : 0.5; // the code's Adam lr
  at::Tensor x = zeroQBatch(problem, options.samples, options.iterations, lr,
                            result.losses, options.progress, problem.deadline,
                            result.iterations);
  result.images = rt::aten::wrap(x.detach());
}
