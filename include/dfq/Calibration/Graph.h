//===- Graph.h - Graphs for the calibration engine --------------*- C++ -*-===//
//
// A plain C++ description of a float dfq graph, the input of the calibration
// numerics engine (dfq/Calibration/Synthesis.h). It mirrors the float ops of
// dialects/dfq/DfqGraphOps.td and their attributes, but includes neither MLIR
// nor libtorch: the engine can be built and run on its own (on a GPU machine,
// say), and the MLIR side only has to translate a function into this form.
//
// Conventions are the dialect's: NCHW activations, conv weights
// [O, C/groups, KH, KW], gemm weights [O, K], `pads` as
// [top, left, bottom, right], negative axes count from the back.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_CALIBRATION_GRAPH_H
#define DFQ_CALIBRATION_GRAPH_H

#include "dfq/Runtime/Tensor.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace mlir::dfq::calib {

/// The op of a node. Operands, in order:
///   Input, Constant        none
///   Conv2d                 input, weight, [bias]
///   ConvTranspose2d        input, weight, [bias]
///   BatchNorm              input, scale, bias, mean, variance (mean and
///                          variance must be Constant nodes: they are the
///                          statistics that data-free synthesis matches)
///   Gemm                   input [N, K], weight [O, K], [bias [O]]
///   MatMul, Add, Mul       lhs, rhs (NumPy broadcasting)
///   Concat                 one or more inputs
///   LayerNorm              input, scale, [bias]
///   every other op         input
enum class OpKind {
  Input,
  Constant,
  Conv2d,
  BatchNorm,
  Gemm,
  MatMul,
  Relu,
  Clip,
  Add,
  Mul,
  Sub,
  Div,
  Sigmoid,
  Tanh,
  Erf,
  Sqrt,
  HardSigmoid,
  HardSwish,
  MaxPool2d,
  AvgPool2d,
  GlobalAvgPool,
  Flatten,
  Reshape,
  Transpose,
  Concat,
  Softmax,
  Slice,
  LayerNorm,
  /// mean, sum or max over `axes` (`function`).
  Reduce,
  Pad,
  Resize,
  ConvTranspose2d,
  /// abs, exp, log, softplus, leaky_relu, elu, pow (`function`, with
  /// `alpha`: the slope, or pow's exponent).
  UnaryMath,
  /// max, min, prelu (`function`): lhs, rhs (NumPy broadcasting).
  BinaryMath,
};

/// The kind's name as error messages spell it ("Conv2d").
const char *opKindName(OpKind kind);

/// One op. Only the attributes of its kind are read; the defaults are the
/// dialect's.
struct Node {
  OpKind kind = OpKind::Input;
  /// Names the node in error messages (the ONNX node name, say).
  std::string name;
  /// Indices of earlier nodes in Graph::nodes.
  std::vector<int> operands;

  // Conv2d, MaxPool2d, AvgPool2d.
  std::vector<int64_t> strides = {1, 1};
  std::vector<int64_t> pads = {0, 0, 0, 0}; // [top, left, bottom, right]
  std::vector<int64_t> dilations = {1, 1};  // AvgPool2d: must stay {1, 1}
  int64_t groups = 1;                       // Conv2d
  std::vector<int64_t> kernelShape;         // pooling: [kh, kw]
  bool ceilMode = false;                    // pooling
  bool countIncludePad = false;             // AvgPool2d

  double epsilon = 1e-5; // BatchNorm, LayerNorm
  // Clip; an infinite bound clamps nothing.
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  float alpha = 0.2f, beta = 0.5f; // HardSigmoid; LeakyRelu, Elu: alpha
  std::string function;            // UnaryMath: the dfq op's mnemonic
  /// Flatten (default 1), Softmax (addOp sets the dialect's -1), Concat and
  /// LayerNorm.
  int64_t axis = 1;
  std::vector<int64_t> perm;  // Transpose
  std::vector<int64_t> shape; // Reshape target; at most one -1 (inferred)
  // Slice: per dimension the first element, the step and the count (-1:
  // the whole dynamic batch).
  std::vector<int64_t> starts, steps, sizes;
  // Reduce (LayerNorm normalizes from `axis` on).
  std::vector<int64_t> axes;
  bool keepDims = true;
  // Pad: ONNX-ordered pads (begins, then ends), the mode and the fill.
  std::vector<int64_t> padding;
  std::string padMode = "constant";
  double padValue = 0.0;
  // Resize: the output [OH, OW], the modes and the scales.
  std::vector<int64_t> resizeTo;
  std::string resizeMode, coordinateMode, nearestMode;
  std::vector<double> resizeScales;
  double cubicCoeffA = -0.75;
  bool excludeOutside = false;
  std::vector<int64_t> outputPadding = {0, 0}; // ConvTranspose2d

  rt::Tensor value; // Constant
};

/// A graph in topological order: every operand precedes its user.
struct Graph {
  std::vector<Node> nodes;
  /// The one Input node.
  int input = -1;
  /// What the graph computes; the first output is the model's logits.
  std::vector<int> outputs;

  /// Appends `node` and returns its index.
  int add(Node node);
  /// Adds the Input node (and records it in `input`).
  int addInput(std::string name);
  int addConstant(std::string name, rt::Tensor value);
  /// A node of `kind` with the dialect's default attributes.
  int addOp(OpKind kind, std::string name, std::vector<int> operands);
};

} // namespace mlir::dfq::calib

#endif // DFQ_CALIBRATION_GRAPH_H
