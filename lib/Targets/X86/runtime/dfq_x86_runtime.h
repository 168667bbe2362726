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

struct halide_buffer_t;
typedef int (*dfq_rt_kernel)(struct halide_buffer_t *input,
                             struct halide_buffer_t *output);

/* The instruction sets a library can be compiled for (LayerKernel.h). */
enum { DFQ_RT_ISA_AVX512_VNNI = 0, DFQ_RT_ISA_AVX2 = 1 };

/* 0 when this CPU runs code built for `isa`, else 1 with the error set. */
int dfq_rt_check_cpu(int isa);
/* The threads Halide's own parallel loops may use. */
void dfq_rt_set_threads(int threads);

/* Runs a kernel on NHWC u8 activations: input [n][h][w][c], output
 * [n][oh][ow][o]; a team splits the output rows when `split_rows` (the
 * kernel computes any row range) and there are enough, else its part 0
 * runs it all. 0 on success, else 1 with the error naming `layer`. */
int dfq_rt_run_kernel(dfq_rt_kernel kernel, const char *layer,
                      const uint8_t *input, int64_t n, int64_t h, int64_t w,
                      int64_t c, uint8_t *output, int64_t oh, int64_t ow,
                      int64_t o, int split_rows, const dfq_rt_team *team);

/* A kernel with a residual epilogue (LayerKernel.h): its arguments after
 * the input are `buffers[0..count)`, the residual and then the outputs, all
 * [n][oh][ow][o], f32 where `is_float[i]` else u8. The generated library
 * passes a function that calls the kernel with them. Rows are split as in
 * dfq_rt_run_kernel, the same rows of every buffer. */
#define DFQ_RT_MAX_KERNEL_BUFFERS 5
typedef int (*dfq_rt_kernel_call)(struct halide_buffer_t **buffers);
int dfq_rt_run_epilogue_kernel(dfq_rt_kernel_call call, const char *layer,
                               const uint8_t *input, int64_t n, int64_t h,
                               int64_t w, int64_t c, int count,
                               void *const *buffers, const int *is_float,
                               int64_t oh, int64_t ow, int64_t o,
                               int split_rows, const dfq_rt_team *team);

#ifdef __cplusplus
}
#endif

#endif /* DFQ_X86_RUNTIME_H */
