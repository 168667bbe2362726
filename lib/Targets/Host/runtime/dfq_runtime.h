/*===- dfq_runtime.h - host side of a compiled dfq model ----------*- C -*-===//
 *
 * What every compiled model's host code calls, whatever its backend: the
 * float ops between quantized layers (docs/design.md's semantics, in the
 * IR's NCHW layout), the conversions between float NCHW and quantized NHWC
 * activations, integer requantization, the persistent thread pool and the
 * teams that share a program's steps, and the call of a plain C kernel over
 * a range of output rows. dfq-compile writes this file and its .c next to
 * the generated model.c; it is C11 with POSIX threads, no intrinsics, so
 * that it builds with any C compiler on any machine. A backend adds its own
 * runtime next to it (dfq_x86_runtime.h) for what its kernels need.
 *
 *===----------------------------------------------------------------------===*/

#ifndef DFQ_RUNTIME_H
#define DFQ_RUNTIME_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Records a message for dfq_model_last_error(); returns 1. */
int dfq_rt_fail(const char *format, ...);
const char *dfq_rt_last_error(void);
/* Empties the error, before a call whose failure the caller reports. */
void dfq_rt_clear_error(void);

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
/* Step times of a model's profiled runs: seconds[step] sums the time from
 * the end of the step before (or the start of the program) to the end of
 * `step`, as the first part of the batch sees it. */
typedef struct dfq_rt_profile {
  double *seconds; /* one per step */
  double mark;     /* when the last step ended */
} dfq_rt_profile;

typedef struct dfq_rt_team {
  int part, parts;
  dfq_rt_pool *pool;
  /* The profile this part records into; NULL when the run is not profiled
   * and in every part but the first. */
  dfq_rt_profile *profile;
} dfq_rt_team;
void dfq_rt_barrier(const dfq_rt_team *team);
/* Ends step `step` of a program: the team meets at a barrier, then the
 * part that profiles records the step's time. */
void dfq_rt_step_end(const dfq_rt_team *team, int step);
/* A monotonic clock, in seconds. */
double dfq_rt_seconds(void);
/* This part's range [begin, end) of `count` elements: whole runs of 64. */
void dfq_rt_share(const dfq_rt_team *team, int64_t count, int64_t *begin,
                  int64_t *end);
/* This part's range [begin, end) of `rows` rows of `row_elements` elements:
 * whole rows, runs of at least 64 elements. */
void dfq_rt_share_rows(const dfq_rt_team *team, int64_t rows,
                       int64_t row_elements, int64_t *begin, int64_t *end);

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
 * threads; otherwise as one team that splits every step. The first part
 * records its step times into `profile` unless it is NULL. 0 on success,
 * else 1 with the first failing part's error. */
int dfq_rt_run_batch(dfq_rt_program program, dfq_rt_pool *pool, uint8_t *arena,
                     int64_t arena_bytes_per_sample, int64_t n, int num_inputs,
                     const float *const *inputs, const int64_t *input_elements,
                     int num_outputs, float *const *outputs,
                     const int64_t *output_elements, dfq_rt_profile *profile);

/* Which output rows of an [n][oh][ow][o] layer this part of `team`
 * computes: [*first, *last), or nothing (returns 0) when part 0 runs the
 * whole layer and this is another part. The rows are split when
 * `split_rows` and there are at least as many rows as parts. */
int dfq_rt_team_rows(const dfq_rt_team *team, int64_t oh, int split_rows,
                     int64_t *first, int64_t *last);

/* A kernel as a plain C function: computes output rows [first_row,
 * last_row) of its [n][oh][ow][o] output from its whole [n][h][w][c] input
 * (both NHWC, one activation per byte); 0 on success. */
typedef int (*dfq_rt_row_kernel)(const void *input, int64_t n,
                                 int64_t first_row, int64_t last_row,
                                 void *output);
/* Runs it with the rows split over `team` as dfq_rt_team_rows says. 0 on
 * success, else 1 with the error naming `layer`. */
int dfq_rt_run_row_kernel(dfq_rt_row_kernel kernel, const char *layer,
                          const void *input, int64_t n, void *output,
                          int64_t oh, int split_rows, const dfq_rt_team *team);

/* docs/design.md's requantization of one exact accumulator:
 * clamp(zp + ((acc * m + 2^(shift-1)) >> shift), lo, hi), the shift
 * arithmetic (a floor division, written so that it does not depend on how
 * the compiler shifts negative numbers). |acc| < 2^31 and m < 2^31 keep the
 * product inside int64. */
static inline int32_t dfq_rt_requantize(int64_t acc, int32_t m, int32_t shift,
                                        int32_t zp, int32_t lo, int32_t hi) {
  int64_t p = acc * (int64_t)m;
  if (shift > 0) {
    p += (int64_t)1 << (shift - 1);
    p = p >= 0 ? p >> shift : -((-(p + 1)) >> shift) - 1;
  }
  p += zp;
  return (int32_t)(p < lo ? lo : (p > hi ? hi : p));
}

/* q = clamp(round_half_even(x / scale) + zp, qmin, qmax) over a [n][c][hw]
 * float tensor; written as [n][hw][c] when `to_nhwc`. */
void dfq_rt_quantize(const float *x, uint8_t *q, int64_t n, int64_t c,
                     int64_t hw, float scale, int32_t zp, int32_t qmin,
                     int32_t qmax, int to_nhwc);
/* x = (q - zp) * scale, read from [n][hw][c] when `from_nhwc`. */
void dfq_rt_dequantize(const uint8_t *q, float *x, int64_t n, int64_t c,
                       int64_t hw, float scale, int32_t zp, int from_nhwc);
/* The same for signed (int8_t) storage. */
void dfq_rt_quantize_s8(const float *x, int8_t *q, int64_t n, int64_t c,
                        int64_t hw, float scale, int32_t zp, int32_t qmin,
                        int32_t qmax, int to_nhwc);
void dfq_rt_dequantize_s8(const int8_t *q, float *x, int64_t n, int64_t c,
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

/* exp(x) in f32 within 2 ulp (normal results), branch-free so that loops
 * over it vectorize (the C library's expf is a call per element: it was
 * 78 % of EfficientNet-B0's time as its SiLU gates). n = round(x / ln 2),
 * r = x - n ln 2 in two parts (Cody and Waite), exp(r) for |r| <= ln(2) / 2
 * by its Taylor polynomial to r^7 / 7! (truncation below 2^-26 relative),
 * times 2^n as two powers of two so that subnormal results come out right;
 * +inf above 88.72284, 0 below -103.97208, NaN for NaN. */
static inline float dfq_rt_expf(float x) {
  float n = rintf(x * 1.44269504f);
  n = n > 129.0f ? 129.0f : (n < -151.0f ? -151.0f : n);
  float r = x - n * 0.693145752f;
  r = r - n * 1.42860677e-6f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  int32_t k = (int32_t)n, k1 = k / 2, k2 = k - k1;
  union {
    int32_t i;
    float f;
  } s1 = {(k1 + 127) << 23}, s2 = {(k2 + 127) << 23};
  float y = p * s1.f * s2.f;
  y = x > 88.7228394f ? INFINITY : y;
  y = x < -103.972084f ? 0.0f : y;
  return x != x ? x : y;
}

/* One element of dfq.sigmoid, dfq.hard_sigmoid and dfq.hard_swish: the
 * ops' formulas, each operation rounded to f32 (model libraries are built
 * with -ffp-contract=off); tanhf is the C library's. */
static inline float dfq_rt_sigmoid_one(float x) {
  return 1.0f / (1.0f + dfq_rt_expf(-x));
}
static inline float dfq_rt_hard_sigmoid_one(float x, float alpha, float beta) {
  return dfq_rt_clip_one(alpha * x + beta, 0.0f, 1.0f);
}
static inline float dfq_rt_hard_swish_one(float x) {
  return x * dfq_rt_hard_sigmoid_one(x, 1.0f / 6.0f, 0.5f);
}

/* y = a + b or a * b over an output of rank <= DFQ_RT_MAX_RANK; the strides
 * (in elements) of a broadcast dimension are 0. */
#define DFQ_RT_MAX_RANK 6
enum {
  DFQ_RT_ADD = 0,
  DFQ_RT_MUL = 1,
  DFQ_RT_SUB = 2,
  DFQ_RT_DIV = 3,
  DFQ_RT_MAX = 4,
  DFQ_RT_MIN = 5,
  DFQ_RT_PRELU = 6
};
/* dfq.max and dfq.min (NaN in either operand gives NaN) and dfq.prelu. */
static inline float dfq_rt_max_one(float a, float b) {
  return a > b || a != a ? a : b;
}
static inline float dfq_rt_min_one(float a, float b) {
  return a < b || a != a ? a : b;
}
static inline float dfq_rt_prelu_one(float x, float slope) {
  return x < 0.0f ? x * slope : x;
}
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

/* y[n][c][hw] = x[n][hw][c], and back; the _bytes variants move one-byte
 * codes. */
void dfq_rt_nhwc_to_nchw(const float *x, float *y, int64_t n, int64_t c,
                         int64_t hw);
void dfq_rt_nchw_to_nhwc(const float *x, float *y, int64_t n, int64_t c,
                         int64_t hw);
void dfq_rt_nhwc_to_nchw_bytes(const uint8_t *x, uint8_t *y, int64_t n,
                               int64_t c, int64_t hw);
void dfq_rt_nchw_to_nhwc_bytes(const uint8_t *x, uint8_t *y, int64_t n,
                               int64_t c, int64_t hw);

/* Pooling over [planes][h][w] → [planes][oh][ow]; `geometry` is
 * {kh, kw, stride_h, stride_w, pad_top, pad_left, pad_bottom, pad_right,
 *  dilation_h, dilation_w}. Average pooling divides by the taps inside the
 * input, or also on explicit pads when `count_include_pad`. */
void dfq_rt_max_pool2d(const float *x, float *y, int64_t planes, int64_t h,
                       int64_t w, int64_t oh, int64_t ow,
                       const int64_t *geometry);
/* The same over [n][h][w][c] data, and both forms over the codes of a
 * per-tensor quantized tensor (unsigned and signed bytes). */
void dfq_rt_max_pool2d_nhwc(const float *x, float *y, int64_t n, int64_t h,
                            int64_t w, int64_t c, int64_t oh, int64_t ow,
                            const int64_t *geometry);
void dfq_rt_max_pool2d_u8(const uint8_t *x, uint8_t *y, int64_t planes,
                          int64_t h, int64_t w, int64_t oh, int64_t ow,
                          const int64_t *geometry);
void dfq_rt_max_pool2d_s8(const int8_t *x, int8_t *y, int64_t planes, int64_t h,
                          int64_t w, int64_t oh, int64_t ow,
                          const int64_t *geometry);
void dfq_rt_max_pool2d_nhwc_u8(const uint8_t *x, uint8_t *y, int64_t n,
                               int64_t h, int64_t w, int64_t c, int64_t oh,
                               int64_t ow, const int64_t *geometry);
void dfq_rt_max_pool2d_nhwc_s8(const int8_t *x, int8_t *y, int64_t n, int64_t h,
                               int64_t w, int64_t c, int64_t oh, int64_t ow,
                               const int64_t *geometry);
void dfq_rt_avg_pool2d(const float *x, float *y, int64_t planes, int64_t h,
                       int64_t w, int64_t oh, int64_t ow,
                       const int64_t *geometry, int count_include_pad);
void dfq_rt_avg_pool2d_nhwc(const float *x, float *y, int64_t n, int64_t h,
                            int64_t w, int64_t c, int64_t oh, int64_t ow,
                            const int64_t *geometry, int count_include_pad);
/* dfq.qavg_pool2d on codes, over [n][h][w][c] (`_nhwc`) or [planes][h][w]:
 * each window's sum of x - zp_x (padding adds 0), requantized by
 * dfq_rt_requantize. `requant` is {zp_x, multiplier, shift, zp_y, qmin,
 * qmax}; `geometry` as above (no dilation, no ceil mode). */
void dfq_rt_qavg_pool2d_nhwc_u8(const uint8_t *x, uint8_t *y, int64_t n,
                                int64_t h, int64_t w, int64_t c, int64_t oh,
                                int64_t ow, const int64_t *geometry,
                                const int32_t *requant);
void dfq_rt_qavg_pool2d_nhwc_s8(const int8_t *x, int8_t *y, int64_t n,
                                int64_t h, int64_t w, int64_t c, int64_t oh,
                                int64_t ow, const int64_t *geometry,
                                const int32_t *requant);
void dfq_rt_qavg_pool2d_u8(const uint8_t *x, uint8_t *y, int64_t planes,
                           int64_t h, int64_t w, int64_t oh, int64_t ow,
                           const int64_t *geometry, const int32_t *requant);
void dfq_rt_qavg_pool2d_s8(const int8_t *x, int8_t *y, int64_t planes,
                           int64_t h, int64_t w, int64_t oh, int64_t ow,
                           const int64_t *geometry, const int32_t *requant);

/* y[n][o] = bias[o] + sum_k x[n][k] * w[o][k] (a float dfq.gemm; `bias` may
 * be NULL). Accumulates in double and rounds once. */
void dfq_rt_gemm(const float *x, const float *w, const float *bias, float *y,
                 int64_t n, int64_t k, int64_t o);
/* The same gemm with the weights as their quantized codes: w[o][k] is
 * (float)(codes[o][k] - zero_points[o]) * scales[o], the one f32 product
 * dfq.dequantize computes, so the result is dfq_rt_gemm's on the
 * dequantized weights, from a quarter of the memory. */
void dfq_rt_gemm_codes(const float *x, const int8_t *codes,
                       const int32_t *zero_points, const float *scales,
                       const float *bias, float *y, int64_t n, int64_t k,
                       int64_t o);

/* Softmax along the middle dimension of [outer][axis][inner]. */
void dfq_rt_softmax(const float *x, float *y, int64_t outer, int64_t axis,
                    int64_t inner);

/* Copies `rows` rows of `bytes` bytes, `x_stride` bytes apart in x, to
 * `y_stride` bytes apart in y: a concatenation's input into its rows, a
 * value computed into a concatenation's buffer out of it or into it. */
void dfq_rt_copy_rows(const void *x, int64_t x_stride, void *y,
                      int64_t y_stride, int64_t rows, int64_t bytes);

/* y = transpose(x) for a tensor of `dims` (rank <= DFQ_RT_MAX_RANK) whose
 * output dimension i is input dimension perm[i]. */
/* dfq.matmul of `batches` pairs of row-major [m, k] and [k, n] matrices. */
void dfq_rt_matmul(const float *a, const float *b, float *y, int64_t batches,
                   int64_t m, int64_t k, int64_t n);
/* dfq.layer_norm of `rows` rows of `cols` elements; bias may be NULL. Mean
   and variance accumulate in double. */
void dfq_rt_layer_norm(const float *x, const float *scale, const float *bias,
                       float *y, int64_t rows, int64_t cols, float epsilon);
/* dfq.reduce_mean, reduce_sum and reduce_max of x viewed as [outer,
   reduce, inner] over its middle dimension; sums accumulate in double. */
enum { DFQ_RT_REDUCE_MEAN = 0, DFQ_RT_REDUCE_SUM = 1, DFQ_RT_REDUCE_MAX = 2 };
void dfq_rt_reduce(int kind, const float *x, float *y, int64_t outer,
                   int64_t reduce, int64_t inner);
/* dfq.conv_transpose2d of NCHW x by weights [c][o/groups][kh][kw];
   geometry = {kh, kw, sh, sw, pad_top, pad_left, dh, dw, groups}; bias may
   be NULL. */
void dfq_rt_conv_transpose2d(const float *x, const float *w, const float *bias,
                             float *y, int64_t n, int64_t c, int64_t h,
                             int64_t wd, int64_t o, int64_t oh, int64_t ow,
                             const int64_t *geometry);
/* dfq.resize of `planes` planes of ih x iw floats to oh x ow (docs of the
   op for the coordinate modes). */
enum {
  DFQ_RT_RESIZE_NEAREST = 0,
  DFQ_RT_RESIZE_LINEAR = 1,
  DFQ_RT_RESIZE_CUBIC = 2,
  DFQ_RT_COORD_HALF_PIXEL = 0,
  DFQ_RT_COORD_PYTORCH_HALF_PIXEL = 1,
  DFQ_RT_COORD_ALIGN_CORNERS = 2,
  DFQ_RT_COORD_ASYMMETRIC = 3,
  DFQ_RT_ROUND_PREFER_FLOOR = 0,
  DFQ_RT_ROUND_PREFER_CEIL = 1,
  DFQ_RT_FLOOR = 2,
  DFQ_RT_CEIL = 3
};
int dfq_rt_resize(const float *x, float *y, int64_t planes, int64_t ih,
                  int64_t iw, int64_t oh, int64_t ow, int mode, int coordinates,
                  int nearest, double scale_h, double scale_w, double cubic_a,
                  int exclude_outside);
/* dfq.pad of a contiguous `rank`-dimensional tensor into out_dims, the
   input starting at `begins` in every dimension. */
enum { DFQ_RT_PAD_CONSTANT = 0, DFQ_RT_PAD_REFLECT = 1, DFQ_RT_PAD_EDGE = 2 };
void dfq_rt_pad(const float *x, float *y, const int64_t *in_dims,
                const int64_t *out_dims, const int64_t *begins, int rank,
                int mode, float value);
/* dfq.slice of a contiguous `rank`-dimensional tensor: along dimension d,
   out_dims[d] elements from starts[d], steps[d] apart (negative steps walk
   backwards). */
void dfq_rt_slice(const float *x, float *y, const int64_t *in_dims,
                  const int64_t *out_dims, const int64_t *starts,
                  const int64_t *steps, int rank);
void dfq_rt_transpose(const float *x, float *y, const int64_t *dims,
                      const int64_t *perm, int rank);
void dfq_rt_transpose_bytes(const uint8_t *x, uint8_t *y, const int64_t *dims,
                            const int64_t *perm, int rank);

#ifdef __cplusplus
}
#endif

#endif /* DFQ_RUNTIME_H */
