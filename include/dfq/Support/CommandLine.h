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

/// Parses the command line like llvm::cl::ParseCommandLineOptions, but
/// reports a bad command line as the tools' other errors are reported
/// (`<tool>: error: ...`, hints as notes) and returns false instead of
/// exiting, so that the caller exits with status 1 having written nothing.
bool parseCommandLine(int argc, char **argv, llvm::StringRef overview);

/// The most threads a `--threads` option accepts.
constexpr int kMaxThreads = 1024;

/// Makes the allocator keep freed memory in the process instead of handing
/// it back to the kernel. The reference interpreter allocates and frees
/// tensors of tens or hundreds of megabytes per op at 224x224; glibc serves
/// those with fresh mappings whose pages the kernel zeroes on first touch,
/// which took a third of dfq-compile's time on ResNet-50. Peak memory grows a
/// little (fragmentation). A no-op where the C library offers no such
/// control.
void keepFreedMemoryInProcess();

} // namespace mlir::dfq

#endif // DFQ_SUPPORT_COMMANDLINE_H
