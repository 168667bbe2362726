// Activations of Darknet/YOLO and face models as torch.onnx.export writes
// them (opset 13): LeakyRelu, Mish (Softplus, Tanh, Mul), PRelu with a
// per-channel slope, Elu, Abs, Exp, Log and Neg (a multiplication by -1),
// Max and Min, ReduceSum and ReduceMax. They import, run with PyTorch's
// numerics, calibrate data-free, and join the C library's fused host loops,
// which agree with the interpreter up to their exp, log1p and expm1 (last
// bits).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py more-activations %t --seed 11
// RUN: dfq-translate --import-onnx %t/model.onnx | FileCheck %s --check-prefix=IMPORT
// RUN: dfq-run %t/model.onnx --input %t/x.npy --output %t/y.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/y.npy %t/expected.npy --atol 1e-5 | FileCheck %s
// RUN: dfq-compile %t/model.onnx -o %t/dsg --samples 4 --iterations 3 2>&1 | FileCheck %s --check-prefix=DSG
// RUN: dfq-compile %t/model.onnx --calib none --target c -o %t/c --keep-sources >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=CODE < %t/c/build/model.c
// RUN: dfq-run %t/c --input %t/x.npy --output %t/c.npy >/dev/null 2>&1
// RUN: dfq-run %t/c/model.mlir --input %t/x.npy --output %t/c-ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c.npy %t/c-ref.npy --atol 1e-5 | FileCheck %s

// IMPORT: dfq.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f32} : tensor<?x16x14x14xf32>
// IMPORT: dfq.softplus
// IMPORT: dfq.tanh
// IMPORT: dfq.prelu %{{.*}}, %{{.*}} : (tensor<?x16x14x14xf32>, tensor<16x1x1xf32>) -> tensor<?x16x14x14xf32>
// IMPORT: dfq.elu %{{.*}} {alpha = 5.000000e-01 : f32}
// IMPORT: dfq.abs
// IMPORT: dfq.mul %{{.*}}, %{{.*}} : (tensor<?x24x7x7xf32>, tensor<f32>)
// IMPORT: dfq.exp
// IMPORT: dfq.log
// IMPORT: dfq.max
// IMPORT: dfq.min
// IMPORT: dfq.reduce_sum %{{.*}} {axes = array<i64: 1>} : (tensor<?x24x7x7xf32>) -> tensor<?x1x7x7xf32>
// IMPORT: dfq.reduce_max %{{.*}} {axes = array<i64: 3>} : (tensor<?x24x7x7xf32>) -> tensor<?x24x7x1xf32>
// DSG: dfq-compile: wrote {{.*}}model.mlir
// Chains of one 8-bit code (and scalar constants) are tabulated when the
// library is loaded: Mish and the ELU/Abs/Exp/Log/Max/Min chain.
// CODE: static void fill_tables(void) {
// CODE: log1pf(dfq_rt_expf(
// CODE: expm1f(
// CODE: fabsf(
// CODE: logf(
// CODE: dfq_rt_max_one(
// CODE: dfq_rt_min_one(
// CODE: 0x1.99999ap-4f * v
// CODE: /* fused: dfq.dequantize, dfq.softplus, dfq.tanh, dfq.mul, dfq.quantize (table) */
// CODE: /* fused: dfq.dequantize, dfq.prelu, dfq.quantize */
// CODE: dfq_rt_prelu_one(v0, in1[b0 + j])
// CODE: /* fused: dfq.dequantize, dfq.elu, {{.*}}, dfq.min (table) */
// CODE: dfq_rt_reduce(DFQ_RT_REDUCE_SUM,
// CODE: dfq_rt_reduce(DFQ_RT_REDUCE_MAX,
// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
