// A feature-pyramid neck's resizes as torch.onnx.export writes them (opset
// 13): nearest and bilinear (half-pixel) upsampling by scales, bilinear with
// aligned corners and nearest to sizes computed from x.size() (folded, the
// batch kept), a bilinear downscale, and bicubic upsampling (half-pixel by
// scales, aligned corners to a size). They import as dfq.resize, run with
// PyTorch's numerics, calibrate data-free, and the C and x86 libraries
// resize as the interpreter does.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py resize %t --seed 9
// RUN: dfq-translate --import-onnx %t/model.onnx | FileCheck %s --check-prefix=IMPORT
// RUN: dfq-run %t/model.onnx --input %t/x.npy --output %t/y.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/y.npy %t/expected.npy --atol 1e-5 | FileCheck %s
// RUN: dfq-compile %t/model.onnx -o %t/dsg --samples 4 --iterations 3 2>&1 | FileCheck %s --check-prefix=DSG
// RUN: dfq-compile %t/model.onnx --calib none --target c -o %t/c --keep-sources >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=CODE < %t/c/build/model.c
// RUN: dfq-run %t/c --input %t/x.npy --output %t/c.npy >/dev/null 2>&1
// RUN: dfq-run %t/c/model.mlir --input %t/x.npy --output %t/c-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c.npy %t/c-ref.npy --atol 1e-6 | FileCheck %s
// RUN: dfq-compile %t/model.onnx --calib none --target %host_x86_target -o %t/x86 >/dev/null 2>&1
// RUN: dfq-run %t/x86 --input %t/x.npy --output %t/x86.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/x86.npy %t/c-ref.npy --atol 1e-6 | FileCheck %s

// IMPORT: dfq.resize %{{.*}} {coordinate_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f64: 2.000000e+00, 2.000000e+00>} : (tensor<?x8x7x7xf32>) -> tensor<?x8x14x14xf32>
// IMPORT: dfq.resize %{{.*}} {coordinate_mode = "half_pixel", mode = "linear", {{.*}}} : (tensor<?x8x7x7xf32>) -> tensor<?x8x14x14xf32>
// IMPORT: dfq.resize %{{.*}} {coordinate_mode = "align_corners", mode = "linear", {{.*}}} : (tensor<?x8x7x7xf32>) -> tensor<?x8x14x14xf32>
// IMPORT: dfq.resize %{{.*}} {coordinate_mode = "asymmetric", mode = "nearest", {{.*}}} : (tensor<?x8x7x7xf32>) -> tensor<?x8x14x14xf32>
// IMPORT: dfq.resize %{{.*}} {coordinate_mode = "half_pixel", mode = "linear", {{.*}}} : (tensor<?x8x7x7xf32>) -> tensor<?x8x5x9xf32>
// IMPORT: dfq.resize %{{.*}} {coordinate_mode = "half_pixel", mode = "cubic", {{.*}}} : (tensor<?x8x7x7xf32>) -> tensor<?x8x14x14xf32>
// IMPORT: dfq.resize %{{.*}} {coordinate_mode = "align_corners", mode = "cubic", {{.*}}} : (tensor<?x8x7x7xf32>) -> tensor<?x8x14x14xf32>
// DSG: dfq-compile: wrote {{.*}}model.mlir
// CODE: dfq_rt_resize({{.*}}, 7, 7, 14, 14, DFQ_RT_RESIZE_NEAREST, DFQ_RT_COORD_ASYMMETRIC, DFQ_RT_FLOOR, 0x1p+1, 0x1p+1, -0x1.8p-1, 0);
// CODE: dfq_rt_resize({{.*}}, DFQ_RT_RESIZE_LINEAR, DFQ_RT_COORD_HALF_PIXEL,
// CODE: dfq_rt_resize({{.*}}, DFQ_RT_RESIZE_LINEAR, DFQ_RT_COORD_ALIGN_CORNERS,
// CODE: dfq_rt_resize({{.*}}, DFQ_RT_RESIZE_CUBIC, DFQ_RT_COORD_HALF_PIXEL, DFQ_RT_FLOOR, 0x1p+1, 0x1p+1, -0x1.8p-1, 0);
// CODE: dfq_rt_resize({{.*}}, DFQ_RT_RESIZE_CUBIC, DFQ_RT_COORD_ALIGN_CORNERS,
// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
