// ReduceMean over the spatial axes of NCHW (MNASNet's pooling, and how
// converters write global average pooling) imports as dfq.global_avg_pool,
// reshaped to [N, C] without keepdims; other reductions are errors
// (import-errors.mlir).
// RUN: %python %S/onnx_gen.py reduce_mean %t.onnx
// RUN: dfq-translate --import-onnx %t.onnx | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[KEEP:.*]] = dfq.global_avg_pool %arg0 : (tensor<?x3x5x7xf32>) -> tensor<?x3x1x1xf32>
// CHECK: %[[POOL:.*]] = dfq.global_avg_pool %arg0 : (tensor<?x3x5x7xf32>) -> tensor<?x3x1x1xf32>
// CHECK: %[[FLAT:.*]] = dfq.reshape %[[POOL]] : (tensor<?x3x1x1xf32>) -> tensor<?x3xf32>
// CHECK: return %[[KEEP]], %[[FLAT]]
