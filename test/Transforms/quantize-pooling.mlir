// RUN: dfq-opt %s --split-input-file --dfq-quantize-pooling | FileCheck %s

!q = tensor<?x4x7x7x!quant.uniform<u8:f32, 0.05:3>>
!f = tensor<?x4x7x7xf32>

// A global pooling before a classifier: the codes are summed and
// requantized into the classifier's input type, 0.05 / (49 * 0.02) =
// 1753047876 * 2^-35, and the flatten moves codes.
// CHECK-LABEL: func.func @global_pool
// CHECK-NEXT: %[[P:.*]] = dfq.qavg_pool2d %arg0 {kernel_shape = array<i64: 7, 7>, multiplier = 1753047876 : i32, shift = 35 : i32} : (tensor<?x4x7x7x!quant.uniform<u8:f32, 5.000000e-02:3>>) -> tensor<?x4x1x1x!quant.uniform<u8:f32, 2.000000e-02:1>>
// CHECK-NEXT: %[[F:.*]] = dfq.flatten %[[P]] {dfq.range = array<f64: 0.000000e+00, 5.000000e+00>} : (tensor<?x4x1x1x!quant.uniform<u8:f32, 2.000000e-02:1>>) -> tensor<?x4x!quant.uniform<u8:f32, 2.000000e-02:1>>
// CHECK-NEXT: return %[[F]]
func.func @global_pool(%x: !q) -> tensor<?x4x!quant.uniform<u8:f32, 0.02:1>> {
  %d = dfq.dequantize %x : !q -> !f
  %p = dfq.global_avg_pool %d : (!f) -> tensor<?x4x1x1xf32>
  %f = dfq.flatten %p {dfq.range = array<f64: 0.0, 5.0>} : (tensor<?x4x1x1xf32>) -> tensor<?x4xf32>
  %y = dfq.quantize %f {params = #dfq.qparams<u8, asymmetric, scales = [0.02], zero_points = [1]>} : tensor<?x4xf32> -> tensor<?x4x!quant.uniform<u8:f32, 0.02:1>>
  return %y : tensor<?x4x!quant.uniform<u8:f32, 0.02:1>>
}

// -----

!f = tensor<?x4x7x7xf32>

// Windows that all count 9 positions: padding counted (signed codes), or no
// padding at all; 0.05 / (9 * 0.05) = 1908874354 * 2^-34.
// CHECK-LABEL: func.func @constant_divisor
// CHECK-NEXT: %[[A:.*]] = dfq.qavg_pool2d %arg0 {kernel_shape = array<i64: 3, 3>, multiplier = 1908874354 : i32, pads = array<i64: 1, 1, 1, 1>, shift = 34 : i32} : (tensor<?x4x7x7x!quant.uniform<i8:f32, 5.000000e-02:-3>>) -> tensor<?x4x7x7x!quant.uniform<i8:f32, 5.000000e-02:-3>>
// CHECK-NEXT: %[[B:.*]] = dfq.qavg_pool2d %arg0 {kernel_shape = array<i64: 3, 3>, multiplier = 1908874354 : i32, shift = 34 : i32, strides = array<i64: 2, 2>} : {{.*}} -> tensor<?x4x3x3x!quant.uniform<i8:f32, 5.000000e-02:-3>>
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @constant_divisor(%x: tensor<?x4x7x7x!quant.uniform<i8:f32, 0.05:-3>>) -> (tensor<?x4x7x7x!quant.uniform<i8:f32, 0.05:-3>>, tensor<?x4x3x3x!quant.uniform<i8:f32, 0.05:-3>>) {
  %d = dfq.dequantize %x : tensor<?x4x7x7x!quant.uniform<i8:f32, 0.05:-3>> -> !f
  %a = dfq.avg_pool2d %d {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true} : (!f) -> !f
  %qa = dfq.quantize %a {params = #dfq.qparams<i8, asymmetric, scales = [0.05], zero_points = [-3]>} : !f -> tensor<?x4x7x7x!quant.uniform<i8:f32, 0.05:-3>>
  %b = dfq.avg_pool2d %d {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (!f) -> tensor<?x4x3x3xf32>
  %qb = dfq.quantize %b {params = #dfq.qparams<i8, asymmetric, scales = [0.05], zero_points = [-3]>} : tensor<?x4x3x3xf32> -> tensor<?x4x3x3x!quant.uniform<i8:f32, 0.05:-3>>
  return %qa, %qb : tensor<?x4x7x7x!quant.uniform<i8:f32, 0.05:-3>>, tensor<?x4x3x3x!quant.uniform<i8:f32, 0.05:-3>>
}

// -----

!q = tensor<?x4x7x7x!quant.uniform<u8:f32, 0.05:3>>
!f = tensor<?x4x7x7xf32>
!r = tensor<?x4x4x4x!quant.uniform<u8:f32, 0.05:3>>

// Left in float: padding not counted (border windows divide by fewer),
// ceil mode adding a last window that reaches past the padding, a pooled
// value read by another op too, floats that are not a dequantization, and
// a result that is not quantized.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: dfq.qavg_pool2d
// CHECK: return
func.func @left_alone(%x: !q, %g: !f) -> (!r, !r, !r, tensor<?x4x4x4xf32>, tensor<?x4x1x1x!quant.uniform<u8:f32, 0.05:3>>, tensor<?x4x1x1xf32>) {
  %d = dfq.dequantize %x : !q -> !f
  %a = dfq.avg_pool2d %d {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (!f) -> tensor<?x4x4x4xf32>
  %qa = dfq.quantize %a {params = #dfq.qparams<u8, asymmetric, scales = [0.05], zero_points = [3]>} : tensor<?x4x4x4xf32> -> !r
  %c = dfq.avg_pool2d %d {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode = true} : (!f) -> tensor<?x4x4x4xf32>
  %qc = dfq.quantize %c {params = #dfq.qparams<u8, asymmetric, scales = [0.05], zero_points = [3]>} : tensor<?x4x4x4xf32> -> !r
  %s = dfq.avg_pool2d %d {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, count_include_pad = true} : (!f) -> tensor<?x4x4x4xf32>
  %qs = dfq.quantize %s {params = #dfq.qparams<u8, asymmetric, scales = [0.05], zero_points = [3]>} : tensor<?x4x4x4xf32> -> !r
  %p = dfq.global_avg_pool %g : (!f) -> tensor<?x4x1x1xf32>
  %qp = dfq.quantize %p {params = #dfq.qparams<u8, asymmetric, scales = [0.05], zero_points = [3]>} : tensor<?x4x1x1xf32> -> tensor<?x4x1x1x!quant.uniform<u8:f32, 0.05:3>>
  %f = dfq.global_avg_pool %d : (!f) -> tensor<?x4x1x1xf32>
  return %qa, %qc, %qs, %s, %qp, %f : !r, !r, !r, tensor<?x4x4x4xf32>, tensor<?x4x1x1x!quant.uniform<u8:f32, 0.05:3>>, tensor<?x4x1x1xf32>
}

// -----

// Ceil mode that adds no window (7 - 1 = 6 divides by the stride) is the
// same op.
// CHECK-LABEL: func.func @ceil_mode_without_extra_window
// CHECK-NEXT: dfq.qavg_pool2d %arg0 {kernel_shape = array<i64: 3, 3>, {{.*}}strides = array<i64: 2, 2>}
func.func @ceil_mode_without_extra_window(%x: tensor<?x4x7x7x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<?x4x3x3x!quant.uniform<u8:f32, 0.05:3>> {
  %d = dfq.dequantize %x : tensor<?x4x7x7x!quant.uniform<u8:f32, 0.05:3>> -> tensor<?x4x7x7xf32>
  %a = dfq.avg_pool2d %d {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, ceil_mode = true} : (tensor<?x4x7x7xf32>) -> tensor<?x4x3x3xf32>
  %q = dfq.quantize %a {params = #dfq.qparams<u8, asymmetric, scales = [0.05], zero_points = [3]>} : tensor<?x4x3x3xf32> -> tensor<?x4x3x3x!quant.uniform<u8:f32, 0.05:3>>
  return %q : tensor<?x4x3x3x!quant.uniform<u8:f32, 0.05:3>>
}
