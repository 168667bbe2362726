// RUN: dfq-opt %s --split-input-file --dfq-convert-layouts --dfq-lower-to-kernels=target=c | FileCheck %s
// RUN: dfq-opt %s --split-input-file --dfq-convert-layouts --dfq-lower-to-kernels="target=c fuse-residuals=true" | FileCheck %s

// The portable C backend: a plain loop nest per layer, so the schedule is
// the symbol and the kind; signed activations and unsigned weights are
// fine; residual chains stay on the host even when asked for.
// CHECK-LABEL: func.func @signed_depthwise_then_gemm
// CHECK: dfq.qconv2d
// CHECK-SAME: dfq.kernel = #dfq.c_kernel<symbol = "dfq_kernel_0_dw", kind = depthwise>
// CHECK: dfq.qgemm
// CHECK-SAME: dfq.kernel = #dfq.c_kernel<symbol = "dfq_kernel_1_fc", kind = dense>
func.func @signed_depthwise_then_gemm(%x: tensor<?x2x3x3x!quant.uniform<i8:f32, 0.5:-3>>, %f: tensor<?x16x!quant.uniform<i8:f32, 2.0:1>>) -> (tensor<?x2x3x3x!quant.uniform<i8:f32, 1.0:7>>, tensor<?x70x!quant.uniform<u8:f32, 2.0:5>>) {
  %w = dfq.qconstant dense<1> : tensor<2x1x3x3xi8> : tensor<2x1x3x3x!quant.uniform<i8:f32, 0.5>>
  %y = dfq.qconv2d %x, %w {groups = 2 : i64, pads = array<i64: 1, 1, 1, 1>, multiplier = array<i32: 1073741824>, shift = array<i32: 32>} : (tensor<?x2x3x3x!quant.uniform<i8:f32, 0.5:-3>>, tensor<2x1x3x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x2x3x3x!quant.uniform<i8:f32, 1.0:7>> loc("dw")
  %v = dfq.qconstant dense<1> : tensor<70x16xi8> : tensor<70x16x!quant.uniform<u4:f32, 0.5:8>>
  %z = dfq.qgemm %f, %v {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x16x!quant.uniform<i8:f32, 2.0:1>>, tensor<70x16x!quant.uniform<u4:f32, 0.5:8>>) -> tensor<?x70x!quant.uniform<u8:f32, 2.0:5>> loc("fc")
  return %y, %z : tensor<?x2x3x3x!quant.uniform<i8:f32, 1.0:7>>, tensor<?x70x!quant.uniform<u8:f32, 2.0:5>>
}

