// Shape computations are evaluated at import: the batch that Shape reads off
// a dynamic input stays symbolic and resolves a Reshape's -1 (ShuffleNetV2's
// channel shuffle), channel arithmetic folds through Cast, Div and Floor,
// and converters' Equal/Where/ConstantOfShape agree that a batch is never -1.
// No Shape, Gather or Concat of shapes reaches the IR. Split, Gather and
// Squeeze/Unsqueeze of run-time tensors import as dfq.slice and dfq.reshape.
// RUN: %python %S/onnx_gen.py shape_folding %t.onnx
// RUN: dfq-translate --import-onnx %t.onnx | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x5x6xf32> {dfq.name = "x"})
// CHECK: %[[V5:.*]] = dfq.reshape %[[X]] : (tensor<?x4x5x6xf32>) -> tensor<?x2x2x5x6xf32>
// CHECK: %[[T:.*]] = dfq.transpose %[[V5]] {perm = array<i64: 0, 2, 1, 3, 4>}
// CHECK: %[[V4:.*]] = dfq.reshape %[[T]] : (tensor<?x2x2x5x6xf32>) -> tensor<?x4x5x6xf32>
// CHECK: %[[FLAT:.*]] = dfq.reshape %[[V4]] : (tensor<?x4x5x6xf32>) -> tensor<?x120xf32>
// CHECK: %[[LO:.*]] = dfq.slice %[[X]] {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : (tensor<?x4x5x6xf32>) -> tensor<?x1x5x6xf32>
// CHECK: %[[HI:.*]] = dfq.slice %[[X]] {starts = array<i64: 0, 1, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : (tensor<?x4x5x6xf32>) -> tensor<?x3x5x6xf32>
// CHECK: %[[ROW:.*]] = dfq.slice %[[HI]] {starts = array<i64: 0, 0, 3, 0>, steps = array<i64: 1, 1, 1, 1>} : (tensor<?x3x5x6xf32>) -> tensor<?x3x1x6xf32>
// CHECK: dfq.reshape %[[ROW]] : (tensor<?x3x1x6xf32>) -> tensor<?x3x6xf32>
// CHECK: dfq.reshape %{{.*}} : (tensor<?x3x6xf32>) -> tensor<?x3x1x6xf32>
// CHECK: %[[ROW3:.*]] = dfq.reshape %{{.*}} : (tensor<?x3x1x6xf32>) -> tensor<?x3x6xf32>
// CHECK: return %[[FLAT]], %[[LO]], %[[ROW3]]
// CHECK-NOT: arith.constant
