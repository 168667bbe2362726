// RUN: dfq-opt %s --split-input-file --dfq-convert-layouts --dfq-lower-to-kernels=fuse-residuals=true | FileCheck %s
// RUN: dfq-opt %s --split-input-file --dfq-convert-layouts --dfq-lower-to-kernels | FileCheck %s --check-prefix=OFF
// RUN: dfq-opt %s --split-input-file --dfq-convert-layouts --dfq-lower-to-kernels="target=cuda-sm90 fuse-residuals=true" | FileCheck %s

!x = tensor<?x4x3x3x!quant.uniform<u8:f32, 0.5:3>>
!q = tensor<?x4x3x3x!quant.uniform<u8:f32, 0.25:8>>
!f = tensor<?x4x3x3xf32>
!w = tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>

// An identity block's tail: the layer's output is dequantized, added to a
// float residual computed before it, passed through a ReLU and quantized
// for two consumers; the ReLU's result is also read by the second add, so
// the kernel writes it too (the chain lists only the ops it replaces).
// The two layers after it add their outputs: the later one reads the
// earlier one's quantized output as its residual.
// CHECK-LABEL: func.func @identity_block
// CHECK: dfq.qconv2d
// CHECK-SAME: symbol = "dfq_kernel_0_conv1"
// CHECK-NOT: fused
// CHECK: dfq.qconv2d
// CHECK-SAME: symbol = "dfq_kernel_1_conv2"
// CHECK-SAME: fused = ["dfq.dequantize", "dfq.add", "dfq.relu", "dfq.quantize", "dfq.quantize"]
// CHECK: dfq.qconv2d
// CHECK-SAME: symbol = "dfq_kernel_2_conv3"
// CHECK-NOT: fused
// CHECK: dfq.qconv2d
// CHECK-SAME: symbol = "dfq_kernel_3_conv4"
// CHECK-SAME: fused = ["dfq.dequantize", "dfq.dequantize", "dfq.add"]
// OFF-LABEL: func.func @identity_block
// OFF-NOT: fused
func.func @identity_block(%x: !x, %r: !f) -> !f {
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : !w
  %c = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 30>} : (!x, !w) -> !q loc("conv1")
  %d0 = dfq.dequantize %c : !q -> !f
  %res = dfq.relu %d0 : !f
  %qres = dfq.quantize %res {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3]>} : !f -> !x
  %c2 = dfq.qconv2d %qres, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 30>} : (!x, !w) -> !q loc("conv2")
  %d = dfq.dequantize %c2 : !q -> !f
  %s = dfq.add %d, %res : (!f, !f) -> !f
  %y = dfq.relu %s : !f
  %a = dfq.quantize %y {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3]>} : !f -> !x
  %b = dfq.quantize %y {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3]>} : !f -> !x
  %c3 = dfq.qconv2d %a, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 30>} : (!x, !w) -> !q loc("conv3")
  %c4 = dfq.qconv2d %b, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 30>} : (!x, !w) -> !q loc("conv4")
  %d3 = dfq.dequantize %c3 : !q -> !f
  %d4 = dfq.dequantize %c4 : !q -> !f
  %z = dfq.add %d3, %d4 : (!f, !f) -> !f
  %out = dfq.add %z, %y : (!f, !f) -> !f
  return %out : !f
}

// -----

!x = tensor<?x4x3x3x!quant.uniform<u8:f32, 0.5:3>>
!q = tensor<?x4x3x3x!quant.uniform<u8:f32, 0.25:8>>
!f = tensor<?x4x3x3xf32>
!w = tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>

// Two branches added: the chain belongs to the later layer, which reads
// the earlier one's quantized output as its residual (the dequantization
// of that residual is then fused too); a clip instead of a ReLU, and no
// quantization: the float sum is the function's result.
// CHECK-LABEL: func.func @two_branches
// CHECK: dfq.qconv2d
// CHECK-SAME: symbol = "dfq_kernel_0_main"
// CHECK-NOT: fused
// CHECK: dfq.qconv2d
// CHECK-SAME: symbol = "dfq_kernel_1_shortcut"
// CHECK-SAME: fused = ["dfq.dequantize", "dfq.dequantize", "dfq.add", "dfq.clip"]
func.func @two_branches(%x: !x) -> !f {
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : !w
  %m = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 30>} : (!x, !w) -> !q loc("main")
  %dm = dfq.dequantize %m : !q -> !f
  %s = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 30>} : (!x, !w) -> !q loc("shortcut")
  %ds = dfq.dequantize %s : !q -> !f
  %sum = dfq.add %dm, %ds : (!f, !f) -> !f
  %y = dfq.clip %sum {min = 0.0 : f64, max = 6.0 : f64} : !f
  return %y : !f
}

// -----

!x = tensor<?x4x3x3x!quant.uniform<u8:f32, 0.5:3>>
!q = tensor<?x4x3x3x!quant.uniform<u8:f32, 0.25:8>>
!f = tensor<?x4x3x3xf32>
!w = tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>

// A residual that is the function's argument (an NCHW float) is
// transposed to NHWC where it is defined, before the layer, and the chain
// fused. Not chains: the layer's output has a second reader, and a
// residual that is a constant.
// CHECK-LABEL: func.func @not_chains
// CHECK: dfq.transpose %arg1 {perm = array<i64: 0, 2, 3, 1>}
// CHECK: symbol = "dfq_kernel_0_from_argument"{{.*}}fused = ["dfq.dequantize", "dfq.add"]
// CHECK-NOT: fused
// CHECK: return
func.func @not_chains(%x: !x, %r: !f) -> (!f, !q, !f) {
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : !w
  %c = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 30>} : (!x, !w) -> !q loc("from_argument")
  %d = dfq.dequantize %c : !q -> !f
  %s = dfq.add %d, %r : (!f, !f) -> !f
  %c2 = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 30>} : (!x, !w) -> !q loc("shared")
  %d2 = dfq.dequantize %c2 : !q -> !f
  %s2 = dfq.add %d2, %s : (!f, !f) -> !f
  %k = arith.constant dense<1.0> : tensor<1x4x3x3xf32>
  %c3 = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 30>} : (!x, !w) -> !q loc("constant")
  %d3 = dfq.dequantize %c3 : !q -> !f
  %s3 = dfq.add %d3, %k : (!f, tensor<1x4x3x3xf32>) -> !f
  %t = dfq.add %s2, %s3 : (!f, !f) -> !f
  return %t, %c2, %s : !f, !q, !f
}
