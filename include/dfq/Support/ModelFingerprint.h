//===- ModelFingerprint.h - what a library was built from -------*- C++ -*-===//
//
// A library that dfq-compile builds carries the fingerprint of the model and
// target it was built from (`dfq_model_fingerprint()` in model.h), so that
// dfq-run can refuse a library that belongs to another model. dfq-compile
// computes it from the IR text it writes to model.mlir; dfq-run recomputes
// it from that file as read from disk. Both go through this one function.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_SUPPORT_MODELFINGERPRINT_H
#define DFQ_SUPPORT_MODELFINGERPRINT_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::dfq {

/// SHA-256 of `modelText` (the bytes of model.mlir), a NUL byte and
/// `target` (the library's target name, e.g. "x86-avx512-vnni"), as 64
/// lower-case hex digits.
std::string computeModelFingerprint(llvm::StringRef modelText,
                                    llvm::StringRef target);

} // namespace mlir::dfq

#endif // DFQ_SUPPORT_MODELFINGERPRINT_H
