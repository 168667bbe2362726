//===- CompensationTest.cpp - DF-MPC closed form against numerics ---------===//
//
// The closed-form coefficient of every channel must be the minimizer that a
// numerical search finds on the loss written out element by element, on
// random weights and BatchNorm parameters; and the quantizers must follow
// their definitions (symmetric per-layer grid; TWN ternarization, Li et al.,
// "Ternary Weight Networks", 2016).
//
//===----------------------------------------------------------------------===//

#include "dfq/Support/Compensation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace mlir::dfq;

namespace {

/// The DF-MPC loss of one channel, written out from its definition: the
/// quantized path's BatchNorm has mean and sigma divided by the grid scale.
double directLoss(const std::vector<float> &w, const LowBitWeights &q,
                  const std::vector<double> &bias, const BatchNormParams &bn,
                  double l1, double l2, int64_t j, double c) {
  int64_t per = int64_t(w.size() / bn.gamma.size());
  double sigma = std::sqrt(bn.variance[j] + bn.epsilon);
  double sigmaHat = sigma / q.scale, meanHat = bn.mean[j] / q.scale;
  double b = bias.empty() ? 0.0 : bias[j];
  double loss = 0;
  for (int64_t i = j * per; i < (j + 1) * per; ++i) {
    double phi =
        c * bn.gamma[j] * q.codes[i] / sigmaHat - bn.gamma[j] * w[i] / sigma;
    loss += phi * phi;
  }
  // The bias enters the quantized path unscaled: conv(A, codes) + b with
  // BatchNorm(mean^, sigma^) sees b * s / sigma.
  double yHat = bn.beta[j] + bn.gamma[j] * (b / q.scale - meanHat) / sigmaHat;
  double y = bn.beta[j] + bn.gamma[j] * (b - bn.mean[j]) / sigma;
  double psi = c * yHat - y;
  return loss + l1 * psi * psi + l2 * c * c;
}

/// Golden-section search for the minimizer of a convex function on [lo, hi].
template <typename F> double minimize(F f, double lo, double hi) {
  const double ratio = (std::sqrt(5.0) - 1) / 2;
  double a = lo, b = hi;
  for (int i = 0; i < 200; ++i) {
    double x1 = b - ratio * (b - a), x2 = a + ratio * (b - a);
    if (f(x1) < f(x2))
      b = x2;
    else
      a = x1;
  }
  return (a + b) / 2;
}

struct RandomLayer {
  std::vector<float> weights;
  std::vector<double> bias;
  BatchNormParams bn;
};

RandomLayer randomLayer(std::mt19937 &rng, int64_t channels, int64_t perChannel,
                        bool withBias) {
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> uniform(0.2, 3);
  RandomLayer layer;
  for (int64_t o = 0; o < channels; ++o) {
    double channelScale = uniform(rng); // channels of different magnitude
    for (int64_t i = 0; i < perChannel; ++i)
      layer.weights.push_back(float(0.1 * channelScale * normal(rng)));
    layer.bn.gamma.push_back(normal(rng));
    layer.bn.beta.push_back(normal(rng));
    layer.bn.mean.push_back(normal(rng));
    layer.bn.variance.push_back(uniform(rng));
    if (withBias)
      layer.bias.push_back(0.1 * normal(rng));
  }
  return layer;
}

TEST(CompensationTest, ClosedFormIsTheNumericalMinimizer) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 6; ++trial) {
    bool ternary = trial % 2 == 0;
    RandomLayer layer = randomLayer(rng, 16, 3 * 3 * 8, trial >= 2);
    LowBitWeights q = ternary ? ternarize(layer.weights)
                              : quantizeSymmetricPerLayer(layer.weights, 3);
    ASSERT_GT(q.scale, 0);
    for (double l1 : {0.0, 0.5}) {
      for (double l2 : {0.0, 0.01}) {
        std::vector<double> c = compensationCoefficients(
            layer.weights, q, layer.bias, layer.bn, l1, l2);
        ASSERT_EQ(c.size(), 16u);
        for (int64_t j = 0; j < 16; ++j) {
          auto loss = [&](double x) {
            return directLoss(layer.weights, q, layer.bias, layer.bn, l1, l2, j,
                              x);
          };
          // The constraint c >= 0 is the search interval's lower end.
          double numeric = minimize(loss, 0.0, 50.0);
          // A channel whose codes are all 0 has a flat loss without the
          // bias and ridge terms: every c is a minimizer and 1 is kept.
          bool flat = loss(0.0) == loss(50.0);
          if (flat)
            EXPECT_EQ(c[j], 1.0);
          else
            EXPECT_NEAR(c[j], numeric, 1e-6 * std::max(1.0, numeric))
                << "trial " << trial << " channel " << j << " l1 " << l1
                << " l2 " << l2;
          EXPECT_NEAR(compensationLoss(layer.weights, q, layer.bias, layer.bn,
                                       l1, l2, j, c[j]),
                      loss(c[j]), 1e-9 * std::max(1.0, loss(c[j])));
          EXPECT_LE(loss(c[j]), loss(1.0) + 1e-12); // never worse than none
        }
      }
    }
  }
}

TEST(CompensationTest, NegativeOptimumIsClampedAtZero) {
  // A ternary filter pointing against the float one: the unconstrained
  // optimum is negative, and c >= 0 keeps ReLU positively homogeneous.
  std::vector<float> w = {1.0f, -1.0f, 0.5f, -0.5f};
  LowBitWeights q{{-1, 1, -1, 1}, 0.75};
  BatchNormParams bn{{1.0}, {0.0}, {0.0}, {1.0}, 0.0};
  std::vector<double> c = compensationCoefficients(w, q, {}, bn, 0.5, 0.0);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], 0.0);
}

TEST(CompensationTest, FlatLossKeepsTheChannel) {
  // An all-zero channel with no BatchNorm shift: any c is optimal; keep 1.
  std::vector<float> w = {0, 0, 0};
  LowBitWeights q = ternarize(w);
  BatchNormParams bn{{2.0}, {0.0}, {0.0}, {1.0}, 0.0};
  EXPECT_EQ(compensationCoefficients(w, q, {}, bn, 0.5, 0.0),
            std::vector<double>{1.0});
}

TEST(CompensationTest, TernarizeFollowsTwn) {
  std::vector<float> w = {0.9f, -0.1f, 0.05f, -0.6f, 0.3f, 0.0f};
  // mean|w| = 1.95 / 6 = 0.325, threshold 0.2275: 0.9, -0.6, 0.3 survive.
  LowBitWeights q = ternarize(w);
  EXPECT_EQ(q.codes, (std::vector<int8_t>{1, 0, 0, -1, 1, 0}));
  EXPECT_DOUBLE_EQ(q.scale, (double(0.9f) + double(0.6f) + double(0.3f)) / 3);
}

TEST(CompensationTest, SymmetricPerLayerGrid) {
  std::vector<float> w = {0.3f, -0.15f, 0.04f, -0.3f};
  LowBitWeights q = quantizeSymmetricPerLayer(w, 3);
  EXPECT_DOUBLE_EQ(q.scale, double(0.3f) / 3);
  EXPECT_EQ(q.codes, (std::vector<int8_t>{3, -2, 0, -3})); // -1.5 -> -2
}

} // namespace
