// Reductions: ReduceMean over the spatial axes of NCHW (MNASNet's pooling,
// and how converters write global average pooling) imports as
// dfq.global_avg_pool, reshaped to [N, C] without keepdims; over any other
// axes as dfq.reduce_mean. ReduceSum (axes as an input since opset 13),
// ReduceMax and GlobalMaxPool import as dfq.reduce_sum and dfq.reduce_max.
// RUN: %python %S/onnx_gen.py reduce_mean %t.onnx
// RUN: dfq-translate --import-onnx %t.onnx | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[KEEP:.*]] = dfq.global_avg_pool %arg0 : (tensor<?x3x5x7xf32>) -> tensor<?x3x1x1xf32>
// CHECK: %[[POOL:.*]] = dfq.global_avg_pool %arg0 : (tensor<?x3x5x7xf32>) -> tensor<?x3x1x1xf32>
// CHECK: %[[FLAT:.*]] = dfq.reshape %[[POOL]] : (tensor<?x3x1x1xf32>) -> tensor<?x3xf32>
// CHECK: %[[CHANNELS:.*]] = dfq.reduce_mean %arg0 {axes = array<i64: 1>} : (tensor<?x3x5x7xf32>) -> tensor<?x1x5x7xf32>
// CHECK: %[[SUM:.*]] = dfq.reduce_sum %arg0 {axes = array<i64: 2, 3>, keepdims = false} : (tensor<?x3x5x7xf32>) -> tensor<?x3xf32>
// CHECK: %[[MAX:.*]] = dfq.reduce_max %arg0 {axes = array<i64: 3>} : (tensor<?x3x5x7xf32>) -> tensor<?x3x5x1xf32>
// CHECK: %[[GMAX:.*]] = dfq.reduce_max %arg0 {axes = array<i64: 2, 3>} : (tensor<?x3x5x7xf32>) -> tensor<?x3x1x1xf32>
// CHECK: return %[[KEEP]], %[[FLAT]], %[[CHANNELS]], %[[SUM]], %[[MAX]], %[[GMAX]]
