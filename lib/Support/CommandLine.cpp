//===- CommandLine.cpp - Options shared by dfq's tools --------------------===//

#include "dfq/Support/CommandLine.h"

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
