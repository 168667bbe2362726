//===- RandomLayerSpec.h - random quantized layers for kernel sweeps -*- C++
//-*-===//
//
// What the kernel sweeps of every backend draw: consistent random LayerSpecs
// (dense, depthwise and grouped convolutions with odd sizes, padding,
// strides and dilation; gemms; every width 2..8; per-tensor and per-channel
// requantization with rounding ties, the largest shift and saturation),
// their descriptions for failure messages, and a scratch directory.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_UNITTESTS_RANDOMLAYERSPEC_H
#define DFQ_UNITTESTS_RANDOMLAYERSPEC_H

#include "dfq/Support/Requantization.h"
#include "dfq/Targets/LayerSpec.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <string>

#include <unistd.h>

namespace mlir::dfq {

using Rng = std::mt19937;

inline int64_t uniform(Rng &rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

enum class Shape { Conv, Depthwise, Grouped, Gemm };

/// The range of a `bits`-wide code, signed or not.
inline int64_t codeMin(int bits, bool isSigned) {
  return isSigned ? -(int64_t(1) << (bits - 1)) : 0;
}
inline int64_t codeMax(int bits, bool isSigned) {
  return isSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
}

/// A random consistent spec of the given shape and storage; false when the
/// draw has no valid output extent (the caller draws again).
/// With `symmetricWeights`, every weight zero point is 0; with
/// `depthwiseMultiplier`, depthwise layers may have several output channels
/// per input channel.
inline bool randomSpec(Rng &rng, Shape shape, int weightBits,
                       bool weightsSigned, int activationBits, bool inputSigned,
                       bool outputSigned, const std::string &symbol,
                       LayerSpec &s, bool symmetricWeights = false,
                       bool depthwiseMultiplier = false) {
  s = LayerSpec();
  s.layerName = "layer " + symbol;
  s.symbol = symbol;
  s.weightBits = weightBits;
  s.weightsSigned = weightsSigned;
  s.activationBits = activationBits;
  s.inputSigned = inputSigned;
  s.outputSigned = outputSigned;
  switch (shape) {
  case Shape::Conv:
    s.groups = 1;
    s.c = uniform(rng, 0, 3) == 0 ? uniform(rng, 25, 64) : uniform(rng, 1, 24);
    s.o = uniform(rng, 0, 3) == 0 ? uniform(rng, 33, 80) : uniform(rng, 1, 32);
    break;
  case Shape::Gemm:
    s.isGemm = true;
    s.groups = 1;
    s.c =
        uniform(rng, 0, 3) == 0 ? uniform(rng, 100, 600) : uniform(rng, 1, 64);
    s.o = uniform(rng, 0, 3) == 0 ? uniform(rng, 33, 96) : uniform(rng, 1, 32);
    break;
  case Shape::Depthwise:
    s.c = s.o = s.groups = uniform(rng, 1, 40);
    if (depthwiseMultiplier && uniform(rng, 0, 2) == 0)
      s.o = s.c * uniform(rng, 2, 3);
    break;
  case Shape::Grouped:
    s.groups = uniform(rng, 2, 5);
    s.c = s.groups * uniform(rng, 1, 6);
    s.o = s.groups * uniform(rng, 1, 6);
    break;
  }
  if (shape != Shape::Gemm) {
    s.h = uniform(rng, 1, 11);
    s.w = uniform(rng, 1, 13);
    bool pointwise = uniform(rng, 0, 4) == 0;
    s.kh = pointwise ? 1 : uniform(rng, 1, 3) + (uniform(rng, 0, 6) == 0) * 2;
    s.kw = pointwise ? 1 : uniform(rng, 1, 3) + (uniform(rng, 0, 6) == 0) * 2;
    s.strideH = uniform(rng, 1, 2);
    s.strideW = uniform(rng, 1, 3);
    bool dilated = uniform(rng, 0, 4) == 0;
    s.dilationH = dilated ? uniform(rng, 1, 2) : 1;
    s.dilationW = dilated ? uniform(rng, 1, 3) : 1;
    s.padTop = uniform(rng, 0, 2);
    s.padLeft = uniform(rng, 0, 2);
    int64_t padBottom = uniform(rng, 0, 2), padRight = uniform(rng, 0, 2);
    if (!s.setOutputExtent(padBottom, padRight))
      return false;
  }

  int64_t wmin = codeMin(weightBits, weightsSigned),
          wmax = codeMax(weightBits, weightsSigned);
  int64_t k = (s.c / s.groups) * s.kh * s.kw;
  s.weights.resize(s.o * k);
  for (auto &v : s.weights)
    v = int32_t(uniform(rng, wmin, wmax));
  bool perTensor = uniform(rng, 0, 3) == 0;
  int zeroPoints = int(uniform(rng, 0, 2)); // none, small, anywhere
  // The output's range: its width, or all of its 8-bit storage; its zero
  // point inside that range, and a ReLU-like floor at the zero point.
  bool storage = uniform(rng, 0, 3) == 0;
  int64_t lo = codeMin(storage ? 8 : activationBits, outputSigned),
          hi = codeMax(storage ? 8 : activationBits, outputSigned);
  s.bias.resize(s.o);
  s.multiplier.resize(s.o);
  s.shift.resize(s.o);
  s.weightZeroPoint.resize(s.o);
  for (int64_t i = 0; i < s.o; ++i) {
    s.bias[i] = int32_t(uniform(rng, -3000, 3000));
    if (perTensor && i > 0) {
      s.multiplier[i] = s.multiplier[0];
      s.shift[i] = s.shift[0];
      s.weightZeroPoint[i] = s.weightZeroPoint[0];
      continue;
    }
    // About one output step per 2^(a + w) / sqrt(k) of accumulator.
    double real =
        std::ldexp(1.0, -int(uniform(rng, 0, 4))) /
        (std::sqrt(double(k)) * std::ldexp(1.0, activationBits + weightBits)) *
        double(hi - lo + 1) *
        (0.5 + std::uniform_real_distribution<double>()(rng));
    int kind = int(uniform(rng, 0, 9));
    if (kind == 0) { // no rounding
      s.multiplier[i] = int32_t(uniform(rng, 1, 3));
      s.shift[i] = 0;
    } else if (kind == 1) { // the largest shift
      s.multiplier[i] = int32_t(uniform(rng, int64_t(1) << 30, INT32_MAX));
      s.shift[i] = kMaxRequantShift;
      // Where acc * multiplier nears 2^62 the output is -1, 0 or 1 away
      // from the zero point (the sum of the taps stays below 2^28).
      if (uniform(rng, 0, 1))
        s.bias[i] = int32_t(uniform(rng, -(int64_t(1) << 31) + (1 << 28),
                                    (int64_t(1) << 31) - (1 << 28)));
    } else if (kind <= 3) {
      // A multiplier of a few bits and a small shift: rounding ties.
      int shift = std::clamp(-std::ilogb(real) + int(uniform(rng, 0, 5)), 1,
                             int(kMaxRequantShift));
      s.multiplier[i] =
          int32_t(std::max<int64_t>(1, std::llround(std::ldexp(real, shift))));
      s.shift[i] = shift;
    } else {
      std::optional<FixedPointMultiplier> m = encodeMultiplier(real);
      if (!m)
        return false;
      s.multiplier[i] = m->multiplier;
      s.shift[i] = m->shift;
    }
    // The unsigned weights' zero point is often near the middle of their
    // range, where a symmetric quantizer puts it.
    int64_t middle = weightsSigned ? 0 : (wmin + wmax + 1) / 2;
    s.weightZeroPoint[i] =
        symmetricWeights  ? 0
        : zeroPoints == 0 ? int32_t(weightsSigned ? 0 : middle)
        : zeroPoints == 1 ? int32_t(uniform(rng, std::max(wmin, middle - 3),
                                            std::min(wmax, middle + 3)))
                          : int32_t(uniform(rng, wmin, wmax));
  }
  s.inputZeroPoint = int32_t(uniform(rng, codeMin(activationBits, inputSigned),
                                     codeMax(activationBits, inputSigned)));
  s.outputZeroPoint = int32_t(uniform(rng, lo, hi));
  s.outputMin = uniform(rng, 0, 3) == 0 ? s.outputZeroPoint : int32_t(lo);
  s.outputMax = int32_t(hi);
  return true;
}

inline std::string describeSpec(const LayerSpec &s) {
  auto str = [](int64_t v) { return std::to_string(v); };
  bool perTensor =
      std::all_of(s.multiplier.begin(), s.multiplier.end(),
                  [&](int32_t m) { return m == s.multiplier[0]; }) &&
      std::all_of(s.shift.begin(), s.shift.end(),
                  [&](int32_t v) { return v == s.shift[0]; }) &&
      std::all_of(s.weightZeroPoint.begin(), s.weightZeroPoint.end(),
                  [&](int32_t v) { return v == s.weightZeroPoint[0]; });
  std::string d =
      s.symbol + (s.isGemm ? " gemm" : " conv") + " c=" + str(s.c) +
      " o=" + str(s.o) + " hw=" + str(s.h) + "x" + str(s.w) +
      " k=" + str(s.kh) + "x" + str(s.kw) + " out=" + str(s.outH) + "x" +
      str(s.outW) + " stride=" + str(s.strideH) + "x" + str(s.strideW) +
      " pad=" + str(s.padTop) + "," + str(s.padLeft) +
      " dil=" + str(s.dilationH) + "x" + str(s.dilationW) +
      " groups=" + str(s.groups) + " w" + str(s.weightBits) +
      (s.weightsSigned ? "s" : "u") + " a" + str(s.activationBits) +
      " in=" + (s.inputSigned ? "s8" : "u8") +
      " out=" + (s.outputSigned ? "s8" : "u8") +
      " zp_in=" + str(s.inputZeroPoint) + " zp_out=" + str(s.outputZeroPoint) +
      " range=[" + str(s.outputMin) + "," + str(s.outputMax) + "]" +
      (perTensor ? " per-tensor" : " per-channel") + " (m,shift,zw)[0]=(" +
      str(s.multiplier[0]) + "," + str(s.shift[0]) + "," +
      str(s.weightZeroPoint[0]) + ")";
  return d;
}

/// Output channel `oc`'s parameters, for a failure message.
inline std::string describeChannel(const LayerSpec &s, int64_t oc) {
  return "bias " + std::to_string(s.bias[oc]) + " multiplier " +
         std::to_string(s.multiplier[oc]) + " shift " +
         std::to_string(s.shift[oc]) + " weight zero point " +
         std::to_string(s.weightZeroPoint[oc]);
}

/// A scratch directory of this process, removed with everything in it when
/// the sweep ends (however it ends).
class ScratchDir {
public:
  ScratchDir(const std::string &test, const std::string &name)
      : path(std::filesystem::temp_directory_path() /
             ("dfq-" + test + "-" + std::to_string(::getpid()) + "-" + name)) {
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::filesystem::path path;
};

} // namespace mlir::dfq

#endif // DFQ_UNITTESTS_RANDOMLAYERSPEC_H
