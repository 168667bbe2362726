//===- CudaBackend.h - CUDA model libraries ----------------------*- C++
//-*-===//
//
// The CUDA LibraryBackend: every quantized layer becomes a generated CUDA
// kernel (CudaKernel.h) launched from the host program through the C ABI
// every dfq library has. With `Render::Host` the same kernels are rendered
// for the CPU and run through the lane-level model of the tensor-core
// instructions, so a library for a CUDA target can be built, run and checked
// bit for bit on a machine without a GPU (or without nvcc).
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TARGETS_CUDA_CUDABACKEND_H
#define DFQ_TARGETS_CUDA_CUDABACKEND_H

#include "dfq/Targets/Cuda/CudaKernel.h"
#include "dfq/Targets/LibraryBackend.h"

#include <memory>

namespace mlir::dfq::cuda {

/// The backend for `cuda-sm80` or `cuda-sm90` (`sm` = 80 or 90).
std::unique_ptr<LibraryBackend> createCudaBackend(int sm, Render render);

} // namespace mlir::dfq::cuda

#endif // DFQ_TARGETS_CUDA_CUDABACKEND_H
