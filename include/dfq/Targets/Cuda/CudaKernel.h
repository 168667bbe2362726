//===- CudaKernel.h - one quantized layer as a CUDA kernel ------*- C++ -*-===//
//
// The CUDA generator, as plain C++ (no MLIR types) so that the kernel sweep
// can drive it directly. Every kernel is rendered twice from the same pieces
// of code: for the GPU (CUDA C++ with inline PTX: mma.sync, ldmatrix,
// cp.async) and for the CPU (C99 that runs each thread block's threads in
// the phases between its barriers and each warp-collective instruction
// through the lane-level model of dfq_cuda_emu.h), so that the tiling, the
// implicit-GEMM indexing, the fragment mapping and the epilogue that the GPU
// runs are executed and checked on every machine.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TARGETS_CUDA_CUDAKERNEL_H
#define DFQ_TARGETS_CUDA_CUDAKERNEL_H

#include "dfq/Support/CudaTiles.h"
#include "dfq/Targets/LayerSpec.h"

#include <cstdint>
#include <string>

namespace mlir::dfq::cuda {

/// A #dfq.cuda_kernel's fields.
struct CudaSchedule {
  int64_t sm = 80;
  /// "dense", "grouped" or "depthwise".
  std::string kind = "dense";
  int64_t tileM = 128, tileN = 64, tileK = 64;
  int64_t warpsM = 4, warpsN = 2, stages = 3;
};

/// The schedule dfq-lower-to-kernels records for `tiles` on `sm`.
inline CudaSchedule scheduleFromTiles(const CudaTiles &tiles, int64_t sm) {
  CudaSchedule schedule;
  schedule.sm = sm;
  schedule.kind = tiles.kind;
  schedule.tileM = tiles.tileM;
  schedule.tileN = tiles.tileN;
  schedule.tileK = tiles.tileK;
  schedule.warpsM = tiles.warpsM;
  schedule.warpsN = tiles.warpsN;
  schedule.stages = tiles.stages;
  return schedule;
}

enum class Render {
  /// CUDA C++: device arrays, a __global__ kernel, and the C function
  /// `spec.symbol` that launches it on the given stream.
  Device,
  /// C99: the C function `spec.symbol` runs every block of the grid on the
  /// CPU (dfq_cuda_emu.h).
  Host,
};

/// Checks that the kernels run `spec` with `schedule` and prints the layer's
/// kernel into `source`; false with `error` set otherwise. Both renders
/// define `int SYMBOL(const uint8_t *input, void *const *buffers, int64_t n,
/// void *stream)` (dfq_cuda_runtime.h's dfq_cuda_kernel), which runs the
/// whole layer on the device memory (or the CPU's model of it) that
/// `input` and `buffers` (the output, or with a residual epilogue the
/// residual and the epilogue's outputs) point into.
bool emitCudaKernel(const LayerSpec &spec, const CudaSchedule &schedule,
                    Render render, std::string &source, std::string &error);

} // namespace mlir::dfq::cuda

#endif // DFQ_TARGETS_CUDA_CUDAKERNEL_H
