// ONNX Gemm in every form becomes dfq.gemm with an [N, K] weight: transA is a
// transpose, a constant B is stored transposed with alpha folded in, a
// computed B is transposed by an op, a per-column C becomes the bias (times
// beta) and a full [M, N] C is added after the product. MatMul by a constant
// matrix is a dfq.gemm too, and a per-column constant added to its product
// alone becomes the bias.
// RUN: %python %S/onnx_gen.py gemm_forms %t.onnx
// RUN: dfq-translate --import-onnx %t.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[A:.*]]: tensor<4x2xf32> {dfq.name = "a"}, %[[BIN:.*]]: tensor<3x3xf32> {dfq.name = "b_in"}) -> (tensor<2x6xf32> {dfq.name = "y6"})
// CHECK-DAG: %[[BNK:.*]] = arith.constant dense_resource<B_nk> : tensor<3x4xf32>
// CHECK-DAG: %[[BIAS:.*]] = arith.constant dense_resource<C_bias> : tensor<3xf32>
// CHECK-DAG: %[[B2:.*]] = arith.constant dense_resource<B2> : tensor<5x3xf32>
// CHECK-DAG: %[[C2:.*]] = arith.constant dense_resource<C2> : tensor<2x5xf32>
// CHECK: %[[AT:.*]] = dfq.transpose %[[A]] {perm = array<i64: 1, 0>} : (tensor<4x2xf32>) -> tensor<2x4xf32>
// CHECK: %[[Y1:.*]] = dfq.gemm %[[AT]], %[[BNK]], %[[BIAS]] : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: %[[BT:.*]] = dfq.transpose %[[BIN]] {perm = array<i64: 1, 0>}
// CHECK: %[[Y2:.*]] = dfq.gemm %[[Y1]], %[[BT]] : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[Y3:.*]] = dfq.gemm %[[Y2]], %[[B2]] : (tensor<2x3xf32>, tensor<5x3xf32>) -> tensor<2x5xf32>
// CHECK: %[[Y3C:.*]] = dfq.add %[[Y3]], %[[C2]] : (tensor<2x5xf32>, tensor<2x5xf32>) -> tensor<2x5xf32>
// CHECK: %[[Y5:.*]] = dfq.gemm %[[Y3C]], %{{.*}}, %{{.*}} : (tensor<2x5xf32>, tensor<6x5xf32>, tensor<6xf32>) -> tensor<2x6xf32>
// CHECK: dfq.mul %[[Y5]], %[[Y5]]
// B = ramp(4, 3) = (i * 0.1 - 0.6); row 0 of 2 * B^T is 2 * (-0.6, -0.3, 0, 0.3).
// CHECK: B_nk: "0x040000009A9999BF9A9919BF000000009A99193F
// C = (-0.15, -0.05, 0.05); times beta = 0.5.
// CHECK: C_bias: "0x040000009A9999BDCECCCCBCCCCCCC3C"
