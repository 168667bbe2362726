//===- BitAllocation.cpp - optimal per-layer bit widths -------------------===//

#include "dfq/Support/BitAllocation.h"

#include <algorithm>
#include <limits>

using namespace mlir::dfq;

namespace {
/// A partial allocation of the layers seen so far.
struct State {
  int64_t cost;
  double sensitivity;
  /// Its predecessor in the previous layer's frontier, and the choice made.
  size_t parent;
  size_t choice;
};
} // namespace

BitAllocation
mlir::dfq::allocateBits(const std::vector<std::vector<BitChoice>> &layers,
                        int64_t budget, size_t maxStates) {
  BitAllocation result;
  int64_t cheapest = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].empty()) {
      result.error = "layer " + std::to_string(i) + " has no bit choice";
      return result;
    }
    int64_t min = std::numeric_limits<int64_t>::max();
    for (const BitChoice &c : layers[i])
      min = std::min(min, c.cost);
    cheapest += min;
  }
  if (cheapest > budget) {
    result.error = "the budget " + std::to_string(budget) +
                   " is below the cheapest allocation, " +
                   std::to_string(cheapest);
    return result;
  }

  // frontiers[i]: non-dominated states after layer i - 1, by increasing cost
  // and strictly decreasing sensitivity.
  std::vector<std::vector<State>> frontiers = {{{0, 0.0, 0, 0}}};
  for (const std::vector<BitChoice> &choices : layers) {
    const std::vector<State> &previous = frontiers.back();
    std::vector<State> candidates;
    candidates.reserve(previous.size() * choices.size());
    for (size_t p = 0; p < previous.size(); ++p)
      for (size_t c = 0; c < choices.size(); ++c) {
        int64_t cost = previous[p].cost + choices[c].cost;
        if (cost <= budget)
          candidates.push_back(
              {cost, previous[p].sensitivity + choices[c].sensitivity, p, c});
      }
    std::sort(candidates.begin(), candidates.end(),
              [](const State &a, const State &b) {
                return a.cost != b.cost ? a.cost < b.cost
                                        : a.sensitivity < b.sensitivity;
              });
    std::vector<State> frontier;
    for (const State &s : candidates)
      if (frontier.empty() || s.sensitivity < frontier.back().sensitivity)
        frontier.push_back(s);
    if (frontier.size() > maxStates) {
      result.error = "the exact allocation needs more than " +
                     std::to_string(maxStates) +
                     " partial allocations; fewer bit choices would do";
      return result;
    }
    frontiers.push_back(std::move(frontier));
  }

  // The last state has the least sensitivity (the frontier's order).
  const State *best = &frontiers.back().back();
  result.cost = best->cost;
  result.sensitivity = best->sensitivity;
  result.choice.assign(layers.size(), 0);
  for (size_t i = layers.size(); i > 0; --i) {
    result.choice[i - 1] = best->choice;
    best = &frontiers[i - 1][best->parent];
  }
  return result;
}
