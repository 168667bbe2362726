// RUN: dfq-opt %s --split-input-file --dfq-quantize -verify-diagnostics

// What a target cannot run: a remark where dfq-quantize leaves a layer in
// float, an error at the layer where it cannot honour a request.

module attributes {dfq.target = #dfq.target<"convs-only", backend = c, layers = [#dfq.layer<conv2d, weight_bits = [8], act_bits = [8]>]>} {
func.func @missing_kind(%x: tensor<?x2xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<?x1xf32> {
  %fc = arith.constant dense<[[1.0, -1.0]]> : tensor<1x2xf32>
  // expected-remark @+1 {{dfq-quantize: left in float, to run on the host: target 'convs-only' does not run gemm layers}}
  %0 = dfq.gemm %x, %fc {dfq.range = array<f64: -2.0, 2.0>} : (tensor<?x2xf32>, tensor<1x2xf32>) -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}
}

// -----

// A 3x3 convolution over 64 channels: 64 * 9 * 255 * 127 = 18653760 does not
// fit a 16-bit accumulator.
module attributes {dfq.target = #dfq.target<"acc16", backend = c, layers = [#dfq.layer<conv2d, weight_bits = [8], act_bits = [8]>], accumulator_bits = 16>} {
func.func @narrow_accumulator(%x: tensor<?x64x4x4xf32> {dfq.range = array<f64: 0.0, 3.0>}) -> tensor<?x2x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<2x64x3x3xf32>
  // expected-error @+1 {{dfq-quantize: target 'acc16' has a 16-bit accumulator, which this layer's worst-case sum 18653760 does not fit (at most 32767; it would wrap)}}
  %0 = dfq.conv2d %x, %w {dfq.range = array<f64: -1.0, 2.0>, pads = array<i64: 1, 1, 1, 1>} : (tensor<?x64x4x4xf32>, tensor<2x64x3x3xf32>) -> tensor<?x2x4x4xf32>
  %1 = dfq.relu %0 {dfq.range = array<f64: 0.0, 2.0>} : tensor<?x2x4x4xf32>
  return %1 : tensor<?x2x4x4xf32>
}
}

// -----

// A per-layer width (from dfq-assign-bits or dfq-compensate-mpc) is a
// request: the target's widths do not silently replace it.
module attributes {dfq.target = #dfq.target<"w8", backend = c, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>]>} {
func.func @per_layer_bits(%x: tensor<?x2xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<?x1xf32> {
  %fc = arith.constant dense<[[1.0, -1.0]]> : tensor<1x2xf32>
  // expected-error @+1 {{dfq-quantize: target 'w8' runs gemm layers with weight bits [8]; dfq.weight_bits=4 cannot be honoured}}
  %0 = dfq.gemm %x, %fc {dfq.range = array<f64: -2.0, 2.0>, dfq.weight_bits = 4 : i64} : (tensor<?x2xf32>, tensor<1x2xf32>) -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}
}

// -----

// Weights already on a grid (DF-MPC) fix each channel's scale, which a
// power-of-two target cannot take.
module attributes {dfq.target = #dfq.target<"pow2", backend = c, layers = [#dfq.layer<gemm, weight_bits = [2, 8], act_bits = [8]>], scales = pow2>} {
func.func @grid_pow2(%x: tensor<?x2xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<?x1xf32> {
  %fc = arith.constant dense<[[0.3, -0.3]]> : tensor<1x2xf32>
  // expected-error @+1 {{dfq-quantize: dfq.weight_grid fixes each channel's scale, which target 'pow2' needs to be a power of two}}
  %0 = dfq.gemm %x, %fc {dfq.range = array<f64: -2.0, 2.0>, dfq.weight_bits = 2 : i64, dfq.weight_grid = array<i64: 1>} : (tensor<?x2xf32>, tensor<1x2xf32>) -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}
}
