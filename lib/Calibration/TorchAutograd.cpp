//===- TorchAutograd.cpp - Graph execution under autograd -----------------===//
//
// The calibration engine's executor, its optimizer pieces and its entry
// points (dfq/Calibration/Synthesis.h). Ops run through the interpreter's
// ATen-level implementations (lib/Runtime/TorchOps.h), so a graph computes
// here exactly what the reference interpreter computes, with the same
// padding and pooling rules, while autograd records it.
//
// Built with RTTI and exceptions; forward() and synthesize() catch what ATen
// or the executor throws and return it as an error string.
//
//===----------------------------------------------------------------------===//

#include "TorchAutograd.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/grad_mode.h>
#include <ATen/ops/add.h>
#include <ATen/ops/addcmul.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/div.h>
#include <ATen/ops/erf.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/mean.h>
#include <ATen/ops/mul.h>
#include <ATen/ops/relu.h>
#include <ATen/ops/sigmoid.h>
#include <ATen/ops/softmax.h>
#include <ATen/ops/sqrt.h>
#include <ATen/ops/sub.h>
#include <ATen/ops/tanh.h>
#include <ATen/ops/zeros.h>
#include <ATen/ops/zeros_like.h>
#include <c10/core/InferenceMode.h>
#include <c10/util/Exception.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

#include <chrono>
#include <cmath>
#include <stdexcept>

using namespace mlir::dfq;
using namespace mlir::dfq::calib;
using namespace mlir::dfq::calib::detail;

namespace aten = mlir::dfq::rt::aten;

/// "Conv2d node 'conv1': " — how every message about a node starts.
static std::string nodePrefix(const Node &node) {
  return std::string(opKindName(node.kind)) + " node '" + node.name + "': ";
}

[[noreturn]] static void graphError(const std::string &message) {
  throw std::invalid_argument(message);
}

//===----------------------------------------------------------------------===//
// Executor
//===----------------------------------------------------------------------===//

/// Operand counts per op kind (Graph.h lists the operands).
static void checkOperandCount(const Node &node) {
  size_t count = node.operands.size();
  auto expect = [&](size_t lo, size_t hi) {
    if (count < lo || count > hi)
      graphError(nodePrefix(node) + "expected " +
                 (lo == hi ? std::to_string(lo)
                           : std::to_string(lo) + " to " + std::to_string(hi)) +
                 " operands, got " + std::to_string(count));
  };
  switch (node.kind) {
  case OpKind::Input:
  case OpKind::Constant:
    return expect(0, 0);
  case OpKind::Conv2d:
  case OpKind::ConvTranspose2d:
  case OpKind::Gemm:
  case OpKind::LayerNorm:
    return expect(2, 3);
  case OpKind::BatchNorm:
    return expect(5, 5);
  case OpKind::MatMul:
  case OpKind::Add:
  case OpKind::Mul:
  case OpKind::Sub:
  case OpKind::Div:
  case OpKind::BinaryMath:
    return expect(2, 2);
  case OpKind::Concat:
    if (count == 0)
      graphError(nodePrefix(node) + "expected at least one operand");
    return;
  default:
    return expect(1, 1);
  }
}

Executor::Executor(const Graph &graph, bool forAutograd)
    : graph(graph), constants(graph.nodes.size()),
      lastUse(graph.nodes.size(), 0), siteOf(graph.nodes.size(), -1) {
  const std::vector<Node> &nodes = graph.nodes;
  int count = static_cast<int>(nodes.size());
  if (graph.input < 0 || graph.input >= count ||
      nodes[graph.input].kind != OpKind::Input)
    graphError("the graph's input (" + std::to_string(graph.input) +
               ") is not an Input node");
  if (graph.outputs.empty())
    graphError("the graph has no outputs");
  for (int output : graph.outputs)
    if (output < 0 || output >= count)
      graphError("graph output " + std::to_string(output) +
                 " is not a node index (the graph has " +
                 std::to_string(count) + " nodes)");

  for (int i = 0; i < count; ++i) {
    const Node &node = nodes[i];
    checkOperandCount(node);
    for (int operand : node.operands)
      if (operand < 0 || operand >= i)
        graphError(nodePrefix(node) + "operand " + std::to_string(operand) +
                   " does not name an earlier node");
    for (int operand : node.operands)
      lastUse[operand] = i;

    switch (node.kind) {
    case OpKind::Input:
      if (i != graph.input)
        graphError(nodePrefix(node) + "a second Input node");
      break;
    case OpKind::Constant: {
      if (node.value.isNull())
        graphError(nodePrefix(node) + "no value");
      const at::Tensor &value = aten::unwrap(node.value);
      // A one-time copy: autograd refuses to save inference tensors (conv
      // and gemm weights are saved to compute the input gradient).
      constants[i] =
          forAutograd && value.is_inference() ? value.clone() : value;
      break;
    }
    case OpKind::BatchNorm: {
      ++batchNorms;
      int meanNode = node.operands[3], varNode = node.operands[4];
      if (nodes[meanNode].kind != OpKind::Constant ||
          nodes[varNode].kind != OpKind::Constant)
        graphError(nodePrefix(node) +
                   "the running mean and variance must be Constant nodes");
      const at::Tensor &mean = constants[meanNode];
      const at::Tensor &var = constants[varNode];
      if (mean.dim() != 1 || var.sizes() != mean.sizes())
        graphError(nodePrefix(node) +
                   "the running mean and variance must be vectors of one "
                   "size");
      at::NoGradGuard noGrad;
      siteOf[i] = static_cast<int>(bnSites.size());
      bnSites.push_back({i, mean, at::sqrt(var + node.epsilon), node.epsilon});
      break;
    }
    case OpKind::Reshape: {
      int inferred = 0;
      for (int64_t d : node.shape) {
        if (d == -1)
          ++inferred;
        else if (d < 0)
          graphError(nodePrefix(node) + "negative target dimension " +
                     std::to_string(d));
      }
      if (inferred > 1)
        graphError(nodePrefix(node) + "more than one -1 in the target shape");
      break;
    }
    default:
      break;
    }
  }
  for (int output : graph.outputs)
    lastUse[output] = nodes.size();
}

const at::Tensor &Executor::constant(int node) const {
  if (node < 0 || node >= int(graph.nodes.size()) ||
      graph.nodes[node].kind != OpKind::Constant)
    graphError("node " + std::to_string(node) + " is not a Constant");
  return constants[node];
}

void Executor::setConstant(int node, const at::Tensor &value) {
  if (!constant(node).sizes().equals(value.sizes()))
    graphError("the new value of node " + std::to_string(node) +
               " has another shape");
  constants[node] = value;
}

at::Tensor Executor::execute(const Node &node,
                             const std::vector<at::Tensor> &values) {
  auto in = [&](size_t i) -> const at::Tensor & {
    return values[node.operands[i]];
  };
  auto optional = [&](size_t i) -> c10::optional<at::Tensor> {
    if (node.operands.size() <= i)
      return c10::nullopt;
    return in(i);
  };
  switch (node.kind) {
  case OpKind::Conv2d:
    return aten::conv2d(
        in(0), in(1), optional(2),
        rt::Conv2dParams{node.strides, node.pads, node.dilations, node.groups});
  case OpKind::BatchNorm:
    return aten::batchNorm(in(0), in(1), in(2), in(3), in(4), node.epsilon);
  case OpKind::Gemm:
    return at::linear(in(0), in(1), optional(2));
  case OpKind::MatMul:
    return at::matmul(in(0), in(1));
  case OpKind::Relu:
    return at::relu(in(0));
  case OpKind::Clip:
    return aten::clip(in(0), node.min, node.max);
  case OpKind::Add:
    return at::add(in(0), in(1));
  case OpKind::Mul:
    return at::mul(in(0), in(1));
  case OpKind::Sub:
    return at::sub(in(0), in(1));
  case OpKind::Div:
    return at::div(in(0), in(1));
  case OpKind::Sigmoid:
    return at::sigmoid(in(0));
  case OpKind::Tanh:
    return at::tanh(in(0));
  case OpKind::Erf:
    return at::erf(in(0));
  case OpKind::Sqrt:
    return at::sqrt(in(0));
  case OpKind::HardSigmoid:
    return aten::hardSigmoid(in(0), node.alpha, node.beta);
  case OpKind::HardSwish:
    return aten::hardSwish(in(0));
  case OpKind::MaxPool2d:
    return aten::maxPool2d(
        in(0), rt::Pool2dParams{node.kernelShape, node.strides, node.pads,
                                node.dilations, node.ceilMode, false});
  case OpKind::AvgPool2d:
    return aten::avgPool2d(
        in(0),
        rt::Pool2dParams{node.kernelShape, node.strides, node.pads,
                         node.dilations, node.ceilMode, node.countIncludePad});
  case OpKind::GlobalAvgPool:
    return aten::globalAvgPool(in(0));
  case OpKind::Flatten:
    return aten::flatten(in(0), node.axis);
  case OpKind::Reshape:
    return in(0).reshape(node.shape);
  case OpKind::Transpose:
    return in(0).permute(node.perm);
  case OpKind::Concat: {
    std::vector<at::Tensor> inputs;
    inputs.reserve(node.operands.size());
    for (int operand : node.operands)
      inputs.push_back(values[operand]);
    return at::cat(inputs, node.axis);
  }
  case OpKind::Softmax:
    return at::softmax(in(0), node.axis);
  case OpKind::Slice:
    return aten::slice(in(0), node.starts, node.steps, node.sizes);
  case OpKind::LayerNorm:
    return aten::layerNorm(in(0), in(1), optional(2), node.axis, node.epsilon);
  case OpKind::Reduce:
    return aten::reduce(in(0), node.function, node.axes, node.keepDims);
  case OpKind::Pad:
    return aten::pad(in(0), node.padding, node.padMode, node.padValue);
  case OpKind::UnaryMath:
    return aten::unaryMath(in(0), node.function, node.alpha);
  case OpKind::BinaryMath:
    return aten::binaryMath(in(0), in(1), node.function);
  case OpKind::ConvTranspose2d:
    return aten::convTranspose2d(
        in(0), in(1), optional(2),
        rt::Conv2dParams{node.strides, node.pads, node.dilations, node.groups},
        node.outputPadding);
  case OpKind::Resize:
    return aten::resize(in(0), node.resizeTo, node.resizeMode,
                        node.coordinateMode, node.nearestMode,
                        node.resizeScales, node.cubicCoeffA,
                        node.excludeOutside);
  case OpKind::Input:
  case OpKind::Constant:
    break;
  }
  throw std::logic_error("not an executable op");
}

std::vector<at::Tensor>
Executor::run(const at::Tensor &input, std::vector<SampleStats> *stats,
              const std::vector<int> &keep, std::vector<at::Tensor> *kept,
              const std::function<void(size_t, const at::Tensor &)> &observe) {
  const std::vector<Node> &nodes = graph.nodes;
  std::vector<at::Tensor> values(nodes.size());
  std::vector<bool> keepNode(nodes.size(), false);
  // Where each node appears in `keep` (observed nodes are not kept).
  std::vector<std::vector<size_t>> observedAt(observe ? nodes.size() : 0);
  for (size_t position = 0; position < keep.size(); ++position) {
    if (observe)
      observedAt[keep[position]].push_back(position);
    else
      keepNode[keep[position]] = true;
  }
  if (stats) {
    stats->clear();
    stats->resize(bnSites.size());
  }
  bnInputRanks.clear();

  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node &node = nodes[i];
    if (node.kind == OpKind::Input) {
      values[i] = input;
    } else if (node.kind == OpKind::Constant) {
      values[i] = constants[i];
    } else {
      try {
        if (node.kind == OpKind::BatchNorm) {
          // The hook at the BN input (ZeroQ's BN-statistics matching, Cai
          // et al., CVPR 2020: a_l is the tensor entering BN l). The
          // authors' code hooks conv outputs instead and pairs them with
          // BNs by order, which is the same for conv -> BN.
          const at::Tensor &a = values[node.operands[0]];
          bnInputRanks.push_back(a.dim());
          if (stats && siteOf[i] >= 0) {
            const BnSite &site = bnSites[siteOf[i]];
            (*stats)[siteOf[i]] =
                sampleStats(a, site.mean.size(0), site.epsilon);
          }
        }
        values[i] = execute(node, values);
      } catch (const c10::Error &e) {
        throw std::runtime_error(nodePrefix(node) + e.what_without_backtrace());
      } catch (const std::exception &e) {
        throw std::runtime_error(nodePrefix(node) + e.what());
      }
    }
    if (observe)
      for (size_t position : observedAt[i])
        observe(position, values[i]);
    // Free values after their last use: under autograd only what backward
    // needs stays alive.
    for (int operand : node.operands)
      if (lastUse[operand] == i && !keepNode[operand])
        values[operand] = at::Tensor();
  }

  if (kept) {
    kept->clear();
    for (int k : keep)
      kept->push_back(values[k]);
  }
  std::vector<at::Tensor> outputs;
  outputs.reserve(graph.outputs.size());
  for (int output : graph.outputs)
    outputs.push_back(values[output]);
  return outputs;
}

std::vector<int64_t> Executor::probe(const std::vector<int64_t> &sampleShape) {
  std::vector<int64_t> shape = {1};
  shape.insert(shape.end(), sampleShape.begin(), sampleShape.end());
  std::vector<at::Tensor> outputs;
  {
    c10::InferenceMode guard;
    outputs = run(at::zeros(shape));
  }
  // Per-sample statistics over H, W do not exist for a BN on a rank-2
  // [N, C] tensor (after a gemm): the only per-sample "mean" is the feature
  // itself, and matching it to μ_c would pin every sample's feature to the
  // population mean, the opposite of calibration data. So such layers are
  // left out, as the authors' code does (ZeroQ and DSG count and hook only
  // BatchNorm2d). Rank >= 3 inputs use every position after the channel.
  std::vector<BnSite> keptSites;
  size_t bn = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (graph.nodes[i].kind != OpKind::BatchNorm)
      continue;
    int site = siteOf[i];
    siteOf[i] = -1;
    if (bnInputRanks[bn++] >= 3) {
      siteOf[i] = static_cast<int>(keptSites.size());
      keptSites.push_back(bnSites[site]);
    }
  }
  bnSites = std::move(keptSites);
  at::IntArrayRef sizes = outputs.front().sizes();
  return std::vector<int64_t>(sizes.begin(), sizes.end());
}

//===----------------------------------------------------------------------===//
// Statistics and the input term
//===----------------------------------------------------------------------===//

namespace {
/// The mean and biased variance of every row of an [N, C, L] tensor, for
/// per-sample channel statistics (ZeroQ, Cai et al., CVPR 2020). ATen's
/// var / var_mean (Welford) and their backward took a third of every
/// synthesis iteration (in PyTorch scripts too); two passes forward and a
/// single fused backward op are over ten times faster, and as accurate.
class ChannelMoments : public torch::autograd::Function<ChannelMoments> {
public:
  static torch::autograd::variable_list
  forward(torch::autograd::AutogradContext *ctx, const at::Tensor &a) {
    at::Tensor mean = a.mean(2);
    at::Tensor centered = a - mean.unsqueeze(2);
    at::Tensor var = centered.square().mean(2);
    ctx->save_for_backward({centered});
    return {mean, var};
  }

  static torch::autograd::variable_list
  backward(torch::autograd::AutogradContext *ctx,
           torch::autograd::variable_list grads) {
    // d mean / d a = 1/L and d var / d a = 2 (a - mean) / L (the terms
    // through the mean cancel because the centered row sums to 0).
    at::Tensor centered = ctx->get_saved_variables()[0];
    double length = static_cast<double>(centered.size(2));
    return {at::addcmul((grads[0] / length).unsqueeze(2), centered,
                        (grads[1] * (2.0 / length)).unsqueeze(2))};
  }
};
} // namespace

/// Mean and biased variance over the last dimension of an [N, C, L] tensor.
static std::pair<at::Tensor, at::Tensor> channelMoments(const at::Tensor &a) {
  torch::autograd::variable_list moments = ChannelMoments::apply(a);
  return {moments[0], moments[1]};
}

SampleStats detail::sampleStats(const at::Tensor &a, int64_t channels,
                                double epsilon) {
  TORCH_CHECK(a.dim() >= 3 && a.size(1) == channels, "expected an [N, ",
              channels, ", ...] input, got ", a.sizes());
  // Biased variance, as docs/calibration.md defines σ̃; the authors' code
  // uses torch.var's default, the unbiased estimator.
  auto [mean, var] = channelMoments(a.reshape({a.size(0), channels, -1}));
  return {mean, at::sqrt(var + epsilon)};
}

at::Tensor detail::inputTerm(const at::Tensor &x) {
  // The ZeroQ and DSG code's eps for these statistics; there is no BN here.
  constexpr double kEpsilon = 1e-6;
  int64_t n = x.size(0);
  at::Tensor x3 =
      x.dim() >= 3 ? x.reshape({n, x.size(1), -1}) : x.reshape({n, 1, -1});
  auto [mean, var] = channelMoments(x3);
  at::Tensor std = at::sqrt(var + kEpsilon);
  return (mean.square().sum() + (std - 1).square().sum()) / n;
}

//===----------------------------------------------------------------------===//
// Optimizer
//===----------------------------------------------------------------------===//

Adam::Adam(const at::Tensor &param) {
  at::NoGradGuard noGrad;
  expAvg = at::zeros_like(param, at::MemoryFormat::Contiguous);
  expAvgSq = at::zeros_like(param, at::MemoryFormat::Contiguous);
}

void Adam::step(at::Tensor &param, const at::Tensor &grad, double lr) {
  // torch/optim/adam.py, _single_tensor_adam, op for op, so that results
  // match a PyTorch run.
  constexpr double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  at::NoGradGuard noGrad;
  ++steps;
  expAvg.mul_(beta1).add_(grad, 1 - beta1);
  expAvgSq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
  double biasCorrection1 = 1 - std::pow(beta1, static_cast<double>(steps));
  double biasCorrection2 = 1 - std::pow(beta2, static_cast<double>(steps));
  double stepSize = lr / biasCorrection1;
  at::Tensor denom = (expAvgSq.sqrt() / std::sqrt(biasCorrection2)).add_(eps);
  param.addcdiv_(expAvg, denom, -stepSize);
}

void Plateau::step(double metric, double &lr) {
  constexpr double factor = 0.1, threshold = 1e-4, eps = 1e-8;
  if (metric < best * (1 - threshold)) {
    best = metric;
    badEpochs = 0;
  } else {
    ++badEpochs;
  }
  if (badEpochs > patience) {
    double reduced = std::max(lr * factor, minLr);
    if (lr - reduced > eps)
      lr = reduced;
    badEpochs = 0;
  }
}

int64_t detail::optimize(
    at::Tensor &x, int64_t iterations, double lr, int64_t patience,
    const std::function<at::Tensor(const at::Tensor &, int64_t)> &loss,
    std::vector<double> &losses,
    const std::function<void(int64_t, double)> &progress,
    const Deadline &deadline) {
  using Clock = std::chrono::steady_clock;
  // ZeroQ and DSG both stop the plateau schedule at lr 1e-4 (2.1, 3.3).
  Plateau plateau(patience, /*minLr=*/1e-4);
  Adam adam(x);
  x.requires_grad_(true);
  losses.reserve(losses.size() + iterations);
  Clock::duration lastStep{};
  int64_t it = 0;
  for (; it < iterations; ++it) {
    Clock::time_point began = Clock::now();
    if (deadline && it > 0 && began + lastStep > *deadline)
      break;
    at::Tensor value = loss(x, it);
    // Only the input's gradient: the weights are constants without grad.
    at::Tensor grad = torch::autograd::grad({value}, {x})[0];
    double v = value.item<double>();
    if (!std::isfinite(v))
      throw std::runtime_error("the loss is not finite at iteration " +
                               std::to_string(it));
    losses.push_back(v);
    adam.step(x, grad, lr);
    plateau.step(v, lr);
    if (progress)
      progress(it, v);
    lastStep = Clock::now() - began;
  }
  x.requires_grad_(false);
  return it;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

static std::string checkOptions(const std::vector<int64_t> &sampleShape,
                                const SynthesisOptions &options) {
  if (options.method != SynthesisOptions::ZeroQ &&
      options.method != SynthesisOptions::DSG)
    return "unknown synthesis method";
  if (options.samples <= 0)
    return "the number of samples must be positive, got " +
           std::to_string(options.samples);
  if (options.iterations < 0)
    return "the number of iterations must not be negative, got " +
           std::to_string(options.iterations);
  if (!(options.lr >= 0) || std::isinf(options.lr))
    return "the learning rate must be finite and not negative";
  if (!(options.marginQuantile >= 0 && options.marginQuantile <= 1))
    return "the margin quantile must lie in [0, 1]";
  if (sampleShape.empty())
    return "the sample shape is empty";
  for (int64_t d : sampleShape)
    if (d <= 0)
      return "the sample shape has a dimension that is not positive";
  // DSG's image priors (TV over rolled images) need [C, H, W] samples.
  if (options.method == SynthesisOptions::DSG && sampleShape.size() != 3)
    return "DSG needs [C, H, W] samples, got a rank-" +
           std::to_string(sampleShape.size()) + " sample shape";
  return {};
}

SynthesisResult calib::synthesize(const Graph &graph,
                                  const std::vector<int64_t> &sampleShape,
                                  const SynthesisOptions &options) {
  auto start = std::chrono::steady_clock::now();
  SynthesisResult result;
  result.error = checkOptions(sampleShape, options);
  if (result.error.empty())
    result.error = guarded([&] {
      rt::setEngineThreads(options.threads);
      Executor executor(graph, /*forAutograd=*/true);
      if (executor.batchNormCount() == 0)
        throw std::invalid_argument(
            "ZeroQ/DSG need BatchNorm statistics; the model has none (a "
            "LayerNorm model such as ConvNeXt or a vision transformer "
            "calibrates on Gaussian images, --calib none, or on real "
            "images, --calib real:DIR)");
      std::vector<int64_t> outputShape = executor.probe(sampleShape);
      if (executor.sites().empty())
        throw std::invalid_argument(
            "ZeroQ/DSG need BatchNorm statistics of feature maps; every "
            "BatchNorm of the model normalizes a rank-2 tensor, which has no "
            "per-sample spatial statistics");
      Problem problem{executor, sampleShape, outputShape,
                      at::make_generator<at::CPUGeneratorImpl>(options.seed),
                      std::nullopt};
      if (options.timeLimit > 0)
        problem.deadline =
            start +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(options.timeLimit));
      if (options.method == SynthesisOptions::ZeroQ)
        runZeroQ(problem, options, result);
      else
        runDSG(problem, options, result);
    });
  if (!result.error.empty())
    result.images = rt::Tensor();
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

std::string calib::forwardObserving(
    const Graph &graph, const rt::Tensor &input,
    const std::vector<int> &observeNodes,
    const std::function<void(size_t, const rt::Tensor &)> &observe) {
  return guarded([&] {
    for (int node : observeNodes)
      if (node < 0 || node >= static_cast<int>(graph.nodes.size()))
        throw std::invalid_argument("observed node " + std::to_string(node) +
                                    " is not a node index");
    if (input.isNull())
      throw std::invalid_argument("the input is a null tensor");
    // Range calibration needs no gradients: constants are used in place.
    c10::InferenceMode guard;
    Executor executor(graph, /*forAutograd=*/false);
    executor.run(aten::unwrap(input), nullptr, observeNodes, nullptr,
                 [&](size_t position, const at::Tensor &value) {
                   observe(position, aten::wrap(value));
                 });
  });
}

ForwardResult calib::forward(const Graph &graph, const rt::Tensor &input,
                             const std::vector<int> &observeNodes) {
  ForwardResult result;
  result.observed.resize(observeNodes.size());
  result.error =
      forwardObserving(graph, input, observeNodes,
                       [&](size_t position, const rt::Tensor &value) {
                         result.observed[position] = value;
                       });
  if (!result.error.empty())
    result.observed.clear();
  return result;
}
