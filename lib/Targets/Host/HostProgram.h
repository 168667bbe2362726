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
// Quantized rank-4 activations live in NHWC, the layout the kernels reduce
// over; float tensors keep the IR's NCHW, so every float op has exactly the
// reference interpreter's semantics and only dfq.quantize/dfq.dequantize
// change layout.
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
  bool nhwc = false;
  /// The shape without the batch (constants: the whole shape, batch < 0).
  SmallVector<int64_t> sampleShape;
  bool hasBatch = true;
};

int64_t product(ArrayRef<int64_t> dims);
/// Whether NHWC and NCHW order the elements of a [C, H, W] sample
/// differently (they coincide for one channel or one pixel).
bool distinctLayouts(ArrayRef<int64_t> sampleShape);
/// A float as an exact C literal.
std::string floatLiteral(float value);
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
  /// Residual chains computed in kernels, and recorded ones left to the
  /// host (see fusibleResidualChain).
  int64_t fusedChains = 0, unfusedChains = 0;
  int64_t arenaBytesPerSample = 0;
  /// Of every arena buffer: the target's `alignment`, else the default.
  int64_t alignment = kDefaultArenaAlignment;
  std::vector<ArenaBuffer> buffers;

private:
  LogicalResult checkSignature();
  void collectLiveOps();
  void scheduleConversions();
  LogicalResult assignValue(Value value, size_t step);
  LogicalResult emitOp(Operation *op, size_t step);
  /// The ops that are neither fused elementwise loops nor kernels
  /// (HostOps.cpp).
  LogicalResult emitHostOp(Operation *op, size_t step);
  LogicalResult emitKernel(Operation *op, size_t step);
  FailureOr<LayerSpec> extractLayerSpec(Operation *op);
  /// The residual chain dfq-lower-to-kernels recorded for `op` (`fused`),
  /// when the library can compute it in the kernel: the backend has
  /// epilogues, its residual is already computed, in NHWC, and none of its
  /// ops has run yet.
  std::optional<ResidualChain> fusibleResidualChain(Operation *op);
  /// Sets up `spec.epilogue` and the values and buffers of `chain`, whose
  /// ops the kernel then computes (they are skipped when reached).
  LogicalResult fuseResidualChain(ResidualChain &chain, LayerSpec &spec,
                                  size_t step);
  /// Makes the code emitted since `start` (one program step) run on the
  /// first thread of a team, the others waiting at the barrier after it.
  void runOnFirstPart(size_t start);
  LogicalResult emitBinary(Operation *op, bool add);
  void ensureNchw(Value value, size_t step);
  LogicalResult emitDequantizedConstant(DequantizeOp op, QConstantOp weight);
  bool isFusible(Operation *op, bool elementwise);
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
  } group;
  /// Ops computed by a kernel's residual epilogue.
  llvm::DenseSet<Operation *> absorbed;
  int constantCount = 0;
};

} // namespace mlir::dfq::host

#endif // DFQ_LIB_TARGETS_HOST_HOSTPROGRAM_H
