//===- DfqKernelAttrs.cpp - typed kernel schedules ------------------------===//
//
// Verifiers of the schedules dfq-lower-to-kernels records, so that a
// hand-written or edited `dfq.kernel` is rejected where it is parsed rather
// than when a backend reads it.
//
//===----------------------------------------------------------------------===//

#include "dfq/Dialect/DfqAttrs.h"

#include "llvm/ADT/STLExtras.h"

#include <cctype>

using namespace mlir;
using namespace mlir::dfq;

#include "dfq/DfqAttrInterfaces.cpp.inc"

static LogicalResult verifySymbol(function_ref<InFlightDiagnostic()> emitError,
                                  StringRef symbol) {
  auto isWordChar = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  };
  if (symbol.empty() || std::isdigit(static_cast<unsigned char>(symbol[0])) ||
      !llvm::all_of(symbol, isWordChar))
    return emitError() << "kernel symbol '" << symbol
                       << "' is not a C identifier";
  return success();
}

LogicalResult
X86KernelAttr::verify(function_ref<InFlightDiagnostic()> emitError, X86Isa isa,
                      StringRef symbol, KernelKind kind, int64_t tileChannels,
                      int64_t tilePixels, PixelTiles pixelTiles,
                      TileOrder outerTiles, bool parallel, ArrayAttr fused) {
  if (failed(verifySymbol(emitError, symbol)))
    return failure();
  int64_t lanes = isa == X86Isa::Avx2 ? 8 : 16;
  if (tileChannels <= 0 || tileChannels % lanes != 0 || tileChannels > 64)
    return emitError() << "tile_channels must be a positive multiple of "
                       << lanes << " (the vector lanes of "
                       << stringifyX86Isa(isa) << ") up to 64, got "
                       << tileChannels;
  if (tilePixels <= 0 || tilePixels > 32)
    return emitError() << "tile_pixels must be in [1, 32], got " << tilePixels;
  if (pixelTiles == PixelTiles::Row && kind == KernelKind::Grouped)
    return emitError() << "grouped kernels tile pixels across the image only";
  if (outerTiles == TileOrder::Channels &&
      (kind != KernelKind::Dense || pixelTiles != PixelTiles::Image))
    return emitError() << "outer_tiles = channels needs a dense kernel with "
                          "pixel_tiles = image";
  if (fused && !llvm::all_of(fused, llvm::IsaPred<StringAttr>))
    return emitError() << "fused must list op names";
  return success();
}

LogicalResult CKernelAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  StringRef symbol, KernelKind kind) {
  return verifySymbol(emitError, symbol);
}

LogicalResult
CudaKernelAttr::verify(function_ref<InFlightDiagnostic()> emitError, int64_t sm,
                       StringRef symbol, KernelKind kind, int64_t tileM,
                       int64_t tileN, int64_t tileK, int64_t warpsM,
                       int64_t warpsN, int64_t stages, ArrayAttr fused) {
  if (failed(verifySymbol(emitError, symbol)))
    return failure();
  if (sm != 80 && sm != 90)
    return emitError() << "sm must be 80 or 90, got " << sm;
  if (fused && !llvm::all_of(fused, llvm::IsaPred<StringAttr>))
    return emitError() << "fused must list op names";
  if (warpsM <= 0 || warpsN <= 0 || warpsM * warpsN > 32)
    return emitError() << "warps_m x warps_n must be positive and at most 32 "
                          "warps (1024 threads), got "
                       << warpsM << " x " << warpsN;
  if (kind == KernelKind::Depthwise) {
    if ((tileK != 0 && tileK != 4) || stages != 0)
      return emitError() << "depthwise kernels run on the CUDA cores: tile_k "
                            "must be 0 (a multiply-add per tap) or 4 (dp4a "
                            "over 4 taps) and stages 0";
    if (tileM <= 0 || tileN <= 0 || tileM * tileN != 32 * warpsM * warpsN)
      return emitError() << "a depthwise block runs one thread per output: "
                            "tile_m x tile_n must be 32 x warps_m x warps_n";
    return success();
  }
  if (tileM <= 0 || tileM % (16 * warpsM) != 0)
    return emitError() << "tile_m must be a positive multiple of 16 x warps_m "
                          "(m16 tensor-core tiles per warp), got "
                       << tileM;
  if (tileN <= 0 || tileN % (16 * warpsN) != 0)
    return emitError() << "tile_n must be a positive multiple of 16 x warps_n "
                          "(pairs of n8 tensor-core tiles per warp), got "
                       << tileN;
  if (tileK != 32 && tileK != 64 && tileK != 128)
    return emitError() << "tile_k must be 32, 64 or 128 (k32 steps), got "
                       << tileK;
  if (stages < 2 || stages > 4)
    return emitError() << "stages must be in [2, 4], got " << stages;
  return success();
}
