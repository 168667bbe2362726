//===- Passes.td - dfq transformation passes ---------------*- tablegen -*-===//

#ifndef DFQ_TRANSFORMS_PASSES_TD
#define DFQ_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FoldBatchNormPass : Pass<"dfq-fold-bn"> {
  let summary = "Fold dfq.batch_norm into the preceding dfq.conv2d or dfq.gemm";
  let description = [{
    Rewrites `batch_norm(conv(x, W, b))` into `conv(x, W', b')` with, per
    output channel `o`,
    ```
    k[o]  = scale[o] / sqrt(variance[o] + epsilon)
    W'[o] = W[o] * k[o]
    b'[o] = (b[o] - mean[o]) * k[o] + bias[o]      (b = 0 without a bias)
    ```
    computed in double precision and rounded once to the weight's element
    type, so the folded graph equals the original up to that rounding. The
    same holds for `dfq.gemm` followed by a rank-2 `dfq.batch_norm`.

    Folding is exact only when nothing else observes the unnormalized
    output, so a batch_norm is left in place, with a remark saying why, when
    - its input is not produced by a `dfq.conv2d` or `dfq.gemm`;
    - that producer's result has other users besides the batch_norm;
    - the producer's weight or bias, or one of the BatchNorm parameters, is
      not a constant (an `arith.constant` with dense or available
      `dense_resource` data).

    New weights keep the storage form of the old ones: `dense_resource`
    weights become new `dense_resource` blobs, `dense` stay `dense`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];

}

def QuantizePass : Pass<"dfq-quantize", "::mlir::func::FuncOp"> {
  let summary = "Quantize conv2d and gemm layers to integer ops";
  let description = [{
    Rewrites every `dfq.conv2d` and `dfq.gemm` whose weight (and bias) is
    constant into `dfq.qconv2d` / `dfq.qgemm`, using the activation ranges
    that `dfq-calibrate-ranges` recorded (`dfq.range`):

    - **Weights**: `wbits`-bit signed, symmetric (`zero point 0`,
      `scale = max|W| / (2^(b-1) - 1)`), per output channel (axis 0) or per
      tensor (`per-channel=false`), stored by `dfq.qconstant`.
    - **Activations**: `abits`-bit unsigned, asymmetric, per tensor; the
      range is widened to contain 0, `scale = (hi - lo) / (2^b - 1)`,
      `zero point = round(-lo / scale)`. Each layer's input is quantized and
      its output produced quantized by integer requantization.
    - **Fused activation**: a `dfq.relu` or `dfq.clip` that is the layer's
      only user is folded into the output's range (its saturation clamps).
    - **Bias**: int32 at `scale_x * scale_w[o]`.
    - **First and last layer** (the first and last quantized layer in program
      order) use `first-last-bits` for weights and activations; 0 keeps them
      at `wbits`/`abits`.

    - **Network output**: a layer whose result is returned (directly or
      through a softmax) keeps a float output, as in BRECQ and MQBench: its
      input and weights are quantized, and it runs as the float op on their
      dequantized values. Logit ranges seen on synthetic images are far
      narrower than on real ones, and clipping logits breaks the ranking.
      `quantize-output` requantizes these layers too.

    Consecutive layers exchange quantized values directly when the
    parameters agree; other ops (add, pooling, concat, softmax, ...) run in
    float on `dfq.dequantize`d values. BatchNorm must be folded first
    (`dfq-fold-bn`). A layer whose input or output has no `dfq.range` is an
    error.
  }];
  let options = [
    Option<"wbits", "wbits", "int64_t", "8", "Weight bits (2..8)">,
    Option<"abits", "abits", "int64_t", "8", "Activation bits (2..8)">,
    Option<"firstLastBits", "first-last-bits", "int64_t", "8",
           "Bits of the first and last layer (0: same as the others)">,
    Option<"perChannel", "per-channel", "bool", "true",
           "Per-output-channel weight scales">,
    Option<"quantizeOutput", "quantize-output", "bool", "false",
           "Also requantize the layers that produce the network's output">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect"];
}

#endif // DFQ_TRANSFORMS_PASSES_TD
