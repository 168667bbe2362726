// Concatenations that copy nothing (docs/x86.md): a dense block written as
// torchvision writes it (each layer concatenates the block input and all
// earlier outputs), a transition whose float average pooling runs
// channels-last, nested DenseNet layers (torch.cat of a torch.cat) and
// Inception-style branches. The network runs as PyTorch does, and its C
// library, which writes every layer's output once into its block's buffer,
// agrees with the interpreter.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py dense %t --seed 6
// RUN: dfq-run %t/model.onnx --input %t/x.npy --output %t/y.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/y.npy %t/expected.npy --atol 1e-4 | FileCheck %s
// RUN: dfq-compile %t/model.onnx --calib none --target c -o %t/c --keep-sources >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=IR < %t/c/model.mlir
// RUN: FileCheck %s --check-prefix=CODE < %t/c/build/model.c
// RUN: dfq-run %t/c --input %t/x.npy --output %t/c.npy >/dev/null 2>&1
// RUN: dfq-run %t/c/model.mlir --input %t/x.npy --output %t/ref.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c.npy %t/ref.npy --atol 1e-6 | FileCheck %s
// The same network with two threads and a batch of 3 (rows of a strided
// value split between threads, batch offsets of a placed value).
// RUN: %python -c "import numpy as np; np.save('%t/x3.npy', np.load('%t/x.npy')[:3])"
// RUN: dfq-run %t/c --input %t/x3.npy --batch 3 --threads 2 --output %t/c3.npy >/dev/null 2>&1
// RUN: dfq-run %t/c/model.mlir --input %t/x3.npy --output %t/ref3.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/c3.npy %t/ref3.npy --atol 1e-6 | FileCheck %s --check-prefix=THREE

// CHECK: argmax_agree=8/8
// CHECK-NEXT: OK
// THREE: argmax_agree=3/3
// THREE-NEXT: OK

// The block stays channels-last: its concatenations join along the last
// dimension and the transition pools channels-last.
// IR: dfq.concat %{{.*}} {axis = 3 : i64{{.*}}} : (tensor<?x28x28x8xf32>) -> tensor<?x28x28x8xf32>
// IR: dfq.avg_pool2d %{{.*}} {ceil_mode = true, channels_last, {{.*}}kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x28x28x12xf32>) -> tensor<?x14x14x12xf32>

// The first layer's output is dequantized into the block's buffer (rows of
// 8 channels, 20 apart); the first concatenation is a view of it and emits
// no copy; the next layer's output goes 8 channels further.
// CODE: /* fused: dfq.dequantize */
// CODE: float *restrict out0 = (float *)((arena + [[HOME:[0-9]+]]LL * n) + 0);
// CODE: dfq_rt_share_rows(team, n * 784, 8, &begin, &end);
// CODE-NEXT: for (int64_t row = begin; row < end; ++row) {
// CODE-NEXT: const int64_t b0 = row * 20;
// CODE: out0[b0 + j] = v0;
// CODE: /* dfq.concat /3/Concat */
// CODE-NEXT: /* fused: dfq.mul, dfq.add, dfq.relu, dfq.quantize */
// CODE: const float *restrict in0 = (const float *)((arena + [[HOME]]LL * n) + 0);
// CODE: float v0 = in0[b0 + j] * in1[b1 + j];
// CODE: float *restrict out0 = (float *)((arena + [[HOME]]LL * n) + 32);
// CODE: /* dfq.concat /3/Concat_1 */
// CODE-NEXT: /* fused:
// The pooling writes densely and is copied into the next block's buffer
// once, not by every concatenation that reads it.
// CODE: dfq_rt_avg_pool2d_nhwc(
// CODE-NEXT: }
// CODE-NEXT: dfq_rt_copy_rows({{.*}}, 48, ({{.*}} + 0), 80, n * 196, 48);
// CODE: /* dfq.concat /8/Concat */
// CODE-NEXT: /* fused:
// CODE: /* dfq.concat /9/Concat */
// CODE-NEXT: /* fused:
