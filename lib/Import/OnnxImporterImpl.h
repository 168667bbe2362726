//===- OnnxImporterImpl.h - The ONNX importer's state (internal) -*- C++
//-*-===//
//
// Private to lib/Import: the importer class, shared by OnnxImporter.cpp (the
// graph walk, values and the ops that map one to one) and
// ImportDecompositions.cpp (ONNX ops written out as several dfq ops).
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_LIB_IMPORT_ONNXIMPORTERIMPL_H
#define DFQ_LIB_IMPORT_ONNXIMPORTERIMPL_H

#include "AttributeReader.h"
#include "ConstantFolding.h"

#include "dfq/Import/OnnxImporter.h"
#include "dfq/Import/OnnxModel.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::dfq::onnx_import {

/// `[2, ?, 4]`, for messages.
std::string formatDims(ArrayRef<int64_t> dims);

class OnnxImporter {
public:
  OnnxImporter(const onnx::Model &model, StringRef sourceName,
               MLIRContext *context, const OnnxImportOptions &options)
      : model(model), sourceName(sourceName.str()), context(context),
        options(options), builder(context),
        fileLoc(FileLineColLoc::get(context, sourceName,
                                    /*line=*/0,
                                    /*column=*/0)) {}

  OwningOpRef<ModuleOp> run();

private:
  // Values.
  LogicalResult defineValue(const onnx::Node &node, const std::string &name,
                            Value value, Location loc);
  FailureOr<Value> getInput(const onnx::Node &node, unsigned index,
                            Location loc);
  bool hasInput(const onnx::Node &node, unsigned index) const {
    return index < node.inputs.size() && !node.inputs[index].empty();
  }
  const onnx::Tensor *findConstant(StringRef name) const {
    auto it = constants.find(name);
    return it == constants.end() ? nullptr : it->second;
  }
  FailureOr<const onnx::Tensor *> getConstantInput(const onnx::Node &node,
                                                   unsigned index, Location loc,
                                                   StringRef role,
                                                   bool allowBatchSize = false);
  /// A constant with what is known about its elements.
  ConstantRef constantRef(const onnx::Tensor *tensor) const {
    auto it = runTimeElements.find(tensor);
    return {tensor, it == runTimeElements.end() ? ArrayRef<Known>()
                                                : ArrayRef<Known>(it->second)};
  }
  /// Whether the one dynamic dimension of `value` is the graph's batch.
  bool dynamicDimIsBatch(Value value) const {
    auto type = cast<RankedTensorType>(value.getType());
    return hasBatchSymbol && type.getNumDynamicDims() == 1 &&
           !mergedBatch.contains(value);
  }
  LogicalResult defineConstant(const std::string &name,
                               std::unique_ptr<onnx::Tensor> tensor,
                               std::vector<Known> known, Location loc);
  FailureOr<Value> materialize(const onnx::Tensor &tensor, Location loc);
  Value materializeF32(ArrayRef<int64_t> shape, ArrayRef<float> data,
                       StringRef blobName, Location loc);
  LogicalResult checkUnusedOutputs(const onnx::Node &node, unsigned first,
                                   Location loc);

  // Ops.
  template <typename OpT>
  FailureOr<Value> createInferred(Location loc, ValueRange operands,
                                  ArrayRef<NamedAttribute> attrs = {});
  template <typename OpT>
  FailureOr<Value> createTyped(Location loc, Type type, ValueRange operands,
                               ArrayRef<NamedAttribute> attrs = {});

  LogicalResult importNode(const onnx::Node &node, unsigned index);
  LogicalResult importCurrentNode(const onnx::Node &node, Location loc);
  LogicalResult importConv(const onnx::Node &node, Location loc,
                           AttributeReader &attrs);
  LogicalResult importConvTranspose(const onnx::Node &node, Location loc,
                                    AttributeReader &attrs);
  LogicalResult importPool(const onnx::Node &node, Location loc,
                           AttributeReader &attrs, bool isMax);
  LogicalResult importBatchNorm(const onnx::Node &node, Location loc,
                                AttributeReader &attrs);
  LogicalResult importGemm(const onnx::Node &node, Location loc,
                           AttributeReader &attrs);
  LogicalResult importClip(const onnx::Node &node, Location loc);
  LogicalResult importReduce(const onnx::Node &node, Location loc,
                             AttributeReader &attrs);
  LogicalResult importReshape(const onnx::Node &node, Location loc,
                              AttributeReader &attrs);
  LogicalResult importSoftmax(const onnx::Node &node, Location loc,
                              AttributeReader &attrs);
  // ONNX ops written out as several dfq ops (ImportDecompositions.cpp).
  LogicalResult importGelu(const onnx::Node &node, Location loc,
                           AttributeReader &attrs);
  LogicalResult importVariadicSum(const onnx::Node &node, Location loc,
                                  AttributeReader &attrs);
  LogicalResult importUnaryDecomposition(const onnx::Node &node, Location loc,
                                         AttributeReader &attrs);
  LogicalResult importInstanceNorm(const onnx::Node &node, Location loc,
                                   AttributeReader &attrs);
  LogicalResult importDepthToSpace(const onnx::Node &node, Location loc,
                                   AttributeReader &attrs);
  LogicalResult importExpand(const onnx::Node &node, Location loc,
                             AttributeReader &attrs);
  LogicalResult importEinsum(const onnx::Node &node, Location loc,
                             AttributeReader &attrs);
  LogicalResult importLrn(const onnx::Node &node, Location loc,
                          AttributeReader &attrs);
  LogicalResult importTile(const onnx::Node &node, Location loc,
                           AttributeReader &attrs);
  /// A Conv, ConvTranspose, MaxPool or AveragePool of a rank-3 `input`.
  LogicalResult importAs2D(const onnx::Node &node, Location loc, Value input);
  LogicalResult importDropout(const onnx::Node &node, Location loc,
                              AttributeReader &attrs);
  LogicalResult importLayerNorm(const onnx::Node &node, Location loc,
                                AttributeReader &attrs);
  LogicalResult importPow(const onnx::Node &node, Location loc,
                          AttributeReader &attrs);
  FailureOr<Value> importMatMul(const onnx::Node &node, Location loc,
                                Value lhs);
  std::optional<Value> foldBiasIntoGemm(const onnx::Node &node, Location loc);
  /// The constant B of a Gemm (or MatMul) as dfq.gemm's [N, K] weight.
  FailureOr<Value> materializeWeight(const onnx::Tensor &b, float alpha,
                                     bool transB, Location loc);
  LogicalResult importConstant(const onnx::Node &node, Location loc,
                               AttributeReader &attrs);
  LogicalResult importPad(const onnx::Node &node, Location loc,
                          AttributeReader &attrs);
  LogicalResult foldNode(const onnx::Node &node, Location loc,
                         AttributeReader &attrs);
  LogicalResult importShape(const onnx::Node &node, Location loc,
                            AttributeReader &attrs);
  LogicalResult importSlice(const onnx::Node &node, Location loc,
                            AttributeReader &attrs);
  LogicalResult importSplit(const onnx::Node &node, Location loc,
                            AttributeReader &attrs);
  LogicalResult importGather(const onnx::Node &node, Location loc,
                             AttributeReader &attrs);
  LogicalResult importSqueeze(const onnx::Node &node, Location loc,
                              AttributeReader &attrs, bool isUnsqueeze);
  LogicalResult importResize(const onnx::Node &node, Location loc,
                             AttributeReader &attrs);
  /// Fails with an error naming the node when `type` holds more than
  /// onnx::kMaxTensorElements elements.
  LogicalResult checkResultSize(Location loc, Type type);
  FailureOr<Value> createPad(Location loc, Value input, ArrayRef<int64_t> pads,
                             StringRef mode, float value);
  FailureOr<Value> createSlice(Location loc, Value input,
                               ArrayRef<int64_t> starts, ArrayRef<int64_t> ends,
                               ArrayRef<int64_t> axes, ArrayRef<int64_t> steps);
  FailureOr<SmallVector<int64_t>> getIntsInput(const onnx::Node &node,
                                               unsigned index, Location loc,
                                               StringRef role);
  FailureOr<Value> getPaddableInput(const onnx::Node &node, Location loc,
                                    SmallVectorImpl<int64_t> &extraPads);

  FailureOr<SmallVector<int64_t>>
  resolvePads(Location loc, AttributeReader &attrs, RankedTensorType input,
              ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
              ArrayRef<int64_t> dilations);
  FailureOr<RankedTensorType> getTensorType(Location loc, const char *role,
                                            Value value, int64_t rank = -1);
  Type importType(const onnx::ValueInfo &info, Location loc);

  const onnx::Model &model;
  std::string sourceName;
  MLIRContext *context;
  const OnnxImportOptions &options;
  OpBuilder builder;
  Location fileLoc;
  int64_t opset = 0;
  std::string what; // "<OpType> node '<name>'" of the node being imported

  OwningOpRef<ModuleOp> module;
  Block *entry = nullptr;
  Operation *lastConstant = nullptr;
  llvm::StringMap<Value> values;
  llvm::StringMap<const onnx::Tensor *> constants;
  llvm::StringMap<Value> materialized;
  llvm::StringSet<> consumed;
  /// How many node inputs and graph outputs name each value.
  llvm::StringMap<unsigned> useCounts;
  /// Zero Pad nodes in front of a Conv or AveragePool (torch.onnx.export
  /// writes AvgPool2d padding that way): they fold into the consumer's pads
  /// and are never materialized.
  struct PendingPad {
    Value source;
    SmallVector<int64_t, 4> pads; // top, left, bottom, right
    std::string padNode;
  };
  llvm::StringMap<PendingPad> pendingPads;
  /// Tensors owned by the importer (Constant nodes and folded results),
  /// referenced by constants.
  std::vector<std::unique_ptr<onnx::Tensor>> ownedTensors;
  /// Folded constants with elements known only at run time.
  llvm::DenseMap<const onnx::Tensor *, std::vector<Known>> runTimeElements;
  /// Whether the graph has one input whose one dynamic dimension is its
  /// first (the batch), which folded shape computations can name.
  bool hasBatchSymbol = false;
  /// Values whose dynamic dimension is not the batch itself (a reshape
  /// merged the batch with other dimensions).
  llvm::DenseSet<Value> mergedBatch;
};

template <typename OpT>
FailureOr<Value> OnnxImporter::createInferred(Location loc, ValueRange operands,
                                              ArrayRef<NamedAttribute> attrs) {
  // Build with the first operand's type as the result type, then set the
  // type the op's own shape function infers; it reports bad shapes at `loc`
  // instead of asserting like the inferring builders do.
  auto op = OpT::create(builder, loc, TypeRange{operands.front().getType()},
                        operands, attrs);
  SmallVector<Type> inferred;
  if (failed(OpT::inferReturnTypes(
          context, loc, op->getOperands(), op->getRawDictionaryAttrs(),
          op->getPropertiesStorage(), op->getRegions(), inferred))) {
    op->erase();
    return emitError(loc) << what << ": cannot be imported (see above)";
  }
  op->getResult(0).setType(inferred.front());
  if (failed(checkResultSize(loc, inferred.front()))) {
    op->erase();
    return failure();
  }
  if (failed(mlir::verify(op))) {
    op->erase();
    return emitError(loc) << what << ": cannot be imported (see above)";
  }
  return op->getResult(0);
}

template <typename OpT>
FailureOr<Value> OnnxImporter::createTyped(Location loc, Type type,
                                           ValueRange operands,
                                           ArrayRef<NamedAttribute> attrs) {
  if (failed(checkResultSize(loc, type)))
    return failure();
  auto op = OpT::create(builder, loc, TypeRange{type}, operands, attrs);
  if (failed(mlir::verify(op))) {
    op->erase();
    return emitError(loc) << what << ": cannot be imported (see above)";
  }
  return op->getResult(0);
}

} // namespace mlir::dfq::onnx_import

#endif // DFQ_LIB_IMPORT_ONNXIMPORTERIMPL_H
