// RUN: dfq-opt %s -split-input-file -verify-diagnostics

// Negative tests for the float graph ops: ODS type constraints, the shared
// shape rules of lib/Dialect/ShapeInference.cpp and the inference/verifiers
// of lib/Dialect/DfqGraphOps.cpp. Inferred ops report the precise error and
// then "failed to infer returned types" at the same location.

//===----------------------------------------------------------------------===//
// dfq.conv2d
//===----------------------------------------------------------------------===//

// conv2d: ODS requires a 4-D float input.
func.func @conv2d_input_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'dfq.conv2d' op operand #0 must be 4D tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<3x8x8xf32>'}}
  %y = dfq.conv2d %x, %w : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: ODS requires a 4-D float weight.
func.func @conv2d_weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x27xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'dfq.conv2d' op operand #1 must be 4D tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<4x27xf32>'}}
  %y = dfq.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x27xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: ODS rejects integer element types.
func.func @conv2d_integer_input(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi8> {
  // expected-error @+1 {{'dfq.conv2d' op operand #0 must be 4D tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<1x3x8x8xi8>'}}
  %y = dfq.conv2d %x, %w : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi8>
  return %y : tensor<1x4x6x6xi8>
}

// -----

// conv2d: ODS requires a 1-D bias.
func.func @conv2d_bias_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<1x4xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'dfq.conv2d' op operand #2 must be 1D tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<1x4xf32>'}}
  %y = dfq.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: weight element type must match the input element type.
func.func @conv2d_weight_element_type(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{weight element type 'f16' differs from the input element type 'f32'}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: bias element type must match the input element type.
func.func @conv2d_bias_element_type(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf64>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{bias element type 'f64' differs from the input element type 'f32'}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf64>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: 'strides' needs exactly 2 values.
func.func @conv2d_strides_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{expected 2 values in 'strides', got 3}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w {strides = array<i64: 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: 'strides' values must be at least 1.
func.func @conv2d_strides_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'strides' values must lie in [1, 2147483647], got [1, 0]}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w {strides = array<i64: 1, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: 'pads' needs exactly 4 values.
func.func @conv2d_pads_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{expected 4 values in 'pads', got 2}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w {pads = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// conv2d: 'pads' values must be non-negative.
func.func @conv2d_pads_negative(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'pads' values must lie in [0, 2147483647], got [0, -1, 0, 0]}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w {pads = array<i64: 0, -1, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: 'dilations' needs exactly 2 values.
func.func @conv2d_dilations_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{expected 2 values in 'dilations', got 1}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w {dilations = array<i64: 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: 'dilations' values must be at least 1.
func.func @conv2d_dilations_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'dilations' values must lie in [1, 2147483647], got [0, 1]}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w {dilations = array<i64: 0, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: 'groups' must be at least 1.
func.func @conv2d_groups_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{'groups' must lie in [1, 2147483647], got 0}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w {groups = 0 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: 'groups' must divide the input channels.
func.func @conv2d_groups_input_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{groups (2) must divide the input channels (3)}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w {groups = 2 : i64} : (tensor<1x3x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: the weight shape must be static.
func.func @conv2d_dynamic_weight(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x?x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{weight shape must be static, got [4, 3, ?, 3]}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x?x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: 'groups' must divide the output channels.
func.func @conv2d_groups_output_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32> {
  // expected-error @+2 {{groups (2) must divide the output channels (3)}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>
  return %y : tensor<1x3x6x6xf32>
}

// -----

// conv2d: weight dim 1 times groups must equal the input channels.
func.func @conv2d_weight_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{weight expects 4 input channels per group (8 in 2 groups) but the input has 4}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: the bias has one entry per output channel.
func.func @conv2d_bias_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{bias shape [3] does not match the 4 output channels}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// conv2d: the kernel must fit the padded input height.
func.func @conv2d_window_height(%x: tensor<1x3x2x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x1x6xf32> {
  // expected-error @+2 {{window of height extent 3 does not fit the padded input height 2}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w : (tensor<1x3x2x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x6xf32>
  return %y : tensor<1x4x1x6xf32>
}

// -----

// conv2d: the dilated kernel must fit the padded input width.
func.func @conv2d_window_width_dilated(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x1xf32> {
  // expected-error @+2 {{window of width extent 9 does not fit the padded input width 8}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w {dilations = array<i64: 1, 4>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x1xf32>
  return %y : tensor<1x4x6x1xf32>
}

// -----

// conv2d: inference succeeds but the written result type is wrong.
func.func @conv2d_wrong_result(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{'dfq.conv2d' op inferred type(s) 'tensor<1x4x4x4xf32>' are incompatible with return type(s) of operation 'tensor<1x4x8x8xf32>'}}
  // expected-error @+1 {{'dfq.conv2d' op failed to infer returned types}}
  %y = dfq.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// dfq.batch_norm
//===----------------------------------------------------------------------===//

// batch_norm: the input has rank 2 or 4.
func.func @batch_norm_rank(%x: tensor<1x4x8xf32>, %p: tensor<4xf32>) -> tensor<1x4x8xf32> {
  // expected-error @+2 {{expected an input of rank 2 ([N, C]) or 4 ([N, C, H, W]), got rank 3}}
  // expected-error @+1 {{'dfq.batch_norm' op failed to infer returned types}}
  %y = dfq.batch_norm %x, %p, %p, %p, %p : (tensor<1x4x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8xf32>
  return %y : tensor<1x4x8xf32>
}

// -----

// batch_norm: ODS requires 1-D statistics.
func.func @batch_norm_param_rank(%x: tensor<2x4xf32>, %p: tensor<4xf32>, %m: tensor<1x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'dfq.batch_norm' op operand #3 must be 1D tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<1x4xf32>'}}
  %y = dfq.batch_norm %x, %p, %p, %m, %p : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<1x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// batch_norm: scale element type must match the input.
func.func @batch_norm_scale_element_type(%x: tensor<2x4xf32>, %s: tensor<4xf16>, %p: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{scale element type 'f16' differs from the input element type 'f32'}}
  // expected-error @+1 {{'dfq.batch_norm' op failed to infer returned types}}
  %y = dfq.batch_norm %x, %s, %p, %p, %p : (tensor<2x4xf32>, tensor<4xf16>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// batch_norm: variance element type must match the input.
func.func @batch_norm_variance_element_type(%x: tensor<2x4xf32>, %p: tensor<4xf32>, %v: tensor<4xbf16>) -> tensor<2x4xf32> {
  // expected-error @+2 {{variance element type 'bf16' differs from the input element type 'f32'}}
  // expected-error @+1 {{'dfq.batch_norm' op failed to infer returned types}}
  %y = dfq.batch_norm %x, %p, %p, %p, %v : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xbf16>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// batch_norm: scale has one entry per channel.
func.func @batch_norm_scale_shape(%x: tensor<1x4x8x8xf32>, %s: tensor<3xf32>, %p: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{scale shape [3] does not match the 4 channels of the input}}
  // expected-error @+1 {{'dfq.batch_norm' op failed to infer returned types}}
  %y = dfq.batch_norm %x, %s, %p, %p, %p : (tensor<1x4x8x8xf32>, tensor<3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// batch_norm: bias has one entry per channel.
func.func @batch_norm_bias_shape(%x: tensor<2x4xf32>, %p: tensor<4xf32>, %b: tensor<5xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{bias shape [5] does not match the 4 channels of the input}}
  // expected-error @+1 {{'dfq.batch_norm' op failed to infer returned types}}
  %y = dfq.batch_norm %x, %p, %b, %p, %p : (tensor<2x4xf32>, tensor<4xf32>, tensor<5xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// batch_norm: mean has one entry per channel.
func.func @batch_norm_mean_shape(%x: tensor<2x4xf32>, %p: tensor<4xf32>, %m: tensor<2xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{mean shape [2] does not match the 4 channels of the input}}
  // expected-error @+1 {{'dfq.batch_norm' op failed to infer returned types}}
  %y = dfq.batch_norm %x, %p, %p, %m, %p : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// batch_norm: variance has one entry per channel.
func.func @batch_norm_variance_shape(%x: tensor<2x4xf32>, %p: tensor<4xf32>, %v: tensor<8xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{variance shape [8] does not match the 4 channels of the input}}
  // expected-error @+1 {{'dfq.batch_norm' op failed to infer returned types}}
  %y = dfq.batch_norm %x, %p, %p, %p, %v : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<8xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// batch_norm: epsilon must be positive (zero is rejected).
func.func @batch_norm_epsilon_zero(%x: tensor<2x4xf32>, %p: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{epsilon must be positive, got 0.000000e+00}}
  // expected-error @+1 {{'dfq.batch_norm' op failed to infer returned types}}
  %y = dfq.batch_norm %x, %p, %p, %p, %p {epsilon = 0.0 : f64} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// batch_norm: epsilon must be positive (NaN is rejected).
func.func @batch_norm_epsilon_nan(%x: tensor<2x4xf32>, %p: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{epsilon must be positive, got nan}}
  // expected-error @+1 {{'dfq.batch_norm' op failed to infer returned types}}
  %y = dfq.batch_norm %x, %p, %p, %p, %p {epsilon = 0x7FF8000000000000 : f64} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// batch_norm: inference succeeds but the written result type is wrong.
func.func @batch_norm_wrong_result(%x: tensor<2x4xf32>, %p: tensor<4xf32>) -> tensor<4x2xf32> {
  // expected-error @+2 {{'dfq.batch_norm' op inferred type(s) 'tensor<2x4xf32>' are incompatible with return type(s) of operation 'tensor<4x2xf32>'}}
  // expected-error @+1 {{'dfq.batch_norm' op failed to infer returned types}}
  %y = dfq.batch_norm %x, %p, %p, %p, %p : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// dfq.gemm
//===----------------------------------------------------------------------===//

// gemm over [N, ..., K] keeps the leading dimensions.
func.func @gemm_input_rank(%x: tensor<2x3x8xf32>, %w: tensor<4x8xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{'dfq.gemm' op inferred type(s) 'tensor<2x3x4xf32>' are incompatible with return type(s) of operation 'tensor<2x4xf32>'}}
  // expected-error @+1 {{'dfq.gemm' op failed to infer returned types}}
  %y = dfq.gemm %x, %w : (tensor<2x3x8xf32>, tensor<4x8xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// gemm: weight element type must match the input.
func.func @gemm_weight_element_type(%x: tensor<2x8xf32>, %w: tensor<4x8xf64>) -> tensor<2x4xf32> {
  // expected-error @+2 {{weight element type 'f64' differs from the input element type 'f32'}}
  // expected-error @+1 {{'dfq.gemm' op failed to infer returned types}}
  %y = dfq.gemm %x, %w : (tensor<2x8xf32>, tensor<4x8xf64>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// gemm: bias element type must match the input.
func.func @gemm_bias_element_type(%x: tensor<2x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf16>) -> tensor<2x4xf32> {
  // expected-error @+2 {{bias element type 'f16' differs from the input element type 'f32'}}
  // expected-error @+1 {{'dfq.gemm' op failed to infer returned types}}
  %y = dfq.gemm %x, %w, %b : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf16>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// gemm: input features must equal the weight's K.
func.func @gemm_features(%x: tensor<2x7xf32>, %w: tensor<4x8xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{input has 7 features but the [O, K] weight expects 8}}
  // expected-error @+1 {{'dfq.gemm' op failed to infer returned types}}
  %y = dfq.gemm %x, %w : (tensor<2x7xf32>, tensor<4x8xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// gemm: the bias has one entry per output feature.
func.func @gemm_bias_shape(%x: tensor<2x8xf32>, %w: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{bias shape [8] does not match the weight's output features [4]}}
  // expected-error @+1 {{'dfq.gemm' op failed to infer returned types}}
  %y = dfq.gemm %x, %w, %b : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// gemm: inference succeeds but the written result type is wrong.
func.func @gemm_wrong_result(%x: tensor<2x8xf32>, %w: tensor<4x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+2 {{'dfq.gemm' op inferred type(s) 'tensor<2x4xf32>' are incompatible with return type(s) of operation 'tensor<2x8xf32>'}}
  // expected-error @+1 {{'dfq.gemm' op failed to infer returned types}}
  %y = dfq.gemm %x, %w : (tensor<2x8xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// dfq.matmul
//===----------------------------------------------------------------------===//

// matmul: rhs element type must match lhs.
func.func @matmul_element_type(%a: tensor<2x3xf32>, %b: tensor<3x4xf16>) -> tensor<2x4xf32> {
  // expected-error @+2 {{rhs element type 'f16' differs from the input element type 'f32'}}
  // expected-error @+1 {{'dfq.matmul' op failed to infer returned types}}
  %y = dfq.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf16>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// matmul: both operands need rank 2 or more.
func.func @matmul_rank(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{operands need rank 2 or more, got ranks 2 and 1}}
  // expected-error @+1 {{'dfq.matmul' op failed to infer returned types}}
  %y = dfq.matmul %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// matmul: contraction sizes must agree.
func.func @matmul_contraction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+2 {{contraction sizes differ: lhs [2, 3] and rhs [4, 5]}}
  // expected-error @+1 {{'dfq.matmul' op failed to infer returned types}}
  %y = dfq.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// -----

// matmul: batch dimensions must broadcast.
func.func @matmul_batch(%a: tensor<2x2x3xf32>, %b: tensor<3x3x4xf32>) -> tensor<3x2x4xf32> {
  // expected-error @+2 {{batch dimensions of [2, 2, 3] and [3, 3, 4] do not broadcast}}
  // expected-error @+1 {{'dfq.matmul' op failed to infer returned types}}
  %y = dfq.matmul %a, %b : (tensor<2x2x3xf32>, tensor<3x3x4xf32>) -> tensor<3x2x4xf32>
  return %y : tensor<3x2x4xf32>
}

// -----

// matmul: inference succeeds but the written result type is wrong.
func.func @matmul_wrong_result(%a: tensor<5x2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{'dfq.matmul' op inferred type(s) 'tensor<5x2x4xf32>' are incompatible with return type(s) of operation 'tensor<2x4xf32>'}}
  // expected-error @+1 {{'dfq.matmul' op failed to infer returned types}}
  %y = dfq.matmul %a, %b : (tensor<5x2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// dfq.add, dfq.mul
//===----------------------------------------------------------------------===//

// add: operand element types must agree.
func.func @add_element_type(%a: tensor<4xf32>, %b: tensor<4xf64>) -> tensor<4xf32> {
  // expected-error @+2 {{rhs element type 'f64' differs from the input element type 'f32'}}
  // expected-error @+1 {{'dfq.add' op failed to infer returned types}}
  %y = dfq.add %a, %b : (tensor<4xf32>, tensor<4xf64>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// add: operand shapes must broadcast.
func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{operand shapes [2, 3] and [4] are not broadcast-compatible}}
  // expected-error @+1 {{'dfq.add' op failed to infer returned types}}
  %y = dfq.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// add: inference succeeds but the written result type is wrong.
func.func @add_wrong_result(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{'dfq.add' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{'dfq.add' op failed to infer returned types}}
  %y = dfq.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

// add: ODS rejects non-float operands.
func.func @add_integer(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'dfq.add' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<4xi32>'}}
  %y = dfq.add %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %y : tensor<4xi32>
}

// -----

// mul: operand element types must agree.
func.func @mul_element_type(%a: tensor<4xbf16>, %b: tensor<4xf32>) -> tensor<4xbf16> {
  // expected-error @+2 {{rhs element type 'f32' differs from the input element type 'bf16'}}
  // expected-error @+1 {{'dfq.mul' op failed to infer returned types}}
  %y = dfq.mul %a, %b : (tensor<4xbf16>, tensor<4xf32>) -> tensor<4xbf16>
  return %y : tensor<4xbf16>
}

// -----

// mul: operand shapes must broadcast.
func.func @mul_broadcast(%a: tensor<1x4x8x8xf32>, %b: tensor<3x1x1xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{operand shapes [1, 4, 8, 8] and [3, 1, 1] are not broadcast-compatible}}
  // expected-error @+1 {{'dfq.mul' op failed to infer returned types}}
  %y = dfq.mul %a, %b : (tensor<1x4x8x8xf32>, tensor<3x1x1xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// mul: inference succeeds but the written result type is wrong.
func.func @mul_wrong_result(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+2 {{'dfq.mul' op inferred type(s) 'tensor<4xf32>' are incompatible with return type(s) of operation 'tensor<4xf16>'}}
  // expected-error @+1 {{'dfq.mul' op failed to infer returned types}}
  %y = dfq.mul %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf16>
  return %y : tensor<4xf16>
}

// -----

//===----------------------------------------------------------------------===//
// dfq.relu, dfq.clip, dfq.softmax
//===----------------------------------------------------------------------===//

// relu: ODS rejects non-float tensors.
func.func @relu_integer(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'dfq.relu' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<4xi8>'}}
  %y = dfq.relu %x : tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

// relu: the custom format only accepts ranked tensors.
func.func @relu_unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{custom op 'dfq.relu' invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %y = dfq.relu %x : tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// relu: SameOperandsAndResultType (checked through the generic form).
func.func @relu_result_type(%x: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{'dfq.relu' op requires the same type for all operands and results}}
  %y = "dfq.relu"(%x) : (tensor<4xf32>) -> tensor<4xf16>
  return %y : tensor<4xf16>
}

// -----

// clip: min must not exceed max.
func.func @clip_min_max(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dfq.clip' op min (6.000000e+00) must not exceed max (0.000000e+00)}}
  %y = dfq.clip %x {min = 6.0 : f64, max = 0.0 : f64} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// clip: a NaN bound is rejected by the same rule.
func.func @clip_nan(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dfq.clip' op min (nan) must not exceed max (6.000000e+00)}}
  %y = dfq.clip %x {min = 0x7FF8000000000000 : f64, max = 6.0 : f64} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// clip: 'min' and 'max' are required attributes.
func.func @clip_missing_max(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dfq.clip' op requires attribute 'max'}}
  %y = dfq.clip %x {min = 0.0 : f64} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// softmax: axis must lie in [-rank, rank - 1] (too large).
func.func @softmax_axis_high(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2 (expected [-2, 1])}}
  %y = dfq.softmax %x {axis = 2 : i64} : tensor<2x10xf32>
  return %y : tensor<2x10xf32>
}

// -----

// softmax: axis must lie in [-rank, rank - 1] (too negative).
func.func @softmax_axis_low(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  // expected-error @+1 {{axis -3 is out of range for rank 2 (expected [-2, 1])}}
  %y = dfq.softmax %x {axis = -3 : i64} : tensor<2x10xf32>
  return %y : tensor<2x10xf32>
}

// -----

//===----------------------------------------------------------------------===//
// dfq.max_pool2d, dfq.avg_pool2d, dfq.global_avg_pool
//===----------------------------------------------------------------------===//

// max_pool2d: ODS requires a 4-D input.
func.func @max_pool_rank(%x: tensor<4x8x8xf32>) -> tensor<4x4x4xf32> {
  // expected-error @+1 {{'dfq.max_pool2d' op operand #0 must be 4D tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values or 4D tensor of uniform quantized type (!quant.uniform) values, but got 'tensor<4x8x8xf32>'}}
  %y = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2>} : (tensor<4x8x8xf32>) -> tensor<4x4x4xf32>
  return %y : tensor<4x4x4xf32>
}

// -----

// max_pool2d: 'kernel_shape' is required.
func.func @max_pool_no_kernel(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{'dfq.max_pool2d' op requires attribute 'kernel_shape'}}
  %y = dfq.max_pool2d %x : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// max_pool2d: 'kernel_shape' needs exactly 2 values.
func.func @max_pool_kernel_count(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+2 {{expected 2 values in 'kernel_shape', got 3}}
  // expected-error @+1 {{'dfq.max_pool2d' op failed to infer returned types}}
  %y = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// max_pool2d: 'kernel_shape' values must be at least 1.
func.func @max_pool_kernel_zero(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+2 {{'kernel_shape' values must lie in [1, 2147483647], got [0, 2]}}
  // expected-error @+1 {{'dfq.max_pool2d' op failed to infer returned types}}
  %y = dfq.max_pool2d %x {kernel_shape = array<i64: 0, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// max_pool2d: 'strides' values must be at least 1.
func.func @max_pool_strides(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+2 {{'strides' values must lie in [1, 2147483647], got [-2, 2]}}
  // expected-error @+1 {{'dfq.max_pool2d' op failed to infer returned types}}
  %y = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: -2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// max_pool2d: 'pads' needs exactly 4 values.
func.func @max_pool_pads_count(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+2 {{expected 4 values in 'pads', got 5}}
  // expected-error @+1 {{'dfq.max_pool2d' op failed to infer returned types}}
  %y = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0, 0>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// max_pool2d: 'dilations' needs exactly 2 values.
func.func @max_pool_dilations_count(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x7x7xf32> {
  // expected-error @+2 {{expected 2 values in 'dilations', got 0}}
  // expected-error @+1 {{'dfq.max_pool2d' op failed to infer returned types}}
  %y = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2>, dilations = array<i64>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x7x7xf32>
  return %y : tensor<1x4x7x7xf32>
}

// -----

// max_pool2d: pads must be smaller than the kernel (begin pad).
func.func @max_pool_pads_begin(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x5x4xf32> {
  // expected-error @+2 {{pads [2, 0, 0, 0] must be smaller than the kernel [2, 2]}}
  // expected-error @+1 {{'dfq.max_pool2d' op failed to infer returned types}}
  %y = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x5x4xf32>
  return %y : tensor<1x4x5x4xf32>
}

// -----

// max_pool2d: pads must be smaller than the kernel (end pad).
func.func @max_pool_pads_end(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{pads [1, 1, 1, 3] must be smaller than the kernel [3, 3]}}
  // expected-error @+1 {{'dfq.max_pool2d' op failed to infer returned types}}
  %y = dfq.max_pool2d %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 3>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// max_pool2d: the dilated window must fit the padded input.
func.func @max_pool_window(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+2 {{window of height extent 5 does not fit the padded input height 4}}
  // expected-error @+1 {{'dfq.max_pool2d' op failed to infer returned types}}
  %y = dfq.max_pool2d %x {kernel_shape = array<i64: 3, 3>, dilations = array<i64: 2, 1>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x1x1xf32>
  return %y : tensor<1x4x1x1xf32>
}

// -----

// max_pool2d: ceil_mode rounds up, so the floor-mode size is wrong.
func.func @max_pool_ceil_mode(%x: tensor<1x4x7x7xf32>) -> tensor<1x4x3x3xf32> {
  // expected-error @+2 {{'dfq.max_pool2d' op inferred type(s) 'tensor<1x4x4x4xf32>' are incompatible with return type(s) of operation 'tensor<1x4x3x3xf32>'}}
  // expected-error @+1 {{'dfq.max_pool2d' op failed to infer returned types}}
  %y = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode = true} : (tensor<1x4x7x7xf32>) -> tensor<1x4x3x3xf32>
  return %y : tensor<1x4x3x3xf32>
}

// -----

// max_pool2d: with ceil_mode no window starts inside the end padding.
func.func @max_pool_ceil_mode_end_pad(%x: tensor<1x4x6x6xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+2 {{'dfq.max_pool2d' op inferred type(s) 'tensor<1x4x3x3xf32>' are incompatible with return type(s) of operation 'tensor<1x4x4x4xf32>'}}
  // expected-error @+1 {{'dfq.max_pool2d' op failed to infer returned types}}
  %y = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, ceil_mode = true} : (tensor<1x4x6x6xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// avg_pool2d: 'kernel_shape' needs exactly 2 values.
func.func @avg_pool_kernel_count(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+2 {{expected 2 values in 'kernel_shape', got 1}}
  // expected-error @+1 {{'dfq.avg_pool2d' op failed to infer returned types}}
  %y = dfq.avg_pool2d %x {kernel_shape = array<i64: 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// avg_pool2d: 'strides' needs exactly 2 values.
func.func @avg_pool_strides_count(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+2 {{expected 2 values in 'strides', got 1}}
  // expected-error @+1 {{'dfq.avg_pool2d' op failed to infer returned types}}
  %y = dfq.avg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// avg_pool2d: 'pads' values must be non-negative.
func.func @avg_pool_pads_negative(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+2 {{'pads' values must lie in [0, 2147483647], got [0, 0, -1, 0]}}
  // expected-error @+1 {{'dfq.avg_pool2d' op failed to infer returned types}}
  %y = dfq.avg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, -1, 0>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// avg_pool2d: pads must be smaller than the kernel.
func.func @avg_pool_pads_kernel(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{pads [0, 1, 0, 1] must be smaller than the kernel [3, 1]}}
  // expected-error @+1 {{'dfq.avg_pool2d' op failed to infer returned types}}
  %y = dfq.avg_pool2d %x {kernel_shape = array<i64: 3, 1>, pads = array<i64: 0, 1, 0, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// avg_pool2d: the window must fit the padded input width.
func.func @avg_pool_window(%x: tensor<1x4x8x2xf32>) -> tensor<1x4x6x1xf32> {
  // expected-error @+2 {{window of width extent 3 does not fit the padded input width 2}}
  // expected-error @+1 {{'dfq.avg_pool2d' op failed to infer returned types}}
  %y = dfq.avg_pool2d %x {kernel_shape = array<i64: 3, 3>} : (tensor<1x4x8x2xf32>) -> tensor<1x4x6x1xf32>
  return %y : tensor<1x4x6x1xf32>
}

// -----

// avg_pool2d: has no 'dilations'; a discardable one is ignored by inference.
func.func @avg_pool_wrong_result(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+2 {{'dfq.avg_pool2d' op inferred type(s) 'tensor<1x4x7x7xf32>' are incompatible with return type(s) of operation 'tensor<1x4x4x4xf32>'}}
  // expected-error @+1 {{'dfq.avg_pool2d' op failed to infer returned types}}
  %y = dfq.avg_pool2d %x {kernel_shape = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// global_avg_pool: ODS requires a 4-D input.
func.func @global_avg_pool_rank(%x: tensor<1x4x8xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+1 {{'dfq.global_avg_pool' op operand #0 must be 4D tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<1x4x8xf32>'}}
  %y = dfq.global_avg_pool %x : (tensor<1x4x8xf32>) -> tensor<1x4x1x1xf32>
  return %y : tensor<1x4x1x1xf32>
}

// -----

// global_avg_pool: the result is [N, C, 1, 1].
func.func @global_avg_pool_wrong_result(%x: tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32> {
  // expected-error @+2 {{'dfq.global_avg_pool' op inferred type(s) 'tensor<2x4x1x1xf32>' are incompatible with return type(s) of operation 'tensor<2x4x8x8xf32>'}}
  // expected-error @+1 {{'dfq.global_avg_pool' op failed to infer returned types}}
  %y = dfq.global_avg_pool %x : (tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  return %y : tensor<2x4x8x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// dfq.flatten, dfq.reshape, dfq.concat
//===----------------------------------------------------------------------===//

// flatten: axis out of range (too large).
func.func @flatten_axis_high(%x: tensor<2x3x4xf32>) -> tensor<24x1xf32> {
  // expected-error @+2 {{axis 4 is out of range for rank 3 (expected [-3, 3])}}
  // expected-error @+1 {{'dfq.flatten' op failed to infer returned types}}
  %y = dfq.flatten %x {axis = 4 : i64} : (tensor<2x3x4xf32>) -> tensor<24x1xf32>
  return %y : tensor<24x1xf32>
}

// -----

// flatten: axis out of range (too negative).
func.func @flatten_axis_low(%x: tensor<2x3x4xf32>) -> tensor<1x24xf32> {
  // expected-error @+2 {{axis -4 is out of range for rank 3 (expected [-3, 3])}}
  // expected-error @+1 {{'dfq.flatten' op failed to infer returned types}}
  %y = dfq.flatten %x {axis = -4 : i64} : (tensor<2x3x4xf32>) -> tensor<1x24xf32>
  return %y : tensor<1x24xf32>
}

// -----

// flatten: a negative axis counts from the back (-1 is axis 2 here, not 3).
func.func @flatten_negative_axis(%x: tensor<2x3x4xf32>) -> tensor<24x1xf32> {
  // expected-error @+2 {{'dfq.flatten' op inferred type(s) 'tensor<6x4xf32>' are incompatible with return type(s) of operation 'tensor<24x1xf32>'}}
  // expected-error @+1 {{'dfq.flatten' op failed to infer returned types}}
  %y = dfq.flatten %x {axis = -1 : i64} : (tensor<2x3x4xf32>) -> tensor<24x1xf32>
  return %y : tensor<24x1xf32>
}

// -----

// flatten: ODS requires a 2-D result.
func.func @flatten_result_rank(%x: tensor<2x3x4xf32>) -> tensor<24xf32> {
  // expected-error @+1 {{'dfq.flatten' op result #0 must be 2D tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values or 2D tensor of uniform quantized type (!quant.uniform) values, but got 'tensor<24xf32>'}}
  %y = dfq.flatten %x : (tensor<2x3x4xf32>) -> tensor<24xf32>
  return %y : tensor<24xf32>
}

// -----

// flatten: inference succeeds but the written result type is wrong.
func.func @flatten_wrong_result(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  // expected-error @+2 {{'dfq.flatten' op inferred type(s) 'tensor<2x12xf32>' are incompatible with return type(s) of operation 'tensor<6x4xf32>'}}
  // expected-error @+1 {{'dfq.flatten' op failed to infer returned types}}
  %y = dfq.flatten %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %y : tensor<6x4xf32>
}

// -----

// reshape: element types must agree.
func.func @reshape_element_type(%x: tensor<2x3xf32>) -> tensor<6xf16> {
  // expected-error @+1 {{'dfq.reshape' op result element type 'f16' differs from the input element type 'f32'}}
  %y = dfq.reshape %x : (tensor<2x3xf32>) -> tensor<6xf16>
  return %y : tensor<6xf16>
}

// -----

// reshape: a static input needs a static result shape.
func.func @reshape_dynamic_result(%x: tensor<2x3xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'dfq.reshape' op result shape [?] must be static, or have one dynamic dimension when the input has one}}
  %y = dfq.reshape %x : (tensor<2x3xf32>) -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

// reshape: at most one dynamic dimension in the result.
func.func @reshape_two_dynamic(%x: tensor<?x12xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{'dfq.reshape' op result shape [?, ?] must be static, or have one dynamic dimension when the input has one}}
  %y = dfq.reshape %x : (tensor<?x12xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// transpose: perm must have one entry per dimension.
func.func @transpose_perm_size(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'dfq.transpose' op perm has 3 entries for an input of rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = dfq.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// transpose: perm must be a permutation.
func.func @transpose_not_permutation(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'dfq.transpose' op perm [1, 1] is not a permutation of [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = dfq.transpose %x {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// reshape: the element count must be preserved.
func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{'dfq.reshape' op cannot reshape [2, 3] (6 elements) to [7] (7 elements)}}
  %y = dfq.reshape %x : (tensor<2x3xf32>) -> tensor<7xf32>
  return %y : tensor<7xf32>
}

// -----

// concat: at least one input.
func.func @concat_no_inputs() -> tensor<2xf32> {
  // expected-error @+2 {{expected at least one input}}
  // expected-error @+1 {{'dfq.concat' op failed to infer returned types}}
  %y = dfq.concat {axis = 0 : i64} : () -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// concat: 'axis' is required.
func.func @concat_no_axis(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'dfq.concat' op requires attribute 'axis'}}
  %y = dfq.concat %a : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// concat: axis out of range.
func.func @concat_axis(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2 (expected [-2, 1])}}
  // expected-error @+1 {{'dfq.concat' op failed to infer returned types}}
  %y = dfq.concat %a, %b {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// concat: inputs share the element type.
func.func @concat_element_type(%a: tensor<2x3xf32>, %b: tensor<2x3xf16>) -> tensor<4x3xf32> {
  // expected-error @+2 {{concatenated input element type 'f16' differs from the input element type 'f32'}}
  // expected-error @+1 {{'dfq.concat' op failed to infer returned types}}
  %y = dfq.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf16>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// concat: inputs share the rank.
func.func @concat_rank(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>, %c: tensor<2x3x1xf32>) -> tensor<6x3xf32> {
  // expected-error @+2 {{input #2 has rank 3 but input #0 has rank 2}}
  // expected-error @+1 {{'dfq.concat' op failed to infer returned types}}
  %y = dfq.concat %a, %b, %c {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3x1xf32>) -> tensor<6x3xf32>
  return %y : tensor<6x3xf32>
}

// -----

// concat: dimensions outside the axis must agree.
func.func @concat_shape(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{input #1 shape [2, 4] differs from input #0 shape [2, 3] outside the concatenation axis 0}}
  // expected-error @+1 {{'dfq.concat' op failed to infer returned types}}
  %y = dfq.concat %a, %b {axis = -2 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// concat: inference succeeds but the written result type is wrong.
func.func @concat_wrong_result(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{'dfq.concat' op inferred type(s) 'tensor<2x8xf32>' are incompatible with return type(s) of operation 'tensor<4x3xf32>'}}
  // expected-error @+1 {{'dfq.concat' op failed to infer returned types}}
  %y = dfq.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// Window attributes are bounded so that size arithmetic cannot overflow.
func.func @max_pool_huge_dilation(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+2 {{'dfq.max_pool2d' op 'dilations' values must lie in [1, 2147483647], got [4611686018427387904, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = dfq.max_pool2d %x {kernel_shape = array<i64: 3, 2>, dilations = array<i64: 4611686018427387904, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x6x7xf32>
  return
}

// -----

func.func @slice_out_of_bounds(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'dfq.slice' op dimension 1 reads outside the input: 3 elements from 6, 1 apart, of 8}}
  %y = dfq.slice %x {starts = array<i64: 0, 6>, steps = array<i64: 1, 1>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_step_overflow(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'dfq.slice' op dimension 1 reads outside the input: 3 elements from 0, 4611686018427387904 apart, of 8}}
  %y = dfq.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 4611686018427387904>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_zero_step(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'dfq.slice' op dimension 1 has step 0 or an empty result}}
  %y = dfq.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 0>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_batch(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'dfq.slice' op dimension 0 is dynamic in the input or the result; it must be dynamic in both and taken whole (start 0, step 1)}}
  %y = dfq.slice %x {starts = array<i64: 1, 0>, steps = array<i64: 1, 1>} : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @slice_rank(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'dfq.slice' op input, result, starts and steps must have the same rank, got 2, 2, 1 and 2}}
  %y = dfq.slice %x {starts = array<i64: 0>, steps = array<i64: 1, 1>} : (tensor<2x8xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @layer_norm_scale_shape(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'dfq.layer_norm' op scale and bias must be [3, 4] tensors of 'f32' (the normalized dimensions), got 'tensor<4xf32>'}}
  %y = dfq.layer_norm %x, %s {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<2x4xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'dfq.layer_norm' op axis 2 is out of range for rank 2}}
  %y = dfq.layer_norm %x, %s {axis = 2 : i64} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @layer_norm_dynamic(%x: tensor<?x4xf32>, %s: tensor<?x4xf32>) {
  // expected-error @+1 {{'dfq.layer_norm' op normalizes [?, 4], which has a dynamic dimension; the normalized dimensions must be static}}
  %y = dfq.layer_norm %x, %s {axis = 0 : i64} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @reduce_mean_repeated(%x: tensor<2x4xf32>) {
  // expected-error @+2 {{'dfq.reduce_mean' op axes [1, -1] are out of range or repeated for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = dfq.reduce_mean %x {axes = array<i64: 1, -1>} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @gemm_rank1(%x: tensor<4xf32>, %w: tensor<3x4xf32>) {
  // expected-error @+2 {{expected an input of rank 2 or more and a rank-2 weight, got ranks 1 and 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = dfq.gemm %x, %w : (tensor<4xf32>, tensor<3x4xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @pad_reflect_too_far(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'dfq.pad' op reflect pads of dimension 1 must be at most 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = dfq.pad %x {mode = "reflect", pads = array<i64: 0, 3, 0, 0>} : (tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @pad_mode(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'dfq.pad' op mode 'wrap' is not one of constant, reflect and edge}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = dfq.pad %x {mode = "wrap", pads = array<i64: 0, 1, 0, 0>} : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @pad_batch(%x: tensor<?x3xf32>) {
  // expected-error @+2 {{'dfq.pad' op pads dimension 0, which is dynamic}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = dfq.pad %x {pads = array<i64: 1, 0, 0, 0>} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return
}

// -----

func.func @pad_negative(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'dfq.pad' op pads [0, -1, 0, 0] must lie in [0, 2^31]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = dfq.pad %x {pads = array<i64: 0, -1, 0, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @resize_mode(%x: tensor<1x2x4x4xf32>) {
  // expected-error @+1 {{'dfq.resize' op mode 'area' is not nearest, linear or cubic}}
  %y = dfq.resize %x {coordinate_mode = "half_pixel", mode = "area", scales = array<f64: 2.0, 2.0>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  return
}

// -----

func.func @resize_cubic_coefficient(%x: tensor<1x2x4x4xf32>) {
  // expected-error @+1 {{'dfq.resize' op cubic_coeff_a must be finite}}
  %y = dfq.resize %x {coordinate_mode = "half_pixel", mode = "cubic", scales = array<f64: 2.0, 2.0>, cubic_coeff_a = 0x7FF0000000000000 : f64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  return
}

// -----

func.func @resize_channels(%x: tensor<1x2x4x4xf32>) {
  // expected-error @+1 {{'dfq.resize' op changes N, C or the element type: 'tensor<1x2x4x4xf32>' to 'tensor<1x3x8x8xf32>'}}
  %y = dfq.resize %x {coordinate_mode = "half_pixel", mode = "linear", scales = array<f64: 2.0, 2.0>} : (tensor<1x2x4x4xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @resize_scales(%x: tensor<1x2x4x4xf32>) {
  // expected-error @+1 {{'dfq.resize' op scales must be two positive finite numbers (H, W)}}
  %y = dfq.resize %x {coordinate_mode = "half_pixel", mode = "linear", scales = array<f64: 2.0, 0.0>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  return
}

// -----

func.func @conv_transpose_output_padding(%x: tensor<1x8x7x7xf32>, %w: tensor<8x12x3x3xf32>) {
  // expected-error @+2 {{'dfq.conv_transpose2d' op strides and dilations must be positive and output_padding smaller than the stride or dilation}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = dfq.conv_transpose2d %x, %w {output_padding = array<i64: 2, 0>, strides = array<i64: 2, 2>} : (tensor<1x8x7x7xf32>, tensor<8x12x3x3xf32>) -> tensor<1x12x15x15xf32>
  return
}

// -----

func.func @conv_transpose_channels(%x: tensor<1x8x7x7xf32>, %w: tensor<6x12x3x3xf32>) {
  // expected-error @+2 {{'dfq.conv_transpose2d' op the weight's first dimension must be the input's channels, and groups must divide them}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = dfq.conv_transpose2d %x, %w : (tensor<1x8x7x7xf32>, tensor<6x12x3x3xf32>) -> tensor<1x12x9x9xf32>
  return
}
