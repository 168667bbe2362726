//===- QGemmKernel.h - Halide quantized GEMM for x86 ------------*- C++ -*-===//
//
// The first x86 kernel: dfq.qgemm's normative integer semantics
// (docs/design.md) as a Halide pipeline, compiled for this CPU. Plain C++:
// Halide (RTTI, exceptions, LLVM 14) stays inside lib/Targets/X86.
//
//   acc[n][o] = bias[o] + sum_k (x[n][k] - zx) * (w[o][k] - zw[o])   int32
//   out[n][o] = clamp(zy + ((acc * M[o] + 2^(sh[o]-1)) >> sh[o]), lo, hi)
//
// x is u8 [N, K] row-major, w i8 [O, K] row-major, out u8 [N, O], weights
// passed at run time and compiled just in time. Model libraries do not use
// it (their layers are LayerKernel.h pipelines, specialized to the shape);
// it stays as the general GEMM that bench/x86/GemmBench.cpp measures
// against oneDNN and the VNNI peak (docs/results/x86.md) and that
// X86QGemmTest checks.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TARGETS_X86_QGEMMKERNEL_H
#define DFQ_TARGETS_X86_QGEMMKERNEL_H

#include <cstdint>
#include <memory>
#include <string>

namespace mlir::dfq::x86 {

/// The Halide target string for the CPU this runs on, built from CPUID
/// rather than Halide's host detection, which on AMD Zen 4 claims
/// Sapphire Rapids features (and so VEX AVX-VNNI) that the CPU lacks.
std::string hostHalideTarget();

/// hostHalideTarget() plus Halide's `avx512_sapphirerapids` feature when the
/// CPU has AVX512-VNNI, so that 512-bit u8 x s8 dot products become
/// `vpdpbusd`. Only for pipelines whose dot products are all 512 bits wide:
/// narrower ones would be emitted as VEX AVX-VNNI, which e.g. AMD Zen 4
/// lacks. Equal to hostHalideTarget() on CPUs without AVX512-VNNI.
std::string hostHalideTargetWithVnni();

struct QGemmArgs {
  const uint8_t *x = nullptr;                            // [n, k]
  const int8_t *w = nullptr;                             // [o, k]
  const int32_t *bias = nullptr;                         // [o]
  const int32_t *multiplier = nullptr, *shift = nullptr; // [o]
  const int32_t *weightZeroPoint = nullptr;              // [o]
  int64_t n = 0, k = 0, o = 0;
  int32_t inputZeroPoint = 0, outputZeroPoint = 0;
  int32_t outputMin = 0, outputMax = 255;
  uint8_t *out = nullptr; // [n, o]
};

class QGemmKernel {
public:
  /// Compiles the pipeline for `target` (hostHalideTargetWithVnni() when
  /// empty). Returns null and sets `error` when Halide cannot.
  static std::unique_ptr<QGemmKernel> create(const std::string &target,
                                             std::string &error);
  ~QGemmKernel();

  /// Runs one product; false with `error` set on bad arguments or a Halide
  /// runtime error.
  bool run(const QGemmArgs &args, std::string &error);

private:
  QGemmKernel();
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace mlir::dfq::x86

#endif // DFQ_TARGETS_X86_QGEMMKERNEL_H
