//===- OnnxProtoReader.cpp - ONNX protobuf to plain structs ---------------===//
//
// The only translation unit that includes ONNX's generated protobuf classes.
// It is built with RTTI (see dfq_enable_rtti_exceptions) and copies
// everything the importer needs into the plain structs of OnnxModel.h,
// validating sizes so that malformed files are rejected here, not later.
//
//===----------------------------------------------------------------------===//

#include "dfq/Import/OnnxModel.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace mlir::dfq::onnx {

const char *dataTypeName(int32_t type) {
  if (::onnx::TensorProto_DataType_IsValid(type))
    return ::onnx::TensorProto_DataType_Name(
               static_cast<::onnx::TensorProto_DataType>(type))
        .c_str();
  return "<invalid>";
}

int64_t Tensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

const Attribute *Node::findAttribute(const std::string &attrName) const {
  for (const Attribute &attr : attributes)
    if (attr.name == attrName)
      return &attr;
  return nullptr;
}

namespace {

bool fail(std::string &error, const std::string &message) {
  error = message;
  return false;
}

/// Copies `count` little-endian elements of type `From` out of raw bytes.
template <typename From, typename To>
void decodeRaw(const std::string &raw, int64_t count, std::vector<To> &out) {
  out.resize(count);
  for (int64_t i = 0; i < count; ++i) {
    From value;
    std::memcpy(&value, raw.data() + i * sizeof(From), sizeof(From));
    out[i] = static_cast<To>(value);
  }
}

bool convertTensor(const ::onnx::TensorProto &proto, Tensor &tensor,
                   std::string &error) {
  tensor.name = proto.name();
  tensor.dataType = proto.data_type();
  const std::string what = "tensor '" + tensor.name + "'";
  int64_t count = 1;
  for (int64_t d : proto.dims()) {
    if (d < 0)
      return fail(error,
                  what + " has a negative dimension " + std::to_string(d));
    if (d != 0 && count > std::numeric_limits<int32_t>::max() / d)
      return fail(error, what + " is too large");
    count *= d;
    tensor.dims.push_back(d);
  }
  if (proto.data_location() == ::onnx::TensorProto_DataLocation_EXTERNAL) {
    tensor.hasExternalData = true;
    return true;
  }
  if (proto.has_segment())
    return fail(error, what + " is segmented; segmented tensors are not "
                              "supported");

  auto checkCount = [&](int64_t have) {
    if (have == count)
      return true;
    return fail(error, what + " holds " + std::to_string(have) +
                           " elements but its dims " + "need " +
                           std::to_string(count));
  };
  const std::string &raw = proto.raw_data();
  auto checkRaw = [&](size_t elementSize) {
    if (raw.size() == static_cast<size_t>(count) * elementSize)
      return true;
    return fail(error, what + " has " + std::to_string(raw.size()) +
                           " bytes of raw data but its dims need " +
                           std::to_string(count * elementSize));
  };
  switch (tensor.dataType) {
  case kFloat:
    if (proto.has_raw_data()) {
      if (!checkRaw(sizeof(float)))
        return false;
      decodeRaw<float>(raw, count, tensor.floats);
      return true;
    }
    if (!checkCount(proto.float_data_size()))
      return false;
    tensor.floats.assign(proto.float_data().begin(), proto.float_data().end());
    return true;
  case kInt64:
    if (proto.has_raw_data()) {
      if (!checkRaw(sizeof(int64_t)))
        return false;
      decodeRaw<int64_t>(raw, count, tensor.ints);
      return true;
    }
    if (!checkCount(proto.int64_data_size()))
      return false;
    tensor.ints.assign(proto.int64_data().begin(), proto.int64_data().end());
    return true;
  case kInt32:
    if (proto.has_raw_data()) {
      if (!checkRaw(sizeof(int32_t)))
        return false;
      decodeRaw<int32_t>(raw, count, tensor.ints);
      return true;
    }
    if (!checkCount(proto.int32_data_size()))
      return false;
    tensor.ints.assign(proto.int32_data().begin(), proto.int32_data().end());
    return true;
  case kDouble:
    if (proto.has_raw_data()) {
      if (!checkRaw(sizeof(double)))
        return false;
      decodeRaw<double>(raw, count, tensor.doubles);
      return true;
    }
    if (!checkCount(proto.double_data_size()))
      return false;
    tensor.doubles.assign(proto.double_data().begin(),
                          proto.double_data().end());
    return true;
  case kBool:
    if (proto.has_raw_data()) {
      if (!checkRaw(1))
        return false;
      decodeRaw<uint8_t>(raw, count, tensor.ints);
      return true;
    }
    if (!checkCount(proto.int32_data_size()))
      return false;
    tensor.ints.assign(proto.int32_data().begin(), proto.int32_data().end());
    return true;
  default:
    // Kept by type and shape only; the importer rejects it where it is used.
    return true;
  }
}

void convertValueInfo(const ::onnx::ValueInfoProto &proto, ValueInfo &info) {
  info.name = proto.name();
  if (!proto.has_type() || !proto.type().has_tensor_type())
    return;
  info.isTensor = true;
  const ::onnx::TypeProto_Tensor &type = proto.type().tensor_type();
  info.elementType = type.elem_type();
  if (!type.has_shape())
    return;
  info.hasShape = true;
  for (const ::onnx::TensorShapeProto_Dimension &dim : type.shape().dim())
    info.dims.push_back(
        dim.has_dim_value() && dim.dim_value() > 0 ? dim.dim_value() : -1);
}

bool convertAttribute(const ::onnx::AttributeProto &proto, Attribute &attr,
                      std::string &error) {
  attr.name = proto.name();
  attr.type = proto.type();
  attr.f = proto.f();
  attr.i = proto.i();
  attr.s = proto.s();
  attr.floats.assign(proto.floats().begin(), proto.floats().end());
  attr.ints.assign(proto.ints().begin(), proto.ints().end());
  if (proto.has_t()) {
    attr.t.emplace();
    if (!convertTensor(proto.t(), *attr.t, error))
      return false;
  }
  return true;
}

bool convertModel(const ::onnx::ModelProto &proto, Model &model,
                  std::string &error) {
  model.irVersion = proto.ir_version();
  model.producerName = proto.producer_name();
  model.producerVersion = proto.producer_version();
  for (const ::onnx::OperatorSetIdProto &opset : proto.opset_import())
    model.opsets[opset.domain() == "ai.onnx" ? "" : opset.domain()] =
        opset.version();
  if (!proto.has_graph())
    return fail(error, "the model has no graph");
  const ::onnx::GraphProto &graph = proto.graph();
  model.graph.name = graph.name();
  for (const ::onnx::TensorProto &init : graph.initializer()) {
    model.graph.initializers.emplace_back();
    if (!convertTensor(init, model.graph.initializers.back(), error))
      return fail(error, "initializer: " + error);
  }
  if (graph.sparse_initializer_size() > 0)
    return fail(error, "sparse initializers are not supported");
  for (const ::onnx::ValueInfoProto &input : graph.input()) {
    model.graph.inputs.emplace_back();
    convertValueInfo(input, model.graph.inputs.back());
  }
  for (const ::onnx::ValueInfoProto &output : graph.output()) {
    model.graph.outputs.emplace_back();
    convertValueInfo(output, model.graph.outputs.back());
  }
  for (const ::onnx::NodeProto &nodeProto : graph.node()) {
    Node &node = model.graph.nodes.emplace_back();
    node.name = nodeProto.name();
    node.opType = nodeProto.op_type();
    node.domain = nodeProto.domain() == "ai.onnx" ? "" : nodeProto.domain();
    node.inputs.assign(nodeProto.input().begin(), nodeProto.input().end());
    node.outputs.assign(nodeProto.output().begin(), nodeProto.output().end());
    for (const ::onnx::AttributeProto &attrProto : nodeProto.attribute()) {
      node.attributes.emplace_back();
      if (!convertAttribute(attrProto, node.attributes.back(), error))
        return fail(error, node.opType + " node '" + node.name +
                               "': attribute '" + attrProto.name() +
                               "': " + error);
    }
  }
  return true;
}

bool readFile(const std::string &path, std::string &bytes, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(error, "cannot open '" + path + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad())
    return fail(error, "cannot read '" + path + "'");
  bytes = buffer.str();
  return true;
}

} // namespace

bool parseModel(const std::string &bytes, const std::string &sourceName,
                Model &model, std::string &error) {
  ::onnx::ModelProto proto;
  if (bytes.empty())
    return fail(error, "'" + sourceName + "' is empty, not an ONNX model");
  if (!proto.ParseFromString(bytes))
    return fail(error, "'" + sourceName +
                           "' is not a valid ONNX model (protobuf parsing "
                           "failed: truncated or not a ModelProto)");
  if (!convertModel(proto, model, error))
    return fail(error, "'" + sourceName + "': " + error);
  return true;
}

bool readModelFile(const std::string &path, Model &model, std::string &error) {
  std::string bytes;
  return readFile(path, bytes, error) && parseModel(bytes, path, model, error);
}

bool readTensorFile(const std::string &path, Tensor &tensor,
                    std::string &error) {
  std::string bytes;
  if (!readFile(path, bytes, error))
    return false;
  ::onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes))
    return fail(error, "'" + path + "' is not a serialized TensorProto");
  if (!convertTensor(proto, tensor, error))
    return fail(error, "'" + path + "': " + error);
  return true;
}

} // namespace mlir::dfq::onnx
