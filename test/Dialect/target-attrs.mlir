// RUN: dfq-opt %s | FileCheck %s
// RUN: dfq-opt %s | dfq-opt | FileCheck %s

// Round trip of #dfq.target and #dfq.layer: every field printed, defaults
// made explicit, order canonical.

// CHECK: module attributes {dfq.target = #dfq.target<"npu8", backend = c, layers = [#dfq.layer<conv2d, weight_bits = [8], act_bits = [8]>, #dfq.layer<gemm, weight_bits = [4, 8], act_bits = [8]>], weights = per_tensor, weight_signed = true, symmetric_weights = true, act_signed = true, symmetric_acts = false, scales = pow2, accumulator_bits = 32, saturating = true, vector_bytes = 16, tile = [16, 16], buffer_bytes = 262144, alignment = 16>}
module attributes {dfq.target = #dfq.target<"npu8", backend = c,
    layers = [#dfq.layer<conv2d, weight_bits = [8], act_bits = [8]>,
              #dfq.layer<gemm, weight_bits = [4, 8], act_bits = [8]>],
    scales = pow2, weights = per_tensor, act_signed = true,
    saturating = true, vector_bytes = 16, tile = [16, 16],
    buffer_bytes = 262144, alignment = 16>} {
  // CHECK-LABEL: func.func @defaults
  // CHECK: dfq.description = #dfq.target<"minimal", backend = x86, layers = [#dfq.layer<depthwise_conv2d, weight_bits = [2, 3, 4], act_bits = [4, 8]>], weights = per_channel, weight_signed = true, symmetric_weights = true, act_signed = false, symmetric_acts = false, scales = any, accumulator_bits = 32, saturating = false, vector_bytes = 64, tile = [1, 1], buffer_bytes = 0, alignment = 64>
  func.func @defaults() attributes {dfq.description = #dfq.target<"minimal", backend = x86, layers = [#dfq.layer<depthwise_conv2d, weight_bits = [2, 3, 4], act_bits = [4, 8]>]>} {
    return
  }
}
