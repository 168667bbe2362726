// A decoder's transposed convolutions as torch.onnx.export writes them:
// stride 2 with output padding and a BatchNorm after it (which cannot fold
// into it and becomes a per-channel affine), grouped without bias, and
// dilated. They import as dfq.conv_transpose2d, run with PyTorch's numerics,
// calibrate data-free, and the C library (float scatter loops on the host)
// agrees with the interpreter.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py deconv %t --seed 10
// RUN: dfq-translate --import-onnx %t/model.onnx | FileCheck %s --check-prefix=IMPORT
// RUN: dfq-run %t/model.onnx --input %t/x.npy --output %t/y.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/y.npy %t/expected.npy --atol 1e-5 | FileCheck %s
// RUN: dfq-compile %t/model.onnx -o %t/dsg --samples 4 --iterations 3 2>&1 | FileCheck %s --check-prefix=DSG
// RUN: dfq-compile %t/model.onnx --calib none --target c -o %t/c --keep-sources >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=CODE < %t/c/build/model.c
// RUN: dfq-run %t/c --input %t/x.npy --output %t/c.npy >/dev/null 2>&1
// RUN: dfq-run %t/c/model.mlir --input %t/x.npy --output %t/c-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c.npy %t/c-ref.npy --atol 1e-5 | FileCheck %s

// IMPORT: dfq.conv_transpose2d %{{.*}}, %{{.*}}, %{{.*}} {output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x8x7x7xf32>, tensor<8x12x3x3xf32>, tensor<12xf32>) -> tensor<?x12x14x14xf32>
// IMPORT: dfq.batch_norm
// IMPORT: dfq.conv_transpose2d %{{.*}}, %{{.*}} {groups = 3 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x12x14x14xf32>, tensor<12x4x4x4xf32>) -> tensor<?x12x28x28xf32>
// IMPORT: dfq.conv_transpose2d %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>} : (tensor<?x12x28x28xf32>, tensor<12x8x3x3xf32>, tensor<8xf32>) -> tensor<?x8x28x28xf32>
// DSG: dfq-compile: wrote {{.*}}model.mlir
// CODE: dfq_rt_conv_transpose2d({{.*}}, n, 8, 7, 7, 12, 14, 14, geometry);
// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
