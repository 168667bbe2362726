//===- QuantizeSkips.cpp - read skip connections from their codes ---------===//
//
// Replaces a float operand of an elementwise dfq.add by the dequantization of
// that value's own per-tensor quantization, when it has one (see Passes.td
// for when this pays and what it changes).
//
//===----------------------------------------------------------------------===//

#include "dfq/Dialect/DfqOps.h"
#include "dfq/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"

namespace mlir::dfq {
#define GEN_PASS_DEF_QUANTIZESKIPSPASS
#include "dfq/Transforms/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {

/// The first per-tensor quantization of `value` into at most 8 bits, in
/// block order, or null.
QuantizeOp perTensorQuantization(Value value) {
  QuantizeOp first;
  for (Operation *user : value.getUsers()) {
    auto quantize = dyn_cast<QuantizeOp>(user);
    if (!quantize || quantize->getBlock() != value.getParentBlock())
      continue;
    auto type = dyn_cast<quant::UniformQuantizedType>(
        cast<RankedTensorType>(quantize.getType()).getElementType());
    if (!type || type.getStorageTypeIntegralWidth() > 8)
      continue;
    if (!first || quantize->isBeforeInBlock(first))
      first = quantize;
  }
  return first;
}

struct QuantizeSkipsPass
    : public mlir::dfq::impl::QuantizeSkipsPassBase<QuantizeSkipsPass> {
  using QuantizeSkipsPassBase::QuantizeSkipsPassBase;

  void runOnOperation() override {
    int64_t replaced = 0;
    // The dequantization made for each quantization, shared by its adds.
    llvm::DenseMap<Operation *, Value> dequantized;
    getOperation().walk([&](AddOp add) {
      if (add.getLhs().getType() != add.getRhs().getType())
        return; // a broadcast, not a residual add
      for (OpOperand &operand : add->getOpOperands()) {
        Value value = operand.get();
        if (value.getDefiningOp<DequantizeOp>() ||
            !cast<RankedTensorType>(value.getType()).getElementType().isF32())
          continue;
        QuantizeOp quantize = perTensorQuantization(value);
        // The codes must exist before the add reads them.
        if (!quantize || quantize->getBlock() != add->getBlock() ||
            !quantize->isBeforeInBlock(add))
          continue;
        Value &codes = dequantized[quantize];
        if (!codes) {
          OpBuilder builder(quantize->getContext());
          builder.setInsertionPointAfter(quantize);
          codes = DequantizeOp::create(builder, quantize.getLoc(),
                                       value.getType(), quantize.getResult());
        }
        operand.set(codes);
        ++replaced;
      }
    });
    if (summary && replaced)
      getOperation().emitRemark()
          << "dfq-quantize-skips: " << replaced
          << " residual operands read from their quantization";
  }
};

} // namespace
