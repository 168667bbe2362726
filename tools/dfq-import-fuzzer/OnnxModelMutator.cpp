//===- OnnxModelMutator.cpp - Structure-aware mutations of ONNX models ----===//
//
// Each call makes one change of the kind that malformed or unusual exports
// contain: a dimension that is zero, negative, huge or symbolic; an attribute
// of the wrong type, with an out-of-range value, missing or unexpected; a
// tensor whose data does not match its dims or type; a node of another
// operator type or domain; an edge to an undefined, later or repeated value;
// a node removed, repeated or moved; another opset; another element type.
//
//===----------------------------------------------------------------------===//

#include "OnnxModelMutator.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace mlir::dfq::fuzz {
namespace {

std::vector<std::string> &mutationOpTypes() {
  static std::vector<std::string> opTypes;
  return opTypes;
}

using Rng = std::mt19937;

size_t pick(Rng &rng, size_t n) {
  return std::uniform_int_distribution<size_t>(0, n - 1)(rng);
}

bool coin(Rng &rng) { return pick(rng, 2) == 0; }

int64_t interestingInt(Rng &rng) {
  static const int64_t values[] = {0,
                                   1,
                                   -1,
                                   2,
                                   3,
                                   -2,
                                   4,
                                   7,
                                   64,
                                   255,
                                   65536,
                                   1LL << 31,
                                   std::numeric_limits<int32_t>::max(),
                                   std::numeric_limits<int32_t>::min(),
                                   1LL << 40,
                                   std::numeric_limits<int64_t>::max(),
                                   std::numeric_limits<int64_t>::min()};
  if (coin(rng))
    return std::uniform_int_distribution<int64_t>(-8, 8)(rng);
  return values[pick(rng, std::size(values))];
}

float interestingFloat(Rng &rng) {
  static const float values[] = {0.0f,
                                 -0.0f,
                                 1.0f,
                                 -1.0f,
                                 0.5f,
                                 1e-30f,
                                 1e30f,
                                 std::numeric_limits<float>::max(),
                                 std::numeric_limits<float>::denorm_min(),
                                 std::numeric_limits<float>::infinity(),
                                 -std::numeric_limits<float>::infinity(),
                                 std::numeric_limits<float>::quiet_NaN()};
  return values[pick(rng, std::size(values))];
}

std::string interestingString(Rng &rng) {
  static const char *values[] = {"",
                                 "NOTSET",
                                 "SAME_UPPER",
                                 "SAME_LOWER",
                                 "VALID",
                                 "nearest",
                                 "linear",
                                 "cubic",
                                 "bilinear",
                                 "constant",
                                 "reflect",
                                 "edge",
                                 "wrap",
                                 "half_pixel",
                                 "asymmetric",
                                 "align_corners",
                                 "tf_crop_and_resize",
                                 "pytorch_half_pixel",
                                 "round_prefer_floor",
                                 "round_prefer_ceil",
                                 "floor",
                                 "ceil",
                                 "none",
                                 "tanh",
                                 "DCR",
                                 "CRD",
                                 "ij,jk->ik",
                                 "...ii->...i",
                                 "i,i",
                                 "stretch",
                                 "not_larger",
                                 "float",
                                 "xyz"};
  return values[pick(rng, std::size(values))];
}

std::string interestingAttributeName(Rng &rng) {
  static const char *values[] = {"axis",
                                 "axes",
                                 "kernel_shape",
                                 "strides",
                                 "pads",
                                 "dilations",
                                 "group",
                                 "perm",
                                 "auto_pad",
                                 "mode",
                                 "keepdims",
                                 "epsilon",
                                 "alpha",
                                 "beta",
                                 "gamma",
                                 "to",
                                 "value",
                                 "split",
                                 "starts",
                                 "ends",
                                 "ceil_mode",
                                 "count_include_pad",
                                 "transA",
                                 "transB",
                                 "num_outputs",
                                 "allowzero",
                                 "output_padding",
                                 "output_shape",
                                 "blocksize",
                                 "equation",
                                 "size",
                                 "bias",
                                 "momentum",
                                 "spatial",
                                 "is_test",
                                 "broadcast",
                                 "consumed_inputs",
                                 "shape",
                                 "scales",
                                 "coordinate_transformation_mode",
                                 "nearest_mode",
                                 "antialias",
                                 "approximate",
                                 "storage_order",
                                 "select_last_index",
                                 "noop_with_empty_axes",
                                 "stash_type",
                                 "unknown"};
  return values[pick(rng, std::size(values))];
}

/// Every name a node can read: node outputs, graph inputs, initializers.
std::vector<std::string> valueNames(const ::onnx::GraphProto &graph) {
  std::vector<std::string> names;
  for (const ::onnx::ValueInfoProto &input : graph.input())
    names.push_back(input.name());
  for (const ::onnx::TensorProto &init : graph.initializer())
    names.push_back(init.name());
  for (const ::onnx::NodeProto &node : graph.node())
    for (const std::string &output : node.output())
      names.push_back(output);
  names.push_back("");
  names.push_back("undefined_value");
  return names;
}

template <typename Repeated>
void mutateRepeatedInt(Rng &rng, Repeated &values) {
  switch (pick(rng, 4)) {
  case 0:
    if (!values.empty()) {
      values.Set(pick(rng, values.size()), interestingInt(rng));
      return;
    }
    [[fallthrough]];
  case 1:
    values.Add(interestingInt(rng));
    return;
  case 2:
    if (!values.empty())
      values.RemoveLast();
    return;
  default:
    values.Clear();
  }
}

template <typename Repeated>
void mutateRepeatedFloat(Rng &rng, Repeated &values) {
  if (!values.empty() && coin(rng))
    values.Set(pick(rng, values.size()), interestingFloat(rng));
  else if (coin(rng))
    values.Add(interestingFloat(rng));
  else if (!values.empty())
    values.RemoveLast();
}

void mutateTensor(Rng &rng, ::onnx::TensorProto &tensor) {
  switch (pick(rng, 7)) {
  case 0:
    tensor.set_data_type(static_cast<int32_t>(pick(rng, 24)));
    return;
  case 1:
    mutateRepeatedInt(rng, *tensor.mutable_dims());
    return;
  case 2: {
    // Truncate or extend the raw bytes, or overwrite one element-sized word.
    std::string &raw = *tensor.mutable_raw_data();
    if (raw.empty() || coin(rng)) {
      raw.resize(pick(rng, raw.size() + 16));
      return;
    }
    if (tensor.data_type() == ::onnx::TensorProto::INT64 && raw.size() >= 8) {
      int64_t value = interestingInt(rng);
      std::memcpy(&raw[8 * pick(rng, raw.size() / 8)], &value, 8);
    } else if (raw.size() >= 4) {
      float value = interestingFloat(rng);
      std::memcpy(&raw[4 * pick(rng, raw.size() / 4)], &value, 4);
    }
    return;
  }
  case 3:
    mutateRepeatedInt(rng, *tensor.mutable_int64_data());
    return;
  case 4:
    mutateRepeatedFloat(rng, *tensor.mutable_float_data());
    return;
  case 5:
    mutateRepeatedInt(rng, *tensor.mutable_int32_data());
    return;
  default:
    // Data in an external file, or both in raw and typed fields.
    if (coin(rng)) {
      tensor.set_data_location(::onnx::TensorProto::EXTERNAL);
    } else {
      tensor.add_float_data(1.0f);
      tensor.add_int64_data(1);
    }
  }
}

void mutateAttribute(Rng &rng, ::onnx::NodeProto &node) {
  if (node.attribute().empty() || pick(rng, 5) == 0) {
    ::onnx::AttributeProto *attr = node.add_attribute();
    attr->set_name(interestingAttributeName(rng));
    if (coin(rng)) {
      attr->set_type(::onnx::AttributeProto::INT);
      attr->set_i(interestingInt(rng));
    } else {
      attr->set_type(::onnx::AttributeProto::INTS);
      for (size_t i = 0, e = pick(rng, 6); i < e; ++i)
        attr->add_ints(interestingInt(rng));
    }
    return;
  }
  size_t index = pick(rng, node.attribute().size());
  ::onnx::AttributeProto &attr = *node.mutable_attribute(index);
  switch (pick(rng, 8)) {
  case 0:
    node.mutable_attribute()->DeleteSubrange(index, 1);
    return;
  case 1:
    attr.set_type(
        static_cast<::onnx::AttributeProto::AttributeType>(pick(rng, 14)));
    return;
  case 2:
    attr.set_name(interestingAttributeName(rng));
    return;
  default:
    break;
  }
  switch (attr.type()) {
  case ::onnx::AttributeProto::INT:
    attr.set_i(interestingInt(rng));
    return;
  case ::onnx::AttributeProto::INTS:
    mutateRepeatedInt(rng, *attr.mutable_ints());
    return;
  case ::onnx::AttributeProto::FLOAT:
    attr.set_f(interestingFloat(rng));
    return;
  case ::onnx::AttributeProto::FLOATS:
    mutateRepeatedFloat(rng, *attr.mutable_floats());
    return;
  case ::onnx::AttributeProto::STRING:
    attr.set_s(interestingString(rng));
    return;
  case ::onnx::AttributeProto::TENSOR:
    mutateTensor(rng, *attr.mutable_t());
    return;
  default:
    attr.set_i(interestingInt(rng));
  }
}

void mutateDim(Rng &rng, ::onnx::TensorShapeProto &shape) {
  switch (pick(rng, 5)) {
  case 0:
    shape.add_dim()->set_dim_value(interestingInt(rng));
    return;
  case 1:
    if (!shape.dim().empty())
      shape.mutable_dim()->RemoveLast();
    return;
  default:
    break;
  }
  if (shape.dim().empty())
    return;
  ::onnx::TensorShapeProto::Dimension &dim =
      *shape.mutable_dim(pick(rng, shape.dim().size()));
  switch (pick(rng, 3)) {
  case 0:
    dim.set_dim_param(coin(rng) ? "N" : "height");
    return;
  case 1:
    dim.clear_dim_value();
    dim.clear_dim_param();
    return;
  default:
    dim.set_dim_value(interestingInt(rng));
  }
}

void mutateValueInfo(Rng &rng, ::onnx::ValueInfoProto &info) {
  ::onnx::TypeProto &type = *info.mutable_type();
  switch (pick(rng, 4)) {
  case 0:
    type.mutable_tensor_type()->set_elem_type(
        static_cast<int32_t>(pick(rng, 24)));
    return;
  case 1:
    type.mutable_tensor_type()->clear_shape();
    return;
  case 2:
    // A sequence instead of a tensor.
    type.mutable_sequence_type()->mutable_elem_type()->mutable_tensor_type();
    return;
  default:
    mutateDim(rng, *type.mutable_tensor_type()->mutable_shape());
  }
}

void mutateEdge(Rng &rng, ::onnx::GraphProto &graph) {
  std::vector<std::string> names = valueNames(graph);
  const std::string &name = names[pick(rng, names.size())];
  if (graph.node().empty() || pick(rng, 4) == 0) {
    // A graph output that names something else, or one output fewer.
    if (!graph.output().empty() && coin(rng))
      graph.mutable_output(pick(rng, graph.output().size()))->set_name(name);
    else if (!graph.output().empty())
      graph.mutable_output()->RemoveLast();
    return;
  }
  ::onnx::NodeProto &node = *graph.mutable_node(pick(rng, graph.node().size()));
  switch (pick(rng, 5)) {
  case 0:
    if (!node.input().empty()) {
      node.set_input(pick(rng, node.input().size()), name);
      return;
    }
    [[fallthrough]];
  case 1:
    node.add_input(name);
    return;
  case 2:
    if (!node.input().empty())
      node.mutable_input()->RemoveLast();
    return;
  case 3:
    if (!node.output().empty())
      node.set_output(pick(rng, node.output().size()), name);
    return;
  default:
    node.add_output(name.empty() ? "extra_output" : name + "_extra");
  }
}

void mutateNodes(Rng &rng, ::onnx::GraphProto &graph) {
  auto &nodes = *graph.mutable_node();
  if (nodes.empty())
    return;
  size_t index = pick(rng, nodes.size());
  switch (pick(rng, 5)) {
  case 0:
    nodes.DeleteSubrange(index, 1);
    return;
  case 1:
    *nodes.Add() = nodes.Get(index);
    return;
  case 2:
    nodes.SwapElements(index, pick(rng, nodes.size()));
    return;
  case 3:
    nodes.Mutable(index)->set_domain(coin(rng) ? "com.microsoft"
                                               : "ai.onnx.ml");
    return;
  default: {
    const std::vector<std::string> &opTypes = mutationOpTypes();
    if (!opTypes.empty())
      nodes.Mutable(index)->set_op_type(opTypes[pick(rng, opTypes.size())]);
  }
  }
}

void mutateModel(Rng &rng, ::onnx::ModelProto &model) {
  ::onnx::GraphProto &graph = *model.mutable_graph();
  switch (pick(rng, 9)) {
  case 0:
  case 1:
    if (!graph.node().empty()) {
      mutateAttribute(rng, *graph.mutable_node(pick(rng, graph.node_size())));
      return;
    }
    [[fallthrough]];
  case 2:
    if (!graph.initializer().empty()) {
      mutateTensor(
          rng, *graph.mutable_initializer(pick(rng, graph.initializer_size())));
      return;
    }
    [[fallthrough]];
  case 3:
    if (!graph.input().empty()) {
      mutateValueInfo(rng, *graph.mutable_input(pick(rng, graph.input_size())));
      return;
    }
    [[fallthrough]];
  case 4:
    mutateEdge(rng, graph);
    return;
  case 5:
  case 6:
    mutateNodes(rng, graph);
    return;
  case 7:
    if (!graph.output().empty()) {
      mutateValueInfo(rng,
                      *graph.mutable_output(pick(rng, graph.output_size())));
      return;
    }
    [[fallthrough]];
  default: {
    ::onnx::OperatorSetIdProto *opset = model.opset_import().empty()
                                            ? model.add_opset_import()
                                            : model.mutable_opset_import(0);
    if (pick(rng, 4) == 0)
      opset->set_domain("com.microsoft");
    else
      opset->set_version(static_cast<int64_t>(pick(rng, 26)));
  }
  }
}

} // namespace

void setMutationOpTypes(std::vector<std::string> opTypes) {
  mutationOpTypes() = std::move(opTypes);
}

size_t mutateOnnxModel(uint8_t *data, size_t size, size_t maxSize,
                       unsigned seed) {
  ::onnx::ModelProto model;
  if (!model.ParseFromArray(data, static_cast<int>(size)))
    return 0;
  Rng rng(seed);
  // Usually one change; sometimes a few, so that two fields that must agree
  // (a tensor's type and its data, a node's type and its attributes) can
  // both move.
  size_t changes = 1 + (pick(rng, 4) == 0 ? pick(rng, 3) : 0);
  for (size_t i = 0; i < changes; ++i)
    mutateModel(rng, model);
  std::string bytes;
  if (!model.SerializeToString(&bytes) || bytes.size() > maxSize)
    return 0;
  std::memcpy(data, bytes.data(), bytes.size());
  return bytes.size();
}

} // namespace mlir::dfq::fuzz
