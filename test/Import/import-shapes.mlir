// Reshape resolves 0 and -1 against a dynamic batch; Identity and inference
// Dropout vanish; Transpose without perm reverses the dimensions; opset-11
// Softmax flattens at its axis.
// RUN: %python %S/onnx_gen.py shapes %t.onnx
// RUN: dfq-translate --import-onnx %t.onnx | FileCheck %s
// RUN: %python %S/onnx_gen.py softmax_opset11 %t11.onnx
// RUN: dfq-translate --import-onnx %t11.onnx | FileCheck %s --check-prefix=SOFTMAX11

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.*]]: tensor<?x2x2x3xf32> {dfq.name = "x"})
// CHECK: %[[FLAT:.*]] = dfq.reshape %[[X]] : (tensor<?x2x2x3xf32>) -> tensor<?x12xf32>
// CHECK: %[[ROWS:.*]] = dfq.reshape %[[X]] : (tensor<?x2x2x3xf32>) -> tensor<?x4xf32>
// CHECK: %[[CAT:.*]] = dfq.concat %[[FLAT]], %[[FLAT]] {axis = 1 : i64} : {{.*}} -> tensor<?x24xf32>
// CHECK: %[[XT:.*]] = dfq.transpose %[[X]] {perm = array<i64: 0, 2, 3, 1>}
// CHECK: %[[RT:.*]] = dfq.transpose %[[ROWS]] {perm = array<i64: 1, 0>} : (tensor<?x4xf32>) -> tensor<4x?xf32>
// CHECK: return %[[CAT]], %[[XT]], %[[RT]]

// SOFTMAX11: %[[F:.*]] = dfq.reshape %{{.*}} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
// SOFTMAX11: %[[S:.*]] = dfq.softmax %[[F]] : tensor<2x12xf32>
// SOFTMAX11: dfq.reshape %[[S]] : (tensor<2x12xf32>) -> tensor<2x3x4xf32>
