// The networks of activations.mlir and unfolded-batchnorm.mlir as x86
// libraries (and the dense blocks of concat-in-place.mlir) agree with the
// interpreter. Operands that broadcast along whole
// rows of a fused host loop are read there instead of in a broadcasting call
// of their own: the input's normalization constants, a squeeze-and-excitation
// gate [N, 1, 1, C] times its channels-last activation, and the per-channel
// affine of an unfoldable BatchNorm, which follows the activation into
// channels-last (its [C, 1, 1] constant becomes [1, 1, 1, C]).
// REQUIRES: x86-avx512-vnni
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py activations %t --seed 4
// RUN: dfq-compile %t/model.onnx --calib none --target x86 -o %t/x86 --keep-sources >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=GATE < %t/x86/build/model.c
// RUN: dfq-run %t/x86 --input %t/x.npy --output %t/x86.npy >/dev/null 2>&1
// RUN: dfq-run %t/x86/model.mlir --input %t/x.npy --output %t/ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/x86.npy %t/ref.npy --atol 1e-5 | FileCheck %s

// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK

// GATE-NOT: dfq_rt_binary
// GATE: /* fused: {{.*}}dfq.sub, dfq.div, dfq.quantize */
// GATE: dfq_rt_share_rows(team, n * 1, 784, &begin, &end);
// GATE-NEXT: for (int64_t row = begin; row < end; ++row) {
// GATE: float v0 = in0[i] - in1[0];
// GATE: /* fused: dfq.mul, dfq.quantize */
// GATE: dfq_rt_share_rows(team, n * 196, 16, &begin, &end);
// GATE: const int64_t b0 = (row / 196) * 16;
// GATE: float v0 = in0[i] * in1[b0 + j];

// And the pre-activation network of unfolded-batchnorm.mlir.
// RUN: %python %S/torch_export_gen.py preact %t/preact --seed 5
// RUN: dfq-compile %t/preact/model.onnx --calib none --target x86 -o %t/preact/x86 --keep-sources >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=AFFINE-IR < %t/preact/x86/model.mlir
// RUN: FileCheck %s --check-prefix=AFFINE < %t/preact/x86/build/model.c
// RUN: dfq-run %t/preact/x86 --input %t/preact/x.npy --output %t/preact/x86.npy >/dev/null 2>&1
// RUN: dfq-run %t/preact/x86/model.mlir --input %t/preact/x.npy --output %t/preact/ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/preact/x86.npy %t/preact/ref.npy --atol 1e-5 | FileCheck %s

// AFFINE-IR: dfq.mul %{{.*}}, %{{.*}} {{.*}}: (tensor<?x28x28x16xf32>, tensor<1x1x1x16xf32>) -> tensor<?x28x28x16xf32>
// AFFINE-NOT: dfq_rt_binary
// AFFINE: /* fused: dfq.dequantize, dfq.mul, dfq.add, dfq.relu, dfq.quantize */
// AFFINE: dfq_rt_share_rows(team, n * 784, 8, &begin, &end);
// AFFINE: /* fused: {{.*}}dfq.mul, dfq.add, dfq.relu, dfq.quantize */
// AFFINE: dfq_rt_share_rows(team, n * 784, 16, &begin, &end);
// AFFINE: float v0 = in0[i] * in1[b0 + j];
// AFFINE-NEXT: float v1 = v0 + in2[b0 + j];

// And the concatenations of concat-in-place.mlir: dense blocks whose
// concatenations copy nothing, on both threads.
// RUN: %python %S/torch_export_gen.py dense %t/dense --seed 6
// RUN: dfq-compile %t/dense/model.onnx --calib none --target x86 -o %t/dense/x86 >/dev/null 2>&1
// RUN: dfq-run %t/dense/x86 --input %t/dense/x.npy --threads 2 --output %t/dense/x86.npy >/dev/null 2>&1
// RUN: dfq-run %t/dense/x86/model.mlir --input %t/dense/x.npy --output %t/dense/ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/dense/x86.npy %t/dense/ref.npy --atol 1e-5 | FileCheck %s
