// RUN: not dfq-opt %s --dfq-quantize="wbits=2 first-last-bits=0" 2>&1 | FileCheck %s --check-prefix=WBITS
// RUN: not dfq-opt %s --dfq-quantize="abits=4 first-last-bits=0" 2>&1 | FileCheck %s --check-prefix=ABITS
// RUN: not dfq-opt %s --dfq-quantize="first-last-bits=4" 2>&1 | FileCheck %s --check-prefix=EDGE
// RUN: not dfq-opt %s --dfq-quantize="per-channel=true" 2>&1 | FileCheck %s --check-prefix=CHANNEL
// RUN: not dfq-opt %s --dfq-quantize="symmetric=false" 2>&1 | FileCheck %s --check-prefix=SYM
// RUN: dfq-opt %s --dfq-quantize="wbits=8 per-channel=false symmetric=true" | FileCheck %s --check-prefix=OK

// Options the target contradicts are errors, not silently overridden; the
// same options given in agreement with it are fine.

// WBITS: quantize-target-options.mlir:[[@LINE+10]]:8: error: dfq-quantize: target 'npu8' runs gemm layers with weight bits [8]; wbits=2 cannot be honoured
// ABITS: quantize-target-options.mlir:[[@LINE+9]]:8: error: dfq-quantize: target 'npu8' runs gemm layers with activation bits [8]; abits=4 cannot be honoured
// EDGE: error: dfq-quantize: target 'npu8' runs gemm layers with weight bits [8]; first-last-bits=4 cannot be honoured
// CHANNEL: error: dfq-quantize: target 'npu8' takes one weight scale per layer; per-channel=true cannot be honoured
// SYM: error: dfq-quantize: target 'npu8' runs symmetric weights only; symmetric=false cannot be honoured
// OK-LABEL: func.func @gemm
// OK: dfq.qconstant dense<{{\[\[}}64, -64]]> {{.*}}#dfq.qparams<i8, symmetric, scales = [1.562500e-02]
module attributes {dfq.target = #dfq.target<"npu8", backend = c, layers = [#dfq.layer<gemm, weight_bits = [8], act_bits = [8]>], weights = per_tensor, scales = pow2>} {
func.func @gemm(%x: tensor<?x2xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<?x1xf32> {
  %fc = arith.constant dense<[[1.0, -1.0]]> : tensor<1x2xf32>
  %0 = dfq.gemm %x, %fc {dfq.range = array<f64: -2.0, 2.0>} : (tensor<?x2xf32>, tensor<1x2xf32>) -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}
}
