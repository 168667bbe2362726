// RUN: dfq-opt %s -split-input-file -dfq-equalize -verify-diagnostics | FileCheck %s

// conv -> BN -> ReLU -> conv (1x2 kernel, unpadded).
// sigma = sqrt(3 + 1) = 2, so gamma/sigma = [0.5, 2] and
//   r1 = max|W1[i]| * |gamma_i| / sigma_i = [2 * 0.5, 2 * 2] = [1, 4];
//   r2 = max|W2[:, i, :, :]|              = [4, 1];
//   s  = sqrt(r1 / r2)                    = [0.5, 2].
// gamma / s = [2, 2], beta / s = [10, 0.5]; W2's input channel 0 is halved,
// channel 1 doubled. Both ranges are then 2, so the second sweep stops.
// Bias absorption: c = max(0, beta - 3 |gamma|) = [10 - 6, 0] = [4, 0];
// beta = [6, 0.5] and b2[o] += sum_k W2[o, 0, k] * 4 = [1 + (2 - 1) * 4,
// -1 + (0.5 + 1) * 4] = [5, 5]. The mean and variance stay as they were.
// CHECK-LABEL: func.func @conv_bn_relu_conv
// CHECK-DAG: %[[W1:.*]] = arith.constant dense<2.000000e+00> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[GAMMA:.*]] = arith.constant dense<2.000000e+00> : tensor<2xf32>
// CHECK-DAG: %[[BETA:.*]] = arith.constant dense<[6.000000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK-DAG: %[[MEAN:.*]] = arith.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[VAR:.*]] = arith.constant dense<3.000000e+00> : tensor<2xf32>
// CHECK-DAG: %[[W2:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00, -1.000000e+00]], {{\[\[}}2.000000e+00, 1.000000e+00]]], {{\[\[\[}}5.000000e-01, 1.000000e+00]], {{\[\[}}-1.000000e+00, 5.000000e-01]]]]> : tensor<2x2x1x2xf32>
// CHECK-DAG: %[[B2:.*]] = arith.constant dense<5.000000e+00> : tensor<2xf32>
// CHECK: %[[C:.*]] = dfq.conv2d %arg0, %[[W1]] :
// CHECK: %[[N:.*]] = dfq.batch_norm %[[C]], %[[GAMMA]], %[[BETA]], %[[MEAN]], %[[VAR]]
// CHECK: %[[R:.*]] = dfq.relu %[[N]]
// CHECK: dfq.conv2d %[[R]], %[[W2]], %[[B2]] :
func.func @conv_bn_relu_conv(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x3xf32> {
  %w1 = arith.constant dense<[[[[2.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %gamma = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %beta = arith.constant dense<[5.0, 1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 3.0]> : tensor<2xf32>
  %w2 = arith.constant dense<[[[[4.0, -2.0]], [[1.0, 0.5]]], [[[1.0, 2.0]], [[-0.5, 0.25]]]]> : tensor<2x2x1x2xf32>
  %b2 = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %c = dfq.conv2d %x, %w1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %n = dfq.batch_norm %c, %gamma, %beta, %mean, %var {epsilon = 1.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = dfq.relu %n : tensor<1x2x4x4xf32>
  %y = dfq.conv2d %r, %w2, %b2 : (tensor<1x2x4x4xf32>, tensor<2x2x1x2xf32>, tensor<2xf32>) -> tensor<1x2x4x3xf32>
  return %y : tensor<1x2x4x3xf32>
}

// -----

// conv -> BN -> ReLU -> depthwise conv (1x2 kernel, padded on the right).
// Depthwise, input channel i is read by output channel i alone:
//   r1 = [4, 1] * |gamma| / sigma = [4, 1] (gamma = sigma = 2);
//   r2 = [max(1, 0.5), max(4, 2)] = [1, 4];  s = [2, 0.5].
// gamma / s = [1, 4], beta / s = [5, 2], W2 = [[2, -1], [2, 1]].
// c = [5 - 3, 0] would be absorbed, but the padded column would then read 0
// instead of -c: no bias is added and beta keeps its scaled value.
// CHECK-LABEL: func.func @depthwise
// CHECK-DAG: %[[W1:.*]] = arith.constant dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}1.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[GAMMA:.*]] = arith.constant dense<[1.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[BETA:.*]] = arith.constant dense<[5.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[W2:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00, -1.000000e+00]]], {{\[\[\[}}2.000000e+00, 1.000000e+00]]]]> : tensor<2x1x1x2xf32>
// CHECK: dfq.batch_norm %{{.*}}, %[[GAMMA]], %[[BETA]],
// CHECK: dfq.conv2d %{{.*}}, %[[W2]] {groups = 2 : i64, pads = array<i64: 0, 0, 0, 1>} : (tensor<1x2x4x4xf32>, tensor<2x1x1x2xf32>) -> tensor<1x2x4x4xf32>
func.func @depthwise(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w1 = arith.constant dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>
  %gamma = arith.constant dense<[2.0, 2.0]> : tensor<2xf32>
  %beta = arith.constant dense<[10.0, 1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 3.0]> : tensor<2xf32>
  %w2 = arith.constant dense<[[[[1.0, -0.5]]], [[[4.0, 2.0]]]]> : tensor<2x1x1x2xf32>
  %c = dfq.conv2d %x, %w1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %n = dfq.batch_norm %c, %gamma, %beta, %mean, %var {epsilon = 1.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = dfq.relu %n : tensor<1x2x4x4xf32>
  %y = dfq.conv2d %r, %w2 {groups = 2, pads = array<i64: 0, 0, 0, 1>} : (tensor<1x2x4x4xf32>, tensor<2x1x1x2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// No BatchNorm: layer1's weights and bias are divided directly. layer2 has
// two groups of two input channels; input channel i is column i mod 2 of
// output channel i div 2:
//   r1 = [1, 2, 4, 8];  r2 = [4, 2, 1, 0.5];  s = [0.5, 1, 2, 4].
// W1 / s = [2, 2, 2, 2], b1 / s = [2, 1, 0.5, 0.25], W2 = [[2, 2], [2, 2]].
// Without BatchNorm statistics no bias is absorbed.
// CHECK-LABEL: func.func @no_batch_norm_grouped
// CHECK-DAG: %[[W1:.*]] = arith.constant dense<2.000000e+00> : tensor<4x1x1x1xf32>
// CHECK-DAG: %[[B1:.*]] = arith.constant dense<[2.000000e+00, 1.000000e+00, 5.000000e-01, 2.500000e-01]> : tensor<4xf32>
// CHECK-DAG: %[[W2:.*]] = arith.constant dense<2.000000e+00> : tensor<2x2x1x1xf32>
// CHECK: %[[C:.*]] = dfq.conv2d %arg0, %[[W1]], %[[B1]] :
// CHECK: %[[R:.*]] = dfq.relu %[[C]]
// CHECK: dfq.conv2d %[[R]], %[[W2]] {groups = 2 : i64} : (tensor<1x4x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
func.func @no_batch_norm_grouped(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[2.0]]], [[[4.0]]], [[[8.0]]]]> : tensor<4x1x1x1xf32>
  %b1 = arith.constant dense<1.0> : tensor<4xf32>
  %w2 = arith.constant dense<[[[[4.0]], [[2.0]]], [[[1.0]], [[0.5]]]]> : tensor<2x2x1x1xf32>
  %c = dfq.conv2d %x, %w1, %b1 : (tensor<1x1x4x4xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %r = dfq.relu %c : tensor<1x4x4x4xf32>
  %y = dfq.conv2d %r, %w2 {groups = 2} : (tensor<1x4x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// gemm -> BN -> ReLU -> gemm; the second gemm has no bias and gets one.
//   r1 = [1, 1] (gamma = sigma = 1);  r2 = [1, 4];  s = [1, 0.5].
// gamma / s = [1, 2], beta / s = [5, 1], W2 = [[1, 2]];
// c = max(0, [5 - 3, 1 - 6]) = [2, 0]: beta = [3, 1], b2 = [1 * 2] = [2].
// CHECK-LABEL: func.func @gemm_absorbs_bias
// CHECK-DAG: %[[GAMMA:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[BETA:.*]] = arith.constant dense<[3.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[W2:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>
// CHECK-DAG: %[[B2:.*]] = arith.constant dense<2.000000e+00> : tensor<1xf32>
// CHECK: dfq.batch_norm %{{.*}}, %[[GAMMA]], %[[BETA]],
// CHECK: dfq.gemm %{{.*}}, %[[W2]], %[[B2]] : (tensor<3x2xf32>, tensor<1x2xf32>, tensor<1xf32>) -> tensor<3x1xf32>
func.func @gemm_absorbs_bias(%x: tensor<3x2xf32>) -> tensor<3x1xf32> {
  %w1 = arith.constant dense<[[1.0, 0.0], [0.0, -1.0]]> : tensor<2x2xf32>
  %one = arith.constant dense<1.0> : tensor<2xf32>
  %beta = arith.constant dense<[5.0, 0.5]> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %w2 = arith.constant dense<[[1.0, 4.0]]> : tensor<1x2xf32>
  %g = dfq.gemm %x, %w1 : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %n = dfq.batch_norm %g, %one, %beta, %zero, %zero {epsilon = 1.0 : f64} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %r = dfq.relu %n : tensor<3x2xf32>
  %y = dfq.gemm %r, %w2 : (tensor<3x2xf32>, tensor<1x2xf32>) -> tensor<3x1xf32>
  return %y : tensor<3x1xf32>
}

// -----

// The middle conv is in two pairs (after a ReLU, then with no activation
// in between); each sweep moves the other pair off balance, and the sweeps
// converge to the geometric mean of the three ranges, (64 * 1 * 1)^(1/3)
// = 4, within the stopping tolerance.
// CHECK-LABEL: func.func @layer_in_two_pairs
// CHECK-DAG: %[[W1:.*]] = arith.constant dense<{{4\.0000|3\.9999}}{{[0-9]*}}> : tensor<1x1x1x1xf32>
// CHECK-DAG: %[[W2:.*]] = arith.constant dense<{{4\.0000|3\.9999}}{{[0-9]*}}> : tensor<1x1x1x1xf32>
// CHECK-DAG: %[[W3:.*]] = arith.constant dense<-{{4\.0000|3\.9999}}{{[0-9]*}}> : tensor<1x1x1x1xf32>
// CHECK: dfq.conv2d %arg0, %[[W1]]
// CHECK: dfq.conv2d %{{.*}}, %[[W2]]
// CHECK: dfq.conv2d %{{.*}}, %[[W3]]
func.func @layer_in_two_pairs(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w1 = arith.constant dense<64.0> : tensor<1x1x1x1xf32>
  %w2 = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %w3 = arith.constant dense<-1.0> : tensor<1x1x1x1xf32>
  %a = dfq.conv2d %x, %w1 : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %r = dfq.relu %a : tensor<1x1x4x4xf32>
  %b = dfq.conv2d %r, %w2 : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %y = dfq.conv2d %b, %w3 : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// ReLU6 is not positively homogeneous: the pair is left alone.
// CHECK-LABEL: func.func @relu6_skipped
// CHECK-DAG: arith.constant dense<[1.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}4.000000e+00]]]]> : tensor<1x2x1x1xf32>
// CHECK: dfq.clip
func.func @relu6_skipped(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %gamma = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %one = arith.constant dense<1.0> : tensor<2xf32>
  %w2 = arith.constant dense<[[[[1.0]], [[4.0]]]]> : tensor<1x2x1x1xf32>
  %c = dfq.conv2d %x, %w1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %n = dfq.batch_norm %c, %gamma, %zero, %zero, %one : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  // expected-remark @+1 {{dfq-equalize skips 'dfq.conv2d' -> 'dfq.conv2d': a clip to [0.00, 6.00] does not commute with scaling its input (relu6-as-relu=true would replace it by a ReLU, which changes the float model)}}
  %r = dfq.clip %n {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x2x4x4xf32>
  %y = dfq.conv2d %r, %w2 : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// A clip to [0, +inf) is a ReLU.
// CHECK-LABEL: func.func @clip_without_upper_bound
// CHECK-DAG: arith.constant dense<2.000000e+00> : tensor<2x1x1x1xf32>
// CHECK-DAG: arith.constant dense<2.000000e+00> : tensor<1x2x1x1xf32>
// CHECK: dfq.clip
func.func @clip_without_upper_bound(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %w2 = arith.constant dense<[[[[4.0]], [[1.0]]]]> : tensor<1x2x1x1xf32>
  %c = dfq.conv2d %x, %w1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = dfq.clip %c {min = 0.0 : f64, max = 0x7FF0000000000000 : f64} : tensor<1x2x4x4xf32>
  %y = dfq.conv2d %r, %w2 : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// The ReLU output is also returned: the rescaled channels would be visible.
// CHECK-LABEL: func.func @multi_use_left_alone
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}4.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}4.000000e+00]], {{\[\[}}1.000000e+00]]]]> : tensor<1x2x1x1xf32>
func.func @multi_use_left_alone(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w1 = arith.constant dense<[[[[1.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %w2 = arith.constant dense<[[[[4.0]], [[1.0]]]]> : tensor<1x2x1x1xf32>
  %c = dfq.conv2d %x, %w1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  // expected-remark @+1 {{dfq-equalize skips 'dfq.conv2d': this result has 2 users, which would all see the rescaled channels}}
  %r = dfq.relu %c : tensor<1x2x4x4xf32>
  %y = dfq.conv2d %r, %w2 : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %y, %r : tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// A residual add after the BatchNorm ends the chain: not a pair, no remark.
// CHECK-LABEL: func.func @residual_not_a_pair
// CHECK: dfq.add
func.func @residual_not_a_pair(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]], [[0.0]]], [[[0.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %c = dfq.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %n = dfq.batch_norm %c, %p, %p, %p, %p : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %s = dfq.add %n, %x : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %y = dfq.conv2d %s, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A weight that is not a constant cannot be rewritten.
// CHECK-LABEL: func.func @weight_not_constant
// CHECK: dfq.conv2d %{{.*}}, %arg1 :
func.func @weight_not_constant(%x: tensor<1x1x4x4xf32>, %w2: tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %c = dfq.conv2d %x, %w1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = dfq.relu %c : tensor<1x2x4x4xf32>
  // expected-remark @+1 {{dfq-equalize leaves 'dfq.conv2d' alone: its weight is not a constant}}
  %y = dfq.conv2d %r, %w2 : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// Weights already on a DF-MPC grid keep it.
// CHECK-LABEL: func.func @mpc_grid_left_alone
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}4.000000e+00]], {{\[\[}}1.000000e+00]]]]> : tensor<1x2x1x1xf32>
func.func @mpc_grid_left_alone(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %w2 = arith.constant dense<[[[[4.0]], [[1.0]]]]> : tensor<1x2x1x1xf32>
  %c = dfq.conv2d %x, %w1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = dfq.relu %c : tensor<1x2x4x4xf32>
  // expected-remark @+1 {{dfq-equalize leaves 'dfq.conv2d' alone: its weights are on a DF-MPC grid (dfq.weight_grid) that rescaling would break; run dfq-equalize before dfq-compensate-mpc}}
  %y = dfq.conv2d %r, %w2 {dfq.weight_grid = array<i64: 4>} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}
