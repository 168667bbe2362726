// dfq-fold-bn keeps the function: every BatchNormalization of three exported
// networks (after conv2d, depthwise conv2d and gemm) folds away, and the
// folded module, run by the reference interpreter, still matches PyTorch.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py plain %t/plain
// RUN: dfq-translate --import-onnx %t/plain/model.onnx | dfq-opt --dfq-fold-bn -o %t/plain/folded.mlir
// RUN: FileCheck %s --check-prefix=FOLDED < %t/plain/folded.mlir
// RUN: dfq-run %t/plain/folded.mlir --input %t/plain/x.npy --output %t/plain/y.npy
// RUN: %python %S/compare_npy.py %t/plain/y.npy %t/plain/expected.npy --atol 1e-4 | FileCheck %s
// RUN: %python %S/torch_export_gen.py depthwise %t/depthwise --seed 3
// RUN: dfq-translate --import-onnx %t/depthwise/model.onnx | dfq-opt --dfq-fold-bn -o %t/depthwise/folded.mlir
// RUN: FileCheck %s --check-prefix=FOLDED < %t/depthwise/folded.mlir
// RUN: dfq-run %t/depthwise/folded.mlir --input %t/depthwise/x.npy --output %t/depthwise/y.npy
// RUN: %python %S/compare_npy.py %t/depthwise/y.npy %t/depthwise/expected.npy --atol 1e-4 | FileCheck %s

// FOLDED-NOT: dfq.batch_norm
// FOLDED: func.func @main
// FOLDED-NOT: dfq.batch_norm

// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
