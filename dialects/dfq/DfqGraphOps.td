//===- DfqGraphOps.td - dfq float graph ops ----------------*- tablegen -*-===//
//
// Float ops for CNN and MLP graphs, one per ONNX operator dfq imports.
// Activations are NCHW. Attribute conventions follow ONNX: `pads` is
// [top, left, bottom, right].
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_GRAPH_OPS_TD
#define DFQ_GRAPH_OPS_TD

include "DfqBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Dfq_FloatTensor : RankedTensorOf<[F32, F16, BF16, F64]>;
def Dfq_Float4DTensor : 4DTensorOf<[F32, F16, BF16, F64]>;
def Dfq_Float1DTensor : 1DTensorOf<[F32, F16, BF16, F64]>;

class Dfq_GraphOp<string mnemonic, list<Trait> traits = []>
    : Dfq_Op<mnemonic, !listconcat([Pure], traits)>;

// Ops whose result type is computed from operand types and attributes.
class Dfq_InferredGraphOp<string mnemonic, list<Trait> traits = []>
    : Dfq_GraphOp<mnemonic, !listconcat([InferTypeOpAdaptor], traits)>;

//===----------------------------------------------------------------------===//
// Layers with parameters.
//===----------------------------------------------------------------------===//

def Dfq_Conv2DOp : Dfq_InferredGraphOp<"conv2d"> {
  let summary = "2-D convolution, grouped and depthwise included";
  let description = [{
    `result[n, o, y, x] = bias[o] + sum_{c, i, j} input[n, g*C/G + c,
    y*sh - pt + i*dh, x*sw - pl + j*dw] * weight[o, c, i, j]` where `g` is the
    group of output channel `o`, out-of-range input positions read 0.

    - `input`: `[N, C, H, W]`; `weight`: `[O, C/groups, KH, KW]`;
      `bias` (optional): `[O]`.
    - `groups` divides both `C` and `O`; `groups == C == O` is depthwise.
    - `strides` `[sh, sw]`, `dilations` `[dh, dw]`, `pads`
      `[top, left, bottom, right]` as in ONNX.

    ```mlir
    %y = dfq.conv2d %x, %w, %b {strides = array<i64: 2, 2>,
           pads = array<i64: 1, 1, 1, 1>}
         : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>)
           -> tensor<1x16x16x16xf32>
    ```
  }];
  let arguments = (ins
    Dfq_Float4DTensor:$input,
    Dfq_Float4DTensor:$weight,
    Optional<Dfq_Float1DTensor>:$bias,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
    DefaultValuedAttr<I64Attr, "1">:$groups
  );
  let results = (outs Dfq_Float4DTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Dfq_ConvTranspose2DOp : Dfq_InferredGraphOp<"conv_transpose2d"> {
  let summary = "2-D transposed convolution, as ONNX ConvTranspose";
  let description = [{
    Every input element scatters into the result:
    `result[n, o, y*sh - pt + i*dh, x*sw - pl + j*dw] += input[n, c, y, x] *
    weight[c, o - g*O/G, i, j]` for the channels `c` and `o` of the same group
    `g`, then `bias[o]` is added; positions outside the result are dropped.

    - `input`: `[N, C, H, W]`; `weight`: `[C, O/groups, KH, KW]`;
      `bias` (optional): `[O]`.
    - The result is `[N, O, OH, OW]` with
      `OH = sh*(H - 1) + dh*(KH - 1) + 1 - pt - pb + output_padding[0]`
      (and OW alike).
    - `strides`, `dilations`, `pads` `[top, left, bottom, right]` and
      `output_padding` (each smaller than its stride or dilation) as in
      ONNX. It runs in float on every target.
  }];
  let arguments = (ins
    Dfq_Float4DTensor:$input,
    Dfq_Float4DTensor:$weight,
    Optional<Dfq_Float1DTensor>:$bias,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0}">:$output_padding,
    DefaultValuedAttr<I64Attr, "1">:$groups
  );
  let results = (outs Dfq_Float4DTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Dfq_BatchNormOp : Dfq_InferredGraphOp<"batch_norm"> {
  let summary = "Batch normalization in inference form";
  let description = [{
    `result[n, c, ...] = scale[c] * (input[n, c, ...] - mean[c])
    / sqrt(variance[c] + epsilon) + bias[c]`, with the channel on dimension 1
    of a rank-2 (`[N, C]`, after a gemm) or rank-4 (`[N, C, H, W]`) input.

    The running `mean` and `variance` are the statistics data-free
    calibration matches synthetic data against, so this op is kept until
    `dfq-fold-bn` folds it into its producer.
  }];
  let arguments = (ins
    Dfq_FloatTensor:$input,
    Dfq_Float1DTensor:$scale,
    Dfq_Float1DTensor:$bias,
    Dfq_Float1DTensor:$mean,
    Dfq_Float1DTensor:$variance,
    DefaultValuedAttr<F64Attr, "1e-5">:$epsilon
  );
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
}

def Dfq_GemmOp : Dfq_InferredGraphOp<"gemm"> {
  let summary = "Fully connected layer: `input * weight^T + bias`";
  let description = [{
    `result[..., o] = bias[o] + sum_k input[..., k] * weight[o, k]`: the
    input is `[N, K]`, or `[N, ..., K]` with every row of the leading
    dimensions multiplied alike (PyTorch `Linear` on a rank-3 or rank-4
    activation, as transformers and ConvNeXt apply it).

    The weight is stored `[O, K]` (PyTorch `Linear`, ONNX `Gemm` with
    `transB = 1`), so per-output-channel quantization is along axis 0 for
    both `dfq.conv2d` and `dfq.gemm`. The importer rewrites other ONNX Gemm
    forms into this one, and ONNX MatMul of an activation of rank 3 or more
    by a constant `[K, O]` matrix too.
  }];
  let arguments = (ins
    Dfq_FloatTensor:$input,
    2DTensorOf<[F32, F16, BF16, F64]>:$weight,
    Optional<Dfq_Float1DTensor>:$bias
  );
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Dfq_MatMulOp : Dfq_InferredGraphOp<"matmul"> {
  let summary = "Matrix product, batched over leading dimensions";
  let description = [{
    `result[..., m, n] = sum_k lhs[..., m, k] * rhs[..., k, n]`. Both
    operands have rank 2 or more; leading (batch) dimensions broadcast as in
    NumPy.
  }];
  let arguments = (ins Dfq_FloatTensor:$lhs, Dfq_FloatTensor:$rhs);
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise ops.
//===----------------------------------------------------------------------===//

def Dfq_ReluOp : Dfq_GraphOp<"relu", [SameOperandsAndResultType]> {
  let summary = "Rectified linear unit: `max(input, 0)`";
  let arguments = (ins Dfq_FloatTensor:$input);
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Dfq_ClipOp : Dfq_GraphOp<"clip", [SameOperandsAndResultType]> {
  let summary = "Clamp to `[min, max]` (ReLU6 is `min = 0, max = 6`)";
  let arguments = (ins
    Dfq_FloatTensor:$input,
    F64Attr:$min,
    F64Attr:$max
  );
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

class Dfq_BinaryOp<string mnemonic, string formula>
    : Dfq_InferredGraphOp<mnemonic> {
  let summary = "Elementwise " # formula # " with NumPy broadcasting";
  let arguments = (ins Dfq_FloatTensor:$lhs, Dfq_FloatTensor:$rhs);
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def Dfq_AddOp : Dfq_BinaryOp<"add", "`lhs + rhs`"> {
  let description = [{
    Residual additions and bias additions. Operands have the same element
    type; their shapes broadcast as in NumPy (and ONNX `Add`).
  }];
}

def Dfq_MulOp : Dfq_BinaryOp<"mul", "`lhs * rhs`"> {
  let description = [{
    Operands have the same element type; their shapes broadcast as in NumPy
    (and ONNX `Mul`).
  }];
}

def Dfq_SubOp : Dfq_BinaryOp<"sub", "`lhs - rhs`"> {
  let description = [{
    Operands have the same element type; their shapes broadcast as in NumPy
    (and ONNX `Sub`). One IEEE subtraction per element.
  }];
}

def Dfq_DivOp : Dfq_BinaryOp<"div", "`lhs / rhs`"> {
  let description = [{
    Operands have the same element type; their shapes broadcast as in NumPy
    (and ONNX `Div`). One correctly rounded IEEE division per element (not a
    multiplication by a reciprocal, which differs in the last bit).
  }];
}

def Dfq_MaxOp : Dfq_BinaryOp<"max", "`max(lhs, rhs)`"> {
  let description = [{
    As ONNX `Max` of two inputs (the importer chains more): a NaN in either
    operand gives NaN, as in ATen's `maximum`. Exact in every backend.
  }];
}

def Dfq_MinOp : Dfq_BinaryOp<"min", "`min(lhs, rhs)`"> {
  let description = [{
    As ONNX `Min` of two inputs: a NaN in either operand gives NaN. Exact in
    every backend.
  }];
}

def Dfq_PReluOp : Dfq_BinaryOp<"prelu", "`lhs < 0 ? rhs * lhs : lhs`"> {
  let description = [{
    As ONNX `PRelu`: the slope `rhs` (per channel, say `[C, 1, 1]`)
    broadcasts to the input `lhs`. One rounding below zero; exact in every
    backend.
  }];
}

def Dfq_SigmoidOp : Dfq_GraphOp<"sigmoid", [SameOperandsAndResultType]> {
  let summary = "Logistic function: `1 / (1 + exp(-input))`";
  let description = [{
    As ONNX `Sigmoid`. Backends evaluate `exp` their own way (the host
    runtime of the x86 and C libraries within 2 ulp, in vectorized loops),
    so results may differ from the interpreter's in the last bits of the
    element type.
  }];
  let arguments = (ins Dfq_FloatTensor:$input);
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Dfq_TanhOp : Dfq_GraphOp<"tanh", [SameOperandsAndResultType]> {
  let summary = "Hyperbolic tangent";
  let description = [{
    As ONNX `Tanh`; evaluated by each backend's math library (the host
    runtime calls the C library's `tanhf`): last-bit differences.
  }];
  let arguments = (ins Dfq_FloatTensor:$input);
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Dfq_ErfOp : Dfq_GraphOp<"erf", [SameOperandsAndResultType]> {
  let summary = "Gauss error function (GELU's core)";
  let description = [{
    As ONNX `Erf`; evaluated by each backend's math library (the host
    runtime calls the C library's `erff`): last-bit differences.
  }];
  let arguments = (ins Dfq_FloatTensor:$input);
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Dfq_SqrtOp : Dfq_GraphOp<"sqrt", [SameOperandsAndResultType]> {
  let summary = "Square root, correctly rounded (NaN below 0)";
  let description = [{
    As ONNX `Sqrt`. IEEE square roots are correctly rounded, so every
    backend computes the same bits.
  }];
  let arguments = (ins Dfq_FloatTensor:$input);
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

class Dfq_UnaryMathOp<string mnemonic, string summaryText>
    : Dfq_GraphOp<mnemonic, [SameOperandsAndResultType]> {
  let summary = summaryText;
  let arguments = (ins Dfq_FloatTensor:$input);
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Dfq_AbsOp : Dfq_UnaryMathOp<"abs", "Absolute value, as ONNX Abs"> {
  let description = [{ Exact in every backend. }];
}

def Dfq_ExpOp : Dfq_UnaryMathOp<"exp", "Exponential, as ONNX Exp"> {
  let description = [{
    Evaluated by each backend's own exp (the host runtime's within 2 ulp, in
    vectorized loops): last-bit differences.
  }];
}

def Dfq_LogOp : Dfq_UnaryMathOp<"log", "Natural logarithm, as ONNX Log"> {
  let description = [{
    NaN below 0 and -inf at 0. Evaluated by each backend's math library
    (the host runtime calls the C library's `logf`): last-bit differences.
  }];
}

def Dfq_SoftplusOp : Dfq_UnaryMathOp<"softplus",
                                     "`log(1 + exp(input))`, as ONNX Softplus"> {
  let description = [{
    Above 20 the result is the input itself, as PyTorch computes it (Mish is
    `x * tanh(softplus(x))`); elsewhere `log1p(exp(input))`, with each
    backend's exp and log1p: last-bit differences.
  }];
}

def Dfq_LeakyReluOp : Dfq_GraphOp<"leaky_relu", [SameOperandsAndResultType]> {
  let summary = "`input < 0 ? alpha * input : input`, as ONNX LeakyRelu";
  let description = [{ One rounding below zero; `alpha` is f32, as in ONNX. }];
  let arguments = (ins
    Dfq_FloatTensor:$input,
    DefaultValuedAttr<F32Attr, "0.01f">:$alpha
  );
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Dfq_PowOp : Dfq_GraphOp<"pow", [SameOperandsAndResultType]> {
  let summary = "`input ^ exponent` for a constant f32 exponent, as ONNX Pow";
  let description = [{
    Each backend's own `pow` of f32 (ATen's in the interpreter and the
    calibration engine, C's `powf` in the host libraries): last-bit
    differences. A negative input to a non-integer exponent gives NaN, as
    in ONNX. The importer writes exponents 2, 0.5 and 1 as `dfq.mul`,
    `dfq.sqrt` and nothing; this op takes any other.
  }];
  let arguments = (ins
    Dfq_FloatTensor:$input,
    F32Attr:$exponent
  );
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Dfq_EluOp : Dfq_GraphOp<"elu", [SameOperandsAndResultType]> {
  let summary = "`input < 0 ? alpha * (exp(input) - 1) : input`, as ONNX Elu";
  let description = [{
    `exp(input) - 1` is each backend's `expm1` (or exp, then the
    subtraction): last-bit differences.
  }];
  let arguments = (ins
    Dfq_FloatTensor:$input,
    DefaultValuedAttr<F32Attr, "1.0f">:$alpha
  );
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Dfq_HardSigmoidOp : Dfq_GraphOp<"hard_sigmoid",
                                    [SameOperandsAndResultType]> {
  let summary = "`max(0, min(1, alpha * input + beta))`, as ONNX HardSigmoid";
  let description = [{
    In the element type: `alpha * input` and `+ beta` are two roundings (no
    fused multiply-add), then the clamp. `alpha` and `beta` are f32, as in
    ONNX (defaults 0.2 and 0.5).
  }];
  let arguments = (ins
    Dfq_FloatTensor:$input,
    DefaultValuedAttr<F32Attr, "0.2f">:$alpha,
    DefaultValuedAttr<F32Attr, "0.5f">:$beta
  );
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Dfq_HardSwishOp : Dfq_GraphOp<"hard_swish", [SameOperandsAndResultType]> {
  let summary = "`input * max(0, min(1, input / 6 + 1/2))`, as ONNX HardSwish";
  let description = [{
    Exactly `input * dfq.hard_sigmoid(input)` with `alpha = 1/6` (rounded to
    f32) and `beta = 0.5`: a multiplication, an addition, the clamp and a
    multiplication, each rounded in the element type. (PyTorch's
    `x * relu6(x + 3) / 6` rounds differently, by an ulp or so.)
  }];
  let arguments = (ins Dfq_FloatTensor:$input);
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Dfq_SoftmaxOp : Dfq_GraphOp<"softmax", [SameOperandsAndResultType]> {
  let summary = "Softmax along one axis";
  let description = [{
    `result = exp(x - max(x)) / sum(exp(x - max(x)))` along `axis`
    (negative values count from the back, as in ONNX opset 13).
  }];
  let arguments = (ins
    Dfq_FloatTensor:$input,
    DefaultValuedAttr<I64Attr, "-1">:$axis
  );
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalizations and reductions.
//===----------------------------------------------------------------------===//

def Dfq_LayerNormOp : Dfq_GraphOp<"layer_norm"> {
  let summary = "Layer normalization over the trailing dimensions";
  let description = [{
    ONNX `LayerNormalization` (opset 17) in inference form. For every index
    of the leading dimensions `[0, axis)`, over the elements of the trailing
    dimensions `[axis, rank)`:

    `mean = sum(x) / count`, `variance = sum((x - mean)^2) / count` (biased),
    `result = (x - mean) / sqrt(variance + epsilon) * scale + bias`,

    where `scale` and `bias` have the shape of the trailing dimensions.
    `axis` is negative from the back (default -1: the last dimension, as
    ConvNeXt and the vision transformers normalize channels). The
    decomposed form that exporters write before opset 17 (ReduceMean, Sub,
    Pow, ReduceMean, Add, Sqrt, Div, Mul, Add) is imported op by op.
  }];
  let arguments = (ins
    Dfq_FloatTensor:$input,
    Dfq_FloatTensor:$scale,
    Optional<Dfq_FloatTensor>:$bias,
    DefaultValuedAttr<I64Attr, "-1">:$axis,
    DefaultValuedAttr<F64Attr, "1e-5">:$epsilon
  );
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

class Dfq_ReduceOp<string mnemonic> : Dfq_InferredGraphOp<mnemonic> {
  let arguments = (ins
    Dfq_FloatTensor:$input,
    DenseI64ArrayAttr:$axes,
    DefaultValuedAttr<BoolAttr, "true">:$keepdims
  );
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Dfq_ReduceMeanOp : Dfq_ReduceOp<"reduce_mean"> {
  let summary = "Mean over `axes`";
  let description = [{
    ONNX `ReduceMean`: the average of the input over the dimensions in
    `axes` (distinct, negative from the back, not empty). With `keepdims`
    the reduced dimensions stay with size 1, otherwise they are dropped.
    The spatial mean of an NCHW tensor is imported as `dfq.global_avg_pool`
    instead, which the targets run channels-last. Backends accumulate in
    their own order and precision: last-bit differences.
  }];
}

def Dfq_ReduceSumOp : Dfq_ReduceOp<"reduce_sum"> {
  let summary = "Sum over `axes`";
  let description = [{
    ONNX `ReduceSum` with constant axes, shaped as `dfq.reduce_mean`.
    Backends accumulate in their own order and precision: last-bit
    differences.
  }];
}

def Dfq_ReduceMaxOp : Dfq_ReduceOp<"reduce_max"> {
  let summary = "Maximum over `axes`";
  let description = [{
    ONNX `ReduceMax` (and `GlobalMaxPool`, over H and W with `keepdims`),
    shaped as `dfq.reduce_mean`; a NaN gives NaN. Exact in every backend.
  }];
}

//===----------------------------------------------------------------------===//
// Pooling.
//===----------------------------------------------------------------------===//

def Dfq_MaxPool2DOp : Dfq_InferredGraphOp<"max_pool2d"> {
  let summary = "2-D max pooling over NCHW (or NHWC), of floats or codes";
  let description = [{
    Padding positions never win the maximum. With `ceil_mode` the output size
    rounds up, as in ONNX, but a window never starts inside the end padding.

    The elements are floats, or the codes of a per-tensor quantized type
    (the result has the input's type). Dequantization `(q - zp) * scale`
    with a positive scale is increasing, so the maximum of the codes is the
    code of the maximum: pooling codes and dequantizing the result gives
    exactly the floats that pooling the dequantized input gives
    (dfq-sink-dequantize relies on this).

    With `channels_last` the input and the result are `[N, H, W, C]`
    instead of `[N, C, H, W]`.
  }];
  let arguments = (ins
    AnyTypeOf<[Dfq_Float4DTensor, 4DTensorOf<[Dfq_UniformQuantized]>]>:$input,
    DenseI64ArrayAttr:$kernel_shape,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
    DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
    UnitAttr:$channels_last
  );
  let results = (outs
    AnyTypeOf<[Dfq_Float4DTensor, 4DTensorOf<[Dfq_UniformQuantized]>]>:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Dfq_AvgPool2DOp : Dfq_InferredGraphOp<"avg_pool2d"> {
  let summary = "2-D average pooling over NCHW (or NHWC)";
  let description = [{
    Averages each window. Padding positions count in the divisor only with
    `count_include_pad`, as in ONNX. Each window is summed in its row-major
    order (explicit padding adding +0) and the sum divided once, as ATen
    sums an explicitly padded input.

    With `channels_last` the input and the result are `[N, H, W, C]`
    instead of `[N, C, H, W]`; every output element is computed as it is
    without it.
  }];
  let arguments = (ins
    Dfq_Float4DTensor:$input,
    DenseI64ArrayAttr:$kernel_shape,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
    DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
    DefaultValuedAttr<BoolAttr, "false">:$count_include_pad,
    UnitAttr:$channels_last
  );
  let results = (outs Dfq_Float4DTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Dfq_GlobalAvgPoolOp : Dfq_InferredGraphOp<"global_avg_pool"> {
  let summary = "Mean over H and W: `[N, C, H, W] -> [N, C, 1, 1]`";
  let arguments = (ins Dfq_Float4DTensor:$input);
  let results = (outs Dfq_Float4DTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Shape ops.
//===----------------------------------------------------------------------===//

def Dfq_FlattenOp : Dfq_InferredGraphOp<"flatten"> {
  let summary = "Flatten to 2-D around `axis`, as ONNX Flatten";
  let description = [{
    `[d0, ..., dn] -> [d0 * ... * d(axis-1), d(axis) * ... * dn]`; `axis`
    may be negative (counted from the back) and lies in `[-rank, rank]`.
    The elements are float, or codes quantized per tensor (flattening moves
    no element, so the codes keep their meaning).
  }];
  let arguments = (ins
    AnyTypeOf<[Dfq_FloatTensor, Dfq_QuantTensor]>:$input,
    DefaultValuedAttr<I64Attr, "1">:$axis
  );
  let results = (outs
    AnyTypeOf<[2DTensorOf<[F32, F16, BF16, F64]>,
               2DTensorOf<[Dfq_UniformQuantized]>]>:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Dfq_ReshapeOp : Dfq_GraphOp<"reshape"> {
  let summary = "Reshape to the result type";
  let description = [{
    Reinterprets the elements in row-major order. The target shape is the
    result type and holds as many elements as the input. It is static, or has
    one dynamic dimension when the input has one (a dynamic batch), which is
    then whatever makes the element counts agree at run time (ONNX `-1`).
    The elements are float, or codes quantized per tensor. A reshape of a
    reshape is one reshape, and a reshape to the input's type folds away.
  }];
  let arguments = (ins AnyTypeOf<[Dfq_FloatTensor, Dfq_QuantTensor]>:$input);
  let results = (outs AnyTypeOf<[Dfq_FloatTensor, Dfq_QuantTensor]>:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dfq_TransposeOp : Dfq_InferredGraphOp<"transpose"> {
  let summary = "Permute dimensions, as ONNX Transpose";
  let description = [{
    `result` dimension `i` is `input` dimension `perm[i]`; `perm` is a
    permutation of `[0, rank)`. The importer also uses it for ONNX Gemm with
    `transA` or a non-constant `B`, and dfq-convert-layouts for every layout
    change between channels-last layers and the NCHW ops around them.

    The elements are float, or quantized per tensor (a transposition moves
    codes and keeps their meaning; a per-axis type would move its axis).
    A transposition of a transposition folds into one, and the identity
    permutation folds away.
  }];
  let arguments = (ins
    AnyTypeOf<[Dfq_FloatTensor, Dfq_QuantTensor]>:$input,
    DenseI64ArrayAttr:$perm
  );
  let results = (outs AnyTypeOf<[Dfq_FloatTensor, Dfq_QuantTensor]>:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dfq_ConcatOp : Dfq_InferredGraphOp<"concat"> {
  let summary = "Concatenate along `axis`";
  let description = [{
    All inputs have the same rank, element type and dimensions except along
    `axis` (negative counts from the back).
  }];
  let arguments = (ins
    Variadic<Dfq_FloatTensor>:$inputs,
    I64Attr:$axis
  );
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type(operands, results)
  }];
}

def Dfq_PadOp : Dfq_InferredGraphOp<"pad"> {
  let summary = "Pad every dimension, as ONNX Pad with non-negative pads";
  let description = [{
    `pads` holds the elements added before each dimension, then those added
    after each (ONNX order: `[b_0, ..., b_r-1, e_0, ..., e_r-1]`), all
    non-negative; result dimension `d` is `b_d + input.shape[d] + e_d`. The
    added elements are, by `mode`:

    - `"constant"`: `value`;
    - `"reflect"`: the input mirrored about its first or last element,
      which is not repeated (ONNX and NumPy `reflect`): `b_d` and `e_d` are
      at most `input.shape[d] - 1`;
    - `"edge"`: the first or last element repeated.

    A dynamic dimension (the batch) is not padded. Zero padding of H and W
    in front of a convolution or average pooling is not a `dfq.pad`: the
    importer folds it into the consumer's `pads`; negative ONNX pads crop,
    which the importer writes as a `dfq.slice`.
  }];
  let arguments = (ins
    Dfq_FloatTensor:$input,
    DenseI64ArrayAttr:$pads,
    DefaultValuedAttr<StrAttr, "\"constant\"">:$mode,
    DefaultValuedAttr<F64Attr, "0.0">:$value
  );
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Dfq_ResizeOp : Dfq_GraphOp<"resize"> {
  let summary = "Resize H and W of NCHW, as ONNX Resize (nearest, linear, "
                "cubic)";
  let description = [{
    Every output position `o` of H (and of W alike) reads the input at
    `x = f(o)`, with `scale` the axis's entry of `scales` (the Resize's
    scale, or output / input size when it gave sizes):

    - `half_pixel`: `f(o) = (o + 0.5) / scale - 0.5`;
    - `pytorch_half_pixel`: the same, but 0 when `in * scale` is at most 1;
    - `align_corners`: `o * (in - 1) / (in * scale - 1)`, 0 when
      `in * scale` is 1;
    - `asymmetric`: `o / scale`.

    `in * scale` is the output length before rounding, as ONNX's reference
    computes these modes (it is the output size when the Resize gave sizes).

    `nearest` takes the input element at `x` rounded by `nearest_mode`
    (`round_prefer_floor`, `round_prefer_ceil`, `floor`, `ceil`) and clamped
    to the input. `linear` clamps `x` to `[0, in - 1]` and interpolates
    between the elements at `floor(x)` and the next one (the last one past
    the end). `cubic` does not clamp `x`: with `i = floor(x)` and
    `r = x - i` (for an integer `x`, `i = x - 1` and `r = 1`, as ONNX's
    reference prefers the taps left of `x`), it reads the elements at
    `i - 1 .. i + 2`, each index clamped to the input (edge padding), with
    the weights of the cubic convolution kernel of parameter
    `a = cubic_coeff_a` at distances `1 + r, r, 1 - r, 2 - r`:
    `k(t) = (a + 2)|t|^3 - (a + 3)|t|^2 + 1` for `|t| <= 1`,
    `a|t|^3 - 5a|t|^2 + 8a|t| - 4a` for `1 < |t| < 2`. With
    `exclude_outside`, the weights of taps outside the input are 0 and the
    others are divided by their sum (nearest and linear never read outside).
    Weights are computed in double and rounded to f32; each output is the
    f32 sum of its taps' f32 products in tap order, along H and then along
    W. Coordinates are computed in double. N and C are unchanged; H and W
    are static.
  }];
  let arguments = (ins
    Dfq_Float4DTensor:$input,
    StrAttr:$mode,
    StrAttr:$coordinate_mode,
    DefaultValuedAttr<StrAttr, "\"round_prefer_floor\"">:$nearest_mode,
    DenseF64ArrayAttr:$scales,
    DefaultValuedAttr<F64Attr, "-0.75">:$cubic_coeff_a,
    DefaultValuedAttr<BoolAttr, "false">:$exclude_outside
  );
  let results = (outs Dfq_Float4DTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Dfq_SliceOp : Dfq_GraphOp<"slice"> {
  let summary = "Strided window of a tensor, as ONNX Slice with static bounds";
  let description = [{
    Along every dimension `d`, the result holds `result.shape[d]` elements of
    the input, the first at `starts[d]` and the others `steps[d]` apart (a
    negative step walks backwards):

    `result[i0, ..., ik] = input[starts[0] + i0 * steps[0], ...,
    starts[k] + ik * steps[k]]`.

    Every element read lies inside the input, and the result is never
    empty. A dynamic dimension (the batch) is taken whole: its start is 0,
    its step 1 and the result's dimension is dynamic too. The importer makes
    it from ONNX Slice, Split and Gather with constant indices, whose
    negative and out-of-range bounds it has already resolved. A slice that
    takes every element folds away.

    Example (the second half of the channels, as ShuffleNetV2 splits them):

    ```mlir
    %1 = dfq.slice %0 {starts = array<i64: 0, 58, 0, 0>,
                       steps = array<i64: 1, 1, 1, 1>}
        : (tensor<?x116x28x28xf32>) -> tensor<?x58x28x28xf32>
    ```
  }];
  let arguments = (ins
    Dfq_FloatTensor:$input,
    DenseI64ArrayAttr:$starts,
    DenseI64ArrayAttr:$steps
  );
  let results = (outs Dfq_FloatTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // DFQ_GRAPH_OPS_TD
