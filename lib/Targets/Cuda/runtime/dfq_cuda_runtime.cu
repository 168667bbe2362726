/* dfq_cuda_runtime.cu: the device side of a CUDA model library. */
#include "dfq_cuda_runtime.h"

#include <cuda_runtime.h>

#include <mutex>

extern "C" int dfq_rt_fail(const char *format, ...);

namespace {
/* One stream and one pair of device buffers per process: the host program
 * runs one layer at a time, and a mutex serializes libraries run from
 * several threads. */
std::mutex dfq_cuda_mutex;
cudaStream_t dfq_cuda_stream;
uint8_t *dfq_cuda_buffers[2];
size_t dfq_cuda_capacity[2];

int dfq_cuda_reserve(int which, size_t bytes) {
  if (bytes <= dfq_cuda_capacity[which])
    return 0;
  if (dfq_cuda_buffers[which])
    cudaFree(dfq_cuda_buffers[which]);
  dfq_cuda_buffers[which] = nullptr;
  dfq_cuda_capacity[which] = 0;
  cudaError_t status = cudaMalloc((void **)&dfq_cuda_buffers[which], bytes);
  if (status != cudaSuccess)
    return dfq_rt_fail("cannot allocate %zu bytes on the device: %s", bytes,
                       cudaGetErrorString(status));
  dfq_cuda_capacity[which] = bytes;
  return 0;
}
} // namespace

extern "C" int dfq_cuda_check(int sm) {
  int count = 0;
  cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess || count == 0)
    return dfq_rt_fail(
        "no CUDA device: this library runs its layers on an NVIDIA GPU of "
        "compute capability %d.%d or newer (%s)",
        sm / 10, sm % 10,
        status != cudaSuccess ? cudaGetErrorString(status) : "none found");
  int device = 0, major = 0, minor = 0;
  cudaGetDevice(&device);
  cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device);
  cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device);
  if (major * 10 + minor < sm)
    return dfq_rt_fail("the CUDA device has compute capability %d.%d; this "
                       "library needs %d.%d or newer",
                       major, minor, sm / 10, sm % 10);
  return 0;
}

extern "C" int dfq_cuda_run_layer(const char *layer, dfq_cuda_launch launch,
                                  const void *input, size_t input_bytes,
                                  void *output, size_t output_bytes,
                                  int64_t n) {
  if (n == 0)
    return 0;
  std::lock_guard<std::mutex> lock(dfq_cuda_mutex);
  cudaError_t status = cudaSuccess;
  if (!dfq_cuda_stream &&
      (status = cudaStreamCreateWithFlags(&dfq_cuda_stream,
                                          cudaStreamNonBlocking)) !=
          cudaSuccess)
    return dfq_rt_fail("%s: cannot create a CUDA stream: %s", layer,
                       cudaGetErrorString(status));
  if (dfq_cuda_reserve(0, input_bytes) || dfq_cuda_reserve(1, output_bytes))
    return 1;
  if ((status = cudaMemcpyAsync(dfq_cuda_buffers[0], input, input_bytes,
                                cudaMemcpyHostToDevice, dfq_cuda_stream)) !=
      cudaSuccess)
    return dfq_rt_fail("%s: copy to the device failed: %s", layer,
                       cudaGetErrorString(status));
  if (launch(dfq_cuda_buffers[0], dfq_cuda_buffers[1], n, dfq_cuda_stream))
    return dfq_rt_fail("%s: kernel launch failed: %s", layer,
                       cudaGetErrorString(cudaGetLastError()));
  if ((status = cudaMemcpyAsync(output, dfq_cuda_buffers[1], output_bytes,
                                cudaMemcpyDeviceToHost, dfq_cuda_stream)) !=
          cudaSuccess ||
      (status = cudaStreamSynchronize(dfq_cuda_stream)) != cudaSuccess)
    return dfq_rt_fail("%s: kernel or copy back failed: %s", layer,
                       cudaGetErrorString(status));
  return 0;
}
