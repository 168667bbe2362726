//===- Requantization.h - fixed-point requantization ------------*- C++ -*-===//
//
// The integer arithmetic of docs/design.md, shared by verifiers, passes and
// the reference interpreter so that there is exactly one definition of it.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_SUPPORT_REQUANTIZATION_H
#define DFQ_SUPPORT_REQUANTIZATION_H

#include <cstdint>
#include <optional>

namespace mlir::dfq {

/// A real multiplier represented as `multiplier * 2^-shift`.
struct FixedPointMultiplier {
  int32_t multiplier;
  int32_t shift;
};

/// Largest shift a requantizing op accepts.
constexpr int32_t kMaxRequantShift = 62;

/// Relative error allowed between `multiplier * 2^-shift` and the real ratio
/// of scales it stands for.
constexpr double kRequantRelativeTolerance = 1.0 / 1024.0;

/// Encodes a positive real multiplier with a 31-bit mantissa in
/// [2^30, 2^31). Returns nullopt when `real` is not positive and finite or
/// needs a shift outside [0, kMaxRequantShift].
std::optional<FixedPointMultiplier> encodeMultiplier(double real);

/// Encodes a power of two `2^e` for targets that requantize by shifting
/// alone: `multiplier = 1, shift = -e` for e <= 0, and `multiplier = 2^e,
/// shift = 0` for 0 < e <= 30. Returns nullopt when `real` is not such a power
/// of two.
std::optional<FixedPointMultiplier> encodeShiftMultiplier(double real);

/// The real value `multiplier * 2^-shift`.
double decodeMultiplier(FixedPointMultiplier m);

/// `(acc * multiplier + 2^(shift-1)) >> shift` with an int64 product and an
/// arithmetic shift: rounds half toward positive infinity.
int64_t applyMultiplier(int32_t acc, FixedPointMultiplier m);

/// Full requantization of one accumulator: apply the multiplier, add the
/// output zero point and saturate to [qmin, qmax].
int64_t requantize(int32_t acc, FixedPointMultiplier m, int64_t zeroPoint,
                   int64_t qmin, int64_t qmax);

/// Quantizes one float: clamp(round_half_even(x / scale) + zeroPoint), in f32
/// with `scale` rounded to f32.
int64_t quantizeValue(float x, double scale, int64_t zeroPoint, int64_t qmin,
                      int64_t qmax);

/// Dequantizes one stored integer: (q - zeroPoint) * scale in f32.
float dequantizeValue(int64_t q, double scale, int64_t zeroPoint);

} // namespace mlir::dfq

#endif // DFQ_SUPPORT_REQUANTIZATION_H
