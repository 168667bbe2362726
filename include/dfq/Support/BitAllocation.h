//===- BitAllocation.h - optimal per-layer bit widths -----------*- C++ -*-===//
//
// The allocation step of mixed precision (ZeroQ, Cai et al., CVPR 2020,
// §3.3): pick one bit width per layer so that the summed sensitivity is
// minimal while the summed cost (bits, bytes or bit operations) stays within a
// budget. A multiple-choice knapsack, solved exactly by dynamic programming
// over the Pareto frontier of (cost, sensitivity) of the layers seen so far.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_SUPPORT_BITALLOCATION_H
#define DFQ_SUPPORT_BITALLOCATION_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mlir::dfq {

/// One candidate for one layer.
struct BitChoice {
  int64_t bits = 8;
  int64_t cost = 0;         // in the budget's unit, not negative
  double sensitivity = 0.0; // what the allocation minimizes (summed)
};

struct BitAllocation {
  /// Index into each layer's choices.
  std::vector<size_t> choice;
  int64_t cost = 0;
  double sensitivity = 0.0;
  /// The error message when there is no allocation; empty otherwise.
  std::string error;

  bool ok() const { return error.empty(); }
};

/// The allocation of minimal summed sensitivity whose summed cost is at most
/// `budget` (ties: the cheaper one). Exact: a partial allocation that another
/// one dominates (no more cost, no more sensitivity) cannot be part of a
/// unique optimum, so keeping the non-dominated ones per prefix of layers
/// loses nothing. Fails, with a message, when even the cheapest choices
/// exceed the budget, when a layer has no choice, or when the frontier grows
/// beyond `maxStates` (the problem is NP-hard in general).
BitAllocation allocateBits(const std::vector<std::vector<BitChoice>> &layers,
                           int64_t budget, size_t maxStates = 1u << 22);

} // namespace mlir::dfq

#endif // DFQ_SUPPORT_BITALLOCATION_H
