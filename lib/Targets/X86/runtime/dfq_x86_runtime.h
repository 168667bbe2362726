/*===- dfq_x86_runtime.h - host side of a compiled dfq model ------*- C -*-===//
 *
 * The operations of a compiled model that are not Halide kernels: the
 * float ops between quantized layers (docs/design.md's semantics, in the
 * IR's NCHW layout), the conversions between float NCHW and quantized NHWC
 * activations, and the call of a generated kernel on arena memory.
 * dfq-compile writes this file and its .c next to the generated model.c
 * and compiles them into libmodel.so; it is plain C99 so that it builds
 * with any C compiler.
 *
 *===----------------------------------------------------------------------===*/

#ifndef DFQ_X86_RUNTIME_H
#define DFQ_X86_RUNTIME_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct halide_buffer_t;
typedef int (*dfq_rt_kernel)(struct halide_buffer_t *input,
                             struct halide_buffer_t *output);

/* The instruction sets a library can be compiled for (LayerKernel.h). */
enum { DFQ_RT_ISA_AVX512_VNNI = 0, DFQ_RT_ISA_AVX2 = 1 };

/* Records a message for dfq_model_last_error(); returns 1. */
int dfq_rt_fail(const char *format, ...);
const char *dfq_rt_last_error(void);
/* 0 when this CPU runs code built for `isa`, else 1 with the error set. */
int dfq_rt_check_cpu(int isa);
void dfq_rt_set_threads(int threads);

/* Persistent worker threads (threads - 1 besides the caller); NULL for
 * fewer than 2 threads or when none can be started. */
typedef struct dfq_rt_pool dfq_rt_pool;
dfq_rt_pool *dfq_rt_pool_create(int threads);
void dfq_rt_pool_destroy(dfq_rt_pool *pool);
/* The threads a pool runs a job on (the caller's included); 1 for NULL. */
int dfq_rt_pool_threads(const dfq_rt_pool *pool);

/* The threads running one program together: each runs every step, does
 * its share of the work and meets the others at dfq_rt_barrier after the
 * step. A team of one (parts = 1) does everything and never waits. */
typedef struct dfq_rt_team {
  int part, parts;
  dfq_rt_pool *pool;
} dfq_rt_team;
void dfq_rt_barrier(const dfq_rt_team *team);
/* This part's range [begin, end) of `count` elements: whole runs of 64. */
void dfq_rt_share(const dfq_rt_team *team, int64_t count, int64_t *begin,
                  int64_t *end);

/* The straight-line program of a model on `n` samples, with `arena` its
 * activation memory (arena_bytes_per_sample x n), run by `team`. */
typedef int (*dfq_rt_program)(uint8_t *arena, int64_t n,
                              const float *const *inputs, float *const *outputs,
                              const dfq_rt_team *team);
/* The number of CPUs this process may run on. */
int dfq_rt_default_threads(void);
/* Runs `program` on `n` samples with the pool's threads (the caller's among
 * them): split into contiguous sub-batches, each with its own slice of
 * `arena` and of every input and output (the *_elements arrays give the
 * floats per sample of each), when there are at least as many samples as
 * threads; otherwise as one team that splits every step. 0 on success,
 * else 1 with the first failing part's error. */
int dfq_rt_run_batch(dfq_rt_program program, dfq_rt_pool *pool, uint8_t *arena,
                     int64_t arena_bytes_per_sample, int64_t n, int num_inputs,
                     const float *const *inputs, const int64_t *input_elements,
                     int num_outputs, float *const *outputs,
                     const int64_t *output_elements);

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

/* q = clamp(round_half_even(x / scale) + zp, qmin, qmax) over a [n][c][hw]
 * float tensor; written as [n][hw][c] when `to_nhwc`. */
void dfq_rt_quantize(const float *x, uint8_t *q, int64_t n, int64_t c,
                     int64_t hw, float scale, int32_t zp, int32_t qmin,
                     int32_t qmax, int to_nhwc);
/* x = (q - zp) * scale, read from [n][hw][c] when `from_nhwc`. */
void dfq_rt_dequantize(const uint8_t *q, float *x, int64_t n, int64_t c,
                       int64_t hw, float scale, int32_t zp, int from_nhwc);

/* The IEEE quotient x / scale without a division, given inv_scale =
 * 1.0f / scale (itself correctly rounded): q0 = x * inv_scale is within
 * about an ulp of x / scale, r = x - q0 * scale is exact with an FMA, and
 * q0 + r * inv_scale rounds to the correctly rounded quotient (Markstein's
 * correction step; checked bit for bit against the division on every f32
 * in [2^-4, 2^10) for 100 scales, and by X86RuntimeTest). Where |q0| >=
 * 2^24, or q0 is not finite, the quotient saturates any 8-bit quantization
 * alike and q0 is returned. One multiply and two FMAs pipeline where a
 * vector division does not: the fused loops that requantize a residual
 * stream were bound by the divider. */
static inline float dfq_rt_div_by_scale(float x, float scale, float inv_scale) {
  float q0 = x * inv_scale;
  float q1 = fmaf(fmaf(-q0, scale, x), inv_scale, q0);
  return fabsf(q0) < 0x1p24f ? q1 : q0;
}

/* One element of dfq_rt_quantize (branch-free, so that fused loops in
 * generated code vectorize) and of dfq_rt_clip. */
static inline float dfq_rt_quantize_one(float x, float scale, float inv_scale,
                                        float zp, float qmin, float qmax) {
  float r = nearbyintf(dfq_rt_div_by_scale(x, scale, inv_scale)) + zp;
  r = r == r ? r : zp;
  r = r < qmin ? qmin : r;
  return r > qmax ? qmax : r;
}
static inline float dfq_rt_clip_one(float x, float lo, float hi) {
  float v = x < lo ? lo : x;
  return v > hi ? hi : v;
}

void dfq_rt_relu(const float *x, float *y, int64_t count);
void dfq_rt_clip(const float *x, float *y, int64_t count, float lo, float hi);

/* y = a + b or a * b over an output of rank <= DFQ_RT_MAX_RANK; the strides
 * (in elements) of a broadcast dimension are 0. */
#define DFQ_RT_MAX_RANK 6
enum { DFQ_RT_ADD = 0, DFQ_RT_MUL = 1 };
void dfq_rt_binary(int op, const float *a, const int64_t *a_strides,
                   const float *b, const int64_t *b_strides, float *y,
                   const int64_t *dims, int rank);

/* Mean over each of `planes` planes of `hw` elements. */
void dfq_rt_global_avg_pool(const float *x, float *y, int64_t planes,
                            int64_t hw);
/* The same over [n][hw][c] data, summing each channel in the same order;
 * `planes` is n * c. */
void dfq_rt_global_avg_pool_nhwc(const float *x, float *y, int64_t planes,
                                 int64_t hw, int64_t c);

/* y[n][c][hw] = x[n][hw][c]. */
void dfq_rt_nhwc_to_nchw(const float *x, float *y, int64_t n, int64_t c,
                         int64_t hw);

/* Pooling over [planes][h][w] → [planes][oh][ow]; `geometry` is
 * {kh, kw, stride_h, stride_w, pad_top, pad_left, pad_bottom, pad_right,
 *  dilation_h, dilation_w}. Average pooling divides by the taps inside the
 * input, or also on explicit pads when `count_include_pad`. */
void dfq_rt_max_pool2d(const float *x, float *y, int64_t planes, int64_t h,
                       int64_t w, int64_t oh, int64_t ow,
                       const int64_t *geometry);
void dfq_rt_avg_pool2d(const float *x, float *y, int64_t planes, int64_t h,
                       int64_t w, int64_t oh, int64_t ow,
                       const int64_t *geometry, int count_include_pad);

/* y[n][o] = bias[o] + sum_k x[n][k] * w[o][k] (a float dfq.gemm; `bias` may
 * be NULL). Accumulates in double and rounds once. */
void dfq_rt_gemm(const float *x, const float *w, const float *bias, float *y,
                 int64_t n, int64_t k, int64_t o);

/* Softmax along the middle dimension of [outer][axis][inner]. */
void dfq_rt_softmax(const float *x, float *y, int64_t outer, int64_t axis,
                    int64_t inner);

/* Copies one input of a concatenation: [outer][part] into [outer][total]
 * at column `offset` (sizes in bytes). */
void dfq_rt_concat_part(const void *x, void *y, int64_t outer, int64_t part,
                        int64_t total, int64_t offset);

/* y = transpose(x) for a tensor of `dims` (rank <= DFQ_RT_MAX_RANK) whose
 * output dimension i is input dimension perm[i]. */
void dfq_rt_transpose(const float *x, float *y, const int64_t *dims,
                      const int64_t *perm, int rank);

#ifdef __cplusplus
}
#endif

#endif /* DFQ_X86_RUNTIME_H */
