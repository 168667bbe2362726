//===- CommandLine.cpp - Options shared by dfq's tools --------------------===//

#include "dfq/Support/CommandLine.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

llvm::cl::opt<int> *
mlir::dfq::adoptThreadsOption(llvm::cl::OptionCategory &category,
                              llvm::StringRef description) {
  auto *threads = static_cast<llvm::cl::opt<int> *>(
      llvm::cl::getRegisteredOptions().lookup("threads"));
  if (!threads)
    return nullptr;
  threads->setDescription(description);
  threads->addCategory(category);
  threads->setHiddenFlag(llvm::cl::NotHidden);
  return threads;
}

void mlir::dfq::keepFreedMemoryInProcess() {
#if defined(__GLIBC__)
  // Serve every allocation from the heap (no per-allocation mappings), and
  // never trim the heap's top: what is kept is what the next op allocates
  // again.
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, -1);
#endif
}
