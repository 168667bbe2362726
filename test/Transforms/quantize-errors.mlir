// RUN: dfq-opt %s --split-input-file --verify-diagnostics --dfq-quantize
// RUN: not dfq-opt %s --split-input-file --dfq-quantize="wbits=9" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not dfq-opt %s --split-input-file --dfq-quantize="first-last-bits=1" 2>&1 | FileCheck %s --check-prefix=EDGE

// BITS: error: dfq-quantize: bit widths must lie in [2, 8], got wbits=9 abits=8
// EDGE: error: dfq-quantize: first-last-bits must be 0 (same) or lie in [2, 8], got 1

func.func @batch_norm_left(%x: tensor<1x1x2x2xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense<[[[[0.5]]]]> : tensor<1x1x1x1xf32>
  %c = arith.constant dense<1.0> : tensor<1xf32>
  %0 = dfq.conv2d %x, %w {dfq.range = array<f64: 0.0, 0.5>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  // expected-error @+1 {{dfq-quantize: dfq.batch_norm must be folded first (dfq-fold-bn)}}
  %1 = dfq.batch_norm %0, %c, %c, %c, %c : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %1 : tensor<1x1x2x2xf32>
}

// -----

func.func @no_range(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense<[[[[0.5]]]]> : tensor<1x1x1x1xf32>
  // expected-error @+1 {{dfq-quantize: no dfq.range on the layer's input; run dfq-calibrate-ranges first}}
  %0 = dfq.conv2d %x, %w {dfq.range = array<f64: 0.0, 0.5>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @computed_weight(%x: tensor<1x1x2x2xf32> {dfq.range = array<f64: 0.0, 1.0>}, %w: tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{dfq-quantize: the weight is not a constant with available f32 data}}
  %0 = dfq.conv2d %x, %w {dfq.range = array<f64: 0.0, 0.5>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @bad_layer_bits(%x: tensor<1x1x2x2xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense<[[[[0.5]]]]> : tensor<1x1x1x1xf32>
  // expected-error @+1 {{dfq-quantize: dfq.weight_bits must lie in [2, 8], got 9}}
  %0 = dfq.conv2d %x, %w {dfq.range = array<f64: 0.0, 0.5>, dfq.weight_bits = 9 : i64} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @off_grid(%x: tensor<1x1x2x2xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<1x1x2x1xf32> {
  %w = arith.constant dense<[[[[0.5, 0.2]]]]> : tensor<1x1x1x2xf32>
  // expected-error @+1 {{dfq-quantize: weight 1 (2.000000e-01) is off the 2-bit grid that dfq.weight_grid records; the weights or widths changed after dfq-compensate-mpc}}
  %0 = dfq.conv2d %x, %w {dfq.range = array<f64: 0.0, 0.5>, dfq.weight_bits = 2 : i64, dfq.weight_grid = array<i64: 1>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x1x2x1xf32>
  return %0 : tensor<1x1x2x1xf32>
}

// -----

// dfq.weight_scales (dfq-reconstruct): codes recovered exactly, or an error.
func.func @off_scales(%x: tensor<1x1x2x2xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<1x1x2x1xf32> {
  %w = arith.constant dense<[[[[0.5, 0.2]]]]> : tensor<1x1x1x2xf32>
  // expected-error @+1 {{dfq-quantize: weight 1 (2.000000e-01) is off the 2-bit grid that dfq.weight_scales records; the weights or widths changed after dfq-reconstruct}}
  %0 = dfq.conv2d %x, %w {dfq.range = array<f64: 0.0, 0.5>, dfq.weight_bits = 2 : i64, dfq.weight_scales = array<f64: 0.5>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x1x2x1xf32>
  return %0 : tensor<1x1x2x1xf32>
}

// -----

func.func @scales_count(%x: tensor<1x1x2x2xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense<[[[[0.5]]]]> : tensor<1x1x1x1xf32>
  // expected-error @+1 {{dfq-quantize: dfq.weight_scales holds symmetric per-channel scales, one per output channel (1), got 2; it cannot be kept with this weight shape}}
  %0 = dfq.conv2d %x, %w {dfq.range = array<f64: 0.0, 0.5>, dfq.weight_scales = array<f64: 0.25, 0.5>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @scales_not_positive(%x: tensor<1x1x2x2xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense<[[[[0.5]]]]> : tensor<1x1x1x1xf32>
  // expected-error @+1 {{dfq-quantize: dfq.weight_scales holds a scale that is not positive and finite (-2.500000e-01)}}
  %0 = dfq.conv2d %x, %w {dfq.range = array<f64: 0.0, 0.5>, dfq.weight_scales = array<f64: -0.25>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @grid_too_wide(%x: tensor<1x1x2x2xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense<[[[[0.5]]]]> : tensor<1x1x1x1xf32>
  // expected-error @+1 {{dfq-quantize: dfq.weight_grid entry 3 of channel 0 does not fit 2-bit weights}}
  %0 = dfq.conv2d %x, %w {dfq.range = array<f64: 0.0, 0.5>, dfq.weight_bits = 2 : i64, dfq.weight_grid = array<i64: 3>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @bad_act_bits(%x: tensor<1x1x2x2xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense<[[[[0.5]]]]> : tensor<1x1x1x1xf32>
  // expected-error @+1 {{dfq-quantize: dfq.act_bits must lie in [2, 8], got 1}}
  %0 = dfq.conv2d %x, %w {dfq.range = array<f64: 0.0, 0.5>, dfq.act_bits = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}
