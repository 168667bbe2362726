// MobileNetV3 and EfficientNet pieces written by torch.onnx.export (opset
// 13): Sub and Div normalizing the input, Hardswish (exported as
// HardSigmoid and Mul), a squeeze-and-excitation gate with Hardsigmoid,
// SiLU (Sigmoid and Mul), Tanh, GELU (Erf) and a Sqrt. They import and run with PyTorch's
// numerics, data-free calibration synthesizes images through them, and C
// libraries (where the activations join the fused host loops) agree with
// the interpreter up to their exp (within 2 ulp) and the C library's tanhf
// and erff against ATen's (last bits).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py activations %t --seed 4
// RUN: dfq-translate --import-onnx %t/model.onnx | FileCheck %s --check-prefix=IMPORT
// RUN: dfq-run %t/model.onnx --input %t/x.npy --output %t/y.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/y.npy %t/expected.npy --atol 1e-4 | FileCheck %s
// RUN: dfq-compile %t/model.onnx -o %t/dsg --samples 4 --iterations 3 2>&1 | FileCheck %s --check-prefix=DSG
// RUN: dfq-compile %t/model.onnx --calib none --target c -o %t/c --keep-sources >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=CODE < %t/c/build/model.c
// RUN: dfq-run %t/c --input %t/x.npy --output %t/c.npy >/dev/null 2>&1
// RUN: dfq-run %t/c/model.mlir --input %t/x.npy --output %t/c-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c.npy %t/c-ref.npy --atol 1e-5 | FileCheck %s

// IMPORT: dfq.sub %arg0, %{{.*}} : (tensor<?x1x28x28xf32>, tensor<f32>) -> tensor<?x1x28x28xf32>
// IMPORT: dfq.div
// IMPORT: dfq.hard_sigmoid %{{.*}} {alpha = 0.166666672 : f32} : tensor<?x16x14x14xf32>
// IMPORT: dfq.hard_sigmoid %{{.*}} {alpha = 0.166666672 : f32} : tensor<?x16x1x1xf32>
// IMPORT: dfq.sigmoid
// IMPORT: dfq.tanh
// IMPORT: dfq.erf
// IMPORT: dfq.sqrt
// DSG: dfq-compile: wrote {{.*}}model.mlir
// Loops over one 8-bit code whose functions cost more than a lookup
// (sigmoid, tanh, the GELU with its scalar constants) fill 256-entry
// tables once, when the library is loaded, and look their values up.
// CODE: static void fill_tables(void) {
// CODE: dfq_rt_sigmoid_one(v0);
// CODE: dfq_lookup_0[q] = v3;
// CODE: tanhf(
// CODE: erff(v1);
// CODE: sqrtf(
// CODE: dfq_lookup_2[q] = v8;
// CODE: static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
// The input's normalization reads its scalar constants in the loop that
// quantizes it, and the gate [N, C, 1, 1] multiplies its activation in a
// loop of its own.
// CODE-NOT: dfq_rt_binary
// CODE: /* fused: dfq.sub, dfq.div, dfq.quantize */
// CODE: /* fused: dfq.dequantize, dfq.hard_sigmoid, dfq.mul
// CODE: dfq_rt_hard_sigmoid_one(v0, 0x1.555556p-3f, 0x1p-1f)
// CODE: /* fused: dfq.mul, dfq.quantize */
// CODE: /* fused: dfq.dequantize, dfq.sigmoid, dfq.mul, dfq.quantize (table) */
// CODE: out3[i] = dfq_lookup_0[q];
// CODE: /* fused: dfq.dequantize, dfq.tanh, dfq.quantize (table) */
// CODE: /* fused: dfq.dequantize, dfq.div, dfq.erf, dfq.add, dfq.mul, dfq.mul, dfq.sigmoid, dfq.sqrt, dfq.mul (table) */
// CODE: pthread_once(&tables_once, fill_tables)
// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
