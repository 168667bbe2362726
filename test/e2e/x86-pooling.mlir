// Average pooling on channels-last codes in an x86 library
// (dfq.qavg_pool2d, see quantize-pooling.mlir) agrees with the interpreter.
// REQUIRES: x86-avx512-vnni
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py pools %t --seed 3
// RUN: %python -c "import numpy as np; np.save('%t/x64.npy', np.random.RandomState(0).randn(64, 1, 28, 28).astype(np.float32))"
// RUN: dfq-compile %t/model.onnx --calib none --target x86 -o %t/x86 --keep-sources >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=CODE < %t/x86/build/model.c
// RUN: dfq-run %t/x86 --input %t/x64.npy --output %t/x86.npy >/dev/null 2>&1
// RUN: dfq-run %t/x86/model.mlir --input %t/x64.npy --output %t/ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/x86.npy %t/ref.npy --atol 1e-6 | FileCheck %s

// CODE: const int32_t requant[] = {[[ZP:-?[0-9]+]], {{[0-9]+}}, {{[0-9]+}}, {{-?[0-9]+}}, 0, 255, };
// CODE-NEXT: dfq_rt_qavg_pool2d_nhwc_u8(
// CODE: dfq_rt_qavg_pool2d_nhwc_u8(
// CHECK: argmax_agree=64/64
// CHECK-NEXT: OK
