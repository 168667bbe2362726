// RUN: dfq-opt %s --split-input-file --canonicalize | FileCheck %s

// Two transpositions in a row fold into one; inverse ones vanish.
// CHECK-LABEL: func.func @transpose_twice
// CHECK-NEXT: %[[T:.*]] = dfq.transpose %arg0 {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[T]], %arg1
func.func @transpose_twice(%x: tensor<2x3x4xf32>, %q: tensor<1x2x3x4x!quant.uniform<u8:f32, 0.5:3>>) -> (tensor<4x2x3xf32>, tensor<1x2x3x4x!quant.uniform<u8:f32, 0.5:3>>) {
  %a = dfq.transpose %x {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %b = dfq.transpose %a {perm = array<i64: 1, 2, 0>} : (tensor<3x4x2xf32>) -> tensor<4x2x3xf32>
  %c = dfq.transpose %q {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x2x3x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x3x4x2x!quant.uniform<u8:f32, 0.5:3>>
  %d = dfq.transpose %c {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x3x4x2x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x3x4x!quant.uniform<u8:f32, 0.5:3>>
  return %b, %d : tensor<4x2x3xf32>, tensor<1x2x3x4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// The identity permutation folds away.
// CHECK-LABEL: func.func @transpose_identity
// CHECK-NEXT: return %arg0
func.func @transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %a = dfq.transpose %x {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %a : tensor<2x3xf32>
}
