//===- ConcatPlacement.cpp - concatenations without copies ----------------===//
//
// A concatenation joins its inputs along one axis: in memory, each of its
// rows (its elements between two steps of the dimensions before the axis)
// is the inputs' rows one after the other. An input whose readers can read
// it as rows placed `rowStride` elements apart -- fused loops and the
// concatenation itself -- is computed directly into the concatenation's
// buffer, which then copies nothing. A concatenation of a run of another's
// inputs, all placed there, is a view of that one's buffer: DenseNet's
// layer k concatenates the block input and the outputs of layers 1..k, so
// every concatenation of a dense block is a view of the block's last, and
// each layer's output is written once instead of once per later layer
// (the "memory-efficient" DenseNet of Pleiss et al., 2017).
//
// The plan is made before the program is emitted, from the IR. Where the
// emission then finds a producer that is not a fused loop it writes the
// value densely and copies it into place (copyIntoPlace), and a reader that
// is not one gets a dense copy (densify), so the plan is never wrong, only
// at worst no faster.
//
//===----------------------------------------------------------------------===//

#include "HostProgram.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace mlir::dfq;
using namespace mlir::dfq::host;

namespace {
/// A concatenation's rows: each sample holds `rows` of them, `total`
/// elements long, the inputs' parts at `offsets`, `parts` elements long.
struct ConcatRows {
  int64_t rows = 0, total = 0;
  SmallVector<int64_t> offsets, parts;
};
} // namespace

static std::optional<ConcatRows> concatRows(ConcatOp concat, int64_t batch) {
  auto type = cast<RankedTensorType>(concat.getType());
  int64_t rank = type.getRank(), axis = concat.getAxis();
  if (axis < 0)
    axis += rank;
  if (axis <= 0 || axis >= rank || !type.getElementType().isF32() ||
      type.getDimSize(0) != batch)
    return std::nullopt;
  ArrayRef<int64_t> shape = type.getShape();
  ConcatRows rows;
  rows.rows = product(shape.slice(1, axis - 1));
  int64_t inner = product(shape.drop_front(axis + 1));
  rows.total = shape[axis] * inner;
  int64_t offset = 0;
  for (Value input : concat.getInputs()) {
    auto inputType = cast<RankedTensorType>(input.getType());
    if (inputType.getRank() != rank || inputType.getDimSize(0) != batch)
      return std::nullopt;
    rows.offsets.push_back(offset);
    rows.parts.push_back(inputType.getDimSize(axis) * inner);
    offset += rows.parts.back();
  }
  return rows;
}

bool HostProgram::readersTakeStrided(Value value) {
  Operation *def = value.getDefiningOp();
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!def || !liveSet.contains(def) || absorbed.count(def) ||
      isa<ReshapeOp, FlattenOp, TransposeOp>(def) ||
      def->hasTrait<OpTrait::ConstantLike>() || !type ||
      !type.getElementType().isF32() || type.getRank() < 2 ||
      type.getDimSize(0) != batch)
    return false;
  for (Operation *user : value.getUsers()) {
    if (isa<func::ReturnOp>(user))
      return false;
    if (!liveSet.contains(user))
      continue;
    if (absorbed.count(user))
      return false;
    if (isa<ConcatOp>(user))
      continue;
    // Ops that join fused loops, reading the value whole; a quantization
    // printed with a transposition reads it in the runtime instead.
    bool whole = user->getResult(0).getType() == value.getType();
    if (auto quantize = dyn_cast<QuantizeOp>(user)) {
      bool transposed = llvm::any_of(quantize->getUsers(), [&](Operation *t) {
        auto transpose = dyn_cast<TransposeOp>(t);
        return transpose && fusedTransposeProducer(transpose) == quantize;
      });
      if (transposed || !perTensorActivation(quantize.getType()) ||
          cast<RankedTensorType>(quantize.getType()).getShape() !=
              type.getShape())
        return false;
      continue;
    }
    if ((!unaryExpression(user, "x").empty() || isBinaryElementwise(user)) &&
        whole)
      continue;
    return false;
  }
  return true;
}

void HostProgram::planConcatenations() {
  for (auto [index, op] : llvm::enumerate(llvm::reverse(liveOps))) {
    auto concat = dyn_cast<ConcatOp>(op);
    std::optional<ConcatRows> rows =
        concat ? concatRows(concat, batch) : std::nullopt;
    if (!rows)
      continue;
    // The buffer the inputs go to: this concatenation's, or, where this one
    // is itself placed in a later one (DenseNet's nested torch.cat), that
    // one's, the inputs' rows then lying inside this one's rows there.
    Value home = concat.getResult();
    int64_t base = 0, stride = rows->total;
    if (auto place = placements.find(home); place != placements.end()) {
      if (place->second.rowElements != rows->total)
        continue;
      home = place->second.home;
      base = place->second.offset;
      stride = place->second.rowStride;
    }
    for (auto [k, input] : llvm::enumerate(concat.getInputs())) {
      bool repeated =
          llvm::is_contained(concat.getInputs().take_front(k), input);
      if (repeated || placements.count(input) || !readersTakeStrided(input))
        continue;
      // A concatenation read here lies in it only if its rows are this
      // one's (it may join along another axis).
      if (auto inner = input.getDefiningOp<ConcatOp>()) {
        std::optional<ConcatRows> innerRows = concatRows(inner, batch);
        if (!innerRows || innerRows->rows != rows->rows ||
            innerRows->total != rows->parts[k])
          continue;
      }
      placements[input] = {home, base + rows->offsets[k], rows->parts[k],
                           stride};
      homes.insert(home);
    }
    // Earlier concatenations along the same rows of a run of inputs all
    // placed in this buffer, one after the other, are views of it.
    for (Operation *before : ArrayRef<Operation *>(liveOps).take_front(
             liveOps.size() - 1 - index)) {
      auto other = dyn_cast<ConcatOp>(before);
      if (!other || placements.count(other.getResult()) ||
          !readersTakeStrided(other.getResult()))
        continue;
      std::optional<ConcatRows> otherRows = concatRows(other, batch);
      OperandRange inputs = other.getInputs();
      if (!otherRows || otherRows->rows != rows->rows || inputs.empty())
        continue;
      auto first = placements.find(inputs.front());
      if (first == placements.end() || first->second.home != home)
        continue;
      bool run = true;
      for (auto [k, input] : llvm::enumerate(inputs)) {
        auto it = placements.find(input);
        run =
            run && it != placements.end() && it->second.home == home &&
            it->second.rowStride == stride &&
            it->second.offset == first->second.offset + otherRows->offsets[k] &&
            it->second.rowElements == otherRows->parts[k];
      }
      if (run)
        placements[other.getResult()] = {home, first->second.offset,
                                         otherRows->total, stride};
    }
  }
}

int HostProgram::homeBuffer(Value home, size_t step) {
  auto [it, inserted] = homeBuffers.try_emplace(home, int(buffers.size()));
  if (inserted) {
    ArenaBuffer buffer;
    auto type = cast<RankedTensorType>(home.getType());
    buffer.bytesPerSample = alignUp(product(type.getShape().drop_front()) * 4);
    buffer.first = buffer.last = step;
    buffers.push_back(buffer);
  }
  ArenaBuffer &buffer = buffers[it->second];
  buffer.first = std::min(buffer.first, step);
  buffer.last = std::max(buffer.last, step);
  return it->second;
}

LogicalResult HostProgram::densify(Value value, size_t step) {
  ValueInfo strided = values[value];
  ValueInfo dense = strided;
  dense.rowElements = dense.rowStride = 0;
  ArenaBuffer buffer;
  buffer.bytesPerSample = alignUp(product(strided.sampleShape) * 4);
  buffer.first = buffer.last = step;
  dense.buffer = buffers.size();
  buffers.push_back(buffer);
  dense.address = "@ARENA" + std::to_string(dense.buffer) + "@";
  readAt(value, step);
  int64_t rows = product(strided.sampleShape) / strided.rowElements;
  body += "  dfq_rt_copy_rows(" + strided.address + ", " +
          std::to_string(strided.rowStride * 4) + ", " + dense.address + ", " +
          std::to_string(strided.rowElements * 4) + ", n * " +
          std::to_string(rows) + ", " +
          std::to_string(strided.rowElements * 4) + ");\n";
  values[value] = dense;
  return success();
}

void HostProgram::copyIntoPlace(Value value, size_t step) {
  const Placement &place = placements.lookup(value);
  const ValueInfo &dense = values[value];
  int home = homeBuffer(place.home, step);
  int64_t rows = product(dense.sampleShape) / place.rowElements;
  body += "  dfq_rt_copy_rows(" + dense.address + ", " +
          std::to_string(place.rowElements * 4) + ", (@ARENA" +
          std::to_string(home) + "@ + " + std::to_string(place.offset * 4) +
          "), " + std::to_string(place.rowStride * 4) + ", n * " +
          std::to_string(rows) + ", " + std::to_string(place.rowElements * 4) +
          ");\n";
}
