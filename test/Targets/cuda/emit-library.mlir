// The CUDA backend's code generation, checked without a GPU: the host
// program checks for a device, mirrors its arena on the device and calls
// each kernel through dfq_cuda_layer with the copies it needs; the kernel is an implicit GEMM on the tensor cores
// (weights [o][K padded to tile_k] in (ky, kx, c) order, 4-bit ones two to
// a byte, low nibble first: (1, 4) -> \101, (-2, 0) -> \016, (3, -4) ->
// \303; the input zero point folded into the bias: 1 - 3 * 4 = -11; padding
// filled with the zero point; cp.async stages; ldmatrix rows; mma.sync;
// the accumulator fragments mapped to output pixels and channels and requantized). The
// emulated rendering runs the same loader, addresses and epilogue through
// the lane-level model.
// RUN: sed 's/SIGN/u8/g; s/ZP/3/g' %S/../Inputs/conv-model.mlir > %t.mlir
// RUN: dfq-opt %t.mlir --dfq-convert-layouts --dfq-lower-to-kernels=target=cuda-sm80 | dfq-translate --emit-library | FileCheck %s
// RUN: dfq-opt %t.mlir --dfq-convert-layouts --dfq-lower-to-kernels=target=cuda-sm80 | dfq-translate --emit-library --library-target=cuda-sm80-emulated | FileCheck %s --check-prefix=EMU
// Weights of 4 bits are stored two to a byte and widened in registers.
// RUN: sed 's/SIGN/u8/g; s/ZP/3/g; s/x!quant.uniform<i8:f32, 0.25>/x!quant.uniform<i4:f32, 0.25>/g' %S/../Inputs/conv-model.mlir > %t-w4.mlir
// RUN: dfq-opt %t-w4.mlir --dfq-convert-layouts --dfq-lower-to-kernels=target=cuda-sm80 | dfq-translate --emit-library | FileCheck %s --check-prefix=PACKED
// RUN: dfq-opt %t.mlir --dfq-convert-layouts --dfq-lower-to-kernels=target=cuda-sm80 | not dfq-translate --emit-library --library-target=cuda-sm90 2>&1 | FileCheck %s --check-prefix=MISMATCH

// CHECK-LABEL: // ----- model.c -----
// CHECK: #include "dfq_cuda_runtime.h"
// CHECK: int dfq_kernel_0_conv(const uint8_t *, void *const *, int64_t, void *);
// CHECK: #define TARGET "cuda-sm80"
// The input comes from the host (its quantization), the output goes back
// (its dequantization reads it).
// CHECK: void *const buffers[] = {(void *)((uint8_t *)(arena + {{[0-9]+}}LL * n))};
// CHECK-NEXT: const size_t bytes[] = {(size_t)(n * 48)};
// CHECK-NEXT: static const int copies[] = {DFQ_CUDA_OUT};
// CHECK-NEXT: failed |= dfq_cuda_layer(dfq_kernel_0_conv, "dfq.qconv2d", {{.*}}, (size_t)(n * 32), 1, 1, buffers, bytes, copies, n, team);
// CHECK: if (dfq_cuda_check(80))
// CHECK-NEXT: return NULL;
// CHECK: if (dfq_cuda_register_arena(model->arena, bytes)) {
// CHECK: dfq_cuda_unregister_arena(model->arena);
// CHECK-LABEL: // ----- dfq_kernels.cu -----
// CHECK: #include "dfq_cuda_device.cuh"
// CHECK: /* dfq.qconv2d: conv2d 3x3 stride 1x1 pad 1,1 dilation 1x1 groups 1, 2x4x4 -> 3x4x4; w8 a8; sm_80 dense tile 64x16x32, warps 2x1, 2 stages */
// CHECK: static __device__ const int8_t __align__(16) dfq_kernel_0_conv_w[97] =
// CHECK-EMPTY:
// CHECK-NEXT: "\001\004\376\000\003\374\000\001\001\001\000\001\377\000\002\000\375\000\000\000
// CHECK: static __device__ const int32_t dfq_kernel_0_conv_bias[3] = {
// CHECK-NEXT: -11, -29, 6,
// CHECK: static __device__ __forceinline__ void dfq_kernel_0_conv_store(dfq_cuda_buffers out, int64_t at, int32_t q) {
// CHECK-NEXT: ((uint8_t *)out.at[0])[at] = (uint8_t)q;
// CHECK: if (m >= M || k >= 18) {
// CHECK-NEXT: dfq_fill_shared<1>(smem + dst, 0);
// CHECK: const int tap = k / 2, ci = k % 2;
// CHECK: if (y < 0 || y >= 4 || x < 0 || x >= 4) {
// CHECK-NEXT: dfq_fill_shared<1>(smem + dst, 3);
// CHECK: smem[dst] = *src;
// CHECK: const uint8_t *src = (const uint8_t *)dfq_kernel_0_conv_w +
// CHECK-NEXT: (int64_t)(grp * 3 + nn) * 32 + (kt * 32 + kc) / 1;
// CHECK-NEXT: dfq_cp_async<16>(smem + dst, src, 16);
// CHECK: dfq_ldmatrix_x4(a[mi], smem + stage * 3072 + (warp_m * 32 + mi * 16 + (lane & 15)) * 48 + kk * 32 + (lane >> 4) * 16);
// CHECK: dfq_ldmatrix_x4(r, smem + 6144 + stage * 768 + (warp_n * 16 + nj * 16 + (lane >> 4) * 8 + (lane & 7)) * 48 + kk * 32 + ((lane >> 3) & 1) * 16);
// CHECK: dfq_mma_m16n8k32_u8s8(acc[mi][ni], a[mi], b[ni]);
// CHECK: static __global__ void __launch_bounds__(64, 1)
// CHECK: dfq_cp_async_wait<2 - 2>();
// CHECK-NEXT: __syncthreads();
// CHECK: const int64_t m = m0 + warp_m * 32 + mi * 16 + g + (i >> 1) * 8;
// CHECK-NEXT: const int nn = n0 + warp_n * 16 + ni * 8 + t * 2 + (i & 1);
// CHECK: dfq_kernel_0_conv_store(out, m * 3 + o, dfq_cuda_requantize(
// CHECK-NEXT: dfq_cuda_wrapping_add(acc[mi][ni][i], dfq_kernel_0_conv_bias[o]),
// CHECK-NEXT: dfq_kernel_0_conv_multiplier[o], dfq_kernel_0_conv_shift[o], 3, 0, 255));
// CHECK: extern "C" int dfq_kernel_0_conv(const uint8_t *in, void *const *buffers, int64_t n,
// CHECK: for (int i = 0; i < 1; ++i)
// CHECK-NEXT: out.at[i] = buffers[i];
// CHECK: dfq_kernel_0_conv_kernel<<<grid, 64, 7680, (cudaStream_t)stream>>>(in, out, n);

// EMU-LABEL: // ----- model.c -----
// EMU-NOT: dfq_cuda_check
// EMU: #define TARGET "cuda-sm80-emulated"
// EMU: failed |= dfq_cuda_layer(dfq_kernel_0_conv, {{.*}}, 1, 1, buffers, bytes, copies, n, team);
// EMU: dfq_cuda_register_arena
// EMU-LABEL: // ----- dfq_kernels.c -----
// EMU: #include "dfq_cuda_emu.h"
// EMU: static const int8_t __attribute__((aligned(16))) dfq_kernel_0_conv_w[97] =
// EMU: dfq_emu_fill(emu, dst, 3, 1);
// EMU: dfq_emu_copy_byte(emu, dst, src);
// EMU: dfq_emu_cp_async(emu, tid, dst, src, 16, 16);
// EMU: address[lane] = stage * 3072 + (warp_m * 32 + mi * 16 + (lane & 15)) * 48 + kk * 32 + (lane >> 4) * 16;
// EMU-NEXT: dfq_emu_ldmatrix_x4(emu, address, a[mi]);
// EMU: dfq_emu_mma_m16n8k32_u8s8(
// EMU: dfq_emu_cp_async_wait(emu, tid, 2 - 2);
// EMU: const int64_t m = m0 + warp_m * 32 + mi * 16 + g + (i >> 1) * 8;
// EMU: dfq_cuda_wrapping_add(acc[tid][mi][ni][i], dfq_kernel_0_conv_bias[o]),

// PACKED-LABEL: // ----- dfq_kernels.cu -----
// PACKED: w4 a8; sm_80 dense tile 64x16x32
// PACKED: static __device__ const int8_t __align__(16) dfq_kernel_0_conv_w[49] =
// PACKED-EMPTY:
// PACKED-NEXT: "\101\016\303\020\021\020\017\002\015\000\000\000
// PACKED: (int64_t)(grp * 3 + nn) * 16 + (kt * 32 + kc) / 2;
// PACKED-NEXT: {
// PACKED-NEXT: uint32_t packed[2], codes[4];
// PACKED-NEXT: const uint2 word = *(const uint2 *)src; packed[0] = word.x; packed[1] = word.y;
// PACKED-NEXT: for (int j = 0; j < 4; ++j)
// PACKED-NEXT: codes[j] = dfq_cuda_unpack_s4(packed[j >> 1], j & 1);
// PACKED-NEXT: *(uint4 *)(smem + dst) = make_uint4(codes[0], codes[1], codes[2], codes[3]);

// MISMATCH: error: is scheduled for cuda-sm80 but the library is built for cuda-sm90
