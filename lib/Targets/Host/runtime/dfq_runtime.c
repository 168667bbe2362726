/*===- dfq_runtime.c - host side of a compiled dfq model ----------*- C -*-===//
 *
 * See dfq_runtime.h. The float ops reproduce the reference interpreter's
 * f32 arithmetic: elementwise ops and quantize/dequantize are single IEEE
 * operations and agree bit for bit; average pooling sums in f32 in window
 * order as ATen's kernel does; global average pooling and softmax may
 * differ from ATen's vectorized reductions in the last bit.
 *
 *===----------------------------------------------------------------------===*/

/* sched_getaffinity and CPU_COUNT. */
#define _GNU_SOURCE

#include "dfq_runtime.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A hint to the CPU that this thread spins. */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DFQ_RT_SPIN_PAUSE() _mm_pause()
#elif defined(__aarch64__) || defined(__arm__)
#define DFQ_RT_SPIN_PAUSE() __asm__ __volatile__("yield")
#else
#define DFQ_RT_SPIN_PAUSE() ((void)0)
#endif

static __thread char last_error[512];

int dfq_rt_fail(const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(last_error, sizeof last_error, format, args);
  va_end(args);
  return 1;
}

const char *dfq_rt_last_error(void) { return last_error; }

void dfq_rt_clear_error(void) { last_error[0] = 0; }

int dfq_rt_default_threads(void) {
  cpu_set_t cpus;
  if (sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) > 0)
    return CPU_COUNT(&cpus);
  return 1;
}

/*===----------------------------------------------------------------------===
 * Thread pool and team barrier
 *
 * Workers live as long as the model. Between jobs they spin for about a
 * millisecond (a batch loop calls again within microseconds, and waking a
 * sleeping thread costs tens of microseconds, a whole batch-1 run), then
 * sleep on a condition variable. A job runs on `parts` threads, the caller
 * being part 0; within a job the parts meet at dfq_rt_barrier.
 *===----------------------------------------------------------------------===*/

enum { SPIN_LIMIT = 1 << 15 };

/* Waits a little: a pause while `*spins` is below SPIN_LIMIT, then gives
 * the CPU away, so that threads that outnumber the CPUs (or share them
 * with other jobs) still let the thread they wait for run. */
static void backoff(int *spins) {
  if (*spins < SPIN_LIMIT) {
    ++*spins;
    DFQ_RT_SPIN_PAUSE();
  } else {
    sched_yield();
  }
}

struct dfq_rt_pool {
  int workers; /* threads besides the caller */
  int cpus;    /* CPUs this process may run on, when created */
  pthread_t *threads;
  pthread_mutex_t mutex;
  pthread_cond_t wake;
  atomic_uint generation; /* bumped for every job, and to stop */
  atomic_int pending;     /* active workers still in the job */
  atomic_int sleepers;
  int stop;
  int parts;
  void (*job)(void *context, int part);
  void *context;
  /* The team barrier. */
  atomic_int arrived;
  atomic_uint barrier_generation;
};

struct worker_start {
  dfq_rt_pool *pool;
  int index;
};

static void *worker_main(void *opaque) {
  struct worker_start start = *(struct worker_start *)opaque;
  free(opaque);
  dfq_rt_pool *pool = start.pool;
  unsigned seen = 0;
  int spins = 0;
  for (;;) {
    unsigned now;
    while ((now = atomic_load(&pool->generation)) == seen) {
      if (++spins < SPIN_LIMIT) {
        DFQ_RT_SPIN_PAUSE();
        continue;
      }
      /* The submitter bumps the generation before it reads `sleepers`, and
       * this thread counts itself a sleeper before it reads the
       * generation (both sequentially consistent), so one of the two sees
       * the other; the wait itself re-checks under the mutex. */
      pthread_mutex_lock(&pool->mutex);
      atomic_fetch_add(&pool->sleepers, 1);
      while (atomic_load(&pool->generation) == seen)
        pthread_cond_wait(&pool->wake, &pool->mutex);
      atomic_fetch_sub(&pool->sleepers, 1);
      pthread_mutex_unlock(&pool->mutex);
      spins = 0;
    }
    seen = now;
    if (pool->stop)
      return NULL;
    /* Every worker acknowledges every job, taking part or not, so that the
     * caller never changes the job while a worker still reads it. One not
     * needed (a team smaller than the pool) sleeps right away instead of
     * spinning on a CPU the team needs. */
    int needed = start.index + 1 < pool->parts;
    if (needed)
      pool->job(pool->context, start.index + 1);
    spins = needed ? 0 : SPIN_LIMIT;
    atomic_fetch_sub(&pool->pending, 1);
  }
}

dfq_rt_pool *dfq_rt_pool_create(int threads) {
  if (threads < 2)
    return NULL;
  dfq_rt_pool *pool = (dfq_rt_pool *)calloc(1, sizeof *pool);
  if (!pool)
    return NULL;
  pool->cpus = dfq_rt_default_threads();
  pool->threads = (pthread_t *)calloc((size_t)threads - 1, sizeof(pthread_t));
  pthread_mutex_init(&pool->mutex, NULL);
  pthread_cond_init(&pool->wake, NULL);
  for (int i = 0; pool->threads && i < threads - 1; ++i) {
    struct worker_start *start = (struct worker_start *)malloc(sizeof *start);
    if (!start)
      break;
    start->pool = pool;
    start->index = i;
    if (pthread_create(&pool->threads[i], NULL, worker_main, start) != 0) {
      free(start);
      break;
    }
    pool->workers = i + 1;
  }
  if (pool->workers == 0) {
    dfq_rt_pool_destroy(pool);
    return NULL;
  }
  return pool;
}

int dfq_rt_pool_threads(const dfq_rt_pool *pool) {
  return pool ? pool->workers + 1 : 1;
}

static void pool_notify(dfq_rt_pool *pool) {
  atomic_fetch_add(&pool->generation, 1);
  if (atomic_load(&pool->sleepers) > 0) {
    pthread_mutex_lock(&pool->mutex);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
  }
}

void dfq_rt_pool_destroy(dfq_rt_pool *pool) {
  if (!pool)
    return;
  pool->stop = 1;
  pool_notify(pool);
  for (int i = 0; i < pool->workers; ++i)
    pthread_join(pool->threads[i], NULL);
  pthread_mutex_destroy(&pool->mutex);
  pthread_cond_destroy(&pool->wake);
  free(pool->threads);
  free(pool);
}

/* Runs job(context, part) for part in [0, parts), part 0 on the caller. */
static void pool_run(dfq_rt_pool *pool, int parts,
                     void (*job)(void *context, int part), void *context) {
  pool->job = job;
  pool->context = context;
  pool->parts = parts;
  atomic_store(&pool->pending, pool->workers);
  pool_notify(pool);
  job(context, 0);
  int spins = 0;
  while (atomic_load(&pool->pending) > 0)
    backoff(&spins);
}

void dfq_rt_barrier(const dfq_rt_team *team) {
  if (team->parts <= 1)
    return;
  dfq_rt_pool *pool = team->pool;
  unsigned generation = atomic_load(&pool->barrier_generation);
  if (atomic_fetch_add(&pool->arrived, 1) == team->parts - 1) {
    atomic_store(&pool->arrived, 0);
    atomic_fetch_add(&pool->barrier_generation, 1);
    return;
  }
  int spins = 0;
  while (atomic_load(&pool->barrier_generation) == generation)
    backoff(&spins);
}

double dfq_rt_seconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

void dfq_rt_step_end(const dfq_rt_team *team, int step) {
  dfq_rt_barrier(team);
  dfq_rt_profile *profile = team->profile;
  if (profile) {
    double now = dfq_rt_seconds();
    profile->seconds[step] += now - profile->mark;
    profile->mark = now;
  }
}

void dfq_rt_share(const dfq_rt_team *team, int64_t count, int64_t *begin,
                  int64_t *end) {
  /* Whole cache lines of bytes (64 elements) per part, so that no two
   * parts write the same line. */
  int64_t lines = (count + 63) / 64;
  int64_t first = lines * team->part / team->parts * 64;
  int64_t last = lines * (team->part + 1) / team->parts * 64;
  *begin = first < count ? first : count;
  *end = last < count ? last : count;
}

void dfq_rt_share_rows(const dfq_rt_team *team, int64_t rows,
                       int64_t row_elements, int64_t *begin, int64_t *end) {
  /* Parts of whole rows, and of at least 64 elements where rows are short,
   * as dfq_rt_share's. */
  int64_t unit =
      row_elements >= 64 ? 1 : (64 + row_elements - 1) / row_elements;
  int64_t units = (rows + unit - 1) / unit;
  int64_t first = units * team->part / team->parts * unit;
  int64_t last = units * (team->part + 1) / team->parts * unit;
  *begin = first < rows ? first : rows;
  *end = last < rows ? last : rows;
}

/*===----------------------------------------------------------------------===
 * Batches
 *===----------------------------------------------------------------------===*/

/* One part of a dfq_rt_run_batch job: a sub-batch, or (a team) all of it. */
struct part {
  dfq_rt_program program;
  uint8_t *arena;
  int64_t n;
  const float **inputs;
  float **outputs;
  dfq_rt_team team;
  int status;
  char error[sizeof last_error];
};

static void run_part(void *opaque, int index) {
  struct part *p = (struct part *)opaque + index;
  p->status = p->program(p->arena, p->n, p->inputs, p->outputs, &p->team);
  if (p->status)
    memcpy(p->error, last_error, sizeof p->error);
}

int dfq_rt_run_batch(dfq_rt_program program, dfq_rt_pool *pool, uint8_t *arena,
                     int64_t arena_bytes_per_sample, int64_t n, int num_inputs,
                     const float *const *inputs, const int64_t *input_elements,
                     int num_outputs, float *const *outputs,
                     const int64_t *output_elements, dfq_rt_profile *profile) {
  /* Batches of at least one sample per thread are split into sub-batches;
   * smaller ones run as a team that splits every step, of at most one
   * thread per CPU (a team member without a CPU stalls every barrier). */
  int parts = dfq_rt_pool_threads(pool);
  int team = n < parts;
  if (team && parts > pool->cpus)
    parts = pool->cpus;
  if (profile)
    profile->mark = dfq_rt_seconds();
  if (parts <= 1) {
    dfq_rt_team solo = {0, 1, NULL, profile};
    return program(arena, n, inputs, outputs, &solo);
  }
  struct part *p = (struct part *)calloc((size_t)parts, sizeof *p);
  const float **ins =
      (const float **)calloc((size_t)(parts * num_inputs + 1), sizeof *ins);
  float **outs =
      (float **)calloc((size_t)(parts * num_outputs + 1), sizeof *outs);
  if (!p || !ins || !outs) {
    free(p), free(ins), free(outs);
    return dfq_rt_fail("cannot allocate %d batch parts", parts);
  }
  int64_t first = 0;
  for (int t = 0; t < parts; ++t) {
    int64_t count = team ? n : n / parts + (t < n % parts);
    p[t].program = program;
    p[t].arena = arena + arena_bytes_per_sample * first;
    p[t].n = count;
    p[t].inputs = ins + t * num_inputs;
    p[t].outputs = outs + t * num_outputs;
    for (int i = 0; i < num_inputs; ++i)
      p[t].inputs[i] = inputs[i] + input_elements[i] * first;
    for (int i = 0; i < num_outputs; ++i)
      p[t].outputs[i] = outputs[i] + output_elements[i] * first;
    p[t].team.part = team ? t : 0;
    p[t].team.parts = team ? parts : 1;
    p[t].team.pool = pool;
    p[t].team.profile = t == 0 ? profile : NULL;
    if (!team)
      first += count;
  }
  pool_run(pool, parts, run_part, p);
  int status = 0;
  for (int t = 0; t < parts && !status; ++t)
    if (p[t].status)
      status = dfq_rt_fail("%s", p[t].error);
  free(p), free(ins), free(outs);
  return status;
}

/* Which output rows this part of `team` computes: [*first, *last), or
 * nothing (0) when part 0 runs the whole layer and this is another part. */
int dfq_rt_team_rows(const dfq_rt_team *team, int64_t oh, int split_rows,
                     int64_t *first, int64_t *last) {
  *first = 0;
  *last = oh;
  if (team->parts <= 1)
    return 1;
  if (!split_rows || oh < team->parts)
    return team->part == 0;
  *first = oh * team->part / team->parts;
  *last = oh * (team->part + 1) / team->parts;
  return 1;
}

/* clamp(round_half_even(x / scale) + zp, qmin, qmax), NaN to clamp(zp),
 * with dfq_rt_quantize_one: a rounded quotient beyond 2^24 saturates
 * either way, so the float sum stays exact where it matters; and back.
 * Defined once for unsigned storage (dfq_rt_quantize, dfq_rt_dequantize)
 * and signed storage (the _s8 variants). */
#define DFQ_RT_DEFINE_CONVERSIONS(SUFFIX, T)                                   \
  void dfq_rt_quantize##SUFFIX(const float *x, T *q, int64_t n, int64_t c,     \
                               int64_t hw, float scale, int32_t zp,            \
                               int32_t qmin, int32_t qmax, int to_nhwc) {      \
    float z = (float)zp, lo = (float)qmin, hi = (float)qmax;                   \
    float inv = 1.0f / scale;                                                  \
    if (!to_nhwc || c == 1) {                                                  \
      int64_t count = n * c * hw;                                              \
      for (int64_t i = 0; i < count; ++i)                                      \
        q[i] = (T)dfq_rt_quantize_one(x[i], scale, inv, z, lo, hi);            \
      return;                                                                  \
    }                                                                          \
    /* To NHWC: blocks of pixels, each plane's quantized in a contiguous       \
     * (vectorized) loop, then interleaved into the channels-last output. */   \
    enum { BLOCK = 256 };                                                      \
    float block[BLOCK];                                                        \
    for (int64_t b = 0; b < n; ++b)                                            \
      for (int64_t p0 = 0; p0 < hw; p0 += BLOCK) {                             \
        int64_t len = hw - p0 < BLOCK ? hw - p0 : BLOCK;                       \
        for (int64_t ch = 0; ch < c; ++ch) {                                   \
          const float *plane = x + (b * c + ch) * hw + p0;                     \
          for (int64_t i = 0; i < len; ++i)                                    \
            block[i] = dfq_rt_quantize_one(plane[i], scale, inv, z, lo, hi);   \
          T *out = q + (b * hw + p0) * c + ch;                                 \
          for (int64_t i = 0; i < len; ++i)                                    \
            out[i * c] = (T)block[i];                                          \
        }                                                                      \
      }                                                                        \
  }                                                                            \
                                                                               \
  void dfq_rt_dequantize##SUFFIX(const T *q, float *x, int64_t n, int64_t c,   \
                                 int64_t hw, float scale, int32_t zp,          \
                                 int from_nhwc) {                              \
    if (!from_nhwc || c == 1) {                                                \
      int64_t count = n * c * hw;                                              \
      for (int64_t i = 0; i < count; ++i)                                      \
        x[i] = (float)((int32_t)q[i] - zp) * scale;                            \
      return;                                                                  \
    }                                                                          \
    for (int64_t b = 0; b < n; ++b)                                            \
      for (int64_t ch = 0; ch < c; ++ch)                                       \
        for (int64_t p = 0; p < hw; ++p)                                       \
          x[(b * c + ch) * hw + p] =                                           \
              (float)((int32_t)q[(b * hw + p) * c + ch] - zp) * scale;         \
  }

DFQ_RT_DEFINE_CONVERSIONS(, uint8_t)
DFQ_RT_DEFINE_CONVERSIONS(_s8, int8_t)

int dfq_rt_run_row_kernel(dfq_rt_row_kernel kernel, const char *layer,
                          const void *input, int64_t n, void *output,
                          int64_t oh, int split_rows, const dfq_rt_team *team) {
  int64_t first, last;
  if (!dfq_rt_team_rows(team, oh, split_rows, &first, &last))
    return 0;
  dfq_rt_clear_error();
  int status = kernel(input, n, first, last, output);
  if (status != 0)
    return dfq_rt_fail("%s: kernel failed (status %d)", layer, status);
  return 0;
}

/* y[j] = a[j * sa] op b[j * sb] for j < n. Strides of 0 and 1 get loops of
 * their own, so that the compiler vectorizes the common shapes: equal
 * operands, and a row broadcast against a vector or a scalar. */
#define DFQ_RT_BINARY_ROW(EXPR)                                                \
  do {                                                                         \
    if (sa == 1 && sb == 1)                                                    \
      for (int64_t j = 0; j < n; ++j) {                                        \
        float x = a[j], w = b[j];                                              \
        y[j] = EXPR;                                                           \
      }                                                                        \
    else if (sa == 1 && sb == 0)                                               \
      for (int64_t j = 0; j < n; ++j) {                                        \
        float x = a[j], w = b[0];                                              \
        y[j] = EXPR;                                                           \
      }                                                                        \
    else if (sa == 0 && sb == 1)                                               \
      for (int64_t j = 0; j < n; ++j) {                                        \
        float x = a[0], w = b[j];                                              \
        y[j] = EXPR;                                                           \
      }                                                                        \
    else                                                                       \
      for (int64_t j = 0; j < n; ++j) {                                        \
        float x = a[j * sa], w = b[j * sb];                                    \
        y[j] = EXPR;                                                           \
      }                                                                        \
  } while (0)

static void dfq_rt_binary_row(int op, const float *a, int64_t sa,
                              const float *b, int64_t sb, float *y, int64_t n) {
  switch (op) {
  case DFQ_RT_ADD:
    DFQ_RT_BINARY_ROW(x + w);
    return;
  case DFQ_RT_MUL:
    DFQ_RT_BINARY_ROW(x * w);
    return;
  case DFQ_RT_SUB:
    DFQ_RT_BINARY_ROW(x - w);
    return;
  case DFQ_RT_MAX:
    DFQ_RT_BINARY_ROW(dfq_rt_max_one(x, w));
    return;
  case DFQ_RT_MIN:
    DFQ_RT_BINARY_ROW(dfq_rt_min_one(x, w));
    return;
  case DFQ_RT_PRELU:
    DFQ_RT_BINARY_ROW(dfq_rt_prelu_one(x, w));
    return;
  default:
    DFQ_RT_BINARY_ROW(x / w);
    return;
  }
}

void dfq_rt_binary(int op, const float *a, const int64_t *a_strides,
                   const float *b, const int64_t *b_strides, float *y,
                   const int64_t *dims, int rank) {
  int64_t count = 1;
  int contiguous_a = 1, contiguous_b = 1;
  for (int i = rank - 1; i >= 0; --i) {
    contiguous_a &= a_strides[i] == count;
    contiguous_b &= b_strides[i] == count;
    count *= dims[i];
  }
  if (count == 0)
    return;
  if (contiguous_a && contiguous_b) {
    /* Same shapes: one row of everything. */
    dfq_rt_binary_row(op, a, 1, b, 1, y, count);
    return;
  }
  /* Row by row along the last dimension, the others counted by an
   * odometer that moves both operands. */
  int64_t index[DFQ_RT_MAX_RANK] = {0};
  int64_t n = dims[rank - 1], ai = 0, bi = 0;
  for (int64_t k = 0; k < count; k += n) {
    dfq_rt_binary_row(op, a + ai, a_strides[rank - 1], b + bi,
                      b_strides[rank - 1], y + k, n);
    for (int d = rank - 2; d >= 0; --d) {
      ai += a_strides[d];
      bi += b_strides[d];
      if (++index[d] < dims[d])
        break;
      ai -= a_strides[d] * dims[d];
      bi -= b_strides[d] * dims[d];
      index[d] = 0;
    }
  }
}

void dfq_rt_global_avg_pool(const float *x, float *y, int64_t planes,
                            int64_t hw) {
  for (int64_t p = 0; p < planes; ++p) {
    double sum = 0;
    for (int64_t i = 0; i < hw; ++i)
      sum += x[p * hw + i];
    y[p] = (float)(sum / (double)hw);
  }
}

void dfq_rt_global_avg_pool_nhwc(const float *x, float *y, int64_t planes,
                                 int64_t hw, int64_t c) {
  /* Pixels outer, a block of channels inner, so that the loads are
   * contiguous and the sums vectorize; each channel is still summed in
   * pixel order, as dfq_rt_global_avg_pool does. Whole blocks have a
   * constant width, so that their sums stay in vector registers across
   * the pixels. */
  enum { BLOCK = 64 };
  double sums[BLOCK];
  for (int64_t b = 0; b < planes / c; ++b)
    for (int64_t c0 = 0; c0 < c; c0 += BLOCK) {
      int64_t width = c - c0 < BLOCK ? c - c0 : BLOCK;
      const float *image = x + b * hw * c + c0;
      for (int64_t j = 0; j < BLOCK; ++j)
        sums[j] = 0;
      if (width == BLOCK) {
        for (int64_t p = 0; p < hw; ++p)
          for (int64_t j = 0; j < BLOCK; ++j)
            sums[j] += image[p * c + j];
      } else {
        for (int64_t p = 0; p < hw; ++p)
          for (int64_t j = 0; j < width; ++j)
            sums[j] += image[p * c + j];
      }
      for (int64_t j = 0; j < width; ++j)
        y[b * c + c0 + j] = (float)(sums[j] / (double)hw);
    }
}

/* [n][hw][c] -> [n][c][hw]; read with c and hw exchanged, the same loop
 * transposes [n][c][hw] -> [n][hw][c]. */
#define DFQ_RT_LAYOUT_COPIES(NAME, T)                                          \
  void dfq_rt_nhwc_to_nchw##NAME(const T *x, T *y, int64_t n, int64_t c,       \
                                 int64_t hw) {                                 \
    for (int64_t b = 0; b < n; ++b)                                            \
      for (int64_t p = 0; p < hw; ++p)                                         \
        for (int64_t ch = 0; ch < c; ++ch)                                     \
          y[(b * c + ch) * hw + p] = x[(b * hw + p) * c + ch];                 \
  }                                                                            \
  void dfq_rt_nchw_to_nhwc##NAME(const T *x, T *y, int64_t n, int64_t c,       \
                                 int64_t hw) {                                 \
    dfq_rt_nhwc_to_nchw##NAME(x, y, n, hw, c);                                 \
  }
DFQ_RT_LAYOUT_COPIES(, float)
DFQ_RT_LAYOUT_COPIES(_bytes, uint8_t)

/* Max pooling over [n][h][w][c] (NHWC), for floats and for codes. TAKES(best,
 * v) says whether v replaces the best so far: for floats the first NaN wins
 * (NaN propagates, as in ATen), codes compare as their integers. Padding never
 * wins: the taps outside the input are skipped, and every window holds at least
 * one that is not. */
#define DFQ_RT_MAX_POOL(NAME, T, LOWEST, TAKES)                                \
  void dfq_rt_max_pool2d_nhwc##NAME(const T *x, T *y, int64_t n, int64_t h,    \
                                    int64_t w, int64_t c, int64_t oh,          \
                                    int64_t ow, const int64_t *g) {            \
    for (int64_t b = 0; b < n; ++b)                                            \
      for (int64_t oy = 0; oy < oh; ++oy)                                      \
        for (int64_t ox = 0; ox < ow; ++ox) {                                  \
          T *out = y + ((b * oh + oy) * ow + ox) * c;                          \
          for (int64_t ch = 0; ch < c; ++ch)                                   \
            out[ch] = LOWEST;                                                  \
          for (int64_t i = 0; i < g[0]; ++i) {                                 \
            int64_t iy = oy * g[2] - g[4] + i * g[8];                          \
            if (iy < 0 || iy >= h)                                             \
              continue;                                                        \
            for (int64_t j = 0; j < g[1]; ++j) {                               \
              int64_t ix = ox * g[3] - g[5] + j * g[9];                        \
              if (ix < 0 || ix >= w)                                           \
                continue;                                                      \
              const T *in = x + ((b * h + iy) * w + ix) * c;                   \
              for (int64_t ch = 0; ch < c; ++ch)                               \
                out[ch] = TAKES(out[ch], in[ch]) ? in[ch] : out[ch];           \
            }                                                                  \
          }                                                                    \
        }                                                                      \
  }
/* [planes][h][w] is [n][h][w][c] with n = planes and c = 1. */
#define DFQ_RT_MAX_POOL_NCHW(NAME, T)                                          \
  void dfq_rt_max_pool2d##NAME(const T *x, T *y, int64_t planes, int64_t h,    \
                               int64_t w, int64_t oh, int64_t ow,              \
                               const int64_t *g) {                             \
    dfq_rt_max_pool2d_nhwc##NAME(x, y, planes, h, w, 1, oh, ow, g);            \
  }
#define DFQ_RT_TAKES_FLOAT(best, v) (!isnan(best) && ((v) > (best) || isnan(v)))
#define DFQ_RT_TAKES_CODE(best, v) ((v) > (best))
DFQ_RT_MAX_POOL(, float, -INFINITY, DFQ_RT_TAKES_FLOAT)
DFQ_RT_MAX_POOL(_u8, uint8_t, 0, DFQ_RT_TAKES_CODE)
DFQ_RT_MAX_POOL(_s8, int8_t, INT8_MIN, DFQ_RT_TAKES_CODE)
DFQ_RT_MAX_POOL_NCHW(, float)
DFQ_RT_MAX_POOL_NCHW(_u8, uint8_t)
DFQ_RT_MAX_POOL_NCHW(_s8, int8_t)

/* Window order, padding included as +0, as ATen sums the explicitly padded
 * input; the channels innermost (they vectorize). */
void dfq_rt_avg_pool2d_nhwc(const float *x, float *y, int64_t n, int64_t h,
                            int64_t w, int64_t c, int64_t oh, int64_t ow,
                            const int64_t *g, int count_include_pad) {
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox) {
        float *sum = y + ((b * oh + oy) * ow + ox) * c;
        int64_t taps = 0;
        for (int64_t k = 0; k < c; ++k)
          sum[k] = 0.0f;
        for (int64_t i = 0; i < g[0]; ++i) {
          int64_t iy = oy * g[2] - g[4] + i;
          int in_y = iy >= 0 && iy < h;
          int on_pad_y = iy >= -g[4] && iy < h + g[6];
          for (int64_t j = 0; j < g[1]; ++j) {
            int64_t ix = ox * g[3] - g[5] + j;
            int in_x = ix >= 0 && ix < w;
            int on_pad_x = ix >= -g[5] && ix < w + g[7];
            if (on_pad_y && on_pad_x) {
              if (in_y && in_x) {
                const float *at = x + ((b * h + iy) * w + ix) * c;
                for (int64_t k = 0; k < c; ++k)
                  sum[k] += at[k];
              } else {
                for (int64_t k = 0; k < c; ++k)
                  sum[k] += 0.0f;
              }
            }
            taps += count_include_pad ? (on_pad_y && on_pad_x) : (in_y && in_x);
          }
        }
        for (int64_t k = 0; k < c; ++k)
          sum[k] = sum[k] / (float)taps;
      }
}

/* [planes][h][w] is [planes][h][w][1]. */
void dfq_rt_avg_pool2d(const float *x, float *y, int64_t planes, int64_t h,
                       int64_t w, int64_t oh, int64_t ow, const int64_t *g,
                       int count_include_pad) {
  dfq_rt_avg_pool2d_nhwc(x, y, planes, h, w, 1, oh, ow, g, count_include_pad);
}

/* Channels in blocks of a constant width, so that the sums of a block stay
 * in vector registers while the window's pixels are added. A window holds
 * fewer than 2^23 positions (the op's verifier), so the int32 sums of
 * 8-bit codes are exact. */
#define DFQ_RT_QAVG_POOL(NAME, T)                                              \
  void dfq_rt_qavg_pool2d_nhwc##NAME(                                          \
      const T *x, T *y, int64_t n, int64_t h, int64_t w, int64_t c,            \
      int64_t oh, int64_t ow, const int64_t *g, const int32_t *q) {            \
    enum { BLOCK = 64 };                                                       \
    int32_t sums[BLOCK];                                                       \
    for (int64_t b = 0; b < n; ++b)                                            \
      for (int64_t oy = 0; oy < oh; ++oy)                                      \
        for (int64_t ox = 0; ox < ow; ++ox)                                    \
          for (int64_t c0 = 0; c0 < c; c0 += BLOCK) {                          \
            int64_t width = c - c0 < BLOCK ? c - c0 : BLOCK, inside = 0;       \
            for (int64_t j = 0; j < BLOCK; ++j)                                \
              sums[j] = 0;                                                     \
            for (int64_t i = 0; i < g[0]; ++i) {                               \
              int64_t iy = oy * g[2] - g[4] + i;                               \
              if (iy < 0 || iy >= h)                                           \
                continue;                                                      \
              for (int64_t k = 0; k < g[1]; ++k) {                             \
                int64_t ix = ox * g[3] - g[5] + k;                             \
                if (ix < 0 || ix >= w)                                         \
                  continue;                                                    \
                const T *in = x + ((b * h + iy) * w + ix) * c + c0;            \
                ++inside;                                                      \
                if (width == BLOCK)                                            \
                  for (int64_t j = 0; j < BLOCK; ++j)                          \
                    sums[j] += in[j];                                          \
                else                                                           \
                  for (int64_t j = 0; j < width; ++j)                          \
                    sums[j] += in[j];                                          \
              }                                                                \
            }                                                                  \
            T *out = y + ((b * oh + oy) * ow + ox) * c + c0;                   \
            for (int64_t j = 0; j < width; ++j)                                \
              out[j] = (T)dfq_rt_requantize((int64_t)sums[j] -                 \
                                                inside * (int64_t)q[0],        \
                                            q[1], q[2], q[3], q[4], q[5]);     \
          }                                                                    \
  }                                                                            \
  void dfq_rt_qavg_pool2d##NAME(const T *x, T *y, int64_t planes, int64_t h,   \
                                int64_t w, int64_t oh, int64_t ow,             \
                                const int64_t *g, const int32_t *q) {          \
    dfq_rt_qavg_pool2d_nhwc##NAME(x, y, planes, h, w, 1, oh, ow, g, q);        \
  }
DFQ_RT_QAVG_POOL(_u8, uint8_t)
DFQ_RT_QAVG_POOL(_s8, int8_t)

void dfq_rt_gemm(const float *x, const float *w, const float *bias, float *y,
                 int64_t n, int64_t k, int64_t o) {
  /* Products of two floats are exact in double. They are summed in LANES
   * independent double lanes (vectors, so that neither one addition chain's
   * latency nor scalar code limits the loop), then the lanes in order, and
   * the sum is rounded to float once. */
  enum { LANES = 32, PREFETCH_ROWS = 4 };
  for (int64_t b = 0; b < n; ++b)
    for (int64_t c = 0; c < o; ++c) {
      const float *row = x + b * k, *column = w + c * k;
      /* The weights come from memory once per run (the rest of the network
       * evicts them): ask for a later row while this one is summed. */
      if (c + PREFETCH_ROWS < o)
        for (int64_t line = 0; line < k; line += 16)
          __builtin_prefetch(w + (c + PREFETCH_ROWS) * k + line);
      double lanes[LANES] = {0};
      int64_t i = 0;
      for (; i + LANES <= k; i += LANES)
        for (int l = 0; l < LANES; ++l)
          lanes[l] += (double)row[i + l] * (double)column[i + l];
      double acc = 0;
      for (; i < k; ++i)
        acc += (double)row[i] * (double)column[i];
      for (int l = 0; l < LANES; ++l)
        acc += lanes[l];
      y[b * o + c] = (float)acc + (bias ? bias[c] : 0.0f);
    }
}

void dfq_rt_gemm_codes(const float *x, const int8_t *codes,
                       const int32_t *zero_points, const float *scales,
                       const float *bias, float *y, int64_t n, int64_t k,
                       int64_t o) {
  /* dfq_rt_gemm's sums, with each weight made from its code as it is read:
   * the same floats, so the same exact products in the same lanes. */
  enum { LANES = 32, PREFETCH_ROWS = 4 };
  for (int64_t b = 0; b < n; ++b)
    for (int64_t c = 0; c < o; ++c) {
      const float *row = x + b * k;
      const int8_t *column = codes + c * k;
      const int32_t zero_point = zero_points[c];
      const float scale = scales[c];
      /* The weights come from memory once per run (the rest of the network
       * evicts them): ask for a later row while this one is summed. */
      if (c + PREFETCH_ROWS < o)
        for (int64_t line = 0; line < k; line += 64)
          __builtin_prefetch(codes + (c + PREFETCH_ROWS) * k + line);
      double lanes[LANES] = {0};
      int64_t i = 0;
      for (; i + LANES <= k; i += LANES)
        for (int l = 0; l < LANES; ++l) {
          /* The product is exact in double, so one fused multiply-add
           * rounds exactly as the addition alone would. */
          float w = (float)(column[i + l] - zero_point) * scale;
          lanes[l] = fma((double)row[i + l], (double)w, lanes[l]);
        }
      double acc = 0;
      for (; i < k; ++i)
        acc +=
            (double)row[i] * (double)((float)(column[i] - zero_point) * scale);
      for (int l = 0; l < LANES; ++l)
        acc += lanes[l];
      y[b * o + c] = (float)acc + (bias ? bias[c] : 0.0f);
    }
}

void dfq_rt_softmax(const float *x, float *y, int64_t outer, int64_t axis,
                    int64_t inner) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const float *in = x + o * axis * inner + i;
      float *out = y + o * axis * inner + i;
      float max = -INFINITY;
      for (int64_t k = 0; k < axis; ++k)
        max = in[k * inner] > max ? in[k * inner] : max;
      float sum = 0.0f;
      for (int64_t k = 0; k < axis; ++k) {
        out[k * inner] = expf(in[k * inner] - max);
        sum += out[k * inner];
      }
      for (int64_t k = 0; k < axis; ++k)
        out[k * inner] /= sum;
    }
}

void dfq_rt_copy_rows(const void *x, int64_t x_stride, void *y,
                      int64_t y_stride, int64_t rows, int64_t bytes) {
  const char *from = (const char *)x;
  char *to = (char *)y;
  for (int64_t r = 0; r < rows; ++r)
    memcpy(to + r * y_stride, from + r * x_stride, (size_t)bytes);
}

void dfq_rt_matmul(const float *a, const float *b, float *y, int64_t batches,
                   int64_t m, int64_t k, int64_t n) {
  /* Rows of y accumulate rows of b scaled by a's elements: the inner loop
     runs along contiguous memory and vectorizes. */
  for (int64_t p = 0; p < batches; ++p, a += m * k, b += k * n, y += m * n)
    for (int64_t i = 0; i < m; ++i) {
      float *row = y + i * n;
      for (int64_t j = 0; j < n; ++j)
        row[j] = 0.0f;
      for (int64_t l = 0; l < k; ++l) {
        float x = a[i * k + l];
        const float *from = b + l * n;
        for (int64_t j = 0; j < n; ++j)
          row[j] += x * from[j];
      }
    }
}

void dfq_rt_layer_norm(const float *x, const float *scale, const float *bias,
                       float *y, int64_t rows, int64_t cols, float epsilon) {
  for (int64_t r = 0; r < rows; ++r, x += cols, y += cols) {
    double sum = 0, squares = 0;
    for (int64_t c = 0; c < cols; ++c)
      sum += x[c];
    double mean = sum / (double)cols;
    for (int64_t c = 0; c < cols; ++c)
      squares += (x[c] - mean) * (x[c] - mean);
    /* Normalized in float, as ATen's kernel does once it has the moments. */
    float m = (float)mean;
    float rstd = (float)(1.0 / sqrt(squares / (double)cols + (double)epsilon));
    for (int64_t c = 0; c < cols; ++c)
      y[c] = (x[c] - m) * rstd * scale[c] + (bias ? bias[c] : 0.0f);
  }
}

void dfq_rt_reduce(int kind, const float *x, float *y, int64_t outer,
                   int64_t reduce, int64_t inner) {
  /* The reduced rows are read in memory order, a chunk of the inner
     dimension at a time, accumulating in double on the stack. */
  enum { CHUNK = 256 };
  double acc[CHUNK];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i0 = 0; i0 < inner; i0 += CHUNK) {
      int64_t width = inner - i0 < CHUNK ? inner - i0 : CHUNK;
      const float *from = x + o * reduce * inner + i0;
      float *to = y + o * inner + i0;
      if (kind == DFQ_RT_REDUCE_MAX) {
        for (int64_t i = 0; i < width; ++i)
          to[i] = from[i];
        for (int64_t r = 1; r < reduce; ++r)
          for (int64_t i = 0; i < width; ++i)
            to[i] = dfq_rt_max_one(to[i], from[r * inner + i]);
        continue;
      }
      for (int64_t i = 0; i < width; ++i)
        acc[i] = 0;
      for (int64_t r = 0; r < reduce; ++r)
        for (int64_t i = 0; i < width; ++i)
          acc[i] += from[r * inner + i];
      for (int64_t i = 0; i < width; ++i)
        to[i] = (float)(kind == DFQ_RT_REDUCE_MEAN ? acc[i] / (double)reduce
                                                   : acc[i]);
    }
}

void dfq_rt_conv_transpose2d(const float *x, const float *w, const float *bias,
                             float *y, int64_t n, int64_t c, int64_t h,
                             int64_t wd, int64_t o, int64_t oh, int64_t ow,
                             const int64_t *geometry) {
  int64_t kh = geometry[0], kw = geometry[1], sh = geometry[2],
          sw = geometry[3], pt = geometry[4], pl = geometry[5],
          dh = geometry[6], dw = geometry[7], groups = geometry[8];
  int64_t cg = c / groups, og = o / groups;
  for (int64_t b = 0; b < n; ++b) {
    float *out = y + b * o * oh * ow;
    for (int64_t oc = 0; oc < o; ++oc)
      for (int64_t k = 0; k < oh * ow; ++k)
        out[oc * oh * ow + k] = 0.0f;
    /* Every input element scatters into the positions its kernel covers. */
    for (int64_t ic = 0; ic < c; ++ic) {
      int64_t g = ic / cg;
      const float *plane = x + (b * c + ic) * h * wd;
      for (int64_t iy = 0; iy < h; ++iy)
        for (int64_t ix = 0; ix < wd; ++ix) {
          float v = plane[iy * wd + ix];
          for (int64_t l = 0; l < og; ++l) {
            const float *kernel = w + (ic * og + l) * kh * kw;
            float *target = out + (g * og + l) * oh * ow;
            for (int64_t ky = 0; ky < kh; ++ky) {
              int64_t oy = iy * sh - pt + ky * dh;
              if (oy < 0 || oy >= oh)
                continue;
              for (int64_t kx = 0; kx < kw; ++kx) {
                int64_t ox = ix * sw - pl + kx * dw;
                if (ox >= 0 && ox < ow)
                  target[oy * ow + ox] += v * kernel[ky * kw + kx];
              }
            }
          }
        }
    }
    if (bias)
      for (int64_t oc = 0; oc < o; ++oc)
        for (int64_t k = 0; k < oh * ow; ++k)
          out[oc * oh * ow + k] += bias[oc];
  }
}

/* Where output position o of one resized axis reads: the input positions
   of its taps (1 nearest, 2 linear, 4 cubic: index[t * out + o]) and their
   weights, as the interpreter computes them. */
static void dfq_rt_resize_axis(int64_t in, int64_t out, double scale, int mode,
                               int coordinates, int nearest, double cubic_a,
                               int exclude_outside, int64_t *index,
                               float *weight) {
  for (int64_t o = 0; o < out; ++o) {
    double length = (double)in * scale, x;
    if (coordinates == DFQ_RT_COORD_ALIGN_CORNERS)
      x = length == 1.0 ? 0.0 : (double)o * (double)(in - 1) / (length - 1.0);
    else if (coordinates == DFQ_RT_COORD_ASYMMETRIC)
      x = (double)o / scale;
    else if (coordinates == DFQ_RT_COORD_PYTORCH_HALF_PIXEL && length <= 1.0)
      x = 0.0;
    else
      x = ((double)o + 0.5) / scale - 0.5;
    if (mode == DFQ_RT_RESIZE_NEAREST) {
      double r = nearest == DFQ_RT_FLOOR               ? floor(x)
                 : nearest == DFQ_RT_CEIL              ? ceil(x)
                 : nearest == DFQ_RT_ROUND_PREFER_CEIL ? floor(x + 0.5)
                                                       : ceil(x - 0.5);
      int64_t i = (int64_t)r;
      index[o] = i < 0 ? 0 : i > in - 1 ? in - 1 : i;
      weight[o] = 1.0f;
      continue;
    }
    if (mode == DFQ_RT_RESIZE_LINEAR) {
      x = x<0.0 ? 0.0 : x>(double)(in - 1) ? (double)(in - 1) : x;
      index[o] = (int64_t)floor(x);
      index[out + o] = index[o] + 1 < in ? index[o] + 1 : in - 1;
      weight[out + o] = (float)(x - (double)index[o]);
      weight[o] = 1.0f - weight[out + o];
      continue;
    }
    /* Cubic: taps i - 1 .. i + 2 at distances 1 + r, r, 1 - r, 2 - r. */
    double i = floor(x), r = x - i, s, a = cubic_a, w[4], sum = 0.0;
    if (r == 0.0) {
      i -= 1.0;
      r = 1.0;
    }
    s = 1.0 - r;
    w[0] = ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a;
    w[1] = ((a + 2) * r - (a + 3)) * r * r + 1;
    w[2] = ((a + 2) * s - (a + 3)) * s * s + 1;
    w[3] = ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a;
    for (int t = 0; t < 4; ++t) {
      double at = i - 1.0 + t;
      if (exclude_outside && (at < 0.0 || at > (double)(in - 1)))
        w[t] = 0.0;
      sum += w[t];
    }
    for (int t = 0; t < 4; ++t) {
      double at = i - 1.0 + t;
      at = at<0.0 ? 0.0 : at>(double)(in - 1) ? (double)(in - 1) : at;
      index[t * out + o] = (int64_t)at;
      weight[t * out + o] = (float)(exclude_outside ? w[t] / sum : w[t]);
    }
  }
}

int dfq_rt_resize(const float *x, float *y, int64_t planes, int64_t ih,
                  int64_t iw, int64_t oh, int64_t ow, int mode, int coordinates,
                  int nearest, double scale_h, double scale_w, double cubic_a,
                  int exclude_outside) {
  int taps = mode == DFQ_RT_RESIZE_NEAREST  ? 1
             : mode == DFQ_RT_RESIZE_LINEAR ? 2
                                            : 4;
  int64_t *index =
      (int64_t *)malloc((size_t)(taps * (oh + ow)) * sizeof(int64_t));
  float *weight =
      (float *)malloc((size_t)(taps * (oh + ow) + iw) * sizeof(float));
  if (!index || !weight) {
    free(index);
    free(weight);
    return dfq_rt_fail("resize: out of memory");
  }
  int64_t *rows = index, *cols = index + taps * oh;
  float *row_w = weight, *col_w = weight + taps * oh,
        *row = weight + taps * (oh + ow);
  dfq_rt_resize_axis(ih, oh, scale_h, mode, coordinates, nearest, cubic_a,
                     exclude_outside, rows, row_w);
  dfq_rt_resize_axis(iw, ow, scale_w, mode, coordinates, nearest, cubic_a,
                     exclude_outside, cols, col_w);
  /* Along H, then along W, each the sum of the taps' products in tap order
     (no contraction), as the interpreter rounds. */
  for (int64_t p = 0; p < planes; ++p, x += ih * iw)
    for (int64_t r = 0; r < oh; ++r, y += ow) {
      if (mode == DFQ_RT_RESIZE_NEAREST) {
        const float *source = x + rows[r] * iw;
        for (int64_t c = 0; c < ow; ++c)
          y[c] = source[cols[c]];
        continue;
      }
      for (int64_t c = 0; c < iw; ++c) {
        float sum = x[rows[r] * iw + c] * row_w[r];
        for (int t = 1; t < taps; ++t)
          sum = sum + x[rows[t * oh + r] * iw + c] * row_w[t * oh + r];
        row[c] = sum;
      }
      for (int64_t c = 0; c < ow; ++c) {
        float sum = row[cols[c]] * col_w[c];
        for (int t = 1; t < taps; ++t)
          sum = sum + row[cols[t * ow + c]] * col_w[t * ow + c];
        y[c] = sum;
      }
    }
  free(index);
  free(weight);
  return 0;
}

/* The input position that output position `i` of a dimension of `size`
   input elements reads, or -1 for the constant. */
static int64_t dfq_rt_pad_source(int64_t i, int64_t size, int mode) {
  if (i >= 0 && i < size)
    return i;
  if (mode == DFQ_RT_PAD_CONSTANT)
    return -1;
  if (mode == DFQ_RT_PAD_EDGE)
    return i < 0 ? 0 : size - 1;
  return i < 0 ? -i : 2 * (size - 1) - i;
}

void dfq_rt_pad(const float *x, float *y, const int64_t *in_dims,
                const int64_t *out_dims, const int64_t *begins, int rank,
                int mode, float value) {
  int64_t index[DFQ_RT_MAX_RANK] = {0}, count = 1;
  for (int d = 0; d < rank; ++d)
    count *= out_dims[d];
  for (int64_t k = 0; k < count; ++k) {
    int64_t from = 0;
    int inside = 1;
    for (int d = 0; d < rank && inside; ++d) {
      int64_t source =
          dfq_rt_pad_source(index[d] - begins[d], in_dims[d], mode);
      inside = source >= 0;
      from = from * in_dims[d] + source;
    }
    y[k] = inside ? x[from] : value;
    for (int d = rank - 1; d >= 0; --d) {
      if (++index[d] < out_dims[d])
        break;
      index[d] = 0;
    }
  }
}

void dfq_rt_slice(const float *x, float *y, const int64_t *in_dims,
                  const int64_t *out_dims, const int64_t *starts,
                  const int64_t *steps, int rank) {
  /* Rows of the innermost dimension are copied whole when its step is 1;
     the outer dimensions are walked with an odometer. */
  int64_t strides[DFQ_RT_MAX_RANK], index[DFQ_RT_MAX_RANK] = {0};
  int64_t stride = 1, rows = 1, from = 0;
  for (int d = rank - 1; d >= 0; --d) {
    strides[d] = stride * steps[d];
    from += starts[d] * stride;
    stride *= in_dims[d];
    if (d < rank - 1)
      rows *= out_dims[d];
  }
  int64_t width = out_dims[rank - 1];
  for (int64_t r = 0; r < rows; ++r, y += width) {
    if (steps[rank - 1] == 1) {
      memcpy(y, x + from, (size_t)width * sizeof(float));
    } else {
      for (int64_t k = 0; k < width; ++k)
        y[k] = x[from + k * strides[rank - 1]];
    }
    for (int d = rank - 2; d >= 0; --d) {
      from += strides[d];
      if (++index[d] < out_dims[d])
        break;
      from -= strides[d] * out_dims[d];
      index[d] = 0;
    }
  }
}

#define DFQ_RT_TRANSPOSE(NAME, T)                                              \
  void NAME(const T *x, T *y, const int64_t *dims, const int64_t *perm,        \
            int rank) {                                                        \
    int64_t in_strides[DFQ_RT_MAX_RANK], out_dims[DFQ_RT_MAX_RANK],            \
        strides[DFQ_RT_MAX_RANK], index[DFQ_RT_MAX_RANK] = {0};                \
    int64_t stride = 1, count = 1;                                             \
    for (int d = rank - 1; d >= 0; --d) {                                      \
      in_strides[d] = stride;                                                  \
      stride *= dims[d];                                                       \
    }                                                                          \
    for (int d = 0; d < rank; ++d) {                                           \
      out_dims[d] = dims[perm[d]];                                             \
      strides[d] = in_strides[perm[d]];                                        \
      count *= out_dims[d];                                                    \
    }                                                                          \
    int64_t from = 0;                                                          \
    for (int64_t k = 0; k < count; ++k) {                                      \
      y[k] = x[from];                                                          \
      for (int d = rank - 1; d >= 0; --d) {                                    \
        from += strides[d];                                                    \
        if (++index[d] < out_dims[d])                                          \
          break;                                                               \
        from -= strides[d] * out_dims[d];                                      \
        index[d] = 0;                                                          \
      }                                                                        \
    }                                                                          \
  }
DFQ_RT_TRANSPOSE(dfq_rt_transpose, float)
DFQ_RT_TRANSPOSE(dfq_rt_transpose_bytes, uint8_t)
