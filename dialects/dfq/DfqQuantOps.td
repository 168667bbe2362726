//===- DfqQuantOps.td - dfq quantized ops ------------------*- tablegen -*-===//
//
// Ops on quantized tensors. Quantized tensors have an upstream
// `!quant.uniform` element type whose storage type is 2 to 8 bits wide.
// The integer semantics below are normative (docs/design.md).
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_QUANT_OPS_TD
#define DFQ_QUANT_OPS_TD

include "DfqBase.td"
include "DfqAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Dfq_Float : RankedTensorOf<[F32, F16, BF16, F64]>;

def Dfq_QuantizeOp : Dfq_Op<"quantize", [Pure]> {
  let summary = "Float to quantized: round half to even, then saturate";
  let description = [{
    `q = clamp(round_half_even(x / scale) + zero_point, qmin, qmax)`,
    computed in f32 with `scale` rounded to f32, per tensor or per channel
    along the quantized type's axis. `[qmin, qmax]` is the storage type's
    range.

    `params` records the parameters and their provenance; the result's
    `!quant.uniform` element type must be exactly the one they describe.

    ```mlir
    %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric,
           scales = [0.5], zero_points = [3]>}
         : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
    ```
  }];
  let arguments = (ins Dfq_Float:$input, Dfq_QParamsAttr:$params);
  let results = (outs Dfq_QuantTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Dfq_DequantizeOp : Dfq_Op<"dequantize", [Pure]> {
  let summary = "Quantized to float: `(q - zero_point) * scale`";
  let description = [{
    `x = (q - zero_point) * scale`, computed in f32 with `scale` rounded to
    f32, per tensor or per channel. The result's element type is the
    quantized type's expressed type.
  }];
  let arguments = (ins Dfq_QuantTensor:$input);
  let results = (outs Dfq_Float:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Dfq_QConstantOp : Dfq_Op<"qconstant", [Pure, ConstantLike]> {
  let summary = "Constant quantized tensor (integer weights)";
  let description = [{
    Holds the stored integers of a quantized constant, normally weights.
    `value` is an integer `dense` or `dense_resource` attribute of the same
    shape; every element must lie in the storage range of the result type
    (checked for `dense` values, and for `dense_resource` blobs that are
    present). `params`, when given, must describe the result type.

    ```mlir
    %w = dfq.qconstant dense<[[1, -2], [3, 7]]> : tensor<2x2xi8>
         : tensor<2x2x!quant.uniform<i4:f32:0, {0.1, 0.2}>>
    ```
  }];
  let arguments = (ins ElementsAttr:$value, OptionalAttr<Dfq_QParamsAttr>:$params);
  let results = (outs Dfq_QuantTensor:$result);
  let assemblyFormat = "$value attr-dict `:` type($result)";
  let hasVerifier = 1;
  // Its value, so that rewrite drivers unique constants by value.
  let hasFolder = 1;
}

class Dfq_RequantOp<string mnemonic> : Dfq_Op<mnemonic, [Pure]> {
  code requantDescription = [{
    Integer semantics (all backends, bit for bit):
    ```
    acc[o]  = bias[o] + sum (x - zp_x) * (w - zp_w[o])      // exact in int32
    y       = zp_y + ((acc[o] * multiplier[o] + 2^(shift[o]-1)) >> shift[o])
    result  = clamp(y, qmin_y, qmax_y)
    ```
    The product `acc * multiplier` is formed in int64 and `>>` is an
    arithmetic shift, so requantization rounds half toward positive infinity
    (no rounding when `shift` is 0). `multiplier` and `shift` hold one entry,
    or one per output channel. `multiplier` lies in `[1, 2^31 - 1]`, `shift`
    in `[0, 62]`, and `multiplier * 2^-shift` must equal
    `scale_x * scale_w[o] / scale_y` to a relative error of at most 2^-10
    (targets may round the multiplier to fewer bits than 31).

    `bias` (optional) is int32 at scale `scale_x * scale_w[o]` with zero
    point 0. The input and result are quantized per tensor; the weight per
    tensor or per output channel (axis 0). Every storage type is 2 to 8 bits.
  }];
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Dfq_QConv2DOp : Dfq_RequantOp<"qconv2d"> {
  let summary = "Quantized 2-D convolution with integer requantization";
  let description = [{
    The integer counterpart of `dfq.conv2d` (same attributes, same shapes).
    With `channels_last` the input and the result are `[N, H, W, C]`
    instead of `[N, C, H, W]` (the weight stays `[O, I / groups, KH, KW]`);
    dfq-convert-layouts sets it, with the transpositions around the layer,
    for the kernels, which reduce over channels stored contiguously.
  }] # requantDescription;
  let arguments = (ins
    Dfq_QuantTensor:$input,
    Dfq_QuantTensor:$weight,
    Optional<1DTensorOf<[I32]>>:$bias,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
    DefaultValuedAttr<I64Attr, "1">:$groups,
    DenseI32ArrayAttr:$multiplier,
    DenseI32ArrayAttr:$shift,
    UnitAttr:$channels_last
  );
  let results = (outs Dfq_QuantTensor:$result);
  let extraClassDeclaration = [{
    /// The input's and the result's shapes in NCHW order, whatever the
    /// layout.
    ::llvm::SmallVector<int64_t, 4> getInputShapeNchw();
    ::llvm::SmallVector<int64_t, 4> getResultShapeNchw();
  }];
}

def Dfq_QGemmOp : Dfq_RequantOp<"qgemm"> {
  let summary = "Quantized fully connected layer with integer requantization";
  let description = [{
    The integer counterpart of `dfq.gemm`: `input` `[N, K]` (or
    `[N, ..., K]`, every row alike), `weight` `[O, K]`, `bias` `[O]`,
    result `[N, O]` (or `[N, ..., O]`).
  }] # requantDescription;
  let arguments = (ins
    Dfq_QuantTensor:$input,
    Dfq_QuantTensor:$weight,
    Optional<1DTensorOf<[I32]>>:$bias,
    DenseI32ArrayAttr:$multiplier,
    DenseI32ArrayAttr:$shift
  );
  let results = (outs Dfq_QuantTensor:$result);
}

def Dfq_QAvgPool2DOp : Dfq_Op<"qavg_pool2d", [Pure]> {
  let summary = "Integer average pooling with integer requantization";
  let description = [{
    The integer counterpart of `dfq.avg_pool2d` with `count_include_pad`
    (and of `dfq.global_avg_pool`, whose window is the whole `H x W`).
    Integer semantics (all backends, bit for bit), for every window of
    `k = kernel_shape[0] * kernel_shape[1]` positions:
    ```
    acc    = sum over the window's positions inside the input of (x - zp_x)
    y      = zp_y + ((acc * multiplier + 2^(shift-1)) >> shift)
    result = clamp(y, qmin_y, qmax_y)
    ```
    Padding positions stand for the real value 0 and add nothing to `acc`,
    but count in the divisor `k`, which `multiplier * 2^-shift` holds:
    it must equal `scale_x / (k * scale_y)` to a relative error of at most
    2^-10, with `multiplier` in `[1, 2^31 - 1]` and `shift` in `[0, 62]`.
    `acc` is exact in int32 (a window holds fewer than 2^23 positions),
    the product is formed in int64 and `>>` is an arithmetic shift, so the
    result rounds half toward positive infinity, as the convolutions'
    requantization does. The input and the result are quantized per tensor,
    each with its own parameters (the result's range is usually narrower).

    Windows never extend past the end padding (no `ceil_mode`), so every
    window has the same divisor. With `channels_last` the input and the
    result are `[N, H, W, C]` instead of `[N, C, H, W]`.

    ```mlir
    %p = dfq.qavg_pool2d %q {kernel_shape = array<i64: 7, 7>,
           multiplier = 1753047876 : i32, shift = 35 : i32}
         : (tensor<1x512x7x7x!quant.uniform<u8:f32, 0.05:0>>)
        -> tensor<1x512x1x1x!quant.uniform<u8:f32, 0.02:0>>
    ```
  }];
  let arguments = (ins
    4DTensorOf<[Dfq_UniformQuantized]>:$input,
    DenseI64ArrayAttr:$kernel_shape,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
    I32Attr:$multiplier,
    I32Attr:$shift,
    UnitAttr:$channels_last
  );
  let results = (outs 4DTensorOf<[Dfq_UniformQuantized]>:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // DFQ_QUANT_OPS_TD
