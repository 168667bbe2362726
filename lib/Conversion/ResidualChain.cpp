//===- ResidualChain.cpp - the float tail of a residual block -------------===//

#include "dfq/Conversion/ResidualChain.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;
using namespace mlir::dfq;

namespace {

/// Per-tensor unsigned storage of at most 8 bits: what x86 kernels read and
/// write.
bool isKernelActivation(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  auto element =
      tensor ? dyn_cast<quant::UniformQuantizedType>(tensor.getElementType())
             : nullptr;
  return element && !element.isSigned() &&
         element.getStorageTypeIntegralWidth() <= 8;
}

/// Whether `value` is computed by an op of `layer`'s block before it.
bool computedBefore(Value value, Operation *layer) {
  Operation *def = value.getDefiningOp();
  return def && def->getBlock() == layer->getBlock() &&
         def->isBeforeInBlock(layer) && !def->hasTrait<OpTrait::ConstantLike>();
}

constexpr size_t kMaxQuantizations = 4;

} // namespace

SmallVector<Operation *> ResidualChain::fusedOps() const {
  SmallVector<Operation *> ops = {dequantize};
  if (residualDequantize && !residualDequantizeShared)
    ops.push_back(residualDequantize);
  ops.push_back(add);
  if (activation)
    ops.push_back(activation);
  for (QuantizeOp quantize : quantizations)
    ops.push_back(quantize);
  return ops;
}

std::optional<ResidualChain> mlir::dfq::matchResidualChain(Operation *layer) {
  if (!isa<QConv2DOp, QGemmOp>(layer) || !layer->getResult(0).hasOneUse() ||
      !isKernelActivation(layer->getResult(0).getType()))
    return std::nullopt;
  ResidualChain chain;
  chain.dequantize = dyn_cast<DequantizeOp>(*layer->getUsers().begin());
  if (!chain.dequantize || !chain.dequantize.getResult().hasOneUse())
    return std::nullopt;
  auto floatType = cast<RankedTensorType>(chain.dequantize.getType());
  if (!floatType.getElementType().isF32())
    return std::nullopt;
  chain.add = dyn_cast<AddOp>(*chain.dequantize->getUsers().begin());
  if (!chain.add || chain.add.getType() != floatType ||
      chain.add.getLhs() == chain.add.getRhs())
    return std::nullopt;
  chain.residual = chain.add.getLhs() == chain.dequantize.getResult()
                       ? chain.add.getRhs()
                       : chain.add.getLhs();
  if (chain.residual.getType() != floatType)
    return std::nullopt;
  auto residualDequantize = chain.residual.getDefiningOp<DequantizeOp>();
  if (residualDequantize &&
      isKernelActivation(residualDequantize.getInput().getType()) &&
      computedBefore(residualDequantize.getInput(), layer)) {
    chain.residualDequantize = residualDequantize;
    chain.residualDequantizeShared = !chain.residual.hasOneUse();
  } else if (!computedBefore(chain.residual, layer)) {
    return std::nullopt;
  }

  chain.result = chain.add.getResult();
  if (chain.add->hasOneUse()) {
    Operation *user = *chain.add->getUsers().begin();
    if (isa<ReluOp, ClipOp>(user)) {
      chain.activation = user;
      chain.result = user->getResult(0);
    }
  }
  for (Operation *user : chain.result.getUsers()) {
    auto quantize = dyn_cast<QuantizeOp>(user);
    if (quantize && isKernelActivation(quantize.getType()) &&
        chain.quantizations.size() < kMaxQuantizations &&
        quantize->getBlock() == layer->getBlock())
      chain.quantizations.push_back(quantize);
    else
      chain.resultStored = true;
  }
  llvm::sort(chain.quantizations,
             [](QuantizeOp a, QuantizeOp b) { return a->isBeforeInBlock(b); });
  return chain;
}
