// RUN: dfq-opt %s --pass-pipeline='builtin.module(func.func(dfq-correct-bias{wbits=2 first-last-bits=0}))' | FileCheck %s --check-prefix=W2
// RUN: dfq-opt %s --pass-pipeline='builtin.module(func.func(dfq-correct-bias{wbits=4 first-last-bits=0 per-channel=false}))' | FileCheck %s --check-prefix=W4PT
// RUN: dfq-opt %s --pass-pipeline='builtin.module(func.func(dfq-correct-bias))' | FileCheck %s --check-prefix=DEFAULT

// ReLU after a layer whose output is N([1, 0], [0, 2]^2):
// E[x] = [relu(1), 2 phi(0)] = [1, 0.7978846].
// 2-bit per-channel weights (qmax = 1): channel 0 [1, 0.4] has scale 1,
// codes [1, 0], eps = [0, -0.4]; channel 1 [-0.5, 0.3] scale 0.5, codes
// [-1, 1], eps = [0, 0.2]. b2 - eps E[x] = [0.5 + 0.4 * 0.7978846,
// 0.25 - 0.2 * 0.7978846].
// The first layer reads the network input, whose statistics are unknown:
// its bias stays.
// W2-LABEL: func.func @relu
// W2: %[[B1:.*]] = arith.constant dense<[1.000000e+00, 0.000000e+00]> : tensor<2xf32>
// W2: dfq.conv2d %arg0, %{{.*}}, %[[B1]]
// W2: %[[B:.*]] = arith.constant dense<[0.819153845, 0.0904230996]> : tensor<2xf32>
// W2: dfq.conv2d %{{.*}}, %{{.*}}, %[[B]] :
// 8-bit weights (the default): a much smaller correction.
// DEFAULT-LABEL: func.func @relu
// DEFAULT: arith.constant dense<[0.498743504, 0.250628263]> : tensor<2xf32>
func.func @relu(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b1 = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %w2 = arith.constant dense<[[[[1.0]], [[0.4]]], [[[-0.5]], [[0.3]]]]> : tensor<2x2x1x1xf32>
  %b2 = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %y1 = dfq.conv2d %x, %w1, %b1 {dfq.bn_output = {mean = array<f64: 1.0, 0.0>, std = array<f64: 0.0, 2.0>}} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = dfq.relu %y1 : tensor<1x2x4x4xf32>
  %y2 = dfq.conv2d %r, %w2, %b2 : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y2 : tensor<1x2x4x4xf32>
}

// The width comes from the same decision as in dfq-quantize: dfq.weight_bits
// overrides the options (here the 8 bits a last layer gets by default).
// DEFAULT-LABEL: func.func @weight_bits_attribute
// DEFAULT: %[[B:.*]] = arith.constant dense<[0.819153845, 0.0904230996]> : tensor<2xf32>
// DEFAULT: dfq.conv2d %{{.*}}, %{{.*}}, %[[B]] {dfq.weight_bits = 2 : i64}
func.func @weight_bits_attribute(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %w2 = arith.constant dense<[[[[1.0]], [[0.4]]], [[[-0.5]], [[0.3]]]]> : tensor<2x2x1x1xf32>
  %b2 = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %y1 = dfq.conv2d %x, %w1 {dfq.bn_output = {mean = array<f64: 1.0, 0.0>, std = array<f64: 0.0, 2.0>}} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = dfq.relu %y1 : tensor<1x2x4x4xf32>
  %y2 = dfq.conv2d %r, %w2, %b2 {dfq.weight_bits = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y2 : tensor<1x2x4x4xf32>
}

// ReLU6 after N([1, 7], [1, 0]^2): E[x_0] is the mean of the normal clipped
// to [0, 6], 6 (1 - Phi(5)) + (Phi(5) - Phi(-1)) + phi(-1) - phi(5)
// = 1.0833154; E[x_1] = clip(7) = 6. 4-bit per-tensor weights: scale
// 1.4 / 7 = 0.2, codes [[7, 2], [-4, 0]], eps = [[0, 0.07], [-0.05, -0.05]].
// The layer had no bias; it gets -eps E[x] = [-0.42, 0.05 * 1.0833154 + 0.3].
// W4PT-LABEL: func.func @clip_gemm
// W4PT: %[[B:.*]] = arith.constant dense<[-0.419999868, 0.354165763]> : tensor<2xf32>
// W4PT: dfq.gemm %{{.*}}, %{{.*}}, %[[B]] :
func.func @clip_gemm(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w1 = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b1 = arith.constant dense<[1.0, 7.0]> : tensor<2xf32>
  %w2 = arith.constant dense<[[1.4, 0.33], [-0.75, 0.05]]> : tensor<2x2xf32>
  %y1 = dfq.gemm %x, %w1, %b1 {dfq.bn_output = {mean = array<f64: 1.0, 7.0>, std = array<f64: 1.0, 0.0>}} : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %r = dfq.clip %y1 {min = 0.0 : f64, max = 6.0 : f64} : tensor<3x2xf32>
  %y2 = dfq.gemm %r, %w2 : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  return %y2 : tensor<3x2xf32>
}

// Depthwise, no activation: E[x] = mean = [2, -3], and output channel o reads
// input channel o alone, with both taps. 4-bit per-tensor weights: scale
// 1 / 7, codes [[7, 3], [-4, 2]], eps = [[0, 3/7 - 0.4], [0.55 - 4/7,
// 2/7 - 0.3]]; -eps E[x] = [-2 (3/7 - 0.4), 3 (0.55 - 4/7 + 2/7 - 0.3)]
// = [-0.0571429, -0.1071429].
// W4PT-LABEL: func.func @depthwise
// W4PT: %[[B:.*]] = arith.constant dense<[-0.0571428463, -0.107142858]> : tensor<2xf32>
// W4PT: dfq.conv2d %{{.*}}, %{{.*}}, %[[B]] {groups = 2 : i64}
func.func @depthwise(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x3xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %w2 = arith.constant dense<[[[[1.0, 0.4]]], [[[-0.55, 0.3]]]]> : tensor<2x1x1x2xf32>
  %b2 = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %y1 = dfq.conv2d %x, %w1 {groups = 2, dfq.bn_output = {mean = array<f64: 2.0, -3.0>, std = array<f64: 0.0, 0.0>}} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y2 = dfq.conv2d %y1, %w2, %b2 {groups = 2} : (tensor<1x2x4x4xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x2x4x3xf32>
  return %y2 : tensor<1x2x4x3xf32>
}

// Unknown input statistics (an add, a layer without dfq.bn_output): left alone.
// W2-LABEL: func.func @unknown_statistics
// W2: %[[B:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]>
// W2: dfq.conv2d %{{.*}}, %{{.*}}, %[[B]] :
// W2: dfq.conv2d %{{.*}}, %{{.*}}, %[[B]] :
func.func @unknown_statistics(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w2 = arith.constant dense<[[[[1.0]], [[0.4]]], [[[-0.5]], [[0.3]]]]> : tensor<2x2x1x1xf32>
  %b2 = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %y1 = dfq.conv2d %x, %w2, %b2 {dfq.bn_output = {mean = array<f64: 1.0, 0.0>, std = array<f64: 0.0, 2.0>}} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %s = dfq.add %y1, %x : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %y2 = dfq.conv2d %s, %w2, %b2 : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y3 = dfq.conv2d %y2, %w2, %b2 : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y3 : tensor<1x2x4x4xf32>
}
