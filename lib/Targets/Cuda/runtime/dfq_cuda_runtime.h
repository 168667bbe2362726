/* dfq_cuda_runtime.h: what model.c calls in a CUDA model library: the check
 * that a device can run the kernels, and the layer launches, which take and
 * return host pointers (the host program runs every op that is not a
 * quantized layer on the CPU). */
#ifndef DFQ_CUDA_RUNTIME_H
#define DFQ_CUDA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 0 when a CUDA device of compute capability >= sm / 10 is present; else 1
 * with dfq_rt_fail's message (no device, no driver, too old a device). */
int dfq_cuda_check(int sm);

/* Launches a kernel on device copies of its input and output. */
typedef int (*dfq_cuda_launch)(const uint8_t *input, uint8_t *output,
                               int64_t n, void *stream);

/* Copies `input_bytes` to the device's input buffer, launches, and copies
 * `output_bytes` back, on the library's one stream; the device buffers are
 * allocated once and grow only for a larger batch. 0 on success, else 1
 * with dfq_rt_fail's message naming `layer`. */
int dfq_cuda_run_layer(const char *layer, dfq_cuda_launch launch,
                       const void *input, size_t input_bytes, void *output,
                       size_t output_bytes, int64_t n);

#ifdef __cplusplus
}
#endif

#endif /* DFQ_CUDA_RUNTIME_H */
