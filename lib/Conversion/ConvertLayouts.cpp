//===- ConvertLayouts.cpp - channels-last convolutions as IR --------------===//
//
// The kernels reduce over channels stored contiguously, the float graph ops
// keep ONNX's NCHW. This pass makes every quantized convolution channels-last
// and states each layout change as a dfq.transpose, then moves those down
// through the ops that only look at elements until they cancel or reach an
// op that needs NCHW. The library generators then store every tensor in the
// order of its type and decide nothing about layouts (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "dfq/Conversion/Passes.h"
#include "dfq/Dialect/DfqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dfq {
#define GEN_PASS_DEF_CONVERTLAYOUTSPASS
#include "dfq/Conversion/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {

/// `type` with its dimensions permuted: dimension i is type's perm[i].
RankedTensorType permuted(RankedTensorType type, ArrayRef<int64_t> perm) {
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  return RankedTensorType::get(shape, type.getElementType());
}

SmallVector<int64_t> inverse(ArrayRef<int64_t> perm) {
  SmallVector<int64_t> result(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    result[p] = static_cast<int64_t>(i);
  return result;
}

bool isPerTensor(Type type) {
  return isa<quant::UniformQuantizedType>(
      cast<RankedTensorType>(type).getElementType());
}

/// Whether every element of `op`'s result is computed from the elements at
/// the same index of its operands alone, so that transposed operands give
/// the transposed result.
bool isElementwise(Operation *op) {
  if (isa<ReluOp, ClipOp, SigmoidOp, TanhOp, ErfOp, SqrtOp, HardSigmoidOp,
          HardSwishOp, AbsOp, ExpOp, LogOp, SoftplusOp, LeakyReluOp, EluOp,
          PowOp>(op))
    return true;
  if (auto quantize = dyn_cast<QuantizeOp>(op))
    return isPerTensor(quantize.getType());
  if (auto dequantize = dyn_cast<DequantizeOp>(op))
    return isPerTensor(dequantize.getInput().getType());
  if (isa<AddOp, MulOp, SubOp, DivOp, MaxOp, MinOp, PReluOp>(op))
    return op->getOperand(0).getType() == op->getResult(0).getType() &&
           op->getOperand(1).getType() == op->getResult(0).getType();
  return false;
}

/// A float add, mul, sub or div whose operands have the result's rank (they
/// may broadcast along dimensions of size 1).
bool isBroadcastOfSameRank(Operation *op) {
  if (!isa<AddOp, MulOp, SubOp, DivOp, MaxOp, MinOp, PReluOp>(op))
    return false;
  auto result = cast<RankedTensorType>(op->getResult(0).getType());
  return llvm::all_of(op->getOperandTypes(), [&](Type type) {
    auto operand = cast<RankedTensorType>(type);
    return operand.getRank() == result.getRank() &&
           operand.getElementType() == result.getElementType();
  });
}

/// The constant operand of a binary op that scales or shifts an activation
/// of the result's type by a per-channel vector (an unfoldable BatchNorm's
/// affine: [C, 1, 1] or [1, C, 1, 1] against [N, C, H, W]): at most one of
/// its dimensions exceeds 1, so it broadcasts the same way in every layout
/// once its shape is permuted along (no element moves). Null otherwise.
arith::ConstantOp perChannelConstant(Operation *op) {
  if (!isa<AddOp, MulOp, SubOp, DivOp, MaxOp, MinOp, PReluOp>(op))
    return nullptr;
  Type result = op->getResult(0).getType();
  for (unsigned i = 0; i < 2; ++i) {
    auto constant = op->getOperand(i).getDefiningOp<arith::ConstantOp>();
    auto type = constant ? dyn_cast<RankedTensorType>(constant.getType())
                         : RankedTensorType();
    if (!type || op->getOperand(1 - i).getType() != result ||
        type.getRank() > cast<RankedTensorType>(result).getRank() ||
        !isa<DenseElementsAttr, DenseResourceElementsAttr>(
            constant.getValue()) ||
        llvm::count_if(type.getShape(), [](int64_t d) { return d != 1; }) > 1)
      continue;
    return constant;
  }
  return nullptr;
}

/// `constant` (a perChannelConstant) as an operand of a result of `rank`
/// dimensions permuted by `perm`: its data unchanged, its shape aligned to
/// the result's rank and permuted.
Value permutedConstant(OpBuilder &builder, arith::ConstantOp constant,
                       int64_t rank, ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(constant.getType());
  SmallVector<int64_t> aligned(rank - type.getRank(), 1);
  llvm::append_range(aligned, type.getShape());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(aligned[p]);
  auto permutedType = RankedTensorType::get(shape, type.getElementType());
  TypedAttr value;
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
    value = dense.reshape(permutedType);
  else
    value = DenseResourceElementsAttr::get(
        permutedType,
        cast<DenseResourceElementsAttr>(constant.getValue()).getRawHandle());
  return arith::ConstantOp::create(builder, constant.getLoc(), permutedType,
                                   value);
}

/// Whether `value` may be transposed where it is computed: an activation
/// made by an op, or an argument, not a constant.
bool isTransposableActivation(Value value) {
  Operation *def = value.getDefiningOp();
  return !def ||
         (!def->hasTrait<OpTrait::ConstantLike>() && !isa<TransposeOp>(def));
}

/// Whether `user` could read a transposed operand where it reads `value`:
/// a view-free op that the transposition moves through further. A slice or
/// concatenation takes a transposition only where its readers do too;
/// otherwise the transposition after it would cost a pass of its own (a
/// DenseNet concatenation read by a BatchNorm affine), where the branches'
/// transpositions ride along with their dequantizations.
bool readerTakesTransposition(Operation *user) {
  if (isElementwise(user) || isBroadcastOfSameRank(user) ||
      perChannelConstant(user) ||
      isa<MaxPool2DOp, AvgPool2DOp, QAvgPool2DOp, ConcatOp, SliceOp>(user))
    return true;
  // The first view of a channel shuffle (ShuffleChannelsLast).
  auto split = dyn_cast<ReshapeOp>(user);
  if (!split || !split->hasOneUse())
    return false;
  auto swap = dyn_cast<TransposeOp>(*split->getUsers().begin());
  return swap && swap->hasOneUse() &&
         swap.getPerm() == ArrayRef<int64_t>({0, 2, 1, 3, 4}) &&
         isa<ReshapeOp>(*swap->getUsers().begin());
}

/// How `op` takes transposed operands: the transpositions it reads (one per
/// operand, null where an operand is not transposed and will be transposed
/// to match), or failure when it cannot take them.
FailureOr<SmallVector<TransposeOp, 2>> transposedOperands(Operation *op) {
  // Max pooling and average pooling (of floats or codes) have a
  // channels-last form: they take data transposed back to NCHW as it is.
  if (isa<MaxPool2DOp, AvgPool2DOp, QAvgPool2DOp>(op)) {
    auto transpose = op->getOperand(0).getDefiningOp<TransposeOp>();
    bool channelsLast = false;
    if (auto pool = dyn_cast<MaxPool2DOp>(op))
      channelsLast = pool.getChannelsLast();
    else if (auto pool = dyn_cast<AvgPool2DOp>(op))
      channelsLast = pool.getChannelsLast();
    else
      channelsLast = cast<QAvgPool2DOp>(op).getChannelsLast();
    if (channelsLast || !transpose ||
        transpose.getPerm() != ArrayRef<int64_t>(kNhwcToNchw))
      return failure();
    return SmallVector<TransposeOp, 2>{transpose};
  }
  // A slice of a transposed activation slices it in its own layout (the
  // halves of a ShuffleNet unit, an Inception block's channel groups).
  if (isa<SliceOp, ConcatOp>(op) &&
      !llvm::all_of(op->getUsers(), readerTakesTransposition))
    return failure();
  if (auto slice = dyn_cast<SliceOp>(op)) {
    auto transpose = slice.getInput().getDefiningOp<TransposeOp>();
    if (!transpose)
      return failure();
    return SmallVector<TransposeOp, 2>{transpose};
  }
  // A concatenation of activations all transposed the same way joins them
  // in their own layout (channels-last branches of an Inception block or a
  // DenseNet layer concatenate along their last dimension).
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    SmallVector<TransposeOp, 2> transposes;
    for (Value operand : concat.getInputs()) {
      auto transpose = operand.getDefiningOp<TransposeOp>();
      if (!transpose || (!transposes.empty() &&
                         transposes.front().getPerm() != transpose.getPerm()))
        return failure();
      transposes.push_back(transpose);
    }
    if (transposes.empty())
      return failure();
    return transposes;
  }
  // A per-channel scale or shift of a transposed activation follows it,
  // its shape permuted along.
  if (arith::ConstantOp constant = perChannelConstant(op)) {
    Value activation =
        op->getOperand(op->getOperand(0) == constant.getResult() ? 1 : 0);
    auto transpose = activation.getDefiningOp<TransposeOp>();
    if (!transpose)
      return failure();
    SmallVector<TransposeOp, 2> transposes(2);
    transposes[activation == op->getOperand(0) ? 0 : 1] = transpose;
    return transposes;
  }
  // Besides elementwise ops, binary ops that broadcast operands of the
  // result's rank (a squeeze-and-excitation gate [N, C, 1, 1] times the
  // [N, C, H, W] activation): permuting every operand's dimensions alike
  // keeps the broadcast, and the gate's transposition moves no element.
  if (!isElementwise(op) && !isBroadcastOfSameRank(op))
    return failure();
  SmallVector<TransposeOp, 2> transposes;
  for (Value operand : op->getOperands())
    transposes.push_back(operand.getDefiningOp<TransposeOp>());
  if (transposes.size() == 1) {
    if (!transposes[0])
      return failure();
    return transposes;
  }
  TransposeOp lhs = transposes[0], rhs = transposes[1];
  if (lhs && rhs) {
    if (lhs.getPerm() != rhs.getPerm())
      return failure();
    return transposes;
  }
  // One operand back to NCHW, the other an NCHW activation: the sum is
  // computed in NHWC, transposing the other operand instead. Only in this
  // direction, so that the rewrite cannot undo itself.
  TransposeOp one = lhs ? lhs : rhs;
  Value other = op->getOperand(lhs ? 1 : 0);
  if (!one || one.getPerm() != ArrayRef<int64_t>(kNhwcToNchw) ||
      !isTransposableActivation(other))
    return failure();
  return transposes;
}

/// Whether every reader of `transpose` can take it moved below itself.
bool allReadersTakeIt(TransposeOp transpose) {
  return llvm::all_of(transpose->getUsers(), [](Operation *user) {
    return succeeded(transposedOperands(user));
  });
}

/// op(transpose(x)) -> transpose(op(x)) for the elementwise ops, max
/// pooling (which becomes channels-last) and concatenation.
struct SinkTranspose : public RewritePattern {
  SinkTranspose(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    FailureOr<SmallVector<TransposeOp, 2>> transposes = transposedOperands(op);
    if (failed(transposes))
      return rewriter.notifyMatchFailure(op, "does not take transpositions");
    ArrayRef<int64_t> perm;
    for (TransposeOp transpose : *transposes) {
      if (!transpose)
        continue;
      if (!allReadersTakeIt(transpose))
        return rewriter.notifyMatchFailure(op, "a transposition stays");
      perm = transpose.getPerm();
    }
    SmallVector<int64_t> back = inverse(perm);
    SmallVector<Value, 2> operands;
    for (auto [operand, transpose] :
         llvm::zip_equal(op->getOperands(), *transposes)) {
      if (transpose) {
        operands.push_back(transpose.getInput());
        continue;
      }
      OpBuilder::InsertionGuard guard(rewriter);
      if (arith::ConstantOp constant = perChannelConstant(op);
          constant && operand == constant.getResult()) {
        rewriter.setInsertionPoint(constant);
        operands.push_back(
            permutedConstant(rewriter, constant, perm.size(), back));
        continue;
      }
      rewriter.setInsertionPointAfterValue(operand);
      operands.push_back(
          TransposeOp::create(rewriter, operand.getLoc(), operand,
                              rewriter.getDenseI64ArrayAttr(back))
              .getResult());
    }
    Operation *moved = rewriter.clone(*op);
    moved->setOperands(operands);
    if (auto pool = dyn_cast<MaxPool2DOp>(moved))
      pool.setChannelsLast(true);
    if (auto pool = dyn_cast<QAvgPool2DOp>(moved))
      pool.setChannelsLast(true);
    if (auto pool = dyn_cast<AvgPool2DOp>(moved))
      pool.setChannelsLast(true);
    // The result's dimension `axis` is dimension perm[axis] of the operands'
    // own layout.
    if (auto concat = dyn_cast<ConcatOp>(moved)) {
      int64_t rank = perm.size(), axis = concat.getAxis();
      concat.setAxis(perm[axis < 0 ? axis + rank : axis]);
    }
    // Likewise a slice's bounds: its dimension j is the result's back[j].
    if (auto slice = dyn_cast<SliceOp>(moved)) {
      SmallVector<int64_t> starts, steps;
      for (int64_t j : back) {
        starts.push_back(slice.getStarts()[j]);
        steps.push_back(slice.getSteps()[j]);
      }
      slice.setStarts(starts);
      slice.setSteps(steps);
    }
    moved->getResult(0).setType(
        permuted(cast<RankedTensorType>(op->getResult(0).getType()), back));
    rewriter.replaceOpWithNewOp<TransposeOp>(
        op, moved->getResult(0), rewriter.getDenseI64ArrayAttr(perm));
    return success();
  }
};

/// transpose(op(x)) -> op(t) for a unary elementwise op when x is already
/// transposed the same way by t, which stays for another reader: one
/// transposition of x instead of two.
struct ShareTransposition : public OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    Operation *producer = transpose.getInput().getDefiningOp();
    if (!producer || producer->getNumOperands() != 1 ||
        !isElementwise(producer))
      return rewriter.notifyMatchFailure(transpose, "not after a unary op");
    TransposeOp shared;
    for (Operation *user : producer->getOperand(0).getUsers()) {
      auto other = dyn_cast<TransposeOp>(user);
      if (other && other != transpose &&
          other.getPerm() == transpose.getPerm() &&
          other->getBlock() == transpose->getBlock() &&
          other->isBeforeInBlock(transpose) && !allReadersTakeIt(other))
        shared = other;
    }
    if (!shared)
      return rewriter.notifyMatchFailure(transpose, "no shared transposition");
    Operation *moved = rewriter.clone(*producer);
    moved->setOperands(shared.getResult());
    moved->getResult(0).setType(transpose.getType());
    rewriter.replaceOp(transpose, moved->getResults());
    return success();
  }
};

/// A channel shuffle of a channels-last activation, as exporters write it
/// in NCHW (ShuffleNet: view as [N, g, C/g, H, W], swap the group axes,
/// view as [N, C, H, W]), shuffles it channels-last instead: view as
/// [N, H, W, g, C/g], swap the last two axes, view as [N, H, W, C], and
/// transpose back to NCHW after. Every element lands where it did.
struct ShuffleChannelsLast : public OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReshapeOp merge,
                                PatternRewriter &rewriter) const override {
    auto swap = merge.getInput().getDefiningOp<TransposeOp>();
    auto split = swap ? swap.getInput().getDefiningOp<ReshapeOp>() : nullptr;
    auto toNchw =
        split ? split.getInput().getDefiningOp<TransposeOp>() : nullptr;
    if (!toNchw || toNchw.getPerm() != ArrayRef<int64_t>(kNhwcToNchw) ||
        swap.getPerm() != ArrayRef<int64_t>({0, 2, 1, 3, 4}) ||
        !swap->hasOneUse() || !split->hasOneUse())
      return rewriter.notifyMatchFailure(merge, "not a channel shuffle");
    auto nchw = cast<RankedTensorType>(toNchw.getType());
    auto groups = cast<RankedTensorType>(split.getType());
    ArrayRef<int64_t> in = nchw.getShape(), g = groups.getShape();
    if (merge.getType() != nchw || g[0] != in[0] || g[3] != in[2] ||
        g[4] != in[3] || ShapedType::isDynamic(g[1]) ||
        ShapedType::isDynamic(g[2]))
      return rewriter.notifyMatchFailure(merge, "not a channel shuffle");
    Location loc = merge.getLoc();
    Type element = nchw.getElementType();
    Value nhwc = toNchw.getInput();
    auto nhwcType = cast<RankedTensorType>(nhwc.getType());
    ArrayRef<int64_t> s = nhwcType.getShape();
    Value grouped = ReshapeOp::create(
        rewriter, loc,
        RankedTensorType::get({s[0], s[1], s[2], g[1], g[2]}, element), nhwc);
    Value swapped = TransposeOp::create(
        rewriter, loc, grouped, rewriter.getDenseI64ArrayAttr({0, 1, 2, 4, 3}));
    Value shuffled = ReshapeOp::create(rewriter, loc, nhwcType, swapped);
    rewriter.replaceOpWithNewOp<TransposeOp>(
        merge, shuffled, rewriter.getDenseI64ArrayAttr(kNhwcToNchw));
    return success();
  }
};

struct ConvertLayoutsPass
    : public mlir::dfq::impl::ConvertLayoutsPassBase<ConvertLayoutsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation().walk([&](QConv2DOp conv) {
      if (conv.getChannelsLast())
        return;
      rewriter.setInsertionPoint(conv);
      Location loc = conv.getLoc();
      Value input =
          TransposeOp::create(rewriter, loc, conv.getInput(),
                              rewriter.getDenseI64ArrayAttr(kNchwToNhwc));
      auto nhwc = cast<QConv2DOp>(rewriter.clone(*conv));
      nhwc.getInputMutable().assign(input);
      nhwc.setChannelsLast(true);
      nhwc.getResult().setType(permuted(conv.getType(), kNchwToNhwc));
      rewriter.replaceOpWithNewOp<TransposeOp>(
          conv, nhwc.getResult(), rewriter.getDenseI64ArrayAttr(kNhwcToNchw));
    });
    RewritePatternSet patterns(&getContext());
    patterns.add<SinkTranspose, ShareTransposition, ShuffleChannelsLast>(
        &getContext());
    GreedyRewriteConfig config;
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    // Constants stay where they are: the pass moves activations only.
    config.enableConstantCSE(false);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      return signalPassFailure();
    // A value read by several channels-last layers is transposed once; the
    // first transposition precedes the others in the block.
    llvm::DenseMap<std::pair<Value, Attribute>, TransposeOp> first;
    getOperation().walk([&](TransposeOp transpose) {
      auto [it, inserted] = first.try_emplace(
          {transpose.getInput(), transpose.getPermAttr()}, transpose);
      if (!inserted && it->second->getBlock() == transpose->getBlock())
        rewriter.replaceOp(transpose, it->second.getResult());
    });
  }
};

} // namespace
