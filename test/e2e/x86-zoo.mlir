// The libraries dfq-compile builds for x86 (Halide kernels called with
// their layers' weight tables, some shared between layers; generated host
// code; planned arena) against the reference interpreter on every zoo
// model, at W8A8 and with every layer at W4A4.
// Quantized layers are bit-exact (the kernel sweeps in
// unittests/X86LayerKernelTest.cpp check that); the float ops between them
// (global average pooling, the float output gemm) may round differently
// from ATen's vectorized reductions in the last bit, which moves an output
// by at most one step of a following quantization: hence the tolerance,
// and identical predictions. The library runs batches of 37 split over 2
// threads (sub-batches of 19 and 18 on their own slices of the arena), and
// single samples on a team of 2 threads that splits every layer's rows and
// every fused loop: bit-identical to the split batches ("team: ... 0 ...").
// REQUIRES: x86-avx512-vnni
// RUN: rm -rf %t && mkdir -p %t
// RUN: for m in resnet mobilenetv2 mlp; do \
// RUN:   for bits in 8 4; do \
// RUN:     dfq-compile %models/$m.onnx -o %t/$m-$bits --calib none --wbits $bits --abits $bits --first-last-bits same --target x86 2>/dev/null && \
// RUN:     dfq-run %t/$m-$bits --limit 512 --batch 37 --threads 2 --output %t/$m-$bits/x86.npy --json 2>/dev/null > %t/$m-$bits/x86.json && \
// RUN:     dfq-run %t/$m-$bits --limit 512 --batch 1 --threads 2 --output %t/$m-$bits/team.npy 2>/dev/null >/dev/null && \
// RUN:     dfq-run %t/$m-$bits/model.mlir --limit 512 --output %t/$m-$bits/ref.npy 2>/dev/null >/dev/null && \
// RUN:     echo "$m W${bits}A${bits}: `grep -o '"executor":"[a-z0-9]*"' %t/$m-$bits/x86.json` `%python %S/compare_npy.py %t/$m-$bits/x86.npy %t/$m-$bits/ref.npy --atol 0.05 | tr '\n' ' '` team: `%python %S/compare_npy.py %t/$m-$bits/team.npy %t/$m-$bits/x86.npy --atol 0 | tr '\n' ' '`" || exit 1; \
// RUN:   done; \
// RUN: done | FileCheck %s

// CHECK: resnet W8A8: "executor":"x86" max_abs_diff={{.*}} argmax_agree=512/512 OK team: max_abs_diff=0 argmax_agree=512/512 OK
// CHECK: resnet W4A4: "executor":"x86" max_abs_diff={{.*}} argmax_agree=512/512 OK team: max_abs_diff=0 argmax_agree=512/512 OK
// CHECK: mobilenetv2 W8A8: "executor":"x86" max_abs_diff={{.*}} argmax_agree=512/512 OK team: max_abs_diff=0 argmax_agree=512/512 OK
// CHECK: mobilenetv2 W4A4: "executor":"x86" max_abs_diff={{.*}} argmax_agree=512/512 OK team: max_abs_diff=0 argmax_agree=512/512 OK
// CHECK: mlp W8A8: "executor":"x86" max_abs_diff={{.*}} argmax_agree=512/512 OK team: max_abs_diff=0 argmax_agree=512/512 OK
// CHECK: mlp W4A4: "executor":"x86" max_abs_diff={{.*}} argmax_agree=512/512 OK team: max_abs_diff=0 argmax_agree=512/512 OK
