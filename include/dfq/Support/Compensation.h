//===- Compensation.h - DF-MPC closed-form compensation ---------*- C++ -*-===//
//
// The arithmetic of DF-MPC (Chen et al., "Data-Free Quantization via
// Mixed-Precision Compensation without Fine-Tuning", Pattern Recognition
// 2023): the per-layer low-bit weight
// quantizers it pairs with, and the per-channel compensation coefficients
// computed from the weights and BatchNorm parameters alone. Plain C++ so that
// the pass and the unit tests share one definition.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_SUPPORT_COMPENSATION_H
#define DFQ_SUPPORT_COMPENSATION_H

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::dfq {

/// Weights of one layer on a per-layer grid: `weight[i] ~ scale * codes[i]`.
struct LowBitWeights {
  std::vector<int8_t> codes;
  double scale = 0; // 0 when every weight is 0
};

/// TWN ternarization (Li et al., "Ternary Weight Networks", 2016; as DF-MPC,
/// Chen et al., Pattern Recognition 2023, Eqs. 3-4, uses it): threshold
/// 0.7 * mean|W|, codes in {-1, 0, 1}, scale = mean |W| over the entries
/// above the threshold.
LowBitWeights ternarize(const std::vector<float> &weights);

/// Symmetric per-layer quantization to `bits` (3..8) bits:
/// scale = max|W| / (2^(bits-1) - 1), codes rounded half to even.
LowBitWeights quantizeSymmetricPerLayer(const std::vector<float> &weights,
                                        int bits);

/// BatchNorm parameters of the low-bit layer `l`, one entry per channel, and
/// the layer's own bias (empty: none).
struct BatchNormParams {
  std::vector<double> gamma, beta, mean, variance;
  double epsilon = 1e-5;
};

/// DF-MPC's closed form, per output channel `j` of layer `l` (weights
/// [channels, perChannel] row-major):
///   X_j = k_j vec(W_j),  X^_j = k_j s vec(codes_j),  k_j = gamma_j / sigma_j
///   y_j = y^_j = beta_j + k_j (bias_j - mean_j)
///   c_j = (X^_j . X_j + l1 y_j^2) / (X^_j . X^_j + l1 y_j^2 + l2)
/// clamped at 0; 1 where the quadratic is flat (numerator and denominator
/// both 0). The quantized BatchNorm keeps gamma and beta and has its mean and
/// sigma divided by the grid scale s, which is the same as running the
/// original BatchNorm on weights `s * codes` (our choice; the DF-MPC paper
/// only says that the mean and sigma are recalibrated).
std::vector<double> compensationCoefficients(const std::vector<float> &weights,
                                             const LowBitWeights &quantized,
                                             const std::vector<double> &bias,
                                             const BatchNormParams &bn,
                                             double lambda1, double lambda2);

/// The loss DF-MPC minimizes for channel `j`, at coefficient `c`:
/// |c X^_j - X_j|^2 + l1 (c y^_j - y_j)^2 + l2 c^2. For tests and reports.
double compensationLoss(const std::vector<float> &weights,
                        const LowBitWeights &quantized,
                        const std::vector<double> &bias,
                        const BatchNormParams &bn, double lambda1,
                        double lambda2, int64_t channel, double c);

} // namespace mlir::dfq

#endif // DFQ_SUPPORT_COMPENSATION_H
