// A quantized model for the code generation tests: a float input quantized
// to int8 (signed, as npu8 stores activations) or uint8, one 3x3
// convolution, its output dequantized. Input of test/Targets/*/emit-*.mlir,
// with SIGN substituted (i8 or u8) and ZP the zero point.
func.func @main(%x: tensor<?x2x4x4xf32>) -> tensor<?x3x4x4xf32> {
  %q = dfq.quantize %x {params = #dfq.qparams<SIGN, asymmetric, scales = [0.5], zero_points = [ZP]>} : tensor<?x2x4x4xf32> -> tensor<?x2x4x4x!quant.uniform<SIGN:f32, 0.5:ZP>>
  %w = dfq.qconstant dense<[[[[1, -2, 3], [0, 1, 0], [-1, 2, -3]], [[4, 0, -4], [1, 1, 1], [0, 0, 0]]], [[[2, 2, 2], [2, 2, 2], [2, 2, 2]], [[-1, -1, -1], [-1, -1, -1], [-1, -1, -1]]], [[[0, 0, 0], [0, 7, 0], [0, 0, 0]], [[0, 0, 0], [0, -8, 0], [0, 0, 0]]]]> : tensor<3x2x3x3xi8> : tensor<3x2x3x3x!quant.uniform<i8:f32, 0.25>>
  %b = arith.constant dense<[1, -2, 3]> : tensor<3xi32>
  %y = dfq.qconv2d %q, %w, %b {pads = array<i64: 1, 1, 1, 1>, multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x2x4x4x!quant.uniform<SIGN:f32, 0.5:ZP>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 0.25>>, tensor<3xi32>) -> tensor<?x3x4x4x!quant.uniform<SIGN:f32, 0.25:ZP>> loc("conv")
  %d = dfq.dequantize %y : tensor<?x3x4x4x!quant.uniform<SIGN:f32, 0.25:ZP>> -> tensor<?x3x4x4xf32>
  return %d : tensor<?x3x4x4xf32>
}
