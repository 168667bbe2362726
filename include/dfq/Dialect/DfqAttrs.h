//===- DfqAttrs.h - dfq attributes ------------------------------*- C++ -*-===//

#ifndef DFQ_DIALECT_DFQATTRS_H
#define DFQ_DIALECT_DFQATTRS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "dfq/DfqEnums.h.inc"

#include "dfq/DfqAttrInterfaces.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dfq/DfqAttrs.h.inc"

#include <optional>
#include <string>

namespace mlir::dfq {

/// The discardable attribute of a dfq.qconv2d / dfq.qgemm that holds its
/// kernel schedule (a KernelScheduleAttrInterface: #dfq.x86_kernel,
/// #dfq.c_kernel, #dfq.cuda_kernel), written by dfq-lower-to-kernels.
constexpr llvm::StringLiteral kKernelAttrName = "dfq.kernel";

/// The kind of quantizable layer `op` is (dfq.conv2d and dfq.qconv2d with one
/// input channel per group are depthwise), or nullopt for any other op.
std::optional<LayerKind> classifyLayer(Operation *op);

} // namespace mlir::dfq

#endif // DFQ_DIALECT_DFQATTRS_H
