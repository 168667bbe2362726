// The x86-avx2 target (no AVX-512, no VNNI) against the reference
// interpreter: ResNet and MobileNetV2 at W8A8, identical predictions and the
// tolerance of x86-zoo.mlir.
// REQUIRES: x86-avx2
// RUN: rm -rf %t && mkdir -p %t
// RUN: for m in resnet mobilenetv2; do \
// RUN:   dfq-compile %models/$m.onnx -o %t/$m --calib none --target x86-avx2 2>/dev/null && \
// RUN:   dfq-run %t/$m --limit 256 --output %t/$m/x86.npy 2>/dev/null >/dev/null && \
// RUN:   dfq-run %t/$m/model.mlir --limit 256 --output %t/$m/ref.npy 2>/dev/null >/dev/null && \
// RUN:   echo "$m `%python %S/compare_npy.py %t/$m/x86.npy %t/$m/ref.npy --atol 0.05 | tr '\n' ' '`" || exit 1; \
// RUN: done | FileCheck %s
// RUN: grep -c '#dfq.x86_kernel<isa = avx2,' %t/resnet/model.mlir | FileCheck %s --check-prefix=ATTRS

// CHECK: resnet max_abs_diff={{.*}} argmax_agree=256/256 OK
// CHECK: mobilenetv2 max_abs_diff={{.*}} argmax_agree=256/256 OK
// ATTRS: 15
