// Two-head self-attention over pixels as tokens, as torch.onnx.export writes
// it with the batch kept leading: Linear layers on [N, T, C] (dfq.gemm over
// every token, quantized), heads by reshape and transpose, q @ k^T and
// softmax @ v (dfq.matmul of two activations, in float on the host), a
// LayerNorm and a token mean. It runs with PyTorch's numerics; C and x86
// libraries agree with the interpreter. Exported with a static batch of 1
// (--input-shape 1x1x28x28), calibration and the per-layer report run one
// image at a time and the library takes one image per call.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py attention %t --seed 7 --opset 17
// RUN: dfq-translate --import-onnx %t/model.onnx | FileCheck %s --check-prefix=IMPORT
// RUN: dfq-run %t/model.onnx --input %t/x.npy --output %t/y.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/y.npy %t/expected.npy --atol 1e-5 | FileCheck %s
// RUN: dfq-compile %t/model.onnx --calib none --target c -o %t/c --keep-sources >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=CODE < %t/c/build/model.c
// RUN: dfq-run %t/c --input %t/x.npy --output %t/c.npy >/dev/null 2>&1
// RUN: dfq-run %t/c/model.mlir --input %t/x.npy --output %t/c-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c.npy %t/c-ref.npy --atol 1e-5 | FileCheck %s
// RUN: dfq-compile %t/model.onnx --calib none --target %host_x86_target -o %t/x86 >/dev/null 2>&1
// RUN: dfq-run %t/x86 --input %t/x.npy --output %t/x86.npy >/dev/null 2>&1
// RUN: dfq-run %t/x86/model.mlir --input %t/x.npy --output %t/x86-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/x86.npy %t/x86-ref.npy --atol 1e-5 | FileCheck %s
// RUN: dfq-compile %t/model.onnx --input-shape 1x1x28x28 --calib none --target c -o %t/static >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=STATIC < %t/static/model.mlir
// RUN: dfq-run %t/static --input %t/x.npy --output %t/static.npy 2>&1 | FileCheck %s --check-prefix=ONE-AT-A-TIME
// RUN: dfq-run %t/static/model.mlir --input %t/x.npy --output %t/static-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/static.npy %t/static-ref.npy --atol 1e-5 | FileCheck %s

// IMPORT: dfq.layer_norm %{{.*}} : (tensor<?x64x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x64x16xf32>
// IMPORT: dfq.gemm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x64x16xf32>, tensor<16x16xf32>, tensor<16xf32>) -> tensor<?x64x16xf32>
// IMPORT: dfq.matmul %{{.*}}, %{{.*}} : (tensor<?x2x64x8xf32>, tensor<?x2x8x64xf32>) -> tensor<?x2x64x64xf32>
// IMPORT: dfq.softmax
// IMPORT: dfq.matmul %{{.*}}, %{{.*}} : (tensor<?x2x64x64xf32>, tensor<?x2x64x8xf32>) -> tensor<?x2x64x8xf32>
// CODE: dfq_rt_layer_norm(
// CODE: dfq_rt_matmul({{.*}}, n * 2, 64, 8, 64);
// CODE: dfq_rt_softmax(
// CODE: dfq_rt_matmul({{.*}}, n * 2, 64, 64, 8);
// STATIC: func.func @main(%{{.*}}: tensor<1x1x28x28xf32>
// ONE-AT-A-TIME: samples 8, batch 1,
// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
