//===- CalibrateRanges.cpp - dfq-calibrate-ranges -------------------------===//
//
// Runs the network on calibration images in batches, accumulates each
// activation's range (and, for the percentile and MSE observers, a
// deterministic subsample of its values), and writes the chosen range onto
// the op that computes the activation.
//
//===----------------------------------------------------------------------===//

#include "dfq/Calibration/GraphBuilder.h"
#include "dfq/Calibration/Passes.h"
#include "dfq/Calibration/Synthesis.h"
#include "dfq/Dialect/DfqOps.h"
#include "dfq/Runtime/Interpreter.h"
#include "dfq/Support/DatasetIO.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlir::dfq {
#define GEN_PASS_DEF_CALIBRATERANGESPASS
#include "dfq/Calibration/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {

/// At most this many values of one activation are kept per batch.
constexpr int64_t kSampleBudgetPerBatch = 1 << 16;

struct RangeAccumulator {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  std::vector<float> sample;

  void add(const float *values, int64_t count, bool keepSample) {
    // Independent lanes, so that the compiler vectorizes the scan (a single
    // running min/max is a serial dependency it may not reorder). NaNs are
    // skipped: `v < l` is false for them.
    constexpr int64_t kLanes = 16;
    float laneLo[kLanes], laneHi[kLanes];
    std::fill(laneLo, laneLo + kLanes, std::numeric_limits<float>::infinity());
    std::fill(laneHi, laneHi + kLanes, -std::numeric_limits<float>::infinity());
    int64_t i = 0;
    for (; i + kLanes <= count; i += kLanes)
      for (int64_t j = 0; j < kLanes; ++j) {
        float v = values[i + j];
        laneLo[j] = v < laneLo[j] ? v : laneLo[j];
        laneHi[j] = v > laneHi[j] ? v : laneHi[j];
      }
    for (int64_t j = 0; i < count; ++i, ++j) {
      float v = values[i];
      laneLo[j] = v < laneLo[j] ? v : laneLo[j];
      laneHi[j] = v > laneHi[j] ? v : laneHi[j];
    }
    for (int64_t j = 0; j < kLanes; ++j) {
      lo = std::min<double>(lo, laneLo[j]);
      hi = std::max<double>(hi, laneHi[j]);
    }
    if (!keepSample)
      return;
    int64_t stride = std::max<int64_t>(1, count / kSampleBudgetPerBatch);
    for (int64_t i = 0; i < count; i += stride)
      sample.push_back(values[i]);
  }
};

/// The value at quantile `q` of `values` (sorted in place), interpolated.
double quantile(std::vector<float> &values, double q) {
  std::sort(values.begin(), values.end());
  double position = q * (values.size() - 1);
  size_t below = static_cast<size_t>(std::floor(position));
  size_t above = std::min(below + 1, values.size() - 1);
  double fraction = position - below;
  return values[below] * (1 - fraction) + values[above] * fraction;
}

/// Sum of |x - q(x)|^2.4 for `bits`-bit asymmetric quantization of [lo, hi]
/// (the range is first widened to hold 0, as the quantizer will).
double quantizationError(const std::vector<float> &values, double lo, double hi,
                         int64_t bits) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  double levels = std::ldexp(1.0, bits) - 1;
  double scale = (hi - lo) / levels;
  if (!(scale > 0))
    return 0;
  double zero = std::nearbyint(-lo / scale);
  double error = 0;
  for (float x : values) {
    double q = std::clamp(std::nearbyint(x / scale) + zero, 0.0, levels);
    error += std::pow(std::abs(x - scale * (q - zero)), 2.4);
  }
  return error;
}

/// Sum of |x - q(x)|^2.4 for `bits`-bit quantization of [lo, hi] (widened
/// to hold 0) at exactly `scale`, signed or not, with dfq-quantize's zero
/// point.
double quantizationErrorAtScale(const std::vector<float> &values, double lo,
                                double hi, double scale, int64_t bits,
                                bool isSigned, bool symmetric) {
  lo = std::min(lo, 0.0);
  double qmin = isSigned ? -std::ldexp(1.0, bits - 1) : 0.0;
  double qmax =
      isSigned ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
  double zero =
      symmetric ? 0.0
                : std::clamp(qmin + std::nearbyint(-lo / scale), qmin, qmax);
  double error = 0;
  for (float x : values) {
    double q = std::clamp(std::nearbyint(x / scale) + zero, qmin, qmax);
    error += std::pow(std::abs(x - scale * (q - zero)), 2.4);
  }
  return error;
}

struct CalibrateRangesPass
    : public mlir::dfq::impl::CalibrateRangesPassBase<CalibrateRangesPass> {
  using CalibrateRangesPassBase::CalibrateRangesPassBase;
  void runOnOperation() override;

  FailureOr<std::pair<FloatArray, std::string>>
  loadImages(ModuleOp module, ArrayRef<int64_t> sampleShape);
  std::pair<double, double> choose(RangeAccumulator &acc);
  std::pair<double, double> choosePowerOfTwo(RangeAccumulator &acc);

  /// The module's target, when its activation scales must be powers of two.
  TargetAttr pow2Target;
};

} // namespace

FailureOr<std::pair<FloatArray, std::string>>
CalibrateRangesPass::loadImages(ModuleOp module,
                                ArrayRef<int64_t> sampleShape) {
  FloatArray images;
  std::string source;
  if (!dataPath.empty()) {
    StringRef path = dataPath;
    if (path.ends_with(".npy")) {
      llvm::Expected<FloatArray> array = readNpy(path);
      if (!array) {
        module.emitError("dfq-calibrate-ranges: ")
            << llvm::toString(array.takeError());
        return failure();
      }
      images = std::move(*array);
    } else {
      llvm::Expected<ByteArray> bytes = readIdxFile(path);
      if (!bytes) {
        module.emitError("dfq-calibrate-ranges: ")
            << llvm::toString(bytes.takeError());
        return failure();
      }
      if (!(std > 0)) {
        module.emitError("dfq-calibrate-ranges: std must be positive");
        return failure();
      }
      images = normalizeImages(*bytes, mean, std);
    }
    source = "real";
  } else {
    auto data = module->getAttrOfType<DenseF32ResourceElementsAttr>(
        "dfq.calibration_data");
    if (!data) {
      module.emitError("dfq-calibrate-ranges: no calibration images: run "
                       "dfq-synthesize first, or pass data=PATH");
      return failure();
    }
    std::optional<ArrayRef<float>> values = data.tryGetAsArrayRef();
    if (!values) {
      module.emitError("dfq-calibrate-ranges: the data of "
                       "dfq.calibration_data is not available (elided?)");
      return failure();
    }
    images.shape = data.getType().getShape().vec();
    images.data.assign(values->begin(), values->end());
    auto sourceAttr =
        module->getAttrOfType<StringAttr>("dfq.calibration_source");
    source = sourceAttr ? sourceAttr.str() : "synthetic";
  }
  int64_t sampleSize = 1;
  for (int64_t d : sampleShape)
    sampleSize *= d;
  if (images.shape.empty() || images.shape[0] == 0 ||
      images.numElements() / images.shape[0] != sampleSize) {
    std::string shape;
    for (int64_t d : images.shape)
      shape += (shape.empty() ? "" : ", ") + std::to_string(d);
    module.emitError("dfq-calibrate-ranges: calibration images [")
        << shape << "] do not match the model input's per-sample size "
        << sampleSize;
    return failure();
  }
  if (source == "real" && images.shape[0] > limit) {
    images.shape[0] = limit;
    images.data.resize(limit * sampleSize);
  }
  // Feed the model's own per-sample shape (e.g. [N, 784] for an MLP that
  // takes flat images).
  images.shape.resize(1);
  images.shape.insert(images.shape.end(), sampleShape.begin(),
                      sampleShape.end());
  return std::make_pair(std::move(images), source);
}

std::pair<double, double> CalibrateRangesPass::choose(RangeAccumulator &acc) {
  if (observer == "percentile" && !acc.sample.empty()) {
    double p = percentile / 100.0;
    double lo = quantile(acc.sample, 1 - p), hi = quantile(acc.sample, p);
    return {std::max(lo, acc.lo), std::min(hi, acc.hi)};
  }
  if (observer == "mse" && !acc.sample.empty() && pow2Target)
    return choosePowerOfTwo(acc);
  if (observer == "mse" && !acc.sample.empty()) {
    double best = std::numeric_limits<double>::infinity();
    std::pair<double, double> range = {acc.lo, acc.hi};
    for (int i = 0; i < 80; ++i) {
      double shrink = 1 - 0.01 * i;
      double error =
          quantizationError(acc.sample, acc.lo * shrink, acc.hi * shrink, bits);
      if (error < best) {
        best = error;
        range = {acc.lo * shrink, acc.hi * shrink};
      }
    }
    return range;
  }
  return {acc.lo, acc.hi};
}

/// A power-of-two target rounds every activation scale to a power of two;
/// the MSE observer then chooses among the powers of two at and below the
/// min-max scale, and returns a range whose scale dfq-quantize maps to the
/// chosen one (a hair below it, so that rounding up lands on it).
std::pair<double, double>
CalibrateRangesPass::choosePowerOfTwo(RangeAccumulator &acc) {
  bool isSigned = pow2Target.getActSigned();
  bool symmetric = pow2Target.getSymmetricActs();
  double lo = std::min(acc.lo, 0.0), hi = std::max(acc.hi, 0.0);
  double qmax =
      isSigned ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
  double qmin = isSigned ? -std::ldexp(1.0, bits - 1) : 0.0;
  double minMaxScale =
      symmetric ? std::max(-lo, hi) / qmax : (hi - lo) / (qmax - qmin);
  if (!(minMaxScale > 0) || !std::isfinite(minMaxScale))
    return {acc.lo, acc.hi};
  int ceiling = int(std::ceil(std::log2(minMaxScale)));
  double best = std::numeric_limits<double>::infinity(), bestScale = 0;
  for (int k = ceiling; k >= ceiling - 4; --k) {
    double scale = std::ldexp(1.0, k);
    double error = quantizationErrorAtScale(acc.sample, lo, hi, scale, bits,
                                            isSigned, symmetric);
    if (error < best) {
      best = error;
      bestScale = scale;
    }
  }
  double shrink = std::min(1.0, bestScale / minMaxScale * (1 - 1e-9));
  return {acc.lo * shrink, acc.hi * shrink};
}

void CalibrateRangesPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (TargetAttr target = TargetAttr::lookup(module);
      target && target.requiresPowerOfTwoScales())
    pow2Target = target;
  if (observer != "minmax" && observer != "percentile" && observer != "mse") {
    module.emitError("dfq-calibrate-ranges: unknown observer '")
        << observer << "' (expected minmax, percentile or mse)";
    return signalPassFailure();
  }
  if (!std::isnan(inputMin) && !std::isnan(inputMax) &&
      !(inputMin < inputMax)) {
    module.emitError("dfq-calibrate-ranges: input-min must be below input-max");
    return signalPassFailure();
  }
  if (limit <= 0 || batch <= 0 || bits < 2 || bits > 8 || percentile <= 50 ||
      percentile > 100) {
    module.emitError("dfq-calibrate-ranges: invalid options: limit and batch "
                     "must be positive, bits in [2, 8], percentile in "
                     "(50, 100]");
    return signalPassFailure();
  }
  func::FuncOp entry = findEntryFunction(module);
  if (!entry) {
    module.emitError("dfq-calibrate-ranges: the module has no @main function "
                     "and more than one function");
    return signalPassFailure();
  }
  FailureOr<calib::GraphFromIR> graph = calib::buildGraph(entry);
  if (failed(graph))
    return signalPassFailure();
  auto loaded = loadImages(module, graph->sampleShape);
  if (failed(loaded))
    return signalPassFailure();
  FloatArray &images = loaded->first;

  // Observe the input and every op result, in op order.
  SmallVector<Value> observedValues = {entry.getArgument(0)};
  for (Operation &op : entry.getBody().front())
    if (isa<DfqDialect>(op.getDialect()) && op.getNumResults() == 1)
      observedValues.push_back(op.getResult(0));
  std::vector<int> nodes;
  for (Value value : observedValues)
    nodes.push_back(graph->nodeOf.lookup(value));
  std::vector<RangeAccumulator> ranges(nodes.size());
  bool keepSample = observer != "minmax";

  rt::setEngineThreads(threads);
  int64_t count = images.shape[0];
  int64_t sampleSize = images.numElements() / count;
  // A model exported with a static batch (reshapes that spell it out) runs
  // that many images at a time; a tail that does not fill one is left out.
  int64_t step = batch;
  auto inputType = cast<RankedTensorType>(entry.getArgument(0).getType());
  if (inputType.getRank() > 0 && !inputType.isDynamicDim(0)) {
    step = inputType.getDimSize(0);
    if (step > count) {
      module.emitError("dfq-calibrate-ranges: the model's input has a static "
                       "batch of ")
          << step << " but only " << count
          << " calibration images are given (make the batch dynamic with "
             "--input-shape ?x...)";
      return signalPassFailure();
    }
    count -= count % step;
  }
  for (int64_t first = 0; first < count; first += step) {
    int64_t n = std::min<int64_t>(step, count - first);
    std::vector<int64_t> shape = images.shape;
    shape[0] = n;
    rt::Tensor input =
        rt::Tensor::fromF32(shape, images.data.data() + first * sampleSize);
    // Ranges accumulate as the values are computed: a network's activations
    // of a whole batch never have to be held at once.
    std::string error = calib::forwardObserving(
        graph->graph, input, nodes, [&](size_t i, const rt::Tensor &value) {
          ranges[i].add(value.dataF32(), value.numElements(), keepSample);
        });
    if (!error.empty()) {
      entry.emitError("dfq-calibrate-ranges: ") << error;
      return signalPassFailure();
    }
  }

  Builder b(&getContext());
  for (auto [value, acc] : llvm::zip_equal(observedValues, ranges)) {
    auto [lo, hi] = choose(acc);
    if (isa<BlockArgument>(value)) {
      if (!std::isnan(inputMin))
        lo = inputMin;
      if (!std::isnan(inputMax))
        hi = inputMax;
    }
    auto attr = b.getDenseF64ArrayAttr({lo, hi});
    if (auto arg = dyn_cast<BlockArgument>(value))
      entry.setArgAttr(arg.getArgNumber(), "dfq.range", attr);
    else
      value.getDefiningOp()->setAttr("dfq.range", attr);
  }
  module->setAttr("dfq.range_source", b.getStringAttr(loaded->second));
  module->setAttr("dfq.range_observer", b.getStringAttr(observer));
}
