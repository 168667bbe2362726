// The bundled example block: every BatchNorm folds, including BatchNorm1d
// after the classifier, and the graph keeps its structure.
// RUN: dfq-opt %S/../../models/examples/resnet_block.mlir --dfq-fold-bn -mlir-elide-resource-strings-if-larger=16 | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-NOT: dfq.batch_norm
// CHECK: dfq.conv2d %arg0, %{{.*}}, %{{.*}} {dfq.bn_output = {mean = array<f64: {{.*}}>, std = array<f64: {{.*}}>}, pads = array<i64: 1, 1, 1, 1>}
// CHECK-NEXT: dfq.relu
// CHECK-DAG: arith.constant dense_resource<b1_w1_bn_folded> : tensor<8x8x3x3xf32>
// CHECK-DAG: arith.constant dense_resource<b1_w1_bn_folded_bias> : tensor<8xf32>
// CHECK: dfq.conv2d
// CHECK: dfq.conv2d
// CHECK: dfq.add
// CHECK: dfq.global_avg_pool
// CHECK: arith.constant dense_resource<fc_b_bn_folded> : tensor<10xf32>
// CHECK: dfq.gemm
// CHECK-NOT: dfq.batch_norm
// CHECK: dfq.softmax
