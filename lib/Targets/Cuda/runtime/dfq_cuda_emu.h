/* dfq_cuda_emu.h: a lane-level model of the warp-collective instructions a
 * generated CUDA kernel uses, so that the CPU rendering of the kernel (the
 * same tiling, indexing, fragment mapping and epilogue) runs bit-exactly on
 * any machine. The fragment layouts are those of the PTX ISA manual
 * (section "Matrix Fragments for mma.m16n8k32", integer types; "ldmatrix";
 * "cp.async"):
 *
 *   groupID = lane >> 2, threadID_in_group = lane % 4;
 *   A (16 x 32 u8, row-major), four .b32 registers of four bytes a0..a15:
 *     row = groupID for ai with i < 4 or 8 <= i < 12, else groupID + 8;
 *     col = threadID_in_group * 4 + (i & 3), + 16 for i >= 8;
 *   B (32 x 8 s8, column-major), two registers b0..b7:
 *     row (k) = threadID_in_group * 4 + (i & 3), + 16 for i >= 4;
 *     col (n) = groupID;
 *   C, D (16 x 8 s32), four registers c0..c3:
 *     row = groupID for c0, c1, else groupID + 8;
 *     col = threadID_in_group * 2 + (i & 1);
 *   ldmatrix.sync.aligned.m8n8.x4.shared.b16: lane l gives the address of
 *     row l % 8 of matrix l / 8 (16 bytes, 16-byte aligned); register j of
 *     lane l receives bytes 4 (l % 4) .. 4 (l % 4) + 3 of row l / 4 of
 *     matrix j;
 *   cp.async: a thread's copies land in shared memory only when a
 *     cp.async.wait_group N of that thread leaves at most its N most recent
 *     committed groups pending; this model applies them exactly then (the
 *     latest moment the hardware may), so a kernel that reads a buffer
 *     before waiting for it reads stale bytes here.
 *
 * Every shared-memory access is bounds- and alignment-checked and every
 * global read is checked against the buffer it belongs to; the first
 * violation is recorded in the context and fails the kernel. */
#ifndef DFQ_CUDA_EMU_H
#define DFQ_CUDA_EMU_H

#include <stdint.h>

typedef struct dfq_emu_copy {
  uint32_t dst;
  const uint8_t *src;
  int32_t bytes, src_bytes, thread;
  int64_t group;
} dfq_emu_copy;

typedef struct dfq_emu {
  /* The block's shared memory. */
  uint8_t *smem;
  int64_t smem_bytes;
  /* The global buffers a kernel may read: input activations and weights. */
  const uint8_t *global_base[2];
  int64_t global_bytes[2];
  int threads;
  /* Per thread: groups committed so far, and its pending copies (at most
   * copy_capacity, in copies[thread * copy_capacity ...]). */
  int64_t *committed;
  int64_t *copy_count;
  dfq_emu_copy *copies;
  int64_t copy_capacity;
  int failed;
  char message[256];
} dfq_emu;

/* Allocates shared memory and queues for a block of `threads` threads, each
 * with at most `pending_copies` copies in flight; 0 on success. */
int dfq_emu_init(dfq_emu *emu, int64_t smem_bytes, int threads,
                 int64_t pending_copies, const void *input,
                 int64_t input_bytes, const void *weights,
                 int64_t weight_bytes);
void dfq_emu_free(dfq_emu *emu);
/* Starts a thread block: no copies pending. */
void dfq_emu_begin_block(dfq_emu *emu);

/* cp.async.{ca,cg}.shared.global [dst], [src], bytes, src_bytes: bytes is
 * 4, 8 or 16; the first src_bytes are copied, the rest zero-filled. */
void dfq_emu_cp_async(dfq_emu *emu, int thread, uint32_t dst, const void *src,
                      int bytes, int src_bytes);
void dfq_emu_cp_async_commit(dfq_emu *emu, int thread);
void dfq_emu_cp_async_wait(dfq_emu *emu, int thread, int pending);
/* st.shared of `bytes` copies of `value`. */
void dfq_emu_fill(dfq_emu *emu, uint32_t dst, uint8_t value, int bytes);
/* ld.global of `count` 32-bit words (little-endian) into `words`. */
void dfq_emu_load_words(dfq_emu *emu, uint32_t *words, const void *src,
                        int count);
/* st.shared of `count` 32-bit words. */
void dfq_emu_store_words(dfq_emu *emu, uint32_t dst, const uint32_t *words,
                         int count);
/* ld.global.u8 + st.shared.u8. */
void dfq_emu_copy_byte(dfq_emu *emu, uint32_t dst, const void *src);
/* ldmatrix.sync.aligned.m8n8.x4.shared.b16 for the 32 lanes of a warp. */
void dfq_emu_ldmatrix_x4(dfq_emu *emu, const uint32_t address[32],
                         uint32_t fragment[32][4]);
/* mma.sync.aligned.m16n8k32.row.col.s32.u8.s8.s32 d, a, b, d for the 32
 * lanes of a warp; lane l's four accumulators start at d + l * stride. */
void dfq_emu_mma_m16n8k32_u8s8(const uint32_t a[32][4], const uint32_t b[32][2],
                               int32_t *d, int64_t stride);
/* dp4a.u32.s32 d, a, b, c of one thread: c plus the products of a's four
 * unsigned bytes with b's four signed ones (byte i with byte i), modulo
 * 2^32, as the PTX ISA defines it. */
static inline int32_t dfq_emu_dp4a_u8s8(uint32_t a, int32_t b, int32_t c) {
  uint32_t sum = (uint32_t)c;
  for (int i = 0; i < 4; ++i)
    sum += (uint32_t)((int32_t)((a >> (8 * i)) & 0xFFu) *
                      (int32_t)(int8_t)((uint32_t)b >> (8 * i)));
  return (int32_t)sum;
}

#endif /* DFQ_CUDA_EMU_H */
