// RUN: dfq-opt %s --split-input-file --verify-diagnostics --dfq-lower-to-kernels
// RUN: not dfq-opt %s --split-input-file --dfq-lower-to-kernels=target=arm 2>&1 | FileCheck %s --check-prefix=TARGET

// TARGET: error: dfq-lower-to-kernels: unknown target 'arm' (expected x86-avx512-vnni, x86-avx2, c, cuda-sm80 or cuda-sm90)

func.func @float_conv(%x: tensor<?x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32> {
  // expected-error @+1 {{'dfq.conv2d' op is not quantized; the x86-avx512-vnni target runs quantized layers only (run dfq-fold-bn and dfq-quantize first)}}
  %y = dfq.conv2d %x, %w : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32>
  return %y : tensor<?x2x4x4xf32>
}

// -----

func.func @signed_activations(%x: tensor<?x16x!quant.uniform<i8:f32, 2.0>>) -> tensor<?x4x!quant.uniform<u8:f32, 2.0:5>> {
  %v = dfq.qconstant dense<1> : tensor<4x16xi8> : tensor<4x16x!quant.uniform<i8:f32, 0.5>>
  // expected-error @+1 {{'dfq.qgemm' op input has signed storage ('i8'); the target's kernels take unsigned activations}}
  %z = dfq.qgemm %x, %v {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x16x!quant.uniform<i8:f32, 2.0>>, tensor<4x16x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>
  return %z : tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>
}

// -----

func.func @unsigned_weights(%x: tensor<?x16x!quant.uniform<u8:f32, 2.0>>) -> tensor<?x4x!quant.uniform<u8:f32, 2.0:5>> {
  %v = dfq.qconstant dense<1> : tensor<4x16xi8> : tensor<4x16x!quant.uniform<u4:f32, 0.5>>
  // expected-error @+1 {{'dfq.qgemm' op weight must have signed storage for the x86-avx512-vnni kernels (u8 x s8 dot products)}}
  %z = dfq.qgemm %x, %v {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x16x!quant.uniform<u8:f32, 2.0>>, tensor<4x16x!quant.uniform<u4:f32, 0.5>>) -> tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>
  return %z : tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>
}

// -----

func.func @dynamic_spatial(%x: tensor<?x3x?x8xf32>) -> tensor<?x3x?x8xf32> {
  // expected-error @+1 {{'dfq.relu' op has a result of type 'tensor<?x3x?x8xf32>' that is dynamic beyond its leading (batch) dimension; the x86-avx512-vnni target plans memory statically}}
  %r = dfq.relu %x : tensor<?x3x?x8xf32>
  return %r : tensor<?x3x?x8xf32>
}

// -----

// Kernels read NHWC activations: a convolution must be channels-last.
func.func @nchw_conv(%x: tensor<?x3x8x8x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<?x2x8x8x!quant.uniform<u8:f32, 1.0>> {
  %w = dfq.qconstant dense<1> : tensor<2x3x1x1xi8> : tensor<2x3x1x1x!quant.uniform<i8:f32, 0.25>>
  // expected-error @+1 {{'dfq.qconv2d' op is not channels-last; the x86-avx512-vnni kernels read NHWC activations (run dfq-convert-layouts first)}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<?x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x3x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<?x2x8x8x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<?x2x8x8x!quant.uniform<u8:f32, 1.0>>
}
