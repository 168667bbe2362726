// RUN: dfq-opt %s --split-input-file --dfq-compensate-mpc 2>%t.remarks | FileCheck %s
// RUN: FileCheck %s --check-prefix=REMARK < %t.remarks
// RUN: dfq-opt %s --split-input-file --dfq-compensate-mpc="compensate=false" 2>/dev/null | FileCheck %s --check-prefix=OFF
// RUN: dfq-opt %s --split-input-file --dfq-compensate-mpc="low=3 high=8" 2>/dev/null | FileCheck %s --check-prefix=LOW3

// conv1 -> BN -> ReLU -> conv2 forms a pair. conv1's weights
// W = [[0.9, 0.1], [-0.3, 0.3]]: mean|W| = 0.4, threshold 0.28, codes
// [[1, 0], [-1, 1]], scale = mean(0.9, 0.3, 0.3) = 0.5. With mean 0 the
// BatchNorm shift y is 0, so c_j = <s codes_j, W_j> / |s codes_j|^2:
// c = [0.45 / 0.25, 0.3 / 0.5] = [1.8, 0.6], folded into gamma = [1, 2].
// CHECK-LABEL: func.func @resnet_like_pair
// CHECK: %[[LOWW:.*]] = arith.constant dense<{{\[\[\[\[}}5.000000e-01, 0.000000e+00]]], {{\[\[\[}}-5.000000e-01, 5.000000e-01]]]]> : tensor<2x1x1x2xf32>
// CHECK: dfq.conv2d %{{.*}}, %[[LOWW]] {dfq.bits_reason = "DF-MPC low-bit layer: ternary (TWN) weights, compensated by 'conv2' at 6 bits", dfq.mpc_compensation = array<f64: {{1\.7999|1\.8000}}{{[0-9]*}}, {{0\.5999|0\.6000}}{{[0-9]*}}>, dfq.weight_bits = 2 : i64, dfq.weight_grid = array<i64: 1, 1>}
// CHECK: %[[GAMMA:.*]] = arith.constant dense<[1.800000e+00, 1.200000e+00]> : tensor<2xf32>
// CHECK: dfq.batch_norm %{{.*}}, %[[GAMMA]],
// CHECK: dfq.conv2d {{.*}}dfq.bits_reason = "DF-MPC high-bit layer: compensates 'conv1'", dfq.weight_bits = 6 : i64
// CHECK: dfq.gemm
// CHECK-NOT: dfq.weight_bits
// CHECK: return

// OFF-LABEL: func.func @resnet_like_pair
// OFF-DAG: arith.constant dense<{{\[\[\[\[}}5.000000e-01, 0.000000e+00]]], {{\[\[\[}}-5.000000e-01, 5.000000e-01]]]]> : tensor<2x1x1x2xf32>
// OFF-DAG: arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// OFF: dfq.bits_reason = "DF-MPC low-bit layer: ternary (TWN) weights, uncompensated by 'conv2' at 6 bits"
// OFF-NOT: dfq.mpc_compensation
// OFF: dfq.weight_bits = 2 : i64

// 3 bits: scale max|W| / 3 = 0.3, codes [[3, 0], [-1, 1]] (0.1 / 0.3 rounds
// to 0): channel 0 keeps its largest code 3, channel 1 has 1.
// LOW3-LABEL: func.func @resnet_like_pair
// LOW3: dfq.weight_bits = 3 : i64, dfq.weight_grid = array<i64: 3, 1>
// LOW3: "DF-MPC high-bit layer: compensates 'conv1'", dfq.weight_bits = 8 : i64
func.func @resnet_like_pair(%x: tensor<1x1x4x4xf32>) -> tensor<1x2xf32> {
  %w0 = arith.constant dense<[[[[1.0]]]]> : tensor<1x1x1x1xf32>
  %w1 = arith.constant dense<[[[[0.9, 0.1]]], [[[-0.3, 0.3]]]]> : tensor<2x1x1x2xf32>
  %gamma = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %zero = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %one = arith.constant dense<[0.75, 0.75]> : tensor<2xf32>
  %w2 = arith.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %wfc = arith.constant dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  // REMARK: remark: loc({{.*}}): DF-MPC skips 'conv0': it is the first layer
  %c0 = dfq.conv2d %x, %w0 : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32> loc("conv0")
  %r0 = dfq.relu %c0 : tensor<1x1x4x4xf32>
  // REMARK: remark: loc({{.*}}): DF-MPC pair: 'conv1' at 2 bits (ternary (TWN)), 'conv2' at 6 bits; c in [0.600, 1.800], folded into the batch_norm
  %c1 = dfq.conv2d %r0, %w1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x2xf32>) -> tensor<1x2x4x3xf32> loc("conv1")
  %b1 = dfq.batch_norm %c1, %gamma, %zero, %zero, %one {epsilon = 0.25 : f64} : (tensor<1x2x4x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x3xf32>
  %r1 = dfq.relu %b1 : tensor<1x2x4x3xf32>
  %c2 = dfq.conv2d %r1, %w2 : (tensor<1x2x4x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x3xf32> loc("conv2")
  %g = dfq.global_avg_pool %c2 : (tensor<1x2x4x3xf32>) -> tensor<1x2x1x1xf32>
  %f = dfq.flatten %g : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>
  // REMARK: remark: loc({{.*}}): DF-MPC skips 'fc': it is the last layer
  %y = dfq.gemm %f, %wfc : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32> loc("fc")
  return %y : tensor<1x2xf32>
}

// -----

// A residual add between BatchNorm and ReLU, a layer without BatchNorm and a
// ReLU6 pair: only the last is compensated (before the clip).
// CHECK-LABEL: func.func @skips_and_relu6
// CHECK: dfq.conv2d {{.*}}dfq.weight_bits = 2
// CHECK: dfq.clip
// CHECK: dfq.conv2d {{.*}}dfq.weight_bits = 6
func.func @skips_and_relu6(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[0.5]], [[-0.2]]], [[[0.1]], [[0.7]]]]> : tensor<2x2x1x1xf32>
  %gamma = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %beta = arith.constant dense<[0.1, -0.1]> : tensor<2xf32>
  %mean = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[0.75, 0.75]> : tensor<2xf32>
  %c0 = dfq.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("first")
  // REMARK: remark: loc({{.*}}): DF-MPC skips 'residual': a residual dfq.add lies between its batch_norm and the activation
  %c1 = dfq.conv2d %c0, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("residual")
  %b1 = dfq.batch_norm %c1, %gamma, %beta, %mean, %var {epsilon = 0.25 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %a1 = dfq.add %b1, %c0 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  // REMARK: remark: loc({{.*}}): DF-MPC skips 'no_bn': its result does not feed exactly one dfq.batch_norm
  %c2 = dfq.conv2d %a1, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("no_bn")
  %r2 = dfq.relu %c2 : tensor<1x2x4x4xf32>
  // REMARK: remark: loc({{.*}}): DF-MPC pair: 'expand' at 2 bits (ternary (TWN)), 'depthwise' at 6 bits; c in
  %c3 = dfq.conv2d %r2, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("expand")
  %b3 = dfq.batch_norm %c3, %gamma, %beta, %mean, %var {epsilon = 0.25 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r3 = dfq.clip %b3 {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x2x4x4xf32>
  %wd = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %c4 = dfq.conv2d %r3, %wd {groups = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> loc("depthwise")
  // REMARK: remark: loc({{.*}}): DF-MPC skips 'last': it is the last layer
  %c5 = dfq.conv2d %c4, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("last")
  return %c5 : tensor<1x2x4x4xf32>
}
