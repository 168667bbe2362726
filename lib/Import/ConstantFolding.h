//===- ConstantFolding.h - Import-time evaluation of ONNX nodes -*- C++ -*-===//
//
// Exporters write shape arithmetic into the graph: torch.onnx.export turns
// `x.view(x.size(0), groups, -1, h, w)` into Shape, Gather, Unsqueeze, Concat,
// Cast and Div nodes, and converters add Slice, Equal and Where. dfq's graphs
// have static shapes except for the batch, so the importer evaluates these
// nodes while it reads them and hands the consumer (Reshape, Slice, ...) a
// constant. A value that depends on the run-time batch stays symbolic: it is
// marked as the batch itself, or as unknown once arithmetic mixes it with
// anything else, and a consumer that needs it to be known says so.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_LIB_IMPORT_CONSTANTFOLDING_H
#define DFQ_LIB_IMPORT_CONSTANTFOLDING_H

#include "AttributeReader.h"

#include "dfq/Import/OnnxModel.h"

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::dfq::onnx_import {

/// What the importer knows about one element of a constant.
enum class Known : uint8_t {
  Value,     // the stored element
  BatchSize, // the graph input's dynamic batch size, known only at run time
  RunTime,   // some other value known only at run time
};

/// A constant as the folder sees it: an initializer, a Constant node or a
/// folded result, with the elements that are only known at run time.
struct ConstantRef {
  const onnx::Tensor *tensor = nullptr;
  /// One entry per element, or empty when every element is known.
  ArrayRef<Known> known;

  Known at(size_t i) const { return known.empty() ? Known::Value : known[i]; }
  bool allKnown() const;
};

/// A folded result.
struct FoldedTensor {
  onnx::Tensor tensor;
  std::vector<Known> known; // empty when every element is known
};

/// An ONNX Slice window along one dimension: the first element taken and
/// how many are taken, `step` apart (0 when the window is empty).
struct SliceWindow {
  int64_t first = 0;
  int64_t count = 0;
};

/// Resolves Slice's `start` and `end` (step != 0) on a dimension of `extent`
/// elements as ONNX defines them: negative positions count from the end,
/// then positions are clamped to [0, extent] (step > 0) or [-1, extent - 1]
/// (step < 0).
SliceWindow resolveSliceWindow(int64_t start, int64_t end, int64_t step,
                               int64_t extent);

/// The shape after ONNX Unsqueeze (`axes` required) or Squeeze (no `axes`:
/// every dimension of size 1) of a tensor of shape `dims`, whose dynamic
/// dimensions are ShapedType::kDynamic; on failure, why in `error`.
std::optional<SmallVector<int64_t>>
squeezeShape(ArrayRef<int64_t> dims,
             const std::optional<SmallVector<int64_t>> &axes, bool unsqueeze,
             std::string &error);

/// Whether the importer evaluates `opType` when all its inputs are constants.
bool isFoldableOnnxOp(StringRef opType);

/// Evaluates the first output of `node`, whose present inputs are all
/// constants (`inputs[i].tensor` is null for an omitted optional input).
/// Reports a failure at `loc`, naming the node as `what`.
FailureOr<FoldedTensor> foldOnnxNode(const onnx::Node &node,
                                     ArrayRef<ConstantRef> inputs,
                                     AttributeReader &attrs, Location loc,
                                     StringRef what);

} // namespace mlir::dfq::onnx_import

#endif // DFQ_LIB_IMPORT_CONSTANTFOLDING_H
