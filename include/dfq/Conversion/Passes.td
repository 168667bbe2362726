//===- Passes.td - dfq conversion passes -------------------*- tablegen -*-===//
//
// Passes that prepare quantized IR for a code generation target.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_CONVERSION_PASSES_TD
#define DFQ_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertLayoutsPass : Pass<"dfq-convert-layouts", "::mlir::func::FuncOp"> {
  let summary = "Make the quantized convolutions channels-last and place "
                "the layout changes between them as dfq.transpose ops";
  let description = [{
    Runs after `dfq-quantize`, before `dfq-lower-to-kernels` (which takes
    only channels-last convolutions). Every `dfq.qconv2d` becomes
    `channels_last` (input and result `[N, H, W, C]`: the layout the kernels
    reduce over), between a `dfq.transpose` of its input to NHWC and one of
    its result back to NCHW. The transpositions are then moved down, as
    far as they go, through the ops that only look at elements:
    `dfq.quantize` and `dfq.dequantize` (per tensor), `dfq.relu`,
    `dfq.clip`, and `dfq.add` / `dfq.mul` of two operands of the same
    shape; through a binary op with a per-channel constant (at most one
    dimension above 1, as an unfoldable BatchNorm's affine `[C, 1, 1]`),
    whose shape is permuted along over the same data (`[1, 1, 1, C]`);
    through `dfq.max_pool2d`, which becomes `channels_last`
    when it reads a transposition back to NCHW; through `dfq.slice`, which
    then slices in the operand's layout (a ShuffleNet unit's halves); and
    through `dfq.concat` of
    operands all transposed the same way, which then joins them in their
    own layout (channels-last branches along their last dimension, as an
    Inception block or a DenseNet layer concatenates them). ShuffleNet's
    channel shuffle written in NCHW (view as `[N, g, C/g, H, W]`, swap the
    group axes, view back) of a channels-last value becomes the same
    shuffle channels-last (`[N, H, W, g, C/g]`, the last two axes swapped).
    A transposition
    moves only
    when every op reading it can take it;
    an add whose other operand is an NCHW value computed by an op takes it
    when the transposition is back to NCHW, by transposing that operand to
    NHWC right where it is computed (so the sum and what follows stay
    NHWC). Two transpositions in a row fold into one, and inverse pairs
    vanish: between two convolutions no transposition remains, and a
    residual network's float stream stays NHWC from one block to the next.
    What remains is a `dfq.transpose` in front of each op that reads NCHW
    (average pooling, flatten, softmax, the function's results) and after
    each NCHW value a channels-last op reads.

    The elements are never changed, only where they are stored: the module
    computes exactly what it computed before. The library generators store
    every tensor in the order of its type's dimensions and print each
    `dfq.transpose` as a copy, fused with the quantization before it, the
    dequantization before it, or the global average pooling after it when
    that op is its only reader, and as nothing when it only moves
    dimensions of size 1.
  }];
}

def LowerToKernelsPass : Pass<"dfq-lower-to-kernels", "::mlir::func::FuncOp"> {
  let summary = "Choose weight packing and schedules for the quantized "
                "layers of a target";
  let description = [{
    Runs after `dfq-quantize`. Every `dfq.qconv2d` and `dfq.qgemm` becomes a
    kernel of the target: the pass decides how it is computed and records
    the decision on the op as its `dfq.kernel` attribute, a typed schedule
    of the target's backend (`#dfq.x86_kernel` or `#dfq.c_kernel`, with
    verifiers; see the dialect reference), which the backend's generator
    (`dfq-compile --target x86` / `--target c`) reads and the per-layer
    report shows. Every field is decided here and only here; what follows
    from the types (layouts: convolutions must be `channels_last`, as
    `dfq-convert-layouts` makes them, gemms read `[n][k]`; the epilogue:
    bias, requantization, clamp to the output
    range; how the x86 generator packs sub-byte weights, which it chooses
    from the codes' range) is not repeated in the schedule.

    For x86 (`#dfq.x86_kernel<isa = ..., symbol = ..., kind = ...,
    tile_channels = ..., tile_pixels = ..., pixel_tiles = ..., parallel = ...,
    fused = [...]>`): `kind` is `dense` (output channels in vector lanes,
    input channels reduced 4 at a time: `vpdpbusd` on VNNI), `depthwise`
    (groups = C = O: channels in lanes, taps unrolled) or `grouped` (other
    groupings: a generic loop nest); the register tile is `tile_channels` x
    `tile_pixels`; `pixel_tiles = row` when a tile's pixels are consecutive
    pixels of one output row (the tile divides the row: one input address
    plus constant offsets), `image` (the default) when they are numbered
    across the image; `parallel` keeps Halide's parallel loop (the library
    splits batches over threads itself and gives Halide's pool one thread,
    so this only changes code generation: `true` for gemms, whose outlined
    channel-tile loop compiles to code about twice as fast); `fused`, with
    `fuse-residuals`, lists the float tail of a residual block that the
    kernel also computes (see below).

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
    op (not a constant or an argument, though an argument transposed by
    `dfq-convert-layouts` is an op), and that add by at most one
    `dfq.relu` / `dfq.clip`. The kernel reads the residual (the quantized
    activation itself when the residual is its dequantization), computes
    the chain in IEEE f32 exactly as the interpreter does, and writes the
    chain's result when anything else reads it and each fused quantization;
    the layer's own output and the sum are never stored. The decision is
    final: the library computes every recorded chain (run after
    `dfq-convert-layouts`, a residual is always in the layer's layout).

    For `target=c` (the portable C99 backend) a kernel is a plain loop nest:
    `#dfq.c_kernel<symbol = ..., kind = ...>`. Activations may be signed or
    unsigned (per tensor, at most 8 bits), weights per tensor or per
    channel of any signedness, and `fuse-residuals` records nothing (the
    host computes residual chains).

    For `target=cuda-sm80` / `cuda-sm90`: `#dfq.cuda_kernel<sm = ...,
    symbol = ..., kind = ..., tile_m = ..., tile_n = ..., tile_k = ...,
    warps_m = ..., warps_n = ..., stages = ...>` (see the dialect
    reference). Dense and grouped layers and gemms are implicit GEMMs on the
    tensor cores, one per group; layers with one input channel per group
    run on the CUDA cores. Activations must be unsigned and weights signed
    and symmetric (zero point 0). The block tile: one input channel per
    group, 256 threads over 64 channels x 4 pixels (32 x 8 up to 32
    channels); otherwise tile_n the widest of 128, 64, 32, 16 that the
    group's output channels fill at least half of, tile_m 128 (64 when
    tile_n <= 32), warps of 32 x 32 outputs, tile_k 64 (32 for reductions
    of at most 32), 3 cp.async stages (2 for at most two tile_k steps),
    reduced while they exceed the target's `buffer_bytes` of shared memory.
    With `fuse-residuals`, residual chains are recorded in `fused` as for
    x86, and the CUDA epilogues compute them from the residual in device
    memory (`dfq-compile` fuses them by default for CUDA).
  }];
  let options = [
    Option<"target", "target", "std::string", "\"x86-avx512-vnni\"",
           "Code generation target: x86-avx512-vnni, x86-avx2, c, "
           "cuda-sm80 or cuda-sm90">,
    Option<"fuseResiduals", "fuse-residuals", "bool", "false",
           "Record residual chains after layers as `fused`, to be computed "
           "in the kernel epilogues of the x86 and CUDA targets (off by "
           "default here; dfq-compile turns it on for CUDA)">,
  ];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
}

#endif // DFQ_CONVERSION_PASSES_TD
