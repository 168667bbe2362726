// RUN: dfq-opt %s --split-input-file --dfq-quantize="wbits=4 abits=4 first-last-bits=0" | FileCheck %s
// RUN: dfq-opt %s --split-input-file --dfq-quantize="wbits=4 abits=4" | FileCheck %s --check-prefix=EDGES
// RUN: dfq-opt %s --split-input-file --dfq-quantize="wbits=4 abits=4 first-last-bits=0 per-channel=false" | FileCheck %s --check-prefix=TENSOR
// RUN: dfq-opt %s --split-input-file --dfq-quantize="quantize-output=true" | FileCheck %s --check-prefix=OUTPUT
// RUN: dfq-opt %s --split-input-file --dfq-quantize="wbits=4 abits=4 first-last-bits=0 symmetric=false" | FileCheck %s --check-prefix=ASYM

// CHECK-LABEL: func.func @conv_relu_gemm
// Input [-1, 3] at 4 bits: scale 4/15, zero point round(3.75) = 4.
// CHECK: %[[X:.*]] = dfq.quantize %{{.*}} {params = #dfq.qparams<u4, asymmetric, scales = [0.26666666666666666], zero_points = [4], range = [-1.000000e+00, 3.000000e+00]>} : tensor<?x1x4x4xf32> -> tensor<?x1x4x4x!quant.uniform<u4:f32, 0.26666666666666666:4>>
// Weights per channel, symmetric: 0.5 -> 7 at 0.5/7, -0.25 -> -7 at 0.25/7.
// CHECK: %[[W:.*]] = dfq.qconstant dense<{{\[\[\[\[}}7]]], {{\[\[\[}}-7]]]]> : tensor<2x1x1x1xi8> {params = #dfq.qparams<i4, symmetric, axis = 0, scales = [0.071428571428571425, 0.035714285714285712], zero_points = [0, 0], source = weights, observer = minmax>} : tensor<2x1x1x1x!quant.uniform<i4:f32:0, {0.071428571428571425,0.035714285714285712}>>
// Bias at scale_x * scale_w: 0.1 / 0.019047... = 5.25 -> 5, -0.2 / 0.0095238 = -21.
// CHECK: %[[B:.*]] = arith.constant dense<[5, -21]> : tensor<2xi32>
// The ReLU is fused: the output range is its range [0, 1.5], scale 0.1.
// CHECK: %[[C:.*]] = dfq.qconv2d %[[X]], %[[W]], %[[B]] {{.*}}multiplier = array<i32: {{[0-9]+}}, {{[0-9]+}}>, {{.*}}shift = array<i32: {{[0-9]+}}, {{[0-9]+}}>} : {{.*}} -> tensor<?x2x4x4x!quant.uniform<u4:f32, 1.000000e-01>>
// CHECK-NOT: dfq.relu
// CHECK: %[[CF:.*]] = dfq.dequantize %[[C]]
// CHECK: dfq.global_avg_pool %[[CF]]
// The layer that computes the network output keeps a float output: it runs
// as a float gemm on its quantized input and weights.
// CHECK: %[[GX:.*]] = dfq.quantize
// CHECK: %[[GW:.*]] = dfq.qconstant
// CHECK: %[[GXF:.*]] = dfq.dequantize %[[GX]]
// CHECK: %[[GWF:.*]] = dfq.dequantize %[[GW]]
// CHECK: %[[Y:.*]] = dfq.gemm %[[GXF]], %[[GWF]]
// CHECK: return %[[Y]]
// The float weights are gone.
// CHECK-NOT: arith.constant dense<{{\[\[\[\[}}5.0

// Asymmetric 4-bit weights per channel: [0, 0.5] gives scale 0.5/15 and
// zero point -8 (0.5 -> 7); [-0.25, 0] gives 0.25/15 and 7 (-0.25 -> -8).
// ASYM-LABEL: func.func @conv_relu_gemm
// ASYM: dfq.qconstant dense<{{\[\[\[\[}}7]]], {{\[\[\[}}-8]]]]> : tensor<2x1x1x1xi8> {params = #dfq.qparams<i4, asymmetric, axis = 0, scales = [0.033333333333333333, 0.016666666666666666], zero_points = [-8, 7]
// ASYM: dfq.qconv2d

// OUTPUT-LABEL: func.func @conv_relu_gemm
// OUTPUT: dfq.qgemm {{.*}} -> tensor<?x2x!quant.uniform<u8:f32,
// OUTPUT: return

// With first-last-bits=8 (the default) both layers here are edges.
// EDGES-LABEL: func.func @conv_relu_gemm
// EDGES: dfq.quantize {{.*}} -> tensor<?x1x4x4x!quant.uniform<u8:f32,
// EDGES: dfq.qconstant {{.*}} : tensor<2x1x1x1x!quant.uniform<i8:f32:0,

// -0.25 / (0.5 / 7) is -3.4999998 in f32 (the normative quantize divides in
// f32), so it rounds to -3.
// TENSOR-LABEL: func.func @conv_relu_gemm
// TENSOR: dfq.qconstant dense<{{\[\[\[\[}}7]]], {{\[\[\[}}-3]]]]> : tensor<2x1x1x1xi8> {params = #dfq.qparams<i4, symmetric, scales = [0.071428571428571425]
func.func @conv_relu_gemm(%x: tensor<?x1x4x4xf32> {dfq.range = array<f64: -1.0, 3.0>}) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[[[0.5]]], [[[-0.25]]]]> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %0 = dfq.conv2d %x, %w, %b {dfq.range = array<f64: -1.0, 2.0>} : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<?x2x4x4xf32>
  %1 = dfq.relu %0 {dfq.range = array<f64: 0.0, 1.5>} : tensor<?x2x4x4xf32>
  %2 = dfq.global_avg_pool %1 {dfq.range = array<f64: 0.0, 1.5>} : (tensor<?x2x4x4xf32>) -> tensor<?x2x1x1xf32>
  %3 = dfq.flatten %2 {dfq.range = array<f64: 0.0, 1.5>} : (tensor<?x2x1x1xf32>) -> tensor<?x2xf32>
  %fc = arith.constant dense<[[1.0, -1.0], [0.5, 0.25]]> : tensor<2x2xf32>
  %4 = dfq.gemm %3, %fc {dfq.range = array<f64: -2.0, 2.0>} : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  return %4 : tensor<?x2xf32>
}

// -----

// Two convolutions in a row exchange integers: no dequantize/quantize pair
// between them when the parameters agree.
// CHECK-LABEL: func.func @chain
// CHECK: %[[A:.*]] = dfq.qconv2d
// CHECK-NEXT: dfq.dequantize %[[A]]
// CHECK-NEXT: dfq.qconstant
// CHECK-NEXT: dfq.qconv2d %[[A]],
func.func @chain(%x: tensor<1x1x2x2xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense<[[[[0.5]]]]> : tensor<1x1x1x1xf32>
  %0 = dfq.conv2d %x, %w {dfq.range = array<f64: 0.0, 0.5>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %1 = dfq.conv2d %0, %w {dfq.range = array<f64: 0.0, 0.25>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %2 = dfq.conv2d %1, %w {dfq.range = array<f64: 0.0, 0.125>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %2 : tensor<1x1x2x2xf32>
}
