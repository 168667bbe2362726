//===- KernelTiles.cpp - register tiles of the x86 layer kernels ----------===//

#include "dfq/Support/KernelTiles.h"

#include <algorithm>
#include <string_view>

using namespace mlir::dfq;

KernelTiles mlir::dfq::chooseKernelTiles(int64_t outChannels,
                                         int64_t inChannels, int64_t groups,
                                         int64_t outH, int64_t outW,
                                         bool avx512) {
  KernelTiles tiles;
  // 32 vector registers of 16 int32 lanes with AVX-512, 16 of 8 with AVX2.
  const int64_t lanes = avx512 ? 16 : 8, accumulators = avx512 ? 24 : 12;
  if (groups != 1) {
    bool depthwise = groups == outChannels && groups == inChannels;
    tiles.kind = depthwise ? "depthwise" : "grouped";
    tiles.channels = lanes;
    tiles.pixels = 1;
    // Depthwise: one vector of channels by the widest divisor of the row
    // up to 8 pixels (8 accumulators, 9 tap weights of a 3x3 kernel and
    // the inputs stay in registers).
    if (depthwise)
      for (int64_t tp = std::min<int64_t>(8, outW); tp > 1; --tp)
        if (outW % tp == 0) {
          tiles.pixels = tp;
          tiles.rowTiles = true;
          break;
        }
    return tiles;
  }
  // 4 vectors of channels, or 3 when they cover the channels with fewer
  // padding vectors (96 channels: 2 tiles of 3 rather than 2 of 4, a
  // quarter of them padding).
  const int64_t outVectors = (outChannels + lanes - 1) / lanes;
  int64_t vectors = std::min<int64_t>(4, outVectors);
  auto used = [&](int64_t v) {
    return double(outVectors) / double((outVectors + v - 1) / v * v);
  };
  if (vectors == 4 && used(3) > used(4) + 1e-9)
    vectors = 3;
  tiles.channels = vectors * lanes;
  int64_t maxPixels = std::min<int64_t>(16, accumulators / vectors);
  tiles.pixels = std::min<int64_t>(6, maxPixels);
  const int64_t outputPixels = outH * outW;
  if (outputPixels <= 1) {
    tiles.parallel = true;
    return tiles;
  }
  double bestScore = 0;
  for (int64_t tp = 1; tp <= maxPixels; ++tp) {
    double used =
        double(outputPixels) / double((outputPixels + tp - 1) / tp * tp);
    double score = used * double(tp) / double(tp + 1);
    if (score > bestScore + 1e-9) {
      bestScore = score;
      tiles.pixels = tp;
    }
  }
  // Row tiles waste no pixels when they divide the row, and save each
  // pixel's address computation: worth about 8 % (measured on the zoo's
  // 16- and 32-channel layers, where it is most of the per-pixel cost).
  const double rowBonus = 1.08;
  for (int64_t tp = maxPixels; tp >= 1; --tp) {
    if (outW % tp)
      continue;
    if (rowBonus * double(tp) / double(tp + 1) > bestScore + 1e-9) {
      tiles.pixels = tp;
      tiles.rowTiles = true;
    }
    break;
  }
  return tiles;
}

bool mlir::dfq::preferChannelTilesOuter(const KernelTiles &tiles,
                                        int64_t outPixels, int64_t weightBytes,
                                        int64_t inputBytes) {
  return std::string_view(tiles.kind) == "dense" && !tiles.rowTiles &&
         outPixels > 1 && weightBytes >= kChannelTilesOuterWeightBytes &&
         weightBytes > inputBytes;
}
