//===- HalideLayerPipeline.h - a layer kernel's pipeline state --*- C++ -*-===//
//
// LayerKernel::Impl: one layer's Halide pipeline and what it is built from,
// shared by the translation units of LayerKernel. HalideLayerKernel.cpp
// checks the spec and compiles the pipeline (just in time or to an object,
// with the instruction check); HalideLayerPipeline.cpp builds what every
// schedule shares (the per-channel constants, the padded input,
// requantization, the residual epilogue, the buffer shapes) and the
// depthwise and grouped schedules; HalideDenseLayer.cpp builds the dense
// schedule of convolutions and gemms. Included only by Halide translation
// units.
//
// Arithmetic. With x' the input (padded taps read the input zero point zx)
// and w' = w - zw[o] the weights relative to their zero point,
//
//   acc[o] = bias[o] + sum (x' - zx) w' = bias[o] - zx sum(w') + sum x' w'
//
// so the inner loop is a u8 x s8 dot product (vpdpbusd) and the rest is a
// per-channel constant `base`. w' is stored whenever it fits the container
// (always for 2..7-bit weights with in-range zero points); otherwise (8-bit
// weights with a zero point) w itself is stored and the kernel subtracts
// zw[o] * sum(x') per pixel. The combination is done modulo 2^32: every
// term is exact modulo 2^32 and docs/design.md guarantees that acc itself
// fits int32, so the wrapped sum is acc exactly.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_LIB_TARGETS_X86_HALIDELAYERPIPELINE_H
#define DFQ_LIB_TARGETS_X86_HALIDELAYERPIPELINE_H

#include "dfq/Targets/X86/LayerKernel.h"

#include "Halide.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mlir::dfq::x86 {

/// a rounded up to a multiple of b.
inline int64_t roundUp(int64_t a, int64_t b) { return (a + b - 1) / b * b; }

/// A table of one layer's constants (its packed weights, a per-channel
/// parameter): the values are filled in when the pipeline is built, but the
/// pipeline reads them through an input of the same shape, so that its code
/// does not depend on them and layers with the same code key share one
/// compiled kernel (each passing its own tables). Integer arguments write
/// the values, Halide expressions read the input.
template <typename T> class Table {
public:
  Table() = default;
  Table(Halide::Buffer<T> data, Halide::ImageParam param)
      : data(std::move(data)), param(std::move(param)) {}

  template <typename... Args> T &operator()(int first, Args... rest) {
    return data(first, rest...);
  }
  template <typename... Args>
  Halide::Expr operator()(Halide::Expr first, Args &&...rest) const {
    return param(std::move(first), std::forward<Args>(rest)...);
  }
  void fill(T value) { data.fill(value); }

private:
  Halide::Buffer<T> data;
  Halide::ImageParam param;
};

struct LayerKernel::Impl {
  LayerKernelSpec spec;
  Halide::ImageParam input{Halide::UInt(8), 4, "input"};
  /// The residual epilogue's residual (defined when it has one).
  Halide::ImageParam residual;
  Halide::Func output{"output"};
  Halide::Pipeline pipeline;
  Halide::Target jitTarget;
  bool jitCompiled = false;
  std::string description;

  /// Every table made, with the pipeline input that reads it.
  struct TableInput {
    Halide::Buffer<> data;
    Halide::ImageParam param;
  };
  std::vector<TableInput> tables;
  void build();
  /// A new table of `shape` (innermost first, dense), named after what it
  /// holds (not after the layer: the name is part of the code key).
  template <typename T>
  Table<T> makeTable(const std::string &name, std::vector<int> shape) {
    Halide::Buffer<T> data(shape, name);
    Halide::ImageParam param(Halide::type_of<T>(), int(shape.size()), name);
    int stride = 1;
    for (size_t d = 0; d < shape.size(); ++d) {
      param.dim(int(d)).set_min(0).set_extent(shape[d]).set_stride(stride);
      stride *= shape[d];
    }
    param.set_host_alignment(kTableAlignment);
    tables.push_back({data, param});
    return Table<T>(data, param);
  }
  /// The tables the pipeline reads, in the order they were made (others
  /// were built but are not arguments). Set by build().
  std::vector<size_t> usedTables;
  /// What the generated code depends on besides the tables' values (see
  /// LayerKernel::codeKey). Set by build().
  std::string codeKey;
  /// The target this pipeline is compiled for: halideTargetFor(isa), less
  /// avx512_sapphirerapids where the pipeline has no dot products (it sets
  /// -mcpu=sapphirerapids, under which LLVM picks AVX512-FP16 moves that
  /// AVX-512 VNNI CPUs such as Zen 4 lack).
  Halide::Target codeTarget() const;
  /// Compiles the pipeline to assembly and sets `bad` to the first
  /// instruction forbiddenInstruction rejects (empty when none); false with
  /// `error` set when compilation fails.
  bool checkInstructions(std::string &bad, std::string &error);
  /// The code key of the pipeline as built (see LayerKernel::codeKey).
  std::string makeCodeKey() const;
  /// The pipeline's arguments: the input, the residual if any, the tables
  /// it reads.
  std::vector<Halide::Argument> arguments() const;

private:
  int lanes() const { return spec.isa == Isa::Avx512Vnni ? 16 : 8; }
  /// Whether some window reads outside the input (padding).
  bool needsPadding() const;
  /// The input with `channels` channels (>= c): past the input, spatially
  /// and along channels, it reads the input zero point. The input itself
  /// when nothing is out of range (and not `always`); otherwise a copy
  /// computed per image.
  Halide::Func paddedInput(int64_t channels, bool always = false);
  /// The input with the zero point outside it, not materialized.
  Halide::Func exteriorInput();
  Halide::Expr requantize(Halide::Expr acc32, Halide::Expr o);
  /// output(o, x, y, n) = the requantized q, or the residual epilogue of q.
  void defineOutput(Halide::Var o, Halide::Var xv, Halide::Var yv,
                    Halide::Var n, Halide::Expr q);
  void buildDense();
  void buildDepthwise();
  bool buildDepthwiseDotProducts();
  /// Calls visit(channel, kernel row, kernel column, w - zw) for every
  /// depthwise weight and sets `base` to bias - zx sum(w - zw).
  void visitDepthwiseWeights(
      const std::function<void(int64_t, int64_t, int64_t, int64_t)> &visit);
  /// Pixels of a depthwise register tile: tilePixels with row tiles, else 1.
  int depthwiseTilePixels() const;
  /// Splits the output into register tiles of one vector of channels by
  /// tileP pixels of a row and computes `acc`'s initial value per tile
  /// (the caller schedules its update).
  void tileDepthwiseOutput(Halide::Func acc, Halide::Var o, Halide::Var xv,
                           Halide::Var yv, Halide::Var n, int tileP);
  void buildGrouped();

  /// Per-channel constants, padded with neutral values to `paddedO`.
  int64_t paddedO = 0;
  Table<int32_t> base, weightZero, multiplier, shift;
  /// [input zero point, output zero point].
  Table<int32_t> zeroPoints;
  Table<int64_t> rounding;
  /// For the 32-bit path (highHalfRequant): 2^(sh-33) and sh - 32.
  Table<int32_t> roundingHigh, shiftHigh;
  /// The dense schedule's weight container bits and whether the weights
  /// are stored relative to their zero points (buildDense).
  int denseContainerBits = 0;
  bool denseFolded = false;
  bool uniformRequant = false;
  /// Whether every shift is at least 33, so that requantization works on
  /// the high half of the 64-bit product in 32-bit lanes.
  bool highHalfRequant = false;
  /// A depthwise kernel built on vpdpbusd (buildDepthwiseDotProducts).
  bool depthwiseDotProducts = false;
  Halide::Func padded;
};

} // namespace mlir::dfq::x86

#endif // DFQ_LIB_TARGETS_X86_HALIDELAYERPIPELINE_H
