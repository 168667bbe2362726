//===- HostBroadcastTest.cpp - broadcast operands in fused host loops -----===//
//
// broadcastRowLengths and broadcastRowAccess (lib/Targets/Host) decide how a
// fused loop over rows reads an operand that broadcasts to its result. The
// offsets they print are evaluated here for every element of random shapes
// and broadcast patterns and compared with the element NumPy broadcasting
// reads.
//
//===----------------------------------------------------------------------===//

#include "HostProgram.h"

#include "gtest/gtest.h"

#include <random>
#include <string>

using namespace mlir;
using namespace mlir::dfq::host;

namespace {

/// Evaluates the offsets broadcastRowAccess prints: sums of terms
/// `factor [* n]`, a factor being `row`, `(factor / n)` or `(factor % n)`.
class OffsetEvaluator {
public:
  OffsetEvaluator(const std::string &text, int64_t row)
      : text(text), row(row) {}

  int64_t evaluate() {
    int64_t sum = term();
    while (consume(" + "))
      sum += term();
    EXPECT_EQ(at, text.size()) << "unparsed: " << text.substr(at);
    return sum;
  }

private:
  bool consume(const std::string &token) {
    if (text.compare(at, token.size(), token) != 0)
      return false;
    at += token.size();
    return true;
  }
  int64_t number() {
    size_t start = at;
    while (at < text.size() && isdigit(text[at]))
      ++at;
    EXPECT_LT(start, at) << "a number at " << start << " of " << text;
    return std::stoll(text.substr(start, at - start));
  }
  int64_t factor() {
    if (consume("row"))
      return row;
    if (!consume("(")) {
      ADD_FAILURE() << "unexpected text at " << at << " of " << text;
      return 0;
    }
    int64_t value = factor();
    if (consume(" / "))
      value /= number();
    else if (consume(" % "))
      value %= number();
    EXPECT_TRUE(consume(")")) << text;
    return value;
  }
  int64_t term() {
    if (consume("0"))
      return 0;
    int64_t value = factor();
    if (consume(" * "))
      value *= number();
    return value;
  }

  const std::string &text;
  int64_t row;
  size_t at = 0;
};

/// The operand element NumPy broadcasting reads for element `index` of a
/// result [batch, sample...].
int64_t broadcastElement(ArrayRef<int64_t> sample, int64_t batch,
                         ArrayRef<int64_t> operand, bool operandHasBatch,
                         int64_t index) {
  SmallVector<int64_t> result = {batch};
  result.append(sample.begin(), sample.end());
  SmallVector<int64_t> own;
  if (operandHasBatch)
    own.push_back(batch);
  own.append(operand.begin(), operand.end());
  SmallVector<int64_t> aligned(result.size() - own.size(), 1);
  aligned.append(own.begin(), own.end());
  int64_t flat = 0, stride = 1;
  for (size_t d = result.size(); d-- > 0;) {
    int64_t coordinate = index % result[d];
    index /= result[d];
    if (aligned[d] != 1)
      flat += coordinate * stride;
    stride *= aligned[d];
  }
  return flat;
}

void checkEveryElement(ArrayRef<int64_t> sample, ArrayRef<int64_t> operand,
                       bool operandHasBatch) {
  constexpr int64_t kBatch = 3;
  int64_t elements = kBatch * product(sample);
  SmallVector<int64_t> lengths =
      broadcastRowLengths(sample, operand, operandHasBatch);
  ASSERT_FALSE(lengths.empty());
  // A row of one element is always possible.
  EXPECT_TRUE(llvm::is_contained(lengths, 1));
  for (int64_t cols : lengths) {
    std::optional<BroadcastRowAccess> access =
        broadcastRowAccess(sample, operand, operandHasBatch, cols);
    ASSERT_TRUE(access.has_value()) << cols;
    for (int64_t i = 0; i < elements; ++i) {
      int64_t row = i / cols, j = i % cols;
      int64_t read = OffsetEvaluator(access->offset, row).evaluate() +
                     (access->advances ? j : 0);
      ASSERT_EQ(read,
                broadcastElement(sample, kBatch, operand, operandHasBatch, i))
          << "element " << i << ", rows of " << cols << ", offset "
          << access->offset;
    }
  }
}

TEST(HostBroadcast, PerChannelConstantChannelsFirst) {
  // A BatchNorm's scale [C, 1, 1] against [N, C, H, W]: rows of the
  // H x W plane (or of W), the channel once per row.
  SmallVector<int64_t> sample = {4, 3, 5}, scale = {4, 1, 1};
  SmallVector<int64_t> lengths = broadcastRowLengths(sample, scale, false);
  EXPECT_EQ(lengths, SmallVector<int64_t>({15, 5, 1}));
  std::optional<BroadcastRowAccess> access =
      broadcastRowAccess(sample, scale, false, 15);
  ASSERT_TRUE(access);
  EXPECT_EQ(access->offset, "(row % 4)");
  EXPECT_FALSE(access->advances);
  checkEveryElement(sample, scale, false);
}

TEST(HostBroadcast, GateChannelsLast) {
  // A squeeze-and-excitation gate [N, 1, 1, C] against [N, H, W, C]: rows
  // of the C channels, the sample's gate read along them.
  SmallVector<int64_t> sample = {3, 5, 4}, gate = {1, 1, 4};
  SmallVector<int64_t> lengths = broadcastRowLengths(sample, gate, true);
  EXPECT_EQ(lengths, SmallVector<int64_t>({4, 1}));
  std::optional<BroadcastRowAccess> access =
      broadcastRowAccess(sample, gate, true, 4);
  ASSERT_TRUE(access);
  EXPECT_EQ(access->offset, "(row / 15) * 4");
  EXPECT_TRUE(access->advances);
  checkEveryElement(sample, gate, true);
}

TEST(HostBroadcast, ShapesThatDoNotBroadcast) {
  SmallVector<int64_t> sample = {4, 3};
  EXPECT_TRUE(broadcastRowLengths(sample, {2, 3}, false).empty());
  EXPECT_TRUE(broadcastRowLengths(sample, {1, 4, 3}, true).empty());
  // A constant that spans a batch of its own does not broadcast to any.
  EXPECT_TRUE(broadcastRowLengths(sample, {2, 4, 3}, false).empty());
  EXPECT_FALSE(broadcastRowAccess(sample, {4, 1}, false, 12).has_value());
}

TEST(HostBroadcast, RandomPatternsReadWhatBroadcastingReads) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    int rank = 1 + rng() % 4;
    SmallVector<int64_t> sample, operand;
    for (int d = 0; d < rank; ++d)
      sample.push_back(1 + rng() % 4);
    // An activation spans the batch and every dimension (the gate's
    // [N, C, 1, 1]); a constant some trailing dimensions, or all of them
    // and a batch of 1. Each dimension kept or broadcast.
    bool hasBatch = rng() % 2;
    int operandRank = hasBatch ? rank : rng() % (rank + 1);
    for (int d = rank - operandRank; d < rank; ++d)
      operand.push_back(rng() % 2 ? sample[d] : 1);
    if (!hasBatch && rng() % 3 == 0)
      operand.insert(operand.begin(), rank - operandRank + 1, 1);
    SCOPED_TRACE("trial " + std::to_string(trial));
    checkEveryElement(sample, operand, hasBatch);
  }
}

} // namespace
