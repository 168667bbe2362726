//===- ImportDecompositions.cpp - ONNX ops written out as dfq ops ---------===//
//
// ONNX operators that have no dfq op of their own import as the few dfq ops
// that ONNX's own definition (its reference implementation or function body)
// spells out: the same arithmetic in the same order, so the interpreter
// computes what ONNX specifies and every target runs them with the ops it
// already has. One-dimensional convolutions and poolings run as 2-D ones
// over a height of 1.
//
//===----------------------------------------------------------------------===//

#include "OnnxImporterImpl.h"

#include "dfq/Dialect/DfqOps.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::dfq;
using namespace mlir::dfq::onnx_import;

LogicalResult OnnxImporter::importGelu(const onnx::Node &node, Location loc,
                                       AttributeReader &attrs) {
  // Opset 20's Gelu, written out as the exporters of earlier opsets do:
  // x/2 (1 + erf(x / sqrt 2)), or with approximate = "tanh",
  // x/2 (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
  FailureOr<std::string> approximate = attrs.getString("approximate", "none");
  if (failed(approximate) || failed(attrs.finish()))
    return failure();
  if (*approximate != "none" && *approximate != "tanh")
    return emitError(loc) << what << ": approximate '" << *approximate
                          << "' is not one of none and tanh";
  FailureOr<Value> x = getInput(node, 0, loc);
  if (failed(x))
    return failure();
  auto scalar = [&](float v, StringRef name) {
    return materializeF32({}, {v}, name, loc);
  };
  auto mul = [&](Value a, Value b) {
    return createInferred<MulOp>(loc, ValueRange{a, b});
  };
  FailureOr<Value> inner;
  if (*approximate == "none") {
    inner = mul(*x, scalar(static_cast<float>(M_SQRT1_2), "gelu_rsqrt2"));
    if (succeeded(inner))
      inner = createTyped<ErfOp>(loc, x->getType(), *inner);
  } else {
    FailureOr<Value> square = mul(*x, *x);
    FailureOr<Value> cube = failed(square) ? square : mul(*square, *x);
    FailureOr<Value> term =
        failed(cube) ? cube : mul(*cube, scalar(0.044715f, "gelu_cubic"));
    FailureOr<Value> sum =
        failed(term) ? term : createInferred<AddOp>(loc, ValueRange{*x, *term});
    inner = failed(sum)
                ? sum
                : mul(*sum, scalar(static_cast<float>(std::sqrt(2.0 / M_PI)),
                                   "gelu_sqrt2_pi"));
    if (succeeded(inner))
      inner = createTyped<TanhOp>(loc, x->getType(), *inner);
  }
  FailureOr<Value> onePlus =
      failed(inner) ? inner
                    : createInferred<AddOp>(
                          loc, ValueRange{*inner, scalar(1.0f, "gelu_one")});
  FailureOr<Value> half =
      failed(onePlus) ? onePlus : mul(*x, scalar(0.5f, "gelu_half"));
  FailureOr<Value> result = failed(half) ? half : mul(*half, *onePlus);
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importVariadicSum(const onnx::Node &node,
                                              Location loc,
                                              AttributeReader &attrs) {
  // ONNX's reference adds left to right; Mean divides the sum by the count.
  if (failed(attrs.finish()))
    return failure();
  if (node.inputs.empty())
    return emitError(loc) << what << ": has no inputs";
  FailureOr<Value> result = getInput(node, 0, loc);
  for (unsigned i = 1; succeeded(result) && i < node.inputs.size(); ++i) {
    FailureOr<Value> next = getInput(node, i, loc);
    if (failed(next))
      return failure();
    result = createInferred<AddOp>(loc, ValueRange{*result, *next});
  }
  if (succeeded(result) && node.opType == "Mean" && node.inputs.size() > 1)
    result = createInferred<DivOp>(
        loc, ValueRange{*result, materializeF32({}, {float(node.inputs.size())},
                                                "mean_count", loc)});
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importUnaryDecomposition(const onnx::Node &node,
                                                     Location loc,
                                                     AttributeReader &attrs) {
  StringRef op = node.opType;
  // Selu's defaults are ONNX's, the float values of SELU's constants.
  FailureOr<float> alpha =
      op == "Selu" ? attrs.getFloat("alpha", 1.67326319217681884765625f)
                   : FailureOr<float>(0.0f);
  FailureOr<float> gamma =
      failed(alpha)  ? FailureOr<float>(failure())
      : op == "Selu" ? attrs.getFloat("gamma", 1.05070102214813232421875f)
                     : FailureOr<float>(0.0f);
  if (failed(gamma) || failed(attrs.finish()))
    return failure();
  FailureOr<Value> x = getInput(node, 0, loc);
  if (failed(x))
    return failure();
  Type type = x->getType();
  auto scalar = [&](float v, StringRef name) {
    return materializeF32({}, {v}, name, loc);
  };
  FailureOr<Value> result;
  if (op == "Reciprocal") {
    // 1 / x.
    result = createTyped<DivOp>(loc, type, ValueRange{scalar(1.0f, "one"), *x});
  } else if (op == "Softsign") {
    // x / (1 + |x|).
    FailureOr<Value> abs = createTyped<AbsOp>(loc, type, *x);
    FailureOr<Value> den =
        failed(abs) ? abs
                    : createTyped<AddOp>(loc, type,
                                         ValueRange{*abs, scalar(1.0f, "one")});
    result =
        failed(den) ? den : createTyped<DivOp>(loc, type, ValueRange{*x, *den});
  } else {
    // Selu: gamma * (x > 0 ? x : alpha * (exp(x) - 1)), an ELU scaled.
    FailureOr<Value> elu = createTyped<EluOp>(
        loc, type, *x,
        {builder.getNamedAttr("alpha", builder.getF32FloatAttr(*alpha))});
    result = failed(elu) ? elu
                         : createTyped<MulOp>(
                               loc, type,
                               ValueRange{*elu, scalar(*gamma, "selu_gamma")});
  }
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importInstanceNorm(const onnx::Node &node,
                                               Location loc,
                                               AttributeReader &attrs) {
  // y = scale * (x - mean) / sqrt(var + epsilon) + B over each channel's
  // spatial elements (the biased variance), as ONNX's reference computes.
  FailureOr<float> epsilon = attrs.getFloat("epsilon", 1e-5f);
  if (failed(epsilon) || failed(attrs.finish()))
    return failure();
  FailureOr<Value> x = getInput(node, 0, loc);
  if (failed(x))
    return failure();
  FailureOr<RankedTensorType> type = getTensorType(loc, "input", *x);
  if (failed(type))
    return failure();
  int64_t rank = type->getRank();
  int64_t channels = rank >= 3 ? type->getDimSize(1) : ShapedType::kDynamic;
  if (rank < 3 || ShapedType::isDynamic(channels))
    return emitError(loc) << what << ": input " << formatDims(type->getShape())
                          << " must be [N, C, D1, ...] with a static C";
  // Scale and bias broadcast as [C, 1, ..., 1].
  SmallVector<int64_t> perChannel = {channels};
  perChannel.append(rank - 2, 1);
  SmallVector<Value, 2> affine;
  for (unsigned i : {1u, 2u}) {
    FailureOr<const onnx::Tensor *> tensor =
        getConstantInput(node, i, loc, i == 1 ? "scale" : "B");
    if (failed(tensor))
      return failure();
    if ((*tensor)->dataType != onnx::kFloat ||
        (*tensor)->numElements() != channels)
      return emitError(loc) << what << ": " << (i == 1 ? "scale" : "B")
                            << " must be " << channels << " FLOAT values";
    affine.push_back(
        materializeF32(perChannel, (*tensor)->floats, node.inputs[i], loc));
  }
  SmallVector<int64_t> spatial;
  for (int64_t d = 2; d < rank; ++d)
    spatial.push_back(d);
  NamedAttribute reduceAttrs[] = {
      builder.getNamedAttr("axes", builder.getDenseI64ArrayAttr(spatial)),
      builder.getNamedAttr("keepdims", builder.getBoolAttr(true))};
  FailureOr<Value> mean = createInferred<ReduceMeanOp>(loc, *x, reduceAttrs);
  FailureOr<Value> centered =
      failed(mean) ? mean
                   : createTyped<SubOp>(loc, *type, ValueRange{*x, *mean});
  FailureOr<Value> square =
      failed(centered)
          ? centered
          : createTyped<MulOp>(loc, *type, ValueRange{*centered, *centered});
  FailureOr<Value> variance =
      failed(square) ? square
                     : createInferred<ReduceMeanOp>(loc, *square, reduceAttrs);
  FailureOr<Value> shifted =
      failed(variance)
          ? variance
          : createTyped<AddOp>(
                loc, variance->getType(),
                ValueRange{*variance,
                           materializeF32({}, {*epsilon}, "epsilon", loc)});
  FailureOr<Value> deviation =
      failed(shifted) ? shifted
                      : createTyped<SqrtOp>(loc, shifted->getType(), *shifted);
  FailureOr<Value> normalized =
      failed(deviation)
          ? deviation
          : createTyped<DivOp>(loc, *type, ValueRange{*centered, *deviation});
  FailureOr<Value> scaled =
      failed(normalized)
          ? normalized
          : createTyped<MulOp>(loc, *type, ValueRange{*normalized, affine[0]});
  FailureOr<Value> result =
      failed(scaled)
          ? scaled
          : createTyped<AddOp>(loc, *type, ValueRange{*scaled, affine[1]});
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importDepthToSpace(const onnx::Node &node,
                                               Location loc,
                                               AttributeReader &attrs) {
  // ONNX's definitions: a reshape to rank 6, a transpose and a reshape.
  bool toSpace = node.opType == "DepthToSpace";
  FailureOr<int64_t> blocksize = attrs.getInt("blocksize", 0);
  FailureOr<std::string> mode =
      failed(blocksize) ? FailureOr<std::string>(failure())
      : toSpace         ? attrs.getString("mode", "DCR")
                        : FailureOr<std::string>(std::string("DCR"));
  if (failed(mode) || failed(attrs.finish()))
    return failure();
  if (*mode != "DCR" && *mode != "CRD")
    return emitError(loc) << what << ": mode '" << *mode
                          << "' is not one of DCR and CRD";
  FailureOr<Value> x = getInput(node, 0, loc);
  if (failed(x))
    return failure();
  FailureOr<RankedTensorType> type = getTensorType(loc, "input", *x, 4);
  if (failed(type))
    return failure();
  ArrayRef<int64_t> in = type->getShape();
  int64_t b = *blocksize, n = in[0], c = in[1], h = in[2], w = in[3];
  // b * b and the channels times b * b are formed only once they are known
  // to fit (a blocksize of 2^43 squared is 0 in 64 bits).
  int64_t squared = 0, channels = 0;
  bool fits = b >= 1 && b <= std::numeric_limits<int32_t>::max() &&
              !llvm::MulOverflow(b, b, squared) &&
              !llvm::MulOverflow(c, squared, channels);
  if (!fits || llvm::any_of(in.drop_front(), ShapedType::isDynamic) ||
      (toSpace ? c % squared != 0 : (h % b != 0 || w % b != 0)))
    return emitError(loc) << what << ": blocksize " << b
                          << " does not divide input " << formatDims(in)
                          << " (static C, H and W)";
  SmallVector<int64_t> split, perm, out;
  if (toSpace && *mode == "DCR") {
    split = {n, b, b, c / (b * b), h, w};
    perm = {0, 3, 4, 1, 5, 2};
  } else if (toSpace) {
    split = {n, c / (b * b), b, b, h, w};
    perm = {0, 1, 4, 2, 5, 3};
  } else {
    split = {n, c, h / b, b, w / b, b};
    perm = {0, 3, 5, 1, 2, 4};
  }
  out = toSpace ? SmallVector<int64_t>{n, c / (b * b), h * b, w * b}
                : SmallVector<int64_t>{n, c * b * b, h / b, w / b};
  Type element = type->getElementType();
  FailureOr<Value> blocks =
      createTyped<ReshapeOp>(loc, RankedTensorType::get(split, element), *x);
  FailureOr<Value> moved =
      failed(blocks) ? blocks
                     : createInferred<TransposeOp>(
                           loc, *blocks,
                           {builder.getNamedAttr(
                               "perm", builder.getDenseI64ArrayAttr(perm))});
  FailureOr<Value> result =
      failed(moved) ? moved
                    : createTyped<ReshapeOp>(
                          loc, RankedTensorType::get(out, element), *moved);
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importExpand(const onnx::Node &node, Location loc,
                                         AttributeReader &attrs) {
  // Expand of a run-time tensor broadcasts it to `shape`: a multiplication
  // by ones, which is exact (x * 1 is x, signed zeros, NaN and infinities
  // included). An entry that is the batch broadcasts as 1. The ones are 1
  // along every dimension the input already has (its static extent, not 1,
  // which `shape` keeps or leaves at 1): the product has the same shape,
  // and the constant only spans the dimensions that grow.
  if (failed(attrs.finish()))
    return failure();
  FailureOr<Value> x = getInput(node, 0, loc);
  if (failed(x))
    return failure();
  FailureOr<const onnx::Tensor *> shape =
      getConstantInput(node, 1, loc, "shape", /*allowBatchSize=*/true);
  if (failed(shape))
    return failure();
  if ((*shape)->dataType != onnx::kInt64 || (*shape)->dims.size() > 1)
    return emitError(loc) << what << ": shape must be a 1-D INT64 tensor";
  ConstantRef ref = constantRef(*shape);
  SmallVector<int64_t> ones;
  for (auto [i, size] : llvm::enumerate((*shape)->ints)) {
    if (ref.at(i) != Known::BatchSize && size < 0)
      return emitError(loc) << what << ": shape " << formatDims((*shape)->ints)
                            << " has a negative dimension";
    ones.push_back(ref.at(i) == Known::BatchSize ? 1 : size);
  }
  if (failed(checkResultSize(
          loc, RankedTensorType::get(ones, builder.getF32Type()))))
    return failure();
  if (auto input = dyn_cast<RankedTensorType>(x->getType())) {
    ArrayRef<int64_t> in = input.getShape();
    for (size_t d = 0; d < ones.size() && d < in.size(); ++d) {
      int64_t have = in[in.size() - 1 - d];
      int64_t &want = ones[ones.size() - 1 - d];
      if (ShapedType::isDynamic(have) || have == 1)
        continue;
      if (want != 1 && want != have)
        return emitError(loc)
               << what << ": shape " << formatDims((*shape)->ints)
               << " does not broadcast with the input "
               << formatDims(input.getShape());
      want = 1;
    }
  }
  int64_t count = 1;
  for (int64_t d : ones)
    count *= d;
  FailureOr<Value> result = createInferred<MulOp>(
      loc, ValueRange{*x, materializeF32(ones, SmallVector<float>(count, 1.0f),
                                         "expand_ones", loc)});
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importTile(const onnx::Node &node, Location loc,
                                       AttributeReader &attrs) {
  // Each repeated axis is a concatenation of copies.
  if (failed(attrs.finish()))
    return failure();
  FailureOr<Value> x = getInput(node, 0, loc);
  if (failed(x))
    return failure();
  FailureOr<RankedTensorType> type = getTensorType(loc, "input", *x);
  FailureOr<SmallVector<int64_t>> repeats =
      failed(type) ? FailureOr<SmallVector<int64_t>>(failure())
                   : getIntsInput(node, 1, loc, "repeats");
  if (failed(repeats))
    return failure();
  if (int64_t(repeats->size()) != type->getRank())
    return emitError(loc) << what << ": " << repeats->size()
                          << " repeats for rank " << type->getRank();
  // The result's size first, and each copy is one operand of a
  // concatenation: an absurd count must not become a list of operands.
  constexpr int64_t kMaxCopies = 65536;
  SmallVector<int64_t> tiled;
  for (auto [size, count] : llvm::zip_equal(type->getShape(), *repeats)) {
    int64_t product = 0;
    if (count > kMaxCopies ||
        llvm::MulOverflow(ShapedType::isDynamic(size) ? 1 : size, count,
                          product))
      return emitError(loc)
             << what << ": repeats " << formatDims(*repeats) << " of "
             << formatDims(type->getShape()) << " exceed " << kMaxCopies
             << " copies of an axis, which dfq does not tile";
    tiled.push_back(ShapedType::isDynamic(size) ? size : product);
  }
  if (failed(checkResultSize(
          loc, RankedTensorType::get(tiled, type->getElementType()))))
    return failure();
  Value result = *x;
  for (auto [axis, count] : llvm::enumerate(*repeats)) {
    if (count < 1)
      return emitError(loc) << what << ": repeats " << formatDims(*repeats)
                            << " must be positive";
    if (count == 1)
      continue;
    if (type->isDynamicDim(axis))
      return emitError(loc) << what << ": repeats the batch dimension";
    SmallVector<Value> copies(count, result);
    FailureOr<Value> joined = createInferred<ConcatOp>(
        loc, copies,
        {builder.getNamedAttr("axis", builder.getI64IntegerAttr(axis))});
    if (failed(joined))
      return failure();
    result = *joined;
  }
  return defineValue(node, node.outputs[0], result, loc);
}

LogicalResult OnnxImporter::importAs2D(const onnx::Node &node, Location loc,
                                       Value input) {
  // [N, C, L] runs as [N, C, 1, L] (a BatchNormalization too): every
  // spatial attribute gets a leading
  // entry for the height (kernel 1, stride 1, no padding), a weight
  // [O, I, K] becomes [O, I, 1, K], and the result drops the height again.
  auto type = cast<RankedTensorType>(input.getType());
  onnx::Node wide = node;
  std::string suffix = "__as_2d_" + std::to_string(values.size());
  auto widen = [&](ArrayRef<int64_t> shape) {
    SmallVector<int64_t> out(shape.begin(), shape.begin() + 2);
    out.push_back(1);
    out.append(shape.begin() + 2, shape.end());
    return out;
  };
  for (onnx::Attribute &attr : wide.attributes) {
    if (attr.type != onnx::Attribute::kInts)
      continue;
    StringRef name = attr.name;
    int64_t height = name == "kernel_shape" || name == "strides" ||
                             name == "dilations" || name == "output_shape"
                         ? 1
                     : name == "pads" || name == "output_padding" ? 0
                                                                  : -1;
    if (height < 0)
      continue;
    if (name == "pads") {
      if (attr.ints.size() != 2)
        return emitError(loc) << what << ": pads must have 2 values";
      attr.ints = {0, attr.ints[0], 0, attr.ints[1]};
    } else {
      attr.ints.insert(attr.ints.begin(), height);
    }
  }
  // A 1-D layer after another reads the other's 2-D result directly, so
  // that a BatchNormalization still follows its convolution.
  auto type2d =
      RankedTensorType::get(widen(type.getShape()), type.getElementType());
  auto previous = input.getDefiningOp<ReshapeOp>();
  FailureOr<Value> input2d = previous && previous.getInput().getType() == type2d
                                 ? FailureOr<Value>(previous.getInput())
                                 : createTyped<ReshapeOp>(loc, type2d, input);
  if (failed(input2d))
    return failure();
  wide.inputs[0] = node.inputs[0] + suffix;
  values[wide.inputs[0]] = *input2d;
  if ((node.opType == "Conv" || node.opType == "ConvTranspose") &&
      hasInput(node, 1)) {
    FailureOr<const onnx::Tensor *> weight =
        getConstantInput(node, 1, loc, "weight");
    if (failed(weight))
      return failure();
    if ((*weight)->dims.size() != 3)
      return emitError(loc) << what << ": the weight of a 1-D " << node.opType
                            << " must have rank 3";
    auto wide2d = std::make_unique<onnx::Tensor>(**weight);
    wide2d->dims.insert(wide2d->dims.begin() + 2, 1);
    wide2d->name = node.inputs[1] + suffix;
    wide.inputs[1] = wide2d->name;
    constants[wide2d->name] = wide2d.get();
    ownedTensors.push_back(std::move(wide2d));
  }
  wide.outputs[0] = node.outputs[0] + suffix;
  if (failed(importCurrentNode(wide, loc)))
    return failure();
  Value result2d = values.lookup(wide.outputs[0]);
  auto resultType = cast<RankedTensorType>(result2d.getType());
  SmallVector<int64_t> narrow = {resultType.getDimSize(0),
                                 resultType.getDimSize(1),
                                 resultType.getDimSize(3)};
  FailureOr<Value> result = createTyped<ReshapeOp>(
      loc, RankedTensorType::get(narrow, resultType.getElementType()),
      result2d);
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importEinsum(const onnx::Node &node, Location loc,
                                         AttributeReader &attrs) {
  // One or two operands, each label at most once per operand, no ellipsis:
  // labels only one operand has and the output lacks are summed first; two
  // operands then become one batched dfq.matmul, their labels ordered as
  // [shared kept][own kept][contracted] by transposes and grouped by
  // reshapes, and the product is put in the output's order.
  FailureOr<std::string> equation = attrs.getString("equation", "");
  if (failed(equation) || failed(attrs.finish()))
    return failure();
  std::string eq;
  for (char c : *equation)
    if (c != ' ')
      eq.push_back(c);
  size_t arrow = eq.find("->");
  std::string inputsPart = eq.substr(0, arrow);
  SmallVector<std::string> operandLabels;
  for (StringRef part : llvm::split(StringRef(inputsPart), ','))
    operandLabels.push_back(part.str());
  if (operandLabels.size() != node.inputs.size() ||
      (operandLabels.size() != 1 && operandLabels.size() != 2))
    return emitError(loc) << what << ": equation '" << *equation
                          << "' must name one or two operands, as the node "
                             "has inputs";
  std::string output;
  if (arrow != std::string::npos) {
    output = eq.substr(arrow + 2);
  } else {
    // Implicit form: the labels that appear once, in alphabetical order.
    for (char c = 'A'; c <= 'z'; ++c) {
      int count = 0;
      for (const std::string &labels : operandLabels)
        count += llvm::count(labels, c);
      if (count == 1)
        output.push_back(c);
    }
  }
  auto valid = [](StringRef labels) {
    return llvm::all_of(labels, [&](char c) {
      return llvm::isAlpha(c) && llvm::count(labels, c) == 1;
    });
  };
  if (!valid(output) || !llvm::all_of(operandLabels, [&](const std::string &l) {
        return valid(l);
      }))
    return emitError(loc) << what << ": equation '" << *equation
                          << "' is not supported (ellipses and labels "
                             "repeated within one operand are not)";
  for (char c : output)
    if (!llvm::any_of(operandLabels, [&](const std::string &l) {
          return llvm::is_contained(l, c);
        }))
      return emitError(loc)
             << what << ": output label '" << c << "' is not an input label";

  SmallVector<Value, 2> operands;
  llvm::StringMap<int64_t> sizes;
  for (auto [i, labels] : llvm::enumerate(operandLabels)) {
    FailureOr<Value> operand = getInput(node, i, loc);
    if (failed(operand))
      return failure();
    auto type = cast<RankedTensorType>(operand->getType());
    if (type.getRank() != int64_t(labels.size()))
      return emitError(loc)
             << what << ": operand " << i << " has rank " << type.getRank()
             << " but " << labels.size() << " labels";
    for (auto [d, c] : llvm::enumerate(labels)) {
      int64_t size = type.getDimSize(d);
      auto [it, fresh] = sizes.try_emplace(StringRef(&c, 1), size);
      if (!fresh && it->second != size)
        return emitError(loc) << what << ": label '" << c << "' has sizes "
                              << it->second << " and " << size;
    }
    operands.push_back(*operand);
  }
  auto sizeOf = [&](char c) { return sizes.lookup(StringRef(&c, 1)); };
  Type element = cast<RankedTensorType>(operands[0].getType()).getElementType();
  auto shapeOf = [&](StringRef labels) {
    SmallVector<int64_t> shape;
    for (char c : labels)
      shape.push_back(sizeOf(c));
    return shape;
  };
  // Transposes `value`, labelled `from`, into the order `to`.
  auto permute = [&](Value value, StringRef from,
                     StringRef to) -> FailureOr<Value> {
    if (from == to)
      return value;
    SmallVector<int64_t> perm;
    for (char c : to)
      perm.push_back(from.find(c));
    return createInferred<TransposeOp>(
        loc, value,
        {builder.getNamedAttr("perm", builder.getDenseI64ArrayAttr(perm))});
  };
  auto reshape = [&](Value value, ArrayRef<int64_t> shape) -> FailureOr<Value> {
    auto type = RankedTensorType::get(shape, element);
    if (value.getType() == type)
      return value;
    return createTyped<ReshapeOp>(loc, type, value);
  };
  // Sums the labels of operand `i` that neither the output nor the other
  // operand has.
  auto sumOwn = [&](unsigned i) -> FailureOr<Value> {
    std::string &labels = operandLabels[i];
    std::string kept;
    SmallVector<int64_t> axes;
    for (auto [d, c] : llvm::enumerate(labels)) {
      bool elsewhere =
          llvm::is_contained(output, c) ||
          (operands.size() == 2 && llvm::is_contained(operandLabels[1 - i], c));
      if (elsewhere)
        kept.push_back(c);
      else
        axes.push_back(d);
    }
    if (axes.empty())
      return operands[i];
    FailureOr<Value> summed = createInferred<ReduceSumOp>(
        loc, operands[i],
        {builder.getNamedAttr("axes", builder.getDenseI64ArrayAttr(axes)),
         builder.getNamedAttr("keepdims", builder.getBoolAttr(false))});
    labels = kept;
    return summed;
  };
  for (unsigned i = 0; i < operands.size(); ++i) {
    FailureOr<Value> summed = sumOwn(i);
    if (failed(summed))
      return failure();
    operands[i] = *summed;
  }
  FailureOr<Value> result;
  if (operands.size() == 1) {
    result = permute(operands[0], operandLabels[0], output);
  } else {
    StringRef a = operandLabels[0], b = operandLabels[1];
    std::string batch, freeA, freeB, contracted;
    for (char c : a) {
      bool inB = b.contains(c), kept = llvm::is_contained(output, c);
      (inB ? (kept ? batch : contracted) : freeA).push_back(c);
    }
    for (char c : b)
      if (!a.contains(c))
        freeB.push_back(c);
    auto product = [&](StringRef labels) -> std::optional<int64_t> {
      int64_t n = 1;
      for (char c : labels) {
        if (ShapedType::isDynamic(sizeOf(c)))
          return labels.size() == 1 ? std::optional<int64_t>(sizeOf(c))
                                    : std::nullopt;
        n *= sizeOf(c);
      }
      return n;
    };
    std::optional<int64_t> m = product(freeA), k = product(contracted),
                           n = product(freeB);
    if (!m || !n || !k || ShapedType::isDynamic(*k))
      return emitError(loc) << what << ": equation '" << *equation
                            << "' groups a dynamic dimension with others";
    SmallVector<int64_t> lhsShape = shapeOf(batch), rhsShape = shapeOf(batch),
                         productShape = shapeOf(batch);
    lhsShape.append({*m, *k});
    rhsShape.append({*k, *n});
    productShape.append({*m, *n});
    FailureOr<Value> lhs = permute(operands[0], a, batch + freeA + contracted);
    if (succeeded(lhs))
      lhs = reshape(*lhs, lhsShape);
    FailureOr<Value> rhs =
        failed(lhs) ? lhs : permute(operands[1], b, batch + contracted + freeB);
    if (succeeded(rhs))
      rhs = reshape(*rhs, rhsShape);
    FailureOr<Value> matmul =
        failed(rhs) ? rhs
                    : createInferred<MatMulOp>(loc, ValueRange{*lhs, *rhs});
    std::string labels = batch + freeA + freeB;
    FailureOr<Value> ungrouped =
        failed(matmul) ? matmul : reshape(*matmul, shapeOf(labels));
    result =
        failed(ungrouped) ? ungrouped : permute(*ungrouped, labels, output);
  }
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}

LogicalResult OnnxImporter::importLrn(const onnx::Node &node, Location loc,
                                      AttributeReader &attrs) {
  // ONNX: square_sum[c] = sum of x^2 over the `size` channels around c
  // (floor((size - 1) / 2) before, ceil((size - 1) / 2) after, inside the
  // tensor), y = x / (bias + alpha / size * square_sum)^beta. The window sum
  // is an average pooling along channels (padding counted) times `size`,
  // the power a dfq.pow.
  FailureOr<float> alpha = attrs.getFloat("alpha", 1e-4f);
  FailureOr<float> beta = failed(alpha) ? FailureOr<float>(failure())
                                        : attrs.getFloat("beta", 0.75f);
  FailureOr<float> bias =
      failed(beta) ? FailureOr<float>(failure()) : attrs.getFloat("bias", 1.0f);
  FailureOr<int64_t> size =
      failed(bias) ? FailureOr<int64_t>(failure()) : attrs.getInt("size", 0);
  if (failed(size) || failed(attrs.finish()))
    return failure();
  if (*size < 1 || !(*bias > 0.0f))
    return emitError(loc) << what << ": size must be positive and bias "
                          << "greater than 0 (size " << *size << ", bias "
                          << *bias << ")";
  FailureOr<Value> x = getInput(node, 0, loc);
  if (failed(x))
    return failure();
  FailureOr<RankedTensorType> type = getTensorType(loc, "input", *x, 4);
  if (failed(type))
    return failure();
  ArrayRef<int64_t> in = type->getShape();
  if (llvm::any_of(in.drop_front(), ShapedType::isDynamic))
    return emitError(loc) << what << ": input " << formatDims(in)
                          << " must have static C, H and W";
  Type element = type->getElementType();
  auto scalar = [&](float v, StringRef name) {
    return materializeF32({}, {v}, name, loc);
  };
  // [N, C, H, W] -> [N, 1, C, H * W]: channels become a pooled height.
  auto columns =
      RankedTensorType::get({in[0], 1, in[1], in[2] * in[3]}, element);
  FailureOr<Value> square = createTyped<MulOp>(loc, *type, ValueRange{*x, *x});
  FailureOr<Value> stacked =
      failed(square) ? square : createTyped<ReshapeOp>(loc, columns, *square);
  int64_t before = (*size - 1) / 2, after = *size - 1 - before;
  FailureOr<Value> mean =
      failed(stacked)
          ? stacked
          : createInferred<AvgPool2DOp>(
                loc, *stacked,
                {builder.getNamedAttr("kernel_shape",
                                      builder.getDenseI64ArrayAttr({*size, 1})),
                 builder.getNamedAttr("strides",
                                      builder.getDenseI64ArrayAttr({1, 1})),
                 builder.getNamedAttr("pads", builder.getDenseI64ArrayAttr(
                                                  {before, 0, after, 0})),
                 builder.getNamedAttr("ceil_mode", builder.getBoolAttr(false)),
                 builder.getNamedAttr("count_include_pad",
                                      builder.getBoolAttr(true))});
  FailureOr<Value> sums =
      failed(mean) ? mean : createTyped<ReshapeOp>(loc, *type, *mean);
  // alpha / size * (mean * size) = alpha * mean.
  FailureOr<Value> scaled =
      failed(sums)
          ? sums
          : createTyped<MulOp>(loc, *type,
                               ValueRange{*sums, scalar(*alpha, "lrn_alpha")});
  FailureOr<Value> base =
      failed(scaled)
          ? scaled
          : createTyped<AddOp>(loc, *type,
                               ValueRange{*scaled, scalar(*bias, "lrn_bias")});
  FailureOr<Value> power =
      failed(base) ? base
                   : createTyped<PowOp>(
                         loc, *type, *base,
                         {builder.getNamedAttr(
                             "exponent", builder.getF32FloatAttr(*beta))});
  FailureOr<Value> result =
      failed(power) ? power
                    : createTyped<DivOp>(loc, *type, ValueRange{*x, *power});
  if (failed(result))
    return failure();
  return defineValue(node, node.outputs[0], *result, loc);
}
