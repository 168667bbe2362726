// The networks of activations.mlir and unfolded-batchnorm.mlir as x86
// libraries agree with the interpreter.
// REQUIRES: x86-avx512-vnni
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py activations %t --seed 4
// RUN: dfq-compile %t/model.onnx --calib none --target x86 -o %t/x86 >/dev/null 2>&1
// RUN: dfq-run %t/x86 --input %t/x.npy --output %t/x86.npy >/dev/null 2>&1
// RUN: dfq-run %t/x86/model.mlir --input %t/x.npy --output %t/ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/x86.npy %t/ref.npy --atol 1e-5 | FileCheck %s

// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK

// And the pre-activation network of unfolded-batchnorm.mlir.
// RUN: %python %S/torch_export_gen.py preact %t/preact --seed 5
// RUN: dfq-compile %t/preact/model.onnx --calib none --target x86 -o %t/preact/x86 >/dev/null 2>&1
// RUN: dfq-run %t/preact/x86 --input %t/preact/x.npy --output %t/preact/x86.npy >/dev/null 2>&1
// RUN: dfq-run %t/preact/x86/model.mlir --input %t/preact/x.npy --output %t/preact/ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/preact/x86.npy %t/preact/ref.npy --atol 1e-5 | FileCheck %s
