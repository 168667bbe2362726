//===- TargetConstraints.h - checks of layers against a target --*- C++ -*-===//
//
// The one definition of what "a target can run this quantized layer" means.
// dfq-quantize calls it on each layer it creates, dfq-verify-target on a
// whole module, so a module the first accepts the second accepts too.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_DIALECT_TARGETCONSTRAINTS_H
#define DFQ_DIALECT_TARGETCONSTRAINTS_H

#include "dfq/Dialect/DfqAttrs.h"

#include "mlir/IR/Operation.h"

#include <cstdint>
#include <optional>

namespace mlir::dfq {

/// Whether `value` is a positive power of two (2^k for any integer k).
bool isPowerOfTwo(double value);

/// The largest magnitude a signed accumulator of `bits` bits holds.
int64_t accumulatorLimit(unsigned bits);

/// The largest |accumulator| a dfq.qconv2d / dfq.qgemm can reach for any
/// input in its storage range:
/// `max_o |bias[o]| + sum_k |w[o,k] - zw[o]| * max(|qmin_x - zx|, |qmax_x - zx|)`.
/// It is reached by an input at the right end of the range for each weight's
/// sign, so it is the exact worst case, not a bound from the widths alone.
/// nullopt when the weight (or bias) values are not available.
std::optional<int64_t> worstCaseAccumulator(Operation *qlayer);

/// Checks a dfq.qconv2d / dfq.qgemm against `target`: layer kind, weight and
/// activation bit widths, signedness, weight granularity, symmetry, power-of-
/// two scales and shift-only requantization, and the worst-case accumulator.
/// Emits one error at the op per violation (prefixed with `pass`) and
/// returns how many there were.
unsigned checkLayerAgainstTarget(Operation *qlayer, TargetAttr target,
                                 StringRef pass);

} // namespace mlir::dfq

#endif // DFQ_DIALECT_TARGETCONSTRAINTS_H
