// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.array([[[[-1.0, 2.0], [3.0, -4.0]]], [[[0.5, 0.25], [-0.5, 1.5]]]], dtype=np.float32))"
// RUN: dfq-opt %s --dfq-calibrate-ranges="data=%t/x.npy observer=mse bits=2" | FileCheck %s
// RUN: dfq-opt %s --dfq-calibrate-ranges="data=%t/x.npy observer=mse bits=2" --dfq-quantize="abits=2 wbits=2 first-last-bits=0" | FileCheck %s --check-prefix=SCALE

// Under a power-of-two target the MSE observer chooses among powers of two.
// The input's min-max range [-4, 3] at 2 bits has scale 7/3, which rounds up
// to 4; the L2.4 errors of the 8 values at 4, 2, 1, 0.5, 0.25 are 10.3,
// 2.60, 23.3, 31.1 and 39.1, so the range becomes [-4, 3] * (2 / (7/3))
// (a hair less), whose scale dfq-quantize rounds to exactly 2.
// CHECK: func.func @main(%{{.*}} {dfq.range = array<f64: -3.42857{{[0-9]*}}, 2.571428{{[0-9]*}}>})
// SCALE: dfq.quantize %{{.*}} {params = #dfq.qparams<u2, asymmetric, scales = [2.000000e+00], zero_points = [2]

module attributes {dfq.target = #dfq.target<"pow2", backend = c, layers = [#dfq.layer<conv2d, weight_bits = [2], act_bits = [2]>], scales = pow2>} {
func.func @main(%x: tensor<?x1x2x2xf32>) -> tensor<?x1x2x2xf32> {
  %w = arith.constant dense<[[[[0.5]]]]> : tensor<1x1x1x1xf32>
  %0 = dfq.conv2d %x, %w : (tensor<?x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<?x1x2x2xf32>
  return %0 : tensor<?x1x2x2xf32>
}
}
