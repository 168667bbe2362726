/* dfq_cuda_runtime.h: what model.c calls in a CUDA model library.
 *
 * The kernels run on device memory: a device arena that mirrors the host
 * program's arena (the same offsets), so that a value a kernel writes and
 * only kernels read never leaves the device. The host program runs every op
 * that is not a quantized layer on the CPU; a layer copies its input (and
 * residual) to the device only when the host wrote it, and its outputs back
 * only when the host reads them. The memory is the GPU's (dfq_cuda_runtime.cu) or, for a
 * library built with --emulate-gpu, the CPU's model of it (dfq_cuda_emu.c),
 * which starts every buffer as a 0xA5 pattern, so that a copy that should
 * have happened and did not shows in the results. */
#ifndef DFQ_CUDA_RUNTIME_H
#define DFQ_CUDA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dfq_rt_team;

/* 0 when a CUDA device of compute capability >= sm / 10 is present; else 1
 * with dfq_rt_fail's message (no device, no driver, too old a device). */
int dfq_cuda_check(int sm);

/* A generated layer: its kernels on device copies of its input and of its
 * buffers: the output, or with a residual epilogue the residual and then
 * the epilogue's outputs (`stream` is the library's stream). 0 on
 * success. */
typedef int (*dfq_cuda_kernel)(const uint8_t *input, void *const *buffers,
                               int64_t n, void *stream);

/* What dfq_cuda_layer copies of a buffer: to the device before the kernel
 * (a residual the host wrote), to the host after it (an output the host
 * reads), or nothing. */
enum { DFQ_CUDA_STAYS = 0, DFQ_CUDA_IN = 1, DFQ_CUDA_OUT = 2 };

/* Allocates the device mirror of a host arena of `bytes`; 0 on success,
 * else 1 with dfq_rt_fail's message. */
int dfq_cuda_register_arena(const void *arena, size_t bytes);
void dfq_cuda_unregister_arena(const void *arena);

/* At most this many buffers per layer (a residual and four outputs). */
#define DFQ_CUDA_MAX_BUFFERS 5

/* Runs `kernel` on the device mirrors of `input` and of `count` buffers
 * (all in a registered arena): copies `input_bytes` of the input in first
 * when `copy_in`, and buffer i's `bytes[i]` as `copies[i]` says; on the
 * team's first thread only (a launch runs the whole layer). 0 on success,
 * else 1 with dfq_rt_fail's message naming `layer`. */
int dfq_cuda_layer(dfq_cuda_kernel kernel, const char *layer,
                   const void *input, size_t input_bytes, int copy_in,
                   int count, void *const *buffers, const size_t *bytes,
                   const int *copies, int64_t n,
                   const struct dfq_rt_team *team);

/* The memory the arena mirrors live in, implemented by the GPU runtime or
 * by the CPU model; each returns 0 on success, else 1 with dfq_rt_fail's
 * message. */
int dfq_cuda_device_alloc(void **memory, size_t bytes);
void dfq_cuda_device_free(void *memory);
int dfq_cuda_copy_to_device(void *device, const void *host, size_t bytes);
/* Waits for the kernels before it. */
int dfq_cuda_copy_to_host(void *host, const void *device, size_t bytes);
void *dfq_cuda_stream(void);

#ifdef __cplusplus
}
#endif

#endif /* DFQ_CUDA_RUNTIME_H */
