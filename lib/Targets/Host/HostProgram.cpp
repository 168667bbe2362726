//===- HostProgram.cpp - a lowered function as a straight-line C program --===//
//
// Visits the live ops in the order they run and gives every value its
// storage: the arena is planned once for all batch sizes (every activation
// scales with the batch, so offsets planned per sample and multiplied by
// the batch never overlap). Quantized layers become the backend's kernels;
// consecutive elementwise ops one loop; the rest calls dfq_runtime.c
// (HostOps.cpp).
//
//===----------------------------------------------------------------------===//

#include "HostProgram.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <cstdio>
#include <tuple>

using namespace mlir;
using namespace mlir::dfq;
using namespace mlir::dfq::host;

int64_t host::product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

bool host::movesElements(ArrayRef<int64_t> shape, ArrayRef<int64_t> perm) {
  // The elements keep their order exactly when the dimensions larger than
  // one keep theirs.
  int64_t previous = -1;
  for (int64_t p : perm) {
    if (shape[p] == 1)
      continue;
    if (p < previous)
      return true;
    previous = p;
  }
  return false;
}

bool host::isToNhwc(ArrayRef<int64_t> perm) {
  return perm == ArrayRef<int64_t>(kNchwToNhwc);
}

bool host::isToNchw(ArrayRef<int64_t> perm) {
  return perm == ArrayRef<int64_t>(kNhwcToNchw);
}

std::pair<float, float> host::clipBoundsF32(ClipOp clip) {
  return {static_cast<float>(clip.getMin().convertToDouble()),
          static_cast<float>(clip.getMax().convertToDouble())};
}

std::string host::stringLiteral(StringRef text) {
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

std::string host::clipBounds(ClipOp clip) {
  auto [lo, hi] = clipBoundsF32(clip);
  return ", " + floatLiteral(lo) + ", " + floatLiteral(hi);
}

quant::UniformQuantizedType host::perTensorActivation(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return nullptr;
  auto element = dyn_cast<quant::UniformQuantizedType>(tensor.getElementType());
  return element && element.getStorageTypeIntegralWidth() <= 8 ? element
                                                               : nullptr;
}

LogicalResult HostProgram::checkSignature() {
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
void HostProgram::collectLiveOps() {
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
void HostProgram::scheduleConversions() {
  auto position = [&](Operation *op) {
    return llvm::find(liveOps, op) - liveOps.begin();
  };
  for (Operation *op : SmallVector<Operation *>(liveOps)) {
    auto quantize = dyn_cast<QuantizeOp>(op);
    Operation *def = quantize ? quantize.getInput().getDefiningOp() : nullptr;
    if (!def || !llvm::is_contained(liveOps, def) || absorbed.count(op))
      continue;
    liveOps.erase(liveOps.begin() + position(op));
    liveOps.insert(liveOps.begin() + position(def) + 1, op);
    // A transposition printed with the quantization moves along.
    if (!quantize->hasOneUse())
      continue;
    auto transpose = dyn_cast<TransposeOp>(*quantize->getUsers().begin());
    if (transpose && fusedTransposeProducer(transpose) == op &&
        llvm::is_contained(liveOps, transpose.getOperation())) {
      liveOps.erase(liveOps.begin() + position(transpose));
      liveOps.insert(liveOps.begin() + position(op) + 1, transpose);
    }
  }
  for (Operation *op : SmallVector<Operation *>(liveOps)) {
    auto dequantize = dyn_cast<DequantizeOp>(op);
    if (!dequantize || dequantize.getInput().getDefiningOp<QConstantOp>() ||
        absorbed.count(op))
      continue;
    // An op a kernel computes runs where the kernel does.
    int64_t first = int64_t(liveOps.size());
    for (Operation *user : dequantize->getUsers())
      if (llvm::is_contained(liveOps, user))
        first = std::min<int64_t>(
            first,
            position(absorbed.lookup(user) ? absorbed.lookup(user) : user));
    int64_t from = position(op);
    if (first == int64_t(liveOps.size()) || first <= from + 1)
      continue;
    liveOps.erase(liveOps.begin() + from);
    liveOps.insert(liveOps.begin() + first - 1, op);
  }
}

/// Gives a fresh op result its arena buffer (or, for reshapes, its
/// operand's storage).
LogicalResult HostProgram::assignValue(Value value, size_t step, bool fused) {
  auto type = cast<RankedTensorType>(value.getType());
  Operation *op = value.getDefiningOp();
  if (type.getRank() == 0 ||
      type.getNumDynamicDims() > (type.isDynamicDim(0) ? 1 : 0) ||
      type.getDimSize(0) != batch)
    return op->emitError()
           << "the " << targetName
           << " target needs every activation to keep the batch as "
              "its leading dimension and static other dimensions; got "
           << type;
  ValueInfo v;
  v.sampleShape.assign(type.getShape().begin() + 1, type.getShape().end());
  auto element = dyn_cast<quant::QuantizedType>(type.getElementType());
  v.quantized = element != nullptr;
  v.isSigned = element && element.isSigned();
  auto transpose = dyn_cast<TransposeOp>(op);
  if (isa<FlattenOp, ReshapeOp>(op) ||
      (transpose &&
       !movesElements(
           cast<RankedTensorType>(transpose.getInput().getType()).getShape(),
           transpose.getPerm()))) {
    const ValueInfo &source = values[op->getOperand(0)];
    v.address = source.address;
    v.buffer = source.buffer;
    values[value] = v;
    return success();
  }
  // A value placed in a concatenation's buffer, written there by its fused
  // loop; a concatenation that is a view of a later one; a concatenation
  // whose inputs are placed in its buffer.
  if (auto place = placements.find(value);
      place != placements.end() && (fused || isa<ConcatOp>(op))) {
    v.buffer = homeBuffer(place->second.home, step);
    v.address = "(@ARENA" + std::to_string(v.buffer) + "@ + " +
                std::to_string(place->second.offset * 4) + ")";
    v.rowElements = place->second.rowElements;
    v.rowStride = place->second.rowStride;
    values[value] = v;
    return success();
  }
  if (homes.contains(value)) {
    v.buffer = homeBuffer(value, step);
    v.address = "@ARENA" + std::to_string(v.buffer) + "@";
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

FailureOr<std::string> HostProgram::constantAddress(Value value) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  auto type = constant ? dyn_cast<RankedTensorType>(constant.getType())
                       : RankedTensorType();
  if (!type || !type.getElementType().isF32())
    return emitError(value.getLoc())
           << "the " << targetName
           << " target reads only f32 constants in float ops";
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

FailureOr<LayerSpec> HostProgram::extractLayerSpec(Operation *op) {
  auto schedule =
      op->getAttrOfType<KernelScheduleAttrInterface>(kKernelAttrName);
  if (!schedule)
    return op->emitError()
           << "has no 'dfq.kernel' schedule; run dfq-lower-to-kernels first";
  Value input = op->getOperand(0), weight = op->getOperand(1);
  auto inputType = perTensorActivation(input.getType());
  auto outputType = perTensorActivation(op->getResult(0).getType());
  auto weightElement = dyn_cast<quant::QuantizedType>(
      cast<RankedTensorType>(weight.getType()).getElementType());
  if (!inputType || !outputType || !weightElement ||
      weightElement.getStorageTypeIntegralWidth() > 8)
    return op->emitError() << "needs per-tensor activations and weights "
                              "stored in at most 8 bits on the "
                           << targetName << " target";
  auto qconstant = weight.getDefiningOp<QConstantOp>();
  auto weightValues = qconstant
                          ? dyn_cast<DenseIntElementsAttr>(qconstant.getValue())
                          : DenseIntElementsAttr();
  if (!weightValues)
    return op->emitError()
           << "needs its weight as a dfq.qconstant with dense values";

  LayerSpec spec;
  spec.layerName = getLayerName(op);
  spec.symbol = schedule.getSymbol().str();
  auto wShape = cast<RankedTensorType>(weight.getType()).getShape();
  spec.o = wShape[0];
  spec.c = cast<RankedTensorType>(input.getType()).getDimSize(1);
  ArrayRef<int32_t> multiplier, shift;
  Value bias;
  if (auto conv = dyn_cast<QConv2DOp>(op)) {
    // Kernels read and write NHWC: dfq-convert-layouts made it explicit.
    if (!conv.getChannelsLast())
      return op->emitOpError() << "is not channels-last; run "
                                  "dfq-convert-layouts before generating code";
    SmallVector<int64_t, 4> inShape = conv.getInputShapeNchw();
    SmallVector<int64_t, 4> outShape = conv.getResultShapeNchw();
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
    spec.isGemm = true;
    // [N, ..., K] is one column of rows-per-sample pixels of a 1x1
    // convolution, in the same memory order.
    ArrayRef<int64_t> inShape = gemm.getInput().getType().getShape();
    spec.c = inShape.back();
    spec.h = spec.outH = product(inShape.drop_front().drop_back());
    multiplier = gemm.getMultiplier();
    shift = gemm.getShift();
    bias = gemm.getBias();
  }
  spec.weightBits = weightElement.getStorageTypeIntegralWidth();
  spec.weightsSigned = weightElement.isSigned();
  spec.activationBits = inputType.getStorageTypeIntegralWidth();
  spec.inputSigned = inputType.isSigned();
  spec.outputSigned = outputType.isSigned();
  spec.inputZeroPoint = inputType.getZeroPoint();
  spec.outputZeroPoint = outputType.getZeroPoint();
  spec.outputMin = outputType.getStorageTypeMin();
  spec.outputMax = outputType.getStorageTypeMax();
  for (APInt v : weightValues.getValues<APInt>())
    spec.weights.push_back(static_cast<int32_t>(
        spec.weightsSigned ? v.getSExtValue() : int64_t(v.getZExtValue())));
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
      return op->emitError()
             << "needs a constant bias on the " << targetName << " target";
    for (APInt v : biasValues.getValues<APInt>())
      spec.bias.push_back(static_cast<int32_t>(v.getSExtValue()));
  } else {
    spec.bias.assign(spec.o, 0);
  }
  return spec;
}

LogicalResult HostProgram::emitKernel(Operation *op, size_t step) {
  FailureOr<LayerSpec> spec = extractLayerSpec(op);
  if (failed(spec))
    return failure();
  std::optional<ResidualChain> chain;
  if (auto it = chains.find(op); it != chains.end()) {
    chain = it->second;
    if (failed(fuseResidualChain(*chain, *spec, step)))
      return failure();
  }
  if (failed(backend.addKernel(op, *spec)))
    return failure();
  ++kernelCount;

  KernelOperands operands;
  operands.layer = stringLiteral(spec->layerName);
  operands.input = bytePtr(op->getOperand(0));
  // Convolution kernels compute any range of output rows (a team splits
  // them); a gemm's rows are its batch (and, over [N, ..., K], the rows of
  // each sample, which split like pixels).
  operands.splitRows = spec->outH * spec->outW > 1;
  // What kernels write (their outputs; with an epilogue, the chain's result
  // and quantizations) and what they read (their inputs; a residual an
  // epilogue reads) stay in a GPU backend's device memory: a value crosses
  // to the device only when the host program wrote it, and back only when
  // something else (a host op, the model's output) reads it.
  auto writtenByKernel = [&](Value value) {
    Operation *def = value.getDefiningOp();
    return def && (isa<QConv2DOp, QGemmOp>(def) || absorbed.count(def));
  };
  auto readByHost = [&](Value value) {
    return llvm::any_of(value.getUses(), [&](OpOperand &use) {
      Operation *user = use.getOwner();
      bool kernelInput =
          isa<QConv2DOp, QGemmOp>(user) && use.getOperandNumber() == 0;
      return !kernelInput && !absorbed.count(user);
    });
  };
  operands.inputFromHost = !writtenByKernel(op->getOperand(0));
  auto addBuffer = [&](Value value, bool isFloat, bool host) {
    operands.buffers.push_back(
        {isFloat ? floatPtr(value) : bytePtr(value), isFloat, host});
  };
  if (!chain) {
    addBuffer(op->getResult(0), false, readByHost(op->getResult(0)));
  } else {
    // The residual, then the epilogue's outputs (LayerSpec.h).
    Value residual = chain->kernelResidual();
    addBuffer(residual, !chain->residualDequantize, !writtenByKernel(residual));
    if (spec->epilogue.floatOutput)
      addBuffer(chain->result, true, readByHost(chain->result));
    for (QuantizeOp quantize : chain->quantizations)
      addBuffer(quantize.getResult(), false, readByHost(quantize.getResult()));
  }
  backend.printKernelCall(*spec, operands, prototypes, body);
  return success();
}

LogicalResult HostProgram::collectResidualChains() {
  for (Operation *op : liveOps) {
    auto schedule =
        op->getAttrOfType<KernelScheduleAttrInterface>(kKernelAttrName);
    if (!schedule || !schedule.getFused())
      continue;
    if (!backend.supportsResidualEpilogues())
      return op->emitOpError()
             << "has a residual chain recorded as fused, but the " << targetName
             << " backend has no residual epilogues";
    std::optional<ResidualChain> chain = matchResidualChain(op);
    if (!chain)
      return op->emitOpError()
             << "has a residual chain recorded as fused that the IR no "
                "longer holds; run dfq-lower-to-kernels again";
    // Dead quantizations are not computed at all.
    llvm::erase_if(chain->quantizations, [&](QuantizeOp quantize) {
      return !liveSet.contains(quantize);
    });
    // With nothing of the chain live, the layer itself is dead.
    if (!chain->resultStored && chain->quantizations.empty())
      continue;
    for (Operation *fused : chain->fusedOps())
      absorbed[fused] = op;
    chains[op] = std::move(*chain);
  }
  return success();
}

LogicalResult HostProgram::fuseResidualChain(ResidualChain &chain,
                                             LayerSpec &spec, size_t step) {
  using Epilogue = ResidualEpilogue;
  Epilogue &e = spec.epilogue;
  auto outputType = perTensorActivation(chain.dequantize.getInput().getType());
  e.outputScale = static_cast<float>(outputType.getScale());
  Value source = chain.kernelResidual();
  // The lowering fused the chain because the residual is computed before
  // the layer, and scheduling keeps it there.
  auto known = values.find(source);
  if (known == values.end() || !known->second.hasBatch)
    return chain.add->emitError()
           << "is fused into the kernel of "
           << getLayerName(chain.dequantize.getInput().getDefiningOp())
           << " but its residual is not computed before it";
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
  if (e.floatOutput && failed(assignValue(chain.result, step)))
    return failure();
  for (QuantizeOp quantize : chain.quantizations)
    if (failed(assignValue(quantize.getResult(), step)))
      return failure();
  ++fusedChains;
  return success();
}

/// Elementwise ops that can share one loop: per-tensor (de)quantizations,
/// float ops of one operand (ReLU, clip, sigmoid, ...), and float add, mul,
/// sub, div, max, min and prelu of whole activations or of operands that
/// broadcast along whole rows of the loop (a per-channel scale, a
/// squeeze-and-excitation gate).
bool HostProgram::isFusible(Operation *op, bool binaryFusible) {
  if (isBinaryElementwise(op))
    return binaryFusible;
  auto isActivation = [&](Value v) {
    auto it = values.find(v);
    return it != values.end() && it->second.hasBatch;
  };
  if (!llvm::all_of(op->getOperands(), isActivation))
    return false;
  if (auto quantize = dyn_cast<QuantizeOp>(op))
    return perTensorActivation(quantize.getType()) != nullptr;
  if (auto dequantize = dyn_cast<DequantizeOp>(op))
    return perTensorActivation(dequantize.getInput().getType()) != nullptr;
  return !unaryExpression(op, "x").empty();
}

std::optional<SmallVector<int64_t>>
HostProgram::fusedRowLengths(Operation *op) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (type.getRank() == 0 || type.getDimSize(0) != batch)
    return SmallVector<int64_t>();
  ArrayRef<int64_t> sample = type.getShape().drop_front();
  std::optional<SmallVector<int64_t>> lengths;
  for (Value operand : op->getOperands()) {
    auto it = values.find(operand);
    if (it == values.end())
      return SmallVector<int64_t>();
    const ValueInfo &in = it->second;
    if (in.hasBatch && ArrayRef<int64_t>(in.sampleShape) == sample)
      continue;
    if (in.strided())
      return SmallVector<int64_t>();
    SmallVector<int64_t> own =
        broadcastRowLengths(sample, in.sampleShape, in.hasBatch);
    if (!lengths)
      lengths = own;
    else
      llvm::erase_if(*lengths, [&](int64_t length) {
        return !llvm::is_contained(own, length);
      });
  }
  return lengths;
}

/// Emits the pending group as one loop over its elements: values used only
/// inside it stay in registers (their arena buffers shrink to nothing), the
/// others are stored. Every buffer the loop reads or writes is kept live for
/// the whole group, so that no two of them share memory and the pointers can
/// be `restrict`.
void HostProgram::flushGroup() {
  if (group.ops.empty())
    return;
  llvm::DenseSet<Operation *> members(group.ops.begin(), group.ops.end());
  llvm::DenseMap<Value, std::string> local;
  std::string names, pointers, loop;
  auto cType = [&](Value v) {
    if (!values[v].quantized)
      return std::string("float");
    return std::string(values[v].isSigned ? "int8_t" : "uint8_t");
  };
  // Without broadcast operands the loop runs over the elements (`i`);
  // with them, over rows of `cols` elements (`row`, `j`), each broadcast
  // operand read at an offset computed once per row.
  int64_t cols =
      group.rowsConstrained ? *llvm::max_element(group.rowLengths) : 0;
  std::string rowOffsets;
  llvm::StringMap<std::string> offsetNames;
  // The name of a row offset, computed once per row.
  auto rowOffset = [&](const std::string &expression) {
    std::string &name = offsetNames[expression];
    if (name.empty()) {
      name = "b" + std::to_string(offsetNames.size() - 1);
      rowOffsets += "      const int64_t " + name + " = " + expression + ";\n";
    }
    return name;
  };
  // Where row `row` of a strided value starts: rows of the loop divide its.
  auto stridedRow = [&](const ValueInfo &value) {
    int64_t perRow = value.rowElements / cols;
    std::string stride = std::to_string(value.rowStride);
    if (perRow == 1)
      return "row * " + stride;
    return "(row / " + std::to_string(perRow) + ") * " + stride + " + (row % " +
           std::to_string(perRow) + ") * " + std::to_string(cols);
  };
  llvm::DenseMap<Value, std::string> pointerNames;
  // For the lookup tables (below): the declarations of the constants'
  // pointers, the 8-bit code the loop tabulates and how the loop reads it.
  std::string constantPointers, codeAccess;
  Value code;
  auto readElement = [&](Value v, Operation *reader) -> std::string {
    if (auto it = local.find(v); it != local.end())
      return it->second;
    std::string &pointer = pointerNames[v];
    if (pointer.empty()) {
      pointer = "in" + std::to_string(pointerNames.size() - 1);
      std::string declaration = "    const " + cType(v) + " *restrict " +
                                pointer + " = (const " + cType(v) + " *)" +
                                values[v].address + ";\n";
      pointers += declaration;
      if (!values[v].hasBatch)
        constantPointers += declaration;
      if (int b = values[v].buffer; b >= 0)
        buffers[b].last = std::max(buffers[b].last, group.lastStep);
    }
    const ValueInfo &in = values[v];
    ArrayRef<int64_t> sample =
        cast<RankedTensorType>(reader->getResult(0).getType())
            .getShape()
            .drop_front();
    if (!in.hasBatch && product(in.sampleShape) == 1)
      return pointer + "[0]";
    if (in.strided())
      return pointer + "[" + rowOffset(stridedRow(in)) + " + j]";
    if (in.hasBatch && ArrayRef<int64_t>(in.sampleShape) == sample)
      return pointer + "[i]";
    // fusedRowLengths admitted the reader at this row length.
    std::optional<BroadcastRowAccess> access =
        broadcastRowAccess(sample, in.sampleShape, in.hasBatch, cols);
    assert(access && "a broadcast operand the fused loop cannot read");
    std::string offset = rowOffset(access->offset);
    return pointer + "[" + offset + (access->advances ? " + j]" : "]");
  };
  auto read = [&](Value v, Operation *reader) {
    std::string text = readElement(v, reader);
    if (v == code)
      codeAccess = text;
    return text;
  };
  // A group whose every value is a function of one 8-bit code, with an op
  // that costs more than a table lookup (sigmoid, tanh, erf, exp, ...),
  // computes its 256 possible values once, when the library is loaded, with
  // the same C expressions, and looks them up (as ONNX Runtime's
  // QLinearSigmoid does): bit for bit what the loop would compute.
  bool tabulate = llvm::any_of(group.ops, [](Operation *op) {
    return isa<SigmoidOp, TanhOp, ErfOp, ExpOp, LogOp, SoftplusOp, EluOp,
               PowOp>(op);
  });
  // Scalar constants (a GELU's 1/sqrt(2)) are part of the functions.
  for (Operation *op : group.ops)
    for (Value operand : op->getOperands()) {
      if (Operation *def = operand.getDefiningOp(); def && members.count(def))
        continue;
      if (!values[operand].hasBatch &&
          product(values[operand].sampleShape) == 1)
        continue;
      tabulate &= !code || operand == code;
      code = operand;
    }
  tabulate = tabulate && code && values[code].quantized &&
             perTensorActivation(code.getType());
  std::string compute, lookups, tableStores;
  for (auto [k, op] : llvm::enumerate(group.ops)) {
    names += (k ? ", " : "") + op->getName().getStringRef().str();
    Value result = op->getResult(0);
    std::string v = "v" + std::to_string(k), expr;
    if (auto quantize = dyn_cast<QuantizeOp>(op)) {
      auto type = perTensorActivation(quantize.getType());
      float scale = static_cast<float>(type.getScale());
      expr = "(" + cType(result) + ")dfq_rt_quantize_one(" +
             read(op->getOperand(0), op) + ", " + floatLiteral(scale) + ", " +
             floatLiteral(1.0f / scale) + ", " +
             std::to_string(type.getZeroPoint()) + ".0f, " +
             std::to_string(type.getStorageTypeMin()) + ".0f, " +
             std::to_string(type.getStorageTypeMax()) + ".0f)";
    } else if (auto dequantize = dyn_cast<DequantizeOp>(op)) {
      auto type = perTensorActivation(dequantize.getInput().getType());
      expr = "(float)((int32_t)" + read(op->getOperand(0), op) + " - " +
             std::to_string(type.getZeroPoint()) + ") * " +
             floatLiteral(static_cast<float>(type.getScale()));
    } else if (op->getNumOperands() == 1) {
      expr = unaryExpression(op, read(op->getOperand(0), op));
    } else {
      expr = binaryExpression(op, read(op->getOperand(0), op),
                              read(op->getOperand(1), op));
    }
    compute += "      " + cType(result) + " " + v + " = " + expr + ";\n";
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
      std::string at = values[result].strided()
                           ? rowOffset(stridedRow(values[result])) + " + j"
                           : "i";
      std::string store = "      " + name + "[" + at + "] = ";
      if (tabulate) {
        std::string table = "dfq_lookup_" + std::to_string(tableCount++);
        tablesCode += "static " + cType(result) + " " + table + "[256];\n";
        tableStores += "      " + table + "[q] = " + v + ";\n";
        lookups += store + table + "[q];\n";
      } else {
        compute += store + v + ";\n";
      }
      buffer.first = std::min(buffer.first, group.firstStep);
      buffer.last = std::max(buffer.last, group.lastStep);
    } else if (!values[result].strided()) {
      buffer.bytesPerSample = 0;
    }
  }
  if (tabulate) {
    // The code's reads print alike (`codeAccess`); filling the tables they
    // read `c`. A match inside a longer name (in10[i] for in0[i]) is not one.
    std::string init = compute;
    for (size_t at = init.find(codeAccess); at != std::string::npos;
         at = init.find(codeAccess, at + 1)) {
      if (at > 0 && (llvm::isAlnum(init[at - 1]) || init[at - 1] == '_'))
        continue;
      init.replace(at, codeAccess.size(), "c");
    }
    tablesInit +=
        "  {\n" + constantPointers +
        "  for (int q = 0; q < 256; ++q) {\n      const " +
        std::string(values[code].isSigned ? "int8_t c = (int8_t)q"
                                          : "uint8_t c = (uint8_t)q") +
        ";\n" + init + tableStores + "  }\n  }\n";
    loop = "      const uint8_t q = (uint8_t)" + codeAccess + ";\n" + lookups;
  } else {
    loop = compute;
  }
  body += "  /* fused: " + names + (tabulate ? " (table)" : "") + " */\n  {\n" +
          pointers + "    int64_t begin, end;\n";
  if (!group.rowsConstrained) {
    body += "    dfq_rt_share(team, n * " + std::to_string(group.elements) +
            ", &begin, &end);\n    for (int64_t i = begin; i < end; ++i) {\n" +
            loop + "    }\n  }\n";
  } else {
    std::string length = std::to_string(cols);
    body += "    dfq_rt_share_rows(team, n * " +
            std::to_string(group.elements / cols) + ", " + length +
            ", &begin, &end);\n    for (int64_t row = begin; row < end; "
            "++row) {\n" +
            rowOffsets + "      for (int64_t j = 0; j < " + length +
            "; ++j) {\n        const int64_t i = row * " + length + " + j;\n";
    for (StringRef line : llvm::split(StringRef(loop).rtrim('\n'), '\n'))
      body += "  " + line.str() + "\n";
    body += "      }\n    }\n  }\n";
  }
  // The step is named after the model's ops it computes, each once: those
  // that are not (de)quantizations (named after the layers they convert),
  // or all when there are only those.
  bool onlyConversions = llvm::all_of(group.ops, [](Operation *op) {
    return isa<QuantizeOp, DequantizeOp>(op);
  });
  std::string layers;
  llvm::StringSet<> seen;
  for (Operation *op : group.ops) {
    std::string layer = getLayerName(op);
    if ((onlyConversions || !isa<QuantizeOp, DequantizeOp>(op)) &&
        seen.insert(layer).second)
      layers += (layers.empty() ? "" : ", ") + layer;
  }
  endStep(layers, onlyConversions ? "conversion" : "host loop");
  group.ops.clear();
}

LogicalResult HostProgram::emitOp(Operation *op, size_t step) {
  if (absorbed.count(op) || printedElsewhere.contains(op))
    return success();
  if (auto dequantize = dyn_cast<DequantizeOp>(op))
    if (auto weight = dequantize.getInput().getDefiningOp<QConstantOp>())
      return emitDequantizedConstant(dequantize, weight);
  // Operands: constants get static arrays; everything else is known.
  for (Value operand : op->getOperands()) {
    if (values.count(operand) ||
        printedElsewhere.contains(operand.getDefiningOp()))
      continue;
    if (isa<QConv2DOp, QGemmOp>(op))
      continue; // weights and bias are the kernel's tables
    if (failed(constantAddress(operand)))
      return failure();
  }
  // A transposition printed with the op that writes or reads it.
  auto transpose = dyn_cast<TransposeOp>(op);
  bool printedByUser = transpose
                           ? fusedTransposeReader(transpose) != nullptr
                           : llvm::any_of(op->getUsers(), [&](Operation *user) {
                               auto t = dyn_cast<TransposeOp>(user);
                               return t && fusedTransposeProducer(t) == op;
                             });
  if (printedByUser) {
    printedElsewhere.insert(op);
    return success();
  }
  // A binary op joins a loop when its operands are whole activations, or
  // broadcast ones read per row (`rowLengths`).
  std::optional<SmallVector<int64_t>> rowLengths;
  bool binaryFusible = false;
  if (isBinaryElementwise(op)) {
    rowLengths = fusedRowLengths(op);
    binaryFusible = !rowLengths || !rowLengths->empty();
  }
  bool fused = isFusible(op, binaryFusible);
  if (!fused) {
    flushGroup();
    body += "  /* " + op->getName().getStringRef().str() + " " +
            getLayerName(op) + " */\n";
  }
  // What this op emits from here on is one step of the program.
  size_t stepStart = body.size();
  for (Value result : op->getResults())
    if (failed(assignValue(result, step, fused)))
      return failure();
  for (Value operand : op->getOperands())
    readAt(operand, step);
  // Ops other than fused loops read strided values densely, except a
  // concatenation's parts placed where it reads them.
  if (!fused) {
    auto concat = dyn_cast<ConcatOp>(op);
    for (Value operand : op->getOperands()) {
      auto place = placements.find(operand);
      bool inPlace =
          concat && place != placements.end() && values[operand].strided() &&
          (place->second.home == concat.getResult() ||
           place->second.home == placements.lookup(concat.getResult()).home);
      if (values.count(operand) && values[operand].strided() && !inPlace &&
          failed(densify(operand, step)))
        return failure();
    }
  }
  if (fused) {
    int64_t elements = product(values[op->getResult(0)].sampleShape);
    if (!group.ops.empty() && group.elements != elements)
      flushGroup();
    // Strided values are read and written in rows that divide theirs.
    for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults())) {
      if (!values[v].strided())
        continue;
      int64_t length = values[v].rowElements;
      SmallVector<int64_t> divisors;
      for (int64_t d = 1; d <= length; ++d)
        if (length % d == 0)
          divisors.push_back(d);
      if (!rowLengths)
        rowLengths = divisors;
      else
        llvm::erase_if(*rowLengths, [&](int64_t l) { return length % l; });
    }
    // Rows shorter than a vector cost more than a loop of their own.
    if (rowLengths && !group.ops.empty() && group.rowsConstrained) {
      auto longest = [](ArrayRef<int64_t> lengths) {
        return lengths.empty() ? 0 : *llvm::max_element(lengths);
      };
      SmallVector<int64_t> common;
      for (int64_t length : group.rowLengths)
        if (llvm::is_contained(*rowLengths, length))
          common.push_back(length);
      constexpr int64_t kShortRow = 16;
      if (longest(common) <
          std::min(kShortRow,
                   std::max(longest(*rowLengths), longest(group.rowLengths))))
        flushGroup();
      else
        group.rowLengths = common;
    }
    if (group.ops.empty()) {
      group.elements = elements;
      group.firstStep = step;
      group.rowsConstrained = false;
      group.rowLengths.clear();
    }
    if (rowLengths && !group.rowsConstrained) {
      group.rowsConstrained = true;
      group.rowLengths = *rowLengths;
    }
    group.ops.push_back(op);
    group.lastStep = step;
    return success();
  }
  LogicalResult result = emitHostOp(op, step);
  for (Value value : op->getResults())
    if (placements.count(value) && !values[value].strided() &&
        !isa<ConcatOp>(op))
      copyIntoPlace(value, step);
  // Kernels split their rows over a team themselves; the other host ops
  // are small and run on its first thread.
  if (isa<QConv2DOp, QGemmOp>(op))
    endStep(getLayerName(op), "kernel");
  else
    runOnFirstPart(stepStart, op);
  return result;
}

void HostProgram::readAt(Value value, size_t step) {
  if (auto it = values.find(value);
      it != values.end() && it->second.buffer >= 0)
    buffers[it->second.buffer].last =
        std::max(buffers[it->second.buffer].last, step);
}

void HostProgram::runOnFirstPart(size_t start, Operation *op) {
  if (start == body.size())
    return;
  body.insert(start, "  if (team->part == 0) {\n");
  body += "  }\n";
  endStep(getLayerName(op), isa<QuantizeOp, DequantizeOp, TransposeOp>(op)
                                ? "conversion"
                                : "host op");
}

void HostProgram::endStep(std::string name, StringRef kind) {
  body += "  dfq_rt_step_end(team, " + std::to_string(steps.size()) + ");\n";
  steps.push_back({std::move(name), kind.str()});
}

/// Greedy best-fit by size: each buffer, largest first, goes to the lowest
/// offset that no buffer with an overlapping lifetime occupies.
void HostProgram::planArena() {
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

LogicalResult HostProgram::emitOutputs() {
  size_t outputsStart = body.size();
  auto terminator = function.getBody().front().getTerminator();
  for (auto [i, result] : llvm::enumerate(terminator->getOperands())) {
    if (!values.count(result) && failed(constantAddress(result)))
      return failure();
    const ValueInfo &v = values[result];
    if (v.quantized)
      return emitError(result.getLoc())
             << "output " << i << " is quantized; the " << targetName
             << " target returns float tensors (dequantize it)";
    if (v.buffer >= 0)
      buffers[v.buffer].last = liveOps.size();
    int64_t bytes = product(v.sampleShape) * 4;
    outputsCode += "  memcpy(outputs[" + std::to_string(i) + "], " +
                   floatPtr(result) + ", (size_t)(n * " +
                   std::to_string(bytes) + "));\n";
  }
  runOnFirstPart(outputsStart, terminator);
  // The copies into `outputs` (printed by ModelSource.cpp) end the program.
  steps.push_back({"outputs", "outputs"});
  return success();
}

LogicalResult HostProgram::build() {
  if (failed(checkSignature()))
    return failure();
  // At least 16 bytes, so that every float and SIMD load of the runtime is
  // naturally aligned whatever the description says.
  if (TargetAttr target = TargetAttr::lookup(function))
    alignment = std::max<int64_t>(target.getAlignment(), 16);
  collectLiveOps();
  liveSet.insert(liveOps.begin(), liveOps.end());
  if (failed(collectResidualChains()))
    return failure();
  scheduleConversions();
  planConcatenations();
  for (BlockArgument arg : function.getArguments()) {
    ValueInfo v;
    auto type = cast<RankedTensorType>(arg.getType());
    v.sampleShape.assign(type.getShape().begin() + 1, type.getShape().end());
    v.address = "inputs[" + std::to_string(arg.getArgNumber()) + "]";
    values[arg] = v;
  }
  for (auto [step, op] : llvm::enumerate(liveOps))
    if (failed(emitOp(op, step)))
      return failure();
  flushGroup();
  if (failed(emitOutputs()))
    return failure();
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
  return success();
}
