//===- BroadcastAccess.cpp - reading a broadcast operand in a fused loop --===//
//
// A fused loop of the host program (HostProgram::flushGroup) walks its
// elements as rows of `cols` contiguous elements. An operand that broadcasts
// to the loop's result -- a BatchNorm's per-channel scale, a
// squeeze-and-excitation gate [N, C, 1, 1] -- is then read at an offset
// computed once per row, plus either the element's place in the row (the
// row's dimensions are the operand's own) or nothing (the operand is
// broadcast along all of them). These functions find the row lengths for
// which that holds and print the offset.
//
//===----------------------------------------------------------------------===//

#include "HostProgram.h"

using namespace mlir;
using namespace mlir::dfq;
using namespace mlir::dfq::host;

namespace {
/// The result's and the operand's dimensions aligned, the batch first (-1
/// where it is the run-time batch), and the operand's strides.
struct Aligned {
  SmallVector<int64_t> result, operand, strides;
  /// Per dimension: the operand has it (not broadcast, and not of size 1).
  SmallVector<bool> kept;
};
} // namespace

static std::optional<Aligned> align(ArrayRef<int64_t> resultSample,
                                    ArrayRef<int64_t> operandShape,
                                    bool operandHasBatch) {
  Aligned a;
  a.result.push_back(-1);
  a.result.append(resultSample.begin(), resultSample.end());
  size_t rank = a.result.size();
  SmallVector<int64_t> own;
  if (operandHasBatch)
    own.push_back(-1);
  own.append(operandShape.begin(), operandShape.end());
  if (own.size() > rank)
    return std::nullopt;
  a.operand.assign(rank - own.size(), 1);
  a.operand.append(own.begin(), own.end());
  // A constant never spans the batch; an activation always does.
  if ((a.operand[0] == -1) != operandHasBatch)
    return std::nullopt;
  a.strides.assign(rank, 0);
  int64_t stride = 1;
  for (size_t d = rank; d-- > 0;) {
    int64_t r = a.result[d], o = a.operand[d];
    if (o != r && o != 1)
      return std::nullopt;
    a.strides[d] = stride;
    a.kept.push_back(r != 1 && o == r);
    if (d > 0)
      stride *= o;
  }
  std::reverse(a.kept.begin(), a.kept.end());
  return a;
}

/// Whether rows of the dimensions from `split` on read the operand
/// contiguously (`*advances` true) or at one element (false).
static bool validSplit(const Aligned &a, size_t split, bool *advances) {
  bool anyKept = false, anyBroadcast = false;
  for (size_t d = split; d < a.result.size(); ++d) {
    if (a.result[d] == 1)
      continue;
    (a.kept[d] ? anyKept : anyBroadcast) = true;
  }
  *advances = anyKept;
  return !(anyKept && anyBroadcast);
}

SmallVector<int64_t> host::broadcastRowLengths(ArrayRef<int64_t> resultSample,
                                               ArrayRef<int64_t> operandShape,
                                               bool operandHasBatch) {
  SmallVector<int64_t> lengths;
  std::optional<Aligned> a = align(resultSample, operandShape, operandHasBatch);
  if (!a)
    return lengths;
  // Splits after the batch only: a row never crosses samples.
  for (size_t split = 1; split <= a->result.size(); ++split) {
    bool advances;
    int64_t cols = product(ArrayRef<int64_t>(a->result).drop_front(split));
    if (validSplit(*a, split, &advances) && !llvm::is_contained(lengths, cols))
      lengths.push_back(cols);
  }
  return lengths;
}

std::optional<BroadcastRowAccess>
host::broadcastRowAccess(ArrayRef<int64_t> resultSample,
                         ArrayRef<int64_t> operandShape, bool operandHasBatch,
                         int64_t cols) {
  std::optional<Aligned> a = align(resultSample, operandShape, operandHasBatch);
  if (!a)
    return std::nullopt;
  size_t rank = a->result.size();
  // The split whose rows have `cols` elements; with dimensions of size 1
  // several do, and the first has the fewest row dimensions.
  size_t split = 1;
  while (split <= rank &&
         product(ArrayRef<int64_t>(a->result).drop_front(split)) != cols)
    ++split;
  BroadcastRowAccess access;
  if (split > rank || !validSplit(*a, split, &access.advances))
    return std::nullopt;
  // offset(row) = sum over runs of kept dimensions before the split of
  // (row / rows of the dimensions after the run) % the run's extent, times
  // the stride of the run's last dimension. Dimensions of size 1 join any
  // run (their coordinate is 0).
  std::string offset;
  size_t d = 0;
  while (d < split) {
    if (!a->kept[d]) {
      ++d;
      continue;
    }
    size_t last = d;
    while (last + 1 < split && (a->kept[last + 1] || a->result[last + 1] == 1))
      ++last;
    int64_t below =
        product(ArrayRef<int64_t>(a->result).slice(last + 1, split - last - 1));
    std::string term = "row";
    if (below != 1)
      term = "(" + term + " / " + std::to_string(below) + ")";
    if (d > 0) {
      int64_t extent =
          product(ArrayRef<int64_t>(a->result).slice(d, last - d + 1));
      term = "(" + term + " % " + std::to_string(extent) + ")";
    }
    if (a->strides[last] != 1)
      term += " * " + std::to_string(a->strides[last]);
    offset += (offset.empty() ? "" : " + ") + term;
    d = last + 1;
  }
  access.offset = offset.empty() ? "0" : offset;
  return access;
}
