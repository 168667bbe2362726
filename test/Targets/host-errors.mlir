// The host compiler generates code for what the passes decided and
// re-decides nothing: a convolution that is not channels-last, and a
// residual chain recorded as fused that the IR no longer holds, are errors
// at the op.
// RUN: not dfq-translate --emit-library --split-input-file %s 2>&1 | FileCheck %s

// CHECK: error: 'dfq.qconv2d' op is not channels-last; run dfq-convert-layouts before generating code
func.func @main(%x: tensor<?x3x4x4xf32>) -> tensor<?x2x4x4xf32> {
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<?x3x4x4xf32> -> tensor<?x3x4x4x!quant.uniform<u8:f32, 0.5:3>>
  %w = dfq.qconstant dense<1> : tensor<2x3x1x1xi8> : tensor<2x3x1x1x!quant.uniform<i8:f32, 0.25>>
  %y = dfq.qconv2d %q, %w {dfq.kernel = #dfq.c_kernel<symbol = "dfq_kernel_0_conv", kind = dense>, multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x3x4x4x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x3x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<?x2x4x4x!quant.uniform<u8:f32, 0.25:8>>
  %d = dfq.dequantize %y : tensor<?x2x4x4x!quant.uniform<u8:f32, 0.25:8>> -> tensor<?x2x4x4xf32>
  return %d : tensor<?x2x4x4xf32>
}

// -----

// CHECK: error: 'dfq.qconv2d' op has a residual chain recorded as fused that the IR no longer holds; run dfq-lower-to-kernels again
func.func @main(%x: tensor<?x4x4x3xf32>) -> tensor<?x4x4x2xf32> {
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<?x4x4x3xf32> -> tensor<?x4x4x3x!quant.uniform<u8:f32, 0.5:3>>
  %w = dfq.qconstant dense<1> : tensor<2x3x1x1xi8> : tensor<2x3x1x1x!quant.uniform<i8:f32, 0.25>>
  %y = dfq.qconv2d %q, %w {channels_last, dfq.kernel = #dfq.x86_kernel<isa = avx2, symbol = "dfq_kernel_0_conv", kind = dense, tile_channels = 8, tile_pixels = 4, parallel = false, fused = ["dfq.dequantize", "dfq.add"]>, multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x4x4x3x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x3x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<?x4x4x2x!quant.uniform<u8:f32, 0.25:8>>
  %d = dfq.dequantize %y : tensor<?x4x4x2x!quant.uniform<u8:f32, 0.25:8>> -> tensor<?x4x4x2xf32>
  return %d : tensor<?x4x4x2xf32>
}
