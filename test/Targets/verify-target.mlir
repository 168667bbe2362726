// Quantized for a target, a module passes; quantized without one, it is
// checked op by op and every violation is reported at its op.
// RUN: dfq-opt %s --pass-pipeline="builtin.module(dfq-attach-target{file=%S/../../docs/targets/npu8.target},func.func(dfq-quantize),dfq-verify-target)" | FileCheck %s --check-prefix=PASS
// RUN: not dfq-opt %s --pass-pipeline="builtin.module(func.func(dfq-quantize{first-last-bits=0 wbits=4 abits=4}),dfq-attach-target{file=%S/../../docs/targets/npu8.target},dfq-verify-target)" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NPU8
// RUN: not dfq-opt %s --pass-pipeline="builtin.module(func.func(dfq-quantize),dfq-attach-target{file=%S/Inputs/acc16.target},dfq-verify-target)" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ACC16
// RUN: not dfq-opt %s --pass-pipeline="builtin.module(func.func(dfq-quantize),dfq-verify-target)" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOTARGET

func.func @net(%x: tensor<?x1x6x6xf32> {dfq.range = array<f64: 0.0, 1.0>}) -> tensor<?x8x6x6xf32> {
  %w0 = arith.constant dense<0.25> : tensor<64x1x1x1xf32>
  %w1 = arith.constant dense<0.02> : tensor<8x64x3x3xf32>
  %0 = dfq.conv2d %x, %w0 {dfq.range = array<f64: 0.0, 0.4>} : (tensor<?x1x6x6xf32>, tensor<64x1x1x1xf32>) -> tensor<?x64x6x6xf32>
  %1 = dfq.relu %0 {dfq.range = array<f64: 0.0, 0.4>} : tensor<?x64x6x6xf32>
  %2 = dfq.conv2d %1, %w1 {dfq.range = array<f64: -1.0, 1.0>, pads = array<i64: 1, 1, 1, 1>} : (tensor<?x64x6x6xf32>, tensor<8x64x3x3xf32>) -> tensor<?x8x6x6xf32>
  %3 = dfq.relu %2 {dfq.range = array<f64: 0.0, 1.0>} : tensor<?x8x6x6xf32>
  return %3 : tensor<?x8x6x6xf32>
}

// PASS-LABEL: func.func @net
// PASS: dfq.qconv2d
// PASS: dfq.qconv2d

// Every rule the W4A4 per-channel module breaks, at its op (line:column).
// NPU8: verify-target.mlir:[[@LINE-12]]:8: error: dfq-verify-target: target 'npu8' runs conv2d layers with weight bits [8], not 4
// NPU8: verify-target.mlir:[[@LINE-13]]:8: error: dfq-verify-target: target 'npu8' takes one weight scale per layer (weights = per_tensor), not 64 per-channel scales
// NPU8: verify-target.mlir:[[@LINE-14]]:8: error: dfq-verify-target: target 'npu8' runs conv2d layers with activation bits [8], not 4 (the input)
// NPU8: verify-target.mlir:[[@LINE-15]]:8: error: dfq-verify-target: target 'npu8' needs signed activations (the input)
// NPU8: verify-target.mlir:[[@LINE-16]]:8: error: dfq-verify-target: target 'npu8' runs conv2d layers with activation bits [8], not 4 (the output)
// NPU8: verify-target.mlir:[[@LINE-17]]:8: error: dfq-verify-target: target 'npu8' needs signed activations (the output)
// NPU8: verify-target.mlir:[[@LINE-18]]:8: error: dfq-verify-target: target 'npu8' needs power-of-two scales (scales = pow2); the input has scale 6.666667e-02
// NPU8: verify-target.mlir:[[@LINE-19]]:8: error: dfq-verify-target: target 'npu8' needs power-of-two scales (scales = pow2); the weight has scale 3.571429e-02
// NPU8: verify-target.mlir:[[@LINE-20]]:8: error: dfq-verify-target: target 'npu8' needs power-of-two scales (scales = pow2); the output has scale 2.666667e-02
// NPU8: verify-target.mlir:[[@LINE-21]]:8: error: dfq-verify-target: target 'npu8' requantizes by shifts only (scales = pow2); a multiplier is not a power of two
// NPU8: verify-target.mlir:[[@LINE-20]]:8: error: dfq-verify-target: target 'npu8' runs conv2d layers with weight bits [8], not 4

// The first layer's worst case, 127 * 255 = 32385, fits 16 bits; the
// second's, over 64 channels and 3x3 taps, does not.
// ACC16-NOT: error
// ACC16: verify-target.mlir:[[@LINE-25]]:8: error: dfq-verify-target: target 'acc16' has a 16-bit accumulator, which this layer's worst-case sum 18653760 does not fit (at most 32767; it would wrap)
// ACC16-NOT: error

// NOTARGET: error: dfq-verify-target: the module has no dfq.target; attach one with dfq-attach-target
