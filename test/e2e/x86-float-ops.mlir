// Float ops between quantized layers on the x86 target: dequantize, clip,
// ReLU, add and quantize fuse into one host loop, the float output gemm runs
// on the host, and the library agrees with the interpreter. The output
// directory is relative (the build directory must land inside it).
// REQUIRES: x86-avx512-vnni
// RUN: rm -rf %t && mkdir -p %t && cd %t
// RUN: dfq-compile %S/Inputs/x86-float-ops.mlir -o out --calib none --target x86 --keep-sources 2>&1 | FileCheck %s --check-prefix=BUILD
// RUN: ls -a out | FileCheck %s --check-prefix=FILES
// RUN: FileCheck %s --check-prefix=CODE < out/build/model.c
// RUN: dfq-run out --limit 256 --output x86.npy >/dev/null 2>&1
// RUN: dfq-run out --executor ref --limit 256 --output ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py x86.npy ref.npy --atol 1e-5 | FileCheck %s

// BUILD: dfq-compile: built libmodel.so (1 kernels
// FILES-NOT: .dfq-build
// FILES: libmodel.so
// CODE: /* fused: dfq.dequantize, dfq.clip, dfq.relu, dfq.add, dfq.quantize, dfq.dequantize */
// CODE: dfq_rt_clip_one(v0, -0x1p-1f, 0x1.8p-1f)
// CODE: dfq_rt_gemm(
// CHECK: argmax_agree=256/256
// CHECK-NEXT: OK
