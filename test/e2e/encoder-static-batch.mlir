// A transformer encoder layer over a class token and the pixels, exported
// with a static batch of 1, as
// torchvision's vision transformers are imported (--input-shape 1x3x224x224):
// nn.MultiheadAttention computes in [tokens, batch * heads, features], so
// activations do not lead with the batch. The interpreter matches PyTorch;
// dfq-lead-with-batch gives those activations a leading 1, and the C and x86
// libraries compute what the interpreter does, at any batch (one static
// batch after the other). ZeroQ/DSG fit their images as one batch and say
// why a static batch of 1 cannot take 4 of them.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py encoder %t --seed 5 --static-batch
// RUN: dfq-translate --import-onnx %t/model.onnx | FileCheck %s --check-prefix=IMPORT
// RUN: dfq-run %t/model.onnx --input %t/x.npy --output %t/y.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/y.npy %t/expected.npy --atol 1e-5 | FileCheck %s
// RUN: not dfq-compile %t/model.onnx -o %t/dsg --samples 4 --iterations 3 2>&1 | FileCheck %s --check-prefix=DSG
// RUN: dfq-compile %t/model.onnx --calib none --target c -o %t/c >/dev/null 2>&1
// RUN: dfq-opt %t/c/model.mlir --pass-pipeline='builtin.module(func.func(dfq-lead-with-batch))' | FileCheck %s --check-prefix=LOWERED
// RUN: dfq-run %t/c --input %t/x.npy --output %t/c.npy >/dev/null 2>&1
// RUN: dfq-run %t/c/model.mlir --input %t/x.npy --output %t/c-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c.npy %t/c-ref.npy --atol 1e-6 | FileCheck %s
// RUN: dfq-compile %t/model.onnx --calib none --target %host_x86_target -o %t/x86 >/dev/null 2>&1
// RUN: dfq-run %t/x86 --input %t/x.npy --output %t/x86.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/x86.npy %t/c-ref.npy --atol 1e-6 | FileCheck %s
// The libraries run any batch, one static batch of 1 after the other.
// RUN: dfq-run %t/c --input %t/x.npy --batch 8 --output %t/c8.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c8.npy %t/c-ref.npy --atol 1e-6 | FileCheck %s
// RUN: dfq-run %t/x86 --input %t/x.npy --batch 3 --output %t/x86-3.npy 2>&1 | FileCheck %s --check-prefix=BATCH3
// RUN: %python %S/compare_npy.py %t/x86-3.npy %t/c-ref.npy --atol 1e-6 | FileCheck %s

// The class token is a constant concatenated at batch 1.
// IMPORT: dfq.concat %{{.*}} {axis = 1 : i64} : (tensor<1x1x32xf32>, tensor<1x64x32xf32>) -> tensor<1x65x32xf32>
// IMPORT: dfq.transpose %{{.*}} {perm = array<i64: 1, 0, 2>} : (tensor<1x65x32xf32>) -> tensor<65x1x32xf32>
// IMPORT: dfq.matmul %{{.*}} : (tensor<4x65x8xf32>, tensor<4x8x65xf32>) -> tensor<4x65x65xf32>
// BATCH3: samples 8, batch 3,
// DSG: error: dfq-synthesize: the model's input has a static batch of 1; dsg fits its 4 images as one batch, so the batch must be dynamic (--input-shape ?x...) or equal to --samples
// LOWERED: dfq.transpose %{{.*}} {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x1x65x32x!quant.uniform<{{.*}}>>) -> tensor<1x65x1x32x!quant.uniform<{{.*}}>>
// LOWERED: dfq.matmul %{{.*}} {{.*}}: (tensor<1x4x65x8xf32>, tensor<1x4x8x65xf32>) -> tensor<1x4x65x65xf32>
// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
