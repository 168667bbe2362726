//===- AdaRound.cpp - Learned weight rounding -----------------------------===//
//
// AdaRound (Nagel et al., ICML 2020) as its Algorithm and Section 4 state
// it, layer by layer:
//
//   W~ = s * clamp(floor(W / s) + h(V), qmin, qmax),
//   h(V) = clamp(sigmoid(V) (zeta - gamma) + gamma, 0, 1),  zeta = 1.1,
//                                                           gamma = -0.1,
//   min_V ||W x^ - W~ x^||^2 / N + lambda sum(1 - |2 h(V) - 1|^beta),
//
// where x^ is the layer's input from the network whose earlier layers are
// already rounded (the paper's "asymmetric" reconstruction, which corrects
// the error they leave) and W x^ is replaced by the float network's output
// of the layer; both through the layer's ReLU or clip when one alone reads
// it (the paper's best variant takes the error after the activation
// function). V starts where h(V) equals the fractional part of W / s (so
// the soft weights start at W); beta decays linearly from 20 to 2 after a
// warm-up of 20 % of the steps without the regulariser; the codes are
// floor(W / s) + [h(V) >= 0.5]. The output error is summed over channels
// and averaged over the batch and the pixels, as BRECQ's released code
// (Li et al., ICLR 2021) computes it for AdaRound and for itself.
// Activations stay float during the reconstruction.
//
//===----------------------------------------------------------------------===//

#include "TorchAutograd.h"
#include "dfq/Calibration/Reconstruction.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/grad_mode.h>
#include <ATen/ops/abs.h>
#include <ATen/ops/clamp.h>
#include <ATen/ops/floor.h>
#include <ATen/ops/index_select.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/log.h>
#include <ATen/ops/pow.h>
#include <ATen/ops/randperm.h>
#include <ATen/ops/relu.h>
#include <ATen/ops/round.h>
#include <ATen/ops/sigmoid.h>
#include <ATen/ops/tensor.h>
#include <torch/csrc/autograd/autograd.h>

#include <chrono>
#include <cmath>
#include <stdexcept>

using namespace mlir::dfq;
using namespace mlir::dfq::calib;
using namespace mlir::dfq::calib::detail;

namespace {

constexpr double kZeta = 1.1, kGamma = -0.1;

at::Tensor softRounding(const at::Tensor &v) {
  return at::clamp(at::sigmoid(v) * (kZeta - kGamma) + kGamma, 0.0, 1.0);
}

/// The layer op of `node` on `x` with weight `w` (and the node's bias).
at::Tensor applyLayer(const Graph &graph, const Executor &executor,
                      const Node &node, const at::Tensor &x,
                      const at::Tensor &w) {
  c10::optional<at::Tensor> bias;
  if (node.operands.size() > 2)
    bias = executor.constant(node.operands[2]);
  if (node.kind == OpKind::Conv2d)
    return rt::aten::conv2d(
        x, w, bias,
        rt::Conv2dParams{node.strides, node.pads, node.dilations, node.groups});
  return at::linear(x, w, bias);
}

/// The ReLU or clip that alone reads `node`'s output, or -1: AdaRound
/// takes the output error after the activation function.
int followingActivation(const Graph &graph, int node) {
  int reader = -1, readers = 0;
  for (size_t i = node + 1; i < graph.nodes.size(); ++i)
    for (int operand : graph.nodes[i].operands)
      if (operand == node) {
        reader = int(i);
        ++readers;
      }
  for (int output : graph.outputs)
    if (output == node)
      return -1;
  if (readers != 1 || (graph.nodes[reader].kind != OpKind::Relu &&
                       graph.nodes[reader].kind != OpKind::Clip))
    return -1;
  return reader;
}

/// `y` through the activation node `activation` (-1: none).
at::Tensor activate(const Graph &graph, int activation, const at::Tensor &y) {
  if (activation < 0)
    return y;
  const Node &node = graph.nodes[activation];
  if (node.kind == OpKind::Relu)
    return at::relu(y);
  return rt::aten::clip(y, node.min, node.max);
}

/// The squared error summed over channels and averaged over the batch and
/// the pixels (BRECQ's released lp_loss with p = 2, the normalization the
/// regulariser weight 0.01 was chosen with).
at::Tensor outputError(const at::Tensor &y, const at::Tensor &target) {
  return (y - target).pow(2).sum(1).mean();
}

void checkLayers(const Graph &graph, const std::vector<RoundedLayer> &layers) {
  int previous = -1;
  for (const RoundedLayer &layer : layers) {
    if (layer.node <= previous || layer.node >= int(graph.nodes.size()))
      throw std::invalid_argument(
          "the layers must be distinct nodes in graph order");
    previous = layer.node;
    const Node &node = graph.nodes[layer.node];
    if ((node.kind != OpKind::Conv2d && node.kind != OpKind::Gemm) ||
        node.operands.size() < 2 ||
        graph.nodes[node.operands[1]].kind != OpKind::Constant ||
        (node.operands.size() > 2 &&
         graph.nodes[node.operands[2]].kind != OpKind::Constant))
      throw std::invalid_argument(
          "node " + std::to_string(layer.node) +
          " is not a Conv2d or Gemm with constant weight and bias");
    if (layer.qmin >= layer.qmax)
      throw std::invalid_argument("node " + std::to_string(layer.node) +
                                  " has an empty code range");
    for (double s : layer.scales)
      if (!(s > 0) || std::isinf(s))
        throw std::invalid_argument("node " + std::to_string(layer.node) +
                                    " has a scale that is not positive");
  }
}

} // namespace

double calib::rectifiedSigmoid(double v) {
  double h = (kZeta - kGamma) / (1.0 + std::exp(-v)) + kGamma;
  return std::min(1.0, std::max(0.0, h));
}

double calib::roundingRegularizer(double h, double beta) {
  return 1.0 - std::pow(std::abs(2.0 * h - 1.0), beta);
}

ReconstructionResult
calib::reconstructAdaRound(const Graph &graph, const rt::Tensor &input,
                           const std::vector<RoundedLayer> &layers,
                           const ReconstructionOptions &options) {
  using Clock = std::chrono::steady_clock;
  Clock::time_point start = Clock::now();
  ReconstructionResult result;
  result.error = guarded([&] {
    if (input.isNull())
      throw std::invalid_argument("the calibration input is a null tensor");
    if (options.iterations < 0 || options.batch <= 0 || !(options.lr > 0) ||
        !(options.lambda >= 0) ||
        !(options.warmup >= 0 && options.warmup <= 1) ||
        !(options.betaStart >= options.betaEnd && options.betaEnd > 0))
      throw std::invalid_argument(
          "iterations must not be negative, the batch and learning rate "
          "must be positive, lambda not negative, the warm-up in [0, 1] and "
          "beta start >= beta end > 0");
    checkLayers(graph, layers);
    rt::setEngineThreads(options.threads);
    Deadline deadline;
    if (options.timeLimit > 0)
      deadline = start + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double>(options.timeLimit));
    // A copy outside inference mode: autograd saves the layer inputs.
    at::Tensor data = rt::aten::unwrap(input).clone();
    int64_t samples = data.size(0), batch = std::min(options.batch, samples);
    Executor reference(graph, /*forAutograd=*/true);
    Executor rounded(graph, /*forAutograd=*/true);
    at::Generator generator =
        at::make_generator<at::CPUGeneratorImpl>(options.seed);

    for (size_t index = 0; index < layers.size(); ++index) {
      const RoundedLayer &layer = layers[index];
      const Node &node = graph.nodes[layer.node];
      int weightNode = node.operands[1];
      at::Tensor w = reference.constant(weightNode).to(at::kDouble);
      int64_t channels = w.size(0);
      if (int64_t(layer.scales.size()) != channels)
        throw std::invalid_argument(
            "node " + std::to_string(layer.node) + " has " +
            std::to_string(channels) + " output channels but " +
            std::to_string(layer.scales.size()) + " scales");
      std::vector<int64_t> broadcast(w.dim(), 1);
      broadcast[0] = channels;
      at::Tensor scale =
          at::tensor(layer.scales, at::kDouble).reshape(broadcast);
      at::Tensor quotient = w / scale;
      at::Tensor base = at::floor(quotient);
      at::Tensor nearest = at::clamp(at::round(quotient), double(layer.qmin),
                                     double(layer.qmax));
      auto weightOf = [&](const at::Tensor &codes) {
        return (codes * scale).to(at::kFloat);
      };

      // The float layer's output (after its activation function), and its
      // input in the rounded network.
      int activation = followingActivation(graph, layer.node);
      auto layerOutput = [&](const at::Tensor &input, const at::Tensor &w) {
        return activate(graph, activation,
                        applyLayer(graph, rounded, node, input, w));
      };
      at::Tensor target, x;
      {
        at::NoGradGuard noGrad;
        std::vector<at::Tensor> kept;
        reference.run(data, nullptr,
                      {activation >= 0 ? activation : layer.node}, &kept);
        target = kept[0];
        rounded.run(data, nullptr, {node.operands[0]}, &kept);
        x = kept[0];
      }
      LayerReconstruction &out = result.layers.emplace_back();
      {
        at::NoGradGuard noGrad;
        out.nearestError =
            outputError(layerOutput(x, weightOf(nearest)), target)
                .item<double>();
      }

      // V where h(V) is the fractional part: the soft weights start at W.
      at::Tensor rest = at::clamp(quotient - base, 0.01, 0.99);
      at::Tensor v = -at::log((kZeta - kGamma) / (rest - kGamma) - 1.0);
      v.requires_grad_(true);
      Adam adam(v);
      int64_t warm = int64_t(std::ceil(options.warmup * options.iterations));
      Clock::duration lastStep{};
      int64_t step = 0;
      for (; step < options.iterations; ++step) {
        Clock::time_point began = Clock::now();
        if (deadline && began + lastStep > *deadline)
          break;
        at::Tensor pick =
            batch < samples
                ? at::randperm(samples, generator, at::kLong).slice(0, 0, batch)
                : at::Tensor();
        at::Tensor xb = pick.defined() ? x.index_select(0, pick) : x;
        at::Tensor tb = pick.defined() ? target.index_select(0, pick) : target;
        at::Tensor h = softRounding(v);
        at::Tensor soft =
            at::clamp(base + h, double(layer.qmin), double(layer.qmax));
        at::Tensor error = outputError(layerOutput(xb, weightOf(soft)), tb);
        at::Tensor loss = error;
        if (step >= warm && options.lambda > 0) {
          double progress =
              options.iterations > warm
                  ? double(step - warm) / double(options.iterations - warm)
                  : 1.0;
          double beta =
              options.betaEnd + (options.betaStart - options.betaEnd) *
                                    std::max(0.0, 1.0 - progress);
          at::Tensor regularizer =
              (1.0 - at::pow(at::abs(2.0 * h - 1.0), beta)).sum();
          loss = error + options.lambda * regularizer;
        }
        at::Tensor grad = torch::autograd::grad({loss}, {v})[0];
        double value = error.item<double>();
        if (!std::isfinite(value))
          throw std::runtime_error(
              "the reconstruction loss of node " + std::to_string(layer.node) +
              " is not finite at step " + std::to_string(step));
        adam.step(v, grad, options.lr);
        if (options.progress)
          options.progress(index, step, value);
        lastStep = Clock::now() - began;
      }
      out.steps = step;

      at::NoGradGuard noGrad;
      at::Tensor h = softRounding(v.detach());
      at::Tensor codes = step > 0
                             ? at::clamp(base + (h >= 0.5).to(at::kDouble),
                                         double(layer.qmin), double(layer.qmax))
                             : nearest;
      out.flipped = (codes != nearest).sum().item<int64_t>();
      out.undecided =
          step > 0 ? ((h > 0.01) & (h < 0.99)).sum().item<int64_t>() : 0;
      at::Tensor learned = weightOf(codes);
      out.learnedError =
          outputError(layerOutput(x, learned), target).item<double>();
      at::Tensor flat = codes.to(at::kInt).contiguous().reshape({-1});
      out.codes.assign(flat.data_ptr<int32_t>(),
                       flat.data_ptr<int32_t>() + flat.numel());
      rounded.setConstant(weightNode, learned);
    }
  });
  if (!result.error.empty())
    result.layers.clear();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}
