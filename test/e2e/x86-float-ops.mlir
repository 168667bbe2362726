// Float ops between quantized layers on the x86 target: dequantize, clip,
// ReLU, add and quantize fuse into one host loop, the float output gemm runs
// on the host on its weights' codes, and the library agrees with the
// interpreter. The output
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
// The output gemm's weights are quantized: stored as their 8-bit codes and
// dequantized as the gemm reads them.
// CODE: static const int8_t dfq_constant_[[W:[0-9]+]][32] =
// CODE-NEXT: "{{(\\[0-7]{3})+}}";
// CODE: static const int32_t dfq_constant_[[W]]_zero_points[] = {
// CODE: static const float dfq_constant_[[W]]_scales[] = {
// CODE: /* fused: dfq.dequantize, dfq.clip, dfq.relu, dfq.add, dfq.quantize, dfq.dequantize */
// CODE: dfq_rt_clip_one(v0, -0x1p-1f, 0x1.8p-1f)
// CODE: dfq_rt_gemm_codes({{.*}}, dfq_constant_[[W]], dfq_constant_[[W]]_zero_points, dfq_constant_[[W]]_scales, NULL, {{.*}}, n, 8, 4);
// CHECK: argmax_agree=256/256
// CHECK-NEXT: OK
