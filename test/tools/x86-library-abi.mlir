// An x86 library used from C through model.h alone, as applications use it:
// shapes, a run, and misuse (batch 0, a batch above max_batch, null inputs)
// ending in messages, not crashes. The failed dfq-compile leaves nothing.
// The fingerprint (SHA-256 of model.mlir, a NUL byte and the target, here
// computed by Python) is the same in model.h, report.json and the library.
// REQUIRES: x86-avx512-vnni
// RUN: rm -rf %t && mkdir -p %t
// RUN: dfq-compile %models/mlp.onnx -o %t/mlp --calib none --target x86 2>&1 | FileCheck %s --check-prefix=BUILD
// RUN: ls %t/mlp | FileCheck %s --check-prefix=FILES
// RUN: cc -std=c11 -I%t/mlp %S/Inputs/model_abi_check.c -L%t/mlp -lmodel -Wl,-rpath,%t/mlp -o %t/check
// RUN: %t/check > %t/check.out
// RUN: %python %S/model_fingerprint.py %t/mlp/model.mlir x86-avx512-vnni > %t/expected.fp
// RUN: cat %t/expected.fp %t/mlp/model.h %t/mlp/report.json %t/check.out | FileCheck %s
// A model without quantized layers has no kernel schedule to name the
// target: the library is built for the one asked for.
// RUN: dfq-compile %S/Inputs/affine-model.mlir -o %t/affine --calib none --target x86-avx2 2>/dev/null
// RUN: cc -std=c11 -I%t/affine %S/Inputs/model_abi_check.c -L%t/affine -lmodel -Wl,-rpath,%t/affine -o %t/check-affine
// RUN: %t/check-affine | FileCheck %s --check-prefix=AFFINE

// BUILD: dfq-compile: built libmodel.so (2 kernels in 2 objects, {{[0-9]+}} from the kernel cache, arena {{[0-9]+}} bytes per sample
// FILES-NOT: .dfq-build
// FILES: libmodel.so
// FILES: model.h
// FILES: model.mlir
// FILES: report.html
// FILES: report.json

// AFFINE: abi 3 target x86-avx2 inputs 1 outputs 1

// CHECK: {{^}}[[FP:[0-9a-f]{64}]]{{$}}
// CHECK: #define DFQ_MODEL_FINGERPRINT "[[FP]]"
// CHECK: #define DFQ_MODEL_ABI_VERSION 3
// CHECK: const char *dfq_model_fingerprint(void);
// CHECK: "library": {
// CHECK: "fingerprint": "[[FP]]",
// CHECK: "target": "x86-avx512-vnni"
// CHECK: abi 3 target x86-avx512-vnni inputs 1 outputs 1
// CHECK-NEXT: fingerprint [[FP]], DFQ_MODEL_FINGERPRINT agrees
// CHECK: input rank 4 [-1, 1, 28, 28]
// CHECK: output rank 2 [-1, 10]
// CHECK: bad index: rank -1 shape (nil)
// CHECK: create(0): max_batch must be in [1, 2^24], got 0
// CHECK: run(5): dfq_model_run: batch 5 outside [1, 4]
// CHECK: run(null): dfq_model_run: null model, inputs or outputs
// CHECK: run(4): ok, image 0 and 3 agree: 1, error now ''
// CHECK-NEXT: steps [[STEPS:[0-9]+]], first conversion '/net/net.1/Gemm', last outputs 'outputs', out of range (nil) (nil)
// CHECK-NEXT: profile(null): dfq_model_profile: null model
// CHECK-NEXT: unprofiled: 0 s; profiled: [[STEPS]] of [[STEPS]] steps timed, 0 negative; stopped: unchanged
