// Round trip of every dfq op: custom form, generic form, and the custom form
// parsed back from the generic one must all agree.
// RUN: dfq-opt %s | dfq-opt | FileCheck %s
// RUN: dfq-opt %s -mlir-print-op-generic | dfq-opt | FileCheck %s
// RUN: dfq-opt %s -mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func.func @conv2d
// CHECK: dfq.conv2d %{{.*}}, %{{.*}}, %{{.*}} {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
// CHECK: dfq.conv2d %{{.*}}, %{{.*}} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
// GENERIC-LABEL: sym_name = "conv2d"
// GENERIC: "dfq.conv2d"(%{{.*}}, %{{.*}}, %{{.*}}) <{dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}>
func.func @conv2d(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x6x6xf32>) {
  %0 = dfq.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %1 = dfq.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0, %1 : tensor<1x4x4x4xf32>, tensor<1x4x6x6xf32>
}

// CHECK-LABEL: func.func @depthwise_dilated
// CHECK: dfq.conv2d %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, groups = 8 : i64, pads = array<i64: 2, 2, 2, 2>} : (tensor<?x8x7x7xf32>, tensor<8x1x3x3xf32>) -> tensor<?x8x7x7xf32>
func.func @depthwise_dilated(%x: tensor<?x8x7x7xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<?x8x7x7xf32> {
  %0 = dfq.conv2d %x, %w {groups = 8, dilations = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>} : (tensor<?x8x7x7xf32>, tensor<8x1x3x3xf32>) -> tensor<?x8x7x7xf32>
  return %0 : tensor<?x8x7x7xf32>
}

// CHECK-LABEL: func.func @batch_norm
// CHECK: dfq.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f64} : (tensor<2x4x5x5xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x5x5xf32>
// CHECK: dfq.batch_norm {{.*}} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
// GENERIC-LABEL: sym_name = "batch_norm"
// GENERIC: "dfq.batch_norm"({{.*}}) <{epsilon = 1.000000e-03 : f64}>
func.func @batch_norm(%x: tensor<2x4x5x5xf32>, %v: tensor<2x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %s: tensor<4xf32>) -> (tensor<2x4x5x5xf32>, tensor<2x4xf32>) {
  %0 = dfq.batch_norm %x, %g, %b, %m, %s {epsilon = 1.0e-3 : f64} : (tensor<2x4x5x5xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x5x5xf32>
  %1 = dfq.batch_norm %v, %g, %b, %m, %s : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0, %1 : tensor<2x4x5x5xf32>, tensor<2x4xf32>
}

// CHECK-LABEL: func.func @gemm_matmul
// CHECK: dfq.gemm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x16xf32>, tensor<10x16xf32>, tensor<10xf32>) -> tensor<2x10xf32>
// CHECK: dfq.gemm %{{.*}}, %{{.*}} : (tensor<2x16xf32>, tensor<10x16xf32>) -> tensor<2x10xf32>
// CHECK: dfq.matmul %{{.*}}, %{{.*}} : (tensor<3x2x16xf32>, tensor<16x5xf32>) -> tensor<3x2x5xf32>
func.func @gemm_matmul(%x: tensor<2x16xf32>, %w: tensor<10x16xf32>, %b: tensor<10xf32>, %a: tensor<3x2x16xf32>, %r: tensor<16x5xf32>) -> (tensor<2x10xf32>, tensor<2x10xf32>, tensor<3x2x5xf32>) {
  %0 = dfq.gemm %x, %w, %b : (tensor<2x16xf32>, tensor<10x16xf32>, tensor<10xf32>) -> tensor<2x10xf32>
  %1 = dfq.gemm %x, %w : (tensor<2x16xf32>, tensor<10x16xf32>) -> tensor<2x10xf32>
  %2 = dfq.matmul %a, %r : (tensor<3x2x16xf32>, tensor<16x5xf32>) -> tensor<3x2x5xf32>
  return %0, %1, %2 : tensor<2x10xf32>, tensor<2x10xf32>, tensor<3x2x5xf32>
}

// CHECK-LABEL: func.func @elementwise
// CHECK: dfq.relu %{{.*}} : tensor<1x4x4x4xf32>
// CHECK: dfq.clip %{{.*}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<1x4x4x4xf32>
// CHECK: dfq.add %{{.*}}, %{{.*}} : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
// CHECK: dfq.mul %{{.*}}, %{{.*}} : (tensor<1x4x4x4xf32>, tensor<4x1x1xf32>) -> tensor<1x4x4x4xf32>
// CHECK: dfq.softmax %{{.*}} {axis = 1 : i64} : tensor<2x10xf32>
// CHECK: dfq.softmax %{{.*}} : tensor<2x10xf32>
func.func @elementwise(%x: tensor<1x4x4x4xf32>, %s: tensor<4x1x1xf32>, %l: tensor<2x10xf32>) -> (tensor<1x4x4x4xf32>, tensor<2x10xf32>, tensor<2x10xf32>) {
  %0 = dfq.relu %x : tensor<1x4x4x4xf32>
  %1 = dfq.clip %0 {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x4x4x4xf32>
  %2 = dfq.add %1, %x : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %3 = dfq.mul %2, %s : (tensor<1x4x4x4xf32>, tensor<4x1x1xf32>) -> tensor<1x4x4x4xf32>
  %4 = dfq.softmax %l {axis = 1} : tensor<2x10xf32>
  %5 = dfq.softmax %l : tensor<2x10xf32>
  return %3, %4, %5 : tensor<1x4x4x4xf32>, tensor<2x10xf32>, tensor<2x10xf32>
}

// CHECK-LABEL: func.func @pooling
// CHECK: dfq.max_pool2d %{{.*}} {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x7x7xf32>) -> tensor<1x4x3x3xf32>
// CHECK: dfq.max_pool2d %{{.*}} {ceil_mode = true, kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x7x7xf32>) -> tensor<1x4x4x4xf32>
// CHECK: dfq.avg_pool2d %{{.*}} {count_include_pad = true, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
// CHECK: dfq.global_avg_pool %{{.*}} : (tensor<1x4x7x7xf32>) -> tensor<1x4x1x1xf32>
// CHECK: dfq.avg_pool2d %{{.*}} {ceil_mode = true, channels_last, kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x7x7x4xf32>) -> tensor<1x4x4x4xf32>
func.func @pooling(%x: tensor<1x4x7x7xf32>) -> (tensor<1x4x3x3xf32>, tensor<1x4x4x4xf32>, tensor<1x4x7x7xf32>, tensor<1x4x1x1xf32>) {
  %0 = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x7x7xf32>) -> tensor<1x4x3x3xf32>
  %1 = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode = true} : (tensor<1x4x7x7xf32>) -> tensor<1x4x4x4xf32>
  %2 = dfq.avg_pool2d %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true} : (tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  %3 = dfq.global_avg_pool %x : (tensor<1x4x7x7xf32>) -> tensor<1x4x1x1xf32>
  %t = dfq.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x4x7x7xf32>) -> tensor<1x7x7x4xf32>
  %4 = dfq.avg_pool2d %t {channels_last, kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode = true} : (tensor<1x7x7x4xf32>) -> tensor<1x4x4x4xf32>
  return %0, %1, %2, %3 : tensor<1x4x3x3xf32>, tensor<1x4x4x4xf32>, tensor<1x4x7x7xf32>, tensor<1x4x1x1xf32>
}

// CHECK-LABEL: func.func @shapes
// CHECK: dfq.flatten %{{.*}} : (tensor<2x4x3x3xf32>) -> tensor<2x36xf32>
// CHECK: dfq.flatten %{{.*}} {axis = -1 : i64} : (tensor<2x4x3x3xf32>) -> tensor<24x3xf32>
// CHECK: dfq.reshape %{{.*}} : (tensor<2x4x3x3xf32>) -> tensor<2x36xf32>
// CHECK: dfq.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x4x3x3xf32>, tensor<2x2x3x3xf32>) -> tensor<2x6x3x3xf32>
func.func @shapes(%x: tensor<2x4x3x3xf32>, %y: tensor<2x2x3x3xf32>) -> (tensor<2x36xf32>, tensor<24x3xf32>, tensor<2x36xf32>, tensor<2x6x3x3xf32>) {
  %0 = dfq.flatten %x : (tensor<2x4x3x3xf32>) -> tensor<2x36xf32>
  %1 = dfq.flatten %x {axis = -1} : (tensor<2x4x3x3xf32>) -> tensor<24x3xf32>
  %2 = dfq.reshape %x : (tensor<2x4x3x3xf32>) -> tensor<2x36xf32>
  %3 = dfq.concat %x, %y {axis = 1} : (tensor<2x4x3x3xf32>, tensor<2x2x3x3xf32>) -> tensor<2x6x3x3xf32>
  return %0, %1, %2, %3 : tensor<2x36xf32>, tensor<24x3xf32>, tensor<2x36xf32>, tensor<2x6x3x3xf32>
}

// CHECK-LABEL: func.func @transpose_and_dynamic_reshape
// CHECK: dfq.transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<2x36xf32>) -> tensor<36x2xf32>
// CHECK: dfq.reshape %{{.*}} : (tensor<?x4x3x3xf32>) -> tensor<?x36xf32>
func.func @transpose_and_dynamic_reshape(%x: tensor<2x36xf32>, %y: tensor<?x4x3x3xf32>) -> (tensor<36x2xf32>, tensor<?x36xf32>) {
  %0 = dfq.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x36xf32>) -> tensor<36x2xf32>
  %1 = dfq.reshape %y : (tensor<?x4x3x3xf32>) -> tensor<?x36xf32>
  return %0, %1 : tensor<36x2xf32>, tensor<?x36xf32>
}

// CHECK-LABEL: func.func @resource_weights
// CHECK: arith.constant dense_resource<conv_w> : tensor<2x1x1x1xf32>
func.func @resource_weights(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense_resource<conv_w> : tensor<2x1x1x1xf32>
  %0 = dfq.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// CHECK-LABEL: func.func @quantize_dequantize
// CHECK: dfq.quantize %{{.*}} {params = #dfq.qparams<u8, asymmetric, scales = [5.000000e-01], zero_points = [3], range = [-1.500000e+00, 1.260000e+02], source = dsg, observer = minmax>} : tensor<1x4x4x4xf32> -> tensor<1x4x4x4x!quant.uniform<u8:f32, 5.000000e-01:3>>
// CHECK: dfq.quantize %{{.*}} {params = #dfq.qparams<i4, symmetric, axis = 1, scales = [1.000000e-01, 2.000000e-01, 3.000000e-01, 4.000000e-01], zero_points = [0, 0, 0, 0]>} : tensor<1x4x4x4xf32> -> tensor<1x4x4x4x!quant.uniform<i4:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01,4.000000e-01}>>
// CHECK: dfq.dequantize %{{.*}} : tensor<1x4x4x4x!quant.uniform<u8:f32, 5.000000e-01:3>> -> tensor<1x4x4x4xf32>
// GENERIC-LABEL: sym_name = "quantize_dequantize"
// GENERIC: "dfq.quantize"(%{{.*}}) <{params = #dfq.qparams<u8, asymmetric
func.func @quantize_dequantize(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3], range = [-1.5, 126.0], source = dsg, observer = minmax>} : tensor<1x4x4x4xf32> -> tensor<1x4x4x4x!quant.uniform<u8:f32, 0.5:3>>
  %c = dfq.quantize %x {params = #dfq.qparams<i4, symmetric, axis = 1, scales = [0.1, 0.2, 0.3, 0.4], zero_points = [0, 0, 0, 0]>} : tensor<1x4x4x4xf32> -> tensor<1x4x4x4x!quant.uniform<i4:f32:1, {0.1, 0.2, 0.3, 0.4}>>
  %d = dfq.dequantize %q : tensor<1x4x4x4x!quant.uniform<u8:f32, 0.5:3>> -> tensor<1x4x4x4xf32>
  return %d : tensor<1x4x4x4xf32>
}

// CHECK-LABEL: func.func @qconv2d
// CHECK: dfq.qconstant dense<{{.*}}> : tensor<2x3x1x1xi8> {params = #dfq.qparams<i4, symmetric, axis = 0, scales = [2.500000e-01, 1.250000e-01], zero_points = [0, 0], source = weights>} : tensor<2x3x1x1x!quant.uniform<i4:f32:0, {2.500000e-01,1.250000e-01}>>
// CHECK: dfq.qconv2d %{{.*}}, %{{.*}}, %{{.*}} {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 33, 34>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 5.000000e-01:3>>, tensor<2x3x1x1x!quant.uniform<i4:f32:0, {2.500000e-01,1.250000e-01}>>, tensor<2xi32>) -> tensor<1x2x4x4x!quant.uniform<u4:f32, 1.000000e+00:1>>
// GENERIC-LABEL: sym_name = "qconv2d"
// GENERIC: "dfq.qconv2d"({{.*}}) <{dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824, 1073741824>, pads = array<i64: 0, 0, 0, 0>, shift = array<i32: 33, 34>, strides = array<i64: 2, 2>}>
func.func @qconv2d(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %b: tensor<2xi32>) -> tensor<1x2x4x4x!quant.uniform<u4:f32, 1.0:1>> {
  %w = dfq.qconstant dense<[[[[1]], [[-8]], [[7]]], [[[0]], [[2]], [[-3]]]]> : tensor<2x3x1x1xi8> {params = #dfq.qparams<i4, symmetric, axis = 0, scales = [0.25, 0.125], zero_points = [0, 0], source = weights>} : tensor<2x3x1x1x!quant.uniform<i4:f32:0, {0.25, 0.125}>>
  // 0.5 * 0.25 / 1.0 = 2^30 * 2^-33 and 0.5 * 0.125 / 1.0 = 2^30 * 2^-34.
  %y = dfq.qconv2d %x, %w, %b {strides = array<i64: 2, 2>, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 33, 34>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x3x1x1x!quant.uniform<i4:f32:0, {0.25, 0.125}>>, tensor<2xi32>) -> tensor<1x2x4x4x!quant.uniform<u4:f32, 1.0:1>>
  return %y : tensor<1x2x4x4x!quant.uniform<u4:f32, 1.0:1>>
}

// CHECK-LABEL: func.func @qconv2d_channels_last
// CHECK: dfq.transpose %{{.*}} {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 5.000000e-01:3>>) -> tensor<1x8x8x3x!quant.uniform<u8:f32, 5.000000e-01:3>>
// CHECK: dfq.qconv2d %{{.*}}, %{{.*}} {channels_last, multiplier = array<i32: 1073741824>, shift = array<i32: 33>, strides = array<i64: 2, 2>} : (tensor<1x8x8x3x!quant.uniform<u8:f32, 5.000000e-01:3>>, tensor<2x3x1x1x!quant.uniform<i4:f32, 2.500000e-01>>) -> tensor<1x4x4x2x!quant.uniform<u4:f32, 1.000000e+00:1>>
// GENERIC-LABEL: sym_name = "qconv2d_channels_last"
// GENERIC: "dfq.qconv2d"({{.*}}) <{channels_last, dilations
func.func @qconv2d_channels_last(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x4x4x2x!quant.uniform<u4:f32, 1.0:1>> {
  %w = dfq.qconstant dense<1> : tensor<2x3x1x1xi8> : tensor<2x3x1x1x!quant.uniform<i4:f32, 0.25>>
  %t = dfq.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x8x8x3x!quant.uniform<u8:f32, 0.5:3>>
  %y = dfq.qconv2d %t, %w {channels_last, strides = array<i64: 2, 2>, multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x8x8x3x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x3x1x1x!quant.uniform<i4:f32, 0.25>>) -> tensor<1x4x4x2x!quant.uniform<u4:f32, 1.0:1>>
  return %y : tensor<1x4x4x2x!quant.uniform<u4:f32, 1.0:1>>
}

// CHECK-LABEL: func.func @max_pool_codes
// CHECK: dfq.max_pool2d %{{.*}} {channels_last, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x8x3x!quant.uniform<u8:f32, 5.000000e-01:3>>) -> tensor<1x4x4x3x!quant.uniform<u8:f32, 5.000000e-01:3>>
func.func @max_pool_codes(%x: tensor<1x8x8x3x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x4x4x3x!quant.uniform<u8:f32, 0.5:3>> {
  %y = dfq.max_pool2d %x {channels_last, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x3x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x4x4x3x!quant.uniform<u8:f32, 0.5:3>>
  return %y : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.5:3>>
}

// CHECK-LABEL: func.func @qgemm
// CHECK: dfq.qconstant dense_resource<fc_w> : tensor<10x16xi8> : tensor<10x16x!quant.uniform<i2:f32, 5.000000e-01>>
// CHECK: dfq.qgemm %{{.*}}, %{{.*}} {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<2x16x!quant.uniform<i3:f32, 2.000000e+00:-1>>, tensor<10x16x!quant.uniform<i2:f32, 5.000000e-01>>) -> tensor<2x10x!quant.uniform<i8:f32, 2.000000e+00>>
func.func @qgemm(%x: tensor<2x16x!quant.uniform<i3:f32, 2.0:-1>>) -> tensor<2x10x!quant.uniform<i8:f32, 2.0>> {
  %w = dfq.qconstant dense_resource<fc_w> : tensor<10x16xi8> : tensor<10x16x!quant.uniform<i2:f32, 0.5>>
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<2x16x!quant.uniform<i3:f32, 2.0:-1>>, tensor<10x16x!quant.uniform<i2:f32, 0.5>>) -> tensor<2x10x!quant.uniform<i8:f32, 2.0>>
  return %y : tensor<2x10x!quant.uniform<i8:f32, 2.0>>
}

{-#
  dialect_resources: {
    builtin: {
      conv_w: "0x040000000000803F00000040"
    }
  }
#-}

// A dynamic number of output features is fine for float ops.
// CHECK-LABEL: func.func @gemm_dynamic_features
// CHECK: dfq.gemm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x8xf32>, tensor<?x8xf32>, tensor<4xf32>) -> tensor<2x?xf32>
func.func @gemm_dynamic_features(%x: tensor<2x8xf32>, %w: tensor<?x8xf32>, %b: tensor<4xf32>) -> tensor<2x?xf32> {
  %y = dfq.gemm %x, %w, %b : (tensor<2x8xf32>, tensor<?x8xf32>, tensor<4xf32>) -> tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}

// 0.5 / (4 * 0.25) = 2^30 * 2^-31; 0.05 / (49 * 0.02) = 1753047876 * 2^-35.
// The views of pooled codes keep their type.
// CHECK-LABEL: func.func @qavg_pool_codes
// CHECK: dfq.qavg_pool2d %{{.*}} {kernel_shape = array<i64: 2, 2>, multiplier = 1073741824 : i32, shift = 31 : i32, strides = array<i64: 2, 2>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 5.000000e-01:3>>) -> tensor<1x3x4x4x!quant.uniform<u8:f32, 2.500000e-01:1>>
// CHECK: %[[G:.*]] = dfq.qavg_pool2d %{{.*}} {channels_last, kernel_shape = array<i64: 7, 7>, multiplier = 1753047876 : i32, shift = 35 : i32} : (tensor<1x7x7x16x!quant.uniform<i8:f32, 5.000000e-02:-2>>) -> tensor<1x1x1x16x!quant.uniform<i8:f32, 2.000000e-02:-1>>
// CHECK: dfq.flatten %[[G]] : (tensor<1x1x1x16x!quant.uniform<i8:f32, 2.000000e-02:-1>>) -> tensor<1x16x!quant.uniform<i8:f32, 2.000000e-02:-1>>
// CHECK: dfq.reshape %{{.*}} : (tensor<1x1x1x16x!quant.uniform<i8:f32, 2.000000e-02:-1>>) -> tensor<1x4x4x!quant.uniform<i8:f32, 2.000000e-02:-1>>
// GENERIC-LABEL: sym_name = "qavg_pool_codes"
// GENERIC: "dfq.qavg_pool2d"(%{{.*}}) <{kernel_shape = array<i64: 2, 2>, multiplier = 1073741824 : i32
func.func @qavg_pool_codes(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %y: tensor<1x7x7x16x!quant.uniform<i8:f32, 0.05:-2>>) -> (tensor<1x3x4x4x!quant.uniform<u8:f32, 0.25:1>>, tensor<1x16x!quant.uniform<i8:f32, 0.02:-1>>, tensor<1x4x4x!quant.uniform<i8:f32, 0.02:-1>>) {
  %a = dfq.qavg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, multiplier = 1073741824 : i32, shift = 31 : i32} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x3x4x4x!quant.uniform<u8:f32, 0.25:1>>
  %g = dfq.qavg_pool2d %y {channels_last, kernel_shape = array<i64: 7, 7>, multiplier = 1753047876 : i32, shift = 35 : i32} : (tensor<1x7x7x16x!quant.uniform<i8:f32, 0.05:-2>>) -> tensor<1x1x1x16x!quant.uniform<i8:f32, 0.02:-1>>
  %f = dfq.flatten %g : (tensor<1x1x1x16x!quant.uniform<i8:f32, 0.02:-1>>) -> tensor<1x16x!quant.uniform<i8:f32, 0.02:-1>>
  %r = dfq.reshape %g : (tensor<1x1x1x16x!quant.uniform<i8:f32, 0.02:-1>>) -> tensor<1x4x4x!quant.uniform<i8:f32, 0.02:-1>>
  return %a, %f, %r : tensor<1x3x4x4x!quant.uniform<u8:f32, 0.25:1>>, tensor<1x16x!quant.uniform<i8:f32, 0.02:-1>>, tensor<1x4x4x!quant.uniform<i8:f32, 0.02:-1>>
}

// CHECK-LABEL: func.func @activations
// CHECK: dfq.sigmoid %{{.*}} : tensor<2x3xf32>
// CHECK: dfq.tanh %{{.*}} : tensor<2x3xf32>
// CHECK: dfq.erf %{{.*}} : tensor<2x3xf32>
// CHECK: dfq.sqrt %{{.*}} : tensor<2x3xf32>
// (Attributes at their defaults are not printed.)
// CHECK: dfq.hard_sigmoid %{{.*}} {alpha = 0.166666672 : f32} : tensor<2x3xf32>
// CHECK: dfq.hard_sigmoid %{{.*}} : tensor<2x3xf32>
// CHECK: dfq.hard_swish %{{.*}} : tensor<2x3xf32>
// CHECK: dfq.sub %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: dfq.div %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
func.func @activations(%x: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = dfq.sigmoid %x : tensor<2x3xf32>
  %1 = dfq.tanh %x : tensor<2x3xf32>
  %e = dfq.erf %x : tensor<2x3xf32>
  %q = dfq.sqrt %e : tensor<2x3xf32>
  %2 = dfq.hard_sigmoid %x {alpha = 0.166666672 : f32, beta = 0.5 : f32} : tensor<2x3xf32>
  %3 = dfq.hard_sigmoid %x : tensor<2x3xf32>
  %4 = dfq.hard_swish %x : tensor<2x3xf32>
  %5 = dfq.sub %x, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %6 = dfq.div %x, %c : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @slices
// CHECK: dfq.slice %{{.*}} {starts = array<i64: 0, 58, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : (tensor<?x116x28x28xf32>) -> tensor<?x58x28x28xf32>
// CHECK: dfq.slice %{{.*}} {starts = array<i64: 1, 5>, steps = array<i64: 2, -3>} : (tensor<4x6xf32>) -> tensor<2x2xf32>
// GENERIC-LABEL: sym_name = "slices"
// GENERIC: "dfq.slice"(%{{.*}}) <{starts = array<i64: 0, 58, 0, 0>, steps = array<i64: 1, 1, 1, 1>}>
func.func @slices(%x: tensor<?x116x28x28xf32>, %y: tensor<4x6xf32>) -> (tensor<?x58x28x28xf32>, tensor<2x2xf32>) {
  %0 = dfq.slice %x {starts = array<i64: 0, 58, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : (tensor<?x116x28x28xf32>) -> tensor<?x58x28x28xf32>
  %1 = dfq.slice %y {starts = array<i64: 1, 5>, steps = array<i64: 2, -3>} : (tensor<4x6xf32>) -> tensor<2x2xf32>
  return %0, %1 : tensor<?x58x28x28xf32>, tensor<2x2xf32>
}

// CHECK-LABEL: func.func @normalizations
// CHECK: dfq.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.9999999999999995E-7 : f64} : (tensor<?x7x7x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x7x7x16xf32>
// CHECK: dfq.layer_norm %{{.*}}, %{{.*}} {axis = -2 : i64} : (tensor<?x7x16xf32>, tensor<7x16xf32>) -> tensor<?x7x16xf32>
// CHECK: dfq.reduce_mean %{{.*}} {axes = array<i64: 1, 2>, keepdims = false} : (tensor<?x7x16xf32>) -> tensor<?xf32>
// CHECK: dfq.reduce_mean %{{.*}} {axes = array<i64: -1>} : (tensor<?x7x16xf32>) -> tensor<?x7x1xf32>
func.func @normalizations(%x: tensor<?x7x7x16xf32>, %s: tensor<16xf32>, %b: tensor<16xf32>, %t: tensor<?x7x16xf32>, %s2: tensor<7x16xf32>) -> (tensor<?x7x7x16xf32>, tensor<?x7x16xf32>, tensor<?xf32>, tensor<?x7x1xf32>) {
  %0 = dfq.layer_norm %x, %s, %b {epsilon = 1.0e-6 : f64} : (tensor<?x7x7x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x7x7x16xf32>
  %1 = dfq.layer_norm %t, %s2 {axis = -2 : i64} : (tensor<?x7x16xf32>, tensor<7x16xf32>) -> tensor<?x7x16xf32>
  %2 = dfq.reduce_mean %t {axes = array<i64: 1, 2>, keepdims = false} : (tensor<?x7x16xf32>) -> tensor<?xf32>
  %3 = dfq.reduce_mean %t {axes = array<i64: -1>} : (tensor<?x7x16xf32>) -> tensor<?x7x1xf32>
  return %0, %1, %2, %3 : tensor<?x7x7x16xf32>, tensor<?x7x16xf32>, tensor<?xf32>, tensor<?x7x1xf32>
}

// CHECK-LABEL: func.func @gemm_over_rows
// CHECK: dfq.gemm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x7x7x16xf32>, tensor<64x16xf32>, tensor<64xf32>) -> tensor<?x7x7x64xf32>
func.func @gemm_over_rows(%x: tensor<?x7x7x16xf32>, %w: tensor<64x16xf32>, %b: tensor<64xf32>) -> tensor<?x7x7x64xf32> {
  %0 = dfq.gemm %x, %w, %b : (tensor<?x7x7x16xf32>, tensor<64x16xf32>, tensor<64xf32>) -> tensor<?x7x7x64xf32>
  return %0 : tensor<?x7x7x64xf32>
}

// CHECK-LABEL: func.func @pads
// CHECK: dfq.pad %{{.*}} {mode = "reflect", pads = array<i64: 0, 0, 2, 1, 0, 0, 1, 2>} : (tensor<?x8x14x14xf32>) -> tensor<?x8x17x17xf32>
// CHECK: dfq.pad %{{.*}} {pads = array<i64: 0, 1, 0, 2>, value = -1.500000e+00 : f64} : (tensor<?x3xf32>) -> tensor<?x6xf32>
func.func @pads(%x: tensor<?x8x14x14xf32>, %y: tensor<?x3xf32>) -> (tensor<?x8x17x17xf32>, tensor<?x6xf32>) {
  %0 = dfq.pad %x {mode = "reflect", pads = array<i64: 0, 0, 2, 1, 0, 0, 1, 2>} : (tensor<?x8x14x14xf32>) -> tensor<?x8x17x17xf32>
  %1 = dfq.pad %y {pads = array<i64: 0, 1, 0, 2>, value = -1.5 : f64} : (tensor<?x3xf32>) -> tensor<?x6xf32>
  return %0, %1 : tensor<?x8x17x17xf32>, tensor<?x6xf32>
}

// CHECK-LABEL: func.func @resizes
// CHECK: dfq.resize %{{.*}} {coordinate_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f64: 2.000000e+00, 2.000000e+00>} : (tensor<?x8x7x7xf32>) -> tensor<?x8x14x14xf32>
// CHECK: dfq.resize %{{.*}} {coordinate_mode = "half_pixel", mode = "linear", scales = array<f64: 5.000000e-01, 1.500000e+00>} : (tensor<?x8x8x8xf32>) -> tensor<?x8x4x12xf32>
// CHECK: dfq.resize %{{.*}} {coordinate_mode = "align_corners", cubic_coeff_a = -5.000000e-01 : f64, exclude_outside = true, mode = "cubic", scales = array<f64: 2.000000e+00, 2.000000e+00>} : (tensor<?x8x7x7xf32>) -> tensor<?x8x14x14xf32>
func.func @resizes(%x: tensor<?x8x7x7xf32>, %y: tensor<?x8x8x8xf32>) -> (tensor<?x8x14x14xf32>, tensor<?x8x4x12xf32>, tensor<?x8x14x14xf32>) {
  %0 = dfq.resize %x {coordinate_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f64: 2.0, 2.0>} : (tensor<?x8x7x7xf32>) -> tensor<?x8x14x14xf32>
  %1 = dfq.resize %y {coordinate_mode = "half_pixel", mode = "linear", scales = array<f64: 0.5, 1.5>} : (tensor<?x8x8x8xf32>) -> tensor<?x8x4x12xf32>
  %2 = dfq.resize %x {coordinate_mode = "align_corners", mode = "cubic", cubic_coeff_a = -0.5 : f64, exclude_outside = true, scales = array<f64: 2.0, 2.0>} : (tensor<?x8x7x7xf32>) -> tensor<?x8x14x14xf32>
  return %0, %1, %2 : tensor<?x8x14x14xf32>, tensor<?x8x4x12xf32>, tensor<?x8x14x14xf32>
}

// CHECK-LABEL: func.func @transposed_convolution
// CHECK: dfq.conv_transpose2d %{{.*}}, %{{.*}}, %{{.*}} {output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x8x7x7xf32>, tensor<8x12x3x3xf32>, tensor<12xf32>) -> tensor<?x12x14x14xf32>
func.func @transposed_convolution(%x: tensor<?x8x7x7xf32>, %w: tensor<8x12x3x3xf32>, %b: tensor<12xf32>) -> tensor<?x12x14x14xf32> {
  %0 = dfq.conv_transpose2d %x, %w, %b {output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x8x7x7xf32>, tensor<8x12x3x3xf32>, tensor<12xf32>) -> tensor<?x12x14x14xf32>
  return %0 : tensor<?x12x14x14xf32>
}

// CHECK-LABEL: func.func @more_activations
// CHECK: dfq.abs %{{.*}} : tensor<2x3xf32>
// CHECK: dfq.exp
// CHECK: dfq.log
// CHECK: dfq.softplus
// CHECK: dfq.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f32} : tensor<2x3xf32>
// CHECK: dfq.elu %{{.*}} : tensor<2x3xf32>
// CHECK: dfq.pow %{{.*}} {exponent = 7.500000e-01 : f32} : tensor<2x3xf32>
func.func @more_activations(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = dfq.abs %x : tensor<2x3xf32>
  %1 = dfq.exp %0 : tensor<2x3xf32>
  %2 = dfq.log %1 : tensor<2x3xf32>
  %3 = dfq.softplus %2 : tensor<2x3xf32>
  %4 = dfq.leaky_relu %3 {alpha = 0.1 : f32} : tensor<2x3xf32>
  %5 = dfq.elu %4 : tensor<2x3xf32>
  %6 = dfq.pow %5 {exponent = 0.75 : f32} : tensor<2x3xf32>
  return %6 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @binary_math
// CHECK: dfq.max %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
// CHECK: dfq.min
// CHECK: dfq.prelu %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @binary_math(%x: tensor<2x3xf32>, %c: tensor<f32>, %s: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = dfq.max %x, %c : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %1 = dfq.min %0, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = dfq.prelu %1, %s : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @reductions
// CHECK: dfq.reduce_sum %{{.*}} {axes = array<i64: 1>, keepdims = false} : (tensor<?x7x16xf32>) -> tensor<?x16xf32>
// CHECK: dfq.reduce_max %{{.*}} {axes = array<i64: -1>} : (tensor<?x7x16xf32>) -> tensor<?x7x1xf32>
func.func @reductions(%t: tensor<?x7x16xf32>) -> (tensor<?x16xf32>, tensor<?x7x1xf32>) {
  %0 = dfq.reduce_sum %t {axes = array<i64: 1>, keepdims = false} : (tensor<?x7x16xf32>) -> tensor<?x16xf32>
  %1 = dfq.reduce_max %t {axes = array<i64: -1>} : (tensor<?x7x16xf32>) -> tensor<?x7x1xf32>
  return %0, %1 : tensor<?x16xf32>, tensor<?x7x1xf32>
}
