// A small CNN with every layer kind of the zoo: names become locations,
// initializers become named dense_resource constants, the symbolic batch
// stays dynamic, and ONNX attributes map onto dfq attributes.
// RUN: %python %S/onnx_gen.py conv_bn_net %t.onnx
// RUN: dfq-translate --import-onnx %t.onnx --mlir-print-debuginfo | FileCheck %s
// The output parses back and verifies.
// RUN: dfq-translate --import-onnx %t.onnx | dfq-opt | FileCheck %s --check-prefix=ROUNDTRIP

// CHECK: #[[FILE:loc[0-9]*]] = loc("{{.*}}.onnx":0:0)
// CHECK: module attributes {dfq.onnx_opset = 13 : i64, dfq.onnx_producer = "onnx_gen", dfq.source = "{{.*}}.onnx"}
// CHECK: func.func @main(%[[X:.*]]: tensor<?x1x8x8xf32> {dfq.name = "x"} loc("x"(#[[FILE]]))) -> (tensor<?x10xf32> {dfq.name = "probs"})
// CHECK-DAG: %[[C1W:.*]] = arith.constant dense_resource<c1.w> : tensor<4x1x3x3xf32>
// CHECK-DAG: %[[C1B:.*]] = arith.constant dense_resource<c1.b> : tensor<4xf32>
// CHECK-DAG: %[[FCW:.*]] = arith.constant dense_resource<fc.w> : tensor<10x8xf32>
// CHECK: %[[C1:.*]] = dfq.conv2d %[[X]], %[[C1W]], %[[C1B]] {pads = array<i64: 1, 1, 1, 1>} : {{.*}} -> tensor<?x4x8x8xf32> loc(#[[CONV1:loc[0-9]*]])
// CHECK: dfq.batch_norm %[[C1]], {{.*}} {epsilon = 0.0010000000474974513 : f64} {{.*}} loc(#[[BN1:loc[0-9]*]])
// CHECK: dfq.relu
// CHECK: dfq.max_pool2d %{{.*}} {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>) -> tensor<?x4x4x4xf32>
// CHECK: dfq.conv2d %{{.*}} {groups = 2 : i64, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>} : {{.*}} -> tensor<?x8x2x2xf32>
// CHECK: dfq.batch_norm
// The Constant node's value becomes Clip's bound; the omitted min is -inf.
// CHECK: dfq.clip %{{.*}} {max = 6.000000e+00 : f64, min = 0xFFF0000000000000 : f64}
// CHECK: dfq.global_avg_pool %{{.*}} -> tensor<?x8x1x1xf32>
// CHECK: dfq.flatten %{{.*}} -> tensor<?x8xf32>
// CHECK: dfq.gemm %{{.*}}, %[[FCW]], %{{.*}} : (tensor<?x8xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<?x10xf32>
// CHECK: dfq.softmax %{{.*}} : tensor<?x10xf32>
// CHECK-DAG: #[[CONV1]] = loc("conv1"(#[[FILE]]))
// CHECK-DAG: #[[BN1]] = loc("bn1"(#[[FILE]]))
// CHECK: dialect_resources
// CHECK: c1.w: "0x04000000

// ROUNDTRIP: func.func @main
// ROUNDTRIP: dfq.softmax
