//===- KernelTiles.cpp - register tiles of the x86 layer kernels ----------===//

#include "dfq/Support/KernelTiles.h"

#include <algorithm>

using namespace mlir::dfq;

KernelTiles mlir::dfq::chooseKernelTiles(int64_t outChannels,
                                         int64_t inChannels, int64_t groups,
                                         int64_t outputPixels, bool avx512) {
  KernelTiles tiles;
  // 32 vector registers of 16 int32 lanes with AVX-512, 16 of 8 with AVX2.
  const int64_t lanes = avx512 ? 16 : 8, accumulators = avx512 ? 24 : 12;
  if (groups != 1) {
    tiles.kind =
        groups == outChannels && groups == inChannels ? "depthwise" : "grouped";
    tiles.channels = lanes;
    tiles.pixels = 4;
    return tiles;
  }
  tiles.channels =
      std::min(4 * lanes, (outChannels + lanes - 1) / lanes * lanes);
  int64_t vectors = tiles.channels / lanes;
  tiles.pixels = std::min<int64_t>(6, accumulators / vectors);
  if (outputPixels <= 1) {
    tiles.parallel = true;
    return tiles;
  }
  double bestScore = 0;
  for (int64_t tp = 1; tp <= std::min<int64_t>(16, accumulators / vectors);
       ++tp) {
    double used =
        double(outputPixels) / double((outputPixels + tp - 1) / tp * tp);
    double score = used * double(tp) / double(tp + 1);
    if (score > bestScore + 1e-9) {
      bestScore = score;
      tiles.pixels = tp;
    }
  }
  return tiles;
}
