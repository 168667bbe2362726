//===- LeadWithBatch.cpp - a leading batch for every activation -----------===//
//
// In a batch-1 model every tensor is one sample; activations that do not
// lead with the batch (attention in [tokens, batch * heads, features]) get a
// leading dimension of 1, so that the host libraries can store them as a
// batch of one sample (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "dfq/Dialect/DfqOps.h"
#include "dfq/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"

namespace mlir::dfq {
#define GEN_PASS_DEF_LEADWITHBATCHPASS
#include "dfq/Transforms/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {

RankedTensorType withLeadingOne(RankedTensorType type) {
  SmallVector<int64_t> shape = {1};
  llvm::append_range(shape, type.getShape());
  return type.clone(shape);
}

/// Whether an activation of this type leads with the batch of a batch-1
/// function (anything else is not stored as a batch of samples).
bool leadsWithBatch(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  return !ranked || (ranked.getRank() > 0 && ranked.getDimSize(0) == 1);
}

/// A dimension attribute shifted past the new leading dimension (negative
/// values count from the back and stay).
int64_t shifted(int64_t axis) { return axis < 0 ? axis : axis + 1; }

/// Ops that this pass rewrites on operands and results of one more leading
/// dimension.
bool isRankPolymorphic(Operation *op) {
  return isa<TransposeOp, ReshapeOp, FlattenOp, SoftmaxOp, LayerNormOp,
             ReduceMeanOp, ReduceSumOp, ReduceMaxOp, ConcatOp, SliceOp, PadOp,
             MatMulOp, GemmOp, QGemmOp, QuantizeOp, DequantizeOp, ReluOp,
             ClipOp, AddOp, MulOp, SubOp, DivOp, MaxOp, MinOp, PReluOp,
             SigmoidOp, TanhOp, ErfOp, SqrtOp, AbsOp, ExpOp, LogOp, SoftplusOp,
             LeakyReluOp, EluOp, PowOp, HardSigmoidOp, HardSwishOp>(op);
}

/// Per-channel quantization names an axis, which would move too.
bool quantizedPerTensor(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  return !ranked ||
         !isa<quant::UniformQuantizedPerAxisType>(ranked.getElementType());
}

/// Shifts the dimension attributes of a clone whose operands and results
/// have one more leading dimension.
void shiftDimensionAttributes(Operation *op) {
  if (auto transpose = dyn_cast<TransposeOp>(op)) {
    SmallVector<int64_t> perm = {0};
    for (int64_t p : transpose.getPerm())
      perm.push_back(p + 1);
    transpose.setPerm(perm);
  } else if (auto softmax = dyn_cast<SoftmaxOp>(op)) {
    softmax.setAxis(shifted(softmax.getAxis()));
  } else if (auto norm = dyn_cast<LayerNormOp>(op)) {
    norm.setAxis(shifted(norm.getAxis()));
  } else if (auto concat = dyn_cast<ConcatOp>(op)) {
    concat.setAxis(shifted(concat.getAxis()));
  } else if (isa<ReduceMeanOp, ReduceSumOp, ReduceMaxOp>(op)) {
    auto axes = op->getAttrOfType<DenseI64ArrayAttr>("axes");
    SmallVector<int64_t> moved;
    for (int64_t a : axes.asArrayRef())
      moved.push_back(shifted(a));
    op->setAttr("axes", DenseI64ArrayAttr::get(op->getContext(), moved));
  } else if (auto slice = dyn_cast<SliceOp>(op)) {
    SmallVector<int64_t> starts = {0}, steps = {1};
    llvm::append_range(starts, slice.getStarts());
    llvm::append_range(steps, slice.getSteps());
    slice.setStarts(starts);
    slice.setSteps(steps);
  } else if (auto pad = dyn_cast<PadOp>(op)) {
    ArrayRef<int64_t> pads = pad.getPads();
    size_t rank = pads.size() / 2;
    SmallVector<int64_t> moved = {0};
    llvm::append_range(moved, pads.take_front(rank));
    moved.push_back(0);
    llvm::append_range(moved, pads.drop_front(rank));
    pad.setPads(moved);
  }
}

struct LeadWithBatchPass
    : public mlir::dfq::impl::LeadWithBatchPassBase<LeadWithBatchPass> {
  void runOnOperation() override {
    func::FuncOp function = getOperation();
    if (function.isExternal() ||
        !llvm::all_of(function.getArgumentTypes(), [](Type type) {
          auto ranked = dyn_cast<RankedTensorType>(type);
          return ranked && ranked.hasStaticShape() && ranked.getRank() > 0 &&
                 ranked.getDimSize(0) == 1;
        }))
      return;

    // Values that have a leading-1 twin, and the reshapes that give the
    // twins back their original type for the readers this pass leaves.
    IRMapping twins;
    SmallVector<Operation *> restores;
    OpBuilder builder(function.getContext());
    // Activations are the values computed from the inputs; weights and
    // what is computed from them alone (a dequantized weight) keep their
    // shapes.
    llvm::DenseSet<Value> activations(function.getArguments().begin(),
                                      function.getArguments().end());
    SmallVector<Operation *> ops;
    function.walk([&](Operation *op) {
      if (llvm::any_of(op->getOperands(), [&](Value operand) {
            return activations.contains(operand);
          })) {
        activations.insert(op->getResults().begin(), op->getResults().end());
        ops.push_back(op);
      }
    });
    for (Operation *op : ops) {
      if (op->getNumResults() != 1 || !isRankPolymorphic(op))
        continue;
      Value result = op->getResult(0);
      bool readsTwin = llvm::any_of(op->getOperands(), [&](Value operand) {
        return twins.contains(operand);
      });
      if (leadsWithBatch(result.getType()) && !readsTwin)
        continue;
      // Weights keep their shape and their quantization axis.
      if (!quantizedPerTensor(result.getType()) ||
          llvm::any_of(op->getOperands(), [&](Value operand) {
            return activations.contains(operand) &&
                   !quantizedPerTensor(operand.getType());
          }))
        continue;
      builder.setInsertionPoint(op);
      Location loc = op->getLoc();
      auto resultType = cast<RankedTensorType>(result.getType());
      // A view whose result leads with the batch reads the twin directly.
      if (isa<FlattenOp, ReshapeOp>(op) && leadsWithBatch(resultType)) {
        Value twinInput = twins.lookup(op->getOperand(0));
        Value view =
            twinInput.getType() == resultType
                ? twinInput
                : ReshapeOp::create(builder, loc, resultType, twinInput)
                      .getResult();
        result.replaceAllUsesWith(view);
        op->erase();
        continue;
      }
      Operation *twin;
      SmallVector<Operation *> views;
      if (isa<FlattenOp, ReshapeOp>(op)) {
        // The target shape is the result type; flatten's axis goes with it.
        Value input = op->getOperand(0);
        twin = ReshapeOp::create(builder, loc, withLeadingOne(resultType),
                                 twins.lookupOrDefault(input));
      } else {
        IRMapping operands;
        for (Value operand : op->getOperands()) {
          Value twinOperand = twins.lookupOrNull(operand);
          // A concat joins tensors of one rank, and an op that reads no twin
          // needs an operand of the result's new rank: those activations
          // get the leading 1 as a view.
          auto operandType = cast<RankedTensorType>(operand.getType());
          if (!twinOperand && activations.contains(operand) &&
              (isa<ConcatOp>(op) ||
               (!readsTwin && operandType.getRank() == resultType.getRank()))) {
            twinOperand = ReshapeOp::create(
                builder, loc, withLeadingOne(operandType), operand);
            views.push_back(twinOperand.getDefiningOp());
          }
          if (twinOperand)
            operands.map(operand, twinOperand);
        }
        twin = builder.clone(*op, operands);
        twin->getResult(0).setType(withLeadingOne(resultType));
        shiftDimensionAttributes(twin);
      }
      // Operands that kept their rank broadcast against trailing
      // dimensions. An op that cannot take them stays as it is (and the
      // host target reports the activation it cannot store).
      LogicalResult verified = success();
      {
        ScopedDiagnosticHandler quiet(function.getContext(),
                                      [](Diagnostic &) { return success(); });
        verified = mlir::verify(twin);
      }
      if (failed(verified)) {
        twin->erase();
        for (Operation *view : llvm::reverse(views))
          view->erase();
        continue;
      }
      auto restore =
          ReshapeOp::create(builder, loc, resultType, twin->getResult(0));
      result.replaceAllUsesWith(restore.getResult());
      op->erase();
      twins.map(restore.getResult(), twin->getResult(0));
      restores.push_back(restore);
    }
    for (Operation *restore : llvm::reverse(restores))
      if (restore->use_empty())
        restore->erase();
  }
};

} // namespace
