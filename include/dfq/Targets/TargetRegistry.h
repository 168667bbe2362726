//===- TargetRegistry.h - built-in and user target descriptions -*- C++ -*-===//
//
// Where a #dfq.target comes from: a built-in name or a file in MLIR attribute
// syntax. Both go through the dialect's one parser.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TARGETS_TARGETREGISTRY_H
#define DFQ_TARGETS_TARGETREGISTRY_H

#include "dfq/Dialect/DfqAttrs.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"

#include <string>
#include <vector>

namespace mlir::dfq {

/// The names of the built-in descriptions, in a stable order.
std::vector<std::string> getBuiltinTargetNames();

/// The built-in description `name` (`x86` is an alias of
/// `x86-avx512-vnni`). Fails with a message listing the known names.
FailureOr<TargetAttr> getBuiltinTarget(MLIRContext *context, StringRef name,
                                       std::string &error);

/// Parses the file at `path`, which holds one `#dfq.target<...>` (comments
/// allowed). Syntax and verifier errors are reported through the context's
/// diagnostic handlers at `path:line:column`.
FailureOr<TargetAttr> loadTargetFile(MLIRContext *context, StringRef path);

} // namespace mlir::dfq

#endif // DFQ_TARGETS_TARGETREGISTRY_H
