//===- X86Backend.h - Halide kernels for x86 model libraries -----*- C++
//-*-===//
//
// The x86 LibraryBackend: each quantized layer becomes a Halide pipeline
// (LayerKernel.h) scheduled as dfq-lower-to-kernels recorded in its
// `dfq.kernel`, compiled ahead of time for one instruction set, and called
// through dfq_x86_runtime.c.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TARGETS_X86_X86BACKEND_H
#define DFQ_TARGETS_X86_X86BACKEND_H

#include "dfq/Targets/LibraryBackend.h"
#include "dfq/Targets/X86/LayerKernel.h"

#include <memory>

namespace mlir::dfq::x86 {

std::unique_ptr<LibraryBackend> createX86Backend(Isa isa);

} // namespace mlir::dfq::x86

#endif // DFQ_TARGETS_X86_X86BACKEND_H
