// RUN: dfq-opt %s --split-input-file --dfq-quantize-skips | FileCheck %s
// On a residual network end to end: the pass rewrites its skip
// connections and the C library agrees with the interpreter on the new IR
// (up to the float gemm's last-bit rounding, docs/x86.md "Exactness").
// RUN: rm -rf %t && mkdir -p %t
// RUN: dfq-compile %S/../e2e/Inputs/x86-residual-chains.mlir --calib none --target c -o %t/float >/dev/null 2>&1
// RUN: dfq-compile %S/../e2e/Inputs/x86-residual-chains.mlir --calib none --target c --quantize-skips -o %t/codes 2>&1 | FileCheck %s --check-prefix=PIPELINE
// RUN: dfq-opt %t/float/model.mlir --pass-pipeline='builtin.module(func.func(dfq-quantize-skips{summary=true}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: dfq-run %t/codes --limit 256 --output %t/lib.npy >/dev/null 2>&1
// RUN: dfq-run %t/codes --executor ref --limit 256 --output %t/ref.npy >/dev/null 2>&1
// RUN: %python %S/../e2e/compare_npy.py %t/lib.npy %t/ref.npy --atol 1e-3 | FileCheck %s --check-prefix=LIB
// PIPELINE: func.func(dfq-quantize),func.func(dfq-quantize-skips),
// COUNT: remark: dfq-quantize-skips: {{[1-9][0-9]*}} residual operands read from their quantization
// LIB: argmax_agree=256/256
// LIB-NEXT: OK

// A block output %r feeds the next convolution through its quantization
// and the next add directly: the add reads the codes instead.
// CHECK-LABEL: func.func @residual
// CHECK: %[[Q:.*]] = dfq.quantize %[[R:.*]] {
// CHECK-NEXT: %[[D:.*]] = dfq.dequantize %[[Q]]
// CHECK: %[[C:.*]] = dfq.qconv2d %[[Q]]
// CHECK: %[[F:.*]] = dfq.dequantize %[[C]]
// CHECK: dfq.add %[[F]], %[[D]]
!q = !quant.uniform<u8:f32, 0.5:3>
func.func @residual(%x: tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32> {
  %r = dfq.relu %x : tensor<?x4x8x8xf32>
  %q = dfq.quantize %r {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<?x4x8x8xf32> -> tensor<?x4x8x8x!q>
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>
  %c = dfq.qconv2d %q, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x4x8x8x!q>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x4x8x8x!q>
  %f = dfq.dequantize %c : tensor<?x4x8x8x!q> -> tensor<?x4x8x8xf32>
  %y = dfq.add %f, %r : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  return %y : tensor<?x4x8x8xf32>
}

// -----

// Left alone: a float operand without a quantization, a broadcasting add,
// and an add before the value's quantization.
// CHECK-LABEL: func.func @untouched
// CHECK: dfq.add %arg0, %arg1
// CHECK: dfq.add %[[A:.*]], %arg2
// CHECK: dfq.add %arg0, %arg0
// CHECK: dfq.quantize %arg0
func.func @untouched(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>, %c: tensor<1x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4x!quant.uniform<u8:f32, 0.5:3>>) {
  %s = dfq.add %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %t = dfq.add %s, %c : (tensor<?x4xf32>, tensor<1x4xf32>) -> tensor<?x4xf32>
  %u = dfq.add %a, %a : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %q = dfq.quantize %a {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3]>} : tensor<?x4xf32> -> tensor<?x4x!quant.uniform<u8:f32, 0.5:3>>
  return %t, %u, %q : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4x!quant.uniform<u8:f32, 0.5:3>>
}
