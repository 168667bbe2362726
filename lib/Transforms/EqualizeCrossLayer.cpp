//===- EqualizeCrossLayer.cpp - dfq-equalize ------------------------------===//
//
// Cross-layer equalization and bias absorption (Nagel et al., ICCV 2019).
// The rules are in Passes.td. Every constant a pair touches is read once
// into doubles, all sweeps run on those, and each changed constant is
// written back once, so the rewritten model differs from the original by
// one float rounding per value.
//
//===----------------------------------------------------------------------===//

#include "dfq/Transforms/FloatConstants.h"

#include "dfq/Dialect/DfqOps.h"
#include "dfq/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

namespace mlir::dfq {
#define GEN_PASS_DEF_EQUALIZECROSSLAYERPASS
#include "dfq/Transforms/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {

/// A dfq.conv2d or dfq.gemm whose weight and bias are held as doubles.
/// Weights are `[O, C/G, K...]` (a gemm is one group with a 1-element
/// kernel), so the weights reading input channel `i` are column
/// `i mod inPerGroup` of the output channels of group `i div inPerGroup`.
struct Layer {
  Operation *op = nullptr;
  FloatConstant weight;
  /// The bias operand's constant, if the layer has one.
  std::optional<FloatConstant> bias;
  /// The bias values; zeros when the layer has none yet.
  SmallVector<double> biasValues;
  int64_t outChannels = 0, inPerGroup = 0, outPerGroup = 0, kernel = 0;
  bool weightChanged = false, biasChanged = false;

  int64_t rowSize() const { return inPerGroup * kernel; }

  /// Calls `f(index)` for every weight that reads input channel `i`.
  template <typename F> void forEachWeightReading(int64_t i, F f) const {
    int64_t group = i / inPerGroup, column = i % inPerGroup;
    for (int64_t o = group * outPerGroup; o < (group + 1) * outPerGroup; ++o)
      for (int64_t k = 0; k < kernel; ++k)
        f((o * inPerGroup + column) * kernel + k, o);
  }
};

/// A dfq.batch_norm between the two layers of a pair.
struct BatchNorm {
  BatchNormOp op;
  FloatConstant gamma, beta;
  /// sqrt(variance + epsilon), which equalization never changes.
  SmallVector<double> sigma;
  bool changed = false;
};

struct Pair {
  Layer *first = nullptr;
  BatchNorm *batchNorm = nullptr;  // null: layer1 feeds the activation
  Operation *activation = nullptr; // null: no activation
  Layer *second = nullptr;
  /// Product of the factors applied to each channel so far.
  SmallVector<double> totalScale;
};

/// The ops of a chain, before any constant is read.
struct Chain {
  Operation *first = nullptr;
  BatchNormOp batchNorm;
  Operation *activation = nullptr;
  Operation *second = nullptr;
};

/// The only sweep-to-sweep change still considered progress.
constexpr double kTolerance = 1e-4;

bool isLayer(Operation *op) { return isa<Conv2DOp, GemmOp>(op); }

/// Whether `user` could continue a chain that reached `value`: a remark for
/// a value with several users is only worth giving when one of them might
/// have formed a pair.
bool continuesChain(Operation *user, Value value) {
  if (isa<BatchNormOp, ReluOp, ClipOp>(user))
    return true;
  return isLayer(user) && user->getOperand(0) == value;
}

/// The state of one run on one function: every constant a pair touches,
/// held as doubles until written back.
class Equalizer {
public:
  Equalizer(double maxScale, bool relu6AsRelu)
      : maxScale(maxScale), relu6AsRelu(relu6AsRelu) {}

  std::optional<Chain> matchChain(Operation *layer);
  FailureOr<Layer *> loadLayer(Operation *op);
  FailureOr<BatchNorm *> loadBatchNorm(BatchNormOp op);
  /// One sweep's rescaling of `pair`; returns the largest |s_i - 1|.
  double equalize(Pair &pair);
  /// Bias absorption; returns whether any channel of `pair` was shifted.
  bool absorb(Pair &pair);
  /// Writes the changed constants back and erases the ones replaced.
  void writeBack();

private:
  void noteReplaced(Value constant) {
    if (auto op = constant.getDefiningOp<arith::ConstantOp>())
      replaced.insert(op);
  }

  double maxScale;
  bool relu6AsRelu;
  llvm::MapVector<Operation *, std::unique_ptr<Layer>> layers;
  llvm::MapVector<Operation *, std::unique_ptr<BatchNorm>> batchNorms;
  /// Layers already refused (with a remark), so that a layer in two chains
  /// is explained once.
  llvm::DenseSet<Operation *> refused;
  /// Constants replaced by new ones, erased at the end if unused.
  llvm::SetVector<Operation *> replaced;
};

struct EqualizeCrossLayerPass
    : public dfq::impl::EqualizeCrossLayerPassBase<EqualizeCrossLayerPass> {
  using EqualizeCrossLayerPassBase::EqualizeCrossLayerPassBase;
  void runOnOperation() override;
};

} // namespace

/// Follows `layer`'s result through an optional batch_norm and an optional
/// ReLU-like op to the next layer. Returns nothing when there is no such
/// chain; a chain that exists but cannot be rescaled safely gets a remark at
/// the op responsible.
std::optional<Chain> Equalizer::matchChain(Operation *layer) {
  Chain chain;
  chain.first = layer;
  Value value = layer->getResult(0);
  // The single user of `value`, or null (with a remark when one of several
  // users would have continued the chain).
  auto onlyUser = [&](Value v) -> Operation * {
    if (v.use_empty())
      return nullptr;
    if (v.hasOneUse())
      return *v.getUsers().begin();
    if (llvm::any_of(v.getUsers(),
                     [&](Operation *u) { return continuesChain(u, v); }))
      v.getDefiningOp()->emitRemark("dfq-equalize skips '")
          << getLayerName(layer) << "': this result has "
          << std::distance(v.getUses().begin(), v.getUses().end())
          << " users, which would all see the rescaled channels";
    return nullptr;
  };

  Operation *user = onlyUser(value);
  if (!user)
    return std::nullopt;
  if (auto bn = dyn_cast<BatchNormOp>(user)) {
    chain.batchNorm = bn;
    value = bn.getResult();
    if (!(user = onlyUser(value)))
      return std::nullopt;
  }
  if (isa<ReluOp, ClipOp>(user)) {
    chain.activation = user;
    value = user->getResult(0);
    if (!(user = onlyUser(value)))
      return std::nullopt;
  }
  if (!isLayer(user) || user->getOperand(0) != value ||
      layer->getName() != user->getName())
    return std::nullopt;
  chain.second = user;

  if (auto clip = dyn_cast_if_present<ClipOp>(chain.activation)) {
    double lo = clip.getMin().convertToDouble();
    double hi = clip.getMax().convertToDouble();
    bool reluLike = lo == 0.0 && std::isinf(hi) && hi > 0;
    bool replaceable = lo == 0.0 && !reluLike;
    if (!reluLike && !(replaceable && relu6AsRelu)) {
      InFlightDiagnostic remark =
          clip.emitRemark("dfq-equalize skips '")
          << getLayerName(layer) << "' -> '" << getLayerName(chain.second)
          << "': "
          << llvm::formatv("a clip to [{0}, {1}] does not commute with "
                           "scaling its input",
                           lo, hi);
      if (replaceable)
        remark << " (relu6-as-relu=true would replace it by a ReLU, which "
                  "changes the float model)";
      return std::nullopt;
    }
  }
  return chain;
}

FailureOr<Layer *> Equalizer::loadLayer(Operation *op) {
  auto it = layers.find(op);
  if (it != layers.end())
    return it->second.get();
  if (refused.contains(op))
    return failure();
  std::string why;
  if (op->hasAttr("dfq.weight_grid")) {
    refused.insert(op);
    op->emitRemark("dfq-equalize leaves '")
        << getLayerName(op)
        << "' alone: its weights are on a DF-MPC grid (dfq.weight_grid) that "
           "rescaling would break; run dfq-equalize before "
           "dfq-compensate-mpc";
    return failure();
  }
  auto type = cast<RankedTensorType>(op->getOperand(1).getType());
  if (type.getNumElements() == 0)
    return failure(); // nothing to balance
  auto layer = std::make_unique<Layer>();
  layer->op = op;
  FailureOr<FloatConstant> weight =
      readFloatConstant(op->getOperand(1), "its weight", why);
  if (succeeded(weight) && op->getNumOperands() > 2) {
    FailureOr<FloatConstant> bias =
        readFloatConstant(op->getOperand(2), "its bias", why);
    if (failed(bias))
      weight = failure();
    else
      layer->bias = std::move(*bias);
  }
  if (failed(weight)) {
    refused.insert(op);
    op->emitRemark("dfq-equalize leaves '")
        << getLayerName(op) << "' alone: " << why;
    return failure();
  }
  layer->weight = std::move(*weight);
  layer->outChannels = type.getDimSize(0);
  layer->inPerGroup = type.getDimSize(1);
  layer->kernel =
      type.getNumElements() / (type.getDimSize(0) * type.getDimSize(1));
  int64_t groups = 1;
  if (auto conv = dyn_cast<Conv2DOp>(op))
    groups = conv.getGroups();
  layer->outPerGroup = layer->outChannels / groups;
  if (layer->bias)
    layer->biasValues = layer->bias->values;
  else
    layer->biasValues.assign(layer->outChannels, 0.0);
  Layer *result = layer.get();
  layers.insert({op, std::move(layer)});
  return result;
}

FailureOr<BatchNorm *> Equalizer::loadBatchNorm(BatchNormOp op) {
  std::string why;
  auto bn = std::make_unique<BatchNorm>();
  bn->op = op;
  FailureOr<FloatConstant> gamma, beta, variance;
  if (failed(gamma = readFloatConstant(op.getScale(), "its scale", why)) ||
      failed(beta = readFloatConstant(op.getBias(), "its bias", why)) ||
      failed(variance =
                 readFloatConstant(op.getVariance(), "its variance", why))) {
    op.emitRemark("dfq-equalize leaves this batch_norm alone: ") << why;
    return failure();
  }
  bn->gamma = std::move(*gamma);
  bn->beta = std::move(*beta);
  double epsilon = op.getEpsilon().convertToDouble();
  for (double v : variance->values)
    bn->sigma.push_back(std::sqrt(v + epsilon));
  BatchNorm *result = bn.get();
  batchNorms.insert({op, std::move(bn)});
  return result;
}

double Equalizer::equalize(Pair &pair) {
  Layer &first = *pair.first, &second = *pair.second;
  int64_t row = first.rowSize();
  double largestChange = 0.0;
  for (int64_t i = 0; i < first.outChannels; ++i) {
    double r1 = 0.0;
    for (int64_t j = i * row; j < (i + 1) * row; ++j)
      r1 = std::max(r1, std::abs(first.weight.values[j]));
    if (pair.batchNorm)
      r1 *=
          std::abs(pair.batchNorm->gamma.values[i]) / pair.batchNorm->sigma[i];
    double r2 = 0.0;
    second.forEachWeightReading(i, [&](int64_t j, int64_t) {
      r2 = std::max(r2, std::abs(second.weight.values[j]));
    });
    // A dead channel or dead column has nothing to balance; a zero or NaN
    // variance would make r1 meaningless.
    double s = std::sqrt(r1 / r2);
    if (!(r1 > 0.0) || !(r2 > 0.0) || !std::isfinite(s))
      continue;
    double total =
        std::clamp(pair.totalScale[i] * s, 1.0 / maxScale, double(maxScale));
    s = total / pair.totalScale[i];
    pair.totalScale[i] = total;
    if (s == 1.0)
      continue;
    largestChange = std::max(largestChange, std::abs(s - 1.0));

    if (BatchNorm *bn = pair.batchNorm) {
      // Scaling gamma and beta scales the normalized output and keeps the
      // running statistics, which data-free synthesis fits images to.
      bn->gamma.values[i] /= s;
      bn->beta.values[i] /= s;
      bn->changed = true;
    } else {
      for (int64_t j = i * row; j < (i + 1) * row; ++j)
        first.weight.values[j] /= s;
      first.biasValues[i] /= s;
      first.weightChanged = true;
      first.biasChanged |= first.bias.has_value();
    }
    second.forEachWeightReading(
        i, [&](int64_t j, int64_t) { second.weight.values[j] *= s; });
    second.weightChanged = true;
  }
  return largestChange;
}

bool Equalizer::absorb(Pair &pair) {
  // Nagel et al. absorb only behind a ReLU, and only BatchNorm statistics
  // say how far below the bias the pre-activation may go.
  if (!pair.batchNorm || !isa_and_present<ReluOp, ClipOp>(pair.activation))
    return false;
  // layer2 must add W2 * c at every output position: zero padding would
  // feed it 0 instead of -c at the borders.
  if (auto conv = dyn_cast<Conv2DOp>(pair.second->op))
    if (llvm::any_of(conv.getPads(), [](int64_t p) { return p != 0; }))
      return false;
  BatchNorm &bn = *pair.batchNorm;
  Layer &second = *pair.second;
  bool absorbed = false;
  for (int64_t i = 0; i < pair.first->outChannels; ++i) {
    double c =
        std::max(0.0, bn.beta.values[i] - 3.0 * std::abs(bn.gamma.values[i]));
    if (!(c > 0.0))
      continue;
    bn.beta.values[i] -= c;
    bn.changed = true;
    second.forEachWeightReading(i, [&](int64_t j, int64_t o) {
      second.biasValues[o] += second.weight.values[j] * c;
    });
    second.biasChanged = true;
    absorbed = true;
  }
  return absorbed;
}

/// A new constant holding `values`, in the storage form of `original`,
/// placed where `old` is defined (before `user` for a block argument or a
/// value that does not exist yet), so that a rewritten function keeps its
/// constants where they were.
static Value newConstant(Value old, Operation *user, RankedTensorType type,
                         ArrayRef<double> values, ElementsAttr original,
                         StringRef blobName) {
  OpBuilder builder(user);
  Operation *def = old ? old.getDefiningOp() : nullptr;
  if (def)
    builder.setInsertionPoint(def);
  return createFloatConstant(builder, old ? old.getLoc() : user->getLoc(), type,
                             values, original, blobName);
}

void Equalizer::writeBack() {
  for (auto &[op, layer] : layers) {
    Value weight = op->getOperand(1);
    auto weightType = cast<RankedTensorType>(weight.getType());
    if (layer->weightChanged) {
      op->setOperand(
          1, newConstant(weight, op, weightType, layer->weight.values,
                         layer->weight.attr,
                         derivedBlobName(layer->weight.attr, "equalized")));
      noteReplaced(weight);
    }
    if (!layer->biasChanged)
      continue;
    auto biasType = RankedTensorType::get({layer->outChannels},
                                          weightType.getElementType());
    if (layer->bias) {
      Value bias = op->getOperand(2);
      op->setOperand(
          2,
          newConstant(bias, op, biasType, layer->biasValues, layer->bias->attr,
                      derivedBlobName(layer->bias->attr, "equalized")));
      noteReplaced(bias);
    } else {
      // A bias created for absorption sits by the weight and takes its
      // storage form.
      op->insertOperands(2, newConstant(op->getOperand(1), op, biasType,
                                        layer->biasValues, layer->weight.attr,
                                        derivedBlobName(layer->weight.attr,
                                                        "equalized_bias")));
    }
  }
  for (auto &[op, bn] : batchNorms) {
    if (!bn->changed)
      continue;
    BatchNormOp bnOp = bn->op;
    auto type = cast<RankedTensorType>(bnOp.getScale().getType());
    Value gamma = bnOp.getScale(), beta = bnOp.getBias();
    bnOp.getScaleMutable().set(
        newConstant(gamma, op, type, bn->gamma.values, bn->gamma.attr,
                    derivedBlobName(bn->gamma.attr, "equalized")));
    bnOp.getBiasMutable().set(
        newConstant(beta, op, type, bn->beta.values, bn->beta.attr,
                    derivedBlobName(bn->beta.attr, "equalized")));
    noteReplaced(gamma);
    noteReplaced(beta);
  }
  for (Operation *constant : replaced)
    if (constant->use_empty())
      constant->erase();
}

void EqualizeCrossLayerPass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (iterations < 1) {
    func.emitError("dfq-equalize: iterations must be at least 1, got ")
        << int64_t(iterations);
    return signalPassFailure();
  }
  if (!(maxScale >= 1.0) || std::isinf(maxScale)) {
    func.emitError("dfq-equalize: max-scale must be finite and at least 1, "
                   "got ")
        << double(maxScale);
    return signalPassFailure();
  }
  Equalizer equalizer(maxScale, relu6AsRelu);

  SmallVector<Operation *> candidates;
  func.walk([&](Operation *op) {
    if (isLayer(op))
      candidates.push_back(op);
  });
  SmallVector<Pair> pairs;
  for (Operation *op : candidates) {
    std::optional<Chain> chain = equalizer.matchChain(op);
    if (!chain)
      continue;
    FailureOr<Layer *> first = equalizer.loadLayer(chain->first);
    FailureOr<Layer *> second = equalizer.loadLayer(chain->second);
    FailureOr<BatchNorm *> bn = nullptr;
    if (chain->batchNorm)
      bn = equalizer.loadBatchNorm(chain->batchNorm);
    if (failed(first) || failed(second) || failed(bn))
      continue;
    Pair pair;
    pair.first = *first;
    pair.batchNorm = *bn;
    pair.activation = chain->activation;
    pair.second = *second;
    pair.totalScale.assign((*first)->outChannels, 1.0);
    pairs.push_back(std::move(pair));
  }

  // A layer in two pairs is rescaled on both sides, which moves the other
  // pair off balance; sweeping again converges (Nagel et al., §4.1).
  for (int64_t sweep = 0; sweep < iterations; ++sweep) {
    double largestChange = 0.0;
    for (Pair &pair : pairs)
      largestChange = std::max(largestChange, equalizer.equalize(pair));
    if (largestChange < kTolerance)
      break;
  }
  int64_t absorbed = 0;
  if (absorbBias)
    for (Pair &pair : pairs)
      absorbed += equalizer.absorb(pair) ? 1 : 0;
  numBiasesAbsorbed += absorbed;
  numPairsEqualized += pairs.size();
  if (summary)
    getOperation().emitRemark("dfq-equalize: ")
        << pairs.size() << " layer pairs equalized, " << absorbed
        << " with a bias absorbed";

  equalizer.writeBack();
  // Replace the clips last: pairs hold them as their activation.
  if (relu6AsRelu)
    for (Pair &pair : pairs)
      if (auto clip = dyn_cast_if_present<ClipOp>(pair.activation);
          clip && !std::isinf(clip.getMax().convertToDouble())) {
        OpBuilder builder(clip);
        Value relu = ReluOp::create(builder, clip.getLoc(), clip.getInput());
        clip.getResult().replaceAllUsesWith(relu);
        clip.erase();
      }
}
