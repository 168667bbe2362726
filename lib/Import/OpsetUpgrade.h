//===- OpsetUpgrade.h - Older ONNX operator versions to current ones -*- C++
//-*-===//
//
// Private to the importer. Models from older converters (and ONNX's model
// zoo) use opsets 1 to 10, where Slice, Clip, Pad and Reshape took attributes
// that later became inputs, Upsample and the opset-10 Resize stood for what
// Resize now spells out with its coordinate attributes, and elementwise ops
// carried explicit broadcast flags. Like ONNX's version converter, each such
// node is rewritten into the form of the opsets the node importers read
// (11 to 22) before it is imported; everything else passes unchanged.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_LIB_IMPORT_OPSETUPGRADE_H
#define DFQ_LIB_IMPORT_OPSETUPGRADE_H

#include "dfq/Import/OnnxModel.h"

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::dfq::onnx_import {

/// Rewrites `node`, read from a model importing default-domain opset
/// `opset`, into the form of opset 11 and later. Returns std::nullopt when
/// the node already has that form. Attributes that became inputs become
/// constant tensors appended to `newConstants`, named after the node's first
/// output. `findConstant` looks up a constant input by name. Forms with no
/// current equivalent (axis-aligned legacy broadcasting, per-activation
/// BatchNormalization) are errors naming the node (`what`).
FailureOr<std::optional<onnx::Node>> upgradeLegacyNode(
    const onnx::Node &node, int64_t opset, Location loc,
    const std::string &what,
    function_ref<const onnx::Tensor *(const std::string &)> findConstant,
    std::vector<std::unique_ptr<onnx::Tensor>> &newConstants);

} // namespace mlir::dfq::onnx_import

#endif // DFQ_LIB_IMPORT_OPSETUPGRADE_H
