//===- OnnxImporter.cpp - ONNX to the dfq float dialect -------------------===//
//
// Walks the nodes of an ONNX graph in order (ONNX requires a topological
// order) and emits one or a few dfq ops per node. Every failure names the node
// and its op type and leaves no module behind.
//
//===----------------------------------------------------------------------===//

#include "dfq/Import/OnnxImporter.h"

#include "OnnxImporterImpl.h"
#include "OpsetUpgrade.h"

#include "dfq/Dialect/DfqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::dfq;
using namespace mlir::dfq::onnx_import;

static constexpr llvm::StringRef kSupportedOps[] = {
    "Abs",
    "Add",
    "AveragePool",
    "BatchNormalization",
    "Cast",
    "Ceil",
    "Clip",
    "Concat",
    "Constant",
    "ConstantOfShape",
    "Conv",
    "ConvTranspose",
    "DepthToSpace",
    "Div",
    "Dropout",
    "Einsum",
    "Elu",
    "Equal",
    "Erf",
    "Exp",
    "Expand",
    "Flatten",
    "Floor",
    "Gather",
    "Gelu",
    "Gemm",
    "GlobalAveragePool",
    "GlobalMaxPool",
    "HardSigmoid",
    "HardSwish",
    "Identity",
    "InstanceNormalization",
    "LRN",
    "LayerNormalization",
    "LeakyRelu",
    "Log",
    "LogSoftmax",
    "MatMul",
    "Max",
    "MaxPool",
    "Mean",
    "Min",
    "Mod",
    "Mul",
    "Neg",
    "Not",
    "PRelu",
    "Pad",
    "Pow",
    "Range",
    "Reciprocal",
    "ReduceL1",
    "ReduceL2",
    "ReduceLogSum",
    "ReduceLogSumExp",
    "ReduceMax",
    "ReduceMean",
    "ReduceMin",
    "ReduceSum",
    "ReduceSumSquare",
    "Relu",
    "Reshape",
    "Resize",
    "ScatterND",
    "Selu",
    "Shape",
    "Sigmoid",
    "Slice",
    "Softmax",
    "Softplus",
    "Softsign",
    "SpaceToDepth",
    "Split",
    "Sqrt",
    "Squeeze",
    "Sub",
    "Sum",
    "Tanh",
    "Tile",
    "Transpose",
    "Unsqueeze",
    "Upsample",
    "Where",
};

llvm::ArrayRef<llvm::StringRef> mlir::dfq::getSupportedOnnxOps() {
  return kSupportedOps;
}

namespace {

/// Resource keys print as bare identifiers; ONNX names may hold any character.
std::string sanitizeBlobName(StringRef name) {
  std::string out;
  for (char c : name)
    out.push_back(llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_');
  if (out.empty() || llvm::isDigit(out.front()) || out.front() == '.')
    out.insert(out.begin(), '_');
  return out;
}

} // namespace

std::string mlir::dfq::onnx_import::formatDims(ArrayRef<int64_t> dims) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(dims, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << '?';
    else
      os << d;
  });
  os << ']';
  return s;
}

//===----------------------------------------------------------------------===//
// Values and constants
//===----------------------------------------------------------------------===//

LogicalResult OnnxImporter::defineValue(const onnx::Node &node,
                                        const std::string &name, Value value,
                                        Location loc) {
  if (name.empty())
    return success();
  if (values.count(name) || constants.count(name))
    return emitError(loc) << what << ": output '" << name
                          << "' is already defined (ONNX values are assigned "
                             "once)";
  values[name] = value;
  if (Operation *producer = value.getDefiningOp())
    if (llvm::any_of(producer->getOperands(), [&](Value operand) {
          return mergedBatch.contains(operand);
        }))
      mergedBatch.insert(value);
  return success();
}

LogicalResult OnnxImporter::defineConstant(const std::string &name,
                                           std::unique_ptr<onnx::Tensor> tensor,
                                           std::vector<Known> known,
                                           Location loc) {
  if (name.empty())
    return success();
  if (values.count(name) || constants.count(name) || pendingPads.count(name))
    return emitError(loc) << what << ": output '" << name
                          << "' is already defined (ONNX values are assigned "
                             "once)";
  tensor->name = name;
  constants[name] = tensor.get();
  if (!known.empty())
    runTimeElements[tensor.get()] = std::move(known);
  ownedTensors.push_back(std::move(tensor));
  return success();
}

FailureOr<Value> OnnxImporter::getInput(const onnx::Node &node, unsigned index,
                                        Location loc) {
  if (!hasInput(node, index))
    return emitError(loc) << what << ": input #" << index << " is missing";
  const std::string &name = node.inputs[index];
  auto it = values.find(name);
  auto pending = pendingPads.find(name);
  if (pending != pendingPads.end() && it == values.end()) {
    // A zero Pad read by something else than a Conv or AveragePool.
    SmallVector<int64_t> pads(8, 0);
    ArrayRef<int64_t> hw = pending->second.pads;
    pads[2] = hw[0], pads[3] = hw[1], pads[6] = hw[2], pads[7] = hw[3];
    FailureOr<Value> padded =
        createPad(loc, pending->second.source, pads, "constant", 0.0f);
    if (failed(padded))
      return failure();
    values[name] = *padded;
    return *padded;
  }
  if (it != values.end())
    return it->second;
  if (const onnx::Tensor *tensor = findConstant(name))
    return materialize(*tensor, loc);
  return emitError(loc) << what << ": input '" << name
                        << "' is not defined before use (the graph is not "
                           "topologically sorted, or the value is missing)";
}

FailureOr<const onnx::Tensor *>
OnnxImporter::getConstantInput(const onnx::Node &node, unsigned index,
                               Location loc, StringRef role,
                               bool allowBatchSize) {
  if (!hasInput(node, index))
    return emitError(loc) << what << ": input #" << index << " (" << role
                          << ") is missing";
  const onnx::Tensor *tensor = findConstant(node.inputs[index]);
  if (!tensor)
    return emitError(loc) << what << ": input '" << node.inputs[index] << "' ("
                          << role
                          << ") must be a constant (an initializer or a "
                             "Constant node)";
  if (tensor->hasExternalData)
    return emitError(loc) << what << ": tensor '" << tensor->name
                          << "' uses external data, which is not supported";
  ConstantRef ref = constantRef(tensor);
  for (size_t i = 0; i < ref.known.size(); ++i)
    if (ref.known[i] == Known::RunTime ||
        (ref.known[i] == Known::BatchSize && !allowBatchSize))
      return emitError(loc)
             << what << ": input '" << node.inputs[index] << "' (" << role
             << ") depends on the run-time batch size; it "
                "must be known when the model is imported (fix the batch with "
                "--input-shape, e.g. 1x...)";
  return tensor;
}

FailureOr<SmallVector<int64_t>>
OnnxImporter::getIntsInput(const onnx::Node &node, unsigned index, Location loc,
                           StringRef role) {
  FailureOr<const onnx::Tensor *> tensor =
      getConstantInput(node, index, loc, role);
  if (failed(tensor))
    return failure();
  if ((*tensor)->dataType != onnx::kInt64 &&
      (*tensor)->dataType != onnx::kInt32)
    return emitError(loc) << what << ": " << role
                          << " must be an INT64 or INT32 tensor";
  if ((*tensor)->dims.size() > 1)
    return emitError(loc) << what << ": " << role
                          << " must be a scalar or a 1-D tensor";
  return SmallVector<int64_t>((*tensor)->ints.begin(), (*tensor)->ints.end());
}

Value OnnxImporter::materializeF32(ArrayRef<int64_t> shape,
                                   ArrayRef<float> data, StringRef blobName,
                                   Location loc) {
  auto type = RankedTensorType::get(shape, builder.getF32Type());
  auto attr = DenseResourceElementsAttr::get(
      type, sanitizeBlobName(blobName),
      HeapAsmResourceBlob::allocateAndCopyInferAlign<float>(data));
  OpBuilder::InsertionGuard guard(builder);
  if (lastConstant)
    builder.setInsertionPointAfter(lastConstant);
  else
    builder.setInsertionPointToStart(entry);
  auto constant = arith::ConstantOp::create(builder, loc, type, attr);
  lastConstant = constant;
  return constant;
}

FailureOr<Value> OnnxImporter::materialize(const onnx::Tensor &tensor,
                                           Location loc) {
  auto it = materialized.find(tensor.name);
  if (it != materialized.end())
    return it->second;
  if (tensor.hasExternalData)
    return emitError(loc) << what << ": tensor '" << tensor.name
                          << "' uses external data, which is not supported";
  if (runTimeElements.count(&tensor))
    return emitError(loc) << what << ": tensor '" << tensor.name
                          << "' depends on the run-time batch size and is "
                             "used as data; only shapes may";
  if (tensor.dataType != onnx::kFloat)
    return emitError(loc) << what << ": tensor '" << tensor.name
                          << "' has element type "
                          << onnx::dataTypeName(tensor.dataType)
                          << "; only FLOAT tensors can be operands";
  // Initializers keep their name as the blob name and as the location.
  Value value = materializeF32(
      tensor.dims, tensor.floats, tensor.name,
      NameLoc::get(StringAttr::get(context, tensor.name), fileLoc));
  materialized[tensor.name] = value;
  return value;
}

LogicalResult OnnxImporter::checkUnusedOutputs(const onnx::Node &node,
                                               unsigned first, Location loc) {
  for (unsigned i = first; i < node.outputs.size(); ++i)
    if (!node.outputs[i].empty() && consumed.contains(node.outputs[i]))
      return emitError(loc)
             << what << ": output #" << i << " ('" << node.outputs[i]
             << "') is used, but only the first output of " << node.opType
             << " is supported";
  return success();
}

FailureOr<RankedTensorType> OnnxImporter::getTensorType(Location loc,
                                                        const char *role,
                                                        Value value,
                                                        int64_t rank) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return emitError(loc) << what << ": " << role << " is not a ranked tensor";
  if (rank >= 0 && type.getRank() != rank)
    return emitError(loc) << what << ": " << role << " has rank "
                          << type.getRank() << " "
                          << formatDims(type.getShape()) << "; only rank "
                          << rank << " is supported";
  return type;
}

//===----------------------------------------------------------------------===//
// Node importers
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>>
OnnxImporter::resolvePads(Location loc, AttributeReader &attrs,
                          RankedTensorType input, ArrayRef<int64_t> kernel,
                          ArrayRef<int64_t> strides,
                          ArrayRef<int64_t> dilations) {
  FailureOr<std::string> autoPad = attrs.getString("auto_pad", "NOTSET");
  FailureOr<std::optional<SmallVector<int64_t>>> pads = attrs.getInts("pads");
  if (failed(autoPad) || failed(pads))
    return failure();
  if (*autoPad == "NOTSET") {
    if (!*pads)
      return SmallVector<int64_t>{0, 0, 0, 0};
    if ((*pads)->size() != 4)
      return emitError(loc) << what << ": pads has " << (*pads)->size()
                            << " values; 2-D ops need 4";
    return **pads;
  }
  if (*pads)
    return emitError(loc) << what << ": pads and auto_pad = " << *autoPad
                          << " are both set";
  if (*autoPad == "VALID")
    return SmallVector<int64_t>{0, 0, 0, 0};
  if (*autoPad != "SAME_UPPER" && *autoPad != "SAME_LOWER")
    return emitError(loc) << what << ": unsupported auto_pad value '"
                          << *autoPad << "'";
  // SAME_*: output = ceil(input / stride); the odd pad goes to the end
  // (UPPER) or the beginning (LOWER). Needs static spatial sizes.
  SmallVector<int64_t> begin(2), end(2);
  for (int i = 0; i < 2; ++i) {
    int64_t size = input.getDimSize(2 + i);
    if (ShapedType::isDynamic(size))
      return emitError(loc) << what << ": auto_pad = " << *autoPad
                            << " needs static spatial dimensions, got "
                            << formatDims(input.getShape());
    int64_t out = (size + strides[i] - 1) / strides[i];
    int64_t extent = (kernel[i] - 1) * dilations[i] + 1;
    int64_t total =
        std::max<int64_t>(0, (out - 1) * strides[i] + extent - size);
    begin[i] = *autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
    end[i] = total - begin[i];
  }
  return SmallVector<int64_t>{begin[0], begin[1], end[0], end[1]};
}

/// Reads a 2-element spatial attribute (strides, dilations, kernel_shape).
static FailureOr<SmallVector<int64_t>>
getSpatial(AttributeReader &attrs, StringRef name, ArrayRef<int64_t> fallback,
           Location loc, const std::string &what) {
  FailureOr<std::optional<SmallVector<int64_t>>> value = attrs.getInts(name);
  if (failed(value))
    return failure();
  if (!*value) {
    if (fallback.empty())
      return emitError(loc)
             << what << ": attribute '" << name << "' is required";
    return SmallVector<int64_t>(fallback);
  }
  if ((*value)->size() != 2)
    return emitError(loc) << what << ": " << name << " has " << (*value)->size()
                          << " values; only 2-D (NCHW) is supported";
  return **value;
}

FailureOr<Value>
OnnxImporter::getPaddableInput(const onnx::Node &node, Location loc,
                               SmallVectorImpl<int64_t> &extraPads) {
  extraPads.assign(4, 0);
  if (hasInput(node, 0)) {
    auto it = pendingPads.find(node.inputs[0]);
    if (it != pendingPads.end()) {
      extraPads.assign(it->second.pads.begin(), it->second.pads.end());
      return it->second.source;
    }
  }
  return getInput(node, 0, loc);
}

/// The type of `type` after padding its spatial dimensions by `pads`.
static RankedTensorType padSpatial(RankedTensorType type,
                                   ArrayRef<int64_t> pads) {
  SmallVector<int64_t> shape(type.getShape());
  for (int i = 0; i < 2; ++i)
    if (!ShapedType::isDynamic(shape[2 + i]))
      shape[2 + i] += pads[i] + pads[2 + i];
  return RankedTensorType::get(shape, type.getElementType());
}

LogicalResult OnnxImporter::importConvTranspose(const onnx::Node &node,
                                                Location loc,
                                                AttributeReader &attrs) {
  FailureOr<Value> input = getInput(node, 0, loc);
  FailureOr<Value> weight =
      failed(input) ? FailureOr<Value>(failure()) : getInput(node, 1, loc);
  if (failed(weight))
    return failure();
  FailureOr<RankedTensorType> inputType =
      getTensorType(loc, "input", *input, 4);
  FailureOr<RankedTensorType> weightType =
      failed(inputType) ? FailureOr<RankedTensorType>(failure())
                        : getTensorType(loc, "weight", *weight, 4);
  if (failed(weightType))
    return failure();
  SmallVector<int64_t> weightKernel(weightType->getShape().drop_front(2));
  FailureOr<SmallVector<int64_t>> kernel =
      getSpatial(attrs, "kernel_shape", weightKernel, loc, what);
  FailureOr<SmallVector<int64_t>> strides =
      getSpatial(attrs, "strides", {1, 1}, loc, what);
  FailureOr<SmallVector<int64_t>> dilations =
      getSpatial(attrs, "dilations", {1, 1}, loc, what);
  FailureOr<SmallVector<int64_t>> outputPadding =
      getSpatial(attrs, "output_padding", {0, 0}, loc, what);
  FailureOr<int64_t> group = attrs.getInt("group", 1);
  FailureOr<std::string> autoPad = attrs.getString("auto_pad", "NOTSET");
  FailureOr<std::optional<SmallVector<int64_t>>> pads = attrs.getInts("pads");
  FailureOr<std::optional<SmallVector<int64_t>>> outputShape =
      attrs.getInts("output_shape");
  if (failed(kernel) || failed(strides) || failed(dilations) ||
      failed(outputPadding) || failed(group) || failed(autoPad) ||
      failed(pads) || failed(outputShape) || failed(attrs.finish()))
    return failure();
  if (*kernel != weightKernel)
    return emitError(loc) << what << ": kernel_shape " << formatDims(*kernel)
                          << " disagrees with the weight shape "
                          << formatDims(weightType->getShape());
  if (*autoPad != "NOTSET" && *autoPad != "VALID" && *autoPad != "SAME_UPPER" &&
      *autoPad != "SAME_LOWER")
    return emitError(loc) << what << ": auto_pad '" << *autoPad
                          << "' is not one of NOTSET, VALID, SAME_UPPER and "
                             "SAME_LOWER";
  SmallVector<int64_t> explicitPads(4, 0);
  ArrayRef<int64_t> in = inputType->getShape();
  bool same = *autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER";
  if (*outputShape || same) {
    // ONNX: the pads that give output_shape (SAME: input * stride), split
    // with the odd one at the end for SAME_UPPER, else at the start.
    SmallVector<int64_t> target;
    if (*outputShape)
      target.assign((*outputShape)->end() -
                        std::min<size_t>(2, (*outputShape)->size()),
                    (*outputShape)->end());
    if (ShapedType::isDynamic(in[2]) || ShapedType::isDynamic(in[3]) ||
        (*outputShape && target.size() != 2))
      return emitError(loc) << what
                            << ": output_shape and auto_pad need a static "
                               "H and W and two output sizes";
    for (int i = 0; i < 2; ++i) {
      int64_t size = target.empty() ? in[i + 2] * (*strides)[i] : target[i];
      int64_t total = (*strides)[i] * (in[i + 2] - 1) + (*outputPadding)[i] +
                      ((*kernel)[i] - 1) * (*dilations)[i] + 1 - size;
      // A larger output extends the end (ONNX's reference floors the
      // halves of a negative total): more output padding.
      if (total < 0) {
        (*outputPadding)[i] -= total;
        continue;
      }
      bool upper = *autoPad == "SAME_UPPER";
      explicitPads[i] = upper ? total / 2 : total - total / 2;
      explicitPads[i + 2] = upper ? total - total / 2 : total / 2;
    }
  } else if (*pads && *autoPad == "NOTSET") {
    if ((*pads)->size() != 4)
      return emitError(loc) << what << ": pads must hold 4 values";
    explicitPads = **pads;
  }
  SmallVector<Value> operands = {*input, *weight};
  if (hasInput(node, 2)) {
    FailureOr<Value> bias = getInput(node, 2, loc);
    if (failed(bias))
      return failure();
    operands.push_back(*bias);
  }
  FailureOr<Value> result = createInferred<ConvTranspose2DOp>(
      loc, operands,
      {builder.getNamedAttr("strides", builder.getDenseI64ArrayAttr(*strides)),
       builder.getNamedAttr("pads", builder.getDenseI64ArrayAttr(explicitPads)),
       builder.getNamedAttr("dilations",
                            builder.getDenseI64ArrayAttr(*dilations)),
       builder.getNamedAttr("output_padding",
                            builder.getDenseI64ArrayAttr(*outputPadding)),
       builder.getNamedAttr("groups", builder.getI64IntegerAttr(*group))});
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importConv(const onnx::Node &node, Location loc,
                                       AttributeReader &attrs) {
  SmallVector<int64_t> extraPads;
  FailureOr<Value> input = getPaddableInput(node, loc, extraPads);
  FailureOr<Value> weight =
      failed(input) ? FailureOr<Value>(failure()) : getInput(node, 1, loc);
  if (failed(weight))
    return failure();
  FailureOr<RankedTensorType> inputType = getTensorType(loc, "input", *input);
  if (failed(inputType))
    return failure();
  if (inputType->getRank() != 4)
    return emitError(loc) << what << ": input has rank " << inputType->getRank()
                          << "; only 2-D convolution (NCHW input) is "
                             "supported";
  FailureOr<RankedTensorType> weightType =
      getTensorType(loc, "weight", *weight, 4);
  if (failed(weightType))
    return failure();
  SmallVector<int64_t> weightKernel(weightType->getShape().drop_front(2));
  FailureOr<SmallVector<int64_t>> kernel =
      getSpatial(attrs, "kernel_shape", weightKernel, loc, what);
  FailureOr<SmallVector<int64_t>> strides =
      getSpatial(attrs, "strides", {1, 1}, loc, what);
  FailureOr<SmallVector<int64_t>> dilations =
      getSpatial(attrs, "dilations", {1, 1}, loc, what);
  FailureOr<int64_t> group = attrs.getInt("group", 1);
  if (failed(kernel) || failed(strides) || failed(dilations) || failed(group))
    return failure();
  for (int i = 0; i < 2; ++i)
    if (!ShapedType::isDynamic(weightKernel[i]) &&
        (*kernel)[i] != weightKernel[i])
      return emitError(loc) << what << ": kernel_shape " << formatDims(*kernel)
                            << " disagrees with the weight shape "
                            << formatDims(weightType->getShape());
  FailureOr<SmallVector<int64_t>> pads =
      resolvePads(loc, attrs, padSpatial(*inputType, extraPads), *kernel,
                  *strides, *dilations);
  if (failed(pads) || failed(attrs.finish()))
    return failure();
  for (int i = 0; i < 4; ++i)
    (*pads)[i] += extraPads[i];

  SmallVector<Value> operands = {*input, *weight};
  if (hasInput(node, 2)) {
    FailureOr<Value> bias = getInput(node, 2, loc);
    if (failed(bias))
      return failure();
    operands.push_back(*bias);
  }
  FailureOr<Value> result = createInferred<Conv2DOp>(
      loc, operands,
      {builder.getNamedAttr("strides", builder.getDenseI64ArrayAttr(*strides)),
       builder.getNamedAttr("pads", builder.getDenseI64ArrayAttr(*pads)),
       builder.getNamedAttr("dilations",
                            builder.getDenseI64ArrayAttr(*dilations)),
       builder.getNamedAttr("groups", builder.getI64IntegerAttr(*group))});
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importPool(const onnx::Node &node, Location loc,
                                       AttributeReader &attrs, bool isMax) {
  SmallVector<int64_t> extraPads(4, 0);
  FailureOr<Value> input =
      isMax ? getInput(node, 0, loc) : getPaddableInput(node, loc, extraPads);
  if (failed(input))
    return failure();
  FailureOr<RankedTensorType> inputType = getTensorType(loc, "input", *input);
  if (failed(inputType))
    return failure();
  if (inputType->getRank() != 4)
    return emitError(loc) << what << ": input has rank " << inputType->getRank()
                          << "; only 2-D pooling (NCHW input) is supported";
  FailureOr<SmallVector<int64_t>> kernel =
      getSpatial(attrs, "kernel_shape", {}, loc, what);
  FailureOr<SmallVector<int64_t>> strides =
      getSpatial(attrs, "strides", {1, 1}, loc, what);
  FailureOr<SmallVector<int64_t>> dilations =
      getSpatial(attrs, "dilations", {1, 1}, loc, what);
  FailureOr<int64_t> ceilMode = attrs.getFlag("ceil_mode", 0);
  if (failed(kernel) || failed(strides) || failed(dilations) ||
      failed(ceilMode))
    return failure();
  // AveragePool takes dilations from opset 19 on; dfq.avg_pool2d has none.
  if (!isMax && *dilations != SmallVector<int64_t>{1, 1})
    return emitError(loc) << what << ": dilated average pooling is not "
                          << "supported";
  FailureOr<SmallVector<int64_t>> pads =
      resolvePads(loc, attrs, padSpatial(*inputType, extraPads), *kernel,
                  *strides, *dilations);
  if (failed(pads))
    return failure();
  bool folded = llvm::any_of(extraPads, [](int64_t p) { return p != 0; });
  bool ownPads = llvm::any_of(*pads, [](int64_t p) { return p != 0; });
  for (int i = 0; i < 4; ++i)
    (*pads)[i] += extraPads[i];

  SmallVector<NamedAttribute> opAttrs = {
      builder.getNamedAttr("kernel_shape",
                           builder.getDenseI64ArrayAttr(*kernel)),
      builder.getNamedAttr("strides", builder.getDenseI64ArrayAttr(*strides)),
      builder.getNamedAttr("pads", builder.getDenseI64ArrayAttr(*pads)),
      builder.getNamedAttr("ceil_mode", builder.getBoolAttr(*ceilMode != 0))};
  FailureOr<Value> result;
  if (isMax) {
    FailureOr<int64_t> storageOrder = attrs.getFlag("storage_order", 0);
    if (failed(storageOrder))
      return failure();
    if (*storageOrder != 0)
      return emitError(loc) << what
                            << ": storage_order = 1 (column-major indices) is "
                               "not supported";
    if (failed(attrs.finish()) || failed(checkUnusedOutputs(node, 1, loc)))
      return failure();
    opAttrs.push_back(builder.getNamedAttr(
        "dilations", builder.getDenseI64ArrayAttr(*dilations)));
    result = createInferred<MaxPool2DOp>(loc, *input, opAttrs);
  } else {
    FailureOr<int64_t> countIncludePad = attrs.getFlag("count_include_pad", 0);
    if (failed(countIncludePad) || failed(attrs.finish()))
      return failure();
    // Zeros written by a Pad are input and count in every divisor; as pads
    // they count only with count_include_pad, and ceil-mode windows may not
    // start in them. Fold only where both readings agree.
    if (folded) {
      if ((ownPads && !*countIncludePad) || *ceilMode)
        return emitError(loc)
               << what << ": cannot fold the preceding Pad into an "
               << "AveragePool with ceil_mode or with its own pads and "
                  "count_include_pad = 0";
      *countIncludePad = 1;
    }
    opAttrs.push_back(builder.getNamedAttr(
        "count_include_pad", builder.getBoolAttr(*countIncludePad != 0)));
    result = createInferred<AvgPool2DOp>(loc, *input, opAttrs);
  }
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importBatchNorm(const onnx::Node &node,
                                            Location loc,
                                            AttributeReader &attrs) {
  FailureOr<float> epsilon = attrs.getFloat("epsilon", 1e-5f);
  FailureOr<int64_t> trainingMode = attrs.getFlag("training_mode", 0);
  attrs.ignore("momentum"); // only used to update running stats in training
  if (failed(epsilon) || failed(trainingMode) || failed(attrs.finish()))
    return failure();
  if (*trainingMode != 0)
    return emitError(loc) << what
                          << ": training_mode = 1 is not supported (dfq "
                             "imports inference graphs)";
  if (failed(checkUnusedOutputs(node, 1, loc)))
    return failure();
  SmallVector<Value> operands;
  for (unsigned i = 0; i < 5; ++i) {
    FailureOr<Value> operand = getInput(node, i, loc);
    if (failed(operand))
      return failure();
    operands.push_back(*operand);
  }
  FailureOr<RankedTensorType> inputType =
      getTensorType(loc, "input", operands[0]);
  if (failed(inputType))
    return failure();
  if (inputType->getRank() != 2 && inputType->getRank() != 4)
    return emitError(loc) << what << ": input has rank " << inputType->getRank()
                          << "; only [N, C] and [N, C, H, W] are supported";
  // ONNX stores epsilon as a float; widen the float, not its decimal text, so
  // that the executed value is exactly what the exporter wrote.
  FailureOr<Value> result = createInferred<BatchNormOp>(
      loc, operands,
      {builder.getNamedAttr("epsilon",
                            builder.getF64FloatAttr(double(*epsilon)))});
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

FailureOr<Value> OnnxImporter::materializeWeight(const onnx::Tensor &b,
                                                 float alpha, bool transB,
                                                 Location loc) {
  if (transB && alpha == 1.0f)
    return materialize(b, loc);
  int64_t rows = b.dims[0], cols = b.dims[1];
  int64_t n = transB ? rows : cols, k = transB ? cols : rows;
  std::vector<float> data(n * k);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < k; ++j)
      data[i * k + j] =
          alpha * (transB ? b.floats[i * k + j] : b.floats[j * n + i]);
  return materializeF32({n, k}, data, b.name + "_nk", loc);
}

FailureOr<Value> OnnxImporter::importMatMul(const onnx::Node &node,
                                            Location loc, Value lhs) {
  // A product by a constant matrix is a Linear layer: a dfq.gemm that
  // quantizes per output channel, over every row of the leading dimensions.
  const onnx::Tensor *b = findConstant(node.inputs[1]);
  auto lhsType = dyn_cast<RankedTensorType>(lhs.getType());
  if (b && b->dataType == onnx::kFloat && b->dims.size() == 2 &&
      !b->hasExternalData && !runTimeElements.count(b) && lhsType &&
      lhsType.getRank() >= 2) {
    FailureOr<Value> weight = materializeWeight(*b, 1.0f, false, loc);
    if (failed(weight))
      return failure();
    return createInferred<GemmOp>(loc, ValueRange{lhs, *weight});
  }
  FailureOr<Value> rhs = getInput(node, 1, loc);
  if (failed(rhs))
    return failure();
  for (Value operand : {lhs, *rhs}) {
    FailureOr<RankedTensorType> type = getTensorType(loc, "operand", operand);
    if (failed(type))
      return failure();
    if (type->getRank() < 2)
      return emitError(loc)
             << what << ": 1-D MatMul operands are not supported";
  }
  return createInferred<MatMulOp>(loc, ValueRange{lhs, *rhs});
}

std::optional<Value> OnnxImporter::foldBiasIntoGemm(const onnx::Node &node,
                                                    Location loc) {
  // Add(MatMul(x, W), b) with a constant per-column b is a Linear layer's
  // bias; it joins the gemm when nothing else reads the product.
  for (unsigned i : {0u, 1u}) {
    auto product = values.find(node.inputs[i]);
    const onnx::Tensor *c = findConstant(node.inputs[1 - i]);
    if (product == values.end() || !c || c->dataType != onnx::kFloat ||
        c->hasExternalData || runTimeElements.count(c) ||
        useCounts.lookup(node.inputs[i]) != 1)
      continue;
    auto gemm = product->second.getDefiningOp<GemmOp>();
    if (!gemm || gemm.getBias())
      continue;
    auto type = cast<RankedTensorType>(gemm.getType());
    int64_t columns = type.getShape().back();
    // The bias must not broadcast the product to a larger shape.
    if (ShapedType::isDynamic(columns) || c->dims.empty() ||
        c->dims.size() > static_cast<size_t>(type.getRank()) ||
        c->dims.back() != columns ||
        llvm::any_of(ArrayRef<int64_t>(c->dims).drop_back(),
                     [](int64_t d) { return d != 1; }))
      continue;
    Value bias = materializeF32({columns}, c->floats, c->name + "_bias", loc);
    auto fused = GemmOp::create(builder, gemm.getLoc(), type, gemm.getInput(),
                                gemm.getWeight(), bias);
    gemm->replaceAllUsesWith(fused);
    gemm->erase();
    values[node.inputs[i]] = fused.getResult();
    return fused.getResult();
  }
  return std::nullopt;
}

LogicalResult OnnxImporter::importGemm(const onnx::Node &node, Location loc,
                                       AttributeReader &attrs) {
  FailureOr<float> alpha = attrs.getFloat("alpha", 1.0f);
  FailureOr<float> beta = attrs.getFloat("beta", 1.0f);
  FailureOr<int64_t> transA = attrs.getFlag("transA", 0);
  FailureOr<int64_t> transB = attrs.getFlag("transB", 0);
  if (failed(alpha) || failed(beta) || failed(transA) || failed(transB) ||
      failed(attrs.finish()))
    return failure();

  FailureOr<Value> a = getInput(node, 0, loc);
  if (failed(a) || failed(getTensorType(loc, "A", *a, 2)))
    return failure();
  if (*transA) {
    a = createInferred<TransposeOp>(
        loc, *a,
        {builder.getNamedAttr("perm", builder.getDenseI64ArrayAttr({1, 0}))});
    if (failed(a))
      return failure();
  }

  // dfq.gemm takes the weight as [N, K]. A constant B is stored that way
  // (with alpha folded in); a computed B is transposed by an op when needed.
  Value weight;
  bool alphaFolded = false;
  if (!hasInput(node, 1))
    return emitError(loc) << what << ": input #1 (B) is missing";
  if (const onnx::Tensor *b = findConstant(node.inputs[1])) {
    if (b->dataType != onnx::kFloat || b->dims.size() != 2 ||
        b->hasExternalData)
      return emitError(loc) << what << ": B must be a 2-D FLOAT tensor";
    FailureOr<Value> w = materializeWeight(*b, *alpha, *transB != 0, loc);
    if (failed(w))
      return failure();
    weight = *w;
    alphaFolded = true;
  } else {
    FailureOr<Value> computedB = getInput(node, 1, loc);
    if (failed(computedB) || failed(getTensorType(loc, "B", *computedB, 2)))
      return failure();
    weight = *computedB;
    if (!*transB) {
      FailureOr<Value> bt = createInferred<TransposeOp>(
          loc, *computedB,
          {builder.getNamedAttr("perm", builder.getDenseI64ArrayAttr({1, 0}))});
      if (failed(bt))
        return failure();
      weight = *bt;
    }
  }
  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t n = weightType.getDimSize(0);

  // A constant C that is one value per output column becomes the gemm bias;
  // anything else is added after the product.
  SmallVector<Value> operands = {*a, weight};
  Value addend;
  if (hasInput(node, 2) && *beta != 0.0f) {
    const onnx::Tensor *c = findConstant(node.inputs[2]);
    bool perColumn =
        c && c->dataType == onnx::kFloat && !c->hasExternalData &&
        !ShapedType::isDynamic(n) &&
        ((c->dims.size() == 1 && (c->dims[0] == n || c->dims[0] == 1)) ||
         (c->dims.size() == 2 && c->dims[0] == 1 &&
          (c->dims[1] == n || c->dims[1] == 1)) ||
         c->dims.empty());
    if (perColumn) {
      std::vector<float> bias(n);
      for (int64_t i = 0; i < n; ++i)
        bias[i] = *beta * c->floats[c->floats.size() == 1 ? 0 : i];
      if (*beta == 1.0f && c->dims.size() == 1 && c->dims[0] == n) {
        FailureOr<Value> value = materialize(*c, loc);
        if (failed(value))
          return failure();
        operands.push_back(*value);
      } else {
        operands.push_back(materializeF32({n}, bias, c->name + "_bias", loc));
      }
    } else {
      FailureOr<Value> value = getInput(node, 2, loc);
      if (failed(value))
        return failure();
      addend = *value;
      if (*beta != 1.0f) {
        Value scale = materializeF32({}, {*beta}, "gemm_beta", loc);
        FailureOr<Value> scaled =
            createInferred<MulOp>(loc, ValueRange{addend, scale});
        if (failed(scaled))
          return failure();
        addend = *scaled;
      }
    }
  }
  FailureOr<Value> result = createInferred<GemmOp>(loc, operands);
  if (failed(result))
    return failure();
  if (!alphaFolded && *alpha != 1.0f) {
    Value scale = materializeF32({}, {*alpha}, "gemm_alpha", loc);
    result = createInferred<MulOp>(loc, ValueRange{*result, scale});
    if (failed(result))
      return failure();
  }
  if (addend) {
    result = createInferred<AddOp>(loc, ValueRange{*result, addend});
    if (failed(result))
      return failure();
  }
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importClip(const onnx::Node &node, Location loc) {
  FailureOr<Value> input = getInput(node, 0, loc);
  if (failed(input))
    return failure();
  double bounds[2] = {-std::numeric_limits<double>::infinity(),
                      std::numeric_limits<double>::infinity()};
  const char *roles[2] = {"min", "max"};
  for (unsigned i = 0; i < 2; ++i) {
    if (!hasInput(node, 1 + i))
      continue;
    FailureOr<const onnx::Tensor *> bound =
        getConstantInput(node, 1 + i, loc, roles[i]);
    if (failed(bound))
      return failure();
    if ((*bound)->dataType != onnx::kFloat || (*bound)->floats.size() != 1)
      return emitError(loc)
             << what << ": " << roles[i] << " must be a FLOAT scalar";
    bounds[i] = (*bound)->floats[0];
  }
  FailureOr<Value> result = createTyped<ClipOp>(
      loc, input->getType(), *input,
      {builder.getNamedAttr("min", builder.getF64FloatAttr(bounds[0])),
       builder.getNamedAttr("max", builder.getF64FloatAttr(bounds[1]))});
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importReshape(const onnx::Node &node, Location loc,
                                          AttributeReader &attrs) {
  FailureOr<int64_t> allowZero = attrs.getFlag("allowzero", 0);
  if (failed(allowZero) || failed(attrs.finish()))
    return failure();
  FailureOr<Value> input = getInput(node, 0, loc);
  if (failed(input))
    return failure();
  FailureOr<RankedTensorType> inputType = getTensorType(loc, "input", *input);
  FailureOr<const onnx::Tensor *> shapeTensor =
      failed(inputType) ? FailureOr<const onnx::Tensor *>(failure())
                        : getConstantInput(node, 1, loc, "shape",
                                           /*allowBatchSize=*/true);
  if (failed(shapeTensor))
    return failure();
  if ((*shapeTensor)->dataType != onnx::kInt64 ||
      (*shapeTensor)->dims.size() != 1)
    return emitError(loc) << what << ": shape must be a 1-D INT64 tensor";

  // Resolve 0 (copy the input dimension) and -1 (whatever is left). A copied
  // dynamic dimension cancels one dynamic input dimension, so a dynamic batch
  // flows through `[0, -1]` and `[-1, K]` keeps its static K. An entry that
  // Shape read off the batch (`x.view(x.size(0), -1)`) cancels the input's
  // batch the same way.
  ConstantRef shapeRef = constantRef(*shapeTensor);
  bool batchIsInput = dynamicDimIsBatch(*input);
  ArrayRef<int64_t> inShape = inputType->getShape();
  int64_t knownIn = 1, dynamicIn = 0;
  for (int64_t d : inShape) {
    if (ShapedType::isDynamic(d))
      ++dynamicIn;
    else
      knownIn *= d;
  }
  SmallVector<int64_t> outShape;
  int64_t knownOut = 1, inferIndex = -1;
  for (auto [i, t] : llvm::enumerate((*shapeTensor)->ints)) {
    if (shapeRef.at(i) == Known::BatchSize) {
      if (!batchIsInput || dynamicIn == 0)
        return emitError(loc)
               << what << ": entry " << i << " of the shape is the run-time "
               << "batch size, but the input " << formatDims(inShape)
               << " does not keep the batch as a dimension of its own";
      --dynamicIn;
      outShape.push_back(ShapedType::kDynamic);
    } else if (t == 0 && !*allowZero) {
      if (i >= inShape.size())
        return emitError(loc)
               << what << ": shape " << formatDims((*shapeTensor)->ints)
               << " copies dimension " << i << " of a rank-" << inShape.size()
               << " input";
      outShape.push_back(inShape[i]);
      if (ShapedType::isDynamic(inShape[i]))
        --dynamicIn;
      else
        knownOut *= inShape[i];
    } else if (t == -1) {
      if (inferIndex >= 0)
        return emitError(loc) << what << ": shape has more than one -1";
      inferIndex = i;
      outShape.push_back(ShapedType::kDynamic);
    } else if (t < 0 || (t == 0 && *allowZero)) {
      return emitError(loc)
             << what << ": shape " << formatDims((*shapeTensor)->ints)
             << " has an unsupported entry " << t;
    } else {
      outShape.push_back(t);
      knownOut *= t;
    }
  }
  // A dynamic input dimension that neither a copied dimension nor -1 takes
  // up would need a static result of a run-time size: `[1, 144]` from a
  // batch-dynamic `[?, 4, 6, 6]` holds only at batch 1.
  if (dynamicIn > 0 && inferIndex < 0)
    return emitError(loc) << what << ": cannot reshape " << formatDims(inShape)
                          << " to the static shape " << formatDims(outShape)
                          << ": its size depends on the run-time "
                          << (batchIsInput ? "batch" : "dimension");
  if (dynamicIn == 0) {
    if (inferIndex >= 0) {
      if (knownOut == 0 || knownIn % knownOut != 0)
        return emitError(loc)
               << what << ": cannot reshape " << formatDims(inShape) << " to "
               << formatDims((*shapeTensor)->ints);
      outShape[inferIndex] = knownIn / knownOut;
    } else if (inputType->hasStaticShape() && knownIn != knownOut) {
      return emitError(loc)
             << what << ": cannot reshape " << formatDims(inShape) << " ("
             << knownIn << " elements) to " << formatDims(outShape);
    }
  }
  auto resultType =
      RankedTensorType::get(outShape, inputType->getElementType());
  if (resultType.getNumDynamicDims() > 1)
    return emitError(loc) << what << ": reshaping " << formatDims(inShape)
                          << " by " << formatDims((*shapeTensor)->ints)
                          << " leaves more than one dynamic dimension";
  FailureOr<Value> result = createTyped<ReshapeOp>(loc, resultType, *input);
  if (failed(result))
    return failure();
  // A -1 that absorbs the batch together with other dimensions makes a
  // dynamic dimension that is no longer the batch itself.
  if (inferIndex >= 0 && ShapedType::isDynamic(outShape[inferIndex]) &&
      knownIn != knownOut)
    mergedBatch.insert(*result);
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importSoftmax(const onnx::Node &node, Location loc,
                                          AttributeReader &attrs) {
  // Opset 13 normalizes along one axis (default -1); opsets 11 and 12 flatten
  // to 2-D at `axis` (default 1) and normalize each row.
  FailureOr<int64_t> axis = attrs.getInt("axis", opset >= 13 ? -1 : 1);
  if (failed(axis) || failed(attrs.finish()))
    return failure();
  FailureOr<Value> input = getInput(node, 0, loc);
  if (failed(input))
    return failure();
  FailureOr<RankedTensorType> type = getTensorType(loc, "input", *input);
  if (failed(type))
    return failure();
  int64_t rank = type->getRank();
  if (*axis < -rank || *axis >= std::max<int64_t>(rank, 1))
    return emitError(loc) << what << ": axis " << *axis
                          << " is out of range for rank " << rank;
  int64_t normalized = *axis < 0 ? *axis + rank : *axis;
  // LogSoftmax as ONNX defines it: d = x - max(x); d - log(sum(exp(d))).
  bool isLog = node.opType == "LogSoftmax";
  auto normalize = [&](Value x, RankedTensorType xType,
                       int64_t along) -> FailureOr<Value> {
    if (!isLog)
      return createTyped<SoftmaxOp>(
          loc, xType, x,
          {builder.getNamedAttr("axis", builder.getI64IntegerAttr(along))});
    int64_t a = along < 0 ? along + xType.getRank() : along;
    NamedAttribute reduceAttrs[] = {
        builder.getNamedAttr("axes", builder.getDenseI64ArrayAttr({a})),
        builder.getNamedAttr("keepdims", builder.getBoolAttr(true))};
    FailureOr<Value> max = createInferred<ReduceMaxOp>(loc, x, reduceAttrs);
    FailureOr<Value> shifted =
        failed(max) ? max : createInferred<SubOp>(loc, ValueRange{x, *max});
    FailureOr<Value> exp =
        failed(shifted) ? shifted : createTyped<ExpOp>(loc, xType, *shifted);
    FailureOr<Value> sum =
        failed(exp) ? exp : createInferred<ReduceSumOp>(loc, *exp, reduceAttrs);
    FailureOr<Value> log =
        failed(sum) ? sum : createTyped<LogOp>(loc, sum->getType(), *sum);
    return failed(log) ? log
                       : createInferred<SubOp>(loc, ValueRange{*shifted, *log});
  };
  FailureOr<Value> result;
  if (opset >= 13 || normalized == rank - 1) {
    result = normalize(*input, *type, *axis);
  } else {
    ArrayRef<int64_t> shape = type->getShape();
    int64_t rows = 1, cols = 1;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t &part = i < normalized ? rows : cols;
      if (ShapedType::isDynamic(shape[i]) || ShapedType::isDynamic(part))
        part = ShapedType::kDynamic;
      else
        part *= shape[i];
    }
    if (ShapedType::isDynamic(cols) ||
        (ShapedType::isDynamic(rows) && !type->getNumDynamicDims()))
      return emitError(loc)
             << what << ": opset-" << opset << " Softmax over axis " << *axis
             << " needs static trailing dimensions, got " << formatDims(shape);
    auto flatType = RankedTensorType::get({rows, cols}, type->getElementType());
    FailureOr<Value> flat = createTyped<ReshapeOp>(loc, flatType, *input);
    if (failed(flat))
      return failure();
    FailureOr<Value> normalizedRows = normalize(*flat, flatType, -1);
    if (failed(normalizedRows))
      return failure();
    result = createTyped<ReshapeOp>(loc, *type, *normalizedRows);
  }
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importReduce(const onnx::Node &node, Location loc,
                                         AttributeReader &attrs) {
  StringRef op = node.opType;
  FailureOr<std::optional<SmallVector<int64_t>>> axes = attrs.getInts("axes");
  FailureOr<int64_t> keepdims = failed(axes) ? FailureOr<int64_t>(failure())
                                             : attrs.getFlag("keepdims", 1);
  // ReduceSum (opset 13) and the other reductions (opset 18) take their
  // axes as an input; with none given, they reduce everything unless
  // noop_with_empty_axes.
  bool axesAsInput = opset >= (op == "ReduceSum" ? 13 : 18);
  FailureOr<int64_t> noop = failed(keepdims) ? FailureOr<int64_t>(failure())
                            : axesAsInput
                                ? attrs.getFlag("noop_with_empty_axes", 0)
                                : FailureOr<int64_t>(0);
  if (failed(noop) || failed(attrs.finish()))
    return failure();
  if (hasInput(node, 1)) {
    if (!axesAsInput)
      return emitError(loc)
             << what << ": has an axes input, which this opset's " << op
             << " does not take";
    FailureOr<SmallVector<int64_t>> given = getIntsInput(node, 1, loc, "axes");
    if (failed(given))
      return failure();
    if (!given->empty())
      *axes = *given;
  }
  FailureOr<Value> input = getInput(node, 0, loc);
  if (failed(input))
    return failure();
  FailureOr<RankedTensorType> type = getTensorType(loc, "input", *input);
  if (failed(type))
    return failure();
  // The other reductions of ONNX are a sum or a maximum between elementwise
  // steps, as its reference defines them: L1 = sum |x|, L2 = sqrt(sum x^2),
  // SumSquare = sum x^2, LogSum = log(sum x), LogSumExp = log(sum exp(x)),
  // Min = -max(-x) (negation is exact).
  auto minusOne = [&] { return materializeF32({}, {-1.0f}, "minus_one", loc); };
  auto before = [&](Value x) -> FailureOr<Value> {
    Type t = x.getType();
    if (op == "ReduceMin")
      return createTyped<MulOp>(loc, t, ValueRange{x, minusOne()});
    if (op == "ReduceL1")
      return createTyped<AbsOp>(loc, t, x);
    if (op == "ReduceL2" || op == "ReduceSumSquare")
      return createTyped<MulOp>(loc, t, ValueRange{x, x});
    if (op == "ReduceLogSumExp")
      return createTyped<ExpOp>(loc, t, x);
    return x;
  };
  auto after = [&](Value x) -> FailureOr<Value> {
    Type t = x.getType();
    if (op == "ReduceMin")
      return createTyped<MulOp>(loc, t, ValueRange{x, minusOne()});
    if (op == "ReduceL2")
      return createTyped<SqrtOp>(loc, t, x);
    if (op == "ReduceLogSum" || op == "ReduceLogSumExp")
      return createTyped<LogOp>(loc, t, x);
    return x;
  };
  if (!*axes && *noop) {
    // Nothing is reduced; the elementwise steps still apply.
    FailureOr<Value> pre = before(*input);
    FailureOr<Value> result = failed(pre) ? pre : after(*pre);
    if (failed(result))
      return failure();
    return defineValue(node, node.outputs[0], *result, loc);
  }
  // Without axes, ONNX reduces every dimension.
  SmallVector<int64_t> normalized;
  for (int64_t d = 0; d < type->getRank(); ++d)
    normalized.push_back(d);
  if (*axes) {
    normalized.clear();
    for (int64_t a : **axes)
      normalized.push_back(a < 0 ? a + type->getRank() : a);
  }
  llvm::sort(normalized);
  // The spatial mean of an NCHW tensor (how MNASNet and converters write a
  // global average pooling) is a global pooling, which the targets run
  // channels-last; any other mean is a dfq.reduce_mean.
  if (op != "ReduceMean" || type->getRank() != 4 ||
      normalized != SmallVector<int64_t>{2, 3}) {
    NamedAttribute reduceAttrs[] = {
        builder.getNamedAttr("axes", builder.getDenseI64ArrayAttr(normalized)),
        builder.getNamedAttr("keepdims", builder.getBoolAttr(*keepdims))};
    FailureOr<Value> pre = before(*input);
    if (failed(pre))
      return failure();
    FailureOr<Value> reduced =
        op == "ReduceMean"
            ? createInferred<ReduceMeanOp>(loc, *pre, reduceAttrs)
        : op == "ReduceMax" || op == "ReduceMin"
            ? createInferred<ReduceMaxOp>(loc, *pre, reduceAttrs)
            : createInferred<ReduceSumOp>(loc, *pre, reduceAttrs);
    FailureOr<Value> result = failed(reduced) ? reduced : after(*reduced);
    if (failed(result))
      return failure();
    return defineValue(node, node.outputs[0], *result, loc);
  }
  FailureOr<Value> result = createInferred<GlobalAvgPoolOp>(loc, *input);
  if (succeeded(result) && *keepdims == 0) {
    ArrayRef<int64_t> shape = type->getShape();
    result = createTyped<ReshapeOp>(
        loc,
        RankedTensorType::get({shape[0], shape[1]}, type->getElementType()),
        *result);
  }
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importLayerNorm(const onnx::Node &node,
                                            Location loc,
                                            AttributeReader &attrs) {
  FailureOr<int64_t> axis = attrs.getInt("axis", -1);
  FailureOr<float> epsilon = failed(axis) ? FailureOr<float>(failure())
                                          : attrs.getFloat("epsilon", 1e-5f);
  FailureOr<int64_t> stash = failed(epsilon) ? FailureOr<int64_t>(failure())
                                             : attrs.getInt("stash_type", 1);
  if (failed(stash) || failed(attrs.finish()))
    return failure();
  if (*stash != onnx::kFloat)
    return emitError(loc) << what << ": stash_type " << *stash
                          << " is not supported (dfq computes in FLOAT, 1)";
  SmallVector<Value, 3> operands;
  for (unsigned i = 0; i < 3; ++i) {
    if (i == 2 && !hasInput(node, 2))
      break;
    FailureOr<Value> operand = getInput(node, i, loc);
    if (failed(operand))
      return failure();
    operands.push_back(*operand);
  }
  FailureOr<RankedTensorType> type = getTensorType(loc, "input", operands[0]);
  if (failed(type))
    return failure();
  // The file's float epsilon, widened exactly (as for BatchNormalization).
  FailureOr<Value> result = createTyped<LayerNormOp>(
      loc, *type, operands,
      {builder.getNamedAttr("axis", builder.getI64IntegerAttr(*axis)),
       builder.getNamedAttr("epsilon", builder.getF64FloatAttr(*epsilon))});
  if (failed(result) ||
      failed(defineValue(node, node.outputs[0], *result, loc)))
    return failure();
  // The optional Mean and InvStdDev outputs (training graphs and ONNX's
  // tests read them) are computed on the side, as ONNX's function body
  // defines them: keepdims reductions over the normalized dimensions.
  auto used = [&](unsigned i) {
    return i < node.outputs.size() && !node.outputs[i].empty() &&
           consumed.contains(node.outputs[i]);
  };
  if (!used(1) && !used(2))
    return success();
  int64_t rank = type->getRank();
  int64_t first = *axis < 0 ? *axis + rank : *axis;
  SmallVector<int64_t> axes;
  for (int64_t d = first; d < rank; ++d)
    axes.push_back(d);
  auto reduce = [&](Value v) {
    return createInferred<ReduceMeanOp>(
        loc, v,
        {builder.getNamedAttr("axes", builder.getDenseI64ArrayAttr(axes)),
         builder.getNamedAttr("keepdims", builder.getBoolAttr(true))});
  };
  FailureOr<Value> mean = reduce(operands[0]);
  if (failed(mean) ||
      (used(1) && failed(defineValue(node, node.outputs[1], *mean, loc))))
    return failure();
  if (!used(2))
    return success();
  FailureOr<Value> centered =
      createInferred<SubOp>(loc, ValueRange{operands[0], *mean});
  FailureOr<Value> squared =
      failed(centered)
          ? FailureOr<Value>(failure())
          : createInferred<MulOp>(loc, ValueRange{*centered, *centered});
  FailureOr<Value> variance =
      failed(squared) ? FailureOr<Value>(failure()) : reduce(*squared);
  if (failed(variance))
    return failure();
  Value eps = materializeF32({}, {*epsilon}, node.outputs[2] + "_epsilon", loc);
  Value one = materializeF32({}, {1.0f}, node.outputs[2] + "_one", loc);
  FailureOr<Value> shifted =
      createInferred<AddOp>(loc, ValueRange{*variance, eps});
  FailureOr<Value> stdDev =
      failed(shifted) ? FailureOr<Value>(failure())
                      : createTyped<SqrtOp>(loc, shifted->getType(), *shifted);
  FailureOr<Value> inverse =
      failed(stdDev) ? FailureOr<Value>(failure())
                     : createInferred<DivOp>(loc, ValueRange{one, *stdDev});
  if (failed(inverse))
    return failure();
  return defineValue(node, node.outputs[2], *inverse, loc);
}

LogicalResult OnnxImporter::importPow(const onnx::Node &node, Location loc,
                                      AttributeReader &attrs) {
  if (failed(attrs.finish()))
    return failure();
  FailureOr<Value> base = getInput(node, 0, loc);
  if (failed(base))
    return failure();
  // Normalizations square and take square roots; those exponents have
  // exact forms (ATen computes pow(x, 2) as x * x and pow(x, 0.5) as sqrt).
  FailureOr<const onnx::Tensor *> exponent =
      getConstantInput(node, 1, loc, "exponent");
  if (failed(exponent))
    return failure();
  const onnx::Tensor &e = **exponent;
  std::optional<double> value;
  if (e.dataType == onnx::kFloat && e.floats.size() == 1)
    value = e.floats[0];
  else if ((e.dataType == onnx::kInt64 || e.dataType == onnx::kInt32) &&
           e.ints.size() == 1)
    value = static_cast<double>(e.ints[0]);
  auto type = dyn_cast<RankedTensorType>(base->getType());
  if (!value || !type ||
      (e.dims.size() > static_cast<size_t>(type.getRank())) ||
      static_cast<double>(static_cast<float>(*value)) != *value)
    return emitError(loc) << what
                          << ": only a constant scalar exponent (an f32 "
                             "value) is supported";
  FailureOr<Value> result = *base;
  if (*value == 2)
    result = createTyped<MulOp>(loc, type, ValueRange{*base, *base});
  else if (*value == 0.5)
    result = createTyped<SqrtOp>(loc, type, *base);
  else if (*value != 1)
    // Any other exponent (LRN's 0.75, GeM pooling's 3 and 1/3).
    result = createTyped<PowOp>(
        loc, type, *base,
        {builder.getNamedAttr(
            "exponent", builder.getF32FloatAttr(static_cast<float>(*value)))});
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importDropout(const onnx::Node &node, Location loc,
                                          AttributeReader &attrs) {
  // Inference: the output is the input. The ratio does not matter; a
  // training_mode input must be a constant false.
  attrs.ignore("ratio");
  attrs.ignore("seed");
  if (failed(attrs.finish()) || failed(checkUnusedOutputs(node, 1, loc)))
    return failure();
  if (hasInput(node, 2)) {
    FailureOr<const onnx::Tensor *> mode =
        getConstantInput(node, 2, loc, "training_mode");
    if (failed(mode))
      return failure();
    // Training mode with a ratio of 0 drops nothing and scales by 1: the
    // identity (torchvision's Swin exports its attention dropout so).
    bool zeroRatio = false;
    if (hasInput(node, 1))
      if (const onnx::Tensor *ratio = findConstant(node.inputs[1]))
        zeroRatio = ratio->dataType == onnx::kFloat &&
                    ratio->floats.size() == 1 && ratio->floats[0] == 0.0f;
    if ((*mode)->ints.size() != 1 || ((*mode)->ints[0] != 0 && !zeroRatio))
      return emitError(loc) << what
                            << ": training_mode must be false, or the ratio "
                               "0 (dfq imports inference graphs)";
  }
  if (!hasInput(node, 0))
    return emitError(loc) << what << ": input #0 is missing";
  if (const onnx::Tensor *tensor = findConstant(node.inputs[0])) {
    if (!node.outputs.empty() && !node.outputs[0].empty())
      constants[node.outputs[0]] = tensor;
    return success();
  }
  FailureOr<Value> input = getInput(node, 0, loc);
  if (failed(input))
    return failure();
  return defineValue(node, node.outputs[0], *input, loc);
}

LogicalResult OnnxImporter::importConstant(const onnx::Node &node, Location loc,
                                           AttributeReader &attrs) {
  const onnx::Attribute *value = attrs.getTensorAttr("value");
  if (failed(attrs.finish()))
    return failure();
  if (!value || !value->t)
    return emitError(loc) << what
                          << ": only the 'value' (tensor) form of Constant is "
                             "supported";
  if (node.outputs.empty() || node.outputs[0].empty())
    return emitError(loc) << what << ": has no output";
  if (values.count(node.outputs[0]) || constants.count(node.outputs[0]))
    return emitError(loc) << what << ": output '" << node.outputs[0]
                          << "' is already defined";
  auto owned = std::make_unique<onnx::Tensor>(*value->t);
  owned->name = node.outputs[0];
  constants[owned->name] = owned.get();
  ownedTensors.push_back(std::move(owned));
  return success();
}

LogicalResult OnnxImporter::importPad(const onnx::Node &node, Location loc,
                                      AttributeReader &attrs) {
  FailureOr<std::string> mode = attrs.getString("mode", "constant");
  if (failed(mode) || failed(attrs.finish()))
    return failure();
  if (*mode != "constant" && *mode != "reflect" && *mode != "edge")
    return emitError(loc) << what << ": mode '" << *mode
                          << "' is not one of constant, reflect and edge";
  FailureOr<Value> input = getInput(node, 0, loc);
  if (failed(input))
    return failure();
  FailureOr<RankedTensorType> type = getTensorType(loc, "input", *input);
  FailureOr<const onnx::Tensor *> pads =
      failed(type) ? FailureOr<const onnx::Tensor *>(failure())
                   : getConstantInput(node, 1, loc, "pads");
  if (failed(pads))
    return failure();
  int64_t rank = type->getRank();
  // Opset 18's axes input names the dimensions that pads covers.
  SmallVector<int64_t> axes;
  if (hasInput(node, 3)) {
    FailureOr<SmallVector<int64_t>> given = getIntsInput(node, 3, loc, "axes");
    if (failed(given))
      return failure();
    for (int64_t axis : *given) {
      int64_t a = axis < 0 ? axis + rank : axis;
      if (a < 0 || a >= rank || llvm::is_contained(axes, a))
        return emitError(loc)
               << what << ": axes " << formatDims(*given)
               << " are not distinct dimensions of rank " << rank;
      axes.push_back(a);
    }
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  int64_t count = axes.size();
  if ((*pads)->dataType != onnx::kInt64 ||
      static_cast<int64_t>((*pads)->ints.size()) != 2 * count)
    return emitError(loc) << what << ": pads must be an INT64 tensor of "
                          << 2 * count << " values";
  SmallVector<int64_t> p(2 * rank, 0);
  for (int64_t i = 0; i < count; ++i) {
    p[axes[i]] = (*pads)->ints[i];
    p[axes[i] + rank] = (*pads)->ints[i + count];
  }
  float fill = 0.0f;
  if (hasInput(node, 2) && *mode == "constant") {
    FailureOr<const onnx::Tensor *> value =
        getConstantInput(node, 2, loc, "constant_value");
    if (failed(value))
      return failure();
    if ((*value)->dataType != onnx::kFloat || (*value)->floats.size() != 1)
      return emitError(loc)
             << what << ": constant_value must be a FLOAT scalar";
    fill = (*value)->floats[0];
  }
  if (llvm::all_of(p, [](int64_t v) { return v == 0; }))
    return defineValue(node, node.outputs[0], *input, loc);
  // Zero padding of H and W waits for its consumer: a Conv or AveragePool
  // takes it as its own pads, anything else gets a dfq.pad (getInput).
  if (*mode == "constant" && fill == 0.0f && !std::signbit(fill) && rank == 4 &&
      !p[0] && !p[1] && !p[4] && !p[5] &&
      llvm::none_of(p, [](int64_t v) { return v < 0; })) {
    if (values.count(node.outputs[0]) || constants.count(node.outputs[0]) ||
        pendingPads.count(node.outputs[0]))
      return emitError(loc) << what << ": output '" << node.outputs[0]
                            << "' is already defined";
    pendingPads[node.outputs[0]] = {*input, {p[2], p[3], p[6], p[7]}, what};
    return success();
  }
  FailureOr<Value> result = createPad(loc, *input, p, *mode, fill);
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importResize(const onnx::Node &node, Location loc,
                                         AttributeReader &attrs) {
  FailureOr<std::string> mode = attrs.getString("mode", "nearest");
  FailureOr<std::string> coordinates =
      failed(mode)
          ? FailureOr<std::string>(failure())
          : attrs.getString("coordinate_transformation_mode", "half_pixel");
  FailureOr<std::string> nearest =
      failed(coordinates)
          ? FailureOr<std::string>(failure())
          : attrs.getString("nearest_mode", "round_prefer_floor");
  FailureOr<int64_t> exclude = failed(nearest)
                                   ? FailureOr<int64_t>(failure())
                                   : attrs.getFlag("exclude_outside", 0);
  // Opset 18: antialiasing (a wider filter when shrinking), scales or sizes
  // for some axes only, and sizes that keep the aspect ratio.
  FailureOr<int64_t> antialias = failed(exclude)
                                     ? FailureOr<int64_t>(failure())
                                     : attrs.getFlag("antialias", 0);
  FailureOr<std::optional<SmallVector<int64_t>>> resizedAxes =
      failed(antialias)
          ? FailureOr<std::optional<SmallVector<int64_t>>>(failure())
          : attrs.getInts("axes");
  FailureOr<std::string> aspectPolicy =
      failed(resizedAxes)
          ? FailureOr<std::string>(failure())
          : attrs.getString("keep_aspect_ratio_policy", "stretch");
  FailureOr<float> cubicA = failed(aspectPolicy)
                                ? FailureOr<float>(failure())
                                : attrs.getFloat("cubic_coeff_a", -0.75f);
  // Only tf_crop_and_resize reads this.
  attrs.ignore("extrapolation_value");
  if (failed(cubicA) || failed(attrs.finish()))
    return failure();
  if (*aspectPolicy != "stretch")
    return emitError(loc) << what << ": keep_aspect_ratio_policy '"
                          << *aspectPolicy << "' is not supported (stretch is)";
  if (*mode != "nearest" && *mode != "linear" && *mode != "cubic")
    return emitError(loc) << what << ": mode '" << *mode
                          << "' is not supported (nearest, linear and cubic "
                             "are)";
  if (!std::isfinite(*cubicA))
    return emitError(loc) << what << ": cubic_coeff_a must be finite";
  if (*coordinates != "half_pixel" && *coordinates != "pytorch_half_pixel" &&
      *coordinates != "align_corners" && *coordinates != "asymmetric")
    return emitError(loc) << what << ": coordinate_transformation_mode '"
                          << *coordinates
                          << "' is not supported (half_pixel, "
                             "pytorch_half_pixel, align_corners and "
                             "asymmetric are)";
  FailureOr<Value> input = getInput(node, 0, loc);
  if (failed(input))
    return failure();
  FailureOr<RankedTensorType> type = getTensorType(loc, "input", *input, 4);
  if (failed(type))
    return failure();
  ArrayRef<int64_t> in = type->getShape();
  if (ShapedType::isDynamic(in[2]) || ShapedType::isDynamic(in[3]))
    return emitError(loc) << what << ": the input's H and W must be static "
                          << "(fix them with --input-shape)";
  // With `axes`, scales and sizes name H and W only.
  bool spatialOnly = false;
  if (*resizedAxes) {
    SmallVector<int64_t> normalized;
    for (int64_t axis : **resizedAxes)
      normalized.push_back(axis < 0 ? axis + 4 : axis);
    if (normalized != SmallVector<int64_t>{2, 3})
      return emitError(loc) << what << ": axes " << formatDims(**resizedAxes)
                            << " are not supported (H and W, [2, 3], are)";
    spatialOnly = true;
  }
  SmallVector<double> scales;
  if (hasInput(node, 2)) {
    FailureOr<const onnx::Tensor *> given =
        getConstantInput(node, 2, loc, "scales");
    if (failed(given))
      return failure();
    if ((*given)->dataType != onnx::kFloat)
      return emitError(loc) << what << ": scales must be FLOAT";
    if (spatialOnly && !(*given)->floats.empty())
      scales = {1.0, 1.0};
    for (float s : (*given)->floats)
      scales.push_back(s);
  }
  SmallVector<int64_t> size;
  if (hasInput(node, 3) && spatialOnly) {
    FailureOr<SmallVector<int64_t>> given = getIntsInput(node, 3, loc, "sizes");
    if (failed(given))
      return failure();
    if (given->size() != 2 || (*given)[0] <= 0 || (*given)[1] <= 0)
      return emitError(loc) << what << ": sizes must be 2 positive values "
                            << "for axes [2, 3]";
    size = *given;
  } else if (hasInput(node, 3)) {
    FailureOr<const onnx::Tensor *> given =
        getConstantInput(node, 3, loc, "sizes", /*allowBatchSize=*/true);
    if (failed(given))
      return failure();
    if ((*given)->dataType != onnx::kInt64 || (*given)->ints.size() != 4)
      return emitError(loc) << what << ": sizes must be 4 INT64 values";
    ConstantRef ref = constantRef(*given);
    for (int64_t d = 0; d < 4; ++d) {
      int64_t v = (*given)->ints[d];
      bool keeps =
          d < 2 ? (ref.at(d) == Known::BatchSize ? ShapedType::isDynamic(in[d])
                                                 : v == in[d])
                : v > 0;
      if (!keeps)
        return emitError(loc)
               << what << ": sizes " << formatDims((*given)->ints)
               << " must keep N and C and give positive H "
                  "and W";
    }
    size = {(*given)->ints[2], (*given)->ints[3]};
  }
  if (size.empty() == scales.empty())
    return emitError(loc) << what
                          << ": exactly one of scales and sizes must be "
                             "given";
  if (size.empty()) {
    if (scales.size() != 4 || scales[0] != 1 || scales[1] != 1 ||
        !(scales[2] > 0) || !(scales[3] > 0))
      return emitError(loc) << what << ": scales must be 4 values, 1 for N "
                            << "and C and positive for H and W";
    scales.erase(scales.begin(), scales.begin() + 2);
    for (int64_t d = 0; d < 2; ++d) {
      // ONNX: floor(input * scale), with the scale as the file's float.
      size.push_back(
          static_cast<int64_t>(std::floor(double(in[d + 2]) * scales[d])));
      if (size.back() < 1)
        return emitError(loc) << what << ": scales make H or W empty";
    }
  } else {
    scales = {double(size[0]) / double(in[2]), double(size[1]) / double(in[3])};
  }
  // Antialiasing widens the linear and cubic filters only where an axis
  // shrinks.
  if (*antialias && *mode != "nearest" && (size[0] < in[2] || size[1] < in[3]))
    return emitError(loc) << what << ": antialiased " << *mode
                          << " downsampling is not supported";
  auto resultType = RankedTensorType::get({in[0], in[1], size[0], size[1]},
                                          type->getElementType());
  FailureOr<Value> result = createTyped<ResizeOp>(
      loc, resultType, *input,
      {builder.getNamedAttr("mode", builder.getStringAttr(*mode)),
       builder.getNamedAttr("coordinate_mode",
                            builder.getStringAttr(*coordinates)),
       builder.getNamedAttr("nearest_mode", builder.getStringAttr(*nearest)),
       builder.getNamedAttr("scales", builder.getDenseF64ArrayAttr(scales)),
       builder.getNamedAttr("cubic_coeff_a",
                            builder.getF64FloatAttr(double(*cubicA))),
       builder.getNamedAttr("exclude_outside",
                            builder.getBoolAttr(*exclude != 0))});
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::checkResultSize(Location loc, Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasRank() ||
      !onnx::exceedsMaxElements(shaped.getShape().data(), shaped.getRank()))
    return success();
  return emitError(loc) << what << ": its result "
                        << formatDims(shaped.getShape())
                        << " would hold more than 2^40 elements";
}

FailureOr<Value> OnnxImporter::createPad(Location loc, Value input,
                                         ArrayRef<int64_t> pads, StringRef mode,
                                         float value) {
  // Negative pads crop (a slice first); the rest is a dfq.pad. A crop must
  // leave something of a static dimension, and the pads must not overflow
  // its size.
  int64_t rank = pads.size() / 2;
  ArrayRef<int64_t> shape = cast<RankedTensorType>(input.getType()).getShape();
  for (int64_t d = 0; d < rank && d < int64_t(shape.size()); ++d) {
    int64_t size = shape[d], before = pads[d], after = pads[d + rank], sum = 0;
    bool overflows = llvm::AddOverflow(before, after, sum) ||
                     before < -onnx::kMaxTensorElements ||
                     after < -onnx::kMaxTensorElements ||
                     sum > onnx::kMaxTensorElements;
    if (overflows || (!ShapedType::isDynamic(size) && size + sum < 1))
      return emitError(loc)
             << what << ": pads ["
             << llvm::join(
                    llvm::map_range(
                        pads, [](int64_t v) { return std::to_string(v); }),
                    ", ")
             << "] leave no valid size for dimension " << d << " ("
             << formatDims(shape) << ")";
  }
  SmallVector<int64_t> starts, ends, axes, steps, growth;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t before = pads[d], after = pads[d + rank];
    if (before < 0 || after < 0) {
      starts.push_back(std::max<int64_t>(-before, 0));
      ends.push_back(after < 0 ? after : INT64_MAX);
      axes.push_back(d);
      steps.push_back(1);
    }
  }
  for (int64_t v : pads)
    growth.push_back(std::max<int64_t>(v, 0));
  FailureOr<Value> cropped =
      starts.empty() ? FailureOr<Value>(input)
                     : createSlice(loc, input, starts, ends, axes, steps);
  if (failed(cropped) || llvm::all_of(growth, [](int64_t v) { return v == 0; }))
    return cropped;
  return createInferred<PadOp>(
      loc, *cropped,
      {builder.getNamedAttr("pads", builder.getDenseI64ArrayAttr(growth)),
       builder.getNamedAttr("mode", builder.getStringAttr(mode)),
       builder.getNamedAttr("value", builder.getF64FloatAttr(value))});
}

//===----------------------------------------------------------------------===//
// Shape computations and slicing
//===----------------------------------------------------------------------===//

LogicalResult OnnxImporter::importShape(const onnx::Node &node, Location loc,
                                        AttributeReader &attrs) {
  FailureOr<int64_t> start = attrs.getInt("start", 0);
  FailureOr<int64_t> end = failed(start) ? FailureOr<int64_t>(failure())
                                         : attrs.getInt("end", INT64_MAX);
  if (failed(end) || failed(attrs.finish()))
    return failure();
  if (!hasInput(node, 0))
    return emitError(loc) << what << ": input #0 is missing";
  SmallVector<int64_t> dims;
  Known dynamic = Known::RunTime;
  if (const onnx::Tensor *tensor = findConstant(node.inputs[0])) {
    dims.assign(tensor->dims.begin(), tensor->dims.end());
  } else {
    FailureOr<Value> input = getInput(node, 0, loc);
    if (failed(input))
      return failure();
    FailureOr<RankedTensorType> type = getTensorType(loc, "input", *input);
    if (failed(type))
      return failure();
    dims.assign(type->getShape().begin(), type->getShape().end());
    if (dynamicDimIsBatch(*input))
      dynamic = Known::BatchSize;
  }
  // Opset 15's start and end count from the back when negative and clamp.
  int64_t rank = dims.size();
  auto clampToRank = [&](int64_t v) {
    if (v < 0)
      v = v < -rank ? 0 : v + rank;
    return std::min(v, rank);
  };
  int64_t first = clampToRank(*start), last = clampToRank(*end);
  auto shape = std::make_unique<onnx::Tensor>();
  shape->dataType = onnx::kInt64;
  std::vector<Known> known;
  for (int64_t i = first; i < last; ++i) {
    bool isDynamic = ShapedType::isDynamic(dims[i]);
    shape->ints.push_back(isDynamic ? 0 : dims[i]);
    known.push_back(isDynamic ? dynamic : Known::Value);
  }
  shape->dims = {static_cast<int64_t>(shape->ints.size())};
  if (llvm::all_of(known, [](Known k) { return k == Known::Value; }))
    known.clear();
  return defineConstant(node.outputs[0], std::move(shape), std::move(known),
                        loc);
}

LogicalResult OnnxImporter::foldNode(const onnx::Node &node, Location loc,
                                     AttributeReader &attrs) {
  SmallVector<ConstantRef> inputs;
  for (const std::string &name : node.inputs)
    inputs.push_back(name.empty() ? ConstantRef()
                                  : constantRef(findConstant(name)));
  FailureOr<FoldedTensor> folded = foldOnnxNode(node, inputs, attrs, loc, what);
  if (failed(folded) || failed(checkUnusedOutputs(node, 1, loc)))
    return failure();
  return defineConstant(
      node.outputs[0],
      std::make_unique<onnx::Tensor>(std::move(folded->tensor)),
      std::move(folded->known), loc);
}

FailureOr<Value> OnnxImporter::createSlice(Location loc, Value input,
                                           ArrayRef<int64_t> starts,
                                           ArrayRef<int64_t> ends,
                                           ArrayRef<int64_t> axes,
                                           ArrayRef<int64_t> steps) {
  FailureOr<RankedTensorType> type = getTensorType(loc, "input", input);
  if (failed(type))
    return failure();
  int64_t rank = type->getRank();
  SmallVector<int64_t> first(rank, 0), step(rank, 1);
  SmallVector<int64_t> shape(type->getShape());
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (axis < 0 || axis >= rank || seen[axis])
      return emitError(loc)
             << what << ": axes " << formatDims(axes)
             << " are out of range or repeated for rank " << rank;
    seen[axis] = true;
    if (steps[i] == 0)
      return emitError(loc) << what << ": a step is zero";
    int64_t extent = shape[axis];
    if (ShapedType::isDynamic(extent)) {
      // The batch can only be taken whole: from 0 to "the end" (exporters
      // write INT64_MAX or a large INT32).
      if (starts[i] != 0 || steps[i] != 1 || ends[i] < (int64_t(1) << 31) - 1)
        return emitError(loc)
               << what << ": slices dimension " << axis
               << ", which is known only at run time (the batch); it can "
                  "only be taken whole";
      continue;
    }
    SliceWindow window =
        resolveSliceWindow(starts[i], ends[i], steps[i], extent);
    first[axis] = window.first;
    int64_t size = window.count;
    if (size == 0)
      return emitError(loc) << what << ": the slice of dimension " << axis
                            << " is empty; dfq tensors are never empty";
    shape[axis] = size;
    step[axis] = steps[i];
    if (size == 1)
      step[axis] = 1;
  }
  auto resultType = RankedTensorType::get(shape, type->getElementType());
  if (resultType == *type &&
      llvm::all_of(first, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(step, [](int64_t v) { return v == 1; }))
    return input;
  return createTyped<SliceOp>(
      loc, resultType, input,
      {builder.getNamedAttr("starts", builder.getDenseI64ArrayAttr(first)),
       builder.getNamedAttr("steps", builder.getDenseI64ArrayAttr(step))});
}

LogicalResult OnnxImporter::importSlice(const onnx::Node &node, Location loc,
                                        AttributeReader &attrs) {
  if (failed(attrs.finish()))
    return failure();
  FailureOr<Value> input = getInput(node, 0, loc);
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int64_t>> starts = getIntsInput(node, 1, loc, "starts");
  FailureOr<SmallVector<int64_t>> ends =
      failed(starts) ? FailureOr<SmallVector<int64_t>>(failure())
                     : getIntsInput(node, 2, loc, "ends");
  if (failed(ends))
    return failure();
  SmallVector<int64_t> axes, steps(starts->size(), 1);
  for (size_t i = 0; i < starts->size(); ++i)
    axes.push_back(i);
  for (auto [index, list, role] : {std::make_tuple(3u, &axes, "axes"),
                                   std::make_tuple(4u, &steps, "steps")}) {
    if (!hasInput(node, index))
      continue;
    FailureOr<SmallVector<int64_t>> given =
        getIntsInput(node, index, loc, role);
    if (failed(given))
      return failure();
    *list = *given;
  }
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      steps.size() != starts->size())
    return emitError(loc) << what
                          << ": starts, ends, axes and steps differ in length";
  FailureOr<Value> result =
      createSlice(loc, *input, *starts, *ends, axes, steps);
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importSplit(const onnx::Node &node, Location loc,
                                        AttributeReader &attrs) {
  FailureOr<int64_t> axis = attrs.getInt("axis", 0);
  FailureOr<std::optional<SmallVector<int64_t>>> splitAttr =
      failed(axis) ? FailureOr<std::optional<SmallVector<int64_t>>>(failure())
                   : attrs.getInts("split");
  FailureOr<int64_t> numOutputs = failed(splitAttr)
                                      ? FailureOr<int64_t>(failure())
                                      : attrs.getInt("num_outputs", 0);
  if (failed(numOutputs) || failed(attrs.finish()))
    return failure();
  FailureOr<Value> input = getInput(node, 0, loc);
  if (failed(input))
    return failure();
  FailureOr<RankedTensorType> type = getTensorType(loc, "input", *input);
  if (failed(type))
    return failure();
  int64_t rank = type->getRank();
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  if (a < 0 || a >= rank)
    return emitError(loc) << what << ": axis " << *axis
                          << " is out of range for rank " << rank;
  int64_t extent = type->getDimSize(a);
  if (ShapedType::isDynamic(extent))
    return emitError(loc) << what << ": splits dimension " << a
                          << ", which is known only at run time (the batch)";
  // Opset 13 gives the sizes as an input, opset 11 as an attribute; without
  // either, the outputs share the dimension equally.
  SmallVector<int64_t> sizes;
  if (hasInput(node, 1)) {
    FailureOr<SmallVector<int64_t>> given = getIntsInput(node, 1, loc, "split");
    if (failed(given))
      return failure();
    sizes = *given;
  } else if (*splitAttr) {
    sizes = **splitAttr;
  } else if (*numOutputs) {
    // Opset 18: chunks of ceil(extent / num_outputs), the last one smaller.
    if (*numOutputs < 0 || *numOutputs != int64_t(node.outputs.size()) ||
        *numOutputs > extent)
      return emitError(loc)
             << what << ": num_outputs " << *numOutputs << " does not fit "
             << node.outputs.size() << " outputs and dimension " << a << " ("
             << extent << ")";
    int64_t chunk = extent / *numOutputs + (extent % *numOutputs != 0);
    for (int64_t remaining = extent; remaining > 0; remaining -= chunk)
      sizes.push_back(std::min(chunk, remaining));
  } else {
    int64_t parts = node.outputs.size();
    if (extent % parts)
      return emitError(loc) << what << ": cannot split " << extent
                            << " elements into " << parts << " equal parts";
    sizes.assign(parts, extent / parts);
  }
  if (sizes.size() != node.outputs.size())
    return emitError(loc) << what << ": " << sizes.size() << " split sizes for "
                          << node.outputs.size() << " outputs";
  int64_t total = 0;
  for (int64_t size : sizes) {
    if (size <= 0)
      return emitError(loc) << what << ": split sizes " << formatDims(sizes)
                            << " must be positive";
    total += size;
  }
  if (total != extent)
    return emitError(loc) << what << ": split sizes " << formatDims(sizes)
                          << " do not add up to dimension " << a << " ("
                          << extent << ")";
  int64_t offset = 0;
  for (auto [size, name] : llvm::zip_equal(sizes, node.outputs)) {
    FailureOr<Value> part =
        createSlice(loc, *input, {offset}, {offset + size}, {a}, {1});
    if (failed(part) || failed(defineValue(node, name, *part, loc)))
      return failure();
    offset += size;
  }
  return success();
}

LogicalResult OnnxImporter::importGather(const onnx::Node &node, Location loc,
                                         AttributeReader &attrs) {
  FailureOr<int64_t> axis = attrs.getInt("axis", 0);
  if (failed(axis) || failed(attrs.finish()))
    return failure();
  FailureOr<Value> input = getInput(node, 0, loc);
  if (failed(input))
    return failure();
  FailureOr<RankedTensorType> type = getTensorType(loc, "input", *input);
  FailureOr<const onnx::Tensor *> indices =
      failed(type) ? FailureOr<const onnx::Tensor *>(failure())
                   : getConstantInput(node, 1, loc, "indices");
  if (failed(indices))
    return failure();
  int64_t rank = type->getRank();
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  if (a < 0 || a >= rank)
    return emitError(loc) << what << ": axis " << *axis
                          << " is out of range for rank " << rank;
  int64_t extent = type->getDimSize(a);
  const onnx::Tensor &index = **indices;
  if ((index.dataType != onnx::kInt64 && index.dataType != onnx::kInt32) ||
      index.dims.size() > 1 || index.ints.empty() ||
      ShapedType::isDynamic(extent))
    return emitError(loc) << what
                          << ": on a run-time tensor, only constant scalar "
                             "or 1-D integer indices into a static dimension "
                             "are supported";
  // Gather with evenly spaced indices is a strided slice; a scalar index
  // also drops the dimension.
  SmallVector<int64_t> picks;
  for (int64_t i : index.ints) {
    if (i < -extent || i >= extent)
      return emitError(loc) << what << ": index " << i
                            << " is out of range for a dimension of " << extent;
    picks.push_back(i < 0 ? i + extent : i);
  }
  int64_t step = picks.size() > 1 ? picks[1] - picks[0] : 1;
  for (size_t i = 1; i < picks.size(); ++i)
    if (picks[i] - picks[i - 1] != step || step == 0)
      return emitError(loc) << what << ": indices " << formatDims(index.ints)
                            << " are not evenly spaced; only gathers that "
                               "are slices are supported on run-time tensors";
  int64_t end = picks.back() + (step > 0 ? 1 : -1);
  FailureOr<Value> result = createSlice(
      loc, *input, {picks.front()}, {end < 0 ? INT64_MIN : end}, {a}, {step});
  if (succeeded(result) && index.dims.empty()) {
    SmallVector<int64_t> shape(type->getShape());
    shape.erase(shape.begin() + a);
    result = createTyped<ReshapeOp>(
        loc, RankedTensorType::get(shape, type->getElementType()), *result);
  }
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importSqueeze(const onnx::Node &node, Location loc,
                                          AttributeReader &attrs,
                                          bool isUnsqueeze) {
  // Opset 13 moved `axes` from an attribute to an optional input.
  FailureOr<std::optional<SmallVector<int64_t>>> axes = attrs.getInts("axes");
  if (failed(axes) || failed(attrs.finish()))
    return failure();
  if (hasInput(node, 1)) {
    FailureOr<SmallVector<int64_t>> given = getIntsInput(node, 1, loc, "axes");
    if (failed(given))
      return failure();
    *axes = *given;
  }
  FailureOr<Value> input = getInput(node, 0, loc);
  if (failed(input))
    return failure();
  FailureOr<RankedTensorType> type = getTensorType(loc, "input", *input);
  if (failed(type))
    return failure();
  std::string why;
  std::optional<SmallVector<int64_t>> shape =
      squeezeShape(type->getShape(), *axes, isUnsqueeze, why);
  if (!shape)
    return emitError(loc) << what << ": " << why;
  FailureOr<Value> result = createTyped<ReshapeOp>(
      loc, RankedTensorType::get(*shape, type->getElementType()), *input);
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importNode(const onnx::Node &node, unsigned index) {
  std::string name =
      node.name.empty() ? node.opType + "_" + std::to_string(index) : node.name;
  what = node.opType + " node '" + name + "'";
  Location loc = NameLoc::get(StringAttr::get(context, name), fileLoc);
  if (!node.domain.empty())
    return emitError(loc) << what << ": operator domain '" << node.domain
                          << "' is not supported";
  if (!llvm::is_contained(kSupportedOps, StringRef(node.opType)))
    return emitError(loc) << what << ": unsupported op type '" << node.opType
                          << "'";
  if (node.outputs.empty() || node.outputs[0].empty())
    return emitError(loc) << what << ": has no output";
  std::vector<std::unique_ptr<onnx::Tensor>> upgradeConstants;
  FailureOr<std::optional<onnx::Node>> upgraded = upgradeLegacyNode(
      node, opset, loc, what,
      [&](const std::string &name) { return findConstant(name); },
      upgradeConstants);
  if (failed(upgraded))
    return failure();
  for (std::unique_ptr<onnx::Tensor> &tensor : upgradeConstants) {
    if (values.count(tensor->name) || constants.count(tensor->name))
      return emitError(loc)
             << what << ": value '" << tensor->name << "' is already defined";
    constants[tensor->name] = tensor.get();
    ownedTensors.push_back(std::move(tensor));
  }
  if (*upgraded)
    return importCurrentNode(**upgraded, loc);
  return importCurrentNode(node, loc);
}

LogicalResult OnnxImporter::importCurrentNode(const onnx::Node &node,
                                              Location loc) {
  AttributeReader attrs(node, loc, what);
  StringRef op = node.opType;

  // Shape computations are evaluated here, not imported.
  if (op == "Shape")
    return importShape(node, loc, attrs);
  if (isFoldableOnnxOp(op) &&
      llvm::all_of(node.inputs, [&](const std::string &input) {
        return input.empty() ||
               (findConstant(input) && !pendingPads.count(input));
      }))
    return foldNode(node, loc, attrs);
  if (op == "Cast") {
    // Casting float data to float is how some converters write a no-op.
    FailureOr<int64_t> to = attrs.getInt("to", onnx::kUndefined);
    // Opset 19's saturate concerns float8 targets only.
    attrs.ignore("saturate");
    if (failed(to) || failed(attrs.finish()))
      return failure();
    if (*to != onnx::kFloat)
      return emitError(loc)
             << what << ": casts a run-time tensor to "
             << onnx::dataTypeName(static_cast<int32_t>(*to))
             << "; dfq graphs compute in FLOAT (integer casts are evaluated "
                "only in shape computations, on constants)";
    FailureOr<Value> input = getInput(node, 0, loc);
    if (failed(input))
      return failure();
    return defineValue(node, node.outputs[0], *input, loc);
  }
  if (op == "Floor" || op == "Ceil" || op == "Equal" || op == "Where" ||
      op == "ConstantOfShape" || op == "Mod" || op == "Range" ||
      op == "ScatterND" || op == "Not")
    return emitError(loc) << what << ": is evaluated only in shape "
                          << "computations, when all its inputs are "
                             "constants; here an input is a run-time tensor";
  if (op == "Max" || op == "Min" || op == "PRelu") {
    // Max and Min take any number of inputs: a chain of binary ops.
    if (failed(attrs.finish()))
      return failure();
    if (node.inputs.empty() || (op == "PRelu" && node.inputs.size() != 2))
      return emitError(loc)
             << what << ": has " << node.inputs.size() << " inputs";
    FailureOr<Value> result = getInput(node, 0, loc);
    for (unsigned i = 1; succeeded(result) && i < node.inputs.size(); ++i) {
      FailureOr<Value> next = getInput(node, i, loc);
      if (failed(next))
        return failure();
      SmallVector<Value, 2> operands = {*result, *next};
      result = op == "Max"   ? createInferred<MaxOp>(loc, operands)
               : op == "Min" ? createInferred<MinOp>(loc, operands)
                             : createInferred<PReluOp>(loc, operands);
    }
    if (failed(result))
      return failure();
    // PRelu's slope broadcasts to the input, never the other way.
    if (op == "PRelu" && result->getType() != getInput(node, 0, loc)->getType())
      return emitError(loc) << what
                            << ": the slope does not broadcast to the "
                               "input's shape";
    return defineValue(node, node.outputs[0], *result, loc);
  }
  if (op == "Slice")
    return importSlice(node, loc, attrs);
  if (op == "Split")
    return importSplit(node, loc, attrs);
  if (op == "Gather")
    return importGather(node, loc, attrs);
  if (op == "Squeeze" || op == "Unsqueeze")
    return importSqueeze(node, loc, attrs, op == "Unsqueeze");

  if (op == "Conv" || op == "ConvTranspose" || op == "MaxPool" ||
      op == "AveragePool" || op == "BatchNormalization")
    if (hasInput(node, 0)) {
      // (A pending zero Pad is rank 4; it must not be materialized here.)
      const onnx::Tensor *constant = findConstant(node.inputs[0]);
      Value input = values.lookup(node.inputs[0]);
      if (!input && constant && constant->dims.size() == 3) {
        FailureOr<Value> materialized = getInput(node, 0, loc);
        if (failed(materialized))
          return failure();
        input = *materialized;
      }
      if (input && cast<RankedTensorType>(input.getType()).getRank() == 3)
        return importAs2D(node, loc, input);
    }
  if (op == "Sum" || op == "Mean")
    return importVariadicSum(node, loc, attrs);
  if (op == "Expand")
    return importExpand(node, loc, attrs);
  if (op == "Reciprocal" || op == "Softsign" || op == "Selu")
    return importUnaryDecomposition(node, loc, attrs);
  if (op == "InstanceNormalization")
    return importInstanceNorm(node, loc, attrs);
  if (op == "DepthToSpace" || op == "SpaceToDepth")
    return importDepthToSpace(node, loc, attrs);
  if (op == "Tile")
    return importTile(node, loc, attrs);
  if (op == "Einsum")
    return importEinsum(node, loc, attrs);
  if (op == "LRN")
    return importLrn(node, loc, attrs);
  if (op == "Conv")
    return importConv(node, loc, attrs);
  if (op == "ConvTranspose")
    return importConvTranspose(node, loc, attrs);
  if (op == "MaxPool" || op == "AveragePool")
    return importPool(node, loc, attrs, op == "MaxPool");
  if (op == "BatchNormalization")
    return importBatchNorm(node, loc, attrs);
  if (op == "Gemm")
    return importGemm(node, loc, attrs);
  if (op == "Reshape")
    return importReshape(node, loc, attrs);
  if (op == "Softmax" || op == "LogSoftmax")
    return importSoftmax(node, loc, attrs);
  if (op.starts_with("Reduce"))
    return importReduce(node, loc, attrs);
  if (op == "Dropout")
    return importDropout(node, loc, attrs);
  if (op == "LayerNormalization")
    return importLayerNorm(node, loc, attrs);
  if (op == "Pow")
    return importPow(node, loc, attrs);
  if (op == "Constant")
    return importConstant(node, loc, attrs);
  if (op == "Pad")
    return importPad(node, loc, attrs);
  if (op == "Resize")
    return importResize(node, loc, attrs);

  if (op == "Gelu")
    return importGelu(node, loc, attrs);
  if (op == "Clip") {
    if (failed(attrs.finish()))
      return failure();
    return importClip(node, loc);
  }
  if (op == "Identity") {
    if (failed(attrs.finish()))
      return failure();
    if (!hasInput(node, 0))
      return emitError(loc) << what << ": input #0 is missing";
    if (const onnx::Tensor *tensor = findConstant(node.inputs[0])) {
      constants[node.outputs[0]] = tensor;
      return success();
    }
    FailureOr<Value> input = getInput(node, 0, loc);
    if (failed(input))
      return failure();
    return defineValue(node, node.outputs[0], *input, loc);
  }

  FailureOr<Value> result;
  if (op == "Sigmoid" || op == "Tanh" || op == "Erf" || op == "Sqrt" ||
      op == "HardSigmoid" || op == "HardSwish" || op == "Abs" || op == "Exp" ||
      op == "Log" || op == "Softplus" || op == "LeakyRelu" || op == "Elu" ||
      op == "Neg") {
    SmallVector<NamedAttribute, 2> named;
    if (op == "LeakyRelu" || op == "Elu") {
      FailureOr<float> alpha =
          attrs.getFloat("alpha", op == "LeakyRelu" ? 0.01f : 1.0f);
      if (failed(alpha))
        return failure();
      named.push_back(
          builder.getNamedAttr("alpha", builder.getF32FloatAttr(*alpha)));
    }
    if (op == "HardSigmoid") {
      FailureOr<float> alpha = attrs.getFloat("alpha", 0.2f);
      FailureOr<float> beta = failed(alpha) ? FailureOr<float>(failure())
                                            : attrs.getFloat("beta", 0.5f);
      if (failed(beta))
        return failure();
      named.push_back(
          builder.getNamedAttr("alpha", builder.getF32FloatAttr(*alpha)));
      named.push_back(
          builder.getNamedAttr("beta", builder.getF32FloatAttr(*beta)));
    }
    if (failed(attrs.finish()))
      return failure();
    FailureOr<Value> input = getInput(node, 0, loc);
    if (failed(input))
      return failure();
    Type type = input->getType();
    if (op == "Sigmoid")
      result = createTyped<SigmoidOp>(loc, type, *input);
    else if (op == "Tanh")
      result = createTyped<TanhOp>(loc, type, *input);
    else if (op == "Erf")
      result = createTyped<ErfOp>(loc, type, *input);
    else if (op == "Sqrt")
      result = createTyped<SqrtOp>(loc, type, *input);
    else if (op == "HardSigmoid")
      result = createTyped<HardSigmoidOp>(loc, type, *input, named);
    else if (op == "Abs")
      result = createTyped<AbsOp>(loc, type, *input);
    else if (op == "Exp")
      result = createTyped<ExpOp>(loc, type, *input);
    else if (op == "Log")
      result = createTyped<LogOp>(loc, type, *input);
    else if (op == "Softplus")
      result = createTyped<SoftplusOp>(loc, type, *input);
    else if (op == "LeakyRelu")
      result = createTyped<LeakyReluOp>(loc, type, *input, named);
    else if (op == "Elu")
      result = createTyped<EluOp>(loc, type, *input, named);
    else if (op == "Neg")
      // -x is x * -1 exactly (IEEE negation and multiplication by -1 agree,
      // NaN and zeros included), and multiplications already run
      // everywhere.
      result = createTyped<MulOp>(
          loc, type,
          ValueRange{*input, materializeF32({}, {-1.0f}, "minus_one", loc)});
    else
      result = createTyped<HardSwishOp>(loc, type, *input);
  } else if (op == "GlobalMaxPool") {
    if (failed(attrs.finish()))
      return failure();
    FailureOr<Value> input = getInput(node, 0, loc);
    if (failed(input) || failed(getTensorType(loc, "input", *input, 4)))
      return failure();
    result = createInferred<ReduceMaxOp>(
        loc, *input,
        {builder.getNamedAttr("axes", builder.getDenseI64ArrayAttr({2, 3})),
         builder.getNamedAttr("keepdims", builder.getBoolAttr(true))});
  } else if (op == "Relu" || op == "GlobalAveragePool") {
    if (failed(attrs.finish()))
      return failure();
    FailureOr<Value> input = getInput(node, 0, loc);
    if (failed(input))
      return failure();
    if (op == "Relu") {
      result = createTyped<ReluOp>(loc, input->getType(), *input);
    } else {
      FailureOr<RankedTensorType> type = getTensorType(loc, "input", *input);
      if (failed(type))
        return failure();
      if (type->getRank() != 4)
        return emitError(loc) << what << ": input has rank " << type->getRank()
                              << "; only NCHW input is supported";
      result = createInferred<GlobalAvgPoolOp>(loc, *input);
    }
  } else if (op == "Add" || op == "Mul" || op == "Sub" || op == "Div" ||
             op == "MatMul") {
    if (failed(attrs.finish()))
      return failure();
    FailureOr<Value> lhs = getInput(node, 0, loc);
    if (failed(lhs))
      return failure();
    if (!hasInput(node, 1))
      return emitError(loc) << what << ": input #1 is missing";
    if (op == "MatMul") {
      result = importMatMul(node, loc, *lhs);
      if (failed(result))
        return failure();
      return defineValue(node, node.outputs[0], *result, loc);
    }
    if (op == "Add")
      if (std::optional<Value> fused = foldBiasIntoGemm(node, loc))
        return defineValue(node, node.outputs[0], *fused, loc);
    FailureOr<Value> rhs = getInput(node, 1, loc);
    if (failed(rhs))
      return failure();
    if (op == "Add") {
      result = createInferred<AddOp>(loc, ValueRange{*lhs, *rhs});
    } else if (op == "Mul") {
      result = createInferred<MulOp>(loc, ValueRange{*lhs, *rhs});
    } else if (op == "Sub") {
      result = createInferred<SubOp>(loc, ValueRange{*lhs, *rhs});
    } else {
      result = createInferred<DivOp>(loc, ValueRange{*lhs, *rhs});
    }
  } else if (op == "Flatten" || op == "Concat" || op == "Transpose") {
    SmallVector<Value> operands;
    for (unsigned i = 0; i < (op == "Concat" ? node.inputs.size() : 1); ++i) {
      FailureOr<Value> operand = getInput(node, i, loc);
      if (failed(operand))
        return failure();
      operands.push_back(*operand);
    }
    if (op == "Transpose") {
      FailureOr<std::optional<SmallVector<int64_t>>> perm =
          attrs.getInts("perm");
      if (failed(perm) || failed(attrs.finish()))
        return failure();
      FailureOr<RankedTensorType> type =
          getTensorType(loc, "input", operands[0]);
      if (failed(type))
        return failure();
      SmallVector<int64_t> order;
      if (*perm)
        order = **perm;
      else
        for (int64_t i = type->getRank() - 1; i >= 0; --i)
          order.push_back(i);
      result = createInferred<TransposeOp>(
          loc, operands,
          {builder.getNamedAttr("perm", builder.getDenseI64ArrayAttr(order))});
    } else {
      FailureOr<int64_t> axis =
          attrs.getInt("axis", op == "Flatten" ? 1 : INT64_MIN);
      if (failed(axis) || failed(attrs.finish()))
        return failure();
      if (*axis == INT64_MIN)
        return emitError(loc) << what << ": attribute 'axis' is required";
      NamedAttribute axisAttr =
          builder.getNamedAttr("axis", builder.getI64IntegerAttr(*axis));
      result = op == "Flatten"
                   ? createInferred<FlattenOp>(loc, operands, {axisAttr})
                   : createInferred<ConcatOp>(loc, operands, {axisAttr});
    }
  }
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

//===----------------------------------------------------------------------===//
// Graph
//===----------------------------------------------------------------------===//

Type OnnxImporter::importType(const onnx::ValueInfo &info, Location loc) {
  if (!info.isTensor) {
    emitError(loc) << "graph input '" << info.name << "' is not a tensor";
    return {};
  }
  if (info.elementType != onnx::kFloat) {
    emitError(loc) << "graph input '" << info.name << "' has element type "
                   << onnx::dataTypeName(info.elementType)
                   << "; only FLOAT inputs are supported";
    return {};
  }
  if (!info.hasShape) {
    emitError(loc) << "graph input '" << info.name
                   << "' has no shape; dfq needs at least the rank";
    return {};
  }
  SmallVector<int64_t> shape;
  for (int64_t d : info.dims)
    shape.push_back(d < 0 ? ShapedType::kDynamic : d);
  ArrayRef<int64_t> given = options.inputShape;
  if (!given.empty()) {
    if (given.size() != shape.size()) {
      emitError(loc) << "graph input '" << info.name << "' has rank "
                     << shape.size() << " but --input-shape "
                     << formatDims(given) << " has rank " << given.size();
      return {};
    }
    for (auto [i, d] : llvm::enumerate(given)) {
      if (!ShapedType::isDynamic(d) && !ShapedType::isDynamic(shape[i]) &&
          shape[i] != d) {
        emitError(loc) << "graph input '" << info.name << "' has dimension "
                       << i << " = " << shape[i]
                       << " in the file, but --input-shape gives " << d;
        return {};
      }
      shape[i] = d;
    }
  }
  return RankedTensorType::get(shape, builder.getF32Type());
}

OwningOpRef<ModuleOp> OnnxImporter::run() {
  auto opsetIt = model.opsets.find("");
  if (opsetIt == model.opsets.end()) {
    emitError(fileLoc) << "the model imports no default-domain opset";
    return nullptr;
  }
  opset = opsetIt->second;
  if (opset < kMinOnnxOpset || opset > kMaxOnnxOpset) {
    emitError(fileLoc) << "opset " << opset
                       << " is not supported (dfq imports opsets "
                       << kMinOnnxOpset << " to " << kMaxOnnxOpset << ")";
    return nullptr;
  }
  const onnx::Graph &graph = model.graph;
  for (const onnx::Tensor &init : graph.initializers)
    constants[init.name] = &init;
  for (const onnx::Node &node : graph.nodes)
    for (const std::string &input : node.inputs) {
      consumed.insert(input);
      ++useCounts[input];
    }
  for (const onnx::ValueInfo &output : graph.outputs) {
    consumed.insert(output.name);
    ++useCounts[output.name];
  }

  module = ModuleOp::create(fileLoc);
  Builder b(context);
  module->getOperation()->setAttr("dfq.source", b.getStringAttr(sourceName));
  module->getOperation()->setAttr("dfq.onnx_opset", b.getI64IntegerAttr(opset));
  if (!model.producerName.empty())
    module->getOperation()->setAttr(
        "dfq.onnx_producer",
        b.getStringAttr(model.producerName +
                        (model.producerVersion.empty()
                             ? ""
                             : " " + model.producerVersion)));

  // Graph inputs that have an initializer are weights (IR version < 4 lists
  // them as inputs too); the others become function arguments.
  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfo *> args;
  if (!options.inputShape.empty() &&
      llvm::count_if(graph.inputs, [&](const onnx::ValueInfo &input) {
        return !constants.count(input.name);
      }) != 1) {
    emitError(fileLoc) << "--input-shape needs a model with one graph input";
    return nullptr;
  }
  for (const onnx::ValueInfo &input : graph.inputs) {
    if (constants.count(input.name))
      continue;
    Location loc = NameLoc::get(b.getStringAttr(input.name), fileLoc);
    Type type = importType(input, loc);
    if (!type)
      return nullptr;
    argTypes.push_back(type);
    args.push_back(&input);
  }

  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc, "main",
                                   builder.getFunctionType(argTypes, {}));
  entry = func.addEntryBlock();
  for (auto [i, info] : llvm::enumerate(args)) {
    if (values.count(info->name)) {
      emitError(fileLoc) << "graph input '" << info->name
                         << "' is listed twice";
      return nullptr;
    }
    values[info->name] = entry->getArgument(i);
    entry->getArgument(i).setLoc(
        NameLoc::get(b.getStringAttr(info->name), fileLoc));
    func.setArgAttr(i, "dfq.name", b.getStringAttr(info->name));
  }
  builder.setInsertionPointToEnd(entry);

  // Shape computations may name the batch when it is the only dynamic
  // dimension of the only input.
  hasBatchSymbol =
      argTypes.size() == 1 &&
      cast<RankedTensorType>(argTypes[0]).getNumDynamicDims() == 1 &&
      cast<RankedTensorType>(argTypes[0]).isDynamicDim(0);

  for (auto [index, node] : llvm::enumerate(graph.nodes))
    if (failed(importNode(node, index)))
      return nullptr;

  what = "graph output";
  SmallVector<Value> results;
  for (const onnx::ValueInfo &output : graph.outputs) {
    Location loc = NameLoc::get(b.getStringAttr(output.name), fileLoc);
    auto it = values.find(output.name);
    Value value;
    if (it != values.end()) {
      value = it->second;
    } else if (const onnx::Tensor *tensor = findConstant(output.name)) {
      FailureOr<Value> constant = materialize(*tensor, loc);
      if (failed(constant))
        return nullptr;
      value = *constant;
    } else {
      emitError(loc) << "graph output '" << output.name
                     << "' is not computed by any node";
      return nullptr;
    }
    // A declared output shape must agree with what the graph computes.
    auto type = cast<RankedTensorType>(value.getType());
    if (output.isTensor && output.hasShape) {
      bool agrees = output.dims.size() == static_cast<size_t>(type.getRank());
      for (size_t i = 0; agrees && i < output.dims.size(); ++i)
        agrees = output.dims[i] < 0 || type.isDynamicDim(i) ||
                 output.dims[i] == type.getDimSize(i);
      if (!agrees) {
        emitError(loc) << "graph output '" << output.name << "' is declared "
                       << formatDims(output.dims) << " but the graph computes "
                       << formatDims(type.getShape());
        return nullptr;
      }
    }
    results.push_back(value);
  }
  if (results.empty()) {
    emitError(fileLoc) << "the graph has no outputs";
    return nullptr;
  }
  func::ReturnOp::create(builder, fileLoc, results);
  // Views the importer made that nothing reads (a 1-D layer's reshape back
  // when the next 1-D layer took the 2-D result) and ONNX nodes whose
  // outputs nobody reads.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*entry)))
    if (isOpTriviallyDead(&op))
      op.erase();
  func.setFunctionType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, output] : llvm::enumerate(graph.outputs))
    func.setResultAttr(i, "dfq.name", b.getStringAttr(output.name));

  if (failed(mlir::verify(*module)))
    return nullptr;
  return std::move(module);
}

OwningOpRef<ModuleOp>
mlir::dfq::importOnnxModel(const ::mlir::dfq::onnx::Model &model,
                           StringRef sourceName, MLIRContext *context,
                           const OnnxImportOptions &options) {
  context->loadDialect<DfqDialect, arith::ArithDialect, func::FuncDialect>();
  if (options.relaxedBatch)
    *options.relaxedBatch = false;
  if (options.relaxBatchOfOne && options.inputShape.empty()) {
    SmallVector<const onnx::ValueInfo *> inputs;
    for (const onnx::ValueInfo &input : model.graph.inputs)
      if (!llvm::any_of(model.graph.initializers,
                        [&](const onnx::Tensor &init) {
                          return init.name == input.name;
                        }))
        inputs.push_back(&input);
    if (inputs.size() == 1 && inputs[0]->hasShape &&
        inputs[0]->dims.size() >= 2 && inputs[0]->dims[0] == 1) {
      OnnxImportOptions relaxed = options;
      relaxed.relaxBatchOfOne = false;
      relaxed.inputShape.push_back(ShapedType::kDynamic);
      for (int64_t d : llvm::drop_begin(inputs[0]->dims))
        relaxed.inputShape.push_back(d < 0 ? ShapedType::kDynamic : d);
      // The attempt's errors only mean that the batch must stay 1.
      ScopedDiagnosticHandler quiet(context,
                                    [](Diagnostic &) { return success(); });
      // Every output must still lead with the batch: a graph that folds it
      // away (a reshape to [1, -1]) computes a batch-1 model only.
      OwningOpRef<ModuleOp> module =
          OnnxImporter(model, sourceName, context, relaxed).run();
      func::FuncOp entry =
          module ? *module->getOps<func::FuncOp>().begin() : func::FuncOp();
      if (entry && llvm::all_of(entry.getResultTypes(), [](Type type) {
            auto tensor = dyn_cast<RankedTensorType>(type);
            return tensor && tensor.getRank() > 0 && tensor.isDynamicDim(0);
          })) {
        if (options.relaxedBatch)
          *options.relaxedBatch = true;
        return module;
      }
    }
  }
  return OnnxImporter(model, sourceName, context, options).run();
}

OwningOpRef<ModuleOp>
mlir::dfq::importOnnxFile(StringRef path, MLIRContext *context,
                          const OnnxImportOptions &options) {
  ::mlir::dfq::onnx::Model model;
  std::string error;
  if (!::mlir::dfq::onnx::readModelFile(path.str(), model, error)) {
    emitError(FileLineColLoc::get(context, path, 0, 0)) << error;
    return nullptr;
  }
  return importOnnxModel(model, path, context, options);
}

std::optional<SmallVector<int64_t>>
mlir::dfq::parseInputShape(StringRef text, std::string &error) {
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  text.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t dim = 0;
    if (part == "?") {
      shape.push_back(ShapedType::kDynamic);
    } else if (!part.getAsInteger(10, dim) && dim > 0) {
      shape.push_back(dim);
    } else {
      error = "input shape '" + text.str() +
              "' must be dimensions separated by 'x', each a positive "
              "integer or '?' (e.g. ?x3x224x224)";
      return std::nullopt;
    }
  }
  return shape;
}
