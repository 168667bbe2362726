/*===- dfq_x86_runtime.h - the x86 backend's host runtime ---------*- C -*-===//
 *
 * What the host code of an x86 model library needs beyond the shared
 * runtime (dfq_runtime.h): the check that this CPU runs the kernels, and
 * the calls of Halide kernels (LayerKernel.h) on arena memory.
 *
 *===----------------------------------------------------------------------===*/

#ifndef DFQ_X86_RUNTIME_H
#define DFQ_X86_RUNTIME_H

#include "dfq_runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A kernel's entry point that takes its arguments as an array (Halide's
 * NAME_argv): pointers to the input's, the residual's, the tables' and the
 * outputs' halide_buffer_t, in that order (LayerKernel.h). */
typedef int (*dfq_rt_kernel)(void **args);

/* A table of constants a kernel reads (its packed weights, a per-channel
 * parameter): dense, `dimensions` extents innermost first, elements of
 * Halide's type `code` (0 signed, 1 unsigned) and `bits`; the data is
 * aligned to 64 bytes. Kernels of the same code share one entry point and
 * differ in their tables. */
#define DFQ_RT_MAX_TABLE_DIMS 6
typedef struct {
  const void *data;
  int code, bits, dimensions;
  int32_t extent[DFQ_RT_MAX_TABLE_DIMS];
} dfq_rt_table;

/* The instruction sets a library can be compiled for (LayerKernel.h). */
enum { DFQ_RT_ISA_AVX512_VNNI = 0, DFQ_RT_ISA_AVX2 = 1 };

/* 0 when this CPU runs code built for `isa`, else 1 with the error set. */
int dfq_rt_check_cpu(int isa);
/* The threads Halide's own parallel loops may use. */
void dfq_rt_set_threads(int threads);

/* Runs a kernel on NHWC u8 activations: input [n][h][w][c]; then
 * `buffers[0..count)`, the residual first when `has_residual`, then the
 * outputs, all [n][oh][ow][o], f32 where `is_float[i]` else u8; then its
 * `table_count` tables. A team splits the output rows when `split_rows`
 * (the kernel computes any row range, the same rows of every buffer) and
 * there are enough, else its part 0 runs it all. 0 on success, else 1 with
 * the error naming `layer`. */
#define DFQ_RT_MAX_KERNEL_BUFFERS 5
#define DFQ_RT_MAX_KERNEL_TABLES 12
int dfq_rt_run_kernel(dfq_rt_kernel kernel, const char *layer,
                      const uint8_t *input, int64_t n, int64_t h, int64_t w,
                      int64_t c, int has_residual, int count,
                      void *const *buffers, const int *is_float,
                      const dfq_rt_table *tables, int table_count, int64_t oh,
                      int64_t ow, int64_t o, int split_rows,
                      const dfq_rt_team *team);

#ifdef __cplusplus
}
#endif

#endif /* DFQ_X86_RUNTIME_H */
