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
