//===- RequantizationTest.cpp - fixed-point requantization ----------------===//

#include "dfq/Support/Requantization.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mlir::dfq;

TEST(EncodeMultiplier, NormalizedMantissaAndTightError) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> exponent(-30.0, 20.0);
  for (int i = 0; i < 10000; ++i) {
    double real = std::exp2(exponent(rng));
    auto m = encodeMultiplier(real);
    ASSERT_TRUE(m.has_value()) << real;
    EXPECT_GE(m->multiplier, 1 << 30) << real;
    EXPECT_GE(m->shift, 0);
    EXPECT_LE(m->shift, kMaxRequantShift);
    EXPECT_LE(std::abs(decodeMultiplier(*m) - real), real * std::exp2(-30))
        << real;
  }
}

TEST(EncodeMultiplier, RejectsUnrepresentable) {
  EXPECT_FALSE(encodeMultiplier(0.0).has_value());
  EXPECT_FALSE(encodeMultiplier(-0.5).has_value());
  EXPECT_FALSE(encodeMultiplier(NAN).has_value());
  EXPECT_FALSE(encodeMultiplier(INFINITY).has_value());
  EXPECT_FALSE(encodeMultiplier(std::exp2(31)).has_value());
  EXPECT_FALSE(encodeMultiplier(std::exp2(-70)).has_value());
}

TEST(EncodeMultiplier, MantissaRoundingCarriesIntoExponent) {
  // Just below 1.0: the mantissa rounds up to 2^31 and must renormalize.
  auto m = encodeMultiplier(1.0 - 1e-12);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->multiplier, 1 << 30);
  EXPECT_EQ(m->shift, 30);
}

TEST(EncodeMultiplier, TinyRatiosKeepMaxShift) {
  double real = std::exp2(-40);
  auto m = encodeMultiplier(real);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->shift, kMaxRequantShift);
  EXPECT_EQ(decodeMultiplier(*m), real);
}

TEST(ApplyMultiplier, RoundsHalfTowardPositiveInfinity) {
  FixedPointMultiplier half{1 << 30, 31};   // exactly 0.5
  EXPECT_EQ(applyMultiplier(1, half), 1);   // 0.5 -> 1
  EXPECT_EQ(applyMultiplier(3, half), 2);   // 1.5 -> 2
  EXPECT_EQ(applyMultiplier(-1, half), 0);  // -0.5 -> 0
  EXPECT_EQ(applyMultiplier(-3, half), -1); // -1.5 -> -1
  EXPECT_EQ(applyMultiplier(-4, half), -2);
  FixedPointMultiplier identity{1, 0};
  EXPECT_EQ(applyMultiplier(-7, identity), -7);
}

TEST(ApplyMultiplier, MatchesExactRationalRounding) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> accs(-(1 << 24), 1 << 24);
  std::uniform_int_distribution<int32_t> mults(1 << 30, 0x7fffffff);
  std::uniform_int_distribution<int32_t> shifts(1, 62);
  for (int i = 0; i < 20000; ++i) {
    int32_t acc = accs(rng);
    FixedPointMultiplier m{mults(rng), shifts(rng)};
    __int128 product = __int128(acc) * m.multiplier;
    __int128 divisor = __int128(1) << m.shift;
    // floor(product / divisor + 1/2) computed exactly.
    __int128 twice = 2 * product + divisor;
    __int128 denom = 2 * divisor;
    __int128 expected = twice / denom;
    if ((twice % denom != 0) && (twice < 0))
      --expected;
    EXPECT_EQ(applyMultiplier(acc, m), int64_t(expected));
  }
}

TEST(Requantize, AddsZeroPointAndSaturates) {
  FixedPointMultiplier quarter{1 << 30, 32}; // 0.25
  EXPECT_EQ(requantize(400, quarter, 10, 0, 255), 110);
  EXPECT_EQ(requantize(4000, quarter, 10, 0, 255), 255);
  EXPECT_EQ(requantize(-400, quarter, 10, 0, 255), 0);
  EXPECT_EQ(requantize(-400, quarter, 0, -8, 7), -8);
}

TEST(QuantizeValue, RoundsHalfToEven) {
  EXPECT_EQ(quantizeValue(0.5f, 1.0, 0, -128, 127), 0);
  EXPECT_EQ(quantizeValue(1.5f, 1.0, 0, -128, 127), 2);
  EXPECT_EQ(quantizeValue(2.5f, 1.0, 0, -128, 127), 2);
  EXPECT_EQ(quantizeValue(-0.5f, 1.0, 0, -128, 127), 0);
  EXPECT_EQ(quantizeValue(-1.5f, 1.0, 0, -128, 127), -2);
  EXPECT_EQ(quantizeValue(0.3f, 0.1, 5, 0, 255), 8);
}

TEST(QuantizeValue, SaturatesAndMapsNaNToZeroPoint) {
  EXPECT_EQ(quantizeValue(1000.0f, 0.5, 3, 0, 15), 15);
  EXPECT_EQ(quantizeValue(-1000.0f, 0.5, 3, 0, 15), 0);
  EXPECT_EQ(quantizeValue(INFINITY, 0.5, 0, -2, 1), 1);
  EXPECT_EQ(quantizeValue(NAN, 0.5, 3, 0, 15), 3);
}

TEST(DequantizeValue, InvertsQuantizeOnTheGrid) {
  for (int64_t q = 0; q < 16; ++q) {
    float x = dequantizeValue(q, 0.25, 4);
    EXPECT_EQ(x, float(q - 4) * 0.25f);
    EXPECT_EQ(quantizeValue(x, 0.25, 4, 0, 15), q);
  }
}
