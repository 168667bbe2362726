/*===- dfq_x86_runtime.c - the x86 backend's part of the host runtime -*- C -*-===//
 *
 * See dfq_x86_runtime.h: the CPU check, and the calls of Halide kernels on
 * arena memory. Everything else is the shared host runtime (dfq_runtime.c).
 *
 *===----------------------------------------------------------------------===*/

#include "dfq_x86_runtime.h"

#include "HalideRuntime.h"

#include <cpuid.h>
#include <stdio.h>
#include <string.h>

int dfq_rt_check_cpu(int isa) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
    return dfq_rt_fail("this CPU does not report its extended features");
  int avx2 = (b & bit_AVX2) != 0;
  if (isa == DFQ_RT_ISA_AVX2)
    return avx2 ? 0
                : dfq_rt_fail("this library was compiled for x86-avx2 and "
                              "this CPU has no AVX2");
  int avx512 = (b & bit_AVX512F) && (b & bit_AVX512CD) && (b & bit_AVX512VL) &&
               (b & bit_AVX512BW) && (b & bit_AVX512DQ) &&
               (b & bit_AVX512IFMA) && (c & bit_AVX512VBMI);
  if (!avx512 || !(c & bit_AVX512VNNI))
    return dfq_rt_fail("this library was compiled for x86-avx512-vnni and "
                       "this CPU lacks AVX-512 %s; recompile with "
                       "--target x86-avx2",
                       avx512 ? "VNNI" : "(F/CD/VL/BW/DQ/IFMA/VBMI)");
  return 0;
}

void dfq_rt_set_threads(int threads) {
  if (threads > 0)
    halide_set_num_threads(threads);
}

/* Halide reports errors through this hook; keep the message for the caller
 * instead of printing it. */
void halide_error(void *user_context, const char *message) {
  (void)user_context;
  dfq_rt_fail("%s", message);
}

static void describe_nhwc(halide_buffer_t *buffer, halide_dimension_t *dims,
                          const uint8_t *data, int64_t n, int64_t h, int64_t w,
                          int64_t c) {
  memset(buffer, 0, sizeof *buffer);
  buffer->host = (uint8_t *)data;
  buffer->type.code = halide_type_uint;
  buffer->type.bits = 8;
  buffer->type.lanes = 1;
  buffer->dimensions = 4;
  buffer->dim = dims;
  int64_t extents[4] = {c, w, h, n};
  int64_t stride = 1;
  for (int i = 0; i < 4; ++i) {
    dims[i].min = 0;
    dims[i].extent = (int32_t)extents[i];
    dims[i].stride = (int32_t)stride;
    dims[i].flags = 0;
    stride *= extents[i];
  }
}

/* Describes rows [first, last) of an [n][oh][ow][o] tensor: the kernel
 * computes only the region of the output buffers it is given (host at
 * their first element). */
static void describe_rows(halide_buffer_t *buffer, halide_dimension_t *dims,
                          void *data, int element_bytes, int64_t n, int64_t oh,
                          int64_t ow, int64_t o, int64_t first, int64_t last) {
  describe_nhwc(buffer, dims, (const uint8_t *)data, n, oh, ow, o);
  dims[2].min = (int32_t)first;
  dims[2].extent = (int32_t)(last - first);
  buffer->host = (uint8_t *)data + first * ow * o * element_bytes;
  if (element_bytes == 4) {
    buffer->type.code = halide_type_float;
    buffer->type.bits = 32;
  }
}

static int kernel_status(int status, const char *layer);

static void describe_table(halide_buffer_t *buffer, halide_dimension_t *dims,
                           const dfq_rt_table *table) {
  memset(buffer, 0, sizeof *buffer);
  buffer->host = (uint8_t *)table->data;
  buffer->type.code = (uint8_t)table->code;
  buffer->type.bits = (uint8_t)table->bits;
  buffer->type.lanes = 1;
  buffer->dimensions = table->dimensions;
  buffer->dim = dims;
  int32_t stride = 1;
  for (int i = 0; i < table->dimensions; ++i) {
    dims[i].min = 0;
    dims[i].extent = table->extent[i];
    dims[i].stride = stride;
    dims[i].flags = 0;
    stride *= table->extent[i];
  }
}

int dfq_rt_run_kernel(dfq_rt_kernel kernel, const char *layer,
                      const uint8_t *input, int64_t n, int64_t h, int64_t w,
                      int64_t c, int has_residual, int count,
                      void *const *buffers, const int *is_float,
                      const dfq_rt_table *tables, int table_count, int64_t oh,
                      int64_t ow, int64_t o, int split_rows,
                      const dfq_rt_team *team) {
  int64_t first, last;
  if (count < 1 + (has_residual != 0) || count > DFQ_RT_MAX_KERNEL_BUFFERS)
    return dfq_rt_fail("%s: %d kernel buffers", layer, count);
  if (table_count < 0 || table_count > DFQ_RT_MAX_KERNEL_TABLES)
    return dfq_rt_fail("%s: %d kernel tables", layer, table_count);
  for (int t = 0; t < table_count; ++t)
    if (tables[t].dimensions < 1 ||
        tables[t].dimensions > DFQ_RT_MAX_TABLE_DIMS)
      return dfq_rt_fail("%s: a kernel table of %d dimensions", layer,
                         tables[t].dimensions);
  if (!dfq_rt_team_rows(team, oh, split_rows, &first, &last))
    return 0;
  halide_buffer_t in, activations[DFQ_RT_MAX_KERNEL_BUFFERS],
      constants[DFQ_RT_MAX_KERNEL_TABLES];
  halide_dimension_t in_dims[4], dims[DFQ_RT_MAX_KERNEL_BUFFERS][4],
      table_dims[DFQ_RT_MAX_KERNEL_TABLES][DFQ_RT_MAX_TABLE_DIMS];
  void *args[1 + DFQ_RT_MAX_KERNEL_BUFFERS + DFQ_RT_MAX_KERNEL_TABLES];
  int next = 0;
  describe_nhwc(&in, in_dims, input, n, h, w, c);
  args[next++] = &in;
  for (int i = 0; i < count; ++i)
    describe_rows(&activations[i], dims[i], buffers[i], is_float[i] ? 4 : 1,
                  n, oh, ow, o, first, last);
  if (has_residual)
    args[next++] = &activations[0];
  for (int t = 0; t < table_count; ++t) {
    describe_table(&constants[t], table_dims[t], &tables[t]);
    args[next++] = &constants[t];
  }
  for (int i = has_residual ? 1 : 0; i < count; ++i)
    args[next++] = &activations[i];
  dfq_rt_clear_error();
  return kernel_status(kernel(args), layer);
}

static int kernel_status(int status, const char *layer) {
  if (status != 0) {
    char halide_message[512];
    snprintf(halide_message, sizeof halide_message, "%s", dfq_rt_last_error());
    return dfq_rt_fail("%s: kernel failed (Halide error %d)%s%s", layer, status,
                       halide_message[0] ? ": " : "", halide_message);
  }
  return 0;
}
