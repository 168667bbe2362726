//===- CudaTiles.h - thread-block tiles of the CUDA layer kernels -*- C++
//-*-===//
//
// The schedule dfq-lower-to-kernels records for each quantized layer on a
// CUDA target, as a plain function, so that the kernel sweep and the
// benchmarks build exactly the kernels a model library gets.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_SUPPORT_CUDATILES_H
#define DFQ_SUPPORT_CUDATILES_H

#include <cstdint>

namespace mlir::dfq {

struct CudaTiles {
  /// "dense", "depthwise" or "grouped".
  const char *kind = "dense";
  int64_t tileM = 128, tileN = 64, tileK = 64;
  int64_t warpsM = 4, warpsN = 2, stages = 3;
};

/// The block tile of a layer with `outChannels` = O, `inChannels` = C in
/// `groups` groups and a kh x kw kernel, under `sharedBytes` of shared
/// memory per block:
/// - one input channel per group (depthwise): 256 threads, one output
///   each, over 64 channels x 4 pixels (32 x 8 for at most 32 channels);
/// - otherwise an implicit GEMM per group of N = O / groups columns and
///   K = kh x kw x C / groups: tile_n the widest of 128, 64, 32, 16 that N
///   fills (so no more than half a tile is padding), tile_m 128 (64 when
///   tile_n <= 32: small layers get more blocks), warps of 32 x 32 (32 x 16
///   for tile_n = 16), tile_k 64 (32 when K <= 32: the first convolution of
///   an RGB network), 3 stages (2 when K spans at most two tile_k steps),
///   fewer stages and then a smaller tile_m while the stages exceed
///   `sharedBytes`.
CudaTiles chooseCudaTiles(int64_t outChannels, int64_t inChannels,
                          int64_t groups, int64_t kh, int64_t kw,
                          int64_t sharedBytes);

} // namespace mlir::dfq

#endif // DFQ_SUPPORT_CUDATILES_H
