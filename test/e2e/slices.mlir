// ShuffleNetV2's unit and the slicing forms torch.onnx.export writes (opset
// 13): chunk and split (Split), a channel shuffle whose view is computed from
// x.size() (Shape, Gather, Div, Cast, Unsqueeze and Concat, folded at import
// with the batch kept symbolic), strided, reversed and negative-bound slices
// (Slice with steps) and indexing (Gather). They import as dfq.slice and
// dfq.reshape, run with PyTorch's numerics, calibrate data-free, and the C
// library moves the same elements as the interpreter.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py shuffle %t --seed 5
// RUN: dfq-translate --import-onnx %t/model.onnx | FileCheck %s --check-prefix=IMPORT
// RUN: dfq-run %t/model.onnx --input %t/x.npy --output %t/y.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/y.npy %t/expected.npy --atol 1e-5 | FileCheck %s
// RUN: dfq-compile %t/model.onnx -o %t/dsg --samples 4 --iterations 3 2>&1 | FileCheck %s --check-prefix=DSG
// RUN: dfq-compile %t/model.onnx --calib none --target c -o %t/c --keep-sources >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=CODE < %t/c/build/model.c
// RUN: dfq-run %t/c --input %t/x.npy --output %t/c.npy >/dev/null 2>&1
// RUN: dfq-run %t/c/model.mlir --input %t/x.npy --output %t/c-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c.npy %t/c-ref.npy --atol 1e-6 | FileCheck %s

// The halves of chunk(2), the shuffle's 5-D view and transposition, back to
// 4-D with the -1 resolved because x.size(0) names the batch.
// IMPORT: dfq.slice %{{.*}} {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : (tensor<?x16x14x14xf32>) -> tensor<?x8x14x14xf32>
// IMPORT: dfq.slice %{{.*}} {starts = array<i64: 0, 8, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : (tensor<?x16x14x14xf32>) -> tensor<?x8x14x14xf32>
// IMPORT: dfq.reshape %{{.*}} : (tensor<?x16x14x14xf32>) -> tensor<?x2x8x14x14xf32>
// IMPORT: dfq.transpose %{{.*}} {perm = array<i64: 0, 2, 1, 3, 4>}
// IMPORT: dfq.reshape %{{.*}} : (tensor<?x8x2x14x14xf32>) -> tensor<?x16x14x14xf32>
// Split [4, 12], then x[:, ::2, 1:-1:2, :], b.flip(3)[:, :, 2:8] and
// x[:, 0:1, 3] (a Slice, then a Gather that drops the dimension).
// IMPORT: dfq.slice %{{.*}} {starts = array<i64: 0, 0, 0, 0>, {{.*}}} : (tensor<?x16x14x14xf32>) -> tensor<?x4x14x14xf32>
// IMPORT: dfq.slice %{{.*}} {starts = array<i64: 0, 4, 0, 0>, {{.*}}} : (tensor<?x16x14x14xf32>) -> tensor<?x12x14x14xf32>
// IMPORT: dfq.slice %{{.*}} {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 2, 1, 1>} : (tensor<?x16x14x14xf32>) -> tensor<?x8x14x14xf32>
// IMPORT: dfq.slice %{{.*}} {starts = array<i64: 0, 0, 1, 0>, steps = array<i64: 1, 1, 2, 1>} : (tensor<?x8x14x14xf32>) -> tensor<?x8x6x14xf32>
// IMPORT: dfq.slice %{{.*}} {starts = array<i64: 0, 0, 0, 13>, steps = array<i64: 1, 1, 1, -1>} : (tensor<?x12x14x14xf32>) -> tensor<?x12x14x14xf32>
// IMPORT: dfq.slice %{{.*}} {starts = array<i64: 0, 0, 3, 0>, {{.*}}} : (tensor<?x1x14x14xf32>) -> tensor<?x1x1x14xf32>
// IMPORT-NEXT: dfq.reshape %{{.*}} : (tensor<?x1x1x14xf32>) -> tensor<?x1x14xf32>
// IMPORT-NOT: Shape
// DSG: dfq-compile: wrote {{.*}}model.mlir
// CODE: dfq_rt_slice(
// CODE: dfq_rt_transpose(
// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
