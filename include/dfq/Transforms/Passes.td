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

#endif // DFQ_TRANSFORMS_PASSES_TD
