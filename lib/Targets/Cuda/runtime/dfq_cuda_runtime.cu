/* dfq_cuda_runtime.cu: the GPU's memory primitives of dfq_cuda_runtime.h
 * (dfq_cuda_arena.c runs the layers on them), and the device check. */
#include "dfq_cuda_runtime.h"

#include <cuda_runtime.h>

extern "C" int dfq_rt_fail(const char *format, ...);

namespace {
/* One stream per process: layers run one at a time (dfq_cuda_arena.c holds
 * a lock around each). */
cudaStream_t dfq_cuda_library_stream;

int dfq_cuda_failed(const char *what, cudaError_t status) {
  return dfq_rt_fail("%s: %s", what, cudaGetErrorString(status));
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

extern "C" int dfq_cuda_device_alloc(void **memory, size_t bytes) {
  cudaError_t status = cudaMalloc(memory, bytes);
  if (status != cudaSuccess)
    return dfq_rt_fail("cannot allocate %zu bytes on the device: %s", bytes,
                       cudaGetErrorString(status));
  return 0;
}

extern "C" void dfq_cuda_device_free(void *memory) { cudaFree(memory); }

extern "C" void *dfq_cuda_stream(void) {
  if (!dfq_cuda_library_stream)
    cudaStreamCreateWithFlags(&dfq_cuda_library_stream,
                              cudaStreamNonBlocking);
  return dfq_cuda_library_stream;
}

extern "C" int dfq_cuda_copy_to_device(void *device, const void *host,
                                       size_t bytes) {
  cudaError_t status =
      cudaMemcpyAsync(device, host, bytes, cudaMemcpyHostToDevice,
                      (cudaStream_t)dfq_cuda_stream());
  return status == cudaSuccess ? 0 : dfq_cuda_failed("cudaMemcpyAsync", status);
}

extern "C" int dfq_cuda_copy_to_host(void *host, const void *device,
                                     size_t bytes) {
  cudaStream_t stream = (cudaStream_t)dfq_cuda_stream();
  cudaError_t status =
      cudaMemcpyAsync(host, device, bytes, cudaMemcpyDeviceToHost, stream);
  if (status == cudaSuccess)
    status = cudaStreamSynchronize(stream);
  return status == cudaSuccess ? 0 : dfq_cuda_failed("cudaMemcpyAsync", status);
}
