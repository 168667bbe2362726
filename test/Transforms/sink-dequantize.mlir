// RUN: dfq-opt %s --split-input-file --dfq-sink-dequantize | FileCheck %s
// The rewrites are exact: the interpreter gives the same bits before and
// after them on a net whose max pooling follows a convolution and its ReLU
// (and after dfq-convert-layouts, which then pools channels-last codes),
// and C libraries, which pool the codes as unsigned (W8A8) and as signed
// bytes (npu8), agree with the interpreter up to the float softmax's
// rounding; so does a float channels-last pooling (after an add).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../Import/onnx_gen.py conv_bn_net %t/net.onnx
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.random.RandomState(0).randn(64, 1, 8, 8).astype(np.float32))"
// RUN: dfq-compile %t/net.onnx --calib none -o %t/q >/dev/null 2>&1
// RUN: dfq-opt %t/q/model.mlir --dfq-sink-dequantize -o %t/sunk.mlir
// RUN: dfq-opt %t/sunk.mlir --dfq-convert-layouts -o %t/nhwc.mlir
// RUN: FileCheck %s --check-prefix=MODEL < %t/nhwc.mlir
// RUN: dfq-run %t/q/model.mlir --input %t/x.npy --output %t/q.npy >/dev/null 2>&1
// RUN: dfq-run %t/sunk.mlir --input %t/x.npy --output %t/sunk.npy >/dev/null 2>&1
// RUN: dfq-run %t/nhwc.mlir --input %t/x.npy --output %t/nhwc.npy >/dev/null 2>&1
// RUN: %python %S/../e2e/compare_npy.py %t/q.npy %t/sunk.npy --atol 0 | FileCheck %s --check-prefix=SAME
// RUN: %python %S/../e2e/compare_npy.py %t/q.npy %t/nhwc.npy --atol 0 | FileCheck %s --check-prefix=SAME
// RUN: dfq-compile %t/net.onnx --calib none --target c -o %t/c >/dev/null 2>&1
// RUN: dfq-run %t/c --input %t/x.npy --output %t/c.npy >/dev/null 2>&1
// RUN: %python %S/../e2e/compare_npy.py %t/c.npy %t/q.npy --atol 1e-6 | FileCheck %s --check-prefix=LIB
// RUN: dfq-compile %t/net.onnx --calib none --target c --target-file %S/../../docs/targets/npu8.target -o %t/npu8 >/dev/null 2>&1
// RUN: dfq-run %t/npu8 --input %t/x.npy --output %t/npu8.npy >/dev/null 2>&1
// RUN: dfq-run %t/npu8/model.mlir --input %t/x.npy --output %t/npu8-ref.npy >/dev/null 2>&1
// RUN: %python %S/../e2e/compare_npy.py %t/npu8.npy %t/npu8-ref.npy --atol 1e-6 | FileCheck %s --check-prefix=LIB
// RUN: FileCheck %s --check-prefix=SIGNED < %t/npu8/model.mlir
// RUN: dfq-compile %S/../e2e/Inputs/x86-residual-chains.mlir --calib none --target c -o %t/float-pool >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=FLOAT-POOL < %t/float-pool/model.mlir
// RUN: dfq-run %t/float-pool --limit 256 --output %t/float-pool.npy >/dev/null 2>&1
// RUN: dfq-run %t/float-pool/model.mlir --limit 256 --output %t/float-pool-ref.npy >/dev/null 2>&1
// RUN: %python %S/../e2e/compare_npy.py %t/float-pool.npy %t/float-pool-ref.npy --atol 1e-3 | FileCheck %s --check-prefix=REF
// SAME: max_abs_diff=0 argmax_agree=64/64
// LIB: argmax_agree=64/64
// LIB-NEXT: OK
// REF: argmax_agree=256/256
// MODEL: dfq.max_pool2d %{{.*}} {channels_last, {{.*}}} : (tensor<?x8x8x4x!quant.uniform<u8:f32
// SIGNED: dfq.max_pool2d %{{.*}} {channels_last, {{.*}}} : (tensor<?x8x8x4x!quant.uniform<i8:f32
// FLOAT-POOL: dfq.max_pool2d %{{.*}} {channels_last, {{.*}}} : (tensor<?x28x28x20xf32>)

!q = tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
!qp = tensor<?x4x4x4x!quant.uniform<u8:f32, 0.25:8>>
!f = tensor<?x4x8x8xf32>
!p = tensor<?x4x4x4xf32>

// The pooling reads the codes; only its result is dequantized, and it
// keeps the range calibration recorded for the pooled floats. A
// quantization of the pooled floats into the codes' own type is the codes.
// CHECK-LABEL: func.func @pool_codes
// CHECK-NEXT: %[[P:.*]] = dfq.max_pool2d %arg0 {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x4x8x8x!quant.uniform<u8:f32, 2.500000e-01:8>>) -> tensor<?x4x4x4x!quant.uniform<u8:f32, 2.500000e-01:8>>
// CHECK-NEXT: %[[D:.*]] = dfq.dequantize %[[P]] {dfq.range = array<f64: 0.000000e+00, 6.000000e+00>}
// CHECK-NEXT: %[[Q:.*]] = dfq.quantize %[[D]] {{.*}} -> tensor<?x4x4x4x!quant.uniform<u8:f32, 5.000000e-01:8>>
// CHECK-NEXT: return %[[D]], %[[P]], %[[Q]]
func.func @pool_codes(%x: !q) -> (!p, !qp, tensor<?x4x4x4x!quant.uniform<u8:f32, 0.5:8>>) {
  %d = dfq.dequantize %x : !q -> !f
  %p = dfq.max_pool2d %d {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, dfq.range = array<f64: 0.0, 6.0>} : (!f) -> !p
  %same = dfq.quantize %p {params = #dfq.qparams<u8, asymmetric, scales = [0.25], zero_points = [8]>} : !p -> !qp
  %other = dfq.quantize %p {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [8]>} : !p -> tensor<?x4x4x4x!quant.uniform<u8:f32, 0.5:8>>
  return %p, %same, %other : !p, !qp, tensor<?x4x4x4x!quant.uniform<u8:f32, 0.5:8>>
}

// -----

// A dequantization with other readers stays for them; signed codes pool
// too (the runtime compares them as signed bytes).
// CHECK-LABEL: func.func @shared_signed
// CHECK-NEXT: %[[D:.*]] = dfq.dequantize %arg0
// CHECK-NEXT: %[[P:.*]] = dfq.max_pool2d %arg0 {{.*}} -> tensor<?x2x2x2x!quant.uniform<i8:f32, 1.000000e-01:-3>>
// CHECK-NEXT: %[[PD:.*]] = dfq.dequantize %[[P]]
// CHECK-NEXT: return %[[D]], %[[PD]]
func.func @shared_signed(%x: tensor<?x2x4x4x!quant.uniform<i8:f32, 0.1:-3>>) -> (tensor<?x2x4x4xf32>, tensor<?x2x2x2xf32>) {
  %d = dfq.dequantize %x : tensor<?x2x4x4x!quant.uniform<i8:f32, 0.1:-3>> -> tensor<?x2x4x4xf32>
  %p = dfq.max_pool2d %d {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x2x4x4xf32>) -> tensor<?x2x2x2xf32>
  return %d, %p : tensor<?x2x4x4xf32>, tensor<?x2x2x2xf32>
}

// -----

// Not rewritten: a pooling of floats that are not a dequantization, and a
// dequantization to f16 (which rounds differently).
// CHECK-LABEL: func.func @left_alone
// CHECK-NEXT: dfq.max_pool2d %arg0
// CHECK-NEXT: dfq.dequantize %arg1
// CHECK-NEXT: dfq.max_pool2d {{.*}} : (tensor<?x2x4x4xf16>)
func.func @left_alone(%x: tensor<?x2x4x4xf32>, %q: tensor<?x2x4x4x!quant.uniform<u8:f16, 0.1:3>>) -> (tensor<?x2x2x2xf32>, tensor<?x2x2x2xf16>) {
  %p = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x2x4x4xf32>) -> tensor<?x2x2x2xf32>
  %d = dfq.dequantize %q : tensor<?x2x4x4x!quant.uniform<u8:f16, 0.1:3>> -> tensor<?x2x4x4xf16>
  %h = dfq.max_pool2d %d {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x2x4x4xf16>) -> tensor<?x2x2x2xf16>
  return %p, %h : tensor<?x2x2x2xf32>, tensor<?x2x2x2xf16>
}
