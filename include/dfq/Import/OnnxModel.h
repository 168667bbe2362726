//===- OnnxModel.h - A plain C++ view of an ONNX model ----------*- C++ -*-===//
//
// The ONNX protobuf classes need RTTI; dfq's MLIR code is built without it.
// The reader (lib/Import/OnnxProtoReader.cpp, the only file that includes
// protobuf headers) copies a ModelProto into these plain structs, and the
// importer builds IR from them.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_IMPORT_ONNXMODEL_H
#define DFQ_IMPORT_ONNXMODEL_H

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlir::dfq::onnx {

/// TensorProto.DataType values dfq looks at.
enum DataType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kInt32 = 6,
  kInt64 = 7,
  kBool = 9,
  kDouble = 11,
};

/// The most elements a tensor of an imported model may hold. No model dfq
/// can run comes near it; the bound keeps shape arithmetic on absurd sizes
/// (a dimension of 2^63 - 1, a tile repeated 2^62 times) from overflowing.
constexpr int64_t kMaxTensorElements = int64_t(1) << 40;

/// Whether a static shape holds more than kMaxTensorElements elements.
/// Dynamic (negative) dimensions are ignored.
inline bool exceedsMaxElements(const int64_t *dims, size_t rank) {
  int64_t elements = 1;
  for (size_t i = 0; i < rank; ++i) {
    if (dims[i] <= 0)
      continue;
    if (dims[i] > kMaxTensorElements / elements)
      return true;
    elements *= dims[i];
  }
  return false;
}

/// The name of a TensorProto.DataType, e.g. "FLOAT16", for messages.
const char *dataTypeName(int32_t type);

struct Tensor {
  std::string name;
  int32_t dataType = kUndefined;
  std::vector<int64_t> dims;
  /// Decoded elements for FLOAT (floats), INT32/INT64/BOOL (ints) and DOUBLE
  /// (doubles: exporters write scalar constants so, then Cast them); other
  /// types keep only their type and dims.
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  /// Set when the data lives in an external file (not supported by dfq).
  bool hasExternalData = false;

  int64_t numElements() const;
};

struct Attribute {
  /// AttributeProto.AttributeType.
  enum Type : int32_t {
    kUndefined = 0,
    kFloat = 1,
    kInt = 2,
    kString = 3,
    kTensor = 4,
    kGraph = 5,
    kFloats = 6,
    kInts = 7,
    kStrings = 8,
  };
  std::string name;
  int32_t type = kUndefined;
  float f = 0;
  int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::optional<Tensor> t;
};

struct ValueInfo {
  std::string name;
  /// False when the value has no tensor type at all (e.g. a sequence).
  bool isTensor = false;
  int32_t elementType = kUndefined;
  /// False when the shape (rank) is unknown.
  bool hasShape = false;
  /// -1 for a symbolic (dim_param) or unknown dimension.
  std::vector<int64_t> dims;
};

struct Node {
  std::string name;
  std::string opType;
  std::string domain;
  /// Empty strings stand for omitted optional inputs/outputs.
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<Attribute> attributes;

  const Attribute *findAttribute(const std::string &attrName) const;
};

struct Graph {
  std::string name;
  std::vector<Node> nodes;
  std::vector<Tensor> initializers;
  std::vector<ValueInfo> inputs;
  std::vector<ValueInfo> outputs;
};

struct Model {
  int64_t irVersion = 0;
  std::string producerName;
  std::string producerVersion;
  /// Operator set version per domain ("" is the default ONNX domain).
  std::map<std::string, int64_t> opsets;
  Graph graph;
};

/// Reads and parses an ONNX model file. On failure returns false and sets
/// `error` to a message naming the file and what is wrong.
/// `strict` (the default) also checks every node of the default domain
/// against its ONNX schema and refuses graph inputs and outputs with a zero
/// or negative dimension; lenient reading (which reads those as unknown) is
/// for tools that only look at a model, such as the node-test runner
/// deciding which tests are in scope.
bool readModelFile(const std::string &path, Model &model, std::string &error,
                   bool strict = true);

/// Parses a serialized ModelProto held in memory.
bool parseModel(const std::string &bytes, const std::string &sourceName,
                Model &model, std::string &error, bool strict = true);

/// Reads a serialized TensorProto file (ONNX test data, `input_0.pb`).
bool readTensorFile(const std::string &path, Tensor &tensor,
                    std::string &error);

} // namespace mlir::dfq::onnx

#endif // DFQ_IMPORT_ONNXMODEL_H
