//===- Requantization.cpp - fixed-point requantization --------------------===//

#include "dfq/Support/Requantization.h"

#include <cmath>

using namespace mlir::dfq;

std::optional<FixedPointMultiplier> mlir::dfq::encodeMultiplier(double real) {
  if (!(real > 0.0) || !std::isfinite(real))
    return std::nullopt;
  int exponent = 0;
  double fraction = std::frexp(real, &exponent); // real = fraction * 2^exp
  int64_t mantissa = std::llround(fraction * double(1LL << 31));
  if (mantissa == (1LL << 31)) { // fraction rounded up to 1.0
    mantissa = 1LL << 30;
    ++exponent;
  }
  int64_t shift = 31 - int64_t(exponent);
  if (shift < 0)
    return std::nullopt; // real >= 2^31: no int32 multiplier can hold it
  if (shift > kMaxRequantShift) {
    // Tiny ratios keep the largest shift and give up mantissa bits.
    mantissa = std::llround(std::ldexp(real, kMaxRequantShift));
    if (mantissa == 0)
      return std::nullopt;
    shift = kMaxRequantShift;
  }
  return FixedPointMultiplier{int32_t(mantissa), int32_t(shift)};
}

std::optional<FixedPointMultiplier>
mlir::dfq::encodeShiftMultiplier(double real) {
  if (!(real > 0.0) || !std::isfinite(real))
    return std::nullopt;
  int exponent = 0;
  if (std::frexp(real, &exponent) != 0.5)
    return std::nullopt; // real = 0.5 * 2^exponent only for powers of two
  int e = exponent - 1;
  if (e > 30 || -e > kMaxRequantShift)
    return std::nullopt;
  if (e <= 0)
    return FixedPointMultiplier{1, int32_t(-e)};
  return FixedPointMultiplier{int32_t(1) << e, 0};
}

double mlir::dfq::decodeMultiplier(FixedPointMultiplier m) {
  return std::ldexp(double(m.multiplier), -m.shift);
}

int64_t mlir::dfq::applyMultiplier(int32_t acc, FixedPointMultiplier m) {
  // |acc| < 2^31 and multiplier < 2^31, so the product and the rounding
  // offset (at most 2^61) fit in int64.
  int64_t product = int64_t(acc) * int64_t(m.multiplier);
  if (m.shift == 0)
    return product;
  return (product + (int64_t(1) << (m.shift - 1))) >> m.shift;
}

int64_t mlir::dfq::requantize(int32_t acc, FixedPointMultiplier m,
                              int64_t zeroPoint, int64_t qmin, int64_t qmax) {
  int64_t y = applyMultiplier(acc, m) + zeroPoint;
  return y < qmin ? qmin : (y > qmax ? qmax : y);
}

int64_t mlir::dfq::quantizeValue(float x, double scale, int64_t zeroPoint,
                                 int64_t qmin, int64_t qmax) {
  if (std::isnan(x))
    return zeroPoint < qmin ? qmin : (zeroPoint > qmax ? qmax : zeroPoint);
  float scaled = x / float(scale);
  // nearbyint rounds half to even under the default rounding mode.
  double rounded = double(std::nearbyint(scaled)) + double(zeroPoint);
  if (rounded < double(qmin))
    return qmin;
  if (rounded > double(qmax))
    return qmax;
  return int64_t(rounded);
}

float mlir::dfq::dequantizeValue(int64_t q, double scale, int64_t zeroPoint) {
  return float(q - zeroPoint) * float(scale);
}
