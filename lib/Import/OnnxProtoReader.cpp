//===- OnnxProtoReader.cpp - ONNX protobuf to plain structs ---------------===//
//
// The only translation unit that includes ONNX's generated protobuf classes.
// It is built with RTTI (see dfq_enable_rtti_exceptions) and copies
// everything the importer needs into the plain structs of OnnxModel.h,
// validating sizes so that malformed files are rejected here, not later.
//
//===----------------------------------------------------------------------===//

#include "dfq/Import/OnnxModel.h"

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
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
  // A tensor's data lives in exactly one field; a reader that picked one
  // of two would import whichever it happens to prefer.
  int dataFields =
      proto.has_raw_data() + (proto.float_data_size() > 0) +
      (proto.int32_data_size() > 0) + (proto.int64_data_size() > 0) +
      (proto.double_data_size() > 0) + (proto.uint64_data_size() > 0) +
      (proto.string_data_size() > 0);
  if (dataFields > 1)
    return fail(error,
                what + " holds its data in " + std::to_string(dataFields) +
                    " fields (raw_data and typed data); ONNX allows one");
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

bool convertValueInfo(const ::onnx::ValueInfoProto &proto, ValueInfo &info,
                      bool strict, std::string &error) {
  info.name = proto.name();
  if (!proto.has_type() || !proto.type().has_tensor_type())
    return true;
  info.isTensor = true;
  const ::onnx::TypeProto_Tensor &type = proto.type().tensor_type();
  info.elementType = type.elem_type();
  if (!type.has_shape())
    return true;
  info.hasShape = true;
  // dfq has no empty activations: a zero or negative size of a
  // floating-point tensor is an error, not an unknown dimension. (An empty
  // integer tensor is a list such as ReduceSum's `axes = []`, which the
  // importer reads as a constant.)
  bool isFloatingPoint = type.elem_type() == ::onnx::TensorProto::FLOAT ||
                         type.elem_type() == ::onnx::TensorProto::DOUBLE ||
                         type.elem_type() == ::onnx::TensorProto::FLOAT16 ||
                         type.elem_type() == ::onnx::TensorProto::BFLOAT16;
  for (const ::onnx::TensorShapeProto_Dimension &dim : type.shape().dim()) {
    if (strict && isFloatingPoint && dim.has_dim_value() &&
        dim.dim_value() <= 0)
      return fail(error, "'" + info.name + "' has a dimension of " +
                             std::to_string(dim.dim_value()) +
                             "; dimensions must be positive or symbolic");
    info.dims.push_back(
        dim.has_dim_value() && dim.dim_value() > 0 ? dim.dim_value() : -1);
  }
  if (strict && exceedsMaxElements(info.dims.data(), info.dims.size()))
    return fail(error, "'" + info.name +
                           "' has more than 2^40 elements; dfq cannot hold it");
  return true;
}

/// Operators whose inputs or attributes changed in opsets 18 to 22, which
/// the ONNX library dfq builds against (1.12, opsets up to 17) does not
/// describe: their nodes in newer models are left to the importer's checks.
bool changedAfterOpset17(const std::string &opType) {
  static const char *const changed[] = {"AffineGrid",
                                        "AveragePool",
                                        "Cast",
                                        "CastLike",
                                        "CenterCropPad",
                                        "Col2Im",
                                        "Constant",
                                        "ConstantOfShape",
                                        "DFT",
                                        "DeformConv",
                                        "DequantizeLinear",
                                        "Gelu",
                                        "GridSample",
                                        "GroupNormalization",
                                        "ImageDecoder",
                                        "IsInf",
                                        "IsNaN",
                                        "LpPool",
                                        "Mish",
                                        "Pad",
                                        "QLinearMatMul",
                                        "QuantizeLinear",
                                        "ReduceL1",
                                        "ReduceL2",
                                        "ReduceLogSum",
                                        "ReduceLogSumExp",
                                        "ReduceMax",
                                        "ReduceMean",
                                        "ReduceMin",
                                        "ReduceProd",
                                        "ReduceSumSquare",
                                        "Resize",
                                        "ScatterElements",
                                        "ScatterND",
                                        "Split"};
  for (const char *name : changed)
    if (opType == name)
      return true;
  return false;
}

/// Checks a node of the default domain against its ONNX schema at the
/// model's opset, as ONNX's checker and ONNX Runtime do: the number of
/// inputs and outputs, required inputs present, every attribute known to
/// the operator and of its type, required attributes present. (Attribute
/// values are the importer's to check.) Operators ONNX does not define are
/// left to the importer, which names them as unsupported.
bool verifyAgainstSchema(const ::onnx::NodeProto &node, int64_t opset,
                         std::string &error) {
  int maxKnown = ::onnx::OpSchemaRegistry::DomainToVersionRange::Instance()
                     .Map()
                     .at(::onnx::ONNX_DOMAIN)
                     .second;
  if (opset > maxKnown && changedAfterOpset17(node.op_type()))
    return true;
  const ::onnx::OpSchema *schema = ::onnx::OpSchemaRegistry::Schema(
      node.op_type(), static_cast<int>(std::min<int64_t>(opset, maxKnown)),
      ::onnx::ONNX_DOMAIN);
  if (!schema)
    return true;
  // Exporters of the first opsets kept writing `consumed_inputs` and
  // `is_test` after ONNX dropped them; the opset upgrade drops them (and
  // checks what they say), so the schema sees the node without them. Only
  // such nodes are copied (a Constant's tensor can be large).
  auto isDropped = [](const ::onnx::AttributeProto &attribute) {
    return attribute.name() == "consumed_inputs" ||
           attribute.name() == "is_test";
  };
  const ::onnx::NodeProto *checked = &node;
  ::onnx::NodeProto stripped;
  if (std::any_of(node.attribute().begin(), node.attribute().end(),
                  isDropped)) {
    stripped = node;
    auto *attributes = stripped.mutable_attribute();
    for (int i = attributes->size() - 1; i >= 0; --i)
      if (isDropped(attributes->Get(i)))
        attributes->DeleteSubrange(i, 1);
    checked = &stripped;
  }
  try {
    schema->Verify(*checked);
  } catch (const std::exception &e) {
    return fail(error, std::string("does not match the ONNX schema of ") +
                           node.op_type() + " (opset " +
                           std::to_string(schema->SinceVersion()) +
                           "): " + e.what());
  }
  return true;
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

bool convertModel(const ::onnx::ModelProto &proto, Model &model, bool strict,
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
    if (!convertValueInfo(input, model.graph.inputs.back(), strict, error))
      return fail(error, "graph input " + error);
  }
  for (const ::onnx::ValueInfoProto &output : graph.output()) {
    model.graph.outputs.emplace_back();
    if (!convertValueInfo(output, model.graph.outputs.back(), strict, error))
      return fail(error, "graph output " + error);
  }
  auto defaultOpset = model.opsets.find("");
  for (const ::onnx::NodeProto &nodeProto : graph.node()) {
    Node &node = model.graph.nodes.emplace_back();
    node.name = nodeProto.name();
    node.opType = nodeProto.op_type();
    node.domain = nodeProto.domain() == "ai.onnx" ? "" : nodeProto.domain();
    if (strict && node.domain.empty() && defaultOpset != model.opsets.end() &&
        !verifyAgainstSchema(nodeProto, defaultOpset->second, error))
      return fail(error,
                  node.opType + " node '" +
                      (node.name.empty()
                           ? node.opType + "_" +
                                 std::to_string(model.graph.nodes.size() - 1)
                           : node.name) +
                      "': " + error);
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
                Model &model, std::string &error, bool strict) {
  ::onnx::ModelProto proto;
  if (bytes.empty())
    return fail(error, "'" + sourceName + "' is empty, not an ONNX model");
  if (!proto.ParseFromString(bytes))
    return fail(error, "'" + sourceName +
                           "' is not a valid ONNX model (protobuf parsing "
                           "failed: truncated or not a ModelProto)");
  if (!convertModel(proto, model, strict, error))
    return fail(error, "'" + sourceName + "': " + error);
  return true;
}

bool readModelFile(const std::string &path, Model &model, std::string &error,
                   bool strict) {
  std::string bytes;
  return readFile(path, bytes, error) &&
         parseModel(bytes, path, model, error, strict);
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
