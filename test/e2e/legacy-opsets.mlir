// A network exported by torch.onnx.export at opsets 9 and 10, as older
// converters and model zoos still ship it: Clip with min/max attributes
// (ReLU6), Pad-2 with attributes (reflection), Upsample-9 and Resize-10
// (nearest x2), Slice-1 with attributes (a crop). Both import through the
// opset upgrade, run with PyTorch's numerics, and the C library of the
// opset-9 export computes what the interpreter does.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py legacy %t/o9 --seed 3 --opset 9
// RUN: %python %S/torch_export_gen.py legacy %t/o10 --seed 3 --opset 10
// RUN: dfq-translate --import-onnx %t/o9/model.onnx | FileCheck %s --check-prefix=IMPORT
// RUN: dfq-translate --import-onnx %t/o10/model.onnx | FileCheck %s --check-prefix=IMPORT
// RUN: dfq-run %t/o9/model.onnx --input %t/o9/x.npy --output %t/o9/y.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/o9/y.npy %t/o9/expected.npy --atol 1e-5 | FileCheck %s
// RUN: dfq-run %t/o10/model.onnx --input %t/o10/x.npy --output %t/o10/y.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/o10/y.npy %t/o10/expected.npy --atol 1e-5 | FileCheck %s
// RUN: dfq-compile %t/o9/model.onnx --calib none --target c -o %t/c >/dev/null 2>&1
// RUN: dfq-run %t/c --input %t/o9/x.npy --output %t/c.npy >/dev/null 2>&1
// RUN: dfq-run %t/c/model.mlir --input %t/o9/x.npy --output %t/c-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c.npy %t/c-ref.npy --atol 1e-6 | FileCheck %s

// IMPORT: dfq.clip %{{.*}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64}
// IMPORT: dfq.pad %{{.*}} {mode = "reflect", pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<?x8x14x14xf32>) -> tensor<?x8x16x16xf32>
// IMPORT: dfq.resize %{{.*}} {coordinate_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f64: 2.000000e+00, 2.000000e+00>} : (tensor<?x8x16x16xf32>) -> tensor<?x8x32x32xf32>
// IMPORT: dfq.slice %{{.*}} -> tensor<?x8x28x28xf32>
// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
