//===- CBackend.h - portable C99 model libraries -----------------*- C++
//-*-===//
//
// The C LibraryBackend: every quantized layer becomes a plain C function
// with its weights and parameters as constant arrays and its loops over the
// exact integer semantics of docs/design.md; no intrinsics, no kernel
// library. The result runs on any machine with a C compiler and POSIX
// threads, and is the bit-exact reference a team starts from when it brings
// up its own accelerator (docs/targets.md).
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TARGETS_C_CBACKEND_H
#define DFQ_TARGETS_C_CBACKEND_H

#include "dfq/Targets/LayerSpec.h"
#include "dfq/Targets/LibraryBackend.h"

#include <memory>
#include <string>

namespace mlir::dfq::c {

std::unique_ptr<LibraryBackend> createCBackend();

/// The C99 definition of `spec`'s kernel, a dfq_rt_row_kernel
/// (dfq_runtime.h) named `spec.symbol` that computes output rows [first_row,
/// last_row); its arrays are static, prefixed by the symbol. Residual
/// epilogues are not supported (the host computes them). Returns false with
/// `error` set when the spec is inconsistent (sizes, parameter counts,
/// widths outside [2, 8], shifts outside [0, 62], multipliers below 1, codes
/// outside their width).
bool emitCKernel(const LayerSpec &spec, std::string &source,
                 std::string &error);

} // namespace mlir::dfq::c

#endif // DFQ_TARGETS_C_CBACKEND_H
