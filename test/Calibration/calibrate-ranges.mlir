// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.array([[[[-1.0, 2.0], [3.0, -4.0]]], [[[0.5, 0.25], [-0.5, 1.5]]]], dtype=np.float32))"
// RUN: dfq-opt %s --dfq-calibrate-ranges="data=%t/x.npy batch=1" | FileCheck %s --check-prefix=MINMAX
// RUN: dfq-opt %s --dfq-calibrate-ranges="data=%t/x.npy observer=percentile percentile=90" | FileCheck %s --check-prefix=PERCENTILE
// RUN: dfq-opt %s --dfq-calibrate-ranges="data=%t/x.npy observer=mse bits=2" | FileCheck %s --check-prefix=MSE
// Synthetic images stored by dfq-synthesize are the default source.
// RUN: dfq-opt %S/synthesize.mlir --dfq-synthesize="method=zeroq samples=2 iterations=2" --dfq-calibrate-ranges 2>/dev/null | FileCheck %s --check-prefix=SYNTHETIC

// MINMAX: module attributes {dfq.range_observer = "minmax", dfq.range_source = "real"}
// MINMAX: func.func @main(%{{.*}}: tensor<?x1x2x2xf32> {dfq.range = array<f64: -4.000000e+00, 3.000000e+00>})
// MINMAX: dfq.relu %{{.*}} {dfq.range = array<f64: 0.000000e+00, 3.000000e+00>}
// MINMAX: dfq.mul %{{.*}} {dfq.range = array<f64: -8.000000e+00, 6.000000e+00>}

// The 10th and 90th percentiles of the 8 inputs, interpolated.
// PERCENTILE: {dfq.range = array<f64: -1.90{{0*[0-9]?}}, 2.300000e+00>}

// MSE picks a range at most as wide as min/max.
// MSE: module attributes {dfq.range_observer = "mse", dfq.range_source = "real"}
// MSE: func.func @main(%{{.*}} {dfq.range = array<f64: -3.640000e+00, 2.730000e+00>})

// SYNTHETIC: module attributes {dfq.calibration_data = dense_resource<dfq_calibration_zeroq> : tensor<2x1x6x6xf32>, dfq.calibration_source = "zeroq", dfq.range_observer = "minmax", dfq.range_source = "zeroq"}
// SYNTHETIC: dfq.conv2d {{.*}}dfq.range = array<f64:
// SYNTHETIC: dfq.gemm {{.*}}dfq.range = array<f64:

func.func @main(%x: tensor<?x1x2x2xf32>) -> tensor<?x1x2x2xf32> {
  %0 = dfq.relu %x : tensor<?x1x2x2xf32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %1 = dfq.mul %x, %two : (tensor<?x1x2x2xf32>, tensor<f32>) -> tensor<?x1x2x2xf32>
  %2 = dfq.add %0, %1 : (tensor<?x1x2x2xf32>, tensor<?x1x2x2xf32>) -> tensor<?x1x2x2xf32>
  return %2 : tensor<?x1x2x2xf32>
}
