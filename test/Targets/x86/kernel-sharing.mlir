// Layers whose kernels have the same code (shape, schedule, output range,
// the choices made from the weights) share one compiled kernel, each
// calling it with its own tables (packed weights, per-channel parameters,
// zero points): `a` and `b` differ only in their weights, bias and
// multipliers, `c` also in its output zero point; `d` has a stride of 2,
// which is another code.
// RUN: dfq-opt %s --dfq-convert-layouts --dfq-lower-to-kernels=target=x86-avx2 --mlir-print-debuginfo | dfq-translate --emit-library | FileCheck %s

// CHECK-LABEL: // ----- model.c -----
// CHECK: extern const uint8_t dfq_table_dfq_kernel_0_a_weights[];
// CHECK: int dfq_kernel_0_a_argv(void **);
// CHECK-NOT: int dfq_kernel_1_b_argv
// CHECK: extern const uint8_t dfq_table_dfq_kernel_1_b_weights[];
// CHECK-NOT: int dfq_kernel_2_c_argv
// CHECK: extern const uint8_t dfq_table_dfq_kernel_2_c_zero_points[];
// CHECK: int dfq_kernel_3_d_argv(void **);
// CHECK: {dfq_table_dfq_kernel_0_a_zero_points, 0, 32, 1, {2}},
// CHECK: {dfq_table_dfq_kernel_0_a_weights, 1, 8, 6, {4, 8, 1, 1, 3, 1}}
// CHECK: failed |= dfq_rt_run_kernel(dfq_kernel_0_a_argv, "a", {{.*}}, n, 4, 4, 2, 0, 1, buffers, is_float, tables, [[TABLES:[0-9]+]], 4, 4, 2, 1, team);
// CHECK: {dfq_table_dfq_kernel_1_b_weights, 1, 8, 6, {4, 8, 1, 1, 3, 1}}
// CHECK: failed |= dfq_rt_run_kernel(dfq_kernel_0_a_argv, "b", {{.*}}, n, 4, 4, 2, 0, 1, buffers, is_float, tables, [[TABLES]], 4, 4, 2, 1, team);
// CHECK: {dfq_table_dfq_kernel_2_c_zero_points, 0, 32, 1, {2}},
// CHECK: failed |= dfq_rt_run_kernel(dfq_kernel_0_a_argv, "c", {{.*}}, n, 4, 4, 2, 0, 1, buffers, is_float, tables, [[TABLES]], 4, 4, 2, 1, team);
// CHECK: failed |= dfq_rt_run_kernel(dfq_kernel_3_d_argv, "d", {{.*}}, n, 4, 4, 2, 0, 1, buffers, is_float, tables, {{[0-9]+}}, 2, 2, 2, 1, team);
// CHECK-LABEL: // ----- dfq_kernel_tables.c -----
// CHECK-NEXT: // (data, {{[0-9]+}} bytes of C)
// CHECK-LABEL: // ----- kernels (Halide, x86-avx2) -----
// CHECK-NEXT: // dfq_kernel_0_a: dense avx2
// CHECK-NEXT: // dfq_kernel_1_b: the code of dfq_kernel_0_a
// CHECK-NEXT: // dfq_kernel_2_c: the code of dfq_kernel_0_a
// CHECK-NEXT: // dfq_kernel_3_d: dense avx2

!x = !quant.uniform<u8:f32, 0.5:3>
!y = !quant.uniform<u8:f32, 0.25:5>
!wa = !quant.uniform<i8<-127:127>:f32:0, {0.125, 0.0625}>
!wb = !quant.uniform<i8<-127:127>:f32:0, {0.09375, 0.046875}>
func.func @main(%x: tensor<?x2x4x4xf32>) -> tensor<?x2x2x2xf32> {
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<?x2x4x4xf32> -> tensor<?x2x4x4x!x>
  %wa = dfq.qconstant dense<[[[[1, -2, 3], [0, 1, 0], [-1, 2, -3]], [[4, 0, -4], [1, 1, 1], [0, 0, 0]]], [[[2, 2, 2], [2, 2, 2], [2, 2, 2]], [[-1, -1, -1], [-1, -1, -1], [-1, -1, -1]]]]> : tensor<2x2x3x3xi8> : tensor<2x2x3x3x!wa>
  %ba = arith.constant dense<[1, -2]> : tensor<2xi32>
  %a = dfq.qconv2d %q, %wa, %ba {pads = array<i64: 1, 1, 1, 1>, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 33, 34>} : (tensor<?x2x4x4x!x>, tensor<2x2x3x3x!wa>, tensor<2xi32>) -> tensor<?x2x4x4x!x> loc("a")
  %wb = dfq.qconstant dense<[[[[0, 0, 0], [0, 7, 0], [0, 0, 0]], [[0, 0, 0], [0, -8, 0], [0, 0, 0]]], [[[3, 1, 3], [1, 0, 1], [3, 1, 3]], [[-5, 5, -5], [5, -5, 5], [-5, 5, -5]]]]> : tensor<2x2x3x3xi8> : tensor<2x2x3x3x!wb>
  %bb = arith.constant dense<[-7, 9]> : tensor<2xi32>
  %b = dfq.qconv2d %a, %wb, %bb {pads = array<i64: 1, 1, 1, 1>, multiplier = array<i32: 1610612736, 1610612736>, shift = array<i32: 34, 35>} : (tensor<?x2x4x4x!x>, tensor<2x2x3x3x!wb>, tensor<2xi32>) -> tensor<?x2x4x4x!x> loc("b")
  %c = dfq.qconv2d %b, %wb, %bb {pads = array<i64: 1, 1, 1, 1>, multiplier = array<i32: 1610612736, 1610612736>, shift = array<i32: 33, 34>} : (tensor<?x2x4x4x!x>, tensor<2x2x3x3x!wb>, tensor<2xi32>) -> tensor<?x2x4x4x!y> loc("c")
  %d = dfq.qconv2d %c, %wb, %bb {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, multiplier = array<i32: 1610612736, 1610612736>, shift = array<i32: 35, 36>} : (tensor<?x2x4x4x!y>, tensor<2x2x3x3x!wb>, tensor<2xi32>) -> tensor<?x2x2x2x!x> loc("d")
  %e = dfq.dequantize %d : tensor<?x2x2x2x!x> -> tensor<?x2x2x2xf32>
  return %e : tensor<?x2x2x2xf32>
}
