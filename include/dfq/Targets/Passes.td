//===- Passes.td - target description passes ---------------*- tablegen -*-===//

#ifndef DFQ_TARGETS_PASSES_TD
#define DFQ_TARGETS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AttachTargetPass : Pass<"dfq-attach-target", "::mlir::ModuleOp"> {
  let summary = "Attach a target description (#dfq.target) to the module";
  let description = [{
    Sets the module attribute `dfq.target` to a built-in description
    (`target=NAME`) or to the one in a file (`file=PATH`, one
    `#dfq.target<...>` in MLIR attribute syntax; comments allowed). Exactly
    one of the two must be given. The passes that follow read it:
    `dfq-quantize`, `dfq-calibrate-ranges` and `dfq-assign-bits` only produce
    what the target can run, and `dfq-verify-target` checks the result.

    Built-in descriptions:
    - `x86-avx512-vnni` (alias `x86`) and `x86-avx2`: dfq's x86 kernels:
      conv2d, depthwise_conv2d and gemm with 2..8-bit weights and
      activations, signed per-channel weights (symmetric or not), unsigned
      asymmetric activations, any scale, 32-bit wrapping accumulators.
    - `c`: the portable C reference backend, with the same numerics as x86.

    A module that already carries a different description is an error:
    quantized IR made for one target is not silently relabelled for another.
  }];
  let options = [
    Option<"target", "target", "std::string", "\"\"",
           "A built-in description: x86-avx512-vnni (x86), x86-avx2 or c">,
    Option<"file", "file", "std::string", "\"\"",
           "A file holding one #dfq.target<...>">,
  ];
}

def VerifyTargetPass : Pass<"dfq-verify-target", "::mlir::ModuleOp"> {
  let summary = "Check a quantized module against its target description";
  let description = [{
    Checks every `dfq.qconv2d` and `dfq.qgemm` against the module's
    `dfq.target` and reports each violation as an error at the op:
    - the layer kind (`conv2d`, `depthwise_conv2d`, `gemm`) is one the
      target runs;
    - the weight bits and the input and output activation bits are among
      the widths the target lists for that kind;
    - weight and activation signedness; per-tensor weights where the target
      takes one scale per layer; zero points of 0 where it is symmetric
      only;
    - with `scales = pow2`, every scale is a power of two and every
      requantization multiplier too (shift-only requantization);
    - the worst-case accumulator sum of the layer, computed from its actual
      weights, bias and input range
      (`max_o |bias[o]| + sum_k |w[o,k] - zw[o]| * max |x - zx|`), fits the
      target's accumulator width.
    Float layers are host ops and are not checked. A module without a
    `dfq.target` is an error. `dfq-quantize` runs the same checks on every
    layer it creates, so a module it produced for a target passes.
  }];
}

#endif // DFQ_TARGETS_PASSES_TD
