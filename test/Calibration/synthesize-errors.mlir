// RUN: not dfq-opt %s --split-input-file --dfq-synthesize="method=zeroq samples=2 iterations=2" 2>&1 | FileCheck %s
// RUN: not dfq-opt %s --split-input-file --dfq-synthesize="method=gdfq" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not dfq-opt %s --split-input-file --dfq-synthesize="samples=0" 2>&1 | FileCheck %s --check-prefix=SAMPLES

// METHOD: error: dfq-synthesize: unknown method 'gdfq' (expected zeroq, dsg or gaussian)
// SAMPLES: error: dfq-synthesize: invalid options: samples must be positive

// A network without BatchNorm has no statistics to match.
// CHECK: error: dfq-synthesize: ZeroQ/DSG need BatchNorm statistics; the model has none
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<0.5> : tensor<2x4xf32>
  %0 = dfq.gemm %x, %w : (tensor<?x4xf32>, tensor<2x4xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

// Quantized IR is not a float network.
// CHECK: error: 'dfq.quantize' is not supported by the calibration engine (float dfq graphs only)
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4x!quant.uniform<u8:f32, 0.5:3>> {
  %0 = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<?x4xf32> -> tensor<?x4x!quant.uniform<u8:f32, 0.5:3>>
  return %0 : tensor<?x4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// Two inputs: the engine feeds one.
// CHECK: error: calibration needs a function with one input, got 2
func.func @main(%x: tensor<?x4xf32>, %y: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = dfq.add %x, %y : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
