//===- AssignBits.cpp - dfq-assign-bits -----------------------------------===//
//
// Measures each layer's sensitivity to its weight bit width on the
// synthetic batch (ZeroQ's KL criterion) and picks the bits that minimize
// the summed sensitivity under a budget (Support/BitAllocation).
//
//===----------------------------------------------------------------------===//

#include "dfq/Calibration/GraphBuilder.h"
#include "dfq/Calibration/Passes.h"
#include "dfq/Calibration/Synthesis.h"
#include "dfq/Dialect/DfqOps.h"
#include "dfq/Runtime/Interpreter.h"
#include "dfq/Support/BitAllocation.h"
#include "dfq/Support/Requantization.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlir::dfq {
#define GEN_PASS_DEF_ASSIGNBITSPASS
#include "dfq/Calibration/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {

enum class BudgetKind { AvgBits, Size, Bops };

struct Budget {
  BudgetKind kind;
  double value;
  std::string text;
};

/// What the allocation needs to know of one layer.
struct Layer {
  Operation *op;
  int64_t weights = 0;        // P_i
  int64_t macsPerSample = 0;  // MAC_i
  int64_t activationBits = 8; // a_i
  int graphWeightNode = -1;
  /// Bits fixed before allocation (dfq-compensate-mpc, first/last layer).
  std::optional<int64_t> fixedBits;
  std::string fixedWhy;
  std::vector<int64_t> choices;
  std::vector<double> sensitivity; // per choice
};

std::optional<Budget> parseBudget(StringRef text) {
  auto [kind, value] = text.split(':');
  Budget budget{BudgetKind::AvgBits, 0, text.str()};
  if (kind == "avg-bits")
    budget.kind = BudgetKind::AvgBits;
  else if (kind == "size")
    budget.kind = BudgetKind::Size;
  else if (kind == "bops")
    budget.kind = BudgetKind::Bops;
  else
    return std::nullopt;
  if (value.getAsDouble(budget.value) || !(budget.value > 0) ||
      std::isinf(budget.value))
    return std::nullopt;
  return budget;
}

/// dfq-quantize's weight quantizer (per output channel, symmetric, `bits`
/// bits), dequantized again.
std::vector<float> fakeQuantizeWeights(const float *data,
                                       const std::vector<int64_t> &shape,
                                       int64_t bits) {
  int64_t channels = shape.front(), total = 1;
  for (int64_t d : shape)
    total *= d;
  int64_t perChannel = total / channels;
  int64_t qmax = (int64_t(1) << (bits - 1)) - 1, qmin = -qmax - 1;
  std::vector<float> result(total);
  for (int64_t o = 0; o < channels; ++o) {
    const float *w = data + o * perChannel;
    double maxAbs = 0;
    for (int64_t i = 0; i < perChannel; ++i)
      maxAbs = std::max<double>(maxAbs, std::abs(w[i]));
    double scale = maxAbs > 0 ? maxAbs / qmax : 1.0;
    for (int64_t i = 0; i < perChannel; ++i)
      result[o * perChannel + i] =
          dequantizeValue(quantizeValue(w[i], scale, 0, qmin, qmax), scale, 0);
  }
  return result;
}

/// Mean over the rows of KL(softmax(p) || softmax(q)), for logits [N, C].
double meanKlDivergence(const rt::Tensor &p, const rt::Tensor &q) {
  std::vector<int64_t> shape = p.shape();
  int64_t rows = shape.empty() ? 1 : shape.front();
  int64_t classes = p.numElements() / std::max<int64_t>(rows, 1);
  const float *a = p.dataF32(), *b = q.dataF32();
  auto logSumExp = [&](const float *x) {
    double m = *std::max_element(x, x + classes), sum = 0;
    for (int64_t c = 0; c < classes; ++c)
      sum += std::exp(double(x[c]) - m);
    return m + std::log(sum);
  };
  double total = 0;
  for (int64_t n = 0; n < rows; ++n) {
    const float *x = a + n * classes, *y = b + n * classes;
    double lx = logSumExp(x), ly = logSumExp(y), kl = 0;
    for (int64_t c = 0; c < classes; ++c) {
      double logP = x[c] - lx, logQ = y[c] - ly;
      kl += std::exp(logP) * (logP - logQ);
    }
    total += std::max(kl, 0.0);
  }
  return total / double(std::max<int64_t>(rows, 1));
}

struct AssignBitsPass
    : public mlir::dfq::impl::AssignBitsPassBase<AssignBitsPass> {
  using AssignBitsPassBase::AssignBitsPassBase;
  void runOnOperation() override;

  /// The cost of `bits` for `layer` in the budget's unit.
  int64_t cost(const Layer &layer, int64_t bits) const;
  /// A total cost in the budget's own terms ("avg-bits:3.52").
  std::string describe(int64_t total) const;

  Budget parsedBudget;
  int64_t totalWeights = 0;
};

} // namespace

int64_t AssignBitsPass::cost(const Layer &layer, int64_t bits) const {
  switch (parsedBudget.kind) {
  case BudgetKind::AvgBits:
    return layer.weights * bits;
  case BudgetKind::Size:
    return (layer.weights * bits + 7) / 8;
  case BudgetKind::Bops:
    return layer.macsPerSample * bits * layer.activationBits;
  }
  llvm_unreachable("budget kinds are covered");
}

std::string AssignBitsPass::describe(int64_t total) const {
  switch (parsedBudget.kind) {
  case BudgetKind::AvgBits:
    return llvm::formatv("avg-bits:{0:F4}", double(total) / totalWeights);
  case BudgetKind::Size:
    return "size:" + std::to_string(total);
  case BudgetKind::Bops:
    return "bops:" + std::to_string(total);
  }
  llvm_unreachable("budget kinds are covered");
}

void AssignBitsPass::runOnOperation() {
  ModuleOp module = getOperation();
  std::optional<Budget> budgetOrNone = parseBudget(budget);
  if (!budgetOrNone) {
    module.emitError("dfq-assign-bits: budget must be avg-bits:B, size:BYTES "
                     "or bops:N with a positive number, got '")
        << budget << "'";
    return signalPassFailure();
  }
  parsedBudget = *budgetOrNone;
  std::vector<int64_t> bitChoices(choices.begin(), choices.end());
  if (bitChoices.empty())
    bitChoices = {2, 3, 4, 6, 8};
  llvm::sort(bitChoices);
  if (llvm::any_of(bitChoices, [](int64_t b) { return b < 2 || b > 8; }) ||
      std::adjacent_find(bitChoices.begin(), bitChoices.end()) !=
          bitChoices.end()) {
    module.emitError("dfq-assign-bits: choices must be distinct bit widths "
                     "in [2, 8]");
    return signalPassFailure();
  }
  if (abits < 2 || abits > 8 ||
      (firstLastBits != 0 && (firstLastBits < 2 || firstLastBits > 8))) {
    module.emitError("dfq-assign-bits: abits must lie in [2, 8] and "
                     "first-last-bits be 0 or lie in [2, 8]");
    return signalPassFailure();
  }
  FailureOr<calib::CalibrationBatch> batch = calib::loadCalibrationBatch(
      module, "dfq-assign-bits",
      "sensitivities are measured on the synthetic batch");
  if (failed(batch))
    return signalPassFailure();
  func::FuncOp entry = batch->entry;
  calib::GraphFromIR *graph = &batch->graph;
  rt::Tensor &input = batch->input;

  // The logits: the returned value, or the input of a final softmax.
  Value logits = entry.getBody().front().getTerminator()->getOperand(0);
  if (auto softmax = logits.getDefiningOp<SoftmaxOp>())
    logits = softmax.getInput();
  std::vector<int> observe = {graph->nodeOf.lookup(logits)};

  // A target runs only some layer kinds and widths: the others stay float
  // (dfq-quantize leaves them too), and choices narrow to what it runs.
  TargetAttr target = TargetAttr::lookup(module);
  std::vector<Layer> layers;
  entry.walk([&](Operation *op) {
    if (!isa<Conv2DOp, GemmOp>(op))
      return;
    if (target && !target.getLayer(*classifyLayer(op)))
      return;
    Layer layer;
    layer.op = op;
    auto weightType = cast<RankedTensorType>(op->getOperand(1).getType());
    auto outType = cast<RankedTensorType>(op->getResult(0).getType());
    layer.weights = weightType.getNumElements();
    int64_t positions = 1;
    for (int64_t d : outType.getShape().drop_front(2))
      positions *= d;
    layer.macsPerSample = layer.weights * positions;
    layer.graphWeightNode = graph->nodeOf.lookup(op->getOperand(1));
    layers.push_back(layer);
  });
  if (layers.empty()) {
    module.emitError("dfq-assign-bits: the model has no conv2d or gemm layer");
    return signalPassFailure();
  }
  for (auto [index, layer] : llvm::enumerate(layers)) {
    totalWeights += layer.weights;
    bool edge = index == 0 || index + 1 == layers.size();
    layer.activationBits = edge && firstLastBits > 0 ? firstLastBits : abits;
    if (auto bits = layer.op->getAttrOfType<IntegerAttr>("dfq.weight_bits")) {
      layer.fixedBits = bits.getInt();
      layer.fixedWhy = "set before (dfq.weight_bits)";
    } else if (edge && firstLastBits > 0) {
      layer.fixedBits = firstLastBits;
      layer.fixedWhy = "first/last layer";
    }
    layer.choices =
        layer.fixedBits ? std::vector<int64_t>{*layer.fixedBits} : bitChoices;
    if (!target)
      continue;
    LayerSupportAttr support = target.getLayer(*classifyLayer(layer.op));
    if (layer.fixedBits && !support.allowsWeightBits(*layer.fixedBits)) {
      // A default edge width gives way to the widest the target runs.
      if (layer.fixedWhy == "first/last layer" && !firstLastBits.hasValue()) {
        layer.fixedBits = support.getWeightBits().back();
        layer.fixedWhy = "first/last layer, the widest target '" +
                         target.getName().str() + "' runs";
        layer.choices = {*layer.fixedBits};
        continue;
      }
      layer.op->emitError("dfq-assign-bits: target '")
          << target.getName() << "' does not run "
          << stringifyLayerKind(support.getKind()) << " layers with "
          << *layer.fixedBits << "-bit weights (" << layer.fixedWhy << ")";
      return signalPassFailure();
    }
    llvm::erase_if(layer.choices, [&](int64_t bits) {
      return !support.allowsWeightBits(bits);
    });
    if (layer.choices.empty()) {
      layer.op->emitError("dfq-assign-bits: target '")
          << target.getName() << "' runs "
          << stringifyLayerKind(support.getKind())
          << " layers with none of the bit choices";
      return signalPassFailure();
    }
  }

  // Sensitivities: one forward per (free layer, choice).
  rt::setEngineThreads(threads);
  calib::ForwardResult reference = calib::forward(graph->graph, input, observe);
  if (!reference.ok()) {
    entry.emitError("dfq-assign-bits: ") << reference.error;
    return signalPassFailure();
  }
  for (Layer &layer : layers) {
    if (layer.fixedBits) {
      layer.sensitivity = {0.0};
      continue;
    }
    calib::Node &weightNode = graph->graph.nodes[layer.graphWeightNode];
    rt::Tensor original = weightNode.value;
    for (int64_t bits : layer.choices) {
      std::vector<float> quantized =
          fakeQuantizeWeights(original.dataF32(), original.shape(), bits);
      weightNode.value =
          rt::Tensor::fromF32(original.shape(), quantized.data());
      calib::ForwardResult result =
          calib::forward(graph->graph, input, observe);
      if (!result.ok()) {
        layer.op->emitError("dfq-assign-bits: ") << result.error;
        return signalPassFailure();
      }
      layer.sensitivity.push_back(
          meanKlDivergence(reference.observed[0], result.observed[0]));
    }
    weightNode.value = original;
  }

  // The allocation.
  std::vector<std::vector<BitChoice>> problem;
  for (const Layer &layer : layers) {
    std::vector<BitChoice> options;
    for (auto [bits, omega] : llvm::zip_equal(layer.choices, layer.sensitivity))
      options.push_back({bits, cost(layer, bits), omega});
    problem.push_back(std::move(options));
  }
  double limitValue = parsedBudget.kind == BudgetKind::AvgBits
                          ? parsedBudget.value * double(totalWeights)
                          : parsedBudget.value;
  int64_t limit = limitValue >= double(std::numeric_limits<int64_t>::max())
                      ? std::numeric_limits<int64_t>::max()
                      : static_cast<int64_t>(std::floor(limitValue));
  BitAllocation allocation = allocateBits(problem, limit);
  if (!allocation.ok()) {
    int64_t cheapest = 0;
    for (const std::vector<BitChoice> &options : problem) {
      int64_t min = std::numeric_limits<int64_t>::max();
      for (const BitChoice &c : options)
        min = std::min(min, c.cost);
      cheapest += min;
    }
    if (cheapest > limit)
      module.emitError("dfq-assign-bits: budget ")
          << parsedBudget.text << " is infeasible: the least allocation ("
          << "every free layer at " << bitChoices.front() << " bits) needs "
          << describe(cheapest);
    else
      module.emitError("dfq-assign-bits: ") << allocation.error;
    return signalPassFailure();
  }

  Builder b(&getContext());
  for (auto [layer, index] : llvm::zip_equal(layers, allocation.choice)) {
    int64_t bits = layer.choices[index];
    // A target may have narrowed the layer's choices.
    std::string choiceList;
    for (int64_t choice : layer.choices)
      choiceList += (choiceList.empty() ? "" : ",") + std::to_string(choice);
    std::string reason =
        layer.fixedBits
            ? llvm::formatv("dfq-assign-bits: {0} bits, {1}", bits,
                            layer.fixedWhy)
                  .str()
            : llvm::formatv("dfq-assign-bits: {0} bits of {{{1}} under {2}; "
                            "sensitivity {3:e} (KL on the synthetic batch)",
                            bits, choiceList, parsedBudget.text,
                            layer.sensitivity[index])
                  .str();
    if (!layer.fixedBits) {
      layer.op->setAttr("dfq.weight_bits", b.getI64IntegerAttr(bits));
      layer.op->setAttr("dfq.sensitivity",
                        b.getDenseF64ArrayAttr(layer.sensitivity));
      layer.op->setAttr("dfq.bits_reason", b.getStringAttr(reason));
    } else if (!layer.op->hasAttr("dfq.weight_bits")) {
      layer.op->setAttr("dfq.weight_bits", b.getI64IntegerAttr(bits));
      layer.op->setAttr("dfq.bits_reason", b.getStringAttr(reason));
    }
    layer.op->emitRemark("'") << getLayerName(layer.op) << "': " << reason;
  }
  module->setAttr("dfq.bit_budget", b.getStringAttr(parsedBudget.text));
  module->setAttr("dfq.bit_choices", b.getDenseI64ArrayAttr(bitChoices));
  module.emitRemark("dfq-assign-bits: ")
      << describe(allocation.cost) << " of " << parsedBudget.text
      << ", summed sensitivity "
      << llvm::formatv("{0:e}", allocation.sensitivity);
}
