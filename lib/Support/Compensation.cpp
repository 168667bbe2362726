//===- Compensation.cpp - DF-MPC closed-form compensation -----------------===//

#include "dfq/Support/Compensation.h"

#include <algorithm>
#include <cassert>
#include <cmath>

using namespace mlir::dfq;

LowBitWeights mlir::dfq::ternarize(const std::vector<float> &weights) {
  LowBitWeights result;
  result.codes.assign(weights.size(), 0);
  if (weights.empty())
    return result;
  double meanAbs = 0;
  for (float w : weights)
    meanAbs += std::abs(double(w));
  meanAbs /= double(weights.size());
  double threshold = 0.7 * meanAbs;
  double sum = 0;
  int64_t count = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    double w = weights[i];
    if (std::abs(w) > threshold) {
      result.codes[i] = w > 0 ? 1 : -1;
      sum += std::abs(w);
      ++count;
    }
  }
  result.scale = count ? sum / double(count) : 0.0;
  return result;
}

LowBitWeights
mlir::dfq::quantizeSymmetricPerLayer(const std::vector<float> &weights,
                                     int bits) {
  assert(bits >= 3 && bits <= 8 && "symmetric grids of 3..8 bits");
  LowBitWeights result;
  result.codes.assign(weights.size(), 0);
  double maxAbs = 0;
  for (float w : weights)
    maxAbs = std::max(maxAbs, std::abs(double(w)));
  int qmax = (1 << (bits - 1)) - 1;
  if (!(maxAbs > 0))
    return result;
  result.scale = maxAbs / qmax;
  for (size_t i = 0; i < weights.size(); ++i)
    result.codes[i] = static_cast<int8_t>(std::clamp<double>(
        std::nearbyint(weights[i] / result.scale), -qmax, qmax));
  return result;
}

namespace {
/// The per-channel quantities of the closed form.
struct ChannelTerms {
  double crossProduct = 0;  // X^ . X
  double quantizedNorm = 0; // X^ . X^
  double targetNorm = 0;    // X . X
  double shift = 0;         // y = y^
};

ChannelTerms channelTerms(const std::vector<float> &weights,
                          const LowBitWeights &quantized,
                          const std::vector<double> &bias,
                          const BatchNormParams &bn, int64_t channel) {
  int64_t channels = static_cast<int64_t>(bn.gamma.size());
  int64_t perChannel = static_cast<int64_t>(weights.size()) / channels;
  double k = bn.gamma[channel] / std::sqrt(bn.variance[channel] + bn.epsilon);
  ChannelTerms terms;
  for (int64_t i = channel * perChannel; i < (channel + 1) * perChannel; ++i) {
    double x = k * weights[i];
    double xq = k * quantized.scale * quantized.codes[i];
    terms.crossProduct += xq * x;
    terms.quantizedNorm += xq * xq;
    terms.targetNorm += x * x;
  }
  double b = bias.empty() ? 0.0 : bias[channel];
  terms.shift = bn.beta[channel] + k * (b - bn.mean[channel]);
  return terms;
}
} // namespace

std::vector<double> mlir::dfq::compensationCoefficients(
    const std::vector<float> &weights, const LowBitWeights &quantized,
    const std::vector<double> &bias, const BatchNormParams &bn, double lambda1,
    double lambda2) {
  int64_t channels = static_cast<int64_t>(bn.gamma.size());
  std::vector<double> coefficients(channels, 1.0);
  for (int64_t j = 0; j < channels; ++j) {
    ChannelTerms t = channelTerms(weights, quantized, bias, bn, j);
    double y2 = t.shift * t.shift;
    double numerator = t.crossProduct + lambda1 * y2;
    double denominator = t.quantizedNorm + lambda1 * y2 + lambda2;
    if (denominator > 0)
      coefficients[j] = std::max(0.0, numerator / denominator);
  }
  return coefficients;
}

double mlir::dfq::compensationLoss(const std::vector<float> &weights,
                                   const LowBitWeights &quantized,
                                   const std::vector<double> &bias,
                                   const BatchNormParams &bn, double lambda1,
                                   double lambda2, int64_t channel, double c) {
  ChannelTerms t = channelTerms(weights, quantized, bias, bn, channel);
  // |c X^ - X|^2 expanded, so that no per-element pass is repeated.
  double weightTerm =
      c * c * t.quantizedNorm - 2 * c * t.crossProduct + t.targetNorm;
  double biasTerm = (c - 1) * t.shift;
  return weightTerm + lambda1 * biasTerm * biasTerm + lambda2 * c * c;
}
