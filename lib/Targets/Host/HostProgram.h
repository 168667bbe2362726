//===- HostProgram.h - the host compiler's state (internal) ------*- C++
//-*-===//
//
// One model library being compiled: the ops in the order they run, where
// each value lives (a graph input, a constant, or a slice of the activation
// arena) and in which layout, the arena plan, and the C text generated so
// far. HostProgram.cpp builds the program step by step, HostOps.cpp prints
// the ops that are not kernels, ModelSource.cpp prints model.h and model.c,
// ModelLibrary.cpp runs the toolchain.
//
// Every tensor is stored in the order of its type's dimensions: layouts are
// decided in the IR (dfq-convert-layouts), and a layout change is a
// dfq.transpose, printed as a copy fused with the op next to it where one
// loop can do both (see fusedTransposeProducer and fusedTransposeReader).
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_LIB_TARGETS_HOST_HOSTPROGRAM_H
#define DFQ_LIB_TARGETS_HOST_HOSTPROGRAM_H

#include "dfq/Conversion/ResidualChain.h"
#include "dfq/Dialect/DfqOps.h"
#include "dfq/Targets/LibraryBackend.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::dfq::host {

/// Every arena buffer starts at a multiple of this many bytes, unless the
/// module's target description asks for another alignment.
constexpr int64_t kDefaultArenaAlignment = 64;

/// A buffer of the arena, live from the step that defines it to the last
/// step that reads it (or the end, for outputs).
struct ArenaBuffer {
  int64_t bytesPerSample = 0;
  int64_t offset = -1;
  size_t first = 0, last = 0;
};

/// Where a value is and how it is laid out.
struct ValueInfo {
  /// A C expression for its address, with `n` the batch.
  std::string address;
  /// Index into `buffers`, or -1 (graph input, constant).
  int buffer = -1;
  bool quantized = false;
  /// Quantized with signed storage (int8_t elements, else uint8_t).
  bool isSigned = false;
  /// The shape without the batch (constants: the whole shape, batch < 0).
  SmallVector<int64_t> sampleShape;
  bool hasBatch = true;
  /// A value stored inside a concatenation's buffer (see Placement): rows of
  /// `rowElements` contiguous elements, `rowStride` elements apart. Zero for
  /// a dense value.
  int64_t rowElements = 0, rowStride = 0;
  bool strided() const { return rowStride != 0; }
};

/// A value computed directly into the buffer of a concatenation that reads
/// it (HostProgram::planConcatenations), so that the concatenation copies
/// nothing: the value's rows (its elements between two elements of the
/// concatenation's outer dimensions) lie `offset` elements into each of the
/// concatenation's rows of `rowStride` elements.
struct Placement {
  Value home;
  int64_t offset = 0, rowElements = 0, rowStride = 0;
};

int64_t product(ArrayRef<int64_t> dims);
/// Whether transposing a tensor of `shape` by `perm` moves its elements in
/// memory (it does not when it only moves dimensions of size 1).
bool movesElements(ArrayRef<int64_t> shape, ArrayRef<int64_t> perm);
/// The rank-4 permutations to and from channels-last.
bool isToNhwc(ArrayRef<int64_t> perm);
bool isToNchw(ArrayRef<int64_t> perm);
/// The `geometry` array of the runtime's pooling calls, as a C initializer.
std::string poolGeometry(ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations);
/// The C expression of a float elementwise op of one operand (ReLU, clip,
/// sigmoid, tanh, hard sigmoid, hard swish) applied to the expression `x`,
/// or an empty string for other ops.
std::string unaryExpression(Operation *op, const std::string &x);
/// The C operator of a float dfq.add, mul, sub or div, or nullptr.
const char *binaryOperator(Operation *op);
/// The C expression of a float elementwise op of two operands (add, mul,
/// sub, div, max, min, prelu) on `a` and `b`, or "" for any other op.
std::string binaryExpression(Operation *op, const std::string &a,
                             const std::string &b);
/// Whether `op` is one of those.
inline bool isBinaryElementwise(Operation *op) {
  return !binaryExpression(op, "a", "b").empty();
}
/// A string as a C string literal.
std::string stringLiteral(StringRef text);
/// A clip's f64 bounds rounded to f32 once, as the interpreter's clamp of
/// an f32 tensor rounds them.
std::pair<float, float> clipBoundsF32(ClipOp clip);
/// ", lo, hi" of a clip, for the runtime's clip calls.
std::string clipBounds(ClipOp clip);
/// The per-tensor quantization of an activation stored in at most 8 bits
/// (one value per byte), or null.
quant::UniformQuantizedType perTensorActivation(Type type);

/// How a fused loop whose elements run as rows of `cols` contiguous
/// elements reads an operand that broadcasts to its result: at `offset` (a C
/// expression of the row index `row`), plus the element's place in the row
/// when `advances`.
struct BroadcastRowAccess {
  std::string offset;
  bool advances = false;
};
/// The row lengths (elements per row, rows never crossing samples) at which
/// a loop over a result of `resultSample` (its shape without the batch) can
/// read an operand of `operandShape` (without the batch when
/// `operandHasBatch`, else its whole shape, broadcast along the batch) as a
/// BroadcastRowAccess; empty when the operand does not broadcast to it.
SmallVector<int64_t> broadcastRowLengths(ArrayRef<int64_t> resultSample,
                                         ArrayRef<int64_t> operandShape,
                                         bool operandHasBatch);
/// The access for rows of `cols` elements, one of broadcastRowLengths.
std::optional<BroadcastRowAccess>
broadcastRowAccess(ArrayRef<int64_t> resultSample,
                   ArrayRef<int64_t> operandShape, bool operandHasBatch,
                   int64_t cols);

class HostProgram {
public:
  HostProgram(func::FuncOp function, LibraryBackend &backend)
      : function(function), backend(backend),
        targetName(backend.getTargetName()) {}

  /// Visits the ops and plans the arena; afterwards header() and source()
  /// print the library's C code.
  LogicalResult build();
  std::string header(StringRef fingerprint);
  std::string source();

  func::FuncOp function;
  LibraryBackend &backend;
  std::string targetName;
  int64_t kernelCount = 0;
  /// Residual chains computed in kernels (as dfq-lower-to-kernels recorded).
  int64_t fusedChains = 0;
  int64_t arenaBytesPerSample = 0;
  /// Of every arena buffer: the target's `alignment`, else the default.
  int64_t alignment = kDefaultArenaAlignment;
  std::vector<ArenaBuffer> buffers;
  /// The program's steps in order (dfq_model_step_name/_kind): each ends at
  /// a dfq_rt_step_end(team, index); the last one copies the outputs.
  struct Step {
    std::string name, kind;
  };
  std::vector<Step> steps;

private:
  LogicalResult checkSignature();
  void collectLiveOps();
  /// Finds the residual chain of every kernel that dfq-lower-to-kernels
  /// recorded as `fused`: the kernel computes it, as decided there.
  LogicalResult collectResidualChains();
  void scheduleConversions();
  /// Decides which values are computed into the buffer of a concatenation
  /// that reads them, and which concatenations are views of a later one
  /// (ConcatPlacement.cpp).
  void planConcatenations();
  /// Whether every reader of `value` reads it where it is, as rows of a
  /// fused loop or as a concatenation's part, so that it may be strided.
  bool readersTakeStrided(Value value);
  /// The arena buffer of a concatenation whose inputs are placed in it,
  /// created on first use at `step`.
  int homeBuffer(Value home, size_t step);
  /// Gives the reader at `step` a dense copy of a strided value.
  LogicalResult densify(Value value, size_t step);
  /// After a producer that wrote a placed value densely: copies it into
  /// its place.
  void copyIntoPlace(Value value, size_t step);
  /// `fused`: the op computing `value` is a member of a fused loop, which
  /// can write it where it is placed.
  LogicalResult assignValue(Value value, size_t step, bool fused = false);
  LogicalResult emitOp(Operation *op, size_t step);
  /// The ops that are neither fused elementwise loops nor kernels
  /// (HostOps.cpp).
  LogicalResult emitHostOp(Operation *op, size_t step);
  LogicalResult emitKernel(Operation *op, size_t step);
  FailureOr<LayerSpec> extractLayerSpec(Operation *op);
  /// Sets up `spec.epilogue` and the values and buffers of `chain`, whose
  /// ops the kernel then computes (they are skipped when reached).
  LogicalResult fuseResidualChain(ResidualChain &chain, LayerSpec &spec,
                                  size_t step);
  /// Makes the code emitted since `start` (one program step, computing `op`)
  /// run on the first thread of a team, the others waiting at the barrier
  /// after it.
  void runOnFirstPart(size_t start, Operation *op);
  /// Ends the step emitted last: it computes `name` and is of `kind`.
  void endStep(std::string name, StringRef kind);
  /// dfq_rt_binary for a broadcasting dfq.add, mul, sub or div.
  LogicalResult emitBinary(Operation *op);
  LogicalResult emitTranspose(TransposeOp transpose, size_t step);
  /// One call of a runtime pooling `function` (with its layout and storage
  /// suffixes) on `pool`'s operand and result.
  LogicalResult emitPool(Operation *pool, StringRef function, bool channelsLast,
                         std::string geometry, std::string requant);
  LogicalResult emitMaxPool(MaxPool2DOp pool);
  LogicalResult emitQAvgPool(QAvgPool2DOp pool);
  LogicalResult emitQuantize(QuantizeOp quantize, Value result, bool toNhwc);
  LogicalResult emitDequantize(DequantizeOp dequantize, Value result,
                               bool fromNchw);
  /// The quantization to channels-last or the dequantization from it that
  /// `transpose` is printed with: the transposition's operand, when it is
  /// that op's only reader.
  Operation *fusedTransposeProducer(TransposeOp transpose);
  /// The global average pooling that reads `transpose` (back to NCHW) as its
  /// only reader, and reads the channels-last data itself.
  Operation *fusedTransposeReader(TransposeOp transpose);
  /// Extends the life of `value`'s arena buffer to `step`.
  void readAt(Value value, size_t step);
  LogicalResult emitDequantizedConstant(DequantizeOp op, QConstantOp weight);
  /// `binaryFusible`: a binary op's operands are whole activations or
  /// broadcast ones that a fused loop reads (see broadcastRowLengths).
  bool isFusible(Operation *op, bool binaryFusible);
  /// The row lengths at which a fused loop can read a binary op's operands
  /// (empty: some operand cannot be read there), or nullopt when every
  /// operand is a whole activation.
  std::optional<SmallVector<int64_t>> fusedRowLengths(Operation *op);
  void flushGroup();
  FailureOr<std::string> constantAddress(Value value);
  LogicalResult emitOutputs();
  void planArena();
  int64_t alignUp(int64_t bytes) const {
    return (bytes + alignment - 1) / alignment * alignment;
  }

  std::string floatPtr(Value value) {
    return "((float *)" + values[value].address + ")";
  }
  /// The address of a quantized activation, typed by its storage.
  std::string bytePtr(Value value) {
    return std::string(values[value].isSigned ? "((int8_t *)"
                                              : "((uint8_t *)") +
           values[value].address + ")";
  }
  /// The element count of a whole activation, as a C expression.
  std::string count(Value value) {
    return "n * " + std::to_string(product(values[value].sampleShape));
  }

  /// The batch of the arguments: dynamic, or a static size.
  int64_t batch = ShapedType::kDynamic;
  SmallVector<Operation *> liveOps;
  llvm::DenseSet<Operation *> liveSet;
  llvm::DenseMap<Value, ValueInfo> values;
  std::string constantsCode, prototypes, body, outputsCode;
  /// Consecutive elementwise ops over the same number of elements, not yet
  /// emitted: they become one loop (flushGroup).
  struct {
    SmallVector<Operation *> ops;
    int64_t elements = 0;
    size_t firstStep = 0, lastStep = 0;
    /// With an op that reads a broadcast operand: the loop runs over rows,
    /// and these are the row lengths every such op can read its operands at.
    bool rowsConstrained = false;
    SmallVector<int64_t> rowLengths;
  } group;
  /// The recorded residual chain of each kernel that has one.
  llvm::DenseMap<Operation *, ResidualChain> chains;
  /// Ops computed by a kernel's residual epilogue, and the kernel.
  llvm::DenseMap<Operation *, Operation *> absorbed;
  /// Ops printed together with another op (a transposition with the
  /// (de)quantization or pooling next to it): skipped when reached.
  llvm::DenseSet<Operation *> printedElsewhere;
  int constantCount = 0;
  /// Lookup tables of fused loops over 8-bit codes (flushGroup): their
  /// declarations, and the statements that fill them when the library is
  /// loaded (`c` the code, `q` its index).
  std::string tablesCode, tablesInit;
  int tableCount = 0;
  /// Values computed into a concatenation's buffer, and the buffer of each
  /// concatenation that holds some.
  llvm::DenseMap<Value, Placement> placements;
  llvm::DenseSet<Value> homes;
  llvm::DenseMap<Value, int> homeBuffers;
  /// Dequantized constants stored as their codes (NAME, NAME_zero_points,
  /// NAME_scales), read only as float gemm weights.
  llvm::DenseSet<Value> gemmWeightCodes;
};

} // namespace mlir::dfq::host

#endif // DFQ_LIB_TARGETS_HOST_HOSTPROGRAM_H
