// Residual chains that are not the zoo's (Inputs/x86-residual-chains.mlir):
// 20 channels (not a multiple of the vector width), a clip after the add, a
// quantized residual read by the kernel, and two chains whose residual is a
// float computed in NCHW (after a max pooling; after an add of two
// layouts), which dfq-convert-layouts transposes to NHWC where it is
// computed, so that all three chains are fused. The fused library gives the
// bits of the unfused one (one thread and a team of 2 that splits rows) and
// agrees with the interpreter up to the float ops' summation order
// (pooling, the output gemm).
// REQUIRES: x86-avx512-vnni
// RUN: rm -rf %t && mkdir -p %t
// RUN: dfq-compile %S/Inputs/x86-residual-chains.mlir -o %t/fused --calib none --target x86 --fuse-residuals 2>&1 | FileCheck %s --check-prefix=BUILD
// RUN: dfq-compile %S/Inputs/x86-residual-chains.mlir -o %t/host --calib none --target x86 2>/dev/null
// RUN: grep -o '"[a-z_]*residual_chains": [0-9]*' %t/fused/report.json | FileCheck %s --check-prefix=REPORT
// RUN: grep -o 'fused = \[[^]]*\]' %t/fused/model.mlir | FileCheck %s --check-prefix=IR
// RUN: dfq-run %t/fused --limit 512 --output %t/fused.npy >/dev/null 2>&1
// RUN: dfq-run %t/host --limit 512 --output %t/host.npy >/dev/null 2>&1
// RUN: dfq-run %t/fused --limit 512 --batch 1 --threads 2 --output %t/team.npy >/dev/null 2>&1
// RUN: dfq-run %t/fused/model.mlir --limit 512 --output %t/ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/fused.npy %t/host.npy --atol 0 | FileCheck %s
// RUN: %python %S/compare_npy.py %t/team.npy %t/host.npy --atol 0 | FileCheck %s
// RUN: %python %S/compare_npy.py %t/fused.npy %t/ref.npy --atol 1e-3 | FileCheck %s --check-prefix=REF

// BUILD: built libmodel.so (4 kernels in {{[0-9]+}} objects, {{[0-9]+}} from the kernel cache, arena {{[0-9]+}} bytes per sample, 3 residual chains in kernel epilogues
// REPORT: "fused_residual_chains": 3
// IR: fused = ["dfq.dequantize", "dfq.dequantize", "dfq.add", "dfq.clip"]
// IR-NEXT: fused = ["dfq.dequantize", "dfq.add", "dfq.relu", "dfq.quantize"]
// IR-NEXT: fused = ["dfq.dequantize", "dfq.add"]
// CHECK: max_abs_diff=0 argmax_agree=512/512
// CHECK-NEXT: OK
// REF: argmax_agree=512/512
// REF-NEXT: OK
