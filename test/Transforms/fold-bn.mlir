// RUN: dfq-opt %s -split-input-file -dfq-fold-bn -verify-diagnostics | FileCheck %s

// Per channel o: k = scale / sqrt(variance + epsilon) = [1, 0.5];
// W' = W * k; b' = (0 - mean) * k + bias = [-0.5, -2].
// CHECK-LABEL: func.func @conv_without_bias
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}2.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[-5.000000e-01, -2.000000e+00]> : tensor<2xf32>
// The layer records the BatchNorm's output distribution N(bias, scale^2).
// CHECK: %[[Y:.*]] = dfq.conv2d %arg0, %[[W]], %[[B]] {dfq.bn_output = {mean = array<f64: 5.000000e-01, -1.000000e+00>, std = array<f64: 2.000000e+00, 1.000000e+00>}} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
// CHECK-NOT: dfq.batch_norm
// CHECK: return %[[Y]]
func.func @conv_without_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %scale = arith.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %bias = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 3.0]> : tensor<2xf32>
  %c = dfq.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = dfq.batch_norm %c, %scale, %bias, %mean, %var {epsilon = 1.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// An existing bias is shifted by the mean and scaled: b' = (b - mean) * k + bias.
// CHECK-LABEL: func.func @conv_with_bias_depthwise
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}2.000000e+00, 4.000000e+00]]], {{\[\[\[}}1.500000e+00, 2.500000e+00]]]]> : tensor<2x1x1x2xf32>
// CHECK-DAG: arith.constant dense<[5.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK: dfq.conv2d {{.*}} {dfq.bn_output = {mean = array<f64: 1.000000e+00, 0.000000e+00>, std = array<f64: 2.000000e+00, 2.000000e+00>}, groups = 2 : i64}
// CHECK-NOT: dfq.batch_norm
func.func @conv_with_bias_depthwise(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 5.0]]]]> : tensor<2x1x1x2xf32>
  %b = arith.constant dense<[3.0, 4.0]> : tensor<2xf32>
  // k = [2, 0.5] (variance + epsilon = [1, 16], scale = [2, 2]).
  %scale = arith.constant dense<[2.0, 2.0]> : tensor<2xf32>
  %bias = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = arith.constant dense<[0.5, 15.5]> : tensor<2xf32>
  %c = dfq.conv2d %x, %w, %b {groups = 2} : (tensor<1x2x4x4xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x2x4x3xf32>
  %y = dfq.batch_norm %c, %scale, %bias, %mean, %var {epsilon = 0.5 : f64} : (tensor<1x2x4x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x3xf32>
  return %y : tensor<1x2x4x3xf32>
}

// -----

// BatchNorm1d after a fully connected layer.
// CHECK-LABEL: func.func @gemm
// CHECK-DAG: arith.constant dense<{{\[\[}}5.000000e-01, 1.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: arith.constant dense<[0.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK: dfq.gemm %arg0, {{.*}} {dfq.bn_output = {mean = array<f64: 0.000000e+00, 1.000000e+00>, std = array<f64: 5.000000e-01, 1.000000e+00>}} : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
// CHECK-NOT: dfq.batch_norm
func.func @gemm(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %scale = arith.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %bias = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %c = dfq.gemm %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %y = dfq.batch_norm %c, %scale, %bias, %mean, %var {epsilon = 1.0 : f64} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Resource weights stay resources; the folded blob is written to the module.
// CHECK-LABEL: func.func @resource_weights
// CHECK-DAG: arith.constant dense_resource<conv_w_bn_folded> : tensor<2x1x1x1xf32>
// CHECK-DAG: arith.constant dense_resource<conv_w_bn_folded_bias> : tensor<2xf32>
// CHECK: dfq.conv2d
// CHECK-NOT: dfq.batch_norm
// CHECK: conv_w_bn_folded: "0x04000000000000400000A040"
// CHECK: conv_w_bn_folded_bias: "0x040000000000000000000000"
func.func @resource_weights(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense_resource<conv_w> : tensor<2x1x1x1xf32>
  %scale = arith.constant dense<[2.0, 2.5]> : tensor<2xf32>
  %bias = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %c = dfq.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = dfq.batch_norm %c, %scale, %bias, %mean, %var {epsilon = 1.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      conv_w: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// The conv output is also returned, so folding would change what that user
// sees.
// CHECK-LABEL: func.func @producer_has_other_users
// CHECK-NOT: dfq.batch_norm
// CHECK: %[[M:.*]] = dfq.mul %[[C:.*]], %{{.*}} : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
// CHECK-NEXT: %[[A:.*]] = dfq.add %[[M]], %{{.*}} : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
// CHECK-NEXT: return %[[C]], %[[A]]
func.func @producer_has_other_users(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>, %p: tensor<2xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %cw = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %cp = arith.constant dense<1.0> : tensor<2xf32>
  %c = dfq.conv2d %x, %cw : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  // expected-remark @+1 {{batch_norm not folded: the dfq.conv2d result has other users, which would see the normalized value; it is now a per-channel affine (dfq.mul, dfq.add)}}
  %y = dfq.batch_norm %c, %cp, %cp, %cp, %cp : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %c, %y : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// k = scale / sqrt(variance + epsilon) = [0.5, 0.5] and bias - mean * k =
// [0, -2], per channel, shaped to broadcast over NCHW.
// CHECK-LABEL: func.func @block_argument
// CHECK-DAG: %[[K:.*]] = arith.constant dense<5.000000e-01> : tensor<2x1x1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<{{\[\[\[}}0.000000e+00]], {{\[\[}}-2.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK: %[[M:.*]] = dfq.mul %arg0, %[[K]]
// CHECK-NEXT: %[[A:.*]] = dfq.add %[[M]], %[[B]]
// CHECK-NEXT: return %[[A]]
func.func @block_argument(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %cp = arith.constant dense<1.0> : tensor<2xf32>
  %scale = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %bias = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 15.0]> : tensor<2xf32>
  // expected-remark @+1 {{batch_norm not folded: its input is not produced by dfq.conv2d or dfq.gemm (it is a block argument); it is now a per-channel affine (dfq.mul, dfq.add)}}
  %y = dfq.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @not_after_conv
// CHECK: dfq.relu
// CHECK: dfq.mul
// CHECK-NEXT: dfq.add
func.func @not_after_conv(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %cp = arith.constant dense<1.0> : tensor<2xf32>
  %r = dfq.relu %x : tensor<1x2x4x4xf32>
  // expected-remark @+1 {{batch_norm not folded: its input is not produced by dfq.conv2d or dfq.gemm (it is the result of 'dfq.relu'); it is now a per-channel affine (dfq.mul, dfq.add)}}
  %y = dfq.batch_norm %r, %cp, %cp, %cp, %cp : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @weight_not_constant
// CHECK-NOT: dfq.batch_norm
// CHECK: dfq.mul
func.func @weight_not_constant(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %cp = arith.constant dense<1.0> : tensor<2xf32>
  %c = dfq.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  // expected-remark @+1 {{batch_norm not folded: the weight is not a constant; it is now a per-channel affine (dfq.mul, dfq.add)}}
  %y = dfq.batch_norm %c, %cp, %cp, %cp, %cp : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @statistics_not_constant
// CHECK: dfq.batch_norm
func.func @statistics_not_constant(%x: tensor<1x1x4x4xf32>, %mean: tensor<2xf32>) -> tensor<1x2x4x4xf32> {
  %cw = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %cp = arith.constant dense<1.0> : tensor<2xf32>
  %c = dfq.conv2d %x, %cw : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  // expected-remark @+1 {{batch_norm left in place: the mean is not a constant}}
  %y = dfq.batch_norm %c, %cp, %cp, %mean, %cp : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Elided weights (e.g. printed with -mlir-elide-resource-strings-if-larger)
// cannot be folded.
// CHECK-LABEL: func.func @elided_weights
// CHECK-NOT: dfq.batch_norm
// CHECK: dfq.mul
func.func @elided_weights(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %cw = arith.constant dense_resource<__elided__> : tensor<2x1x1x1xf32>
  %cp = arith.constant dense<1.0> : tensor<2xf32>
  %c = dfq.conv2d %x, %cw : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  // expected-remark @+1 {{batch_norm not folded: the weight is a dense_resource whose data is not available; it is now a per-channel affine (dfq.mul, dfq.add)}}
  %y = dfq.batch_norm %c, %cp, %cp, %cp, %cp : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}
