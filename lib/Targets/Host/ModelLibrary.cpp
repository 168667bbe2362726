//===- ModelLibrary.cpp - build or print a model library ------------------===//
//
// Drives the toolchain for every backend: writes model.h, model.c, the
// shared host runtime and the backend's sources into a private build
// directory, compiles and links them with the backend's objects into
// libmodel.so, and moves the results into place only when everything
// succeeded. --emit-only prints the same files instead.
//
//===----------------------------------------------------------------------===//

#include "dfq/Targets/ModelLibrary.h"

#include "HostProgram.h"
#include "dfq/Support/ModelFingerprint.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <chrono>
#include <cstdlib>

using namespace mlir;
using namespace mlir::dfq;

namespace {

#include "HostRuntimeSources.inc"

LogicalResult writeFile(Location loc, StringRef path, StringRef contents) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (!ec) {
    os << contents;
    os.close();
    ec = os.error();
  }
  if (ec)
    return emitError(loc) << "cannot write '" << path << "': " << ec.message();
  return success();
}

/// The compiler to use: the caller's, else $CC, else the backend's first
/// preference found on PATH; as an absolute path.
FailureOr<std::string> findCompiler(Location loc, const LibraryBackend &backend,
                                    StringRef requested) {
  std::string compiler = requested.str();
  if (compiler.empty())
    if (const char *cc = std::getenv("CC"))
      compiler = cc;
  if (compiler.empty())
    for (const std::string &candidate : backend.getPreferredCompilers())
      if (llvm::ErrorOr<std::string> found =
              llvm::sys::findProgramByName(candidate)) {
        compiler = *found;
        break;
      }
  if (compiler.empty())
    return emitError(loc) << "no C compiler found to link libmodel.so (set CC)";
  if (!llvm::sys::path::is_absolute(compiler))
    if (llvm::ErrorOr<std::string> found =
            llvm::sys::findProgramByName(compiler))
      compiler = *found;
  return compiler;
}

LogicalResult compileAndLink(Location loc, const LibraryBackend &backend,
                             StringRef compiler, StringRef buildDir,
                             ArrayRef<std::string> sources,
                             ArrayRef<std::string> objects) {
  auto in = [&](StringRef name) {
    llvm::SmallString<256> p(buildDir);
    llvm::sys::path::append(p, name);
    return p.str().str();
  };
  std::vector<std::string> args = {compiler.str()};
  for (const std::string &flag : backend.getCompileFlags())
    args.push_back(flag);
  for (StringRef flag : {"-std=c11", "-fPIC", "-shared"})
    args.push_back(flag.str());
  args.push_back("-I" + buildDir.str());
  for (const std::string &dir : backend.getIncludeDirectories())
    args.push_back("-I" + dir);
  for (const std::string &source : sources)
    args.push_back(in(source));
  for (const std::string &object : objects)
    args.push_back(object);
  for (StringRef lib : {"-lpthread", "-ldl", "-lm", "-o"})
    args.push_back(lib.str());
  args.push_back(in("libmodel.so"));
  SmallVector<StringRef> argRefs(args.begin(), args.end());
  std::string log = in("compiler.log");
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log),
                                          StringRef(log)};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(compiler, argRefs, std::nullopt,
                                         redirects, 0, 0, &message);
  if (status != 0) {
    auto text = llvm::MemoryBuffer::getFile(log);
    return emitError(loc) << "linking libmodel.so with '" << compiler
                          << "' failed"
                          << (message.empty() ? "" : ": " + message) << "\n"
                          << (text ? (*text)->getBuffer().take_back(4000)
                                   : StringRef());
  }
  return success();
}

/// Every C source of the library: the host runtime, the backend's files,
/// model.c; and model.h.
std::vector<SourceFile> librarySources(host::HostProgram &program,
                                       LibraryBackend &backend,
                                       StringRef fingerprint) {
  std::vector<SourceFile> files = {{"model.h", program.header(fingerprint)},
                                   {"model.c", program.source()},
                                   {"dfq_runtime.h", kHostRuntimeHeader,
                                    /*generated=*/false},
                                   {"dfq_runtime.c", kHostRuntimeSource,
                                    /*generated=*/false}};
  for (SourceFile &file : backend.getSources())
    files.push_back(std::move(file));
  return files;
}

} // namespace

LibraryBackend::~LibraryBackend() = default;

std::vector<std::string> LibraryBackend::getPreferredCompilers() const {
  return {"cc", "gcc", "clang"};
}

std::vector<std::string> LibraryBackend::getIncludeDirectories() const {
  return {};
}

LogicalResult mlir::dfq::emitModelLibrary(func::FuncOp function,
                                          LibraryBackend &backend,
                                          const ModelLibraryOptions &options,
                                          ModelLibrarySummary *summary) {
  auto start = std::chrono::steady_clock::now();
  TimingScope untimed;
  TimingScope &timing = options.timing ? *options.timing : untimed;
  Location loc = function.getLoc();
  if (options.modelText.empty())
    return emitError(loc)
           << "internal error: no model text to fingerprint the library with";
  // The name dfq_model_target() returns, which dfq-run fingerprints with.
  std::string fingerprint =
      computeModelFingerprint(options.modelText, backend.getTargetName());
  host::HostProgram program(function, backend);
  TimingScope programTiming = timing.nest("host program and kernel pipelines");
  if (failed(program.build()))
    return failure();
  programTiming.stop();

  // Build in a private directory, then move the results into place, so a
  // failure leaves nothing half-written.
  if (std::error_code ec = llvm::sys::fs::create_directories(options.outputDir))
    return emitError(loc) << "cannot create '" << options.outputDir
                          << "': " << ec.message();
  // createUniqueDirectory puts a relative prefix under the system's
  // temporary directory; the build directory belongs inside outputDir.
  llvm::SmallString<256> prefix(options.outputDir), buildDir;
  llvm::sys::path::append(prefix, ".dfq-build");
  if (std::error_code ec = llvm::sys::fs::make_absolute(prefix))
    return emitError(loc) << "cannot resolve '" << options.outputDir
                          << "': " << ec.message();
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory(prefix, buildDir))
    return emitError(loc) << "cannot create a build directory: "
                          << ec.message();
  llvm::scope_exit cleanup([&] {
    if (!options.keepSources)
      llvm::sys::fs::remove_directories(buildDir);
  });
  auto in = [&](StringRef name) { return (buildDir + "/" + name).str(); };

  TimingScope objectsTiming = timing.nest("kernel objects");
  FailureOr<std::vector<std::string>> objects =
      backend.writeObjects(buildDir, loc);
  if (failed(objects))
    return failure();
  objectsTiming.stop();
  TimingScope linkTiming = timing.nest("host code: compile and link");
  FailureOr<std::string> compiler =
      findCompiler(loc, backend, options.compiler);
  if (failed(compiler))
    return failure();
  std::vector<std::string> sources;
  for (const SourceFile &file : librarySources(program, backend, fingerprint)) {
    if (failed(writeFile(loc, in(file.name), file.contents)))
      return failure();
    if (StringRef(file.name).ends_with(".c"))
      sources.push_back(file.name);
  }
  if (failed(
          compileAndLink(loc, backend, *compiler, buildDir, sources, *objects)))
    return failure();
  linkTiming.stop();
  for (StringRef name : {"model.h", "libmodel.so"}) {
    std::string to = options.outputDir + "/" + name.str();
    if (std::error_code ec = llvm::sys::fs::rename(in(name), to))
      return emitError(loc)
             << "cannot move " << name << " into place: " << ec.message();
  }
  if (options.keepSources) {
    std::string kept = options.outputDir + "/build";
    llvm::sys::fs::remove_directories(kept);
    llvm::sys::fs::rename(buildDir, kept);
  }
  if (summary) {
    summary->kernels = program.kernelCount;
    summary->arenaBytesPerSample = program.arenaBytesPerSample;
    summary->unplannedBytesPerSample = 0;
    summary->fusedResidualChains = program.fusedChains;
    summary->fingerprint = fingerprint;
    for (const host::ArenaBuffer &b : program.buffers)
      summary->unplannedBytesPerSample += b.bytesPerSample;
    summary->compileSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  }
  return success();
}

LogicalResult mlir::dfq::printModelLibrary(func::FuncOp function,
                                           LibraryBackend &backend,
                                           llvm::raw_ostream &os,
                                           StringRef modelText) {
  std::string fingerprint =
      modelText.empty()
          ? std::string(64, '0')
          : computeModelFingerprint(modelText, backend.getTargetName());
  host::HostProgram program(function, backend);
  if (failed(program.build()))
    return failure();
  // The runtime files are the same for every model; only their names are
  // printed.
  for (const SourceFile &file : librarySources(program, backend, fingerprint)) {
    os << "// ----- " << file.name << " -----\n";
    if (file.generated)
      os << file.contents;
    else
      os << "// (runtime source, " << file.contents.size() << " bytes)\n";
  }
  backend.printObjects(os);
  return success();
}
