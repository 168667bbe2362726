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

// -----

// A slice of a slice is one slice; a slice that takes everything vanishes.
// CHECK-LABEL: func.func @slice_twice
// CHECK-NEXT: %[[S:.*]] = dfq.slice %arg0 {starts = array<i64: 0, 7, 1>, steps = array<i64: 1, -2, 3>} : (tensor<?x8x9xf32>) -> tensor<?x2x2xf32>
// CHECK-NEXT: return %[[S]], %arg0
func.func @slice_twice(%x: tensor<?x8x9xf32>) -> (tensor<?x2x2xf32>, tensor<?x8x9xf32>) {
  %a = dfq.slice %x {starts = array<i64: 0, 7, 1>, steps = array<i64: 1, -1, 1>} : (tensor<?x8x9xf32>) -> tensor<?x4x8xf32>
  %b = dfq.slice %a {starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 2, 3>} : (tensor<?x4x8xf32>) -> tensor<?x2x2xf32>
  %c = dfq.slice %x {starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 1>} : (tensor<?x8x9xf32>) -> tensor<?x8x9xf32>
  return %b, %c : tensor<?x2x2xf32>, tensor<?x8x9xf32>
}

// -----

// Reshapes in a row are one reshape; one to the input's own type vanishes.
// CHECK-LABEL: func.func @reshape_twice
// CHECK-NEXT: %[[R:.*]] = dfq.reshape %arg0 : (tensor<?x3x1x6xf32>) -> tensor<?x18xf32>
// CHECK-NEXT: return %[[R]], %arg0
func.func @reshape_twice(%x: tensor<?x3x1x6xf32>) -> (tensor<?x18xf32>, tensor<?x3x1x6xf32>) {
  %a = dfq.reshape %x : (tensor<?x3x1x6xf32>) -> tensor<?x3x6xf32>
  %b = dfq.reshape %a : (tensor<?x3x6xf32>) -> tensor<?x18xf32>
  %c = dfq.reshape %x : (tensor<?x3x1x6xf32>) -> tensor<?x3x6xf32>
  %d = dfq.reshape %c : (tensor<?x3x6xf32>) -> tensor<?x3x1x6xf32>
  return %b, %d : tensor<?x18xf32>, tensor<?x3x1x6xf32>
}
