//===- ShapeInference.h - shape rules shared by float and quantized ops ---===//
//
// The float ops and their quantized counterparts (conv2d / qconv2d, gemm /
// qgemm) obey the same shape rules; keeping them in one place keeps the
// verifiers' messages identical for both.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_LIB_DIALECT_SHAPEINFERENCE_H
#define DFQ_LIB_DIALECT_SHAPEINFERENCE_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mlir::dfq {

using Shape = SmallVector<int64_t, 4>;

/// Result shape of a 2-D convolution over NCHW, or failure with a diagnostic
/// at `loc` (when given) naming the violated rule.
FailureOr<Shape> inferConv2dShape(std::optional<Location> loc, StringRef opName,
                                  ArrayRef<int64_t> input,
                                  ArrayRef<int64_t> weight,
                                  std::optional<ArrayRef<int64_t>> bias,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> pads,
                                  ArrayRef<int64_t> dilations, int64_t groups);

/// Result shape of a 2-D pooling window over NCHW.
FailureOr<Shape> inferPool2dShape(std::optional<Location> loc, StringRef opName,
                                  ArrayRef<int64_t> input,
                                  ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> pads,
                                  ArrayRef<int64_t> dilations, bool ceilMode);

/// Result shape of `input [N, K] x weight [O, K]^T (+ bias [O])`.
FailureOr<Shape> inferGemmShape(std::optional<Location> loc, StringRef opName,
                                ArrayRef<int64_t> input,
                                ArrayRef<int64_t> weight,
                                std::optional<ArrayRef<int64_t>> bias);

/// Emits `'<opName>' op <message>` at `loc` when a location is given, the
/// same prefix emitOpError gives, and returns failure.
template <typename... Args>
LogicalResult emitShapeError(std::optional<Location> loc, StringRef opName,
                             Args &&...args) {
  return emitOptionalError(loc, "'", opName, "' op ",
                           std::forward<Args>(args)...);
}

/// "[1, 3, ?, 4]": shapes as they appear in diagnostics.
std::string formatShape(ArrayRef<int64_t> shape);

/// [N, H, W, C] -> [N, C, H, W] and back; other ranks are left alone for
/// the shape inference to reject.
Shape toNchw(ArrayRef<int64_t> nhwc);
Shape toNhwc(ArrayRef<int64_t> nchw);

} // namespace mlir::dfq

#endif // DFQ_LIB_DIALECT_SHAPEINFERENCE_H
