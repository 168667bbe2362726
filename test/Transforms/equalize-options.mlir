// RUN: dfq-opt %s -split-input-file -dfq-equalize=relu6-as-relu=true | FileCheck %s --check-prefix=RELU6
// RUN: dfq-opt %s -split-input-file -dfq-equalize=absorb-bias=false | FileCheck %s --check-prefix=NOABSORB
// RUN: dfq-opt %s -split-input-file -dfq-equalize=max-scale=2 | FileCheck %s --check-prefix=CLAMP
// RUN: dfq-opt %s -split-input-file -dfq-equalize=iterations=1 | FileCheck %s --check-prefix=ONCE
// RUN: not dfq-opt %s -split-input-file -dfq-equalize=iterations=0 2>&1 | FileCheck %s --check-prefix=ERR-ITER
// RUN: not dfq-opt %s -split-input-file -dfq-equalize=max-scale=0.5 2>&1 | FileCheck %s --check-prefix=ERR-SCALE
// Pass statistics are compiled out of release LLVM builds; `summary`
// reports the same counts as a remark at each function.
// RUN: dfq-opt %s -split-input-file -dfq-equalize=summary=true 2>&1 >/dev/null | FileCheck %s --check-prefix=SUMMARY
// RUN: dfq-opt %s -split-input-file -dfq-equalize="summary=true relu6-as-relu=true absorb-bias=false" 2>&1 >/dev/null | FileCheck %s --check-prefix=SUMMARY-RELU6
// One remark per function, in order (the clip stops @relu6's pair unless
// it becomes a ReLU):
// SUMMARY: remark: dfq-equalize: 0 layer pairs equalized, 0 with a bias absorbed
// SUMMARY: remark: dfq-equalize: 1 layer pairs equalized, 1 with a bias absorbed
// SUMMARY: remark: dfq-equalize: 1 layer pairs equalized, 0 with a bias absorbed
// SUMMARY: remark: dfq-equalize: 2 layer pairs equalized, 0 with a bias absorbed
// SUMMARY-RELU6: remark: dfq-equalize: 1 layer pairs equalized, 0 with a bias absorbed

// ERR-ITER: error: dfq-equalize: iterations must be at least 1, got 0
// ERR-SCALE: error: dfq-equalize: max-scale must be finite and at least 1, got 5.000000e-01

// relu6-as-relu=true: the clip becomes a ReLU and the pair is equalized.
//   r1 = [1, 4] * [1, 4] = [1, 16] (sigma = sqrt(0.75 + 0.25) = 1);  r2 = [1, 4];  s = [1, 2].
// RELU6-LABEL: func.func @relu6
// RELU6-DAG: %[[GAMMA:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// RELU6-DAG: %[[W2:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}8.000000e+00]]]]> : tensor<1x2x1x1xf32>
// RELU6: %[[N:.*]] = dfq.batch_norm %{{.*}}, %[[GAMMA]],
// RELU6-NOT: dfq.clip
// RELU6: %[[R:.*]] = dfq.relu %[[N]]
// RELU6: dfq.conv2d %[[R]], %[[W2]] :
// Without the option the pair is left alone (equalize.mlir checks the
// remark); the other RUN lines only see the clip.
// NOABSORB-LABEL: func.func @relu6
// NOABSORB: dfq.clip
func.func @relu6(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %gamma = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %var = arith.constant dense<0.75> : tensor<2xf32>
  %w2 = arith.constant dense<[[[[1.0]], [[4.0]]]]> : tensor<1x2x1x1xf32>
  %c = dfq.conv2d %x, %w1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %n = dfq.batch_norm %c, %gamma, %zero, %zero, %var {epsilon = 0.25 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = dfq.clip %n {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x2x4x4xf32>
  %y = dfq.conv2d %r, %w2 : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// absorb-bias=false: the same pair as @gemm_absorbs_bias in equalize.mlir
// is scaled (gamma = [1, 2], beta = [5, 1]), but beta keeps its high part
// and the second gemm gets no bias.
// NOABSORB-LABEL: func.func @gemm
// NOABSORB-DAG: %[[GAMMA:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// NOABSORB-DAG: %[[BETA:.*]] = arith.constant dense<[5.000000e+00, 1.000000e+00]> : tensor<2xf32>
// NOABSORB: dfq.batch_norm %{{.*}}, %[[GAMMA]], %[[BETA]],
// NOABSORB: dfq.gemm %{{.*}}, %{{.*}} : (tensor<3x2xf32>, tensor<1x2xf32>) -> tensor<3x1xf32>
func.func @gemm(%x: tensor<3x2xf32>) -> tensor<3x1xf32> {
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

// max-scale=2: s = sqrt([1, 16] / [1, 1]) = [1, 4] is held to [1, 2], in
// the first sweep and in every later one.
// CLAMP-LABEL: func.func @clamped
// CLAMP-DAG: %[[W1:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}8.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CLAMP-DAG: %[[W2:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}2.000000e+00]]]]> : tensor<1x2x1x1xf32>
// CLAMP: dfq.conv2d %arg0, %[[W1]] :
// CLAMP: dfq.conv2d %{{.*}}, %[[W2]] :
func.func @clamped(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[16.0]]]]> : tensor<2x1x1x1xf32>
  %w2 = arith.constant dense<1.0> : tensor<1x2x1x1xf32>
  %c = dfq.conv2d %x, %w1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = dfq.relu %c : tensor<1x2x4x4xf32>
  %y = dfq.conv2d %r, %w2 : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// iterations=1: one sweep balances the first pair (64, 1 -> 8, 8), then the
// second (8, 1 -> sqrt 8, sqrt 8), which leaves the first off balance.
// ONCE-LABEL: func.func @one_sweep
// ONCE-DAG: %[[W1:.*]] = arith.constant dense<8.000000e+00> : tensor<1x1x1x1xf32>
// ONCE-DAG: %[[W2:.*]] = arith.constant dense<2.82842708> : tensor<1x1x1x1xf32>
// ONCE-DAG: %[[W3:.*]] = arith.constant dense<-2.82842708> : tensor<1x1x1x1xf32>
// ONCE: dfq.conv2d %arg0, %[[W1]]
// ONCE: dfq.conv2d %{{.*}}, %[[W2]]
// ONCE: dfq.conv2d %{{.*}}, %[[W3]]
func.func @one_sweep(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w1 = arith.constant dense<64.0> : tensor<1x1x1x1xf32>
  %w2 = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %w3 = arith.constant dense<-1.0> : tensor<1x1x1x1xf32>
  %a = dfq.conv2d %x, %w1 : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %r = dfq.relu %a : tensor<1x1x4x4xf32>
  %b = dfq.conv2d %r, %w2 : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %y = dfq.conv2d %b, %w3 : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}
