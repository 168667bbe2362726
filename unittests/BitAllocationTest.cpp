//===- BitAllocationTest.cpp - exact allocation against brute force -------===//

#include "dfq/Support/BitAllocation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

using namespace mlir::dfq;

namespace {

/// The least summed sensitivity of any allocation within `budget`, by
/// enumerating every combination; infinity when none fits.
double bruteForce(const std::vector<std::vector<BitChoice>> &layers,
                  int64_t budget) {
  double best = std::numeric_limits<double>::infinity();
  std::vector<size_t> index(layers.size(), 0);
  while (true) {
    int64_t cost = 0;
    double sensitivity = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
      cost += layers[i][index[i]].cost;
      sensitivity += layers[i][index[i]].sensitivity;
    }
    if (cost <= budget)
      best = std::min(best, sensitivity);
    size_t i = 0;
    while (i < layers.size() && ++index[i] == layers[i].size())
      index[i++] = 0;
    if (i == layers.size())
      return best;
  }
}

TEST(BitAllocationTest, MatchesBruteForceOnRandomProblems) {
  std::mt19937 rng(11);
  const std::vector<int64_t> bits = {2, 3, 4, 6, 8};
  for (int trial = 0; trial < 200; ++trial) {
    size_t count = 1 + trial % 7;
    std::vector<std::vector<BitChoice>> layers(count);
    int64_t minCost = 0, maxCost = 0;
    for (auto &choices : layers) {
      int64_t params = std::uniform_int_distribution<int64_t>(1, 500)(rng);
      double scale = std::uniform_real_distribution<double>(0.01, 5)(rng);
      for (int64_t b : bits)
        // Fewer bits: cheaper, and (mostly) more sensitive, with noise so
        // that sensitivity is not always monotone.
        choices.push_back(
            {b, params * b,
             scale * std::pow(2.0, -b) *
                 std::uniform_real_distribution<double>(0.5, 1.5)(rng)});
      minCost += params * 2;
      maxCost += params * 8;
    }
    int64_t budget = std::uniform_int_distribution<int64_t>(
        minCost - minCost / 10, maxCost)(rng);
    BitAllocation got = allocateBits(layers, budget);
    double want = bruteForce(layers, budget);
    if (std::isinf(want)) {
      EXPECT_FALSE(got.ok()) << "trial " << trial;
      continue;
    }
    ASSERT_TRUE(got.ok()) << got.error;
    EXPECT_NEAR(got.sensitivity, want, 1e-12 * std::max(1.0, want))
        << "trial " << trial;
    // The reported cost and sensitivity are those of the returned choices.
    int64_t cost = 0;
    double sensitivity = 0;
    for (size_t i = 0; i < count; ++i) {
      cost += layers[i][got.choice[i]].cost;
      sensitivity += layers[i][got.choice[i]].sensitivity;
    }
    EXPECT_EQ(cost, got.cost);
    EXPECT_LE(cost, budget);
    EXPECT_DOUBLE_EQ(sensitivity, got.sensitivity);
  }
}

TEST(BitAllocationTest, InfeasibleBudgetIsAnError) {
  std::vector<std::vector<BitChoice>> layers = {{{2, 20, 1.0}, {8, 80, 0.0}},
                                                {{4, 40, 1.0}}};
  BitAllocation got = allocateBits(layers, 59);
  EXPECT_FALSE(got.ok());
  EXPECT_EQ(got.error, "the budget 59 is below the cheapest allocation, 60");
}

TEST(BitAllocationTest, SpendsTheBudgetWhereSensitivityIs) {
  // Two layers of equal size; only the second cares about its bits.
  std::vector<std::vector<BitChoice>> layers = {
      {{2, 200, 0.10}, {8, 800, 0.00}}, {{2, 200, 5.00}, {8, 800, 0.01}}};
  BitAllocation got = allocateBits(layers, 1000);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.choice, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(got.cost, 1000);
}

TEST(BitAllocationTest, FrontierLimitIsReported) {
  std::vector<std::vector<BitChoice>> layers(
      12, {{2, 2, 3.0}, {3, 3, 2.0}, {4, 5, 1.0}, {8, 9, 0.5}});
  // Costs are small integers: the frontier stays tiny...
  EXPECT_TRUE(allocateBits(layers, 60).ok());
  // ...but not below a limit of 2.
  BitAllocation got = allocateBits(layers, 60, 2);
  EXPECT_FALSE(got.ok());
}

} // namespace
