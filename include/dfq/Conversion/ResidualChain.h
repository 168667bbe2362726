//===- ResidualChain.h - the float tail of a residual block -----*- C++ -*-===//
//
// After dfq-quantize, a residual block ends in float ops between two
// quantized layers:
//
//   %q = dfq.qconv2d ...                       (or dfq.qgemm)
//   %d = dfq.dequantize %q
//   %s = dfq.add %d, %residual                 (either operand order)
//   %y = dfq.relu %s                           (or dfq.clip, or neither)
//   %a = dfq.quantize %y  ...                  (zero or more)
//
// A kernel can compute all of it in its epilogue: %q and %d are then never
// stored, and the host loop that computed %s, %y and the quantizations
// disappears. This header finds such chains; dfq-lower-to-kernels records
// them (`fused` in `dfq.kernel`) and the x86 target compiles them.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_CONVERSION_RESIDUALCHAIN_H
#define DFQ_CONVERSION_RESIDUALCHAIN_H

#include "dfq/Dialect/DfqOps.h"

#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mlir::dfq {

struct ResidualChain {
  DequantizeOp dequantize;
  AddOp add;
  /// The add's other operand (f32, the shape of the layer's output).
  Value residual;
  /// When `residual` is the dequantization of a per-tensor unsigned
  /// activation, that dequantization; the kernel then reads its input.
  DequantizeOp residualDequantize;
  /// Whether residualDequantize has users besides the add (it is then
  /// still computed on its own).
  bool residualDequantizeShared = false;
  /// dfq.relu or dfq.clip of the sum, or null.
  Operation *activation = nullptr;
  /// The chain's float result: the activation's, else the add's.
  Value result;
  /// The quantizations of `result` into per-tensor unsigned activations of
  /// at most 8 bits (at most 4), which the kernel writes.
  SmallVector<QuantizeOp> quantizations;
  /// Whether `result` has users besides `quantizations` (the kernel then
  /// writes it too).
  bool resultStored = false;

  /// What the kernel reads as its residual: residualDequantize's input,
  /// else `residual`.
  Value kernelResidual() {
    return residualDequantize ? residualDequantize.getInput() : residual;
  }

  /// The ops the kernel computes instead of the host, in program order.
  SmallVector<Operation *> fusedOps() const;
};

/// The residual chain after `layer` (a dfq.qconv2d or dfq.qgemm whose only
/// user is a dequantization), or nullopt. The residual must be computed
/// before `layer` in its block, by an op (not a constant or a block
/// argument), with the layer output's exact type.
std::optional<ResidualChain> matchResidualChain(Operation *layer);

} // namespace mlir::dfq

#endif // DFQ_CONVERSION_RESIDUALCHAIN_H
