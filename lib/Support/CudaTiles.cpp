//===- CudaTiles.cpp - thread-block tiles of the CUDA layer kernels -------===//

#include "dfq/Support/CudaTiles.h"

#include <algorithm>

using namespace mlir::dfq;

CudaTiles mlir::dfq::chooseCudaTiles(int64_t outChannels, int64_t inChannels,
                                     int64_t groups, int64_t kh, int64_t kw,
                                     int64_t sharedBytes) {
  CudaTiles tiles;
  int64_t perGroupIn = inChannels / std::max<int64_t>(groups, 1);
  int64_t perGroupOut = outChannels / std::max<int64_t>(groups, 1);
  if (groups > 1 && perGroupIn == 1) {
    tiles.kind = "depthwise";
    tiles.tileN = outChannels <= 32 ? 32 : 64;
    tiles.tileM = 256 / tiles.tileN;
    tiles.warpsM = 8;
    tiles.warpsN = 1;
    tiles.tileK = 0;
    tiles.stages = 0;
    return tiles;
  }
  tiles.kind = groups > 1 ? "grouped" : "dense";
  int64_t reduction = kh * kw * perGroupIn;
  tiles.tileN = perGroupOut > 64   ? 128
                : perGroupOut > 32 ? 64
                : perGroupOut > 16 ? 32
                                   : 16;
  tiles.warpsN = tiles.tileN >= 64 ? tiles.tileN / 32 : 1;
  if (tiles.warpsN > 2)
    tiles.warpsN = 2;
  tiles.tileM = tiles.tileN <= 32 ? 64 : 128;
  tiles.warpsM = tiles.tileM / 32;
  tiles.tileK = reduction <= 32 ? 32 : 64;
  int64_t steps = (reduction + tiles.tileK - 1) / tiles.tileK;
  tiles.stages = steps <= 2 ? 2 : 3;
  auto shared = [&] {
    return tiles.stages * (tiles.tileM + tiles.tileN) * (tiles.tileK + 16);
  };
  while (shared() > sharedBytes && tiles.stages > 2)
    --tiles.stages;
  while (shared() > sharedBytes && tiles.tileM > 16 * tiles.warpsM &&
         tiles.tileM > 32) {
    tiles.tileM /= 2;
    tiles.warpsM = std::max<int64_t>(1, tiles.tileM / 32);
  }
  return tiles;
}
