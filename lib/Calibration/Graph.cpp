//===- Graph.cpp - Graphs for the calibration engine ----------------------===//
//
// Plain C++: the builders of dfq/Calibration/Graph.h.
//
//===----------------------------------------------------------------------===//

#include "dfq/Calibration/Graph.h"

#include <utility>

using namespace mlir::dfq::calib;

const char *mlir::dfq::calib::opKindName(OpKind kind) {
  switch (kind) {
  case OpKind::Input:
    return "Input";
  case OpKind::Constant:
    return "Constant";
  case OpKind::Conv2d:
    return "Conv2d";
  case OpKind::BatchNorm:
    return "BatchNorm";
  case OpKind::Gemm:
    return "Gemm";
  case OpKind::MatMul:
    return "MatMul";
  case OpKind::Relu:
    return "Relu";
  case OpKind::Clip:
    return "Clip";
  case OpKind::Add:
    return "Add";
  case OpKind::Mul:
    return "Mul";
  case OpKind::Sub:
    return "Sub";
  case OpKind::Div:
    return "Div";
  case OpKind::Sigmoid:
    return "Sigmoid";
  case OpKind::Tanh:
    return "Tanh";
  case OpKind::Erf:
    return "Erf";
  case OpKind::Sqrt:
    return "Sqrt";
  case OpKind::HardSigmoid:
    return "HardSigmoid";
  case OpKind::HardSwish:
    return "HardSwish";
  case OpKind::MaxPool2d:
    return "MaxPool2d";
  case OpKind::AvgPool2d:
    return "AvgPool2d";
  case OpKind::GlobalAvgPool:
    return "GlobalAvgPool";
  case OpKind::Flatten:
    return "Flatten";
  case OpKind::Reshape:
    return "Reshape";
  case OpKind::Transpose:
    return "Transpose";
  case OpKind::Concat:
    return "Concat";
  case OpKind::Slice:
    return "Slice";
  case OpKind::LayerNorm:
    return "LayerNorm";
  case OpKind::Reduce:
    return "Reduce";
  case OpKind::Pad:
    return "Pad";
  case OpKind::Resize:
    return "Resize";
  case OpKind::ConvTranspose2d:
    return "ConvTranspose2d";
  case OpKind::UnaryMath:
    return "UnaryMath";
  case OpKind::BinaryMath:
    return "BinaryMath";
  case OpKind::Softmax:
    return "Softmax";
  }
  return "unknown op";
}

int Graph::add(Node node) {
  nodes.push_back(std::move(node));
  return static_cast<int>(nodes.size()) - 1;
}

int Graph::addInput(std::string name) {
  Node node;
  node.kind = OpKind::Input;
  node.name = std::move(name);
  input = add(std::move(node));
  return input;
}

int Graph::addConstant(std::string name, rt::Tensor value) {
  Node node;
  node.kind = OpKind::Constant;
  node.name = std::move(name);
  node.value = std::move(value);
  return add(std::move(node));
}

int Graph::addOp(OpKind kind, std::string name, std::vector<int> operands) {
  Node node;
  node.kind = kind;
  node.name = std::move(name);
  node.operands = std::move(operands);
  if (kind == OpKind::Softmax)
    node.axis = -1;
  return add(std::move(node));
}
