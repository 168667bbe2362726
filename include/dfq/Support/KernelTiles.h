//===- KernelTiles.h - register tiles of the x86 layer kernels ---*- C++
//-*-===//
//
// The schedule decision dfq-lower-to-kernels makes for each quantized layer,
// as a plain function, so that benchmarks build exactly the kernels a model
// library gets.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_SUPPORT_KERNELTILES_H
#define DFQ_SUPPORT_KERNELTILES_H

#include <cstdint>

namespace mlir::dfq {

struct KernelTiles {
  /// "dense", "depthwise" or "grouped".
  const char *kind = "dense";
  int64_t channels = 64, pixels = 6;
  /// Whether the kernel keeps Halide's parallel loop. A model library runs
  /// kernels on one thread each (it splits batches over threads), but a
  /// gemm's loop over channel tiles compiles to code about twice as fast
  /// when Halide outlines it as a parallel loop body, even on one thread
  /// (measured with LLVM 14: 4096^2 GEMV 256 -> 119 us); convolutions are
  /// faster without it.
  bool parallel = false;
  /// Dense and depthwise convolutions: whether a tile's pixels are
  /// consecutive pixels of one output row (`pixels` divides the output
  /// width) rather than of the image numbered row after row.
  bool rowTiles = false;
};

/// Dense layers: up to 4 vectors of output channels (fewer when the layer
/// has fewer; 3 when tiles of 3 pad fewer vectors), and as many pixels as keep
/// about 24 accumulators in the 32 vector registers (12 of 16 with AVX2; at
/// most 16, the kernels' unrolling limit); among those pixel counts, the one
/// that best trades the weight load amortized over the tile (tp / (tp + 1))
/// against the pixels wasted in the last tile of an image (outH x outW pixels;
/// for a gemm, whose rows are its batch, unknown here: 6); row tiles instead
/// when a divisor of the output width scores better after a bonus for their
/// cheaper addressing. Depthwise layers: one vector of channels by the
/// widest divisor of the row up to 8 pixels; grouped layers: one vector of
/// channels. A gemm passes outH = outW = 1.
KernelTiles chooseKernelTiles(int64_t outChannels, int64_t inChannels,
                              int64_t groups, int64_t outH, int64_t outW,
                              bool avx512);

/// Whether the loop over channel tiles goes outside the loop over pixel
/// tiles: only for dense convolutions that `tiles` gives image pixel tiles,
/// with more than one output pixel per image. By default every pixel
/// tile runs every channel tile, so the weights stream through once per
/// pixel tile; from the L1 cache for small layers, but from L3 once they
/// outgrow L2. Channel tiles outside keep one tile's weight slice in cache
/// while the input streams instead, which wins when the weights are both
/// large (at least kChannelTilesOuterWeightBytes) and larger than the input.
/// Measured on ResNet-50 at 224x224 (Xeon, AVX-512 VNNI, 1 thread): the
/// 7x7 layers with 1-2.4 MB of weights run 1.15-1.8x faster; layers with
/// weights of 16-590 KB ran within +-7 % either way or slower (0.82x for a
/// 1x1 layer with 16 KB of weights on a 200 KB input).
constexpr int64_t kChannelTilesOuterWeightBytes = 768 * 1024;
bool preferChannelTilesOuter(const KernelTiles &tiles, int64_t outPixels,
                             int64_t weightBytes, int64_t inputBytes);

} // namespace mlir::dfq

#endif // DFQ_SUPPORT_KERNELTILES_H
