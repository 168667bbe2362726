//===- DfqKernelAttrs.td - typed kernel schedules ----------*- tablegen -*-===//
//
// What dfq-lower-to-kernels decides for each quantized layer, per backend,
// as typed attributes with verifiers: the `dfq.kernel` attribute of a
// dfq.qconv2d / dfq.qgemm. Every field is decided once, by the lowering
// pass, and read by the backend's generator.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_KERNEL_ATTRS_TD
#define DFQ_KERNEL_ATTRS_TD

include "DfqBase.td"
include "DfqAttrInterfaces.td"
include "mlir/IR/EnumAttr.td"

def Dfq_KernelKind : I32EnumAttr<"KernelKind",
    "how a layer's kernel is organised", [
      I32EnumAttrCase<"Dense", 0, "dense">,
      I32EnumAttrCase<"Depthwise", 1, "depthwise">,
      I32EnumAttrCase<"Grouped", 2, "grouped">
    ]> {
  let cppNamespace = "::mlir::dfq";
  let genSpecializedAttr = 0;
}

def Dfq_PixelTiles : I32EnumAttr<"PixelTiles",
    "which output pixels a register tile holds", [
      I32EnumAttrCase<"Image", 0, "image">,
      I32EnumAttrCase<"Row", 1, "row">
    ]> {
  let cppNamespace = "::mlir::dfq";
  let genSpecializedAttr = 0;
}

def Dfq_TileOrder : I32EnumAttr<"TileOrder",
    "which loop over register tiles is outermost", [
      I32EnumAttrCase<"Pixels", 0, "pixels">,
      I32EnumAttrCase<"Channels", 1, "channels">
    ]> {
  let cppNamespace = "::mlir::dfq";
  let genSpecializedAttr = 0;
}

def Dfq_X86Isa : I32EnumAttr<"X86Isa",
    "the x86 instruction set a kernel is compiled for", [
      I32EnumAttrCase<"Avx512Vnni", 0, "avx512_vnni">,
      I32EnumAttrCase<"Avx2", 1, "avx2">
    ]> {
  let cppNamespace = "::mlir::dfq";
  let genSpecializedAttr = 0;
}

def Dfq_X86KernelAttr : Dfq_Attr<"X86Kernel", "x86_kernel",
    [Dfq_KernelScheduleAttrInterface]> {
  let summary = "How an x86 Halide kernel computes one layer";
  let description = [{
    - `isa`: `avx512_vnni` (512-bit `vpdpbusd`) or `avx2`.
    - `symbol`: the generated function, `dfq_kernel_<index>_<layer>`.
    - `kind`: `dense` (output channels in vector lanes, input channels
      reduced 4 at a time), `depthwise` (groups = C = O: channels in lanes,
      taps unrolled) or `grouped` (other groupings: a generic loop nest).
    - `tile_channels` x `tile_pixels`: the register tile; `tile_channels` a
      multiple of the vector width (16 lanes on VNNI, 8 on AVX2).
    - `pixel_tiles`: `row` when a tile's pixels are consecutive pixels of
      one output row (`tile_pixels` divides the row), `image` (default)
      when they are numbered across the image.
    - `outer_tiles`: `pixels` (default) when each pixel tile runs every
      channel tile, so that the layer's weights stream through once per
      pixel tile; `channels` when each channel tile runs every pixel tile,
      so that its slice of the weights stays in cache while the input
      streams (dense convolutions with `pixel_tiles = image`, for layers
      whose weights outgrow the caches).
    - `parallel`: whether the kernel keeps Halide's parallel loop.
    - `fused`: the float tail of a residual block the kernel also computes
      (op names in order), when the host can; absent otherwise.

    ```mlir
    #dfq.x86_kernel<isa = avx512_vnni, symbol = "dfq_kernel_0_conv1",
                    kind = dense, tile_channels = 16, tile_pixels = 14,
                    pixel_tiles = row, parallel = false>
    ```
  }];
  let parameters = (ins
    EnumParameter<Dfq_X86Isa>:$isa,
    StringRefParameter<"the kernel's C symbol">:$symbol,
    EnumParameter<Dfq_KernelKind>:$kind,
    "int64_t":$tile_channels,
    "int64_t":$tile_pixels,
    DefaultValuedParameter<"::mlir::dfq::PixelTiles",
                           "::mlir::dfq::PixelTiles::Image",
                           "which pixels a tile holds">:$pixel_tiles,
    DefaultValuedParameter<"::mlir::dfq::TileOrder",
                           "::mlir::dfq::TileOrder::Pixels",
                           "which tile loop is outermost">:$outer_tiles,
    "bool":$parallel,
    OptionalParameter<"::mlir::ArrayAttr">:$fused
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    std::string getTargetName() const {
      return getIsa() == ::mlir::dfq::X86Isa::Avx2 ? "x86-avx2"
                                                   : "x86-avx512-vnni";
    }
  }];
}

def Dfq_CKernelAttr : Dfq_Attr<"CKernel", "c_kernel",
    [Dfq_KernelScheduleAttrInterface]> {
  let summary = "A portable C99 kernel: a plain loop nest";
  let description = [{
    The C backend's kernels need no schedule beyond their name and kind:
    ```mlir
    #dfq.c_kernel<symbol = "dfq_kernel_0_conv1", kind = dense>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"the kernel's C symbol">:$symbol,
    EnumParameter<Dfq_KernelKind>:$kind
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    std::string getTargetName() const { return "c"; }
    /// Residual chains stay on the host.
    ::mlir::ArrayAttr getFused() const { return {}; }
  }];
}

def Dfq_CudaKernelAttr : Dfq_Attr<"CudaKernel", "cuda_kernel",
    [Dfq_KernelScheduleAttrInterface]> {
  let summary = "How a generated CUDA kernel computes one layer";
  let description = [{
    - `sm`: the compute capability it is generated for (80: Ampere,
      90: Hopper); the target is `cuda-sm<sm>`.
    - `symbol`: the host function that launches it,
      `dfq_kernel_<index>_<layer>`.
    - `kind`: `dense` and `grouped` (one implicit GEMM per group, the group
      in `blockIdx.z`) run on the tensor cores: a thread block computes a
      `tile_m` x `tile_n` tile of output pixels x output channels, reducing
      `tile_k` bytes of the im2col'ed input per step with `mma.sync`
      m16n8k32 (u8 x s8 -> s32), its warps arranged `warps_m` x `warps_n`,
      the input and weight tiles fetched by `cp.async` into `stages`
      shared-memory buffers ahead of the tensor cores and read back with
      `ldmatrix`. `depthwise` (one input channel per group) runs on the
      CUDA cores: one thread per output, `tile_m` pixels x `tile_n`
      channels per block of `32 * warps_m * warps_n` threads; `stages` is
      0 for it, and `tile_k` the taps one instruction reduces: 0 for an
      int32 multiply-add per tap (the default choice), 4 for `dp4a` over
      four taps (u8 x s8 bytes packed into words, the input zero point
      folded into the bias).
    - `fused`: the float tail of a residual block (dequantize, add, ReLU or
      clip, quantizations; op names in order) that the kernel's epilogue
      also computes, reading the residual from device memory; absent
      otherwise.

    ```mlir
    #dfq.cuda_kernel<sm = 90, symbol = "dfq_kernel_3_conv2", kind = dense,
                     tile_m = 128, tile_n = 64, tile_k = 64, warps_m = 4,
                     warps_n = 2, stages = 3>
    ```
  }];
  let parameters = (ins
    "int64_t":$sm,
    StringRefParameter<"the kernel's C symbol">:$symbol,
    EnumParameter<Dfq_KernelKind>:$kind,
    "int64_t":$tile_m,
    "int64_t":$tile_n,
    "int64_t":$tile_k,
    "int64_t":$warps_m,
    "int64_t":$warps_n,
    "int64_t":$stages,
    OptionalParameter<"::mlir::ArrayAttr">:$fused
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    std::string getTargetName() const {
      return "cuda-sm" + std::to_string(getSm());
    }
    /// The shared memory a block uses: every stage holds a tile_m x tile_k
    /// input tile and a tile_n x tile_k weight tile, each row padded by 16
    /// bytes so that ldmatrix reads eight rows from distinct banks.
    int64_t getSharedBytes() const {
      return getKind() == ::mlir::dfq::KernelKind::Depthwise
                 ? 0
                 : getStages() * (getTileM() + getTileN()) *
                       (getTileK() + 16);
    }
  }];
}

#endif // DFQ_KERNEL_ATTRS_TD
