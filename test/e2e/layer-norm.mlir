// ConvNeXt's pieces written by torch.onnx.export: LayerNorm2d (permute,
// LayerNorm over channels, permute back), a block whose Linear layers
// multiply a rank-4 channels-last activation (MatMul by a constant, imported
// as a dfq.gemm over every pixel, its Add as the bias), GELU and a layer
// scale, then x.pow(2).mean(1) and x.mean([-1, -2]) (ReduceMean over other
// axes than H and W, and the spatial mean as a global pooling), a LayerNorm on [N, C] and the classifier. Opset 17
// writes LayerNormalization; opset 13 the decomposed form (ReduceMean, Sub,
// Pow, Sqrt, Div), imported op by op. Both run with PyTorch's numerics and
// compile to C and x86 libraries whose quantized
// gemms over [N, H, W, C] agree with the interpreter. Without BatchNorm
// statistics DSG has nothing to match and says what to use instead.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py convnext %t/17 --seed 6 --opset 17
// RUN: %python %S/torch_export_gen.py convnext %t/13 --seed 6 --opset 13
// RUN: dfq-translate --import-onnx %t/17/model.onnx | FileCheck %s --check-prefix=IMPORT
// RUN: dfq-translate --import-onnx %t/13/model.onnx | FileCheck %s --check-prefix=DECOMPOSED
// RUN: dfq-run %t/17/model.onnx --input %t/17/x.npy --output %t/17/y.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/17/y.npy %t/17/expected.npy --atol 1e-5 | FileCheck %s
// RUN: dfq-run %t/13/model.onnx --input %t/13/x.npy --output %t/13/y.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/13/y.npy %t/13/expected.npy --atol 1e-5 | FileCheck %s
// RUN: not dfq-compile %t/17/model.onnx -o %t/dsg --samples 4 --iterations 3 2>&1 | FileCheck %s --check-prefix=DSG
// RUN: dfq-compile %t/17/model.onnx --calib none --target c -o %t/c --keep-sources >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=CODE < %t/c/build/model.c
// RUN: dfq-run %t/c --input %t/17/x.npy --output %t/c.npy >/dev/null 2>&1
// RUN: dfq-run %t/c/model.mlir --input %t/17/x.npy --output %t/c-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c.npy %t/c-ref.npy --atol 1e-5 | FileCheck %s
// RUN: dfq-compile %t/13/model.onnx --calib none --target %host_x86_target -o %t/x86 >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=X86 < %t/x86/model.mlir
// RUN: dfq-run %t/x86 --input %t/13/x.npy --output %t/x86.npy >/dev/null 2>&1
// RUN: dfq-run %t/x86/model.mlir --input %t/13/x.npy --output %t/x86-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/x86.npy %t/x86-ref.npy --atol 1e-5 | FileCheck %s

// IMPORT: dfq.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.9999999747524271E-7 : f64} : (tensor<?x7x7x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x7x7x16xf32>
// IMPORT: dfq.gemm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x7x7x16xf32>, tensor<64x16xf32>, tensor<64xf32>) -> tensor<?x7x7x64xf32>
// IMPORT: dfq.erf
// IMPORT: dfq.gemm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x7x7x64xf32>, tensor<16x64xf32>, tensor<16xf32>) -> tensor<?x7x7x16xf32>
// IMPORT: dfq.mul %[[X:.*]], %[[X]] : (tensor<?x16x7x7xf32>, tensor<?x16x7x7xf32>)
// IMPORT: dfq.reduce_mean %{{.*}} {axes = array<i64: 1>} : (tensor<?x16x7x7xf32>) -> tensor<?x1x7x7xf32>
// IMPORT: dfq.sqrt
// IMPORT: dfq.global_avg_pool
// IMPORT: dfq.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.9999997473787516E-6 : f64} : (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
// DECOMPOSED-NOT: dfq.layer_norm
// DECOMPOSED: dfq.reduce_mean %{{.*}} {axes = array<i64: 3>} : (tensor<?x7x7x16xf32>) -> tensor<?x7x7x1xf32>
// DECOMPOSED: dfq.sub
// DECOMPOSED: dfq.mul
// DECOMPOSED: dfq.sqrt
// DSG: error: dfq-synthesize: ZeroQ/DSG need BatchNorm statistics; the model has none (a LayerNorm model such as ConvNeXt or a vision transformer calibrates on Gaussian images, --calib none, or on real images, --calib real:DIR)
// CODE: dfq_rt_layer_norm(
// CODE: dfq_rt_reduce(DFQ_RT_REDUCE_MEAN,
// X86: dfq.qgemm {{.*}}symbol = "dfq_kernel_{{[0-9]+}}__2_up_MatMul"{{.*}} : (tensor<?x7x7x16x!quant.uniform
// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
