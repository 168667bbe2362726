//===- Backends.h - the library backends, by target name ----------*- C++
//-*-===//
//
// The registry dfq-compile and dfq-translate select a backend from, so that
// neither calls a backend by name.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TARGETS_BACKENDS_H
#define DFQ_TARGETS_BACKENDS_H

#include "dfq/Targets/LibraryBackend.h"

#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::dfq {

/// The backends dfq-compile can build for: `x86-avx512-vnni` (alias `x86`),
/// `x86-avx2`, `c`, `cuda-sm80` and `cuda-sm90`, and `cuda-sm80-emulated` /
/// `cuda-sm90-emulated` (the CUDA kernels rendered for the CPU).
std::vector<std::string> getLibraryBackendNames();
/// The backend for a --target name; null with `error` set for an unknown
/// one.
std::unique_ptr<LibraryBackend> createLibraryBackend(llvm::StringRef name,
                                                     std::string &error);

} // namespace mlir::dfq

#endif // DFQ_TARGETS_BACKENDS_H
