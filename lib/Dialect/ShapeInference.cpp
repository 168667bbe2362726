//===- ShapeInference.cpp - shape rules shared by dfq ops -----------------===//

#include "ShapeInference.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::dfq;

static bool isDynamic(int64_t dim) { return ShapedType::isDynamic(dim); }

/// Window attributes above this are rejected so that size arithmetic cannot
/// overflow int64.
static constexpr int64_t kMaxWindowValue = (int64_t(1) << 31) - 1;

std::string mlir::dfq::formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os, [&](int64_t dim) {
    if (isDynamic(dim))
      os << '?';
    else
      os << dim;
  });
  os << ']';
  return text;
}

/// Checks that `values` has `count` entries, each at least `minimum`.
static LogicalResult checkWindowAttr(std::optional<Location> loc,
                                     StringRef opName, StringRef name,
                                     ArrayRef<int64_t> values, size_t count,
                                     int64_t minimum,
                                     int64_t maximum = kMaxWindowValue) {
  if (values.size() != count)
    return emitShapeError(loc, opName, "expected ", count, " values in '", name,
                          "', got ", values.size());
  for (int64_t v : values)
    if (v < minimum || v > maximum)
      return emitShapeError(loc, opName, "'", name, "' values must lie in [",
                            minimum, ", ", maximum, "], got ",
                            formatShape(values));
  return success();
}

/// Output extent of one spatial dimension, or failure when the (dilated)
/// window does not fit the padded input.
static FailureOr<int64_t> windowOutputSize(std::optional<Location> loc,
                                           StringRef opName, StringRef dimName,
                                           int64_t size, int64_t kernel,
                                           int64_t stride, int64_t padBegin,
                                           int64_t padEnd, int64_t dilation,
                                           bool ceilMode) {
  if (isDynamic(size))
    return ShapedType::kDynamic;
  int64_t padded = size + padBegin + padEnd;
  int64_t window = dilation * (kernel - 1) + 1;
  if (window > padded)
    return emitShapeError(loc, opName, "window of ", dimName, " extent ",
                          window, " does not fit the padded input ", dimName,
                          " ", padded);
  int64_t span = padded - window;
  int64_t out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  // ONNX: with ceil_mode, a window may not start inside the end padding.
  if (ceilMode && (out - 1) * stride >= size + padBegin)
    --out;
  return out;
}

FailureOr<Shape>
mlir::dfq::inferConv2dShape(std::optional<Location> loc, StringRef opName,
                            ArrayRef<int64_t> input, ArrayRef<int64_t> weight,
                            std::optional<ArrayRef<int64_t>> bias,
                            ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                            ArrayRef<int64_t> dilations, int64_t groups) {
  if (input.size() != 4)
    return emitShapeError(
        loc, opName, "expected a rank-4 NCHW input, got rank ", input.size());
  if (weight.size() != 4)
    return emitOptionalError(loc,
                             "expected a rank-4 [O, C/groups, KH, KW] "
                             "weight, got rank ",
                             weight.size());
  if (failed(checkWindowAttr(loc, opName, "strides", strides, 2, 1)) ||
      failed(checkWindowAttr(loc, opName, "pads", pads, 4, 0)) ||
      failed(checkWindowAttr(loc, opName, "dilations", dilations, 2, 1)))
    return failure();
  if (groups < 1 || groups > kMaxWindowValue)
    return emitShapeError(loc, opName, "'groups' must lie in [1, ",
                          kMaxWindowValue, "], got ", groups);
  int64_t channels = input[1], outChannels = weight[0];
  if (!isDynamic(channels) && channels % groups != 0)
    return emitShapeError(loc, opName, "groups (", groups,
                          ") must divide the input channels (", channels, ")");
  if (isDynamic(outChannels) || isDynamic(weight[1]) || isDynamic(weight[2]) ||
      isDynamic(weight[3]))
    return emitShapeError(loc, opName, "weight shape must be static, got ",
                          formatShape(weight));
  if (outChannels % groups != 0)
    return emitShapeError(loc, opName, "groups (", groups,
                          ") must divide the output channels (", outChannels,
                          ")");
  if (!isDynamic(channels) && weight[1] * groups != channels)
    return emitShapeError(loc, opName, "weight expects ", weight[1],
                          " input channels per group (", weight[1] * groups,
                          " in ", groups, " groups) but the input has ",
                          channels);
  if (bias && (bias->size() != 1 ||
               (!isDynamic((*bias)[0]) && (*bias)[0] != outChannels)))
    return emitShapeError(loc, opName, "bias shape ", formatShape(*bias),
                          " does not match the ", outChannels,
                          " output channels");
  Shape result = {input[0], outChannels, 0, 0};
  for (int i = 0; i < 2; ++i) {
    FailureOr<int64_t> size = windowOutputSize(
        loc, opName, i == 0 ? "height" : "width", input[2 + i], weight[2 + i],
        strides[i], pads[i], pads[2 + i], dilations[i], /*ceilMode=*/false);
    if (failed(size))
      return failure();
    result[2 + i] = *size;
  }
  return result;
}

FailureOr<Shape>
mlir::dfq::inferPool2dShape(std::optional<Location> loc, StringRef opName,
                            ArrayRef<int64_t> input, ArrayRef<int64_t> kernel,
                            ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                            ArrayRef<int64_t> dilations, bool ceilMode) {
  if (input.size() != 4)
    return emitShapeError(
        loc, opName, "expected a rank-4 NCHW input, got rank ", input.size());
  if (failed(checkWindowAttr(loc, opName, "kernel_shape", kernel, 2, 1)) ||
      failed(checkWindowAttr(loc, opName, "strides", strides, 2, 1)) ||
      failed(checkWindowAttr(loc, opName, "pads", pads, 4, 0)) ||
      failed(checkWindowAttr(loc, opName, "dilations", dilations, 2, 1)))
    return failure();
  for (int i = 0; i < 2; ++i)
    if (pads[i] >= kernel[i] || pads[2 + i] >= kernel[i])
      return emitShapeError(loc, opName, "pads ", formatShape(pads),
                            " must be smaller than the kernel ",
                            formatShape(kernel));
  Shape result = {input[0], input[1], 0, 0};
  for (int i = 0; i < 2; ++i) {
    FailureOr<int64_t> size = windowOutputSize(
        loc, opName, i == 0 ? "height" : "width", input[2 + i], kernel[i],
        strides[i], pads[i], pads[2 + i], dilations[i], ceilMode);
    if (failed(size))
      return failure();
    result[2 + i] = *size;
  }
  return result;
}

FailureOr<Shape>
mlir::dfq::inferGemmShape(std::optional<Location> loc, StringRef opName,
                          ArrayRef<int64_t> input, ArrayRef<int64_t> weight,
                          std::optional<ArrayRef<int64_t>> bias) {
  if (input.size() < 2 || weight.size() != 2)
    return emitOptionalError(loc,
                             "expected an input of rank 2 or more and a "
                             "rank-2 weight, got ranks ",
                             input.size(), " and ", weight.size());
  int64_t features = input.back();
  if (!isDynamic(features) && !isDynamic(weight[1]) && features != weight[1])
    return emitShapeError(loc, opName, "input has ", features,
                          " features but the [O, K] weight expects ",
                          weight[1]);
  if (bias &&
      (bias->size() != 1 || (!isDynamic((*bias)[0]) && !isDynamic(weight[0]) &&
                             (*bias)[0] != weight[0])))
    return emitShapeError(loc, opName, "bias shape ", formatShape(*bias),
                          " does not match the weight's output features ",
                          formatShape(weight.take_front()));
  Shape result(input.drop_back());
  result.push_back(weight[0]);
  return result;
}

Shape mlir::dfq::toNchw(ArrayRef<int64_t> nhwc) {
  if (nhwc.size() != 4)
    return Shape(nhwc);
  return {nhwc[0], nhwc[3], nhwc[1], nhwc[2]};
}

Shape mlir::dfq::toNhwc(ArrayRef<int64_t> nchw) {
  if (nchw.size() != 4)
    return Shape(nchw);
  return {nchw[0], nchw[2], nchw[3], nchw[1]};
}
