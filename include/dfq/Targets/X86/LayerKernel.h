//===- LayerKernel.h - one quantized layer as an ahead-of-time kernel -*- C++
//-*-===//
//
// A dfq.qconv2d or dfq.qgemm whose weights and per-channel parameters are
// known at compile time, as a Halide pipeline specialized to its shape: the
// weights are packed into the layout the schedule reads, and they and the
// per-channel parameters become tables (KernelTable) that the kernel takes
// as arguments. Its code depends only on its code key (codeKey), so layers
// of the same shape share one compiled kernel.
//
// Layout: activations are NHWC u8 (a gemm is the 1x1 case: input [n][k],
// output [n][o]); weights are given as the IR stores them, [o][c/groups]
// [kh][kw] (gemm: [o][k]), signed, in the range of `weightBits`. The
// arithmetic is docs/design.md's normative integer semantics, bit for bit.
//
// The same pipeline is JIT-compiled for tests and benchmarks (`run`) or
// compiled to an object file for a model library (`compileToObject`), which
// defines
//
//   extern "C" int NAME(struct halide_buffer_t *input,
//                       struct halide_buffer_t *table_0, ...,
//                       struct halide_buffer_t *output);
//
// or, with a residual epilogue (ResidualEpilogue),
//
//   extern "C" int NAME(struct halide_buffer_t *input,
//                       struct halide_buffer_t *residual,
//                       struct halide_buffer_t *table_0, ...,
//                       struct halide_buffer_t *output_0, ...);
//
// with the tables in the order of `tables()`, each dense, at its first
// element, aligned to kTableAlignment bytes,
// and Halide's buffer dimensions innermost first: input (c, w, h, n),
// output (o, outW, outH, n); the batch extent n is free, every other extent
// is checked against the spec, except that a convolution (outH * outW > 1)
// computes whatever range of output rows within [0, outH) its output buffer
// describes (min and extent of outH; host at its first element), which is
// how threads share a layer; a residual and the epilogue's outputs are
// described like the output (same row range). The object contains no Halide
// runtime; link one from emitHalideRuntimeObject.
//
// Plain C++ interface: Halide (RTTI, exceptions, LLVM 14) stays inside
// DfqX86Kernels.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TARGETS_X86_LAYERKERNEL_H
#define DFQ_TARGETS_X86_LAYERKERNEL_H

#include "dfq/Targets/LayerSpec.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlir::dfq::x86 {

/// A table of constants a kernel takes (LayerKernel::tables).
struct KernelTable {
  /// What it holds ("weights", "base", "multiplier", ...).
  std::string name;
  /// The element type as Halide's type code (0: signed, 1: unsigned) and
  /// bits (8, 32 or 64).
  int typeCode = 0, bits = 8;
  /// Extents, innermost first; the table is dense.
  std::vector<int> shape;
  /// The values, little-endian: the product of `shape` times bits / 8.
  std::vector<uint8_t> bytes;
};
/// The alignment the kernels assume of a table's first element.
constexpr int kTableAlignment = 64;

/// The instruction sets a kernel can be compiled for.
enum class Isa {
  /// AVX-512 with VNNI (vpdpbusd); dot products are kept 512 bits wide so
  /// that CPUs with only the EVEX form (AMD Zen 4) run them.
  Avx512Vnni,
  /// AVX2 + FMA, no VNNI (vpmaddubsw/vpmaddwd or widening multiplies).
  Avx2,
};

/// Parses "x86-avx512-vnni" / "x86-avx2"; false for anything else.
bool parseIsa(const std::string &name, Isa &isa);
const char *isaName(Isa isa);
/// Whether the CPU this process runs on can execute kernels built for `isa`.
bool hostSupports(Isa isa);
/// The Halide target string used for `isa` (ahead-of-time, no host
/// detection): what the generated objects are compiled for.
std::string halideTargetFor(Isa isa);

/// Schedule decisions, made by dfq-lower-to-kernels and recorded on the op
/// as attributes; the kernel implements them.
struct LayerSchedule {
  enum class Kind {
    /// Direct convolution / gemm: output channels in vector lanes, input
    /// channels reduced 4 at a time (vpdpbusd on Avx512Vnni).
    Dense,
    /// One input channel per output channel (groups == c == o): channels
    /// in vector lanes, taps unrolled.
    Depthwise,
    /// Any other grouping: a correct, unspecialized loop nest.
    Grouped,
  };
  Kind kind = Kind::Dense;
  /// Output channels per register tile (a multiple of the vector width).
  int tileChannels = 64;
  /// Output pixels (gemm: rows) per register tile.
  int tilePixels = 6;
  /// Which pixels a dense or depthwise convolution's register tile holds
  /// (depthwise: Image means one pixel per tile).
  enum class PixelTiles {
    /// tilePixels consecutive pixels of the image (q = y * outW + x), rows
    /// wrapping: no lanes wasted at the end of short rows, but each pixel's
    /// input address is computed on its own.
    Image,
    /// tilePixels consecutive pixels of one output row (tilePixels divides
    /// outW): one input address plus constant offsets.
    Row,
  };
  PixelTiles pixelTiles = PixelTiles::Image;
  /// Dense convolutions with image tiles: the loop over channel tiles is
  /// outside the loop over pixel tiles, so that a channel tile's weights
  /// stay in cache while the input streams through (by default the weights
  /// stream once per pixel tile).
  bool channelTilesOuter = false;
  /// Parallelize over the batch and output rows.
  bool parallel = true;
};

/// The epilogue every backend shares (dfq/Targets/LayerSpec.h).
using ResidualEpilogue = dfq::ResidualEpilogue;

/// A layer as the Halide generator builds it: the host compiler's LayerSpec
/// narrowed to what these kernels take (signed weights of at most 8 bits,
/// unsigned activations) plus the x86 schedule.
struct LayerKernelSpec : LayerGeometry {
  /// The symbol of the generated function (a C identifier).
  std::string name;
  Isa isa = Isa::Avx512Vnni;
  LayerSchedule schedule;
  /// Storage bits of the weights (2..8, signed); 2- and 4-bit weights (and
  /// 3-bit ones, in 4-bit containers) are packed per docs/design.md's
  /// "Sub-byte storage and packing" and unpacked in the kernel.
  int weightBits = 8;
  /// Storage bits of the activations (2..8, unsigned, one per byte).
  int activationBits = 8;
  /// [o][c/groups][kh][kw] signed weights.
  std::vector<int8_t> weights;
  /// One entry per output channel each (per-tensor parameters repeated).
  std::vector<int32_t> bias, multiplier, shift, weightZeroPoint;
  int32_t inputZeroPoint = 0, outputZeroPoint = 0;
  int32_t outputMin = 0, outputMax = 255;
  /// A residual epilogue replaces the u8 output by its outputs.
  ResidualEpilogue epilogue;
};

class LayerKernel {
public:
  /// Builds the pipeline; false-y with `error` set when the spec is
  /// inconsistent (shapes, parameter counts, bits, shifts outside [0, 62],
  /// weights outside their range) or Halide rejects it.
  static std::unique_ptr<LayerKernel> create(const LayerKernelSpec &spec,
                                             std::string &error);
  ~LayerKernel();

  /// JIT-compiles on first use and runs `n` images: `input` is
  /// [n][h][w][c], `output` [n][outH][outW][o], both u8.
  bool run(const uint8_t *input, int64_t n, uint8_t *output,
           std::string &error);
  /// The same with a residual epilogue: `residual` is [n][outH][outW][o]
  /// (f32 or u8), `outputs` the epilogue's outputs in order, each
  /// [n][outH][outW][o] (f32 or u8).
  bool run(const uint8_t *input, int64_t n, const void *residual,
           const std::vector<void *> &outputs, std::string &error);

  /// Writes an object file defining the function described above. With
  /// `checkAssembly`, the assembly of the same LLVM module is written too and
  /// checked for instructions outside the ISA (see forbiddenInstruction);
  /// without it, that check is the caller's, on the object's disassembly
  /// (LLVM's code generation runs once instead of twice).
  bool compileToObject(const std::string &path, std::string &error,
                       bool checkAssembly = true);

  /// A one-line description of the schedule as built (for reports).
  std::string describe() const;

  /// The tables the kernel takes, in argument order.
  std::vector<KernelTable> tables() const;
  /// Everything the generated code depends on but the tables' values (the
  /// shape, schedule, instruction set, output range, a per-tensor
  /// requantization, the epilogue, and the choices made from the values,
  /// such as the weights' container bits; the zero points are a table):
  /// kernels with equal keys compile to the same code, and either's object
  /// serves both, called with its own tables.
  std::string codeKey() const;

private:
  LayerKernel();
  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// What generates the kernels' code besides their code keys: this
/// executable and the Halide library it loaded (paths, sizes, modification
/// times). Kernel caches key their objects by it, so that a rebuilt dfq or
/// an upgraded Halide compiles afresh.
std::string kernelGeneratorIdentity();

/// Writes an object file with Halide's runtime for `isa` (thread pool,
/// allocation, error reporting), to link once per model library.
bool emitHalideRuntimeObject(Isa isa, const std::string &path,
                             std::string &error);

/// The first instruction in `assembly` (LLVM's AT&T assembly or llvm-objdump's
/// disassembly) that a CPU with AVX-512 VNNI and nothing newer lacks; empty
/// when there is none.
std::string forbiddenInstruction(const std::string &assembly);

} // namespace mlir::dfq::x86

#endif // DFQ_TARGETS_X86_LAYERKERNEL_H
