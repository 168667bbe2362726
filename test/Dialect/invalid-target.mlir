// RUN: dfq-opt %s -split-input-file -verify-diagnostics

// Negative tests for #dfq.target and #dfq.layer: the custom parser and the
// verifiers in lib/Dialect/DfqTargetAttrs.cpp, and the dialect's check of the
// `dfq.target` module attribute.

// expected-error @+1 {{target 'npu' needs a 'backend'}}
module attributes {dfq.target = #dfq.target<"npu", layers = [#dfq.layer<conv2d, weight_bits = [8], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{target 'npu' needs a 'layers' list}}
module attributes {dfq.target = #dfq.target<"npu", backend = c>} {}

// -----

// expected-error @+1 {{expected one of 'x86', 'c', 'cuda', got 'gpu'}}
module attributes {dfq.target = #dfq.target<"npu", backend = gpu, layers = []>} {}

// -----

// expected-error @+1 {{unknown target field 'accumulator'; expected backend, layers}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, accumulator = 16, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{target field 'scales' is given twice}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, scales = pow2, scales = any, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{expected 'true' or 'false', got 'yes'}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, saturating = yes, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{expected one of 'per_channel', 'per_tensor', got 'per_group'}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, weights = per_group, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{weight_bits entry 1 is outside the supported range 2..8}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, layers = [#dfq.layer<gemm, weight_bits = [1, 8], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{act_bits must be strictly increasing, got 4 after 8}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8, 4]>]>} {}

// -----

// An empty list does not parse: a kind that runs no width is no kind.
// expected-error @+2 {{expected integer value}}
// expected-error @+1 {{failed to parse Dfq_LayerSupportAttr parameter 'weightBits'}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, layers = [#dfq.layer<gemm, weight_bits = [], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{target 'npu' must run at least one layer kind}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, layers = []>} {}

// -----

// expected-error @+1 {{layer kind 'gemm' is listed twice}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>, #dfq.layer<gemm, weight_bits = [4], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{unsigned symmetric weights cannot hold negative}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, weight_signed = false, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{unsigned symmetric activations cannot hold}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, symmetric_acts = true, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{accumulator_bits must lie in [16, 32], got 12}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, accumulator_bits = 12, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{vector_bytes must be positive}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, vector_bytes = 0, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{tile must be two positive sizes [rows, columns]}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, tile = [16], layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{alignment must be a power of two, got 24}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, alignment = 24, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{expected a non-negative integer}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, buffer_bytes = -1, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>]>} {}

// -----

// expected-error @+1 {{expected a #dfq.layer<...>}}
module attributes {dfq.target = #dfq.target<"npu", backend = c, layers = [8]>} {}

// -----

// expected-error @+1 {{'dfq.target' must be a #dfq.target, got "x86"}}
module attributes {dfq.target = "x86"} {}

// -----

module {
  // expected-error @+1 {{'dfq.target' belongs on a builtin.module}}
  func.func @f() attributes {dfq.target = #dfq.target<"npu", backend = c, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>]>} {
    return
  }
}
