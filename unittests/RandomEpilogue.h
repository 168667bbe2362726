//===- RandomEpilogue.h - random residual epilogues for kernel sweeps -*- C++
//-*-===//
//
// What the kernel sweeps of the backends with residual epilogues draw: a
// random epilogue (float or quantized residual, ReLU or clip, a float result
// and up to three quantizations, scales that make rounding ties common),
// residuals for it, and the interpreter's f32 steps as the reference.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_UNITTESTS_RANDOMEPILOGUE_H
#define DFQ_UNITTESTS_RANDOMEPILOGUE_H

#include "dfq/Targets/LayerSpec.h"

#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace mlir::dfq {

inline int64_t drawInt(std::mt19937 &rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

/// A random residual epilogue. Scales are powers of two times
/// (1 + a few bits), and float residuals are often multiples of half an
/// output scale, so that rounding ties (where a division by the scale and a
/// multiplication by its reciprocal differ) come up often.
inline void randomEpilogue(std::mt19937 &rng, ResidualEpilogue &e) {
  using E = ResidualEpilogue;
  e = E();
  auto scale = [&] {
    return float(std::ldexp(1.0 + double(drawInt(rng, 0, 255)) / 256.0,
                            -int(drawInt(rng, 3, 8))));
  };
  e.residual = drawInt(rng, 0, 1) ? E::Residual::Float : E::Residual::Quantized;
  e.outputScale = scale();
  e.residualScale = scale();
  e.residualZeroPoint = int32_t(drawInt(rng, 0, 255));
  e.activation = E::Activation(drawInt(rng, 0, 2));
  e.clipMin = -float(drawInt(rng, 0, 8)) * 0.125f;
  e.clipMax = e.clipMin + float(drawInt(rng, 1, 40)) * 0.0625f;
  e.floatOutput = drawInt(rng, 0, 2) != 0;
  int64_t quantized = drawInt(rng, e.floatOutput ? 0 : 1, 3);
  for (int64_t i = 0; i < quantized; ++i) {
    E::Quantization q;
    q.scale = drawInt(rng, 0, 2) == 0 ? e.outputScale : scale();
    q.zeroPoint = drawInt(rng, 0, 1) ? 0 : int32_t(drawInt(rng, 0, 255));
    q.min = 0;
    q.max = drawInt(rng, 0, 4) == 0 ? 15 : 255;
    e.quantizedOutputs.push_back(q);
  }
}

/// What the interpreter computes after a layer whose output (zero point
/// `outputZeroPoint`) is `q`: dequantize, add, ReLU or clip, then the float
/// result (as bytes) and each quantization.
inline std::vector<std::vector<uint8_t>>
epilogueReference(const ResidualEpilogue &e, int32_t outputZeroPoint,
                  const std::vector<uint8_t> &q,
                  const std::vector<float> &residualFloat,
                  const std::vector<uint8_t> &residualBytes) {
  using E = ResidualEpilogue;
  std::vector<std::vector<uint8_t>> outputs;
  std::vector<float> y(q.size());
  for (size_t i = 0; i < q.size(); ++i) {
    float x = float(int32_t(q[i]) - outputZeroPoint) * e.outputScale;
    float r = e.residual == E::Residual::Float
                  ? residualFloat[i]
                  : float(int32_t(residualBytes[i]) - e.residualZeroPoint) *
                        e.residualScale;
    float v = x + r;
    if (e.activation == E::Activation::Relu)
      v = v < 0.0f ? 0.0f : v;
    if (e.activation == E::Activation::Clip) {
      v = v < e.clipMin ? e.clipMin : v;
      v = v > e.clipMax ? e.clipMax : v;
    }
    y[i] = v;
  }
  if (e.floatOutput) {
    const uint8_t *bytes = reinterpret_cast<const uint8_t *>(y.data());
    outputs.emplace_back(bytes, bytes + y.size() * sizeof(float));
  }
  for (const E::Quantization &quantization : e.quantizedOutputs) {
    std::vector<uint8_t> out(q.size());
    for (size_t i = 0; i < q.size(); ++i) {
      float quotient = y[i] / quantization.scale;
      float v = std::nearbyint(quotient) + float(quantization.zeroPoint);
      v = v != v ? float(quantization.zeroPoint) : v;
      v = v < float(quantization.min) ? float(quantization.min) : v;
      v = v > float(quantization.max) ? float(quantization.max) : v;
      out[i] = uint8_t(v);
    }
    outputs.push_back(std::move(out));
  }
  return outputs;
}

/// Residuals for an epilogue over `count` outputs, both kinds: bytes
/// anywhere, and floats that are often multiples of half the first output
/// step (rounding ties) and otherwise normal.
inline void randomResidual(std::mt19937 &rng, const ResidualEpilogue &e,
                           size_t count, std::vector<float> &residualFloat,
                           std::vector<uint8_t> &residualBytes) {
  residualFloat.resize(count);
  residualBytes.resize(count);
  float step =
      e.quantizedOutputs.empty() ? e.outputScale : e.quantizedOutputs[0].scale;
  for (size_t i = 0; i < count; ++i) {
    residualBytes[i] = uint8_t(drawInt(rng, 0, 255));
    residualFloat[i] =
        drawInt(rng, 0, 1)
            ? float(drawInt(rng, -600, 600)) * (step * 0.5f)
            : float(std::normal_distribution<double>(0.0, 1.0)(rng));
  }
}

} // namespace mlir::dfq

#endif // DFQ_UNITTESTS_RANDOMEPILOGUE_H
