// RUN: dfq-opt %s --split-input-file --dfq-lead-with-batch | FileCheck %s

// Attention in [tokens, batch, features], as nn.MultiheadAttention computes
// it: every activation that does not lead with the batch of 1 gets a leading
// 1, dimension attributes move by one, weights keep their shapes, and the
// function's result reads the original type back through a reshape.
// CHECK-LABEL: func.func @tokens_first
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x8xf32>)
// CHECK: %[[T:.*]] = dfq.transpose %{{.*}} {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x1x4x8xf32>) -> tensor<1x4x1x8xf32>
// CHECK: %[[G:.*]] = dfq.gemm %[[T]], %{{.*}} : (tensor<1x4x1x8xf32>, tensor<6x8xf32>) -> tensor<1x4x1x6xf32>
// CHECK: %[[A:.*]] = dfq.slice %[[G]] {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : (tensor<1x4x1x6xf32>) -> tensor<1x4x1x3xf32>
// CHECK: %[[B:.*]] = dfq.slice %[[G]] {starts = array<i64: 0, 0, 0, 3>, steps = array<i64: 1, 1, 1, 1>} : (tensor<1x4x1x6xf32>) -> tensor<1x4x1x3xf32>
// CHECK: %[[S:.*]] = dfq.softmax %[[A]] {axis = 1 : i64} : tensor<1x4x1x3xf32>
// CHECK: %[[M:.*]] = dfq.reduce_mean %[[B]] {axes = array<i64: 1>} : (tensor<1x4x1x3xf32>) -> tensor<1x1x1x3xf32>
// CHECK: %[[SUM:.*]] = dfq.add %[[S]], %{{.*}} : (tensor<1x4x1x3xf32>, tensor<3xf32>) -> tensor<1x4x1x3xf32>
// CHECK: %[[C:.*]] = dfq.concat %[[SUM]], %[[B]] {axis = 3 : i64} : (tensor<1x4x1x3xf32>, tensor<1x4x1x3xf32>) -> tensor<1x4x1x6xf32>
// CHECK: %[[P:.*]] = dfq.pad %[[C]] {pads = array<i64: 0, 1, 0, 0, 0, 0, 0, 2>} : (tensor<1x4x1x6xf32>) -> tensor<1x5x1x8xf32>
// CHECK: %[[OUT:.*]] = dfq.reshape %[[P]] : (tensor<1x5x1x8xf32>) -> tensor<5x1x8xf32>
// CHECK-NOT: dfq.reshape
// CHECK: return %[[OUT]], %[[M]]
func.func @tokens_first(%x: tensor<1x4x8xf32>) -> (tensor<5x1x8xf32>, tensor<1x1x1x3xf32>) {
  %w = arith.constant dense<0.5> : tensor<6x8xf32>
  %c = arith.constant dense<1.0> : tensor<3xf32>
  %t = dfq.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<1x4x8xf32>) -> tensor<4x1x8xf32>
  %g = dfq.gemm %t, %w : (tensor<4x1x8xf32>, tensor<6x8xf32>) -> tensor<4x1x6xf32>
  %a = dfq.slice %g {starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 1>} : (tensor<4x1x6xf32>) -> tensor<4x1x3xf32>
  %b = dfq.slice %g {starts = array<i64: 0, 0, 3>, steps = array<i64: 1, 1, 1>} : (tensor<4x1x6xf32>) -> tensor<4x1x3xf32>
  %s = dfq.softmax %a {axis = 0 : i64} : tensor<4x1x3xf32>
  %m = dfq.reduce_mean %b {axes = array<i64: 0>} : (tensor<4x1x3xf32>) -> tensor<1x1x3xf32>
  %sum = dfq.add %s, %c : (tensor<4x1x3xf32>, tensor<3xf32>) -> tensor<4x1x3xf32>
  %cat = dfq.concat %sum, %b {axis = 2 : i64} : (tensor<4x1x3xf32>, tensor<4x1x3xf32>) -> tensor<4x1x6xf32>
  %p = dfq.pad %cat {pads = array<i64: 1, 0, 0, 0, 0, 2>} : (tensor<4x1x6xf32>) -> tensor<5x1x8xf32>
  %mm = dfq.reshape %m : (tensor<1x1x3xf32>) -> tensor<1x1x1x3xf32>
  return %p, %mm : tensor<5x1x8xf32>, tensor<1x1x1x3xf32>
}

// -----

// A dynamic batch is never moved: nothing changes.
// CHECK-LABEL: func.func @dynamic_batch
// CHECK: dfq.transpose %{{.*}} {perm = array<i64: 1, 0, 2>} : (tensor<?x4x8xf32>) -> tensor<4x?x8xf32>
func.func @dynamic_batch(%x: tensor<?x4x8xf32>) -> tensor<4x?x8xf32> {
  %t = dfq.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<?x4x8xf32>) -> tensor<4x?x8xf32>
  return %t : tensor<4x?x8xf32>
}

// -----

// Weights and what is computed from them alone keep their shapes; an
// activation already leading with the batch is untouched.
// CHECK-LABEL: func.func @weights
// CHECK: %[[W:.*]] = dfq.transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<8x6xf32>) -> tensor<6x8xf32>
// CHECK: dfq.gemm %{{.*}}, %[[W]] : (tensor<1x8xf32>, tensor<6x8xf32>) -> tensor<1x6xf32>
func.func @weights(%x: tensor<1x8xf32>) -> tensor<1x6xf32> {
  %w = arith.constant dense<0.5> : tensor<8x6xf32>
  %wt = dfq.transpose %w {perm = array<i64: 1, 0>} : (tensor<8x6xf32>) -> tensor<6x8xf32>
  %g = dfq.gemm %x, %wt : (tensor<1x8xf32>, tensor<6x8xf32>) -> tensor<1x6xf32>
  return %g : tensor<1x6xf32>
}
