//===- WeightQuantizer.cpp - how dfq-quantize quantizes weights -----------===//

#include "dfq/Transforms/WeightQuantizer.h"

#include "dfq/Dialect/DfqAttrs.h"
#include "dfq/Support/Requantization.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dfq;

namespace {

/// Among the powers of two around `scale` (the min-max scale of `values`),
/// the one whose symmetric quantization to [qmin, qmax] has the least squared
/// error: a smaller power clips the largest weights, a larger one rounds
/// the rest more coarsely, so the better one depends on the distribution.
double bestPowerOfTwoScale(ArrayRef<float> values, double scale, int64_t qmin,
                           int64_t qmax) {
  int ceiling = int(std::ceil(std::log2(scale)));
  double best = std::ldexp(1.0, ceiling), bestError = -1;
  for (int k = ceiling; k >= ceiling - 2; --k) {
    double candidate = std::ldexp(1.0, k), error = 0;
    for (float w : values) {
      double q =
          std::clamp(std::nearbyint(w / candidate), double(qmin), double(qmax));
      error += (w - q * candidate) * (w - q * candidate);
    }
    if (bestError < 0 || error < bestError) {
      best = candidate;
      bestError = error;
    }
  }
  return best;
}

/// The width `requested` if `support` runs it; otherwise a default gives way
/// to the widest width the target runs, and an explicit request is an error.
FailureOr<int64_t> chooseBits(Operation *layer, TargetAttr target,
                              LayerSupportAttr support, bool isWeight,
                              int64_t requested, bool isExplicit,
                              StringRef source, StringRef pass) {
  if (!support)
    return requested;
  ArrayRef<int64_t> allowed =
      isWeight ? support.getWeightBits() : support.getActBits();
  if (llvm::is_contained(allowed, requested))
    return requested;
  // A default the target cannot run gives way to the widest width it can;
  // a width somebody asked for is a request that cannot be honoured.
  if (!isExplicit)
    return allowed.back();
  std::string widths;
  llvm::raw_string_ostream os(widths);
  llvm::interleaveComma(allowed, os);
  return layer->emitError(pass)
         << ": target '" << target.getName() << "' runs "
         << stringifyLayerKind(support.getKind()) << " layers with "
         << (isWeight ? "weight" : "activation") << " bits [" << widths << "]; "
         << source << "=" << requested << " cannot be honoured";
}

} // namespace

FailureOr<WeightScheme>
mlir::dfq::resolveWeightScheme(func::FuncOp func, TargetAttr target,
                               const WidthOptions &options, StringRef pass) {
  for (int64_t bits : {options.wbits, options.abits})
    if (bits < 2 || bits > 8) {
      func.emitError(pass) << ": bit widths must lie in [2, 8], got wbits="
                           << options.wbits << " abits=" << options.abits;
      return failure();
    }
  if (options.firstLastBits != 0 &&
      (options.firstLastBits < 2 || options.firstLastBits > 8)) {
    func.emitError(pass)
        << ": first-last-bits must be 0 (same) or lie in [2, 8], got "
        << options.firstLastBits;
    return failure();
  }
  WeightScheme scheme;
  scheme.perChannel = options.perChannel;
  scheme.symmetric = options.symmetric;
  if (target) {
    if (target.isPerTensorOnly()) {
      if (options.perChannelExplicit && options.perChannel) {
        func.emitError(pass)
            << ": target '" << target.getName()
            << "' takes one weight scale per layer; per-channel=true cannot "
               "be honoured";
        return failure();
      }
      scheme.perChannel = false;
    }
    if (target.getSymmetricWeights()) {
      if (options.symmetricExplicit && !options.symmetric) {
        func.emitError(pass)
            << ": target '" << target.getName()
            << "' runs symmetric weights only; symmetric=false cannot be "
               "honoured";
        return failure();
      }
      scheme.symmetric = true;
    } else if (!target.getWeightSigned()) {
      scheme.symmetric = false; // unsigned weights need a zero point
    }
  }
  scheme.weightSigned = !target || target.getWeightSigned();
  scheme.pow2 = target && target.requiresPowerOfTwoScales();
  return scheme;
}

SmallVector<Operation *>
mlir::dfq::collectQuantizableLayers(func::FuncOp func) {
  SmallVector<Operation *> layers;
  func.walk([&](Operation *op) {
    if (isa<Conv2DOp, GemmOp>(op))
      layers.push_back(op);
  });
  return layers;
}

LayerSupportAttr mlir::dfq::layerSupport(Operation *layer, TargetAttr target,
                                         bool *leftFloat) {
  *leftFloat = false;
  if (!target)
    return {};
  LayerSupportAttr support = target.getLayer(*classifyLayer(layer));
  *leftFloat = !support;
  return support;
}

FailureOr<LayerBits>
mlir::dfq::decideLayerBits(Operation *layer, TargetAttr target,
                           LayerSupportAttr support, bool isEdge,
                           const WidthOptions &options, StringRef pass) {
  bool edgeBits = isEdge && options.firstLastBits > 0;
  StringRef wSource = edgeBits ? "first-last-bits" : "wbits";
  StringRef aSource = edgeBits ? "first-last-bits" : "abits";
  int64_t wBits = edgeBits ? options.firstLastBits : options.wbits;
  int64_t aBits = edgeBits ? options.firstLastBits : options.abits;
  bool wExplicit =
      edgeBits ? options.firstLastBitsExplicit : options.wbitsExplicit;
  bool aExplicit =
      edgeBits ? options.firstLastBitsExplicit : options.abitsExplicit;
  // A per-layer decision (dfq-compensate-mpc, dfq-assign-bits) wins.
  for (auto [name, bits, source, isExplicit] :
       {std::tuple<StringRef, int64_t *, StringRef *, bool *>{
            "dfq.weight_bits", &wBits, &wSource, &wExplicit},
        {"dfq.act_bits", &aBits, &aSource, &aExplicit}})
    if (auto attr = layer->getAttrOfType<IntegerAttr>(name)) {
      *bits = attr.getInt();
      *source = name;
      *isExplicit = true;
      if (*bits < 2 || *bits > 8)
        return layer->emitError(pass)
               << ": " << name << " must lie in [2, 8], got " << *bits;
    }
  FailureOr<int64_t> chosenW =
      chooseBits(layer, target, support,
                 /*isWeight=*/true, wBits, wExplicit, wSource, pass);
  FailureOr<int64_t> chosenA =
      chooseBits(layer, target, support,
                 /*isWeight=*/false, aBits, aExplicit, aSource, pass);
  if (failed(chosenW) || failed(chosenA))
    return failure();
  return LayerBits{*chosenW, *chosenA};
}

FailureOr<QuantizedWeights> mlir::dfq::quantizeLayerWeights(
    Operation *layer, ArrayRef<float> weights, int64_t channels, int64_t wBits,
    const WeightScheme &scheme, TargetAttr target, StringRef pass) {
  bool perChannel = scheme.perChannel, symmetric = scheme.symmetric;
  bool weightSigned = scheme.weightSigned, pow2 = scheme.pow2;
  int64_t numElements = weights.size();
  int64_t perChannelSize = numElements / channels;
  QuantizedWeights result;
  int64_t qmax = weightSigned ? (int64_t(1) << (wBits - 1)) - 1
                              : (int64_t(1) << wBits) - 1;
  int64_t qmin = weightSigned ? -qmax - 1 : 0;
  result.qmin = qmin;
  result.qmax = qmax;
  result.groupSize = perChannel ? perChannelSize : numElements;
  SmallVector<double> &wScales = result.scales;
  SmallVector<int64_t> &wZeroPoints = result.zeroPoints;
  // Asymmetric weights: [min(w, 0), max(w, 0)] on the full signed range.
  auto asymmetricParams = [&](int64_t first, int64_t count) {
    double lo = 0, hi = 0;
    for (int64_t i = first; i < first + count; ++i) {
      lo = std::min<double>(lo, weights[i]);
      hi = std::max<double>(hi, weights[i]);
    }
    double scale = (hi - lo) / double(qmax - qmin);
    if (!(scale > 0))
      scale = 1.0;
    if (pow2) // the smallest power of two that clips nothing
      scale = std::ldexp(1.0, int(std::ceil(std::log2(scale))));
    wScales.push_back(scale);
    wZeroPoints.push_back(static_cast<int64_t>(
        std::clamp<double>(std::nearbyint(double(qmin) - lo / scale),
                           double(qmin), double(qmax))));
  };
  auto scaleOf = [&](int64_t first, int64_t count) {
    double maxAbs = 0;
    for (int64_t i = first; i < first + count; ++i)
      maxAbs = std::max<double>(maxAbs, std::abs(weights[i]));
    return maxAbs > 0 ? maxAbs / qmax : 1.0;
  };
  auto grid = layer->getAttrOfType<DenseI64ArrayAttr>("dfq.weight_grid");
  auto fixedScales =
      layer->getAttrOfType<DenseF64ArrayAttr>("dfq.weight_scales");
  if (fixedScales && (grid || !symmetric || !weightSigned || pow2 ||
                      !perChannel || int64_t(fixedScales.size()) != channels))
    return layer->emitError(pass)
           << ": dfq.weight_scales holds symmetric per-channel scales, one "
              "per output channel ("
           << channels << "), got " << fixedScales.size()
           << "; it cannot be kept with "
           << (grid ? "dfq.weight_grid"
               : !symmetric || !weightSigned
                   ? "symmetric=false or unsigned weights"
               : pow2        ? "power-of-two scales"
               : !perChannel ? "per-channel=false"
                             : "this weight shape");
  if (grid && !symmetric)
    return layer->emitError(pass) << ": dfq.weight_grid holds symmetric "
                                     "codes; symmetric=false cannot keep them";
  if (grid && pow2)
    return layer->emitError(pass)
           << ": dfq.weight_grid fixes each channel's scale, which target '"
           << target.getName() << "' needs to be a power of two";
  if (!symmetric && !weightSigned && !target)
    return layer->emitError(pass) << ": internal error: unsigned weights "
                                     "without a target";
  if (!symmetric) {
    if (perChannel)
      for (int64_t o = 0; o < channels; ++o)
        asymmetricParams(o * perChannelSize, perChannelSize);
    else
      asymmetricParams(0, numElements);
  } else if (fixedScales) {
    // The weights already lie on a grid whose scales are given
    // (dfq-reconstruct): recover its codes.
    for (double scale : fixedScales.asArrayRef()) {
      if (!(scale > 0) || std::isinf(scale))
        return layer->emitError(pass)
               << ": dfq.weight_scales holds a scale that is not positive "
                  "and finite ("
               << scale << ")";
      wScales.push_back(scale);
    }
  } else if (grid) {
    // The weights already lie on a grid (dfq-compensate-mpc): channel o is
    // scale[o] * codes with max |code| = grid[o]; recover those codes.
    if (!perChannel || grid.size() != channels)
      return layer->emitError(pass)
             << ": dfq.weight_grid needs per-channel weights and one entry "
                "per output channel ("
             << channels << "), got " << grid.size()
             << (perChannel ? "" : " with per-channel=false");
    for (int64_t o = 0; o < channels; ++o) {
      if (grid[o] < 0 || grid[o] > qmax)
        return layer->emitError(pass)
               << ": dfq.weight_grid entry " << grid[o] << " of channel " << o
               << " does not fit " << wBits << "-bit weights";
      double maxCode = scaleOf(o * perChannelSize, perChannelSize) * qmax;
      wScales.push_back(grid[o] > 0 && maxCode > 0 ? maxCode / grid[o] : 1.0);
    }
  } else if (perChannel) {
    for (int64_t o = 0; o < channels; ++o)
      wScales.push_back(scaleOf(o * perChannelSize, perChannelSize));
  } else {
    wScales.push_back(scaleOf(0, numElements));
  }
  if (pow2 && symmetric) {
    int64_t groupSize = result.groupSize;
    for (auto [group, scale] : llvm::enumerate(wScales))
      scale = bestPowerOfTwoScale(weights.slice(group * groupSize, groupSize),
                                  scale, qmin, qmax);
  }
  if (wZeroPoints.empty())
    wZeroPoints.assign(wScales.size(), 0);
  result.codes.resize(weights.size());
  for (size_t i = 0; i < weights.size(); ++i) {
    size_t group = perChannel ? i / perChannelSize : 0;
    double s = wScales[group];
    result.codes[i] = static_cast<int8_t>(
        quantizeValue(weights[i], s, wZeroPoints[group], qmin, qmax));
    if ((grid || fixedScales) &&
        std::abs(weights[i] / s - result.codes[i]) > 1e-3)
      return layer->emitError(pass)
             << ": weight " << i << " (" << weights[i] << ") is off the "
             << wBits << "-bit grid that "
             << (grid ? "dfq.weight_grid" : "dfq.weight_scales")
             << " records; the weights or widths changed after "
             << (grid ? "dfq-compensate-mpc" : "dfq-reconstruct");
  }
  return result;
}
