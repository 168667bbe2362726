// DenseNet's pre-activation BatchNorm, after a concatenation where no
// convolution can absorb it, becomes a per-channel affine in dfq-fold-bn
// and runs between quantized layers (channels-last, as the convolutions
// around it); MNASNet's x.mean([2, 3]) imports as a
// global pooling. The network (torch.onnx.export) runs with PyTorch's
// numerics, compiles with data-free calibration, and its C library agrees
// with the interpreter.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py preact %t --seed 5
// RUN: dfq-run %t/model.onnx --input %t/x.npy --output %t/y.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/y.npy %t/expected.npy --atol 1e-4 | FileCheck %s
// RUN: dfq-compile %t/model.onnx --target c -o %t/c --samples 4 --iterations 3 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --check-prefix=MODEL < %t/c/model.mlir
// RUN: dfq-run %t/c --input %t/x.npy --output %t/c.npy >/dev/null 2>&1
// RUN: dfq-run %t/c/model.mlir --input %t/x.npy --output %t/c-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c.npy %t/c-ref.npy --atol 1e-5 | FileCheck %s

// REMARK: remark: batch_norm not folded: its input is not produced by dfq.conv2d or dfq.gemm (it is the result of 'dfq.relu'); it is now a per-channel affine (dfq.mul, dfq.add)
// REMARK: remark: batch_norm not folded: its input is not produced by dfq.conv2d or dfq.gemm (it is the result of 'dfq.concat'); it is now a per-channel affine (dfq.mul, dfq.add)
// MODEL-NOT: dfq.batch_norm
// MODEL: dfq.concat
// MODEL: dfq.mul %{{.*}}, %{{.*}} {{.*}}: (tensor<?x28x28x16xf32>, tensor<1x1x1x16xf32>) -> tensor<?x28x28x16xf32>
// MODEL-NEXT: dfq.add
// MODEL: dfq.qavg_pool2d
// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
