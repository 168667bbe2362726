/* dfq_cuda_device.cuh: the tensor-core and asynchronous-copy instructions a
 * generated kernel uses, as inline PTX (sm_80 and later). Their CPU model,
 * with the fragment layouts spelled out, is dfq_cuda_emu.h. */
#ifndef DFQ_CUDA_DEVICE_CUH
#define DFQ_CUDA_DEVICE_CUH

#include <stdint.h>

static __device__ __forceinline__ uint32_t dfq_smem_address(const void *p) {
  return (uint32_t)__cvta_generic_to_shared(p);
}

/* cp.async of BYTES (4, 8 or 16) bytes, of which src_bytes are read and the
 * rest zero-filled; 16-byte copies bypass L1 (.cg). */
template <int BYTES>
static __device__ __forceinline__ void dfq_cp_async(void *dst, const void *src,
                                                    int src_bytes) {
  static_assert(BYTES == 4 || BYTES == 8 || BYTES == 16, "cp.async size");
  if (BYTES == 16)
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(
                     dfq_smem_address(dst)),
                 "l"(src), "r"(src_bytes));
  else
    asm volatile("cp.async.ca.shared.global [%0], [%1], %2, %3;\n" ::"r"(
                     dfq_smem_address(dst)),
                 "l"(src), "n"(BYTES), "r"(src_bytes));
}

static __device__ __forceinline__ void dfq_cp_async_commit() {
  asm volatile("cp.async.commit_group;\n" ::);
}

template <int PENDING>
static __device__ __forceinline__ void dfq_cp_async_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(PENDING));
}

static __device__ __forceinline__ void dfq_ldmatrix_x4(uint32_t fragment[4],
                                                       const void *row) {
  asm volatile(
      "ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
      : "=r"(fragment[0]), "=r"(fragment[1]), "=r"(fragment[2]),
        "=r"(fragment[3])
      : "r"(dfq_smem_address(row)));
}

/* d += a (16 x 32 u8) * b (32 x 8 s8), wrapping s32. */
static __device__ __forceinline__ void
dfq_mma_m16n8k32_u8s8(int32_t d[4], const uint32_t a[4], const uint32_t b[2]) {
  asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.u8.s8.s32 "
               "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
               "{%0, %1, %2, %3};\n"
               : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]),
                 "r"(b[1]));
}

/* st.shared of BYTES copies of one byte. */
template <int BYTES>
static __device__ __forceinline__ void dfq_fill_shared(uint8_t *dst,
                                                       uint8_t value) {
  uint32_t word = 0x01010101u * value;
  if (BYTES == 16)
    *(uint4 *)dst = make_uint4(word, word, word, word);
  else if (BYTES == 8)
    *(uint2 *)dst = make_uint2(word, word);
  else if (BYTES == 4)
    *(uint32_t *)dst = word;
  else
    *dst = value;
}

/* dp4a.u32.s32: c plus the dot product of a's four unsigned bytes with b's
 * four signed ones, modulo 2^32. */
static __device__ __forceinline__ int32_t dfq_dp4a_u8s8(uint32_t a, int32_t b,
                                                       int32_t c) {
  int32_t d;
  asm("dp4a.u32.s32 %0, %1, %2, %3;\n" : "=r"(d) : "r"(a), "r"(b), "r"(c));
  return d;
}

#endif /* DFQ_CUDA_DEVICE_CUH */
