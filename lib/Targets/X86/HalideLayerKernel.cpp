//===- HalideLayerKernel.cpp - one quantized layer as a Halide pipeline ---===//
//
// LayerKernel (include/dfq/Targets/X86/LayerKernel.h): a dfq.qconv2d or
// dfq.qgemm whose weights and per-channel parameters are constants, so they
// are packed and folded at build time into the tables the pipeline takes.
//
// This file is the class around the pipeline that HalideLayerPipeline.cpp
// and HalideDenseLayer.cpp build (HalideLayerPipeline.h): the instruction
// sets, the checks of a spec, the compilation targets, and compiling the
// pipeline just in time or to an object file, whose assembly is read back
// to reject instructions that CPUs with the ISA's features may lack.
//
//===----------------------------------------------------------------------===//

#include "dfq/Targets/X86/LayerKernel.h"

#include "HalideLayerPipeline.h"

#include "Halide.h"

#include <cpuid.h>
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace Halide;

namespace mlir::dfq::x86 {

//===----------------------------------------------------------------------===//
// Instruction sets
//===----------------------------------------------------------------------===//

bool parseIsa(const std::string &name, Isa &isa) {
  if (name == "x86-avx512-vnni") {
    isa = Isa::Avx512Vnni;
    return true;
  }
  if (name == "x86-avx2") {
    isa = Isa::Avx2;
    return true;
  }
  return false;
}

const char *isaName(Isa isa) {
  return isa == Isa::Avx512Vnni ? "x86-avx512-vnni" : "x86-avx2";
}

bool hostSupports(Isa isa) {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
    return false;
  bool sse41 = ecx & bit_SSE4_1, avx = ecx & bit_AVX, f16c = ecx & bit_F16C,
       fma = ecx & bit_FMA, osxsave = ecx & bit_OSXSAVE;
  if (!osxsave)
    return false;
  // The OS must save the vector state: XMM and YMM (bits 1, 2), and for
  // AVX-512 also the opmask and ZMM state (bits 5, 6, 7).
  unsigned xcrLo = 0, xcrHi = 0;
  __asm__("xgetbv" : "=a"(xcrLo), "=d"(xcrHi) : "c"(0));
  bool osYmm = (xcrLo & 0x6) == 0x6, osZmm = (xcrLo & 0xe6) == 0xe6;
  unsigned a7 = 0, b7 = 0, c7 = 0, d7 = 0;
  if (!__get_cpuid_count(7, 0, &a7, &b7, &c7, &d7))
    return false;
  bool avx2Set = sse41 && avx && f16c && fma && (b7 & bit_AVX2) && osYmm;
  if (isa == Isa::Avx2)
    return avx2Set;
  bool avx512 = (b7 & bit_AVX512F) && (b7 & bit_AVX512CD) &&
                (b7 & bit_AVX512VL) && (b7 & bit_AVX512BW) &&
                (b7 & bit_AVX512DQ) && (b7 & bit_AVX512IFMA) &&
                (c7 & bit_AVX512VBMI) && (c7 & bit_AVX512VNNI);
  return avx2Set && avx512 && osZmm;
}

std::string halideTargetFor(Isa isa) {
  // Spelled out rather than detected: the objects run on any CPU with these
  // features. avx512_sapphirerapids is what makes Halide emit vpdpbusd; it
  // also enables VEX AVX-VNNI for narrower dot products, which AVX-512-only
  // CPUs (AMD Zen 4) lack, so every dot product in these pipelines is
  // scheduled 512 bits wide.
  if (isa == Isa::Avx512Vnni)
    return "x86-64-linux-sse41-avx-avx2-f16c-fma-avx512-avx512_skylake-"
           "avx512_cannonlake-avx512_sapphirerapids";
  return "x86-64-linux-sse41-avx-avx2-f16c-fma";
}

//===----------------------------------------------------------------------===//
// Validation
//===----------------------------------------------------------------------===//

/// Instructions a CPU with AVX-512 VNNI but nothing newer (AMD Zen 4) lacks
/// and that LLVM may still pick under Halide's avx512_sapphirerapids
/// feature, which sets -mcpu=sapphirerapids: VEX AVX-VNNI ({vex} vpdp*),
/// narrower dot products, AVX512-FP16 (vmovw, *ph/*sh arithmetic) and AMX.
/// Returns the first offending line of `assembly`, empty when clean.
std::string forbiddenInstruction(const std::string &assembly) {
  std::istringstream lines(assembly);
  std::string line;
  while (std::getline(lines, line)) {
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '.' || line[start] == '#')
      continue;
    std::string text = line.substr(start);
    std::string mnemonic = text.substr(0, text.find_first_of(" \t"));
    auto endsWith = [&](const char *suffix) {
      size_t k = std::strlen(suffix);
      return mnemonic.size() > k + 1 &&
             mnemonic.compare(mnemonic.size() - k, k, suffix) == 0;
    };
    bool bad = text.rfind("{vex}", 0) == 0 || mnemonic == "vmovw" ||
               mnemonic.rfind("tile", 0) == 0 ||
               mnemonic.rfind("tdp", 0) == 0 || mnemonic == "ldtilecfg" ||
               mnemonic == "sttilecfg" ||
               (mnemonic[0] == 'v' && (endsWith("ph") || endsWith("sh"))) ||
               (mnemonic.rfind("vpdp", 0) == 0 &&
                (text.find("%xmm") != std::string::npos ||
                 text.find("%ymm") != std::string::npos));
    if (bad)
      return text;
  }
  return "";
}

namespace {

bool fail(std::string &error, const std::string &name,
          const std::string &message) {
  error = "layer kernel '" + name + "': " + message;
  return false;
}

bool validate(const LayerKernelSpec &s, std::string &error) {
  const std::string &n = s.name;
  bool identifier = !s.name.empty() && !std::isdigit((unsigned char)n[0]);
  for (char ch : n)
    identifier &= std::isalnum((unsigned char)ch) || ch == '_';
  if (!identifier)
    return fail(error, n, "the name is not a C identifier");
  if (s.c <= 0 || s.h <= 0 || s.w <= 0 || s.o <= 0 || s.kh <= 0 || s.kw <= 0 ||
      s.outH <= 0 || s.outW <= 0)
    return fail(error, n, "extents must be positive");
  if (s.strideH <= 0 || s.strideW <= 0 || s.dilationH <= 0 ||
      s.dilationW <= 0 || s.padTop < 0 || s.padLeft < 0)
    return fail(error, n,
                "strides and dilations must be positive and "
                "padding non-negative");
  if (s.groups <= 0 || s.c % s.groups || s.o % s.groups)
    return fail(error, n, "groups must divide the input and output channels");
  const int64_t limit = int64_t(1) << 30;
  if (s.c * s.h * s.w >= limit || s.o * s.outH * s.outW >= limit ||
      s.o * s.c * s.kh * s.kw >= limit || s.strideH * s.outH >= limit ||
      s.strideW * s.outW >= limit || s.dilationH * s.kh >= limit ||
      s.dilationW * s.kw >= limit || s.padTop >= limit || s.padLeft >= limit)
    return fail(error, n, "extents too large");
  switch (s.schedule.kind) {
  case LayerSchedule::Kind::Dense:
    if (s.groups != 1)
      return fail(error, n, "a dense schedule needs groups = 1");
    break;
  case LayerSchedule::Kind::Depthwise:
    if (s.groups != s.c || s.groups != s.o)
      return fail(error, n, "a depthwise schedule needs groups = c = o");
    break;
  case LayerSchedule::Kind::Grouped:
    break;
  }
  int lanes = s.isa == Isa::Avx512Vnni ? 16 : 8;
  if (s.schedule.tileChannels <= 0 || s.schedule.tileChannels % lanes ||
      s.schedule.tileChannels > 8 * lanes || s.schedule.tilePixels <= 0 ||
      s.schedule.tilePixels > 16)
    return fail(error, n,
                "tileChannels must be a positive multiple of the vector "
                "width (at most 8 vectors) and tilePixels in [1, 16]");
  if (s.schedule.pixelTiles == LayerSchedule::PixelTiles::Row &&
      (s.schedule.kind == LayerSchedule::Kind::Grouped ||
       s.outW % s.schedule.tilePixels))
    return fail(error, n,
                "row pixel tiles need a dense or depthwise schedule whose "
                "tilePixels divides the output width");
  if (s.schedule.channelTilesOuter &&
      (s.schedule.kind != LayerSchedule::Kind::Dense ||
       s.schedule.pixelTiles != LayerSchedule::PixelTiles::Image ||
       s.outH * s.outW == 1))
    return fail(error, n,
                "channel tiles outside pixel tiles need a dense convolution "
                "(more than one output pixel) with image pixel tiles");
  if (s.weightBits < 2 || s.weightBits > 8 || s.activationBits < 2 ||
      s.activationBits > 8)
    return fail(error, n, "weight and activation bits must be in [2, 8]");
  int64_t wmin = -(int64_t(1) << (s.weightBits - 1)),
          wmax = (int64_t(1) << (s.weightBits - 1)) - 1;
  int64_t amax = (int64_t(1) << s.activationBits) - 1;
  if (int64_t(s.weights.size()) != s.o * (s.c / s.groups) * s.kh * s.kw)
    return fail(error, n,
                "expected " +
                    std::to_string(s.o * (s.c / s.groups) * s.kh * s.kw) +
                    " weights, got " + std::to_string(s.weights.size()));
  for (int8_t v : s.weights)
    if (v < wmin || v > wmax)
      return fail(error, n,
                  "weight " + std::to_string(v) + " is outside the " +
                      std::to_string(s.weightBits) + "-bit range");
  for (auto *v : {&s.bias, &s.multiplier, &s.shift, &s.weightZeroPoint})
    if (int64_t(v->size()) != s.o)
      return fail(error, n,
                  "expected one bias, multiplier, shift and weight "
                  "zero point per output channel");
  for (int64_t i = 0; i < s.o; ++i) {
    if (s.shift[i] < 0 || s.shift[i] > 62)
      return fail(error, n,
                  "shift " + std::to_string(s.shift[i]) +
                      " is outside [0, 62]");
    if (s.multiplier[i] < 1)
      return fail(error, n,
                  "multiplier " + std::to_string(s.multiplier[i]) +
                      " is outside [1, 2^31 - 1]");
    if (s.weightZeroPoint[i] < wmin || s.weightZeroPoint[i] > wmax)
      return fail(error, n,
                  "weight zero point " + std::to_string(s.weightZeroPoint[i]) +
                      " is outside the weight range");
  }
  if (s.inputZeroPoint < 0 || s.inputZeroPoint > amax)
    return fail(error, n,
                "the input zero point is outside the activation "
                "range");
  if (s.outputMin < 0 || s.outputMin > s.outputMax || s.outputMax > 255)
    return fail(error, n, "the output range must be within [0, 255]");
  std::string epilogueError;
  if (!checkResidualEpilogue(s.epilogue, epilogueError))
    return fail(error, n, epilogueError);
  return true;
}

} // namespace

/// LLVM's SLP vectorizer turns scalar index arithmetic into small vectors
/// that, under -mcpu=sapphirerapids, become VEX AVX-VNNI (`{vex} vpdpwssd
/// %xmm`), which AVX-512 VNNI CPUs such as Zen 4 lack; Halide vectorizes
/// what should be vectorized itself. Halide reads HL_LLVM_ARGS once, when it
/// first initializes LLVM, so this must run before any Halide compilation
/// in the process; if it came too late, forbiddenInstruction still rejects
/// the code.
void disableSlpVectorizer() {
  setenv("HL_LLVM_ARGS", "-slp-threshold=1000000", /*overwrite=*/0);
}

//===----------------------------------------------------------------------===//
// Compilation targets
//===----------------------------------------------------------------------===//

static std::string withoutSapphireRapids(std::string target) {
  size_t spr = target.find("-avx512_sapphirerapids");
  if (spr != std::string::npos)
    target.erase(spr, std::strlen("-avx512_sapphirerapids"));
  return target;
}

Target LayerKernel::Impl::codeTarget() const {
  std::string target = halideTargetFor(spec.isa);
  if (spec.schedule.kind != LayerSchedule::Kind::Dense && !depthwiseDotProducts)
    target = withoutSapphireRapids(target);
  // LLVM's loop vectorizer turns the scalar channel loop of the padded
  // input copy into partial vectors whose odd-sized pieces it moves with
  // AVX512-FP16 `vmovsh` under -mcpu=sapphirerapids; Halide vectorizes
  // everything that matters in these pipelines itself.
  Target code(target);
  if (depthwiseDotProducts)
    code = code.with_feature(Target::DisableLLVMLoopOpt);
  // IEEE f32 throughout a residual epilogue (see defineOutput).
  if (spec.epilogue.enabled())
    code = code.with_feature(Target::StrictFloat);
  return code;
}

bool LayerKernel::Impl::checkInstructions(std::string &bad,
                                          std::string &error) {
  static std::atomic<int> counter{0};
  std::string path = (std::filesystem::temp_directory_path() /
                      ("dfq-layer-kernel-" + std::to_string(getpid()) + "-" +
                       std::to_string(counter++) + ".s"))
                         .string();
  try {
    pipeline.compile_to_assembly(path, arguments(), spec.name,
                                 codeTarget().with_feature(Target::NoRuntime));
  } catch (const Halide::Error &e) {
    error = "layer kernel '" + spec.name + "': " + e.what();
    return false;
  }
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  std::remove(path.c_str());
  bad = forbiddenInstruction(text.str());
  return true;
}

//===----------------------------------------------------------------------===//
// LayerKernel
//===----------------------------------------------------------------------===//

LayerKernel::LayerKernel() : impl(std::make_unique<Impl>()) {}
LayerKernel::~LayerKernel() = default;

std::unique_ptr<LayerKernel> LayerKernel::create(const LayerKernelSpec &spec,
                                                 std::string &error) {
  if (!validate(spec, error))
    return nullptr;
  disableSlpVectorizer();
  std::unique_ptr<LayerKernel> kernel(new LayerKernel());
  kernel->impl->spec = spec;
  try {
    kernel->impl->build();
  } catch (const Halide::Error &e) {
    error = "layer kernel '" + spec.name + "': " + e.what();
    return nullptr;
  }
  return kernel;
}

bool LayerKernel::run(const uint8_t *input, int64_t n, uint8_t *output,
                      std::string &error) {
  return run(input, n, nullptr, {output}, error);
}

bool LayerKernel::run(const uint8_t *input, int64_t n, const void *residual,
                      const std::vector<void *> &outputs, std::string &error) {
  Impl &p = *impl;
  const LayerKernelSpec &s = p.spec;
  const ResidualEpilogue &e = s.epilogue;
  size_t outputCount = e.enabled() ? e.outputCount() : 1;
  bool buffersGiven = input && (residual != nullptr) == e.enabled() &&
                      outputs.size() == outputCount &&
                      std::all_of(outputs.begin(), outputs.end(),
                                  [](void *b) { return b != nullptr; });
  if (!buffersGiven || n <= 0 || n >= (int64_t(1) << 31) / (s.c * s.h * s.w) ||
      n >= (int64_t(1) << 31) / (s.o * s.outH * s.outW)) {
    error = "layer kernel '" + s.name +
            "': null or missing buffers, or a bad batch";
    return false;
  }
  try {
    if (!p.jitCompiled) {
      if (!hostSupports(s.isa)) {
        error = "layer kernel '" + s.name + "': this CPU cannot run " +
                isaName(s.isa) + " code";
        return false;
      }
      p.jitTarget = p.codeTarget();
      // The JIT compiles the same module as compileToObject; its assembly
      // is checked the same way before anything runs.
      std::string bad;
      if (!p.checkInstructions(bad, error))
        return false;
      if (!bad.empty()) {
        error = "layer kernel '" + s.name +
                "': the generated code uses an instruction outside " +
                isaName(s.isa) + ": " + bad;
        return false;
      }
      p.pipeline.compile_jit(p.jitTarget);
      p.jitCompiled = true;
    }
    Buffer<uint8_t> in(const_cast<uint8_t *>(input),
                       {int(s.c), int(s.w), int(s.h), int(n)});
    std::vector<int> outShape = {int(s.o), int(s.outW), int(s.outH), int(n)};
    p.input.set(in);
    for (size_t t : p.usedTables)
      p.tables[t].param.set(p.tables[t].data);
    std::vector<Buffer<>> outs;
    if (!e.enabled()) {
      outs.push_back(
          Buffer<uint8_t>(static_cast<uint8_t *>(outputs[0]), outShape));
    } else {
      if (e.residual == ResidualEpilogue::Residual::Float)
        p.residual.set(Buffer<float>(
            static_cast<float *>(const_cast<void *>(residual)), outShape));
      else
        p.residual.set(Buffer<uint8_t>(
            static_cast<uint8_t *>(const_cast<void *>(residual)), outShape));
      size_t next = 0;
      if (e.floatOutput)
        outs.push_back(
            Buffer<float>(static_cast<float *>(outputs[next++]), outShape));
      while (next < outputs.size())
        outs.push_back(
            Buffer<uint8_t>(static_cast<uint8_t *>(outputs[next++]), outShape));
    }
    Realization realization(outs);
    p.pipeline.realize(realization, p.jitTarget);
  } catch (const Halide::Error &e) {
    error = "layer kernel '" + s.name + "': " + e.what();
    return false;
  }
  return true;
}

bool LayerKernel::compileToObject(const std::string &path, std::string &error,
                                  bool checkAssembly) {
  Impl &p = *impl;
  // The assembly comes from the same LLVM module as the object; it is read
  // back to prove that the object runs on every CPU with the ISA's
  // features.
  std::string assemblyPath = path + ".s";
  try {
    Target target = p.codeTarget().with_feature(Target::NoRuntime);
    std::map<OutputFileType, std::string> outputs = {
        {OutputFileType::object, path}};
    if (checkAssembly)
      outputs[OutputFileType::assembly] = assemblyPath;
    // For looking at the schedule: DFQ_LAYER_KERNEL_STMT=1 also writes the
    // lowered statement next to the object and keeps the assembly.
    if (std::getenv("DFQ_LAYER_KERNEL_STMT"))
      outputs[OutputFileType::stmt] = path + ".stmt";
    p.pipeline.compile_to(outputs, p.arguments(), p.spec.name, target);
  } catch (const Halide::Error &e) {
    error = "layer kernel '" + p.spec.name + "': " + e.what();
    return false;
  }
  if (!checkAssembly)
    return true;
  std::ifstream file(assemblyPath);
  std::stringstream text;
  text << file.rdbuf();
  if (!std::getenv("DFQ_LAYER_KERNEL_STMT"))
    std::remove(assemblyPath.c_str());
  std::string bad = forbiddenInstruction(text.str());
  if (!bad.empty()) {
    std::remove(path.c_str());
    error = "layer kernel '" + p.spec.name +
            "': the generated code uses an instruction outside " +
            isaName(p.spec.isa) + ": " + bad;
    return false;
  }
  return true;
}

std::string LayerKernel::describe() const { return impl->description; }

std::vector<KernelTable> LayerKernel::tables() const {
  std::vector<KernelTable> result;
  for (size_t t : impl->usedTables) {
    const Buffer<> &data = impl->tables[t].data;
    KernelTable table;
    table.name = impl->tables[t].param.name();
    table.typeCode = data.type().is_uint() ? 1 : 0;
    table.bits = data.type().bits();
    for (int d = 0; d < data.dimensions(); ++d)
      table.shape.push_back(data.dim(d).extent());
    const uint8_t *bytes = static_cast<const uint8_t *>(data.data());
    table.bytes.assign(bytes, bytes + data.size_in_bytes());
    result.push_back(std::move(table));
  }
  return result;
}

std::string LayerKernel::codeKey() const { return impl->codeKey; }

/// "path size mtime" of a file, or the path alone when it cannot be read.
static std::string fileIdentity(const std::string &path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return path;
  auto time = std::filesystem::last_write_time(path, ec);
  if (ec)
    return path;
  return path + " " + std::to_string(size) + " " +
         std::to_string(time.time_since_epoch().count());
}

std::string kernelGeneratorIdentity() {
  std::error_code ec;
  std::string self =
      std::filesystem::read_symlink("/proc/self/exe", ec).string();
  std::string identity = "dfq " + fileIdentity(self) + "; Halide";
  Dl_info info;
  if (dladdr(reinterpret_cast<void *>(&get_host_target), &info) &&
      info.dli_fname)
    identity += " " + fileIdentity(info.dli_fname);
  return identity;
}

bool emitHalideRuntimeObject(Isa isa, const std::string &path,
                             std::string &error) {
  // The runtime has no dot products, so it is built without
  // avx512_sapphirerapids (-mcpu=sapphirerapids would let LLVM use
  // instructions AVX-512 VNNI CPUs such as Zen 4 lack); its interface is the
  // same for every x86 feature set.
  disableSlpVectorizer();
  std::string target = withoutSapphireRapids(halideTargetFor(isa));
  try {
    compile_standalone_runtime(path, Target(target));
  } catch (const Halide::Error &e) {
    error = std::string("Halide runtime: ") + e.what();
    return false;
  }
  return true;
}

} // namespace mlir::dfq::x86
