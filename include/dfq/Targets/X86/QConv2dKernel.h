//===- QConv2dKernel.h - Halide quantized conv2d for x86 --------*- C++ -*-===//
//
// dfq.qconv2d's normative integer semantics (docs/design.md) as a Halide
// pipeline compiled for this CPU; grouped and depthwise convolutions,
// strides, asymmetric padding (which reads the input zero point, so it
// contributes nothing) and dilations. Plain C++ interface, like
// QGemmKernel.h.
//
//   acc[n][o][y][x] = bias[o] + sum_{c,i,j} (in[n][g*C/G + c][y*sh - pt + i*dh]
//                     [x*sw - pl + j*dw] - zx) * (w[o][c][i][j] - zw[o])
//   out = clamp(zy + ((acc * M[o] + 2^(sh[o]-1)) >> sh[o]), lo, hi)
//
// Activations are u8 NCHW, weights i8 [O, C/G, KH, KW], output u8 NCHW.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TARGETS_X86_QCONV2DKERNEL_H
#define DFQ_TARGETS_X86_QCONV2DKERNEL_H

#include <cstdint>
#include <memory>
#include <string>

namespace mlir::dfq::x86 {

struct QConv2dArgs {
  const uint8_t *input = nullptr; // [n, c, h, w]
  const int8_t *weight = nullptr; // [o, c / groups, kh, kw]
  const int32_t *bias = nullptr;  // [o]
  const int32_t *multiplier = nullptr, *shift = nullptr; // [o]
  const int32_t *weightZeroPoint = nullptr;              // [o]
  int64_t n = 0, c = 0, h = 0, w = 0;
  int64_t o = 0, kh = 0, kw = 0, outH = 0, outW = 0;
  int64_t strideH = 1, strideW = 1, padTop = 0, padLeft = 0;
  int64_t dilationH = 1, dilationW = 1, groups = 1;
  int32_t inputZeroPoint = 0, outputZeroPoint = 0;
  int32_t outputMin = 0, outputMax = 255;
  uint8_t *out = nullptr; // [n, o, outH, outW]
};

class QConv2dKernel {
public:
  /// Compiles the pipeline for `target` (hostHalideTarget() when empty).
  static std::unique_ptr<QConv2dKernel> create(const std::string &target,
                                               std::string &error);
  ~QConv2dKernel();

  /// Runs one convolution; false with `error` set on inconsistent shapes or
  /// a Halide runtime error.
  bool run(const QConv2dArgs &args, std::string &error);

private:
  QConv2dKernel();
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace mlir::dfq::x86

#endif // DFQ_TARGETS_X86_QCONV2DKERNEL_H
