// RUN: dfq-opt %s --split-input-file --dfq-quantize | FileCheck %s

// dfq-quantize under a #dfq.target: only what the target runs. The numbers
// are worked out by hand in the comments.

// An 8-bit NPU with per-tensor weights, power-of-two scales and signed
// asymmetric activations.
// CHECK-LABEL: func.func @pow2_per_tensor
// Input [-1, 3]: 4/255 rounds up to 2^-5; zero point -128 + 1/2^-5 = -96.
// CHECK: dfq.quantize %{{.*}} {params = #dfq.qparams<i8, asymmetric, scales = [3.125000e-02], zero_points = [-96]
// Weights {0.5, -0.25}, one scale: max/127 rounds up to 2^-7, which holds
// both exactly (2^-8 would clip 0.5 to 127 * 2^-8).
// CHECK: dfq.qconstant dense<{{\[\[\[\[}}64]]], {{\[\[\[}}-32]]]]> : tensor<2x1x1x1xi8> {params = #dfq.qparams<i8, symmetric, scales = [7.812500e-03], zero_points = [0]
// Bias at 2^-5 * 2^-7: 0.1 * 4096 = 409.6 -> 410.
// CHECK: arith.constant dense<[410, -819]> : tensor<2xi32>
// Output [0, 1.5]: 1.5/255 rounds up to 2^-7; the multiplier
// 2^-5 * 2^-7 / 2^-7 is a shift by 5.
// CHECK: dfq.qconv2d {{.*}}#dfq.qparams<i8, asymmetric, scales = [7.812500e-03], zero_points = [-128]{{.*}}multiplier = array<i32: 1>, shift = array<i32: 5>}
// The output layer's weights: one power-of-two scale, 2^-6 (max 1.0).
// CHECK: dfq.qconstant dense<{{\[\[}}64, -64], [32, 16]]> : tensor<2x2xi8> {params = #dfq.qparams<i8, symmetric, scales = [1.562500e-02]
module attributes {dfq.target = #dfq.target<"npu8", backend = c, layers = [#dfq.layer<conv2d, weight_bits = [8], act_bits = [8]>, #dfq.layer<gemm, weight_bits = [8], act_bits = [8]>], weights = per_tensor, act_signed = true, scales = pow2>} {
func.func @pow2_per_tensor(%x: tensor<?x1x4x4xf32> {dfq.range = array<f64: -1.0, 3.0>}) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[[[0.5]]], [[[-0.25]]]]> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %0 = dfq.conv2d %x, %w, %b {dfq.range = array<f64: -1.0, 2.0>} : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<?x2x4x4xf32>
  %1 = dfq.relu %0 {dfq.range = array<f64: 0.0, 1.5>} : tensor<?x2x4x4xf32>
  %2 = dfq.global_avg_pool %1 {dfq.range = array<f64: 0.0, 1.5>} : (tensor<?x2x4x4xf32>) -> tensor<?x2x1x1xf32>
  %3 = dfq.flatten %2 {dfq.range = array<f64: 0.0, 1.5>} : (tensor<?x2x1x1xf32>) -> tensor<?x2xf32>
  %fc = arith.constant dense<[[1.0, -1.0], [0.5, 0.25]]> : tensor<2x2xf32>
  %4 = dfq.gemm %3, %fc {dfq.range = array<f64: -2.0, 2.0>} : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  return %4 : tensor<?x2xf32>
}
}

// -----

// Power-of-two weight scales are chosen for error, not rounded up. The
// min-max scale 0.52/127 rounds up to 2^-7; but 48 weights at 3 * 2^-8 lie
// halfway between its codes (error 2^-8 each, 48 * 2^-16 = 7.3e-4 in all),
// while 2^-8 holds them exactly and clips only 0.52 to 127 * 2^-8 = 0.496
// (error 0.024^2 = 5.8e-4): 2^-8 wins.
// CHECK-LABEL: func.func @pow2_weight_search
// CHECK: dfq.qconstant dense<{{\[\[}}127, 3, 3, {{.*}}> : tensor<1x49xi8> {params = #dfq.qparams<i8, symmetric, scales = [3.906250e-03]
module attributes {dfq.target = #dfq.target<"npu8", backend = c, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>], weights = per_tensor, scales = pow2>} {
func.func @pow2_weight_search(%x: tensor<?x49xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<?x1xf32> {
  %fc = arith.constant dense<[[0.52, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875, 0.01171875]]> : tensor<1x49xf32>
  %0 = dfq.gemm %x, %fc {dfq.range = array<f64: -2.0, 2.0>} : (tensor<?x49xf32>, tensor<1x49xf32>) -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}
}

// -----

// Unsigned 4-bit weights (asymmetric on [0, 15]) and signed symmetric 8-bit
// activations; the target's only width (4) replaces the default 8.
// CHECK-LABEL: func.func @unsigned_weights
// Input [-1, 3], symmetric: 3/127.
// CHECK: dfq.quantize %{{.*}} {params = #dfq.qparams<i8, symmetric, scales = [0.023622047244094488], zero_points = [0]
// Row [1, -1]: scale 2/15, zero point 7.5 -> 8 (ties to even); the codes
// divide in f32, where 1/(2/15) is 7.4999995: 7 + 8 = 15 and -7 + 8 = 1.
// Row [0.5, 0.25]: [0, 0.5], scale 0.5/15, zero point 0.
// CHECK: dfq.qconstant dense<{{\[\[}}15, 1], [15, 7]]> : tensor<2x2xi8> {params = #dfq.qparams<u4, asymmetric, axis = 0, scales = [0.13333333333333333, 0.033333333333333333], zero_points = [8, 0]
// CHECK: dfq.qgemm {{.*}}#dfq.qparams<i8, symmetric, scales = [0.015748031496062992], zero_points = [0]
module attributes {dfq.target = #dfq.target<"u-weights", backend = c, layers = [#dfq.layer<gemm, weight_bits = [4], act_bits = [8]>], weight_signed = false, symmetric_weights = false, act_signed = true, symmetric_acts = true>} {
func.func @unsigned_weights(%x: tensor<?x2xf32> {dfq.range = array<f64: -1.0, 3.0>}) -> tensor<?x2xf32> {
  %fc = arith.constant dense<[[1.0, -1.0], [0.5, 0.25]]> : tensor<2x2xf32>
  %0 = dfq.gemm %x, %fc {dfq.range = array<f64: -2.0, 2.0>} : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %1 = dfq.relu %0 {dfq.range = array<f64: 0.0, 2.0>} : tensor<?x2xf32>
  %fc2 = arith.constant dense<[[1.0, -1.0], [0.5, 0.25]]> : tensor<2x2xf32>
  %2 = dfq.gemm %1, %fc2 {dfq.range = array<f64: -2.0, 2.0>} : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  return %2 : tensor<?x2xf32>
}
}

// -----

// A kind the target lacks (gemm) stays a float op; the conv is quantized.
// The BatchNorm statistics dfq-fold-bn recorded on it are dropped: only
// passes before quantization read them.
// CHECK-LABEL: func.func @missing_kind
// CHECK: dfq.qconv2d
// CHECK: %[[FC:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, -1.000000e+00]]> : tensor<1x2xf32>
// CHECK: dfq.gemm %{{.*}}, %[[FC]]
// CHECK-NOT: dfq.bn_output
module attributes {dfq.target = #dfq.target<"convs-only", backend = c, layers = [#dfq.layer<conv2d, weight_bits = [8], act_bits = [8]>]>} {
func.func @missing_kind(%x: tensor<?x1x4x4xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<?x1xf32> {
  %w = arith.constant dense<[[[[0.5]]], [[[-0.25]]]]> : tensor<2x1x1x1xf32>
  %0 = dfq.conv2d %x, %w {dfq.range = array<f64: -1.0, 2.0>} : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32>
  %1 = dfq.global_avg_pool %0 {dfq.range = array<f64: -1.0, 2.0>} : (tensor<?x2x4x4xf32>) -> tensor<?x2x1x1xf32>
  %2 = dfq.flatten %1 {dfq.range = array<f64: -1.0, 2.0>} : (tensor<?x2x1x1xf32>) -> tensor<?x2xf32>
  %fc = arith.constant dense<[[1.0, -1.0]]> : tensor<1x2xf32>
  %3 = dfq.gemm %2, %fc {dfq.range = array<f64: -2.0, 2.0>, dfq.bn_output = {mean = array<f64: 0.0>, std = array<f64: 1.0>}} : (tensor<?x2xf32>, tensor<1x2xf32>) -> tensor<?x1xf32>
  return %3 : tensor<?x1xf32>
}
}
