// The portable C libraries (dfq-compile --target c: plain C99 kernels, the
// same host compiler and runtime as x86) against the reference interpreter
// on every zoo model, at W8A8 and with every layer at W4A4. No REQUIRES:
// the library runs on any machine. The quantized layers are bit-exact
// (unittests/CKernelTest.cpp sweeps the kernels); the float ops between them
// may round differently from ATen's reductions in the last bit, hence the
// tolerance and identical predictions. Batches of 37 split over 2 threads,
// and single samples on a team of 2 that splits every layer's rows: the
// same bits.
// RUN: rm -rf %t && mkdir -p %t
// RUN: for m in resnet mobilenetv2 mlp; do \
// RUN:   for bits in 8 4; do \
// RUN:     dfq-compile %models/$m.onnx -o %t/$m-$bits --calib none --wbits $bits --abits $bits --first-last-bits same --target c 2>/dev/null && \
// RUN:     dfq-run %t/$m-$bits --limit 256 --batch 37 --threads 2 --output %t/$m-$bits/c.npy --json 2>/dev/null > %t/$m-$bits/c.json && \
// RUN:     dfq-run %t/$m-$bits --limit 64 --batch 1 --threads 2 --output %t/$m-$bits/team.npy 2>/dev/null >/dev/null && \
// RUN:     dfq-run %t/$m-$bits/model.mlir --limit 256 --output %t/$m-$bits/ref.npy 2>/dev/null >/dev/null && \
// RUN:     %python -c "import numpy as np; np.save('%t/$m-$bits/c64.npy', np.load('%t/$m-$bits/c.npy')[:64])" && \
// RUN:     echo "$m W${bits}A${bits}: `grep -o '"executor":"[a-z0-9]*"' %t/$m-$bits/c.json` `%python %S/compare_npy.py %t/$m-$bits/c.npy %t/$m-$bits/ref.npy --atol 0.05 | tr '\n' ' '` team: `%python %S/compare_npy.py %t/$m-$bits/team.npy %t/$m-$bits/c64.npy --atol 0 | tr '\n' ' '`" || exit 1; \
// RUN:   done; \
// RUN: done | FileCheck %s

// CHECK: resnet W8A8: "executor":"c" max_abs_diff={{.*}} argmax_agree=256/256 OK team: max_abs_diff=0 argmax_agree=64/64 OK
// CHECK: resnet W4A4: "executor":"c" max_abs_diff={{.*}} argmax_agree=256/256 OK team: max_abs_diff=0 argmax_agree=64/64 OK
// CHECK: mobilenetv2 W8A8: "executor":"c" max_abs_diff={{.*}} argmax_agree=256/256 OK team: max_abs_diff=0 argmax_agree=64/64 OK
// CHECK: mobilenetv2 W4A4: "executor":"c" max_abs_diff={{.*}} argmax_agree=256/256 OK team: max_abs_diff=0 argmax_agree=64/64 OK
// CHECK: mlp W8A8: "executor":"c" max_abs_diff={{.*}} argmax_agree=256/256 OK team: max_abs_diff=0 argmax_agree=64/64 OK
// CHECK: mlp W4A4: "executor":"c" max_abs_diff={{.*}} argmax_agree=256/256 OK team: max_abs_diff=0 argmax_agree=64/64 OK
