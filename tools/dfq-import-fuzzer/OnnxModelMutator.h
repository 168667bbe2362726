//===- OnnxModelMutator.h - Structure-aware mutations of ONNX models ------===//
//
// Byte-level mutations of a serialized ModelProto almost always break the
// protobuf encoding, so a fuzzer driven only by them spends its time in the
// protobuf parser. This mutator parses the model, changes one thing an
// importer has to validate (a dimension, an attribute, an operator type, a
// tensor's data, an edge of the graph, the opset) and serializes it again.
//
// It is a plain C++ interface: the implementation includes ONNX's protobuf
// classes and is built with RTTI, the fuzzer's MLIR side is not.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TOOLS_IMPORTFUZZER_ONNXMODELMUTATOR_H
#define DFQ_TOOLS_IMPORTFUZZER_ONNXMODELMUTATOR_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mlir::dfq::fuzz {

/// Operator types the mutator may give a node (the importer's supported
/// operators, so that mutated models reach the importer's per-op code).
void setMutationOpTypes(std::vector<std::string> opTypes);

/// Mutates the serialized ModelProto in `data[0, size)` in place. Returns the
/// new size, or 0 when the bytes are not a ModelProto or the mutated model
/// does not fit in `maxSize` (the caller then mutates bytes instead).
size_t mutateOnnxModel(uint8_t *data, size_t size, size_t maxSize,
                       unsigned seed);

} // namespace mlir::dfq::fuzz

#endif // DFQ_TOOLS_IMPORTFUZZER_ONNXMODELMUTATOR_H
