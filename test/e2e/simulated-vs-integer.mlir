// Simulated quantization (fake quantization in real arithmetic, dfq-run
// --simulate) and exact integer execution give identical outputs on every zoo
// model, at 8 and at 4 bits, with first/last layers at the same bits so that
// every layer is sub-byte in the W4A4 case. docs/design.md, "Simulated
// quantization", says why they must agree.
// RUN: rm -rf %t && mkdir -p %t
// RUN: for m in resnet mobilenetv2 mlp; do \
// RUN:   for bits in 8 4; do \
// RUN:     dfq-compile %models/$m.onnx -o %t/$m-$bits --calib none --wbits $bits --abits $bits --first-last-bits same 2>/dev/null && \
// RUN:     dfq-run %t/$m-$bits --limit 256 --output %t/$m-$bits/int.npy 2>/dev/null >/dev/null && \
// RUN:     dfq-run %t/$m-$bits --limit 256 --simulate --output %t/$m-$bits/sim.npy 2>/dev/null >/dev/null && \
// RUN:     echo "$m W${bits}A${bits}: `%python %S/compare_npy.py %t/$m-$bits/sim.npy %t/$m-$bits/int.npy --atol 0 | tr '\n' ' '`" || exit 1; \
// RUN:   done; \
// RUN: done | FileCheck %s

// CHECK: resnet W8A8: max_abs_diff=0 argmax_agree=256/256 OK
// CHECK: resnet W4A4: max_abs_diff=0 argmax_agree=256/256 OK
// CHECK: mobilenetv2 W8A8: max_abs_diff=0 argmax_agree=256/256 OK
// CHECK: mobilenetv2 W4A4: max_abs_diff=0 argmax_agree=256/256 OK
// CHECK: mlp W8A8: max_abs_diff=0 argmax_agree=256/256 OK
// CHECK: mlp W4A4: max_abs_diff=0 argmax_agree=256/256 OK
