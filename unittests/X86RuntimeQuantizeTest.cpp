//===- X86RuntimeQuantizeTest.cpp - division-free quantization ------------===//
//
// The x86 model library quantizes with dfq_rt_div_by_scale (a multiply by
// the reciprocal and one FMA correction step) where docs/design.md defines
// an IEEE division. The two must agree bit for bit: on a dense sample of
// every binade activations use, on the values next to every rounding tie,
// and on the special values.
//
//===----------------------------------------------------------------------===//

#include "dfq_runtime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace {

float fromBits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

uint32_t toBits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

/// docs/design.md: clamp(round_half_even(x / s) + z, qmin, qmax), NaN to
/// clamp(z).
float quantizeByDivision(float x, float scale, float zp, float qmin,
                         float qmax) {
  float q = std::nearbyint(x / scale);
  float r = std::isnan(q) ? zp : q + zp;
  return std::min(std::max(r, qmin), qmax);
}

/// Scales quantized activations take: 2^-14 .. 2^3, random significands
/// and the extreme ones (1.0 and all ones).
std::vector<float> testScales() {
  std::vector<float> scales = {1.0f,
                               0.5f,
                               fromBits(0x3fffffffu) / 64.0f,
                               fromBits(0x3f800001u) / 256.0f,
                               0.1f,
                               0.0078125f};
  std::mt19937 rng(11);
  for (int i = 0; i < 18; ++i) {
    uint32_t mantissa = rng() & 0x7fffffu;
    int exponent = int(rng() % 18) - 14;
    scales.push_back(std::ldexp(fromBits(0x3f800000u | mantissa), exponent));
  }
  return scales;
}

TEST(X86RuntimeQuantize, QuotientMatchesDivisionAcrossBinades) {
  for (float scale : testScales()) {
    float inv = 1.0f / scale;
    // Every 61st float with |x| in [2^-6, 2^12), both signs.
    for (uint32_t bits = 0x3c800000u; bits < 0x45800000u; bits += 61)
      for (float x : {fromBits(bits), -fromBits(bits)}) {
        float want = x / scale;
        if (!(std::fabs(x * inv) < 0x1p24f))
          continue;
        ASSERT_EQ(toBits(dfq_rt_div_by_scale(x, scale, inv)), toBits(want))
            << "x = " << x << " scale = " << scale;
      }
  }
}

TEST(X86RuntimeQuantize, RoundingTiesMatchDivision) {
  for (float scale : testScales()) {
    float inv = 1.0f / scale;
    for (int k = -600; k <= 600; ++k) {
      // The float nearest (k + 1/2) * scale and its neighbours: the
      // quotients around a tie, where rounding to even decides.
      float tie = float((double(k) + 0.5) * double(scale));
      uint32_t center = toBits(tie);
      for (int d = -6; d <= 6; ++d) {
        float x = fromBits(center + uint32_t(d));
        for (auto [zp, qmin, qmax] :
             {std::tuple{0.0f, 0.0f, 255.0f}, std::tuple{128.0f, 0.0f, 255.0f},
              std::tuple{7.0f, 0.0f, 15.0f}})
          ASSERT_EQ(dfq_rt_quantize_one(x, scale, inv, zp, qmin, qmax),
                    quantizeByDivision(x, scale, zp, qmin, qmax))
              << "x = " << x << " scale = " << scale;
      }
    }
  }
}

TEST(X86RuntimeQuantize, SpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (float scale : testScales()) {
    float inv = 1.0f / scale;
    for (float x : {0.0f, -0.0f, inf, -inf, nan, 3e38f, -3e38f, 1e-45f, -1e-45f,
                    1e-38f, 0x1p24f, -0x1p24f, 16777215.0f})
      for (auto [zp, qmin, qmax] :
           {std::tuple{0.0f, 0.0f, 255.0f}, std::tuple{128.0f, 0.0f, 255.0f}})
        ASSERT_EQ(dfq_rt_quantize_one(x, scale, inv, zp, qmin, qmax),
                  quantizeByDivision(x, scale, zp, qmin, qmax))
            << "x = " << x << " scale = " << scale;
  }
}

} // namespace
