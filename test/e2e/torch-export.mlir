// Models that are not the zoo's, written by torch.onnx.export (opset 13, BN
// preserved, dynamic batch), import and run with PyTorch's numerics: a plain
// CNN (AvgPool2d exports as Pad + AveragePool, BatchNorm1d, Dropout), a
// residual net with Softmax, and a depthwise net with ReLU6 and Concat.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py plain %t/plain
// RUN: dfq-run %t/plain/model.onnx --input %t/plain/x.npy --output %t/plain/y.npy
// RUN: %python %S/compare_npy.py %t/plain/y.npy %t/plain/expected.npy --atol 1e-4 | FileCheck %s
// RUN: %python %S/torch_export_gen.py residual %t/residual --seed 1
// RUN: dfq-run %t/residual/model.onnx --input %t/residual/x.npy --output %t/residual/y.npy --batch 3
// RUN: %python %S/compare_npy.py %t/residual/y.npy %t/residual/expected.npy --atol 1e-4 | FileCheck %s
// RUN: %python %S/torch_export_gen.py depthwise %t/depthwise --seed 2
// RUN: dfq-run %t/depthwise/model.onnx --input %t/depthwise/x.npy --output %t/depthwise/y.npy
// RUN: %python %S/compare_npy.py %t/depthwise/y.npy %t/depthwise/expected.npy --atol 1e-4 | FileCheck %s

// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
