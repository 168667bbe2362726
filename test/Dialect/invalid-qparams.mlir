// RUN: dfq-opt %s -split-input-file -verify-diagnostics

// Negative tests for the #dfq.qparams attribute: the custom parser
// (QParamsAttr::parse, parseStorage) and QParamsAttr::verify in
// lib/Dialect/DfqAttrs.cpp. Each case uses the attribute on a dfq.quantize.

//===----------------------------------------------------------------------===//
// Parser: storage and scheme
//===----------------------------------------------------------------------===//

// storage: a non-integer type is not a storage spelling.
func.func @storage_float(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected storage 'iN' or 'uN', got 'f32'}}
  %q = dfq.quantize %x {params = #dfq.qparams<f32, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// storage: explicitly signed integer types ('si8') are not accepted.
func.func @storage_si8(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{expected storage 'iN' or 'uN', got 'si8'}}
  %q = dfq.quantize %x {params = #dfq.qparams<si8, symmetric, scales = [0.5], zero_points = [0]>} : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

// storage: the builtin unsigned spelling 'ui8' is not accepted ('u8' is).
func.func @storage_ui8(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected storage 'iN' or 'uN', got 'ui8'}}
  %q = dfq.quantize %x {params = #dfq.qparams<ui8, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// storage: a bare keyword that is not 'uN'.
func.func @storage_keyword(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected storage 'iN' or 'uN'}}
  %q = dfq.quantize %x {params = #dfq.qparams<x8, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// storage: 'u' without a width.
func.func @storage_u_no_width(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected storage 'iN' or 'uN'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// storage: 'u' followed by a non-numeric suffix.
func.func @storage_u_suffix(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected storage 'iN' or 'uN'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8x, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// storage: neither a type nor a keyword.
func.func @storage_missing(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected valid keyword}}
  %q = dfq.quantize %x {params = #dfq.qparams<8, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// scheme: only 'symmetric' and 'asymmetric' exist.
func.func @scheme_unknown(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected 'symmetric' or 'asymmetric'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, affine, scales = [0.5], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// scheme: it is required after the storage.
func.func @scheme_missing(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected ','}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

//===----------------------------------------------------------------------===//
// Parser: keys
//===----------------------------------------------------------------------===//

// keys: unknown keys are rejected with the list of valid ones.
func.func @key_unknown(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{unknown key 'scale'; expected axis, scales, zero_points, range, source or observer}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scale = [0.5], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// keys: a key may appear once.
func.func @key_duplicate(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{duplicate key 'scales'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3], scales = [0.5]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// keys: 'scales' is required.
func.func @key_no_scales(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{quantization parameters need 'scales' and 'zero_points'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// keys: 'zero_points' is required.
func.func @key_no_zero_points(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{quantization parameters need 'scales' and 'zero_points'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], range = [-1.5, 126.0]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// keys: a key is followed by '='.
func.func @key_no_equal(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected '='}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales [0.5], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// axis: the value is an integer.
func.func @axis_not_integer(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected integer value}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, axis = first, scales = [0.5], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// scales: a square-bracketed list.
func.func @scales_not_list(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected '['}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = 0.5, zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// scales: entries are floating-point literals (a decimal integer is rejected).
func.func @scales_integer_literal(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 1.0:3>> {
  // expected-error @+2 {{unexpected decimal integer literal for a floating point value}}
  // expected-note @+1 {{add a trailing dot to make the literal a float}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [1], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 1.0:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 1.0:3>>
}

// -----

// zero_points: entries are integers.
func.func @zero_points_float(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected integer value}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3.0]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// range: exactly two values.
func.func @range_three_values(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected ']'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3], range = [-1.5, 0.0, 126.0]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// range: a lone value is missing its maximum.
func.func @range_one_value(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected ','}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3], range = [-1.5]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// source: only the listed range sources exist.
func.func @source_unknown(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{unknown range source 'calibration'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3], source = calibration>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// source: spellings are case-sensitive ('DSG' is not 'dsg').
func.func @source_case(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{unknown range source 'DSG'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3], source = DSG>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// observer: only the listed observers exist.
func.func @observer_unknown(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{unknown observer 'kl'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3], observer = kl>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// closing: the attribute ends with '>'.
func.func @missing_greater(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected '>'}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3] source = dsg>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

//===----------------------------------------------------------------------===//
// Verifier
//===----------------------------------------------------------------------===//

// bits: at least 2 ('u1').
func.func @bits_u1(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:0>> {
  // expected-error @+1 {{bit width 1 is outside the supported range 2..8}}
  %q = dfq.quantize %x {params = #dfq.qparams<u1, asymmetric, scales = [0.5], zero_points = [0]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:0>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:0>>
}

// -----

// bits: 'u0' parses and is rejected by the verifier.
func.func @bits_u0(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:0>> {
  // expected-error @+1 {{bit width 0 is outside the supported range 2..8}}
  %q = dfq.quantize %x {params = #dfq.qparams<u0, asymmetric, scales = [0.5], zero_points = [0]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:0>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:0>>
}

// -----

// bits: at most 8 ('i16').
func.func @bits_i16(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i16:f32, 0.5>> {
  // expected-error @+1 {{bit width 16 is outside the supported range 2..8}}
  %q = dfq.quantize %x {params = #dfq.qparams<i16, symmetric, scales = [0.5], zero_points = [0]>} : tensor<4xf32> -> tensor<4x!quant.uniform<i16:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<i16:f32, 0.5>>
}

// -----

// bits: a very wide storage is rejected before any range arithmetic.
func.func @bits_u64(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:0>> {
  // expected-error @+1 {{bit width 64 is outside the supported range 2..8}}
  %q = dfq.quantize %x {params = #dfq.qparams<u64, asymmetric, scales = [0.5], zero_points = [0]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:0>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:0>>
}

// -----

// scales: the list may not be empty.
func.func @scales_empty(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{expected at least one scale}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [], zero_points = []>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// scales: per-tensor parameters take exactly one scale.
func.func @per_tensor_two_scales(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{per-tensor parameters take exactly one scale, got 2 (add 'axis = N' for per-channel)}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5, 0.25], zero_points = [3, 3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// axis: must be non-negative.
func.func @axis_negative(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i4:f32:1, {0.1, 0.2, 0.3, 0.4}>> {
  // expected-error @+1 {{axis must be non-negative, got -1}}
  %q = dfq.quantize %x {params = #dfq.qparams<i4, symmetric, axis = -1, scales = [0.1, 0.2, 0.3, 0.4], zero_points = [0, 0, 0, 0]>} : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i4:f32:1, {0.1, 0.2, 0.3, 0.4}>>
  return %q : tensor<2x4x!quant.uniform<i4:f32:1, {0.1, 0.2, 0.3, 0.4}>>
}

// -----

// counts: one zero point per scale (too few).
func.func @zero_points_count(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i4:f32:0, {0.1, 0.2}>> {
  // expected-error @+1 {{got 2 scales but 1 zero points}}
  %q = dfq.quantize %x {params = #dfq.qparams<i4, symmetric, axis = 0, scales = [0.1, 0.2], zero_points = [0]>} : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i4:f32:0, {0.1, 0.2}>>
  return %q : tensor<2x4x!quant.uniform<i4:f32:0, {0.1, 0.2}>>
}

// -----

// counts: one zero point per scale (per tensor, too many).
func.func @zero_points_count_per_tensor(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{got 1 scales but 2 zero points}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3, 3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// scales: zero is not positive.
func.func @scale_zero(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{scale #0 must be positive and finite, got 0.000000e+00}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.0], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// scales: negative values are rejected (second channel).
func.func @scale_negative(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i4:f32:0, {0.1, 0.2}>> {
  // expected-error @+1 {{scale #1 must be positive and finite, got -2.000000e-01}}
  %q = dfq.quantize %x {params = #dfq.qparams<i4, symmetric, axis = 0, scales = [0.1, -0.2], zero_points = [0, 0]>} : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i4:f32:0, {0.1, 0.2}>>
  return %q : tensor<2x4x!quant.uniform<i4:f32:0, {0.1, 0.2}>>
}

// -----

// scales: NaN is rejected.
func.func @scale_nan(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{scale #0 must be positive and finite, got nan}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0x7FF8000000000000], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// scales: infinity is rejected.
func.func @scale_inf(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{scale #0 must be positive and finite, got INF}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0x7FF0000000000000], zero_points = [3]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// zero points: above the unsigned storage range.
func.func @zero_point_high_unsigned(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{zero point #0 (256) is outside the storage range [0, 255] of u8}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [256]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// zero points: below the unsigned storage range.
func.func @zero_point_low_unsigned(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u4:f32, 0.5:3>> {
  // expected-error @+1 {{zero point #0 (-1) is outside the storage range [0, 15] of u4}}
  %q = dfq.quantize %x {params = #dfq.qparams<u4, asymmetric, scales = [0.5], zero_points = [-1]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u4:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u4:f32, 0.5:3>>
}

// -----

// zero points: outside the signed storage range (second channel).
func.func @zero_point_signed(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i4:f32:0, {0.1, 0.2}>> {
  // expected-error @+1 {{zero point #1 (-9) is outside the storage range [-8, 7] of i4}}
  %q = dfq.quantize %x {params = #dfq.qparams<i4, asymmetric, axis = 0, scales = [0.1, 0.2], zero_points = [7, -9]>} : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i4:f32:0, {0.1, 0.2}>>
  return %q : tensor<2x4x!quant.uniform<i4:f32:0, {0.1, 0.2}>>
}

// -----

// zero points: symmetric parameters need zero points of 0.
func.func @symmetric_zero_point(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>> {
  // expected-error @+1 {{symmetric parameters need zero points of 0, zero point #1 is 1}}
  %q = dfq.quantize %x {params = #dfq.qparams<i8, symmetric, axis = 0, scales = [0.1, 0.2], zero_points = [0, 1]>} : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return %q : tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
}

// -----

// range: the minimum may not exceed the maximum.
func.func @range_inverted(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{range minimum 6.000000e+00 is greater than its maximum 0.000000e+00}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3], range = [6.0, 0.0]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// range: a NaN bound is rejected by the same rule.
func.func @range_nan(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{range minimum 0.000000e+00 is greater than its maximum nan}}
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3], range = [0.0, 0x7FF8000000000000]>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}
