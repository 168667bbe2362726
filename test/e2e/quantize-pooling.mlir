// Average pooling on the codes (dfq-quantize-pooling, dfq.qavg_pool2d) on a
// network written by torch.onnx.export: a 3x3 pooling whose windows all
// count their padding, one that does not (it stays float), and the global
// pooling before the classifier. The integer pooling gives the float path's
// outputs here (its rounding differs only at ties), simulated execution
// (real arithmetic) the same bits as the integer one at 8 and at 4 bits,
// and C libraries with unsigned (W8A8) and signed (npu8) codes the
// interpreter's outputs up to the float classifier's rounding.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py pools %t --seed 3
// RUN: %python -c "import numpy as np; np.save('%t/x64.npy', np.random.RandomState(0).randn(64, 1, 28, 28).astype(np.float32))"
// RUN: for bits in 8 4; do \
// RUN:   dfq-compile %t/model.onnx --calib none --wbits $bits --abits $bits --first-last-bits same -o %t/q$bits >/dev/null 2>&1 && \
// RUN:   dfq-opt %t/q$bits/model.mlir --dfq-quantize-pooling -o %t/pooled$bits.mlir && \
// RUN:   dfq-run %t/q$bits/model.mlir --input %t/x64.npy --output %t/float$bits.npy >/dev/null 2>&1 && \
// RUN:   dfq-run %t/pooled$bits.mlir --input %t/x64.npy --output %t/int$bits.npy >/dev/null 2>&1 && \
// RUN:   dfq-run %t/pooled$bits.mlir --input %t/x64.npy --simulate --output %t/sim$bits.npy >/dev/null 2>&1 && \
// RUN:   echo "W${bits}A${bits} float pooling: `%python %S/compare_npy.py %t/int$bits.npy %t/float$bits.npy --atol 0 | tr '\n' ' '`" && \
// RUN:   echo "W${bits}A${bits} simulated: `%python %S/compare_npy.py %t/sim$bits.npy %t/int$bits.npy --atol 0 | tr '\n' ' '`" || exit 1; \
// RUN: done | FileCheck %s --check-prefix=SAME
// RUN: FileCheck %s --check-prefix=MODEL < %t/pooled8.mlir
// RUN: dfq-compile %t/model.onnx --calib none --target c -o %t/c >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=C < %t/c/model.mlir
// RUN: dfq-run %t/c --input %t/x64.npy --output %t/c.npy >/dev/null 2>&1
// RUN: dfq-run %t/c/model.mlir --input %t/x64.npy --output %t/c-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c.npy %t/c-ref.npy --atol 1e-6 | FileCheck %s --check-prefix=LIB
// RUN: dfq-compile %t/model.onnx --calib none --target c --target-file %S/../../docs/targets/npu8.target -o %t/npu8 >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=SIGNED < %t/npu8/model.mlir
// RUN: dfq-run %t/npu8 --input %t/x64.npy --output %t/npu8.npy >/dev/null 2>&1
// RUN: dfq-run %t/npu8/model.mlir --input %t/x64.npy --output %t/npu8-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/npu8.npy %t/npu8-ref.npy --atol 1e-6 | FileCheck %s --check-prefix=LIB

// SAME: W8A8 float pooling: max_abs_diff=0 argmax_agree=64/64 OK
// SAME: W8A8 simulated: max_abs_diff=0 argmax_agree=64/64 OK
// SAME: W4A4 float pooling: max_abs_diff=0 argmax_agree=64/64 OK
// SAME: W4A4 simulated: max_abs_diff=0 argmax_agree=64/64 OK

// MODEL: dfq.qavg_pool2d %{{.*}} {kernel_shape = array<i64: 3, 3>, multiplier = {{[0-9]+}} : i32, pads = array<i64: 1, 1, 1, 1>, shift = {{[0-9]+}} : i32} : (tensor<?x8x28x28x!quant.uniform<u8:f32
// MODEL: dfq.avg_pool2d %{{.*}} : (tensor<?x16x14x14xf32>) -> tensor<?x16x7x7xf32>
// MODEL: %[[G:.*]] = dfq.qavg_pool2d %{{.*}} {kernel_shape = array<i64: 7, 7>, {{.*}}} : (tensor<?x24x7x7x!quant.uniform<u8:f32, {{.*}}>>) -> tensor<?x24x1x1x!quant.uniform<u8:f32
// MODEL: dfq.flatten %[[G]] {{.*}} -> tensor<?x24x!quant.uniform<u8:f32

// The library pools channels-last codes.
// C: dfq.qavg_pool2d %{{.*}} {channels_last, kernel_shape = array<i64: 3, 3>, {{.*}}} : (tensor<?x28x28x8x!quant.uniform<u8:f32
// C: dfq.qavg_pool2d %{{.*}} {channels_last, kernel_shape = array<i64: 7, 7>, {{.*}}} : (tensor<?x7x7x24x!quant.uniform<u8:f32
// SIGNED: dfq.qavg_pool2d %{{.*}} {channels_last, {{.*}}} : (tensor<?x28x28x8x!quant.uniform<i8:f32
// SIGNED: dfq.qavg_pool2d %{{.*}} {channels_last, {{.*}}} : (tensor<?x7x7x24x!quant.uniform<i8:f32

// LIB: argmax_agree=64/64
// LIB-NEXT: OK
