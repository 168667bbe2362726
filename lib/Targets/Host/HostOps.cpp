//===- HostOps.cpp - the host's C code for ops that are not kernels -------===//
//
// Quantizations that change layout, and the float ops between quantized
// layers, as calls of dfq_runtime.c with the reference interpreter's
// semantics.
//
//===----------------------------------------------------------------------===//

#include "HostProgram.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"

#include <cstdio>

using namespace mlir;
using namespace mlir::dfq;
using namespace mlir::dfq::host;

std::string host::unaryExpression(Operation *op, const std::string &x) {
  if (isa<ReluOp>(op))
    return x + " < 0.0f ? 0.0f : " + x;
  if (auto clip = dyn_cast<ClipOp>(op))
    return "dfq_rt_clip_one(" + x + clipBounds(clip) + ")";
  if (isa<SigmoidOp>(op))
    return "dfq_rt_sigmoid_one(" + x + ")";
  if (isa<TanhOp>(op))
    return "tanhf(" + x + ")";
  if (isa<ErfOp>(op))
    return "erff(" + x + ")";
  if (isa<AbsOp>(op))
    return "fabsf(" + x + ")";
  if (isa<ExpOp>(op))
    return "dfq_rt_expf(" + x + ")";
  if (isa<LogOp>(op))
    return "logf(" + x + ")";
  if (isa<SoftplusOp>(op))
    return "(" + x + " > 20.0f ? " + x + " : log1pf(dfq_rt_expf(" + x + ")))";
  if (auto relu = dyn_cast<LeakyReluOp>(op))
    return "(" + x + " < 0.0f ? " +
           floatLiteral(relu.getAlpha().convertToFloat()) + " * " + x + " : " +
           x + ")";
  if (auto pow = dyn_cast<PowOp>(op)) {
    // The exponents ATen computes by multiplication or a reciprocal, alike.
    float e = pow.getExponent().convertToFloat();
    if (e == 3.0f)
      return "(" + x + " * " + x + " * " + x + ")";
    if (e == -1.0f)
      return "(1.0f / " + x + ")";
    if (e == -2.0f)
      return "(1.0f / (" + x + " * " + x + "))";
    if (e == -0.5f)
      return "(1.0f / sqrtf(" + x + "))";
    return "powf(" + x + ", " + floatLiteral(e) + ")";
  }
  if (auto elu = dyn_cast<EluOp>(op))
    return "(" + x + " < 0.0f ? " +
           floatLiteral(elu.getAlpha().convertToFloat()) + " * expm1f(" + x +
           ") : " + x + ")";
  if (isa<SqrtOp>(op))
    return "sqrtf(" + x + ")";
  if (auto hard = dyn_cast<HardSigmoidOp>(op))
    return "dfq_rt_hard_sigmoid_one(" + x + ", " +
           floatLiteral(hard.getAlpha().convertToFloat()) + ", " +
           floatLiteral(hard.getBeta().convertToFloat()) + ")";
  if (isa<HardSwishOp>(op))
    return "dfq_rt_hard_swish_one(" + x + ")";
  return "";
}

std::string host::binaryExpression(Operation *op, const std::string &a,
                                   const std::string &b) {
  if (const char *infix = binaryOperator(op))
    return a + " " + infix + " " + b;
  if (isa<MaxOp>(op))
    return "dfq_rt_max_one(" + a + ", " + b + ")";
  if (isa<MinOp>(op))
    return "dfq_rt_min_one(" + a + ", " + b + ")";
  if (isa<PReluOp>(op))
    return "dfq_rt_prelu_one(" + a + ", " + b + ")";
  return "";
}

const char *host::binaryOperator(Operation *op) {
  return isa<AddOp>(op)   ? "+"
         : isa<MulOp>(op) ? "*"
         : isa<SubOp>(op) ? "-"
         : isa<DivOp>(op) ? "/"
                          : nullptr;
}

LogicalResult HostProgram::emitBinary(Operation *op) {
  Value result = op->getResult(0);
  const ValueInfo &out = values[result];
  int rank = out.sampleShape.size() + 1;
  if (rank > 6)
    return op->emitError() << "has rank " << rank
                           << "; the host runtime broadcasts up to rank 6";
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
  const char *code = isa<AddOp>(op)   ? "DFQ_RT_ADD"
                     : isa<MulOp>(op) ? "DFQ_RT_MUL"
                     : isa<SubOp>(op) ? "DFQ_RT_SUB"
                     : isa<DivOp>(op) ? "DFQ_RT_DIV"
                     : isa<MaxOp>(op) ? "DFQ_RT_MAX"
                     : isa<MinOp>(op) ? "DFQ_RT_MIN"
                                      : "DFQ_RT_PRELU";
  body += std::string("    dfq_rt_binary(") + code + ", " +
          floatPtr(op->getOperand(0)) + ", lhs, " +
          floatPtr(op->getOperand(1)) + ", rhs, " + floatPtr(result) +
          ", dims, " + std::to_string(rank) + ");\n  }\n";
  return success();
}

/// Gives the consumers of an NHWC float value from `step` on an NCHW copy
/// of it (a buffer of its own, converted at `step`).
/// A dequantized weight becomes a float constant, computed as the
/// interpreter does: f32(q - z) * f32(s), per channel along the type's axis.
LogicalResult HostProgram::emitDequantizedConstant(DequantizeOp op,
                                                   QConstantOp weight) {
  auto values = dyn_cast<DenseIntElementsAttr>(weight.getValue());
  auto type = cast<RankedTensorType>(weight.getType());
  if (!values)
    return op->emitError() << "needs dense weight values on the " << targetName
                           << " target";
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
  ValueInfo v;
  v.address = name;
  v.hasBatch = false;
  v.sampleShape.assign(type.getShape().begin(), type.getShape().end());
  // The weights of float gemms only, in at most 8 signed bits per output
  // row: stored as their codes (dfq_rt_gemm_codes dequantizes them as it
  // reads them), a quarter of the bytes of the floats.
  auto storage = cast<quant::QuantizedType>(type.getElementType());
  bool gemmWeightsOnly =
      !op->use_empty() && llvm::all_of(op->getUses(), [](OpOperand &use) {
        auto gemm = dyn_cast<GemmOp>(use.getOwner());
        return gemm && use.getOperandNumber() == 1;
      });
  if (gemmWeightsOnly && type.getRank() == 2 && axis <= 0 &&
      storage.isSigned() && storage.getStorageTypeIntegralWidth() <= 8) {
    int64_t rows = type.getDimSize(0);
    std::vector<uint8_t> codes;
    codes.reserve(type.getNumElements());
    for (const APInt &q : values.getValues<APInt>())
      codes.push_back(uint8_t(q.getSExtValue()));
    constantsCode += "/* " + getLayerName(op) +
                     ": codes */\nstatic const int8_t " + name + "[" +
                     std::to_string(type.getNumElements()) +
                     "] =" + byteStringLiteral(codes) +
                     ";\nstatic const int32_t " + name + "_zero_points[] = {";
    for (int64_t r = 0; r < rows; ++r)
      constantsCode += (r % 16 ? " " : "\n  ") +
                       std::to_string(zeroPoints[axis == 0 ? r : 0]) + ",";
    constantsCode += "\n};\nstatic const float " + name + "_scales[] = {";
    for (int64_t r = 0; r < rows; ++r)
      constantsCode +=
          (r % 8 ? " " : "\n  ") +
          floatLiteral(static_cast<float>(scales[axis == 0 ? r : 0])) + ",";
    constantsCode += "\n};\n";
    gemmWeightCodes.insert(op.getResult());
    this->values[op.getResult()] = v;
    return success();
  }
  constantsCode +=
      "/* " + getLayerName(op) + " */\nstatic const float " + name + "[] = {";
  for (auto [i, q] : llvm::enumerate(values.getValues<APInt>())) {
    int64_t c = axis >= 0 ? (static_cast<int64_t>(i) / inner) % channels : 0;
    float x = static_cast<float>(q.getSExtValue() - zeroPoints[c]) *
              static_cast<float>(scales[c]);
    constantsCode += (i % 8 ? " " : "\n  ") + floatLiteral(x) + ",";
  }
  constantsCode += "\n};\n";
  this->values[op.getResult()] = v;
  return success();
}

LogicalResult HostProgram::emitHostOp(Operation *op, size_t step) {
  auto planes = [&](Value v) {
    const ValueInfo &i = values[v];
    return "n * " + std::to_string(i.sampleShape[0]);
  };
  if (auto quantize = dyn_cast<QuantizeOp>(op))
    return emitQuantize(quantize, quantize.getResult(), /*toNhwc=*/false);
  if (auto dequantize = dyn_cast<DequantizeOp>(op))
    return emitDequantize(dequantize, dequantize.getResult(),
                          /*fromNhwc=*/false);
  if (auto transpose = dyn_cast<TransposeOp>(op))
    return emitTranspose(transpose, step);
  if (isa<QConv2DOp, QGemmOp>(op))
    return emitKernel(op, step);
  if (auto maxPool = dyn_cast<MaxPool2DOp>(op))
    return emitMaxPool(maxPool);
  if (auto avgPool = dyn_cast<QAvgPool2DOp>(op))
    return emitQAvgPool(avgPool);
  if (isa<FlattenOp, ReshapeOp>(op))
    return success(); // same bytes, new shape
  // Everything below is a float op.
  for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults()))
    if (values[v].quantized)
      return op->emitError()
             << "reads or writes a quantized tensor, which the " << targetName
             << " target "
                "supports only in dfq.qconv2d, dfq.qgemm, dfq.qavg_pool2d, "
                "(de)quantize, transpose, flatten, reshape and max_pool2d";
  Value result = op->getResult(0);
  if (std::string expr = unaryExpression(op, "x[i]"); !expr.empty()) {
    body += "  {\n    const float *x = " + floatPtr(op->getOperand(0)) +
            ";\n    float *y = " + floatPtr(result) +
            ";\n    for (int64_t i = 0; i < " + count(result) +
            "; ++i)\n      y[i] = " + expr + ";\n  }\n";
    return success();
  }
  if (auto gemm = dyn_cast<GemmOp>(op)) {
    const ValueInfo &x = values[gemm.getInput()];
    const ValueInfo &w = values[gemm.getWeight()];
    if (!x.hasBatch || w.hasBatch)
      return op->emitError() << "multiplies two activations or two "
                                "constants; the "
                             << targetName
                             << " target runs a float gemm "
                                "of an activation and constant weights";
    std::string weights = gemmWeightCodes.contains(gemm.getWeight())
                              ? "dfq_rt_gemm_codes(" +
                                    floatPtr(gemm.getInput()) + ", " +
                                    w.address + ", " + w.address +
                                    "_zero_points, " + w.address + "_scales"
                              : "dfq_rt_gemm(" + floatPtr(gemm.getInput()) +
                                    ", " + floatPtr(gemm.getWeight());
    // Over [N, ..., K], every row of every sample.
    int64_t rows = product(ArrayRef<int64_t>(x.sampleShape).drop_back());
    body += "  " + weights + ", " +
            (gemm.getBias() ? floatPtr(gemm.getBias()) : "NULL") + ", " +
            floatPtr(result) +
            (rows == 1 ? ", n, " : ", n * " + std::to_string(rows) + ", ") +
            std::to_string(x.sampleShape.back()) + ", " +
            std::to_string(w.sampleShape[0]) + ");\n";
    return success();
  }
  if (isBinaryElementwise(op))
    return emitBinary(op);
  if (auto matmul = dyn_cast<MatMulOp>(op)) {
    // Two activations with the same leading dimensions (attention's
    // [N, heads, T, d] products); a constant factor is a dfq.gemm.
    const ValueInfo &lhs = values[matmul.getLhs()];
    const ValueInfo &rhs = values[matmul.getRhs()];
    ArrayRef<int64_t> a = lhs.sampleShape, b = rhs.sampleShape;
    if (!lhs.hasBatch || !rhs.hasBatch || a.size() < 2 ||
        a.size() != b.size() || a.drop_back(2) != b.drop_back(2))
      return op->emitError()
             << "multiplies a constant, or activations whose leading "
                "dimensions differ (broadcasting); the "
             << targetName
             << " target multiplies two activations of the same leading "
                "dimensions";
    body += "  dfq_rt_matmul(" + floatPtr(matmul.getLhs()) + ", " +
            floatPtr(matmul.getRhs()) + ", " + floatPtr(result) + ", n * " +
            std::to_string(product(a.drop_back(2))) + ", " +
            std::to_string(a[a.size() - 2]) + ", " + std::to_string(a.back()) +
            ", " + std::to_string(b.back()) + ");\n";
    return success();
  }
  if (isa<GlobalAvgPoolOp>(op)) {
    // A transposition from channels-last is read as it is: the pooling
    // sums every channel in the same order in both layouts.
    auto transpose = op->getOperand(0).getDefiningOp<TransposeOp>();
    if (transpose && printedElsewhere.contains(transpose)) {
      Value nhwc = transpose.getInput();
      readAt(nhwc, step);
      const ValueInfo &in = values[nhwc];
      body += "  dfq_rt_global_avg_pool_nhwc(" + floatPtr(nhwc) + ", " +
              floatPtr(result) + ", " + planes(result) + ", " +
              std::to_string(in.sampleShape[0] * in.sampleShape[1]) + ", " +
              std::to_string(in.sampleShape[2]) + ");\n";
      return success();
    }
    const ValueInfo &in = values[op->getOperand(0)];
    body += "  dfq_rt_global_avg_pool(" + floatPtr(op->getOperand(0)) + ", " +
            floatPtr(result) + ", " + planes(op->getOperand(0)) + ", " +
            std::to_string(in.sampleShape[1] * in.sampleShape[2]) + ");\n";
    return success();
  }
  auto pool = [&](ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                  ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                  StringRef call, StringRef extra) {
    const ValueInfo &in = values[op->getOperand(0)];
    const ValueInfo &out = values[result];
    body += "  {\n    const int64_t geometry[] = " +
            poolGeometry(kernel, strides, pads, dilations) + ";\n    " +
            call.str() + "(" + floatPtr(op->getOperand(0)) + ", " +
            floatPtr(result) + ", " + planes(op->getOperand(0)) + ", " +
            std::to_string(in.sampleShape[1]) + ", " +
            std::to_string(in.sampleShape[2]) + ", " +
            std::to_string(out.sampleShape[1]) + ", " +
            std::to_string(out.sampleShape[2]) + ", geometry" + extra.str() +
            ");\n  }\n";
  };
  if (auto avgPool = dyn_cast<AvgPool2DOp>(op)) {
    int64_t undilated[] = {1, 1};
    if (avgPool.getChannelsLast()) {
      ArrayRef<int64_t> s = values[avgPool.getInput()].sampleShape;
      ArrayRef<int64_t> o = values[result].sampleShape;
      body += "  {\n    const int64_t geometry[] = " +
              poolGeometry(avgPool.getKernelShape(), avgPool.getStrides(),
                           avgPool.getPads(), undilated) +
              ";\n    dfq_rt_avg_pool2d_nhwc(" + floatPtr(avgPool.getInput()) +
              ", " + floatPtr(result) + ", n, " + std::to_string(s[0]) + ", " +
              std::to_string(s[1]) + ", " + std::to_string(s[2]) + ", " +
              std::to_string(o[0]) + ", " + std::to_string(o[1]) +
              ", geometry, " + (avgPool.getCountIncludePad() ? "1" : "0") +
              ");\n  }\n";
      return success();
    }
    pool(avgPool.getKernelShape(), avgPool.getStrides(), avgPool.getPads(),
         undilated, "dfq_rt_avg_pool2d",
         avgPool.getCountIncludePad() ? ", 1" : ", 0");
    return success();
  }
  // An axis of the result counted with the batch (negative from the end),
  // or 0 when it is the batch or out of range. I64Attr getters return
  // uint64_t: a negative axis needs the cast.
  auto sampleAxis = [&](uint64_t attribute) -> int64_t {
    int64_t rank = values[result].sampleShape.size() + 1;
    int64_t axis = static_cast<int64_t>(attribute);
    axis = axis < 0 ? axis + rank : axis;
    return axis > 0 && axis < rank ? axis : 0;
  };
  if (auto softmax = dyn_cast<SoftmaxOp>(op)) {
    int64_t axis = sampleAxis(softmax.getAxis());
    if (axis == 0)
      return op->emitError() << "softmax over the batch is not supported by "
                                "the "
                             << targetName << " target";
    ArrayRef<int64_t> s = values[result].sampleShape;
    int64_t outer = product(s.take_front(axis - 1));
    int64_t inner = product(s.drop_front(axis));
    body += "  dfq_rt_softmax(" + floatPtr(op->getOperand(0)) + ", " +
            floatPtr(result) + ", n * " + std::to_string(outer) + ", " +
            std::to_string(s[axis - 1]) + ", " + std::to_string(inner) + ");\n";
    return success();
  }
  if (auto norm = dyn_cast<LayerNormOp>(op)) {
    ArrayRef<int64_t> s = values[norm.getInput()].sampleShape;
    int64_t axis = sampleAxis(norm.getAxis());
    if (axis == 0 || !values[norm.getInput()].hasBatch ||
        values[norm.getScale()].hasBatch ||
        (norm.getBias() && values[norm.getBias()].hasBatch))
      return op->emitError() << "normalizes over the batch, a constant, or "
                                "with computed scale or bias; not supported "
                                "by the "
                             << targetName << " target";
    body +=
        "  dfq_rt_layer_norm(" + floatPtr(norm.getInput()) + ", " +
        floatPtr(norm.getScale()) + ", " +
        (norm.getBias() ? floatPtr(norm.getBias()) : "NULL") + ", " +
        floatPtr(result) + ", n * " +
        std::to_string(product(s.take_front(axis - 1))) + ", " +
        std::to_string(product(s.drop_front(axis - 1))) + ", " +
        floatLiteral(static_cast<float>(norm.getEpsilon().convertToDouble())) +
        ");\n";
    return success();
  }
  if (isa<ReduceMeanOp, ReduceSumOp, ReduceMaxOp>(op)) {
    // The reduced dimensions must be adjacent, so that the reduction is over
    // the middle of an [outer, reduced, inner] view.
    ArrayRef<int64_t> axes = op->getAttrOfType<DenseI64ArrayAttr>("axes");
    Value input = op->getOperand(0);
    ArrayRef<int64_t> s = values[input].sampleShape;
    int64_t rank = s.size() + 1;
    SmallVector<int64_t> sorted;
    for (int64_t a : axes)
      sorted.push_back(a < 0 ? a + rank : a);
    llvm::sort(sorted);
    if (!values[input].hasBatch || sorted.front() == 0 ||
        sorted.back() - sorted.front() + 1 !=
            static_cast<int64_t>(sorted.size()))
      return op->emitError() << "reduces the batch, a constant, or dimensions "
                                "that are not adjacent; not supported by the "
                             << targetName << " target";
    int64_t first = sorted.front() - 1, last = sorted.back() - 1;
    const char *kind = isa<ReduceMeanOp>(op)  ? "DFQ_RT_REDUCE_MEAN"
                       : isa<ReduceSumOp>(op) ? "DFQ_RT_REDUCE_SUM"
                                              : "DFQ_RT_REDUCE_MAX";
    body += std::string("  dfq_rt_reduce(") + kind + ", " + floatPtr(input) +
            ", " + floatPtr(result) + ", n * " +
            std::to_string(product(s.take_front(first))) + ", " +
            std::to_string(product(s.slice(first, last - first + 1))) + ", " +
            std::to_string(product(s.drop_front(last + 1))) + ");\n";
    return success();
  }
  if (auto conv = dyn_cast<ConvTranspose2DOp>(op)) {
    const ValueInfo &in = values[conv.getInput()];
    if (!in.hasBatch || values[conv.getWeight()].hasBatch ||
        (conv.getBias() && values[conv.getBias()].hasBatch))
      return op->emitError() << "needs an activation input and constant "
                                "weights on the "
                             << targetName << " target";
    ArrayRef<int64_t> w =
        cast<RankedTensorType>(conv.getWeight().getType()).getShape();
    ArrayRef<int64_t> out = values[result].sampleShape;
    std::string geometry = "{";
    for (int64_t g :
         {w[2], w[3], conv.getStrides()[0], conv.getStrides()[1],
          conv.getPads()[0], conv.getPads()[1], conv.getDilations()[0],
          conv.getDilations()[1], static_cast<int64_t>(conv.getGroups())})
      geometry += std::to_string(g) + ", ";
    body += "  {\n    const int64_t geometry[] = " + geometry +
            "};\n    dfq_rt_conv_transpose2d(" + floatPtr(conv.getInput()) +
            ", " + floatPtr(conv.getWeight()) + ", " +
            (conv.getBias() ? floatPtr(conv.getBias()) : "NULL") + ", " +
            floatPtr(result) + ", n, " + std::to_string(in.sampleShape[0]) +
            ", " + std::to_string(in.sampleShape[1]) + ", " +
            std::to_string(in.sampleShape[2]) + ", " + std::to_string(out[0]) +
            ", " + std::to_string(out[1]) + ", " + std::to_string(out[2]) +
            ", geometry);\n  }\n";
    return success();
  }
  if (auto resize = dyn_cast<ResizeOp>(op)) {
    ArrayRef<int64_t> in = values[resize.getInput()].sampleShape;
    ArrayRef<int64_t> out = values[result].sampleShape;
    if (!values[resize.getInput()].hasBatch)
      return op->emitError() << "resizes a constant; not supported by the "
                             << targetName << " target";
    StringRef mode = resize.getMode(), coordinates = resize.getCoordinateMode(),
              nearest = resize.getNearestMode();
    auto number = [](double v) {
      std::string s;
      llvm::raw_string_ostream os(s);
      os << llvm::format("%a", v);
      return s;
    };
    body += "  failed |= dfq_rt_resize(" + floatPtr(resize.getInput()) + ", " +
            floatPtr(result) + ", " + planes(resize.getInput()) + ", " +
            std::to_string(in[1]) + ", " + std::to_string(in[2]) + ", " +
            std::to_string(out[1]) + ", " + std::to_string(out[2]) + ", " +
            (mode == "nearest"  ? "DFQ_RT_RESIZE_NEAREST"
             : mode == "linear" ? "DFQ_RT_RESIZE_LINEAR"
                                : "DFQ_RT_RESIZE_CUBIC") +
            ", " +
            (coordinates == "half_pixel" ? "DFQ_RT_COORD_HALF_PIXEL"
             : coordinates == "pytorch_half_pixel"
                 ? "DFQ_RT_COORD_PYTORCH_HALF_PIXEL"
             : coordinates == "align_corners" ? "DFQ_RT_COORD_ALIGN_CORNERS"
                                              : "DFQ_RT_COORD_ASYMMETRIC") +
            ", " +
            (nearest == "floor"               ? "DFQ_RT_FLOOR"
             : nearest == "ceil"              ? "DFQ_RT_CEIL"
             : nearest == "round_prefer_ceil" ? "DFQ_RT_ROUND_PREFER_CEIL"
                                              : "DFQ_RT_ROUND_PREFER_FLOOR") +
            ", " + number(resize.getScales()[0]) + ", " +
            number(resize.getScales()[1]) + ", " +
            number(resize.getCubicCoeffA().convertToDouble()) + ", " +
            (resize.getExcludeOutside() ? "1" : "0") + ");\n";
    return success();
  }
  if (auto pad = dyn_cast<PadOp>(op)) {
    const ValueInfo &in = values[pad.getInput()];
    ArrayRef<int64_t> pads = pad.getPads();
    int64_t rank = pads.size() / 2;
    if (!in.hasBatch || pads[0] || pads[rank] || rank > 6)
      return op->emitError() << "pads a constant or the batch, or has rank "
                                "> 6; not supported by the "
                             << targetName << " target";
    std::string inDims = "{n", outDims = "{n", begins = "{0";
    for (int64_t d = 1; d < rank; ++d) {
      inDims += ", " + std::to_string(in.sampleShape[d - 1]);
      outDims += ", " + std::to_string(values[result].sampleShape[d - 1]);
      begins += ", " + std::to_string(pads[d]);
    }
    StringRef mode = pad.getMode();
    body += "  {\n    const int64_t in_dims[] = " + inDims +
            "}, out_dims[] = " + outDims + "}, begins[] = " + begins +
            "};\n    dfq_rt_pad(" + floatPtr(pad.getInput()) + ", " +
            floatPtr(result) + ", in_dims, out_dims, begins, " +
            std::to_string(rank) + ", " +
            (mode == "constant"  ? "DFQ_RT_PAD_CONSTANT"
             : mode == "reflect" ? "DFQ_RT_PAD_REFLECT"
                                 : "DFQ_RT_PAD_EDGE") +
            ", " +
            floatLiteral(static_cast<float>(pad.getValue().convertToDouble())) +
            ");\n  }\n";
    return success();
  }
  if (auto slice = dyn_cast<SliceOp>(op)) {
    const ValueInfo &in = values[slice.getInput()];
    ArrayRef<int64_t> starts = slice.getStarts(), steps = slice.getSteps();
    if (!in.hasBatch || starts[0] != 0 || steps[0] != 1 ||
        cast<RankedTensorType>(slice.getType()).getDimSize(0) !=
            cast<RankedTensorType>(slice.getInput().getType()).getDimSize(0) ||
        starts.size() > 6)
      return op->emitError() << "slices a constant or the batch, or has rank "
                                "> 6; not supported by the "
                             << targetName << " target";
    std::string inDims = "{n", outDims = "{n", first = "{0", step = "{1";
    for (auto [d, out] : llvm::enumerate(values[result].sampleShape)) {
      inDims += ", " + std::to_string(in.sampleShape[d]);
      outDims += ", " + std::to_string(out);
      first += ", " + std::to_string(starts[d + 1]);
      step += ", " + std::to_string(steps[d + 1]);
    }
    body += "  {\n    const int64_t in_dims[] = " + inDims +
            "}, out_dims[] = " + outDims + "},\n        starts[] = " + first +
            "}, steps[] = " + step + "};\n    dfq_rt_slice(" +
            floatPtr(slice.getInput()) + ", " + floatPtr(result) +
            ", in_dims, out_dims, starts, steps, " +
            std::to_string(starts.size()) + ");\n  }\n";
    return success();
  }
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    int64_t axis = sampleAxis(concat.getAxis());
    if (axis == 0)
      return op->emitError() << "concatenation along the batch is not "
                                "supported by the "
                             << targetName << " target";
    ArrayRef<int64_t> s = values[result].sampleShape;
    int64_t outer = product(s.take_front(axis - 1));
    int64_t inner = product(s.drop_front(axis)) * 4;
    int64_t offset = 0;
    // The buffer the parts go to (this concatenation's, or the one it is a
    // view of) and where this one's rows start in it.
    const ValueInfo &out = values[result];
    auto view = placements.find(result);
    Value home = view != placements.end() ? view->second.home : result;
    int64_t base = view != placements.end() ? view->second.offset * 4 : 0;
    int64_t outStride = out.strided() ? out.rowStride * 4 : s[axis - 1] * inner;
    for (Value in : concat.getInputs()) {
      // A constant holds the whole batch when the batch is static (a
      // transformer's class token, concatenated at batch 1); its samples
      // then lie as an activation's would.
      const ValueInfo &info = values[in];
      auto inType = cast<RankedTensorType>(in.getType());
      bool wholeBatch = info.hasBatch || (!ShapedType::isDynamic(batch) &&
                                          inType.getDimSize(0) == batch);
      if (!wholeBatch)
        return op->emitError() << "concatenates a constant that does not "
                                  "hold the model's static batch; not "
                                  "supported by the "
                               << targetName << " target";
      ArrayRef<int64_t> inSample = info.hasBatch
                                       ? ArrayRef<int64_t>(info.sampleShape)
                                       : inType.getShape().drop_front();
      int64_t part = inSample[axis - 1] * inner;
      // A part computed (or copied, after a producer that wrote it densely)
      // where this concatenation reads it is not copied.
      auto place = placements.find(in);
      bool inPlace = place != placements.end() && place->second.home == home &&
                     place->second.offset * 4 == base + offset;
      if (!inPlace)
        body += "  dfq_rt_copy_rows(" + info.address + ", " +
                std::to_string(info.strided() ? info.rowStride * 4 : part) +
                ", (" + out.address + " + " + std::to_string(offset) + "), " +
                std::to_string(outStride) + ", n * " + std::to_string(outer) +
                ", " + std::to_string(part) + ");\n";
      offset += part;
    }
    return success();
  }
  return op->emitError() << "is not supported by the " << targetName
                         << " target";
}

LogicalResult HostProgram::emitQuantize(QuantizeOp quantize, Value result,
                                        bool toNhwc) {
  auto type = perTensorActivation(quantize.getType());
  if (!type)
    return quantize->emitError()
           << "quantizes to " << quantize.getType() << "; the " << targetName
           << " target stores activations per tensor, in at most 8 bits";
  const ValueInfo &in = values[quantize.getInput()];
  int64_t c = toNhwc ? in.sampleShape[0] : 1;
  int64_t hw = product(in.sampleShape) / c;
  body += std::string("  dfq_rt_quantize") + (type.isSigned() ? "_s8(" : "(") +
          floatPtr(quantize.getInput()) + ", " + bytePtr(result) + ", n, " +
          std::to_string(c) + ", " + std::to_string(hw) + ", " +
          floatLiteral(static_cast<float>(type.getScale())) + ", " +
          std::to_string(type.getZeroPoint()) + ", " +
          std::to_string(type.getStorageTypeMin()) + ", " +
          std::to_string(type.getStorageTypeMax()) + ", " +
          (toNhwc ? "1" : "0") + ");\n";
  return success();
}

LogicalResult HostProgram::emitDequantize(DequantizeOp dequantize, Value result,
                                          bool fromNhwc) {
  auto type = perTensorActivation(dequantize.getInput().getType());
  if (!type)
    return dequantize->emitError()
           << "dequantizes " << dequantize.getInput().getType() << "; the "
           << targetName
           << " target stores activations per tensor, in at most 8 bits";
  const ValueInfo &in = values[dequantize.getInput()];
  // Channels-last [H, W, C] read into [C, H, W].
  int64_t c = fromNhwc ? in.sampleShape[2] : 1;
  int64_t hw = product(in.sampleShape) / c;
  body += std::string("  dfq_rt_dequantize") +
          (type.isSigned() ? "_s8(" : "(") + bytePtr(dequantize.getInput()) +
          ", " + floatPtr(result) + ", n, " + std::to_string(c) + ", " +
          std::to_string(hw) + ", " +
          floatLiteral(static_cast<float>(type.getScale())) + ", " +
          std::to_string(type.getZeroPoint()) + ", " + (fromNhwc ? "1" : "0") +
          ");\n";
  return success();
}

Operation *HostProgram::fusedTransposeProducer(TransposeOp transpose) {
  // A pooling that reads channels-last data as it is comes first: the
  // producer then stays a contiguous loop.
  Operation *producer = transpose.getInput().getDefiningOp();
  if (!producer || !producer->hasOneUse() || absorbed.count(producer) ||
      fusedTransposeReader(transpose))
    return nullptr;
  ArrayRef<int64_t> perm = transpose.getPerm();
  if (!movesElements(
          cast<RankedTensorType>(transpose.getInput().getType()).getShape(),
          perm))
    return nullptr;
  // dfq_rt_quantize writes [n][hw][c] from [n][c][hw]; dfq_rt_dequantize
  // reads it.
  if (auto quantize = dyn_cast<QuantizeOp>(producer))
    return isToNhwc(perm) && perTensorActivation(quantize.getType()) ? producer
                                                                     : nullptr;
  if (auto dequantize = dyn_cast<DequantizeOp>(producer))
    return isToNchw(perm) &&
                   perTensorActivation(dequantize.getInput().getType()) &&
                   cast<RankedTensorType>(dequantize.getType())
                       .getElementType()
                       .isF32()
               ? producer
               : nullptr;
  return nullptr;
}

Operation *HostProgram::fusedTransposeReader(TransposeOp transpose) {
  if (!transpose->hasOneUse() || !isToNchw(transpose.getPerm()))
    return nullptr;
  Operation *reader = *transpose->getUsers().begin();
  return isa<GlobalAvgPoolOp>(reader) ? reader : nullptr;
}

LogicalResult HostProgram::emitTranspose(TransposeOp transpose, size_t step) {
  Value result = transpose.getResult();
  if (Operation *producer = fusedTransposeProducer(transpose)) {
    readAt(producer->getOperand(0), step);
    if (auto quantize = dyn_cast<QuantizeOp>(producer))
      return emitQuantize(quantize, result, /*toNhwc=*/true);
    return emitDequantize(cast<DequantizeOp>(producer), result,
                          /*fromNhwc=*/true);
  }
  // Only dimensions of size 1 move: the result aliases the input.
  if (values[result].address == values[transpose.getInput()].address)
    return success();
  ArrayRef<int64_t> perm = transpose.getPerm();
  const ValueInfo &in = values[transpose.getInput()];
  if (perm.empty() || perm[0] != 0 || perm.size() > 6 || !in.hasBatch)
    return transpose->emitError()
           << "moves the batch dimension, transposes a constant or has rank "
              "> 6; not supported by the "
           << targetName << " target";
  std::string x = in.quantized ? "(const uint8_t *)" + in.address
                               : floatPtr(transpose.getInput());
  std::string y =
      in.quantized ? "(uint8_t *)" + values[result].address : floatPtr(result);
  std::string suffix = in.quantized ? "_bytes(" : "(";
  // The layout changes around channels-last layers have loops of their own.
  if (isToNchw(perm) || isToNhwc(perm)) {
    ArrayRef<int64_t> shape = in.sampleShape;
    bool toNchw = isToNchw(perm);
    int64_t c = toNchw ? shape[2] : shape[0];
    int64_t hw = toNchw ? shape[0] * shape[1] : shape[1] * shape[2];
    body += std::string("  dfq_rt_") +
            (toNchw ? "nhwc_to_nchw" : "nchw_to_nhwc") + suffix + x + ", " + y +
            ", n, " + std::to_string(c) + ", " + std::to_string(hw) + ");\n";
    return success();
  }
  std::string dims = "{n", order = "{";
  for (int64_t d : in.sampleShape)
    dims += ", " + std::to_string(d);
  for (auto [i, p] : llvm::enumerate(perm))
    order += (i ? ", " : "") + std::to_string(p);
  body += "  {\n    const int64_t dims[] = " + dims + "}, perm[] = " + order +
          "};\n    dfq_rt_transpose" + suffix + x + ", " + y +
          ", dims, perm, " + std::to_string(perm.size()) + ");\n  }\n";
  return success();
}

std::string host::poolGeometry(ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> pads,
                               ArrayRef<int64_t> dilations) {
  std::string geometry = "{";
  for (int64_t g : {kernel[0], kernel[1], strides[0], strides[1], pads[0],
                    pads[1], pads[2], pads[3], dilations[0], dilations[1]})
    geometry += std::to_string(g) + ", ";
  return geometry + "}";
}

LogicalResult HostProgram::emitPool(Operation *pool, StringRef function,
                                    bool channelsLast, std::string geometry,
                                    std::string requant) {
  Value input = pool->getOperand(0), result = pool->getResult(0);
  const ValueInfo &in = values[input];
  const ValueInfo &out = values[result];
  if ((in.quantized && !perTensorActivation(input.getType())) ||
      (out.quantized && !perTensorActivation(result.getType())))
    return pool->emitError()
           << "pools " << input.getType() << " into " << result.getType()
           << "; the " << targetName
           << " target pools codes of at most 8 bits, quantized per tensor";
  if (in.isSigned != out.isSigned)
    return pool->emitError()
           << "pools " << input.getType() << " into " << result.getType()
           << "; the " << targetName
           << " target pools codes into codes of the same signedness";
  // Codes are unsigned or signed bytes; channels last passes the channels.
  std::string suffix = !in.quantized ? "" : in.isSigned ? "_s8" : "_u8";
  ArrayRef<int64_t> s = in.sampleShape, o = out.sampleShape;
  std::string sizes =
      channelsLast
          ? "n, " + std::to_string(s[0]) + ", " + std::to_string(s[1]) + ", " +
                std::to_string(s[2]) + ", " + std::to_string(o[0]) + ", " +
                std::to_string(o[1])
          : "n * " + std::to_string(s[0]) + ", " + std::to_string(s[1]) + ", " +
                std::to_string(s[2]) + ", " + std::to_string(o[1]) + ", " +
                std::to_string(o[2]);
  std::string x = in.quantized ? bytePtr(input) : floatPtr(input);
  std::string y = in.quantized ? bytePtr(result) : floatPtr(result);
  body += "  {\n    const int64_t geometry[] = " + geometry + ";\n";
  if (!requant.empty())
    body += "    const int32_t requant[] = " + requant + ";\n";
  body += "    " + function.str() + (channelsLast ? "_nhwc" : "") + suffix +
          "(" + x + ", " + y + ", " + sizes + ", geometry" +
          (requant.empty() ? "" : ", requant") + ");\n  }\n";
  return success();
}

LogicalResult HostProgram::emitMaxPool(MaxPool2DOp pool) {
  return emitPool(pool, "dfq_rt_max_pool2d", pool.getChannelsLast(),
                  poolGeometry(pool.getKernelShape(), pool.getStrides(),
                               pool.getPads(), pool.getDilations()),
                  "");
}

LogicalResult HostProgram::emitQAvgPool(QAvgPool2DOp pool) {
  auto in = perTensorActivation(pool.getInput().getType());
  auto out = perTensorActivation(pool.getType());
  if (!in || !out)
    return pool->emitError()
           << "pools " << pool.getInput().getType() << "; the " << targetName
           << " target pools codes of at most 8 bits";
  int64_t undilated[] = {1, 1};
  std::string requant = "{";
  for (int64_t v : {in.getZeroPoint(), int64_t(int32_t(pool.getMultiplier())),
                    int64_t(int32_t(pool.getShift())), out.getZeroPoint(),
                    out.getStorageTypeMin(), out.getStorageTypeMax()})
    requant += std::to_string(v) + ", ";
  return emitPool(pool, "dfq_rt_qavg_pool2d", pool.getChannelsLast(),
                  poolGeometry(pool.getKernelShape(), pool.getStrides(),
                               pool.getPads(), undilated),
                  requant + "}");
}
