//===- ModelLibrary.cpp - a quantized model as an x86 shared library ------===//
//
// The host side of the x86 target. Values get a storage class (a graph
// input, a constant, or a slice of the activation arena), the arena is
// planned once for all batch sizes (every activation scales with the batch,
// so offsets planned per sample and multiplied by the batch never overlap),
// and the ops become a straight line of calls: generated kernels for
// quantized layers, dfq_x86_runtime.c for the rest.
//
// Quantized rank-4 activations live in NHWC, the layout the kernels reduce
// over; float tensors keep the IR's NCHW, so every float op has exactly the
// reference interpreter's semantics and only dfq.quantize/dfq.dequantize
// change layout.
//
//===----------------------------------------------------------------------===//

#include "dfq/Targets/X86/ModelLibrary.h"

#include "dfq/Conversion/ResidualChain.h"
#include "dfq/Dialect/DfqOps.h"
#include "dfq/Support/ModelFingerprint.h"
#include "dfq/Targets/X86/LayerKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <tuple>

using namespace mlir;
using namespace mlir::dfq;

namespace {

#include "RuntimeSources.inc"

constexpr int64_t kAlignment = 64;

int64_t alignUp(int64_t bytes) {
  return (bytes + kAlignment - 1) / kAlignment * kAlignment;
}

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
  bool nhwc = false;
  /// The shape without the batch (constants: the whole shape, batch < 0).
  SmallVector<int64_t> sampleShape;
  bool hasBatch = true;
};

/// Whether NHWC and NCHW order the elements of a [C, H, W] sample
/// differently (they coincide for one channel or one pixel).
bool distinctLayouts(ArrayRef<int64_t> sampleShape) {
  return sampleShape.size() == 3 && sampleShape[0] > 1 &&
         sampleShape[1] * sampleShape[2] > 1;
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

/// A float as an exact C literal.
std::string floatLiteral(float value) {
  if (std::isnan(value))
    return "NAN";
  if (std::isinf(value))
    return value > 0 ? "INFINITY" : "-INFINITY";
  char text[64];
  std::snprintf(text, sizeof text, "%af", static_cast<double>(value));
  return text;
}

/// A clip's f64 bounds rounded to f32 once, as the interpreter's clamp of
/// an f32 tensor rounds them.
std::pair<float, float> clipBoundsF32(ClipOp clip) {
  return {static_cast<float>(clip.getMin().convertToDouble()),
          static_cast<float>(clip.getMax().convertToDouble())};
}

/// ", lo, hi" of a clip, for the runtime's clip calls.
std::string clipBounds(ClipOp clip) {
  auto [lo, hi] = clipBoundsF32(clip);
  return ", " + floatLiteral(lo) + ", " + floatLiteral(hi);
}

/// A string as a C string literal.
std::string stringLiteral(StringRef text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) < 0x20)
      continue;
    out += c;
  }
  return out + "\"";
}

quant::UniformQuantizedType perTensorActivation(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return nullptr;
  auto element = dyn_cast<quant::UniformQuantizedType>(tensor.getElementType());
  return element && !element.isSigned() &&
                 element.getStorageTypeIntegralWidth() <= 8
             ? element
             : nullptr;
}

class LibraryBuilder {
public:
  LibraryBuilder(func::FuncOp function, const x86::ModelLibraryOptions &options)
      : function(function), options(options) {}

  LogicalResult build(x86::ModelLibrarySummary *summary);

private:
  LogicalResult checkSignature();
  LogicalResult collectLiveOps();
  /// The ops that are neither fused elementwise loops nor kernels.
  LogicalResult emitHostOp(Operation *op, size_t step);
  /// Makes the code emitted since `start` (one program step) run on the
  /// first thread of a team, the others waiting at the barrier after it.
  void runOnFirstPart(size_t start);
  void scheduleConversions();
  LogicalResult assignValue(Value value, size_t step);
  LogicalResult emitOp(Operation *op, size_t step);
  LogicalResult emitKernel(Operation *op, size_t step);
  /// The residual chain dfq-lower-to-kernels recorded for `op` (`fused`),
  /// when the library can compute it in the kernel: its residual is
  /// already computed, in NHWC, and none of its ops has run yet.
  std::optional<ResidualChain> fusibleResidualChain(Operation *op,
                                                    DictionaryAttr kernel);
  /// Sets up `spec.epilogue` and the values and buffers of `chain`, whose
  /// ops the kernel then computes (they are skipped when reached).
  LogicalResult fuseResidualChain(ResidualChain &chain,
                                  x86::LayerKernelSpec &spec, size_t step);
  LogicalResult emitBinary(Operation *op, bool add);
  void ensureNchw(Value value, size_t step);
  LogicalResult emitDequantizedConstant(DequantizeOp op, QConstantOp weight);
  bool isFusible(Operation *op, bool elementwise);
  void flushGroup();
  FailureOr<std::string> constantAddress(Value value);
  void planArena();
  std::string header();
  std::string source();
  LogicalResult compileAndLink(StringRef buildDir);
  LogicalResult writeFile(StringRef path, StringRef contents);

  const ValueInfo &info(Value value) { return values[value]; }
  std::string floatPtr(Value value) {
    return "((float *)" + values[value].address + ")";
  }
  std::string bytePtr(Value value) {
    return "((uint8_t *)" + values[value].address + ")";
  }
  /// The element count of a whole activation, as a C expression.
  std::string count(Value value) {
    return "n * " + std::to_string(product(values[value].sampleShape));
  }

  func::FuncOp function;
  const x86::ModelLibraryOptions &options;
  x86::Isa targetIsa = x86::Isa::Avx512Vnni;
  /// Of options.modelText and the target (ModelFingerprint.h).
  std::string fingerprint;
  /// The batch of the arguments: dynamic, or a static size.
  int64_t batch = ShapedType::kDynamic;
  SmallVector<Operation *> liveOps;
  llvm::DenseMap<Value, ValueInfo> values;
  std::vector<ArenaBuffer> buffers;
  /// Kernels to compile: op and object file name.
  SmallVector<std::pair<Operation *, std::string>> kernels;
  /// The pipelines of `kernels`, built while the ops are visited.
  std::vector<std::unique_ptr<x86::LayerKernel>> pipelines;
  std::string constantsCode, prototypes, body, outputsCode;
  /// Consecutive elementwise ops over the same number of elements, not yet
  /// emitted: they become one loop (flushGroup).
  struct {
    SmallVector<Operation *> ops;
    int64_t elements = 0;
    size_t firstStep = 0, lastStep = 0;
  } group;
  llvm::DenseSet<Operation *> liveSet;
  /// Ops computed by a kernel's residual epilogue.
  llvm::DenseSet<Operation *> absorbed;
  /// Residual chains computed in kernels, and recorded ones left to the
  /// host (see fusibleResidualChain).
  int64_t fusedChains = 0, unfusedChains = 0;
  int64_t arenaBytesPerSample = 0;
  int constantCount = 0;
};

LogicalResult LibraryBuilder::checkSignature() {
  auto perSample = [&](Location loc, Type type,
                       StringRef what) -> LogicalResult {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.getElementType().isF32() || tensor.getRank() < 1)
      return emitError(loc) << what
                            << " must be a ranked f32 tensor with a leading "
                               "batch dimension, got "
                            << type;
    if (tensor.getNumDynamicDims() > (tensor.isDynamicDim(0) ? 1 : 0))
      return emitError(loc)
             << what << " " << type << " is dynamic beyond its batch dimension";
    return success();
  };
  for (BlockArgument arg : function.getArguments()) {
    if (failed(perSample(function.getLoc(), arg.getType(),
                         "input " + std::to_string(arg.getArgNumber()))))
      return failure();
    int64_t leading = cast<RankedTensorType>(arg.getType()).getDimSize(0);
    if (arg.getArgNumber() == 0)
      batch = leading;
    else if (leading != batch)
      return emitError(function.getLoc())
             << "the inputs disagree on the batch dimension";
  }
  if (function.getNumArguments() == 0)
    return emitError(function.getLoc()) << "the model takes no inputs";
  for (auto [i, type] : llvm::enumerate(function.getResultTypes()))
    if (failed(
            perSample(function.getLoc(), type, "output " + std::to_string(i))))
      return failure();
  return success();
}

/// The ops whose results reach an output, in program order; constants are
/// materialized where they are used.
LogicalResult LibraryBuilder::collectLiveOps() {
  Block &block = function.getBody().front();
  llvm::DenseSet<Operation *> live;
  auto *terminator = block.getTerminator();
  live.insert(terminator);
  for (Operation &op : llvm::reverse(block)) {
    if (!live.contains(&op))
      continue;
    for (Value operand : op.getOperands())
      if (Operation *def = operand.getDefiningOp())
        live.insert(def);
  }
  for (Operation &op : block)
    if (live.contains(&op) && &op != terminator &&
        !isa<arith::ConstantOp, QConstantOp>(op))
      liveOps.push_back(&op);
  scheduleConversions();
  return success();
}

/// Moves quantizations of activations up to their operand and
/// dequantizations down to their first user, so that they join the fused
/// loop next to them instead of making loops of their own. In a residual
/// network the float stream is quantized once per consumer (the block's
/// first conv and the projection shortcut, which the IR orders after the
/// block's other branch), and a block input is dequantized for the add
/// that comes two convolutions later; moved, each is computed in the loop
/// that already reads or writes the same elements, and a dequantized value
/// used only there is never stored. Both moves keep every operand before
/// its user: a quantization still follows its operand, a dequantization
/// still precedes its users.
void LibraryBuilder::scheduleConversions() {
  auto position = [&](Operation *op) {
    return llvm::find(liveOps, op) - liveOps.begin();
  };
  for (Operation *op : SmallVector<Operation *>(liveOps)) {
    auto quantize = dyn_cast<QuantizeOp>(op);
    Operation *def = quantize ? quantize.getInput().getDefiningOp() : nullptr;
    if (!def || !llvm::is_contained(liveOps, def))
      continue;
    liveOps.erase(liveOps.begin() + position(op));
    liveOps.insert(liveOps.begin() + position(def) + 1, op);
  }
  for (Operation *op : SmallVector<Operation *>(liveOps)) {
    auto dequantize = dyn_cast<DequantizeOp>(op);
    if (!dequantize || dequantize.getInput().getDefiningOp<QConstantOp>())
      continue;
    int64_t first = int64_t(liveOps.size());
    for (Operation *user : dequantize->getUsers())
      if (llvm::is_contained(liveOps, user))
        first = std::min<int64_t>(first, position(user));
    int64_t from = position(op);
    if (first == int64_t(liveOps.size()) || first <= from + 1)
      continue;
    liveOps.erase(liveOps.begin() + from);
    liveOps.insert(liveOps.begin() + first - 1, op);
  }
}

/// Gives a fresh op result its arena buffer (or, for reshapes, its
/// operand's storage).
LogicalResult LibraryBuilder::assignValue(Value value, size_t step) {
  auto type = cast<RankedTensorType>(value.getType());
  Operation *op = value.getDefiningOp();
  if (type.getNumDynamicDims() > (type.isDynamicDim(0) ? 1 : 0) ||
      type.getDimSize(0) != batch)
    return op->emitError()
           << "the x86 target needs every activation to keep the batch as "
              "its leading dimension and static other dimensions; got "
           << type;
  ValueInfo v;
  v.sampleShape.assign(type.getShape().begin() + 1, type.getShape().end());
  v.quantized = isa<quant::QuantizedType>(type.getElementType());
  // Rank-4 results of quantized layers and quantizations are NHWC; ops that
  // only look at elements keep their operand's layout (set in emitOp).
  v.nhwc = v.quantized && distinctLayouts(v.sampleShape);
  if (isa<FlattenOp, ReshapeOp>(op)) {
    const ValueInfo &source = values[op->getOperand(0)];
    v.address = source.address;
    v.buffer = source.buffer;
    values[value] = v;
    return success();
  }
  int64_t elementBytes = v.quantized ? 1 : 4;
  ArenaBuffer buffer;
  buffer.bytesPerSample = alignUp(product(v.sampleShape) * elementBytes);
  buffer.first = buffer.last = step;
  v.buffer = buffers.size();
  buffers.push_back(buffer);
  v.address = "@ARENA" + std::to_string(v.buffer) + "@";
  values[value] = v;
  return success();
}

FailureOr<std::string> LibraryBuilder::constantAddress(Value value) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  auto type = constant ? dyn_cast<RankedTensorType>(constant.getType())
                       : RankedTensorType();
  if (!type || !type.getElementType().isF32())
    return emitError(value.getLoc())
           << "the x86 target reads only f32 constants in float ops";
  SmallVector<float> data;
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue())) {
    for (float f : dense.getValues<float>())
      data.push_back(f);
  } else if (auto resource =
                 dyn_cast<DenseF32ResourceElementsAttr>(constant.getValue())) {
    std::optional<ArrayRef<float>> blob = resource.tryGetAsArrayRef();
    if (!blob)
      return emitError(value.getLoc()) << "constant data is elided";
    data.assign(blob->begin(), blob->end());
  } else {
    return emitError(value.getLoc()) << "unsupported constant storage";
  }
  std::string name = "dfq_constant_" + std::to_string(constantCount++);
  constantsCode += "static const float " + name + "[] = {";
  for (auto [i, f] : llvm::enumerate(data))
    constantsCode += (i % 8 ? " " : "\n  ") + floatLiteral(f) + ",";
  constantsCode += "\n};\n";
  ValueInfo v;
  v.address = name;
  v.hasBatch = false;
  v.sampleShape.assign(type.getShape().begin(), type.getShape().end());
  values[value] = v;
  return name;
}

LogicalResult LibraryBuilder::emitKernel(Operation *op, size_t step) {
  auto kernelAttr = op->getAttrOfType<DictionaryAttr>("dfq.kernel");
  if (!kernelAttr)
    return op->emitError()
           << "has no 'dfq.kernel' schedule; run dfq-lower-to-kernels first";
  auto symbol = kernelAttr.getAs<StringAttr>("symbol");
  auto target = kernelAttr.getAs<StringAttr>("target");
  auto kind = kernelAttr.getAs<StringAttr>("kind");
  auto tile = kernelAttr.getAs<DenseI64ArrayAttr>("tile");
  auto parallel = kernelAttr.getAs<BoolAttr>("parallel");
  x86::Isa kernelIsa;
  if (!symbol || !target || !kind || !tile || tile.size() != 2 || !parallel ||
      !x86::parseIsa(target.getValue().str(), kernelIsa))
    return op->emitError() << "has a malformed 'dfq.kernel' schedule "
                           << kernelAttr;
  if (kernelIsa != targetIsa)
    return op->emitError() << "is scheduled for " << target
                           << " but the library is built for "
                           << x86::isaName(targetIsa);

  Value input = op->getOperand(0), weight = op->getOperand(1);
  auto inputType = perTensorActivation(input.getType());
  auto outputType = perTensorActivation(op->getResult(0).getType());
  auto weightElement = dyn_cast<quant::QuantizedType>(
      cast<RankedTensorType>(weight.getType()).getElementType());
  if (!inputType || !outputType || !weightElement || !weightElement.isSigned())
    return op->emitError() << "needs unsigned per-tensor activations and "
                              "signed weights on the x86 target";
  auto qconstant = weight.getDefiningOp<QConstantOp>();
  auto weightValues = qconstant
                          ? dyn_cast<DenseIntElementsAttr>(qconstant.getValue())
                          : DenseIntElementsAttr();
  if (!weightValues)
    return op->emitError()
           << "needs its weight as a dfq.qconstant with dense values";

  x86::LayerKernelSpec spec;
  spec.name = symbol.str();
  spec.isa = targetIsa;
  StringRef k = kind.getValue();
  spec.schedule.kind = k == "depthwise" ? x86::LayerSchedule::Kind::Depthwise
                       : k == "grouped" ? x86::LayerSchedule::Kind::Grouped
                                        : x86::LayerSchedule::Kind::Dense;
  if (k != "dense" && k != "depthwise" && k != "grouped")
    return op->emitError() << "has an unknown kernel kind '" << k << "'";
  spec.schedule.tileChannels = tile[0];
  spec.schedule.tilePixels = tile[1];
  spec.schedule.parallel = parallel.getValue();
  if (auto pixelTiles = kernelAttr.get("pixel_tiles")) {
    auto name = dyn_cast<StringAttr>(pixelTiles);
    if (!name || (name.getValue() != "row" && name.getValue() != "image"))
      return op->emitError()
             << "has an unknown 'pixel_tiles' value " << pixelTiles
             << " (expected \"row\" or \"image\")";
    spec.schedule.pixelTiles = name.getValue() == "row"
                                   ? x86::LayerSchedule::PixelTiles::Row
                                   : x86::LayerSchedule::PixelTiles::Image;
  }

  auto inShape = cast<RankedTensorType>(input.getType()).getShape();
  auto outShape = cast<RankedTensorType>(op->getResult(0).getType()).getShape();
  auto wShape = cast<RankedTensorType>(weight.getType()).getShape();
  spec.o = wShape[0];
  ArrayRef<int32_t> multiplier, shift;
  Value bias;
  if (auto conv = dyn_cast<QConv2DOp>(op)) {
    spec.c = inShape[1];
    spec.h = inShape[2];
    spec.w = inShape[3];
    spec.kh = wShape[2];
    spec.kw = wShape[3];
    spec.outH = outShape[2];
    spec.outW = outShape[3];
    spec.strideH = conv.getStrides()[0];
    spec.strideW = conv.getStrides()[1];
    spec.padTop = conv.getPads()[0];
    spec.padLeft = conv.getPads()[1];
    spec.dilationH = conv.getDilations()[0];
    spec.dilationW = conv.getDilations()[1];
    spec.groups = conv.getGroups();
    multiplier = conv.getMultiplier();
    shift = conv.getShift();
    bias = conv.getBias();
  } else {
    auto gemm = cast<QGemmOp>(op);
    spec.c = inShape[1];
    multiplier = gemm.getMultiplier();
    shift = gemm.getShift();
    bias = gemm.getBias();
  }
  spec.weightBits = weightElement.getStorageTypeIntegralWidth();
  spec.activationBits = inputType.getStorageTypeIntegralWidth();
  spec.inputZeroPoint = inputType.getZeroPoint();
  spec.outputZeroPoint = outputType.getZeroPoint();
  spec.outputMin = outputType.getStorageTypeMin();
  spec.outputMax = outputType.getStorageTypeMax();
  for (APInt v : weightValues.getValues<APInt>())
    spec.weights.push_back(static_cast<int8_t>(v.getSExtValue()));
  auto perChannel = [&](auto values, std::vector<int32_t> &out) {
    for (int64_t o = 0; o < spec.o; ++o)
      out.push_back(values.size() == 1 ? values[0] : values[o]);
  };
  perChannel(multiplier, spec.multiplier);
  perChannel(shift, spec.shift);
  SmallVector<int32_t> zeroPoints;
  if (auto perAxis =
          dyn_cast<quant::UniformQuantizedPerAxisType>(weightElement))
    for (int64_t z : perAxis.getZeroPoints())
      zeroPoints.push_back(z);
  else
    zeroPoints.push_back(
        cast<quant::UniformQuantizedType>(weightElement).getZeroPoint());
  perChannel(ArrayRef<int32_t>(zeroPoints), spec.weightZeroPoint);
  if (bias) {
    DenseIntElementsAttr biasValues;
    if (!matchPattern(bias, m_Constant(&biasValues)))
      return op->emitError() << "needs a constant bias on the x86 target";
    for (APInt v : biasValues.getValues<APInt>())
      spec.bias.push_back(static_cast<int32_t>(v.getSExtValue()));
  } else {
    spec.bias.assign(spec.o, 0);
  }

  std::optional<ResidualChain> chain = fusibleResidualChain(op, kernelAttr);
  if (chain && failed(fuseResidualChain(*chain, spec, step)))
    return failure();

  std::string error;
  std::unique_ptr<x86::LayerKernel> kernel =
      x86::LayerKernel::create(spec, error);
  if (!kernel)
    return op->emitError() << "cannot generate its kernel: " << error;
  std::string object = spec.name + ".o";
  pipelines.push_back(std::move(kernel));
  kernels.emplace_back(op, object);

  std::string layer = stringLiteral(getLayerName(op));
  // Convolution kernels compute any range of output rows (a team splits
  // them); a gemm's rows are its batch.
  bool splitRows = spec.outH * spec.outW > 1;
  std::string inputArgs =
      layer + ", " + bytePtr(input) + ", n, " + std::to_string(spec.h) + ", " +
      std::to_string(spec.w) + ", " + std::to_string(spec.c) + ", ";
  std::string outputArgs =
      std::to_string(spec.outH) + ", " + std::to_string(spec.outW) + ", " +
      std::to_string(spec.o) + ", " + (splitRows ? "1" : "0") + ", team);\n";
  if (!chain) {
    prototypes += "int " + spec.name +
                  "(struct halide_buffer_t *, struct halide_buffer_t *);\n";
    body += "  failed |= dfq_rt_run_kernel(" + spec.name + ", " + inputArgs +
            bytePtr(op->getResult(0)) + ", " + outputArgs +
            "  dfq_rt_barrier(team);\n";
    return success();
  }
  // The residual, then the epilogue's outputs (LayerKernel.h), through a
  // function that passes them to the kernel.
  SmallVector<std::pair<Value, bool>> buffersOf = {
      {chain->kernelResidual(), !chain->residualDequantize}};
  if (spec.epilogue.floatOutput)
    buffersOf.push_back({chain->result, true});
  for (QuantizeOp quantize : chain->quantizations)
    buffersOf.push_back({quantize.getResult(), false});
  std::string parameters = "struct halide_buffer_t *", arguments = "b[0]",
              pointers, isFloat;
  for (auto [i, buffer] : llvm::enumerate(buffersOf)) {
    parameters += ", struct halide_buffer_t *";
    arguments += ", b[" + std::to_string(i + 1) + "]";
    pointers +=
        std::string(i ? ", " : "") + "(void *)" +
        (buffer.second ? floatPtr(buffer.first) : bytePtr(buffer.first));
    isFloat += std::string(i ? ", " : "") + (buffer.second ? "1" : "0");
  }
  prototypes += "int " + spec.name + "(" + parameters + ");\nstatic int " +
                spec.name + "_call(struct halide_buffer_t **b) {\n  return " +
                spec.name + "(" + arguments + ");\n}\n";
  body += "  {\n    void *const buffers[] = {" + pointers +
          "};\n    static const int is_float[] = {" + isFloat +
          "};\n    failed |= dfq_rt_run_epilogue_kernel(" + spec.name +
          "_call, " + inputArgs + std::to_string(buffersOf.size()) +
          ", buffers, is_float, " + outputArgs +
          "  }\n  dfq_rt_barrier(team);\n";
  return success();
}

std::optional<ResidualChain>
LibraryBuilder::fusibleResidualChain(Operation *op, DictionaryAttr kernel) {
  if (!kernel.get("fused"))
    return std::nullopt;
  auto declined = [&]() -> std::optional<ResidualChain> {
    ++unfusedChains;
    return std::nullopt;
  };
  std::optional<ResidualChain> chain = matchResidualChain(op);
  if (!chain)
    return declined();
  // Dead quantizations are not computed at all.
  llvm::erase_if(chain->quantizations, [&](QuantizeOp quantize) {
    return !liveSet.contains(quantize);
  });
  if (!chain->resultStored && chain->quantizations.empty())
    return declined();
  auto it = values.find(chain->kernelResidual());
  if (it == values.end() || !it->second.hasBatch ||
      it->second.quantized != bool(chain->residualDequantize) ||
      it->second.sampleShape != values[op->getResult(0)].sampleShape)
    return declined();
  // A float residual in NCHW (made by a host op that is not elementwise)
  // would need a transposition first.
  if (!it->second.quantized && !it->second.nhwc &&
      distinctLayouts(it->second.sampleShape))
    return declined();
  auto position = [&](Operation *o) {
    return llvm::find(liveOps, o) - liveOps.begin();
  };
  for (Operation *fused : chain->fusedOps())
    if (position(fused) == int64_t(liveOps.size()) ||
        position(fused) <= position(op))
      return declined();
  return chain;
}

LogicalResult LibraryBuilder::fuseResidualChain(ResidualChain &chain,
                                                x86::LayerKernelSpec &spec,
                                                size_t step) {
  using Epilogue = x86::ResidualEpilogue;
  Epilogue &e = spec.epilogue;
  auto outputType = perTensorActivation(chain.dequantize.getInput().getType());
  e.outputScale = static_cast<float>(outputType.getScale());
  Value source = chain.kernelResidual();
  if (chain.residualDequantize) {
    auto type = perTensorActivation(source.getType());
    e.residual = Epilogue::Residual::Quantized;
    e.residualScale = static_cast<float>(type.getScale());
    e.residualZeroPoint = type.getZeroPoint();
  } else {
    e.residual = Epilogue::Residual::Float;
  }
  if (isa_and_nonnull<ReluOp>(chain.activation)) {
    e.activation = Epilogue::Activation::Relu;
  } else if (auto clip = dyn_cast_or_null<ClipOp>(chain.activation)) {
    e.activation = Epilogue::Activation::Clip;
    std::tie(e.clipMin, e.clipMax) = clipBoundsF32(clip);
  }
  e.floatOutput = chain.resultStored;
  for (QuantizeOp quantize : chain.quantizations) {
    auto type = perTensorActivation(quantize.getType());
    Epilogue::Quantization q;
    q.scale = static_cast<float>(type.getScale());
    q.zeroPoint = type.getZeroPoint();
    q.min = type.getStorageTypeMin();
    q.max = type.getStorageTypeMax();
    e.quantizedOutputs.push_back(q);
  }

  // The layer's own output is never written; the residual is read now.
  buffers[values[chain.dequantize.getInput()].buffer].bytesPerSample = 0;
  if (int b = values[source].buffer; b >= 0)
    buffers[b].last = std::max(buffers[b].last, step);
  if (e.floatOutput) {
    if (failed(assignValue(chain.result, step)))
      return failure();
    ValueInfo &y = values[chain.result];
    y.nhwc = distinctLayouts(y.sampleShape);
  }
  for (QuantizeOp quantize : chain.quantizations)
    if (failed(assignValue(quantize.getResult(), step)))
      return failure();
  for (Operation *fused : chain.fusedOps())
    absorbed.insert(fused);
  ++fusedChains;
  return success();
}

LogicalResult LibraryBuilder::emitBinary(Operation *op, bool add) {
  Value result = op->getResult(0);
  const ValueInfo &out = values[result];
  int rank = out.sampleShape.size() + 1;
  if (rank > 6)
    return op->emitError() << "has rank " << rank
                           << "; the x86 runtime broadcasts up to rank 6";
  std::string dims = "{n";
  for (int64_t d : out.sampleShape)
    dims += ", " + std::to_string(d);
  dims += "}";
  auto strides = [&](Value operand) -> FailureOr<std::string> {
    const ValueInfo &in = values[operand];
    // The operand's full shape, the batch written as -1.
    SmallVector<int64_t> shape;
    if (in.hasBatch)
      shape.push_back(-1);
    shape.append(in.sampleShape.begin(), in.sampleShape.end());
    SmallVector<std::string> result(rank, "0");
    std::string stride = "1";
    int offset = rank - static_cast<int>(shape.size());
    for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
      int64_t size = shape[d];
      int64_t outSize = d + offset == 0 ? -1 : out.sampleShape[d + offset - 1];
      if (size == -1) {
        result[d + offset] = stride;
        continue;
      }
      if (size != 1 || outSize == 1)
        result[d + offset] = stride;
      else if (d + offset == 0 && size != 1)
        return op->emitError() << "broadcasts a constant along the batch";
      stride = stride + " * " + std::to_string(size);
    }
    std::string text = "{";
    for (auto [i, s] : llvm::enumerate(result))
      text += (i ? ", " : "") + s;
    return text + "}";
  };
  FailureOr<std::string> lhsStrides = strides(op->getOperand(0));
  FailureOr<std::string> rhsStrides = strides(op->getOperand(1));
  if (failed(lhsStrides) || failed(rhsStrides))
    return failure();
  body += "  {\n    const int64_t dims[] = " + dims +
          ", lhs[] = " + *lhsStrides + ", rhs[] = " + *rhsStrides + ";\n";
  body += std::string("    dfq_rt_binary(") +
          (add ? "DFQ_RT_ADD" : "DFQ_RT_MUL") + ", " +
          floatPtr(op->getOperand(0)) + ", lhs, " +
          floatPtr(op->getOperand(1)) + ", rhs, " + floatPtr(result) +
          ", dims, " + std::to_string(rank) + ");\n  }\n";
  return success();
}

/// Gives the consumers of an NHWC float value from `step` on an NCHW copy
/// of it (a buffer of its own, converted at `step`).
void LibraryBuilder::ensureNchw(Value value, size_t step) {
  ValueInfo &v = values[value];
  if (!v.nhwc)
    return;
  if (v.buffer >= 0)
    buffers[v.buffer].last = std::max(buffers[v.buffer].last, step);
  ArenaBuffer buffer;
  buffer.bytesPerSample = alignUp(product(v.sampleShape) * 4);
  buffer.first = buffer.last = step;
  std::string from = floatPtr(value);
  ValueInfo copy = v;
  copy.nhwc = false;
  copy.buffer = buffers.size();
  copy.address = "@ARENA" + std::to_string(copy.buffer) + "@";
  buffers.push_back(buffer);
  v = copy;
  body += "  dfq_rt_nhwc_to_nchw(" + from + ", " + floatPtr(value) + ", n, " +
          std::to_string(v.sampleShape[0]) + ", " +
          std::to_string(v.sampleShape[1] * v.sampleShape[2]) + ");\n";
}

/// A dequantized weight becomes a float constant, computed as the
/// interpreter does: f32(q - z) * f32(s), per channel along the type's axis.
LogicalResult LibraryBuilder::emitDequantizedConstant(DequantizeOp op,
                                                      QConstantOp weight) {
  auto values = dyn_cast<DenseIntElementsAttr>(weight.getValue());
  auto type = cast<RankedTensorType>(weight.getType());
  if (!values)
    return op->emitError() << "needs dense weight values on the x86 target";
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t axis = -1;
  if (auto perAxis =
          dyn_cast<quant::UniformQuantizedPerAxisType>(type.getElementType())) {
    scales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
    zeroPoints.assign(perAxis.getZeroPoints().begin(),
                      perAxis.getZeroPoints().end());
    axis = perAxis.getQuantizedDimension();
  } else {
    auto uniform = cast<quant::UniformQuantizedType>(type.getElementType());
    scales.push_back(uniform.getScale());
    zeroPoints.push_back(uniform.getZeroPoint());
  }
  int64_t inner = 1;
  for (int64_t d = axis + 1; axis >= 0 && d < type.getRank(); ++d)
    inner *= type.getDimSize(d);
  int64_t channels = axis >= 0 ? type.getDimSize(axis) : 1;
  std::string name = "dfq_constant_" + std::to_string(constantCount++);
  constantsCode +=
      "/* " + getLayerName(op) + " */\nstatic const float " + name + "[] = {";
  for (auto [i, q] : llvm::enumerate(values.getValues<APInt>())) {
    int64_t c = axis >= 0 ? (static_cast<int64_t>(i) / inner) % channels : 0;
    float x = static_cast<float>(q.getSExtValue() - zeroPoints[c]) *
              static_cast<float>(scales[c]);
    constantsCode += (i % 8 ? " " : "\n  ") + floatLiteral(x) + ",";
  }
  constantsCode += "\n};\n";
  ValueInfo v;
  v.address = name;
  v.hasBatch = false;
  v.sampleShape.assign(type.getShape().begin(), type.getShape().end());
  this->values[op.getResult()] = v;
  return success();
}

/// Elementwise ops that can share one loop: (de)quantizations that keep the
/// layout, and float ReLU, clip, add and mul of whole activations.
bool LibraryBuilder::isFusible(Operation *op, bool elementwise) {
  auto isActivation = [&](Value v) {
    auto it = values.find(v);
    return it != values.end() && it->second.hasBatch;
  };
  if (!llvm::all_of(op->getOperands(), isActivation))
    return false;
  if (auto quantize = dyn_cast<QuantizeOp>(op)) {
    auto type = perTensorActivation(quantize.getType());
    const ValueInfo &in = values[quantize.getInput()];
    // A quantization into NHWC from NCHW transposes: not elementwise.
    return type && (in.nhwc || !distinctLayouts(in.sampleShape));
  }
  if (auto dequantize = dyn_cast<DequantizeOp>(op))
    return perTensorActivation(dequantize.getInput().getType()) != nullptr;
  if (isa<ReluOp, ClipOp>(op))
    return true;
  return isa<AddOp, MulOp>(op) && elementwise;
}

/// Emits the pending group as one loop over its elements: values used only
/// inside it stay in registers (their arena buffers shrink to nothing), the
/// others are stored. Every buffer the loop reads or writes is kept live for
/// the whole group, so that no two of them share memory and the pointers can
/// be `restrict`.
void LibraryBuilder::flushGroup() {
  if (group.ops.empty())
    return;
  llvm::DenseSet<Operation *> members(group.ops.begin(), group.ops.end());
  llvm::DenseMap<Value, std::string> local, external;
  std::string names, pointers, loop;
  auto cType = [&](Value v) {
    return values[v].quantized ? std::string("uint8_t") : std::string("float");
  };
  auto read = [&](Value v) -> std::string {
    if (auto it = local.find(v); it != local.end())
      return it->second;
    if (auto it = external.find(v); it != external.end())
      return it->second;
    std::string name = "in" + std::to_string(external.size());
    pointers += "    const " + cType(v) + " *restrict " + name + " = (const " +
                cType(v) + " *)" + values[v].address + ";\n";
    if (int b = values[v].buffer; b >= 0)
      buffers[b].last = std::max(buffers[b].last, group.lastStep);
    return external[v] = name + "[i]";
  };
  for (auto [k, op] : llvm::enumerate(group.ops)) {
    names += (k ? ", " : "") + op->getName().getStringRef().str();
    Value result = op->getResult(0);
    std::string v = "v" + std::to_string(k), expr;
    if (auto quantize = dyn_cast<QuantizeOp>(op)) {
      auto type = perTensorActivation(quantize.getType());
      float scale = static_cast<float>(type.getScale());
      expr = "(uint8_t)dfq_rt_quantize_one(" + read(op->getOperand(0)) + ", " +
             floatLiteral(scale) + ", " + floatLiteral(1.0f / scale) + ", " +
             std::to_string(type.getZeroPoint()) + ".0f, " +
             std::to_string(type.getStorageTypeMin()) + ".0f, " +
             std::to_string(type.getStorageTypeMax()) + ".0f)";
    } else if (auto dequantize = dyn_cast<DequantizeOp>(op)) {
      auto type = perTensorActivation(dequantize.getInput().getType());
      expr = "(float)((int32_t)" + read(op->getOperand(0)) + " - " +
             std::to_string(type.getZeroPoint()) + ") * " +
             floatLiteral(static_cast<float>(type.getScale()));
    } else if (isa<ReluOp>(op)) {
      std::string x = read(op->getOperand(0));
      expr = x + " < 0.0f ? 0.0f : " + x;
    } else if (auto clip = dyn_cast<ClipOp>(op)) {
      expr =
          "dfq_rt_clip_one(" + read(op->getOperand(0)) + clipBounds(clip) + ")";
    } else {
      expr = read(op->getOperand(0)) + (isa<AddOp>(op) ? " + " : " * ") +
             read(op->getOperand(1));
    }
    loop += "      " + cType(result) + " " + v + " = " + expr + ";\n";
    local[result] = v;
    bool stored = llvm::any_of(result.getUsers(), [&](Operation *user) {
      return !members.contains(user) &&
             (liveSet.contains(user) || isa<func::ReturnOp>(user));
    });
    ArenaBuffer &buffer = buffers[values[result].buffer];
    if (stored) {
      std::string name = "out" + std::to_string(k);
      pointers += "    " + cType(result) + " *restrict " + name + " = (" +
                  cType(result) + " *)" + values[result].address + ";\n";
      loop += "      " + name + "[i] = " + v + ";\n";
      buffer.first = std::min(buffer.first, group.firstStep);
      buffer.last = std::max(buffer.last, group.lastStep);
    } else {
      buffer.bytesPerSample = 0;
    }
  }
  body += "  /* fused: " + names + " */\n  {\n" + pointers +
          "    int64_t begin, end;\n    dfq_rt_share(team, n * " +
          std::to_string(group.elements) +
          ", &begin, &end);\n    for (int64_t i = begin; i < end; ++i) {\n" +
          loop + "    }\n  }\n  dfq_rt_barrier(team);\n";
  group.ops.clear();
}

LogicalResult LibraryBuilder::emitOp(Operation *op, size_t step) {
  if (absorbed.contains(op))
    return success();
  if (auto dequantize = dyn_cast<DequantizeOp>(op))
    if (auto weight = dequantize.getInput().getDefiningOp<QConstantOp>())
      return emitDequantizedConstant(dequantize, weight);
  // Operands: constants get static arrays; everything else is known.
  for (Value operand : op->getOperands()) {
    if (values.count(operand))
      continue;
    if (isa<QConv2DOp, QGemmOp>(op))
      continue; // weights and bias are baked into the kernel
    if (failed(constantAddress(operand)))
      return failure();
  }
  // Elementwise ops, quantizations and global pooling work in either
  // layout; everything else reads NCHW.
  bool elementwise = isa<QuantizeOp, DequantizeOp, ReluOp, ClipOp, QConv2DOp,
                         QGemmOp, GlobalAvgPoolOp>(op);
  if (isa<AddOp, MulOp>(op)) {
    const ValueInfo &lhs = values[op->getOperand(0)];
    const ValueInfo &rhs = values[op->getOperand(1)];
    elementwise = lhs.hasBatch && rhs.hasBatch &&
                  lhs.sampleShape == rhs.sampleShape && lhs.nhwc == rhs.nhwc;
  }
  bool fused = isFusible(op, elementwise);
  if (!fused) {
    flushGroup();
    body += "  /* " + op->getName().getStringRef().str() + " " +
            getLayerName(op) + " */\n";
  }
  // What this op emits from here on is one step of the program.
  size_t stepStart = body.size();
  if (!elementwise)
    for (Value operand : op->getOperands())
      ensureNchw(operand, step);
  for (Value result : op->getResults())
    if (failed(assignValue(result, step)))
      return failure();
  if (isa<DequantizeOp, ReluOp, ClipOp, AddOp, MulOp>(op))
    values[op->getResult(0)].nhwc = values[op->getOperand(0)].nhwc;
  for (Value operand : op->getOperands())
    if (auto it = values.find(operand);
        it != values.end() && it->second.buffer >= 0)
      buffers[it->second.buffer].last =
          std::max(buffers[it->second.buffer].last, step);
  if (fused) {
    int64_t elements = product(values[op->getResult(0)].sampleShape);
    if (!group.ops.empty() && group.elements != elements)
      flushGroup();
    if (group.ops.empty()) {
      group.elements = elements;
      group.firstStep = step;
    }
    group.ops.push_back(op);
    group.lastStep = step;
    return success();
  }
  LogicalResult result = emitHostOp(op, step);
  // Kernels split their rows over a team themselves; the other host ops
  // are small and run on its first thread.
  if (!isa<QConv2DOp, QGemmOp>(op))
    runOnFirstPart(stepStart);
  return result;
}

void LibraryBuilder::runOnFirstPart(size_t start) {
  if (start == body.size())
    return;
  body.insert(start, "  if (team->part == 0) {\n");
  body += "  }\n  dfq_rt_barrier(team);\n";
}

LogicalResult LibraryBuilder::emitHostOp(Operation *op, size_t step) {
  auto planes = [&](Value v) {
    const ValueInfo &i = values[v];
    return "n * " + std::to_string(i.sampleShape[0]);
  };
  if (auto quantize = dyn_cast<QuantizeOp>(op)) {
    auto type = perTensorActivation(quantize.getType());
    if (!type)
      return op->emitError() << "quantizes to " << quantize.getType()
                             << "; the x86 target stores activations "
                                "unsigned, per tensor, in at most 8 bits";
    const ValueInfo &in = values[quantize.getInput()];
    bool nhwc = values[quantize.getResult()].nhwc && !in.nhwc;
    int64_t c = nhwc ? in.sampleShape[0] : 1;
    int64_t hw = product(in.sampleShape) / c;
    body += "  dfq_rt_quantize(" + floatPtr(quantize.getInput()) + ", " +
            bytePtr(quantize.getResult()) + ", n, " + std::to_string(c) + ", " +
            std::to_string(hw) + ", " +
            floatLiteral(static_cast<float>(type.getScale())) + ", " +
            std::to_string(type.getZeroPoint()) + ", " +
            std::to_string(type.getStorageTypeMin()) + ", " +
            std::to_string(type.getStorageTypeMax()) + ", " +
            (nhwc ? "1" : "0") + ");\n";
    return success();
  }
  if (auto dequantize = dyn_cast<DequantizeOp>(op)) {
    auto type = perTensorActivation(dequantize.getInput().getType());
    if (!type)
      return op->emitError()
             << "dequantizes " << dequantize.getInput().getType()
             << "; the x86 target stores activations "
                "unsigned, per tensor";
    // The result keeps the input's layout: a plain elementwise pass.
    const ValueInfo &in = values[dequantize.getInput()];
    body += "  dfq_rt_dequantize(" + bytePtr(dequantize.getInput()) + ", " +
            floatPtr(dequantize.getResult()) + ", n, 1, " +
            std::to_string(product(in.sampleShape)) + ", " +
            floatLiteral(static_cast<float>(type.getScale())) + ", " +
            std::to_string(type.getZeroPoint()) + ", 0);\n";
    return success();
  }
  if (isa<QConv2DOp, QGemmOp>(op))
    return emitKernel(op, step);
  // Everything below is a float op, on NCHW data unless elementwise.
  for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults()))
    if (values[v].quantized)
      return op->emitError()
             << "reads or writes a quantized tensor, which the x86 target "
                "supports only in dfq.qconv2d, dfq.qgemm and (de)quantize";
  Value result = op->getResult(0);
  if (isa<ReluOp>(op)) {
    body += "  dfq_rt_relu(" + floatPtr(op->getOperand(0)) + ", " +
            floatPtr(result) + ", " + count(result) + ");\n";
    return success();
  }
  if (auto clip = dyn_cast<ClipOp>(op)) {
    body += "  dfq_rt_clip(" + floatPtr(clip.getInput()) + ", " +
            floatPtr(result) + ", " + count(result) + clipBounds(clip) + ");\n";
    return success();
  }
  if (auto gemm = dyn_cast<GemmOp>(op)) {
    const ValueInfo &x = values[gemm.getInput()];
    const ValueInfo &w = values[gemm.getWeight()];
    if (!x.hasBatch || w.hasBatch)
      return op->emitError() << "multiplies two activations or two "
                                "constants; the x86 target runs a float gemm "
                                "of an activation and constant weights";
    body += "  dfq_rt_gemm(" + floatPtr(gemm.getInput()) + ", " +
            floatPtr(gemm.getWeight()) + ", " +
            (gemm.getBias() ? floatPtr(gemm.getBias()) : "NULL") + ", " +
            floatPtr(result) + ", n, " + std::to_string(x.sampleShape[0]) +
            ", " + std::to_string(w.sampleShape[0]) + ");\n";
    return success();
  }
  if (isa<AddOp>(op))
    return emitBinary(op, /*add=*/true);
  if (isa<MulOp>(op))
    return emitBinary(op, /*add=*/false);
  if (isa<FlattenOp, ReshapeOp>(op))
    return success(); // same bytes, new shape
  if (isa<GlobalAvgPoolOp>(op)) {
    const ValueInfo &in = values[op->getOperand(0)];
    // The [C, 1, 1] result is the same in both layouts.
    body += std::string("  dfq_rt_global_avg_pool") +
            (in.nhwc ? "_nhwc(" : "(") + floatPtr(op->getOperand(0)) + ", " +
            floatPtr(result) + ", " + planes(op->getOperand(0)) + ", " +
            std::to_string(in.sampleShape[1] * in.sampleShape[2]) +
            (in.nhwc ? ", " + std::to_string(in.sampleShape[0]) : "") + ");\n";
    return success();
  }
  auto pool = [&](ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                  ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                  StringRef call, StringRef extra) {
    const ValueInfo &in = values[op->getOperand(0)];
    const ValueInfo &out = values[result];
    std::string geometry = "{";
    for (int64_t g : {kernel[0], kernel[1], strides[0], strides[1], pads[0],
                      pads[1], pads[2], pads[3], dilations[0], dilations[1]})
      geometry += std::to_string(g) + ", ";
    geometry += "}";
    body += "  {\n    const int64_t geometry[] = " + geometry + ";\n    " +
            call.str() + "(" + floatPtr(op->getOperand(0)) + ", " +
            floatPtr(result) + ", " + planes(op->getOperand(0)) + ", " +
            std::to_string(in.sampleShape[1]) + ", " +
            std::to_string(in.sampleShape[2]) + ", " +
            std::to_string(out.sampleShape[1]) + ", " +
            std::to_string(out.sampleShape[2]) + ", geometry" + extra.str() +
            ");\n  }\n";
  };
  if (auto maxPool = dyn_cast<MaxPool2DOp>(op)) {
    pool(maxPool.getKernelShape(), maxPool.getStrides(), maxPool.getPads(),
         maxPool.getDilations(), "dfq_rt_max_pool2d", "");
    return success();
  }
  if (auto avgPool = dyn_cast<AvgPool2DOp>(op)) {
    int64_t undilated[] = {1, 1};
    pool(avgPool.getKernelShape(), avgPool.getStrides(), avgPool.getPads(),
         undilated, "dfq_rt_avg_pool2d",
         avgPool.getCountIncludePad() ? ", 1" : ", 0");
    return success();
  }
  if (auto softmax = dyn_cast<SoftmaxOp>(op)) {
    int64_t rank = values[result].sampleShape.size() + 1;
    int64_t axis =
        softmax.getAxis() < 0 ? softmax.getAxis() + rank : softmax.getAxis();
    if (axis <= 0 || axis >= rank)
      return op->emitError() << "softmax over the batch is not supported by "
                                "the x86 target";
    ArrayRef<int64_t> s = values[result].sampleShape;
    int64_t outer = product(s.take_front(axis - 1));
    int64_t inner = product(s.drop_front(axis));
    body += "  dfq_rt_softmax(" + floatPtr(op->getOperand(0)) + ", " +
            floatPtr(result) + ", n * " + std::to_string(outer) + ", " +
            std::to_string(s[axis - 1]) + ", " + std::to_string(inner) + ");\n";
    return success();
  }
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    int64_t rank = values[result].sampleShape.size() + 1;
    int64_t axis =
        concat.getAxis() < 0 ? concat.getAxis() + rank : concat.getAxis();
    if (axis <= 0 || axis >= rank)
      return op->emitError() << "concatenation along the batch is not "
                                "supported by the x86 target";
    ArrayRef<int64_t> s = values[result].sampleShape;
    int64_t outer = product(s.take_front(axis - 1));
    int64_t inner = product(s.drop_front(axis)) * 4;
    int64_t offset = 0;
    for (Value in : concat.getInputs()) {
      if (!values[in].hasBatch)
        return op->emitError() << "concatenates a constant; not supported "
                                  "by the x86 target";
      int64_t part = values[in].sampleShape[axis - 1] * inner;
      body += "  dfq_rt_concat_part(" + floatPtr(in) + ", " + floatPtr(result) +
              ", n * " + std::to_string(outer) + ", " + std::to_string(part) +
              ", " + std::to_string(s[axis - 1] * inner) + ", " +
              std::to_string(offset) + ");\n";
      offset += part;
    }
    return success();
  }
  if (auto transpose = dyn_cast<TransposeOp>(op)) {
    ArrayRef<int64_t> perm = transpose.getPerm();
    if (perm.empty() || perm[0] != 0 || perm.size() > 6)
      return op->emitError() << "moves the batch dimension or has rank > 6; "
                                "not supported by the x86 target";
    const ValueInfo &in = values[transpose.getInput()];
    std::string dims = "{n", order = "{";
    for (int64_t d : in.sampleShape)
      dims += ", " + std::to_string(d);
    for (auto [i, p] : llvm::enumerate(perm))
      order += (i ? ", " : "") + std::to_string(p);
    body += "  {\n    const int64_t dims[] = " + dims + "}, perm[] = " + order +
            "};\n    dfq_rt_transpose(" + floatPtr(transpose.getInput()) +
            ", " + floatPtr(result) + ", dims, perm, " +
            std::to_string(perm.size()) + ");\n  }\n";
    return success();
  }
  return op->emitError() << "is not supported by the x86 target";
}

/// Greedy best-fit by size: each buffer, largest first, goes to the lowest
/// offset that no buffer with an overlapping lifetime occupies.
void LibraryBuilder::planArena() {
  std::vector<size_t> order(buffers.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  llvm::sort(order, [&](size_t a, size_t b) {
    if (buffers[a].bytesPerSample != buffers[b].bytesPerSample)
      return buffers[a].bytesPerSample > buffers[b].bytesPerSample;
    return a < b;
  });
  std::vector<size_t> placed;
  for (size_t i : order) {
    ArenaBuffer &buffer = buffers[i];
    std::vector<std::pair<int64_t, int64_t>> taken;
    for (size_t j : placed)
      if (buffers[j].first <= buffer.last && buffer.first <= buffers[j].last)
        taken.emplace_back(buffers[j].offset,
                           buffers[j].offset + buffers[j].bytesPerSample);
    llvm::sort(taken);
    int64_t offset = 0;
    for (auto [begin, end] : taken) {
      if (offset + buffer.bytesPerSample <= begin)
        break;
      offset = std::max(offset, end);
    }
    buffer.offset = offset;
    arenaBytesPerSample =
        std::max(arenaBytesPerSample, offset + buffer.bytesPerSample);
    placed.push_back(i);
  }
}

std::string LibraryBuilder::header() {
  std::string h;
  llvm::raw_string_ostream os(h);
  os << "/* model.h: generated by dfq-compile for target "
     << x86::isaName(targetIsa) << ". Plain C ABI; see docs/x86.md. */\n"
     << "#ifndef DFQ_MODEL_H\n#define DFQ_MODEL_H\n\n#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "#define DFQ_MODEL_ABI_VERSION 2\n"
     << "/* SHA-256 of model.mlir as written next to this library, a NUL byte\n"
        " * and the target name (docs/x86.md). */\n"
     << "#define DFQ_MODEL_FINGERPRINT \"" << fingerprint << "\"\n"
     << "#define DFQ_MODEL_NUM_INPUTS " << function.getNumArguments() << "\n"
     << "#define DFQ_MODEL_NUM_OUTPUTS " << function.getNumResults() << "\n";
  auto describe = [&](StringRef what, unsigned i, Type type) {
    os << "/* " << what << " " << i << ": float32 [";
    auto shape = cast<RankedTensorType>(type).getShape();
    for (auto [d, size] : llvm::enumerate(shape))
      os << (d ? ", " : "")
         << (ShapedType::isDynamic(size) ? "N" : std::to_string(size));
    os << "], NCHW, dense row-major */\n";
  };
  for (auto [i, type] : llvm::enumerate(function.getArgumentTypes()))
    describe("input", i, type);
  for (auto [i, type] : llvm::enumerate(function.getResultTypes()))
    describe("output", i, type);
  os << R"(
typedef struct dfq_model dfq_model;

/* 2: the ABI this header describes. */
int dfq_model_abi_version(void);
/* "x86-avx512-vnni" or "x86-avx2". */
const char *dfq_model_target(void);
/* DFQ_MODEL_FINGERPRINT: what the library was built from (64 hex digits). */
const char *dfq_model_fingerprint(void);
int dfq_model_num_inputs(void);
int dfq_model_num_outputs(void);
/* Shapes including the batch; a dynamic batch reads -1. */
int dfq_model_input_rank(int index);
const int64_t *dfq_model_input_shape(int index);
int dfq_model_output_rank(int index);
const int64_t *dfq_model_output_shape(int index);

/* Allocates the activation arena for up to `max_batch` samples (ignored
 * when the batch is static) and checks that this CPU runs the kernels;
 * `threads` <= 0 uses every CPU the process may run on. NULL on failure,
 * with dfq_model_last_error() saying why. */
dfq_model *dfq_model_create(int64_t max_batch, int threads);
/* Runs `batch` samples: inputs[i] and outputs[i] point to dense float
 * arrays of the shapes above. 0 on success, else 1 with the error set. The
 * batch is split over the model's threads (one sub-batch each); a model
 * runs one batch at a time, so create one per calling thread. */
int dfq_model_run(dfq_model *model, int64_t batch, const float *const *inputs,
                  float *const *outputs);
/* Why the last call on this thread failed; "" after a successful run. */
const char *dfq_model_last_error(void);
void dfq_model_destroy(dfq_model *model);

#ifdef __cplusplus
}
#endif

#endif /* DFQ_MODEL_H */
)";
  return h;
}

std::string LibraryBuilder::source() {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "/* model.c: generated by dfq-compile. */\n"
     << "#include \"model.h\"\n#include \"dfq_x86_runtime.h\"\n\n"
     << "#include <math.h>\n#include <stdlib.h>\n#include <string.h>\n\n"
     << prototypes << "\n"
     << constantsCode << "\n";
  auto shapes = [&](StringRef what, TypeRange types) {
    for (auto [i, type] : llvm::enumerate(types)) {
      os << "static const int64_t " << what << "_shape_" << i << "[] = {";
      for (int64_t d : cast<RankedTensorType>(type).getShape())
        os << (ShapedType::isDynamic(d) ? -1 : d) << ", ";
      os << "};\n";
    }
    os << "static const int64_t *const " << what << "_shapes[] = {";
    for (size_t i = 0; i < types.size(); ++i)
      os << what << "_shape_" << i << ", ";
    os << "};\nstatic const int " << what << "_ranks[] = {";
    for (Type type : types)
      os << cast<RankedTensorType>(type).getRank() << ", ";
    os << "};\n";
  };
  shapes("input", function.getArgumentTypes());
  shapes("output", function.getResultTypes());
  int64_t staticBatch = ShapedType::isDynamic(batch) ? 0 : batch;
  os << "\n#define ARENA_BYTES_PER_SAMPLE " << arenaBytesPerSample << "LL\n"
     << "#define STATIC_BATCH " << staticBatch << "LL\n"
     << "#define ISA "
     << (targetIsa == x86::Isa::Avx2 ? "DFQ_RT_ISA_AVX2"
                                     : "DFQ_RT_ISA_AVX512_VNNI")
     << "\n\n"
     << "static const int64_t input_elements[] = {";
  for (Type type : function.getArgumentTypes())
    os << product(cast<RankedTensorType>(type).getShape().drop_front()) << ", ";
  os << "};\nstatic const int64_t output_elements[] = {";
  for (Type type : function.getResultTypes())
    os << product(cast<RankedTensorType>(type).getShape().drop_front()) << ", ";
  os << "};\n\n"
     << "/* The program on n samples, arena holding ARENA_BYTES_PER_SAMPLE x n "
        "bytes, run by\n * every thread of `team` (dfq_x86_runtime.h). */\n"
     << "static int run_program(uint8_t *arena, int64_t n, const float *const "
        "*inputs,\n                       float *const *outputs, const "
        "dfq_rt_team *team) {\n  int failed = 0;\n"
     << body << "  if (team->part == 0) {\n"
     << outputsCode << "  }\n  return failed;\n}\n\n"
     << R"(struct dfq_model {
  int64_t max_batch;
  uint8_t *arena;
  /* Workers besides the caller; NULL runs on the caller alone. */
  dfq_rt_pool *pool;
};

int dfq_model_abi_version(void) { return DFQ_MODEL_ABI_VERSION; }
const char *dfq_model_target(void) {
  return ISA == DFQ_RT_ISA_AVX2 ? "x86-avx2" : "x86-avx512-vnni";
}
const char *dfq_model_fingerprint(void) { return DFQ_MODEL_FINGERPRINT; }
int dfq_model_num_inputs(void) { return DFQ_MODEL_NUM_INPUTS; }
int dfq_model_num_outputs(void) { return DFQ_MODEL_NUM_OUTPUTS; }
int dfq_model_input_rank(int i) {
  return i >= 0 && i < DFQ_MODEL_NUM_INPUTS ? input_ranks[i] : -1;
}
const int64_t *dfq_model_input_shape(int i) {
  return i >= 0 && i < DFQ_MODEL_NUM_INPUTS ? input_shapes[i] : NULL;
}
int dfq_model_output_rank(int i) {
  return i >= 0 && i < DFQ_MODEL_NUM_OUTPUTS ? output_ranks[i] : -1;
}
const int64_t *dfq_model_output_shape(int i) {
  return i >= 0 && i < DFQ_MODEL_NUM_OUTPUTS ? output_shapes[i] : NULL;
}
const char *dfq_model_last_error(void) { return dfq_rt_last_error(); }

dfq_model *dfq_model_create(int64_t max_batch, int threads) {
  if (dfq_rt_check_cpu(ISA))
    return NULL;
  if (STATIC_BATCH)
    max_batch = STATIC_BATCH;
  if (max_batch < 1 || max_batch > (int64_t)1 << 24) {
    dfq_rt_fail("max_batch must be in [1, 2^24], got %lld",
                (long long)max_batch);
    return NULL;
  }
  dfq_model *model = (dfq_model *)calloc(1, sizeof *model);
  size_t bytes = (size_t)(ARENA_BYTES_PER_SAMPLE * max_batch);
  model->arena = (uint8_t *)aligned_alloc(64, bytes ? bytes : 64);
  if (!model->arena) {
    free(model);
    dfq_rt_fail("cannot allocate %zu bytes of activations", bytes);
    return NULL;
  }
  model->max_batch = max_batch;
  /* The model's threads split batches, or every step of a batch smaller
   * than they are; the kernels' own parallel loops get one thread each, so
   * the two levels do not oversubscribe. Without workers (none could be
   * started) the caller runs alone. */
  model->pool =
      dfq_rt_pool_create(threads > 0 ? threads : dfq_rt_default_threads());
  dfq_rt_set_threads(1);
  return model;
}

void dfq_model_destroy(dfq_model *model) {
  if (!model)
    return;
  dfq_rt_pool_destroy(model->pool);
  free(model->arena);
  free(model);
}

int dfq_model_run(dfq_model *model, int64_t n, const float *const *inputs,
                  float *const *outputs) {
  if (!model || !inputs || !outputs)
    return dfq_rt_fail("dfq_model_run: null model, inputs or outputs");
  if (n < 1 || n > model->max_batch || (STATIC_BATCH && n != STATIC_BATCH))
    return dfq_rt_fail("dfq_model_run: batch %lld outside [1, %lld]",
                       (long long)n, (long long)model->max_batch);
  dfq_rt_fail("%s", "");
  return dfq_rt_run_batch(run_program, model->pool, model->arena,
                          ARENA_BYTES_PER_SAMPLE, n, DFQ_MODEL_NUM_INPUTS,
                          inputs, input_elements, DFQ_MODEL_NUM_OUTPUTS,
                          outputs, output_elements);
}
)";
  return s;
}

LogicalResult LibraryBuilder::writeFile(StringRef path, StringRef contents) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (!ec) {
    os << contents;
    os.close();
    ec = os.error();
  }
  if (ec)
    return emitError(function.getLoc())
           << "cannot write '" << path << "': " << ec.message();
  return success();
}

LogicalResult LibraryBuilder::compileAndLink(StringRef buildDir) {
  std::string compiler = options.compiler;
  if (compiler.empty())
    if (const char *cc = std::getenv("CC"))
      compiler = cc;
  if (compiler.empty())
    // Clang first: it vectorizes the fused elementwise loops without the
    // masked divisions GCC 12 if-converts them into (measured: ResNet at
    // batch 1 is about 8% faster).
    for (StringRef candidate : {"clang-22", "clang", "cc", "gcc"})
      if (llvm::ErrorOr<std::string> found =
              llvm::sys::findProgramByName(candidate)) {
        compiler = *found;
        break;
      }
  if (compiler.empty())
    return emitError(function.getLoc())
           << "no C compiler found to link libmodel.so (set CC)";
  if (!llvm::sys::path::is_absolute(compiler))
    if (llvm::ErrorOr<std::string> found =
            llvm::sys::findProgramByName(compiler))
      compiler = *found;

  auto in = [&](StringRef name) {
    llvm::SmallString<256> p(buildDir);
    llvm::sys::path::append(p, name);
    return p.str().str();
  };
  // Vectorized for the target's ISA, but IEEE: no fast-math, no FMA
  // contraction; -fno-math-errno only lets nearbyintf become vroundps.
  std::vector<std::string> args = {
      compiler, "-O3",
      targetIsa == x86::Isa::Avx2 ? "-march=x86-64-v3" : "-march=x86-64-v4",
      // 512-bit vectors for the fused loops: half the instructions of the
      // 256-bit ones clang picks by default (ResNet batch 1: 2.5 % faster).
      targetIsa == x86::Isa::Avx2 ? "-mprefer-vector-width=256"
                                  : "-mprefer-vector-width=512",
      "-fno-math-errno", "-ffp-contract=off", "-std=c11", "-fPIC", "-shared",
      "-I" + buildDir.str(), "-I" DFQ_HALIDE_INCLUDE_DIR, in("model.c"),
      in("dfq_x86_runtime.c")};
  for (auto &[op, object] : kernels)
    args.push_back(in(object));
  args.push_back(in("halide_runtime.o"));
  for (StringRef lib : {"-lpthread", "-ldl", "-lm", "-o"})
    args.push_back(lib.str());
  args.push_back(in("libmodel.so"));
  SmallVector<StringRef> argRefs(args.begin(), args.end());
  std::string log = in("compiler.log");
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log),
                                          StringRef(log)};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(compiler, argRefs, std::nullopt,
                                         redirects, 0, 0, &message);
  if (status != 0) {
    auto text = llvm::MemoryBuffer::getFile(log);
    return emitError(function.getLoc())
           << "linking libmodel.so with '" << compiler << "' failed"
           << (message.empty() ? "" : ": " + message) << "\n"
           << (text ? (*text)->getBuffer().take_back(4000) : StringRef());
  }
  return success();
}

LogicalResult LibraryBuilder::build(x86::ModelLibrarySummary *summary) {
  auto start = std::chrono::steady_clock::now();
  if (!options.target.empty()) {
    // A model without quantized layers has no kernel to say it.
    if (!x86::parseIsa(options.target, targetIsa))
      return emitError(function.getLoc())
             << "unknown x86 target '" << options.target << "'";
  } else if (TargetAttr target = TargetAttr::lookup(function)) {
    // A described x86 target names its ISA by its vector width.
    if (target.getBackend() != Backend::X86 ||
        !(x86::parseIsa(target.getName().str(), targetIsa) ||
          target.getVectorBytes() == 64 || target.getVectorBytes() == 32))
      return emitError(function.getLoc())
             << "the x86 library generator cannot build for target '"
             << target.getName() << "' (backend "
             << stringifyBackend(target.getBackend()) << ", vector_bytes "
             << target.getVectorBytes() << ")";
    if (!x86::parseIsa(target.getName().str(), targetIsa))
      targetIsa = target.getVectorBytes() == 64 ? x86::Isa::Avx512Vnni
                                                : x86::Isa::Avx2;
  } else {
    // The schedule of the first kernel says what the function was lowered
    // for.
    function.walk([&](Operation *op) {
      if (auto kernel = op->getAttrOfType<DictionaryAttr>("dfq.kernel"))
        if (auto target = kernel.getAs<StringAttr>("target"))
          x86::parseIsa(target.str(), targetIsa);
    });
  }
  if (options.modelText.empty())
    return emitError(function.getLoc())
           << "internal error: no model text to fingerprint the library with";
  // The name dfq_model_target() returns, which dfq-run fingerprints with.
  fingerprint =
      computeModelFingerprint(options.modelText, x86::isaName(targetIsa));
  if (failed(checkSignature()) || failed(collectLiveOps()))
    return failure();
  for (BlockArgument arg : function.getArguments()) {
    ValueInfo v;
    auto type = cast<RankedTensorType>(arg.getType());
    v.sampleShape.assign(type.getShape().begin() + 1, type.getShape().end());
    v.address = "inputs[" + std::to_string(arg.getArgNumber()) + "]";
    values[arg] = v;
  }
  liveSet.insert(liveOps.begin(), liveOps.end());
  for (auto [step, op] : llvm::enumerate(liveOps))
    if (failed(emitOp(op, step)))
      return failure();
  flushGroup();
  size_t outputsStart = body.size();
  auto terminator = function.getBody().front().getTerminator();
  for (auto [i, result] : llvm::enumerate(terminator->getOperands())) {
    if (!values.count(result) && failed(constantAddress(result)))
      return failure();
    ensureNchw(result, liveOps.size());
    const ValueInfo &v = values[result];
    if (v.quantized)
      return emitError(result.getLoc())
             << "output " << i
             << " is quantized; the x86 target returns float tensors "
                "(dequantize it)";
    if (v.buffer >= 0)
      buffers[v.buffer].last = liveOps.size();
    int64_t bytes = product(v.sampleShape) * 4;
    outputsCode += "  memcpy(outputs[" + std::to_string(i) + "], " +
                   floatPtr(result) + ", (size_t)(n * " +
                   std::to_string(bytes) + "));\n";
  }
  runOnFirstPart(outputsStart);
  planArena();
  // Arena addresses are known only now.
  auto substitute = [&](std::string &text) {
    for (size_t i = buffers.size(); i-- > 0;) {
      std::string key = "@ARENA" + std::to_string(i) + "@";
      std::string address =
          "(arena + " + std::to_string(buffers[i].offset) + "LL * n)";
      for (size_t at = text.find(key); at != std::string::npos;
           at = text.find(key, at + address.size()))
        text.replace(at, key.size(), address);
    }
  };
  substitute(body);
  substitute(outputsCode);

  // Build in a private directory, then move the results into place, so a
  // failure leaves nothing half-written.
  if (std::error_code ec = llvm::sys::fs::create_directories(options.outputDir))
    return emitError(function.getLoc())
           << "cannot create '" << options.outputDir << "': " << ec.message();
  // createUniqueDirectory puts a relative prefix under the system's
  // temporary directory; the build directory belongs inside outputDir.
  llvm::SmallString<256> prefix(options.outputDir), buildDir;
  llvm::sys::path::append(prefix, ".dfq-build");
  if (std::error_code ec = llvm::sys::fs::make_absolute(prefix))
    return emitError(function.getLoc())
           << "cannot resolve '" << options.outputDir << "': " << ec.message();
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory(prefix, buildDir))
    return emitError(function.getLoc())
           << "cannot create a build directory: " << ec.message();
  llvm::scope_exit cleanup([&] {
    if (!options.keepSources)
      llvm::sys::fs::remove_directories(buildDir);
  });
  auto in = [&](StringRef name) { return (buildDir + "/" + name).str(); };

  std::string error;
  for (auto [kernel, pipeline] : llvm::zip_equal(kernels, pipelines))
    if (!pipeline->compileToObject(in(kernel.second), error))
      return kernel.first->emitError()
             << "cannot compile its kernel: " << error;
  if (!x86::emitHalideRuntimeObject(targetIsa, in("halide_runtime.o"), error))
    return emitError(function.getLoc())
           << "cannot emit the Halide runtime: " << error;
  if (failed(writeFile(in("dfq_x86_runtime.h"), kRuntimeHeader)) ||
      failed(writeFile(in("dfq_x86_runtime.c"), kRuntimeSource)) ||
      failed(writeFile(in("model.h"), header())) ||
      failed(writeFile(in("model.c"), source())) ||
      failed(compileAndLink(buildDir)))
    return failure();
  for (StringRef name : {"model.h", "libmodel.so"}) {
    std::string to = options.outputDir + "/" + name.str();
    if (std::error_code ec = llvm::sys::fs::rename(in(name), to))
      return emitError(function.getLoc())
             << "cannot move " << name << " into place: " << ec.message();
  }
  if (options.keepSources) {
    std::string kept = options.outputDir + "/build";
    llvm::sys::fs::remove_directories(kept);
    llvm::sys::fs::rename(buildDir, kept);
  }
  if (summary) {
    summary->kernels = kernels.size();
    summary->arenaBytesPerSample = arenaBytesPerSample;
    summary->unplannedBytesPerSample = 0;
    summary->fusedResidualChains = fusedChains;
    summary->unfusedResidualChains = unfusedChains;
    summary->fingerprint = fingerprint;
    for (const ArenaBuffer &b : buffers)
      summary->unplannedBytesPerSample += b.bytesPerSample;
    summary->compileSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  }
  return success();
}

} // namespace

LogicalResult x86::emitModelLibrary(func::FuncOp function,
                                    const ModelLibraryOptions &options,
                                    ModelLibrarySummary *summary) {
  return LibraryBuilder(function, options).build(summary);
}
