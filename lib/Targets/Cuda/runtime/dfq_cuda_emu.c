/* dfq_cuda_emu.c: the lane-level model of dfq_cuda_emu.h. */
#include "dfq_cuda_emu.h"
#include "dfq_cuda_runtime.h"
#include "dfq_runtime.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void dfq_emu_fail(dfq_emu *emu, const char *format, ...) {
  if (emu->failed)
    return;
  emu->failed = 1;
  va_list args;
  va_start(args, format);
  vsnprintf(emu->message, sizeof emu->message, format, args);
  va_end(args);
}

int dfq_emu_init(dfq_emu *emu, int64_t smem_bytes, int threads,
                 int64_t pending_copies, const void *input,
                 int64_t input_bytes, const void *weights,
                 int64_t weight_bytes) {
  memset(emu, 0, sizeof *emu);
  emu->smem_bytes = smem_bytes;
  emu->threads = threads;
  emu->global_base[0] = (const uint8_t *)input;
  emu->global_bytes[0] = input_bytes;
  emu->global_base[1] = (const uint8_t *)weights;
  emu->global_bytes[1] = weight_bytes;
  emu->smem = (uint8_t *)malloc(smem_bytes > 0 ? (size_t)smem_bytes : 1);
  emu->committed = (int64_t *)calloc((size_t)threads, sizeof(int64_t));
  emu->copy_count = (int64_t *)calloc((size_t)threads, sizeof(int64_t));
  emu->copy_capacity = pending_copies > 0 ? pending_copies : 1;
  emu->copies = (dfq_emu_copy *)malloc((size_t)(emu->copy_capacity * threads) *
                                       sizeof(dfq_emu_copy));
  if (!emu->smem || !emu->committed || !emu->copy_count || !emu->copies) {
    dfq_emu_free(emu);
    return 1;
  }
  return 0;
}

void dfq_emu_free(dfq_emu *emu) {
  free(emu->smem);
  free(emu->committed);
  free(emu->copy_count);
  free(emu->copies);
  emu->smem = NULL;
  emu->committed = NULL;
  emu->copy_count = NULL;
  emu->copies = NULL;
}

void dfq_emu_begin_block(dfq_emu *emu) {
  /* Shared memory starts undefined on a GPU; a recognizable pattern makes a
   * read of bytes no thread wrote visible in the results. */
  memset(emu->smem, 0xA5, (size_t)emu->smem_bytes);
  memset(emu->committed, 0, (size_t)emu->threads * sizeof(int64_t));
  memset(emu->copy_count, 0, (size_t)emu->threads * sizeof(int64_t));
}

/* Whether [dst, dst + bytes) lies in shared memory, aligned to `align`. */
static int dfq_emu_shared_ok(dfq_emu *emu, uint32_t dst, int bytes, int align,
                             const char *what) {
  if ((int64_t)dst + bytes > emu->smem_bytes || dst % (uint32_t)align != 0) {
    dfq_emu_fail(emu,
                 "%s: shared address %u (+%d bytes) is outside the block's %lld "
                 "bytes or not %d-byte aligned",
                 what, dst, bytes, (long long)emu->smem_bytes, align);
    return 0;
  }
  return 1;
}

/* Whether [src, src + bytes) lies in one global buffer, aligned to `align`
 * from its start (cudaMalloc aligns buffers to 256 bytes). */
static int dfq_emu_global_ok(dfq_emu *emu, const uint8_t *src, int bytes,
                             int align, const char *what) {
  for (int i = 0; i < 2; ++i) {
    const uint8_t *base = emu->global_base[i];
    if (base && src >= base && src + bytes <= base + emu->global_bytes[i]) {
      if ((src - base) % align != 0) {
        dfq_emu_fail(emu, "%s: global offset %lld is not %d-byte aligned",
                     what, (long long)(src - base), align);
        return 0;
      }
      return 1;
    }
  }
  dfq_emu_fail(emu, "%s: %d bytes read outside the layer's input and weights",
               what, bytes);
  return 0;
}

void dfq_emu_cp_async(dfq_emu *emu, int thread, uint32_t dst, const void *src,
                      int bytes, int src_bytes) {
  if (bytes != 4 && bytes != 8 && bytes != 16) {
    dfq_emu_fail(emu, "cp.async of %d bytes (4, 8 or 16)", bytes);
    return;
  }
  if (src_bytes < 0 || src_bytes > bytes) {
    dfq_emu_fail(emu, "cp.async src-size %d of a %d-byte copy", src_bytes,
                 bytes);
    return;
  }
  if (!dfq_emu_shared_ok(emu, dst, bytes, bytes, "cp.async") ||
      (src_bytes > 0 &&
       !dfq_emu_global_ok(emu, (const uint8_t *)src, src_bytes, bytes,
                          "cp.async")))
    return;
  if (emu->copy_count[thread] == emu->copy_capacity) {
    dfq_emu_fail(emu, "thread %d has more than %lld cp.async copies pending",
                 thread, (long long)emu->copy_capacity);
    return;
  }
  dfq_emu_copy *copy = &emu->copies[thread * emu->copy_capacity +
                                    emu->copy_count[thread]++];
  copy->dst = dst;
  copy->src = (const uint8_t *)src;
  copy->bytes = bytes;
  copy->src_bytes = src_bytes;
  copy->thread = thread;
  copy->group = emu->committed[thread];
}

void dfq_emu_cp_async_commit(dfq_emu *emu, int thread) {
  ++emu->committed[thread];
}

void dfq_emu_cp_async_wait(dfq_emu *emu, int thread, int pending) {
  /* Groups [0, committed - pending) of this thread complete now. */
  int64_t complete = emu->committed[thread] - pending;
  dfq_emu_copy *copies = emu->copies + thread * emu->copy_capacity;
  int64_t kept = 0;
  for (int64_t i = 0; i < emu->copy_count[thread]; ++i) {
    dfq_emu_copy copy = copies[i];
    if (copy.group < complete) {
      memcpy(emu->smem + copy.dst, copy.src, (size_t)copy.src_bytes);
      memset(emu->smem + copy.dst + copy.src_bytes, 0,
             (size_t)(copy.bytes - copy.src_bytes));
    } else {
      copies[kept++] = copy;
    }
  }
  emu->copy_count[thread] = kept;
}

void dfq_emu_fill(dfq_emu *emu, uint32_t dst, uint8_t value, int bytes) {
  if (dfq_emu_shared_ok(emu, dst, bytes, bytes, "st.shared"))
    memset(emu->smem + dst, value, (size_t)bytes);
}

static uint32_t dfq_emu_word(const uint8_t *bytes) {
  return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 |
         (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
}

void dfq_emu_load_words(dfq_emu *emu, uint32_t *words, const void *src,
                        int count) {
  const uint8_t *bytes = (const uint8_t *)src;
  /* A vector load: aligned to its size. */
  if (!dfq_emu_global_ok(emu, bytes, 4 * count, 4 * count, "ld.global")) {
    for (int i = 0; i < count; ++i)
      words[i] = 0;
    return;
  }
  for (int i = 0; i < count; ++i)
    words[i] = dfq_emu_word(bytes + 4 * i);
}

void dfq_emu_store_words(dfq_emu *emu, uint32_t dst, const uint32_t *words,
                         int count) {
  if (!dfq_emu_shared_ok(emu, dst, 4 * count, 4 * count, "st.shared"))
    return;
  for (int i = 0; i < count; ++i)
    for (int b = 0; b < 4; ++b)
      emu->smem[dst + 4 * i + b] = (uint8_t)(words[i] >> (8 * b));
}

void dfq_emu_copy_byte(dfq_emu *emu, uint32_t dst, const void *src) {
  if (dfq_emu_shared_ok(emu, dst, 1, 1, "st.shared") &&
      dfq_emu_global_ok(emu, (const uint8_t *)src, 1, 1, "ld.global"))
    emu->smem[dst] = *(const uint8_t *)src;
}


void dfq_emu_ldmatrix_x4(dfq_emu *emu, const uint32_t address[32],
                         uint32_t fragment[32][4]) {
  for (int lane = 0; lane < 32; ++lane)
    if (!dfq_emu_shared_ok(emu, address[lane], 16, 16, "ldmatrix"))
      return;
  for (int matrix = 0; matrix < 4; ++matrix)
    for (int lane = 0; lane < 32; ++lane) {
      uint32_t row = address[matrix * 8 + lane / 4];
      fragment[lane][matrix] = dfq_emu_word(emu->smem + row + 4 * (lane % 4));
    }
}

void dfq_emu_mma_m16n8k32_u8s8(const uint32_t a[32][4], const uint32_t b[32][2],
                               int32_t *d, int64_t stride) {
  uint8_t A[16][32];
  int8_t B[32][8];
  for (int lane = 0; lane < 32; ++lane) {
    int group = lane >> 2, in_group = lane % 4;
    for (int i = 0; i < 16; ++i) {
      int row = (i < 4 || (i >= 8 && i < 12)) ? group : group + 8;
      int col = in_group * 4 + (i & 3) + (i >= 8 ? 16 : 0);
      A[row][col] = (uint8_t)(a[lane][i / 4] >> (8 * (i % 4)));
    }
    for (int i = 0; i < 8; ++i) {
      int k = in_group * 4 + (i & 3) + (i >= 4 ? 16 : 0);
      B[k][group] = (int8_t)(uint8_t)(b[lane][i / 4] >> (8 * (i % 4)));
    }
  }
  for (int lane = 0; lane < 32; ++lane) {
    int group = lane >> 2, in_group = lane % 4;
    for (int i = 0; i < 4; ++i) {
      int row = i < 2 ? group : group + 8;
      int col = in_group * 2 + (i & 1);
      /* The tensor cores add in wrapping 32-bit arithmetic. */
      uint32_t sum = (uint32_t)d[lane * stride + i];
      for (int k = 0; k < 32; ++k)
        sum += (uint32_t)((int32_t)A[row][k] * (int32_t)B[k][col]);
      d[lane * stride + i] = (int32_t)sum;
    }
  }
}

/* The CPU's model of device memory (dfq_cuda_runtime.h): separate buffers
 * that start as a 0xA5 pattern, filled and read back only by the copies the
 * host program asks for. */
int dfq_cuda_device_alloc(void **memory, size_t bytes) {
  size_t rounded = (bytes + 255) / 256 * 256;
  *memory = aligned_alloc(256, rounded ? rounded : 256);
  if (!*memory)
    return dfq_rt_fail("cannot allocate %zu bytes of emulated device memory",
                       bytes);
  memset(*memory, 0xA5, rounded);
  return 0;
}

void dfq_cuda_device_free(void *memory) { free(memory); }

int dfq_cuda_copy_to_device(void *device, const void *host, size_t bytes) {
  memcpy(device, host, bytes);
  return 0;
}

int dfq_cuda_copy_to_host(void *host, const void *device, size_t bytes) {
  memcpy(host, device, bytes);
  return 0;
}

void *dfq_cuda_stream(void) { return NULL; }
