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

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

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

/// The compiler's arguments shared by compiling and linking.
std::vector<std::string> compilerArgs(const LibraryBackend &backend,
                                      StringRef compiler, StringRef buildDir) {
  std::vector<std::string> args = {compiler.str()};
  for (const std::string &flag : backend.getCompileFlags())
    args.push_back(flag);
  for (StringRef flag : {"-std=c11", "-fPIC"})
    args.push_back(flag.str());
  args.push_back("-I" + buildDir.str());
  for (const std::string &dir : backend.getIncludeDirectories())
    args.push_back("-I" + dir);
  return args;
}

/// A compiler process started in the background: what it does (for the
/// error message) and the log of its output.
struct CompilerRun {
  std::string what, log;
  llvm::sys::ProcessInfo process;
  std::string startError;
};

CompilerRun startCompiler(StringRef compiler, std::vector<std::string> args,
                          std::string what, std::string log) {
  CompilerRun run{std::move(what), std::move(log), {}, {}};
  SmallVector<StringRef> argRefs(args.begin(), args.end());
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(run.log),
                                          StringRef(run.log)};
  // A compiler that cannot start leaves an invalid pid and a message.
  run.process = llvm::sys::ExecuteNoWait(compiler, argRefs, std::nullopt,
                                         redirects, 0, &run.startError);
  return run;
}

/// Waits for `run`; an error with the compiler's log when it failed.
LogicalResult finishCompiler(Location loc, StringRef compiler,
                             CompilerRun &run) {
  std::string message = run.startError;
  int status = -1;
  if (run.process.Pid != llvm::sys::ProcessInfo::InvalidPid) {
    run.process = llvm::sys::Wait(run.process, std::nullopt, &message);
    run.process.Pid = llvm::sys::ProcessInfo::InvalidPid;
    status = run.process.ReturnCode;
  }
  if (status == 0)
    return success();
  auto text = llvm::MemoryBuffer::getFile(run.log);
  return emitError(loc) << run.what << " with '" << compiler << "' failed"
                        << (message.empty() ? "" : ": " + message) << "\n"
                        << (text ? (*text)->getBuffer().take_back(4000)
                                 : StringRef());
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

std::string mlir::dfq::floatLiteral(float value) {
  if (std::isnan(value))
    return "NAN";
  if (std::isinf(value))
    return value > 0 ? "INFINITY" : "-INFINITY";
  char text[64];
  std::snprintf(text, sizeof text, "%af", static_cast<double>(value));
  return text;
}

std::string mlir::dfq::byteStringLiteral(ArrayRef<uint8_t> bytes) {
  // Written 4 characters at a time from a table of the 256 escapes: a model
  // library carries tens of megabytes of weights this way.
  static const std::array<std::array<char, 4>, 256> escapes = [] {
    std::array<std::array<char, 4>, 256> table;
    for (unsigned b = 0; b < 256; ++b)
      table[b] = {'\\', char('0' + (b >> 6)), char('0' + ((b >> 3) & 7)),
                  char('0' + (b & 7))};
    return table;
  }();
  constexpr StringRef lineBreak = "\"\n  \"";
  size_t lines = (bytes.size() + 31) / 32;
  std::string literal;
  literal.resize(bytes.size() * 4 + lines * lineBreak.size() + 2);
  char *out = literal.data();
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i % 32 == 0) {
      const char *line = lineBreak.data() + (i ? 0 : 1);
      size_t length = lineBreak.size() - (i ? 0 : 1);
      std::memcpy(out, line, length);
      out += length;
    }
    std::memcpy(out, escapes[bytes[i]].data(), 4);
    out += 4;
  }
  if (bytes.empty())
    *out++ = '"';
  *out++ = '"';
  literal.resize(out - literal.data());
  return literal;
}

std::vector<std::string> LibraryBackend::getPreferredCompilers() const {
  return {"cc", "gcc", "clang"};
}

std::vector<std::string> LibraryBackend::getLinkFlags() const { return {}; }

std::string LibraryBackend::getDestroyCode() const { return ""; }

void mlir::dfq::printRowKernelCall(const LayerSpec &spec,
                                   const KernelOperands &operands,
                                   bool splitRows, std::string &prototypes,
                                   std::string &body) {
  prototypes += "int " + spec.symbol +
                "(const void *, int64_t, int64_t, int64_t, void *);\n";
  body += "  failed |= dfq_rt_run_row_kernel(" + spec.symbol + ", " +
          operands.layer + ", " + operands.input + ", n, " +
          operands.buffers[0].address + ", " + std::to_string(spec.outH) +
          ", " + (splitRows ? "1" : "0") + ", team);\n";
}

LogicalResult mlir::dfq::emitScheduleMismatch(Operation *op,
                                              StringRef builtFor) {
  auto schedule =
      op->getAttrOfType<KernelScheduleAttrInterface>(kKernelAttrName);
  return op->emitError() << "is scheduled for "
                         << (schedule ? schedule.getTargetName()
                                      : std::string("no target"))
                         << " but the library is built for " << builtFor;
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

  // The host code compiles in the background, one compiler per source,
  // while the backend builds its kernel objects; then everything links.
  TimingScope hostTiming = timing.nest("host code: start compiling");
  FailureOr<std::string> compiler =
      findCompiler(loc, backend, options.compiler);
  if (failed(compiler))
    return failure();
  std::vector<std::string> hostObjects;
  std::vector<CompilerRun> compiles;
  // Whatever happens next, no compiler outlives this function.
  llvm::scope_exit waitForCompiles([&] {
    for (CompilerRun &run : compiles)
      if (run.process.Pid != llvm::sys::ProcessInfo::InvalidPid)
        llvm::sys::Wait(run.process, std::nullopt);
  });
  for (const SourceFile &file : librarySources(program, backend, fingerprint)) {
    if (failed(writeFile(loc, in(file.name), file.contents)))
      return failure();
    if (!StringRef(file.name).ends_with(".c"))
      continue;
    std::vector<std::string> args = compilerArgs(backend, *compiler, buildDir);
    std::string object = in(file.name + ".o");
    for (std::string arg :
         {std::string("-c"), in(file.name), std::string("-o"), object})
      args.push_back(std::move(arg));
    hostObjects.push_back(object);
    compiles.push_back(startCompiler(*compiler, std::move(args),
                                     "compiling " + file.name,
                                     in(file.name + ".log")));
  }
  hostTiming.stop();

  TimingScope objectsTiming = timing.nest("kernel objects");
  KernelObjectCache cache;
  cache.directory = options.kernelCache;
  FailureOr<std::vector<std::string>> objects =
      backend.writeObjects(buildDir, loc, cache);
  if (failed(objects))
    return failure();
  objectsTiming.stop();

  TimingScope linkTiming = timing.nest("host code: finish compiling and link");
  for (CompilerRun &run : compiles)
    if (failed(finishCompiler(loc, *compiler, run)))
      return failure();
  std::vector<std::string> link = compilerArgs(backend, *compiler, buildDir);
  link.push_back("-shared");
  link.insert(link.end(), hostObjects.begin(), hostObjects.end());
  link.insert(link.end(), objects->begin(), objects->end());
  for (const std::string &flag : backend.getLinkFlags())
    link.push_back(flag);
  for (StringRef arg : {"-lpthread", "-ldl", "-lm", "-o"})
    link.push_back(arg.str());
  link.push_back(in("libmodel.so"));
  CompilerRun linking = startCompiler(*compiler, std::move(link),
                                      "linking libmodel.so", in("link.log"));
  if (failed(finishCompiler(loc, *compiler, linking)))
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
    summary->kernelObjectsCompiled = cache.compiled;
    summary->kernelObjectsReused = cache.reused;
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
    if (file.data)
      os << "// (data, " << file.contents.size() << " bytes of C)\n";
    else if (file.generated)
      os << file.contents;
    else
      os << "// (runtime source, " << file.contents.size() << " bytes)\n";
  }
  backend.printObjects(os);
  return success();
}
