// Pad in every form torch.onnx.export writes (opset 13): reflection and
// replication padding, a non-zero constant, zero padding that a ReLU reads
// (a Conv or AveragePool would take it as its own pads) and a negative pad
// that crops (a dfq.slice, then a dfq.pad). They import as dfq.pad, run with
// PyTorch's numerics, calibrate data-free, and the C library pads as the
// interpreter does.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py pads %t --seed 8
// RUN: dfq-translate --import-onnx %t/model.onnx | FileCheck %s --check-prefix=IMPORT
// RUN: dfq-run %t/model.onnx --input %t/x.npy --output %t/y.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/y.npy %t/expected.npy --atol 1e-6 | FileCheck %s
// RUN: dfq-compile %t/model.onnx -o %t/dsg --samples 4 --iterations 3 2>&1 | FileCheck %s --check-prefix=DSG
// RUN: dfq-compile %t/model.onnx --calib none --target c -o %t/c --keep-sources >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=CODE < %t/c/build/model.c
// RUN: dfq-run %t/c --input %t/x.npy --output %t/c.npy >/dev/null 2>&1
// RUN: dfq-run %t/c/model.mlir --input %t/x.npy --output %t/c-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c.npy %t/c-ref.npy --atol 1e-6 | FileCheck %s

// IMPORT: %[[X:.*]] = dfq.relu
// IMPORT: dfq.pad %[[X]] {mode = "reflect", pads = array<i64: 0, 0, 2, 1, 0, 0, 1, 2>} : (tensor<?x8x14x14xf32>) -> tensor<?x8x17x17xf32>
// IMPORT: dfq.pad %[[X]] {mode = "edge", pads = array<i64: 0, 0, 1, 2, 0, 0, 2, 1>}
// IMPORT: dfq.pad %[[X]] {pads = array<i64: 0, 0, 0, 3, 0, 0, 3, 0>, value = 5.000000e-01 : f64}
// IMPORT: %[[ZERO:.*]] = dfq.pad %[[X]] {pads = array<i64: 0, 0, 2, 1, 0, 0, 1, 2>}
// IMPORT: dfq.relu %[[ZERO]]
// IMPORT: %[[CROP:.*]] = dfq.slice %[[X]] {starts = array<i64: 0, 0, 0, 1>, steps = array<i64: 1, 1, 1, 1>} : (tensor<?x8x14x14xf32>) -> tensor<?x8x14x13xf32>
// IMPORT: dfq.pad %[[CROP]] {pads = array<i64: 0, 0, 2, 0, 0, 0, 1, 4>}
// IMPORT: dfq.conv2d %{{.*}} {pads = array<i64: 1, 1, 1, 1>}
// DSG: dfq-compile: wrote {{.*}}model.mlir
// CODE: dfq_rt_pad({{.*}}, 4, DFQ_RT_PAD_REFLECT, 0x0p+0f);
// CODE: dfq_rt_pad({{.*}}, 4, DFQ_RT_PAD_EDGE, 0x0p+0f);
// CODE: dfq_rt_pad({{.*}}, 4, DFQ_RT_PAD_CONSTANT, 0x1p-1f);
// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
