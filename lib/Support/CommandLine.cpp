//===- CommandLine.cpp - Options shared by dfq's tools --------------------===//

#include "dfq/Support/CommandLine.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

bool mlir::dfq::parseCommandLine(int argc, char **argv,
                                 llvm::StringRef overview) {
  std::string messages;
  llvm::raw_string_ostream os(messages);
  if (llvm::cl::ParseCommandLineOptions(argc, argv, overview, &os))
    return true;
  // LLVM writes "<tool>: <message>" lines: the first is the error, the
  // others ("Did you mean ...?") are hints.
  std::string tool = llvm::sys::path::filename(argv[0]).str();
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(messages).split(lines, '\n', -1, /*KeepEmpty=*/false);
  bool first = true;
  for (llvm::StringRef line : lines) {
    line.consume_front(tool + ":");
    line = line.trim();
    llvm::errs() << tool << (first ? ": error: " : ": note: ") << line << "\n";
    first = false;
  }
  // An option's value LLVM cannot parse is reported by the option itself,
  // on stderr, above.
  if (first)
    llvm::errs() << tool << ": error: invalid command line (see above)\n";
  return false;
}

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
