// Every zoo model compiled with --target c for the two example accelerator
// descriptions in docs/targets/ (an 8-bit NPU with per-tensor weights,
// power-of-two scales and signed activations; a 4-bit-weight NPU with
// 24-bit saturating accumulators): the quantized model passes
// dfq-verify-target, and the C library computes what the reference
// interpreter computes for it.
// RUN: rm -rf %t && mkdir -p %t
// RUN: for m in resnet mobilenetv2 mlp; do \
// RUN:   for t in npu8 npu4w8a; do \
// RUN:     dfq-compile %models/$m.onnx -o %t/$m-$t --calib none --target c --target-file %S/../../docs/targets/$t.target 2>/dev/null && \
// RUN:     dfq-opt %t/$m-$t/model.mlir --dfq-verify-target -o /dev/null && \
// RUN:     dfq-run %t/$m-$t --limit 256 --batch 37 --threads 2 --output %t/$m-$t/c.npy 2>/dev/null >/dev/null && \
// RUN:     dfq-run %t/$m-$t/model.mlir --limit 256 --output %t/$m-$t/ref.npy 2>/dev/null >/dev/null && \
// RUN:     echo "$m $t: `%python %S/compare_npy.py %t/$m-$t/c.npy %t/$m-$t/ref.npy --atol 0.05 | tr '\n' ' '`" || exit 1; \
// RUN:   done; \
// RUN: done | FileCheck %s
// The quantization the description asks for is in the library's IR.
// RUN: FileCheck %s --check-prefix=IR < %t/resnet-npu8/model.mlir

// CHECK: resnet npu8: max_abs_diff={{.*}} argmax_agree=256/256 OK
// CHECK: resnet npu4w8a: max_abs_diff={{.*}} argmax_agree=256/256 OK
// CHECK: mobilenetv2 npu8: max_abs_diff={{.*}} argmax_agree=256/256 OK
// CHECK: mobilenetv2 npu4w8a: max_abs_diff={{.*}} argmax_agree=256/256 OK
// CHECK: mlp npu8: max_abs_diff={{.*}} argmax_agree=256/256 OK
// CHECK: mlp npu4w8a: max_abs_diff={{.*}} argmax_agree=256/256 OK
// IR: dfq.target = #dfq.target<"npu8", backend = c,
// IR: dfq.qconv2d {{.*}}dfq.kernel = #dfq.c_kernel<symbol = "dfq_kernel_0_{{[A-Za-z0-9_]*}}", kind = dense>
