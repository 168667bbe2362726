// RUN: dfq-opt %s --dfq-quantize="wbits=4 abits=8 first-last-bits=0" | FileCheck %s
// RUN: not dfq-opt %s --dfq-quantize="per-channel=false" 2>&1 | FileCheck %s --check-prefix=TENSOR

// Per-layer bits from dfq-compensate-mpc win over wbits, and a recorded grid
// brings back the codes after BatchNorm folding rescaled the channels:
// channel 0 is 0.3 * [1, 0, -1], channel 1 0.1 * [3, -1, 0] on a 3-bit grid
// whose channel 1 reaches code 3, channel 0 only 1.
// CHECK-LABEL: func.func @per_layer_bits_and_grid
// CHECK: dfq.qconstant dense<{{\[\[\[\[}}1, 0, -1]]], {{\[\[\[}}3, -1, 0]]]]> : tensor<2x1x1x3xi8> {params = #dfq.qparams<i3, symmetric, axis = 0, scales = [0.30000001192092896, 0.10000000{{[0-9]*}}]
// CHECK: dfq.qconv2d {{.*}}dfq.bits_reason = "DF-MPC low-bit layer"
// CHECK: dfq.qconstant {{.*}} : tensor<2x2x1x1x!quant.uniform<i6:f32:0,
// The layer without dfq.weight_bits takes wbits; its dfq.act_bits gives
// its input and output 6 bits.
// CHECK: dfq.quantize {{.*}} -> tensor<1x2x4x2x!quant.uniform<u6:f32,
// CHECK: dfq.qconstant {{.*}} : tensor<2x2x1x1x!quant.uniform<i4:f32:0,

// TENSOR: error: dfq-quantize: dfq.weight_grid needs per-channel weights and one entry per output channel (2), got 2 with per-channel=false
func.func @per_layer_bits_and_grid(%x: tensor<1x1x4x4xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<1x2x4x2xf32> {
  %w = arith.constant dense<[[[[0.3, 0.0, -0.3]]], [[[0.3, -0.1, 0.0]]]]> : tensor<2x1x1x3xf32>
  %w2 = arith.constant dense<[[[[0.5]], [[0.25]]], [[[0.1]], [[0.2]]]]> : tensor<2x2x1x1xf32>
  %w3 = arith.constant dense<[[[[0.5]], [[0.25]]], [[[0.1]], [[0.2]]]]> : tensor<2x2x1x1xf32>
  %0 = dfq.conv2d %x, %w {dfq.range = array<f64: 0.0, 1.0>, dfq.weight_bits = 3 : i64, dfq.weight_grid = array<i64: 1, 3>, dfq.bits_reason = "DF-MPC low-bit layer"} : (tensor<1x1x4x4xf32>, tensor<2x1x1x3xf32>) -> tensor<1x2x4x2xf32>
  %1 = dfq.conv2d %0, %w2 {dfq.range = array<f64: 0.0, 1.0>, dfq.weight_bits = 6 : i64} : (tensor<1x2x4x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x2xf32>
  %2 = dfq.conv2d %1, %w3 {dfq.range = array<f64: 0.0, 1.0>, dfq.act_bits = 6 : i64} : (tensor<1x2x4x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x2xf32>
  return %2 : tensor<1x2x4x2xf32>
}
