//===- FloatConstants.h - read and write float weight constants -*- C++ -*-===//
//
// The passes that rewrite weights (dfq-fold-bn, dfq-compensate-mpc,
// dfq-quantize) read `arith.constant` tensors of float data (dense or
// dense_resource) and write new ones in the same storage form.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TRANSFORMS_FLOATCONSTANTS_H
#define DFQ_TRANSFORMS_FLOATCONSTANTS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"

#include <string>

namespace mlir::dfq {

/// Values of a constant float tensor, widened to double, with the attribute
/// they came from.
struct FloatConstant {
  ElementsAttr attr;
  SmallVector<double> values;
};

/// Reads `value` if it is defined by a constant with float data that is
/// present in the module (not elided). On failure `why` says, naming the
/// operand as `name` ("the weight"), why not.
FailureOr<FloatConstant> readFloatConstant(Value value, StringRef name,
                                           std::string &why);

/// A constant of `type` holding `values` rounded once to its element type.
/// A `dense_resource` original yields a new resource blob, named after
/// `blobName`, so that large weights stay out of the printed IR.
Value createFloatConstant(OpBuilder &builder, Location loc,
                          RankedTensorType type, ArrayRef<double> values,
                          ElementsAttr original, StringRef blobName);

/// The blob name of a `dense_resource` constant with `suffix` appended, or
/// `suffix` alone for other constants.
std::string derivedBlobName(ElementsAttr original, StringRef suffix);

} // namespace mlir::dfq

#endif // DFQ_TRANSFORMS_FLOATCONSTANTS_H
