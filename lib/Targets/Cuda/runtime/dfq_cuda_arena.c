/* dfq_cuda_arena.c: the device mirrors of host arenas and the layer calls
 * that keep kernel-to-kernel values on the device (dfq_cuda_runtime.h). The
 * same code runs in GPU libraries and in --emulate-gpu ones; only the
 * memory primitives differ. */
#include "dfq_cuda_runtime.h"
#include "dfq_runtime.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct dfq_cuda_mirror {
  const uint8_t *host;
  size_t bytes;
  uint8_t *device;
} dfq_cuda_mirror;

/* Every registered arena of the process (one per loaded model), and the
 * lock that also serializes layers: they share the one stream. */
static pthread_mutex_t dfq_cuda_lock = PTHREAD_MUTEX_INITIALIZER;
static dfq_cuda_mirror *dfq_cuda_mirrors;
static size_t dfq_cuda_mirror_count;

int dfq_cuda_register_arena(const void *arena, size_t bytes) {
  void *device = NULL;
  if (dfq_cuda_device_alloc(&device, bytes ? bytes : 1))
    return 1;
  pthread_mutex_lock(&dfq_cuda_lock);
  dfq_cuda_mirror *grown = (dfq_cuda_mirror *)realloc(
      dfq_cuda_mirrors, (dfq_cuda_mirror_count + 1) * sizeof *grown);
  if (grown) {
    dfq_cuda_mirrors = grown;
    dfq_cuda_mirrors[dfq_cuda_mirror_count++] =
        (dfq_cuda_mirror){(const uint8_t *)arena, bytes, (uint8_t *)device};
  }
  pthread_mutex_unlock(&dfq_cuda_lock);
  if (!grown) {
    dfq_cuda_device_free(device);
    return dfq_rt_fail("cannot record the device arena");
  }
  return 0;
}

void dfq_cuda_unregister_arena(const void *arena) {
  pthread_mutex_lock(&dfq_cuda_lock);
  for (size_t i = 0; i < dfq_cuda_mirror_count; ++i)
    if (dfq_cuda_mirrors[i].host == arena) {
      dfq_cuda_device_free(dfq_cuda_mirrors[i].device);
      dfq_cuda_mirrors[i] = dfq_cuda_mirrors[--dfq_cuda_mirror_count];
      break;
    }
  pthread_mutex_unlock(&dfq_cuda_lock);
}

/* The device address of host bytes [p, p + bytes), or NULL when they are
 * not inside one registered arena. Called with the lock held. */
static uint8_t *dfq_cuda_mirror_of(const void *p, size_t bytes) {
  const uint8_t *host = (const uint8_t *)p;
  for (size_t i = 0; i < dfq_cuda_mirror_count; ++i) {
    const dfq_cuda_mirror *m = &dfq_cuda_mirrors[i];
    if (host >= m->host && host + bytes <= m->host + m->bytes)
      return m->device + (host - m->host);
  }
  return NULL;
}

/* Fails naming `layer` and `what`, with the detail a primitive reported. */
static int dfq_cuda_layer_failed(const char *layer, const char *what) {
  char detail[512];
  snprintf(detail, sizeof detail, "%s", dfq_rt_last_error());
  return dfq_rt_fail("%s: %s%s%s", layer, what, detail[0] ? ": " : "",
                     detail);
}

int dfq_cuda_layer(dfq_cuda_kernel kernel, const char *layer,
                   const void *input, size_t input_bytes, int copy_in,
                   int count, void *const *buffers, const size_t *bytes,
                   const int *copies, int64_t n,
                   const struct dfq_rt_team *team) {
  if (team->part != 0 || n == 0)
    return 0;
  dfq_rt_clear_error();
  if (count < 1 || count > DFQ_CUDA_MAX_BUFFERS)
    return dfq_rt_fail("%s: %d buffers (internal error)", layer, count);
  pthread_mutex_lock(&dfq_cuda_lock);
  uint8_t *device_input = dfq_cuda_mirror_of(input, input_bytes);
  void *device_buffers[DFQ_CUDA_MAX_BUFFERS];
  int failed = 0;
  for (int i = 0; i < count; ++i)
    if (!(device_buffers[i] = dfq_cuda_mirror_of(buffers[i], bytes[i])))
      failed = 1;
  if (failed || !device_input)
    failed = dfq_rt_fail("%s: its input or a buffer is not in the model's "
                         "arena (internal error)",
                         layer);
  else if (copy_in &&
           dfq_cuda_copy_to_device(device_input, input, input_bytes))
    failed = dfq_cuda_layer_failed(layer, "copying its input to the device failed");
  for (int i = 0; i < count && !failed; ++i)
    if (copies[i] == DFQ_CUDA_IN &&
        dfq_cuda_copy_to_device(device_buffers[i], buffers[i], bytes[i]))
      failed = dfq_cuda_layer_failed(layer, "copying its residual to the device failed");
  if (!failed && kernel(device_input, device_buffers, n, dfq_cuda_stream()))
    failed = dfq_cuda_layer_failed(layer, "kernel launch failed");
  for (int i = 0; i < count && !failed; ++i)
    if (copies[i] == DFQ_CUDA_OUT &&
        dfq_cuda_copy_to_host(buffers[i], device_buffers[i], bytes[i]))
      failed = dfq_cuda_layer_failed(layer, "the kernel or its copy back failed");
  pthread_mutex_unlock(&dfq_cuda_lock);
  return failed;
}
