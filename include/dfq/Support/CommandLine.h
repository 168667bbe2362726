//===- CommandLine.h - Options shared by dfq's tools ------------*- C++ -*-===//

#ifndef DFQ_SUPPORT_COMMANDLINE_H
#define DFQ_SUPPORT_COMMANDLINE_H

#include "llvm/Support/CommandLine.h"

namespace mlir::dfq {

/// The tools' `--threads N`. libLLVM already registers a hidden
/// `--threads=<int>`, and registering a second option of that name aborts at
/// startup, so the existing one is adopted: shown in `category` with
/// `description`. Returns null if libLLVM has none.
llvm::cl::opt<int> *adoptThreadsOption(llvm::cl::OptionCategory &category,
                                       llvm::StringRef description);

} // namespace mlir::dfq

#endif // DFQ_SUPPORT_COMMANDLINE_H
