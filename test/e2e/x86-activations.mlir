// The network of activations.mlir as an x86 library agrees with the
// interpreter.
// REQUIRES: x86-avx512-vnni
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py activations %t --seed 4
// RUN: dfq-compile %t/model.onnx --calib none --target x86 -o %t/x86 >/dev/null 2>&1
// RUN: dfq-run %t/x86 --input %t/x.npy --output %t/x86.npy >/dev/null 2>&1
// RUN: dfq-run %t/x86/model.mlir --input %t/x.npy --output %t/ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/x86.npy %t/ref.npy --atol 1e-5 | FileCheck %s

// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
