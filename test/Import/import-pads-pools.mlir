// auto_pad resolves to explicit pads (SAME_UPPER puts the odd pad at the end,
// SAME_LOWER at the start); pooling attributes carry over.
// RUN: %python %S/onnx_gen.py pads_and_pools %t.onnx
// RUN: dfq-translate --import-onnx %t.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK: dfq.conv2d %{{.*}} {pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>} : {{.*}} -> tensor<1x2x4x4xf32>
// CHECK: dfq.conv2d %{{.*}} {pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>} : {{.*}} -> tensor<1x2x4x4xf32>
// CHECK: dfq.conv2d %{{.*}} : {{.*}} -> tensor<1x2x6x6xf32>
// CHECK: dfq.max_pool2d %{{.*}} {ceil_mode = true, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x3x3xf32>
// CHECK: dfq.avg_pool2d %{{.*}} {count_include_pad = true, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x7x7xf32>
