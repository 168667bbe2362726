//===- Passes.td - dfq conversion passes -------------------*- tablegen -*-===//
//
// Passes that prepare quantized IR for a code generation target.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_CONVERSION_PASSES_TD
#define DFQ_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerToKernelsPass : Pass<"dfq-lower-to-kernels", "::mlir::func::FuncOp"> {
  let summary = "Choose layouts, weight packing and schedules for the "
                "quantized layers of a target";
  let description = [{
    Runs after `dfq-quantize`. Every `dfq.qconv2d` and `dfq.qgemm` becomes a
    kernel of the target: the pass decides how it is computed and records
    the decision on the op as a `dfq.kernel` dictionary, which the code
    generator (`dfq-compile --target x86` / `--target c`, through the
    backend in `lib/Targets`) implements and the per-layer report shows:

    | key | meaning |
    | --- | --- |
    | `target` | `x86-avx512-vnni`, `x86-avx2` or `c` |
    | `symbol` | the generated function, `dfq_kernel_<index>_<layer>` |
    | `layout` | activations: `nhwc` for convolutions (channels innermost, the axis the dot products reduce), `nk` for gemms |
    | `kind` | `dense` (output channels in vector lanes, input channels reduced 4 at a time: `vpdpbusd` on VNNI), `depthwise` (groups = C = O: channels in lanes, taps unrolled) or `grouped` (other groupings: a generic loop nest) |
    | `weight_storage` | `i8`, `i4x2` or `i2x4`: weights packed 8/b per byte (3-bit in 4-bit containers, 5..7-bit in bytes), unpacked in the kernel |
    | `tile` | `[output channels, output pixels]` of a register tile |
    | `pixel_tiles` | dense and depthwise convolutions: `row` when a tile's pixels are consecutive pixels of one output row (the tile divides the row: one input address plus constant offsets), `image` when they are numbered across the image row after row (no lanes wasted at the end of short rows, but each pixel's address is computed on its own; a depthwise tile is then one pixel) |
    | `parallel` | whether the kernel keeps Halide's parallel loop; the model library splits batches over threads itself and gives Halide's pool one thread, so this only changes code generation: `true` for gemms (their outlined channel-tile loop compiles to code about twice as fast), `false` for convolutions |
    | `epilogue` | what follows the dot product inside the kernel: `bias`, `requantize`, and `relu` / `clamp` when the output range saturates an activation function that `dfq-quantize` fused |
    | `fused` | with `fuse-residuals`: the float tail of a residual block that the kernel also computes, by op name in order: the `dfq.dequantize` of the layer's output, the dequantization of a quantized residual (when nothing else reads it), the `dfq.add` of the residual, a `dfq.relu` or `dfq.clip` of the sum, and up to 4 `dfq.quantize` of the result into unsigned per-tensor activations. Present only for such chains (see below) |

    Dense tiles use up to 4 vectors of 16 output channels (fewer for narrow
    layers, so no lanes are wasted on channels that do not exist; 3 when
    tiles of 3 pad fewer vectors, as for 96 or 80 channels) by up to
    24 accumulators' worth of pixels (of the 32 vector registers, leaving
    registers for the broadcast inputs and the weights; at most 16). Among
    those pixel counts the pass takes the one that best trades the weight
    loads amortized over the tile against pixels wasted in the last tile,
    and tiles along output rows when a divisor of the row width does about
    as well (row tiles address their inputs more cheaply). The whole function is also
    checked against what the target runs: float `dfq.conv2d`, `dfq.matmul`
    and `dfq.batch_norm`, signed or per-channel activations, and shapes that
    are dynamic beyond the batch are errors at the op. A float `dfq.gemm`
    (what `dfq-quantize` leaves for the layer that computes the network
    output) and the float ops between layers run on the host in f32.

    With `fuse-residuals`, a residual chain is fused when the layer's output is read only by a
    `dfq.dequantize`, that only by a `dfq.add` whose other operand (the
    residual, f32 of the same type) is computed earlier in the block by an
    op (not a constant or an argument), and that add by at most one
    `dfq.relu` / `dfq.clip`. The kernel reads the residual (the quantized
    activation itself when the residual is its dequantization), computes
    the chain in IEEE f32 exactly as the interpreter does, and writes the
    chain's result when anything else reads it and each fused quantization;
    the layer's own output and the sum are never stored. The x86 library
    leaves a recorded chain to host loops when the residual is in NCHW (a
    float produced by a pooling, transpose or concat) and counts it in
    `dfq-compile`'s report (`unfused_residual_chains`).

    For `target=c` (the portable C99 backend) a kernel is a plain loop nest:
    the dictionary has `target`, `symbol`, `layout`, `kind` and
    `weight_storage` (`i8` or `u8`: one weight per byte, signed or not)
    only; activations may be signed or unsigned (per tensor, at most 8
    bits), weights per tensor or per channel of any signedness, and
    `fuse-residuals` records nothing (the host computes residual chains).
  }];
  let options = [
    Option<"target", "target", "std::string", "\"x86-avx512-vnni\"",
           "Code generation target: x86-avx512-vnni, x86-avx2 or c">,
    Option<"fuseResiduals", "fuse-residuals", "bool", "false",
           "Record residual chains after layers as `fused`, to be computed "
           "in the kernel epilogues (off by default: not faster on the "
           "machines measured, see docs/x86.md)">,
  ];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
}

#endif // DFQ_CONVERSION_PASSES_TD
