// RUN: dfq-opt %s -split-input-file -verify-diagnostics

// Negative tests for the quantized ops of lib/Dialect/DfqQuantOps.cpp:
// dfq.quantize, dfq.dequantize, dfq.qconstant, dfq.qconv2d, dfq.qgemm, and
// the shared conv/gemm shape rules as the quantized ops report them.
//
// Requantization reference: scale_x = 0.5, scale_w = 0.25, scale_y = 1.0 give
// 0.125 = 1073741824 * 2^-33 (and 0.0625 = 1073741824 * 2^-34).

//===----------------------------------------------------------------------===//
// dfq.quantize
//===----------------------------------------------------------------------===//

// quantize: ODS requires a float input.
func.func @quantize_int_input(%x: tensor<4xi8>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{'dfq.quantize' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<4xi8>'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<4xi8> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// quantize: ODS requires a quantized result.
func.func @quantize_float_result(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dfq.quantize' op result #0 must be ranked tensor of uniform quantized type (!quant.uniform) values, but got 'tensor<4xf32>'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<4xf32> -> tensor<4xf32>
  return %q : tensor<4xf32>
}

// -----

// quantize: 'params' is required.
func.func @quantize_no_params(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{'dfq.quantize' op requires attribute 'params'}}
  %q = dfq.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// quantize: 'params' must be a #dfq.qparams attribute.
func.func @quantize_params_kind(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{custom op 'dfq.quantize' 'dfq.quantize' op attribute 'params' failed to satisfy constraint: Quantization parameters of one tensor, with their provenance}}
  %q = dfq.quantize %x {params = 0.5 : f32} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// quantize: result shape must equal the input shape.
func.func @quantize_shape(%x: tensor<4xf32>) -> tensor<2x2x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{'dfq.quantize' op result shape [2, 2] differs from the input shape [4]}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<4xf32> -> tensor<2x2x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<2x2x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// quantize: the result's expressed type must be the input element type.
func.func @quantize_expressed(%x: tensor<4xf16>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{'dfq.quantize' op result expresses 'f32' but the input is 'f16'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<4xf16> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// quantize: 16-bit storage is wider than quantized ops accept.
func.func @quantize_storage_i16(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i16:f32, 0.5>> {
  // expected-error @+1 {{'dfq.quantize' op result storage type has 16 bits; quantized ops take 2..8}}
  %q = dfq.quantize %x {params = #dfq.qparams<i8, symmetric, scales = [0.5], zero_points = [0]>} : tensor<4xf32> -> tensor<4x!quant.uniform<i16:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<i16:f32, 0.5>>
}

// -----

// quantize: 1-bit storage is narrower than quantized ops accept.
func.func @quantize_storage_i1(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i1:f32, 0.5>> {
  // expected-error @+1 {{'dfq.quantize' op result storage type has 1 bits; quantized ops take 2..8}}
  %q = dfq.quantize %x {params = #dfq.qparams<i2, symmetric, scales = [0.5], zero_points = [0]>} : tensor<4xf32> -> tensor<4x!quant.uniform<i1:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<i1:f32, 0.5>>
}

// -----

// quantize: a per-axis result's axis must exist in the tensor.
func.func @quantize_axis_rank(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3, 0.4}>> {
  // expected-error @+1 {{'dfq.quantize' op result is quantized along axis 1 but has rank 1}}
  %q = dfq.quantize %x {params = #dfq.qparams<i8, symmetric, axis = 1, scales = [0.1, 0.2, 0.3, 0.4], zero_points = [0, 0, 0, 0]>} : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3, 0.4}>>
  return %q : tensor<4x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3, 0.4}>>
}

// -----

// quantize: a per-axis result has one scale per channel along its axis.
func.func @quantize_axis_count(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:1, {0.1, 0.2}>> {
  // expected-error @+1 {{'dfq.quantize' op result has 2 per-channel scales but 4 channels along axis 1}}
  %q = dfq.quantize %x {params = #dfq.qparams<i8, symmetric, axis = 1, scales = [0.1, 0.2], zero_points = [0, 0]>} : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return %q : tensor<2x4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
}

// -----

// quantize: the result type must be the one 'params' describe (scale).
func.func @quantize_params_scale(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{'dfq.quantize' op element type '!quant.uniform<u8:f32, 5.000000e-01:3>' does not match its quantization parameters, which describe '!quant.uniform<u8:f32, 2.500000e-01:3>'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.25], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// quantize: the result type must be the one 'params' describe (signedness).
func.func @quantize_params_signedness(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'dfq.quantize' op element type '!quant.uniform<i8:f32, 5.000000e-01>' does not match its quantization parameters, which describe '!quant.uniform<u8:f32, 5.000000e-01>'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, symmetric, scales = [0.5], zero_points = [0]>} : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

// quantize: the result type must be the one 'params' describe (per tensor vs per channel).
func.func @quantize_params_granularity(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i4:f32, 0.5>> {
  // expected-error @+1 {{'dfq.quantize' op element type '!quant.uniform<i4:f32, 5.000000e-01>' does not match its quantization parameters, which describe '!quant.uniform<i4:f32:0, {5.000000e-01,5.000000e-01}>'}}
  %q = dfq.quantize %x {params = #dfq.qparams<i4, symmetric, axis = 0, scales = [0.5, 0.5], zero_points = [0, 0]>} : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i4:f32, 0.5>>
  return %q : tensor<2x4x!quant.uniform<i4:f32, 0.5>>
}

// -----

// quantize: the result type must be the one 'params' describe (narrow storage range).
func.func @quantize_params_narrow_range(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>> {
  // expected-error @+1 {{'dfq.quantize' op element type '!quant.uniform<i8<-127:127>:f32, 5.000000e-01>' does not match its quantization parameters, which describe '!quant.uniform<i8:f32, 5.000000e-01>'}}
  %q = dfq.quantize %x {params = #dfq.qparams<i8, symmetric, scales = [0.5], zero_points = [0]>} : tensor<4xf32> -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>>
}

// -----

//===----------------------------------------------------------------------===//
// dfq.dequantize
//===----------------------------------------------------------------------===//

// dequantize: ODS requires a quantized input.
func.func @dequantize_float_input(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dfq.dequantize' op operand #0 must be ranked tensor of uniform quantized type (!quant.uniform) values, but got 'tensor<4xf32>'}}
  %y = dfq.dequantize %x : tensor<4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// dequantize: ODS rejects quantized types other than !quant.uniform.
func.func @dequantize_any_type(%x: tensor<4x!quant.any<i8:f32>>) -> tensor<4xf32> {
  // expected-error @+1 {{'dfq.dequantize' op operand #0 must be ranked tensor of uniform quantized type (!quant.uniform) values, but got 'tensor<4x!quant.any<i8:f32>>'}}
  %y = dfq.dequantize %x : tensor<4x!quant.any<i8:f32>> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// dequantize: ODS requires a float result.
func.func @dequantize_int_result(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4xi8> {
  // expected-error @+1 {{'dfq.dequantize' op result #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<4xi8>'}}
  %y = dfq.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

// dequantize: result shape must equal the input shape.
func.func @dequantize_shape(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<2xf32> {
  // expected-error @+1 {{'dfq.dequantize' op result shape [2] differs from the input shape [4]}}
  %y = dfq.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// dequantize: the result element type is the input's expressed type.
func.func @dequantize_expressed(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4xf16> {
  // expected-error @+1 {{'dfq.dequantize' op input expresses 'f32' but the result is 'f16'}}
  %y = dfq.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xf16>
  return %y : tensor<4xf16>
}

// -----

// dequantize: 16-bit storage is rejected.
func.func @dequantize_storage(%x: tensor<4x!quant.uniform<i16:f32, 0.5>>) -> tensor<4xf32> {
  // expected-error @+1 {{'dfq.dequantize' op input storage type has 16 bits; quantized ops take 2..8}}
  %y = dfq.dequantize %x : tensor<4x!quant.uniform<i16:f32, 0.5>> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// dequantize: a per-axis input's axis must exist in the tensor.
func.func @dequantize_axis_rank(%x: tensor<2x2x!quant.uniform<i8:f32:2, {0.1, 0.2}>>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'dfq.dequantize' op input is quantized along axis 2 but has rank 2}}
  %y = dfq.dequantize %x : tensor<2x2x!quant.uniform<i8:f32:2, {0.1, 0.2}>> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// dequantize: a per-axis input has one scale per channel.
func.func @dequantize_axis_count(%x: tensor<3x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'dfq.dequantize' op input has 2 per-channel scales but 3 channels along axis 0}}
  %y = dfq.dequantize %x : tensor<3x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// dfq.qconstant
//===----------------------------------------------------------------------===//

// qconstant: ODS requires a quantized result.
func.func @qconstant_float_result() -> tensor<2xi8> {
  // expected-error @+1 {{'dfq.qconstant' op result #0 must be ranked tensor of uniform quantized type (!quant.uniform) values, but got 'tensor<2xi8>'}}
  %w = dfq.qconstant dense<[1, 2]> : tensor<2xi8> : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

// qconstant: value shape must equal the result shape.
func.func @qconstant_shape() -> tensor<3x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'dfq.qconstant' op value shape [2] differs from the result shape [3]}}
  %w = dfq.qconstant dense<[1, 2]> : tensor<2xi8> : tensor<3x!quant.uniform<i8:f32, 0.5>>
  return %w : tensor<3x!quant.uniform<i8:f32, 0.5>>
}

// -----

// qconstant: value must hold integers (floats are rejected).
func.func @qconstant_float_value() -> tensor<2x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'dfq.qconstant' op value must hold signless integers, got 'f32'}}
  %w = dfq.qconstant dense<[1.0, 2.0]> : tensor<2xf32> : tensor<2x!quant.uniform<i8:f32, 0.5>>
  return %w : tensor<2x!quant.uniform<i8:f32, 0.5>>
}

// -----

// qconstant: value must hold signless integers (unsigned is rejected).
func.func @qconstant_unsigned_value() -> tensor<2x!quant.uniform<u8:f32, 0.5>> {
  // expected-error @+1 {{'dfq.qconstant' op value must hold signless integers, got 'ui8'}}
  %w = dfq.qconstant dense<[1, 2]> : tensor<2xui8> : tensor<2x!quant.uniform<u8:f32, 0.5>>
  return %w : tensor<2x!quant.uniform<u8:f32, 0.5>>
}

// -----

// qconstant: 16-bit result storage is rejected.
func.func @qconstant_storage() -> tensor<2x!quant.uniform<i16:f32, 0.5>> {
  // expected-error @+1 {{'dfq.qconstant' op result storage type has 16 bits; quantized ops take 2..8}}
  %w = dfq.qconstant dense<[1, 2]> : tensor<2xi16> : tensor<2x!quant.uniform<i16:f32, 0.5>>
  return %w : tensor<2x!quant.uniform<i16:f32, 0.5>>
}

// -----

// qconstant: a per-axis result's axis must exist in the tensor.
func.func @qconstant_axis_rank() -> tensor<2x!quant.uniform<i8:f32:1, {0.1, 0.2}>> {
  // expected-error @+1 {{'dfq.qconstant' op result is quantized along axis 1 but has rank 1}}
  %w = dfq.qconstant dense<[1, 2]> : tensor<2xi8> : tensor<2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return %w : tensor<2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
}

// -----

// qconstant: a per-axis result has one scale per channel.
func.func @qconstant_axis_count() -> tensor<2x2x!quant.uniform<i4:f32:0, {0.1, 0.2, 0.3}>> {
  // expected-error @+1 {{'dfq.qconstant' op result has 3 per-channel scales but 2 channels along axis 0}}
  %w = dfq.qconstant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8> : tensor<2x2x!quant.uniform<i4:f32:0, {0.1, 0.2, 0.3}>>
  return %w : tensor<2x2x!quant.uniform<i4:f32:0, {0.1, 0.2, 0.3}>>
}

// -----

// qconstant: value elements must be at least as wide as the storage type.
func.func @qconstant_narrow_value() -> tensor<2x!quant.uniform<u8:f32, 0.5>> {
  // expected-error @+1 {{'dfq.qconstant' op value element type 'i4' is narrower than the storage type 'i8'}}
  %w = dfq.qconstant dense<[1, 2]> : tensor<2xi4> : tensor<2x!quant.uniform<u8:f32, 0.5>>
  return %w : tensor<2x!quant.uniform<u8:f32, 0.5>>
}

// -----

// qconstant: 'params', when given, must describe the result type.
func.func @qconstant_params() -> tensor<2x!quant.uniform<i4:f32, 0.5>> {
  // expected-error @+1 {{'dfq.qconstant' op element type '!quant.uniform<i4:f32, 5.000000e-01>' does not match its quantization parameters, which describe '!quant.uniform<i4:f32, 2.500000e-01>'}}
  %w = dfq.qconstant dense<[1, 2]> : tensor<2xi8> {params = #dfq.qparams<i4, symmetric, scales = [0.25], zero_points = [0]>} : tensor<2x!quant.uniform<i4:f32, 0.5>>
  return %w : tensor<2x!quant.uniform<i4:f32, 0.5>>
}

// -----

// qconstant: signed storage range (i4 holds [-8, 7]).
func.func @qconstant_range_signed() -> tensor<3x!quant.uniform<i4:f32, 0.5>> {
  // expected-error @+1 {{'dfq.qconstant' op element #1 (8) is outside the storage range [-8, 7]}}
  %w = dfq.qconstant dense<[7, 8, -8]> : tensor<3xi8> : tensor<3x!quant.uniform<i4:f32, 0.5>>
  return %w : tensor<3x!quant.uniform<i4:f32, 0.5>>
}

// -----

// qconstant: signed storage range, below the minimum.
func.func @qconstant_range_signed_low() -> tensor<2x!quant.uniform<i2:f32, 0.5>> {
  // expected-error @+1 {{'dfq.qconstant' op element #0 (-3) is outside the storage range [-2, 1]}}
  %w = dfq.qconstant dense<[-3, 1]> : tensor<2xi8> : tensor<2x!quant.uniform<i2:f32, 0.5>>
  return %w : tensor<2x!quant.uniform<i2:f32, 0.5>>
}

// -----

// qconstant: unsigned storage reads the value as unsigned (-1 is 255 > 15).
func.func @qconstant_range_unsigned() -> tensor<2x!quant.uniform<u4:f32, 0.5>> {
  // expected-error @+1 {{'dfq.qconstant' op element #1 (255) is outside the storage range [0, 15]}}
  %w = dfq.qconstant dense<[15, -1]> : tensor<2xi8> : tensor<2x!quant.uniform<u4:f32, 0.5>>
  return %w : tensor<2x!quant.uniform<u4:f32, 0.5>>
}

// -----

// qconstant: an explicit narrow storage range is honoured.
func.func @qconstant_range_narrow() -> tensor<2x!quant.uniform<i8<-127:127>:f32, 0.5>> {
  // expected-error @+1 {{'dfq.qconstant' op element #0 (-128) is outside the storage range [-127, 127]}}
  %w = dfq.qconstant dense<[-128, 127]> : tensor<2xi8> : tensor<2x!quant.uniform<i8<-127:127>:f32, 0.5>>
  return %w : tensor<2x!quant.uniform<i8<-127:127>:f32, 0.5>>
}

// -----

// qconstant: a splat value is range-checked too.
func.func @qconstant_range_splat() -> tensor<4x!quant.uniform<u2:f32, 0.5>> {
  // expected-error @+1 {{'dfq.qconstant' op element #0 (4) is outside the storage range [0, 3]}}
  %w = dfq.qconstant dense<4> : tensor<4xi8> : tensor<4x!quant.uniform<u2:f32, 0.5>>
  return %w : tensor<4x!quant.uniform<u2:f32, 0.5>>
}

// -----

//===----------------------------------------------------------------------===//
// dfq.qconv2d
//===----------------------------------------------------------------------===//

// qconv2d: ODS requires a quantized input.
func.func @qconv2d_float_input(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op operand #0 must be ranked tensor of uniform quantized type (!quant.uniform) values, but got 'tensor<1x3x8x8xf32>'}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: ODS requires a quantized weight.
func.func @qconv2d_float_weight(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op operand #1 must be ranked tensor of uniform quantized type (!quant.uniform) values, but got 'tensor<4x3x3x3xf32>'}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: ODS requires an int32 bias.
func.func @qconv2d_bias_type(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>, %b: tensor<4xi8>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op operand #2 must be 1D tensor of 32-bit signless integer values, but got 'tensor<4xi8>'}}
  %y = dfq.qconv2d %x, %w, %b {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>, tensor<4xi8>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: 'multiplier' is required.
func.func @qconv2d_no_multiplier(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op requires attribute 'multiplier'}}
  %y = dfq.qconv2d %x, %w {shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: the input is rank-4 NCHW (only the verifier checks this).
func.func @qconv2d_input_rank(%x: tensor<3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{expected a rank-4 NCHW input, got rank 3}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: the weight is rank-4 [O, C/groups, KH, KW].
func.func @qconv2d_weight_rank(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x27x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{expected a rank-4 [O, C/groups, KH, KW] weight, got rank 2}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x27x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: shared window-attribute rule ('strides' count).
func.func @qconv2d_strides(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{expected 2 values in 'strides', got 1}}
  %y = dfq.qconv2d %x, %w {strides = array<i64: 1>, multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: shared groups rule.
func.func @qconv2d_groups(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x1x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{groups (2) must divide the input channels (3)}}
  %y = dfq.qconv2d %x, %w {groups = 2 : i64, multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x1x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: the int32 bias has one entry per output channel.
func.func @qconv2d_bias_shape(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>, %b: tensor<2xi32>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{bias shape [2] does not match the 4 output channels}}
  %y = dfq.qconv2d %x, %w, %b {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>, tensor<2xi32>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: the window must fit the padded input.
func.func @qconv2d_window(%x: tensor<1x3x2x2x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x1x1x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{window of height extent 3 does not fit the padded input height 2}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x2x2x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x1x1x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x1x1x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: the result shape must be the inferred one.
func.func @qconv2d_result_shape(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x8x8x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op result shape [1, 4, 8, 8] differs from the inferred shape [1, 4, 4, 4]}}
  %y = dfq.qconv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x8x8x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x8x8x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: the input is quantized per tensor.
func.func @qconv2d_input_per_axis(%x: tensor<1x3x8x8x!quant.uniform<u8:f32:1, {0.5, 0.5, 0.5}>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op input must be quantized per tensor, got '!quant.uniform<u8:f32:1, {5.000000e-01,5.000000e-01,5.000000e-01}>'}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32:1, {0.5, 0.5, 0.5}>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: the result is quantized per tensor.
func.func @qconv2d_result_per_axis(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32:1, {1.0, 1.0, 1.0, 1.0}>> {
  // expected-error @+1 {{'dfq.qconv2d' op result must be quantized per tensor, got '!quant.uniform<u8:f32:1, {1.000000e+00,1.000000e+00,1.000000e+00,1.000000e+00}>'}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32:1, {1.0, 1.0, 1.0, 1.0}>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32:1, {1.0, 1.0, 1.0, 1.0}>>
}

// -----

// qconv2d: a per-channel weight is quantized along axis 0 (output channels).
func.func @qconv2d_weight_axis(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32:1, {0.25, 0.25, 0.25}>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op weight must be quantized per tensor or per output channel (axis 0), got axis 1}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32:1, {0.25, 0.25, 0.25}>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: input storage must be 2..8 bits.
func.func @qconv2d_input_storage(%x: tensor<1x3x8x8x!quant.uniform<i16:f32, 0.5>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op input storage type has 16 bits; quantized ops take 2..8}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<i16:f32, 0.5>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: weight storage must be 2..8 bits.
func.func @qconv2d_weight_storage(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i32:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op weight storage type has 32 bits; quantized ops take 2..8}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i32:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: result storage must be 2..8 bits.
func.func @qconv2d_result_storage(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u16:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op result storage type has 16 bits; quantized ops take 2..8}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u16:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u16:f32, 1.0>>
}

// -----

// qconv2d: a per-channel weight has one scale per output channel.
func.func @qconv2d_weight_scales(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32:0, {0.25, 0.25}>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op weight has 2 per-channel scales but 4 channels along axis 0}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32:0, {0.25, 0.25}>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: as many multipliers as shifts.
func.func @qconv2d_entry_mismatch(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op got 1 multipliers but 2 shifts}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33, 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: one requantization entry, or one per output channel.
func.func @qconv2d_entry_count(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op expected 1 or 4 (one per output channel) requantization entries, got 2}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 33, 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: empty multiplier/shift arrays are rejected.
func.func @qconv2d_entry_empty(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op expected 1 or 4 (one per output channel) requantization entries, got 0}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32>, shift = array<i32>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: multipliers must be positive.
func.func @qconv2d_multiplier_zero(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op multiplier #1 (0) must be positive}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824, 0>, shift = array<i32: 33, 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x2x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: negative multipliers are rejected.
func.func @qconv2d_multiplier_negative(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op multiplier #0 (-1073741824) must be positive}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: -1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: shifts lie in [0, 62] (negative).
func.func @qconv2d_shift_negative(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op shift #0 (-1) is outside [0, 62]}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: -1>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: shifts lie in [0, 62] (too large).
func.func @qconv2d_shift_large(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op shift #1 (63) is outside [0, 62]}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 33, 63>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x2x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: multiplier * 2^-shift must match scale_x * scale_w / scale_y (wrong shift).
func.func @qconv2d_requant_shift(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op requantization of output channel 0 is 1073741824 * 2^-32 = 2.500000e-01 but scale_x * scale_w / scale_y = 1.250000e-01}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 32>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: the tolerance is 2^-10 relative; 2^-9 off is rejected.
func.func @qconv2d_requant_tolerance(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op requantization of output channel 0 is 1075838976 * 2^-33 = 1.252441e-01 but scale_x * scale_w / scale_y = 1.250000e-01}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1075838976>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: exactly 2^-10 relative off is accepted (both signs); one step more
// below is rejected.
func.func @qconv2d_requant_within_tolerance(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>> {
  %ok = dfq.qconv2d %x, %w {multiplier = array<i32: 1074790400>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  %ok2 = dfq.qconv2d %x, %w {multiplier = array<i32: 1072693248>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  // expected-error @+1 {{'dfq.qconv2d' op requantization of output channel 0 is 1072693247 * 2^-33 = 1.248779e-01 but scale_x * scale_w / scale_y = 1.250000e-01}}
  %bad = dfq.qconv2d %x, %w {multiplier = array<i32: 1072693247>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
  return %ok : tensor<1x4x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: with a per-channel weight and one entry, every channel is checked.
func.func @qconv2d_requant_per_channel(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.25, 0.125}>>) -> tensor<1x2x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op requantization of output channel 1 is 1073741824 * 2^-33 = 1.250000e-01 but scale_x * scale_w / scale_y = 6.250000e-02}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.25, 0.125}>>) -> tensor<1x2x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x2x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: per-channel entries are matched channel by channel.
func.func @qconv2d_requant_entries_swapped(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.25, 0.125}>>) -> tensor<1x2x6x6x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qconv2d' op requantization of output channel 0 is 1073741824 * 2^-34 = 6.250000e-02 but scale_x * scale_w / scale_y = 1.250000e-01}}
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 34, 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.25, 0.125}>>) -> tensor<1x2x6x6x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x2x6x6x!quant.uniform<u8:f32, 1.0>>
}

// -----

//===----------------------------------------------------------------------===//
// dfq.qgemm
//===----------------------------------------------------------------------===//

// qgemm: ODS requires a quantized result.
func.func @qgemm_float_result(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'dfq.qgemm' op result #0 must be ranked tensor of uniform quantized type (!quant.uniform) values, but got 'tensor<2x4xf32>'}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// qgemm: 'shift' is required.
func.func @qgemm_no_shift(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qgemm' op requires attribute 'shift'}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qgemm over [N, ..., K] keeps the leading dimensions.
func.func @qgemm_rank(%x: tensor<2x1x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qgemm' op result shape [2, 4] differs from the inferred shape [2, 1, 4]}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<2x1x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qgemm: input features equal the weight's K.
func.func @qgemm_features(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x6x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{input has 8 features but the [O, K] weight expects 6}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x6x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qgemm: the int32 bias has one entry per output feature.
func.func @qgemm_bias_shape(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x8x!quant.uniform<i8:f32, 0.25>>, %b: tensor<8xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{bias shape [8] does not match the weight's output features [4]}}
  %y = dfq.qgemm %x, %w, %b {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x8x!quant.uniform<i8:f32, 0.25>>, tensor<8xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qgemm: the result shape must be the inferred one.
func.func @qgemm_result_shape(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x8x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qgemm' op result shape [2, 8] differs from the inferred shape [2, 4]}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x8x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<2x8x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qgemm: the input is quantized per tensor.
func.func @qgemm_input_per_axis(%x: tensor<2x8x!quant.uniform<u8:f32:0, {0.5, 0.5}>>, %w: tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qgemm' op input must be quantized per tensor, got '!quant.uniform<u8:f32:0, {5.000000e-01,5.000000e-01}>'}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<2x8x!quant.uniform<u8:f32:0, {0.5, 0.5}>>, tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qgemm: the result is quantized per tensor.
func.func @qgemm_result_per_axis(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32:1, {1.0, 1.0, 1.0, 1.0}>> {
  // expected-error @+1 {{'dfq.qgemm' op result must be quantized per tensor, got '!quant.uniform<u8:f32:1, {1.000000e+00,1.000000e+00,1.000000e+00,1.000000e+00}>'}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32:1, {1.0, 1.0, 1.0, 1.0}>>
  return %y : tensor<2x4x!quant.uniform<u8:f32:1, {1.0, 1.0, 1.0, 1.0}>>
}

// -----

// qgemm: a per-channel weight is quantized along axis 0, not K.
func.func @qgemm_weight_axis(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x8x!quant.uniform<i8:f32:1, {0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25}>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qgemm' op weight must be quantized per tensor or per output channel (axis 0), got axis 1}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x8x!quant.uniform<i8:f32:1, {0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25}>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qgemm: weight storage must be 2..8 bits.
func.func @qgemm_weight_storage(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x8x!quant.uniform<i16:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qgemm' op weight storage type has 16 bits; quantized ops take 2..8}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x8x!quant.uniform<i16:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qgemm: as many multipliers as shifts.
func.func @qgemm_entry_mismatch(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qgemm' op got 4 multipliers but 1 shifts}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824, 1073741824, 1073741824, 1073741824>, shift = array<i32: 33>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qgemm: one requantization entry, or one per output feature.
func.func @qgemm_entry_count(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qgemm' op expected 1 or 4 (one per output channel) requantization entries, got 3}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 33, 33, 33>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qgemm: multipliers must be positive.
func.func @qgemm_multiplier(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qgemm' op multiplier #0 (0) must be positive}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 0>, shift = array<i32: 33>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qgemm: shifts lie in [0, 62].
func.func @qgemm_shift(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qgemm' op shift #0 (100) is outside [0, 62]}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 100>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qgemm: requantization must match the scales (the result scale is 2.0 here).
func.func @qgemm_requant(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 2.0>> {
  // expected-error @+1 {{'dfq.qgemm' op requantization of output channel 0 is 1073741824 * 2^-33 = 1.250000e-01 but scale_x * scale_w / scale_y = 6.250000e-02}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x4x!quant.uniform<u8:f32, 2.0>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 2.0>>
}

// -----

// qgemm: per-channel entries, the last channel is wrong.
func.func @qgemm_requant_per_channel(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<2x8x!quant.uniform<i8:f32:0, {0.25, 0.125}>>) -> tensor<2x2x!quant.uniform<u8:f32, 1.0>> {
  // expected-error @+1 {{'dfq.qgemm' op requantization of output channel 1 is 1610612736 * 2^-34 = 9.375000e-02 but scale_x * scale_w / scale_y = 6.250000e-02}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824, 1610612736>, shift = array<i32: 33, 34>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x8x!quant.uniform<i8:f32:0, {0.25, 0.125}>>) -> tensor<2x2x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<2x2x!quant.uniform<u8:f32, 1.0>>
}

// -----

// Requantization cannot be checked against a dynamic number of output channels.
func.func @qgemm_dynamic_out_channels(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<?x8x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{'dfq.qgemm' op weight output channels (dimension 0) must be static to check requantization}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<?x8x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x?x!quant.uniform<u8:f32, 1.0>>
  return
}

// -----

// Per-channel parameters need a static channel count to be checked.
func.func @per_axis_dynamic_channels(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<?x8x!quant.uniform<i8:f32:0, {0.25, 0.5}>>) {
  // expected-error @+1 {{'dfq.qgemm' op weight is quantized per channel along axis 0, which must have a static size}}
  %y = dfq.qgemm %x, %w {multiplier = array<i32: 1>, shift = array<i32: 0>} : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<?x8x!quant.uniform<i8:f32:0, {0.25, 0.5}>>) -> tensor<2x?x!quant.uniform<u8:f32, 1.0>>
  return
}

// -----

// Stored integers wider than 64 bits would be truncated when checked.
func.func @qconstant_too_wide() {
  // expected-error @+1 {{'dfq.qconstant' op value element type 'i128' is wider than 64 bits}}
  %w = dfq.qconstant dense<[18446744073709551621, 3]> : tensor<2xi128> : tensor<2x!quant.uniform<u8:f32, 0.5>>
  return
}

// -----

// qconv2d: with channels_last the result is [N, H, W, O], not [N, O, H, W].
func.func @qconv2d_channels_last_shape(%x: tensor<1x8x8x3x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x4x4x!quant.uniform<u8:f32, 1.0>> {
  %w = dfq.qconstant dense<1> : tensor<2x3x1x1xi8> : tensor<2x3x1x1x!quant.uniform<i8:f32, 0.25>>
  // expected-error @+1 {{'dfq.qconv2d' op result shape [1, 2, 4, 4] differs from the inferred shape [1, 4, 4, 2] (channels last)}}
  %y = dfq.qconv2d %x, %w {channels_last, strides = array<i64: 2, 2>, multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x8x8x3x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x3x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x4x4x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x2x4x4x!quant.uniform<u8:f32, 1.0>>
}

// -----

// qconv2d: channels_last reads the channels from the last dimension.
func.func @qconv2d_channels_last_channels(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x4x2x!quant.uniform<u8:f32, 1.0>> {
  %w = dfq.qconstant dense<1> : tensor<2x3x1x1xi8> : tensor<2x3x1x1x!quant.uniform<i8:f32, 0.25>>
  // expected-error @+1 {{'dfq.qconv2d' op weight expects 3 input channels per group (3 in 1 groups) but the input has 8}}
  %y = dfq.qconv2d %x, %w {channels_last, strides = array<i64: 2, 2>, multiplier = array<i32: 1073741824>, shift = array<i32: 33>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x3x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x4x2x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<1x2x4x2x!quant.uniform<u8:f32, 1.0>>
}

// -----

// transpose: a per-axis quantized tensor would move its axis.
func.func @transpose_per_axis(%x: tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.5, 0.25}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>> {
  // expected-error @+1 {{'dfq.transpose' op cannot transpose a tensor quantized per axis}}
  %y = dfq.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.5, 0.25}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  return %y : tensor<1x4x4x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
}

// -----

// max_pool2d: codes quantized per axis would pool channels of different
// scales.
func.func @max_pool_per_axis(%x: tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.5, 0.25}>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>> {
  // expected-error @+1 {{'dfq.max_pool2d' op pools codes quantized per tensor only}}
  %y = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.5, 0.25}>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  return %y : tensor<1x2x2x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
}

// -----

// max_pool2d: the result has the codes' own type.
func.func @max_pool_requantizes(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25:3>> {
  // expected-error @+2 {{'dfq.max_pool2d' op inferred type(s) 'tensor<1x2x2x2x!quant.uniform<u8:f32, 5.000000e-01:3>>' are incompatible with return type(s)}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25:3>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25:3>>
}


// -----

// qavg_pool2d: the result's quantization is its own, but per tensor.
func.func @qavg_pool_per_axis(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32:1, {0.5, 0.25}>> {
  // expected-error @+1 {{'dfq.qavg_pool2d' op input and result must be quantized per tensor}}
  %y = dfq.qavg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, multiplier = 1073741824 : i32, shift = 31 : i32} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32:1, {0.5, 0.25}>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32:1, {0.5, 0.25}>>
}

// -----

// qavg_pool2d: the shape follows the window (channels last here).
func.func @qavg_pool_shape(%x: tensor<1x4x4x2x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>> {
  // expected-error @+1 {{'dfq.qavg_pool2d' op result shape [1, 2, 2, 2] differs from the inferred shape [1, 3, 3, 2] (channels last)}}
  %y = dfq.qavg_pool2d %x {channels_last, kernel_shape = array<i64: 2, 2>, multiplier = 1073741824 : i32, shift = 31 : i32} : (tensor<1x4x4x2x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>>
}

// -----

// qavg_pool2d: the multiplier holds the divisor: 0.5 / (4 * 0.25) = 0.5, not 1.
func.func @qavg_pool_divisor(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>> {
  // expected-error @+1 {{'dfq.qavg_pool2d' op requantization is 1073741824 * 2^-30 = 1.000000e+00 but scale_x / (k * scale_y) = 5.000000e-01 (k = 4)}}
  %y = dfq.qavg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, multiplier = 1073741824 : i32, shift = 30 : i32} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>>
}

// -----

func.func @qavg_pool_shift(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>> {
  // expected-error @+1 {{'dfq.qavg_pool2d' op shift (63) is outside [0, 62]}}
  %y = dfq.qavg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, multiplier = 1 : i32, shift = 63 : i32} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>>
}

// -----

func.func @qavg_pool_multiplier(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>> {
  // expected-error @+1 {{'dfq.qavg_pool2d' op multiplier (-5) must be positive}}
  %y = dfq.qavg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, multiplier = -5 : i32, shift = 31 : i32} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>>
}

// -----

func.func @qavg_pool_pads(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.25>> {
  // expected-error @+1 {{'dfq.qavg_pool2d' op pads [2, 0, 0, 0] must be smaller than the kernel [2, 2]}}
  %y = dfq.qavg_pool2d %x {kernel_shape = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>, multiplier = 1073741824 : i32, shift = 31 : i32} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.25>>
  return %y : tensor<1x2x3x3x!quant.uniform<u8:f32, 0.25>>
}

// -----

// Views of codes: a per-axis type's axis would change its dimension.
func.func @flatten_per_axis(%x: tensor<1x2x1x1x!quant.uniform<i8:f32:1, {0.5, 0.25}>>) -> tensor<1x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>> {
  // expected-error @+1 {{'dfq.flatten' op cannot reshape a tensor quantized per axis}}
  %y = dfq.flatten %x : (tensor<1x2x1x1x!quant.uniform<i8:f32:1, {0.5, 0.25}>>) -> tensor<1x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  return %y : tensor<1x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
}
