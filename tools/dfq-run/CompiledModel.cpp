//===- CompiledModel.cpp - a libmodel.so loaded into dfq-run --------------===//

#include "CompiledModel.h"

#include "dfq/Support/ModelFingerprint.h"
#include "dfq_model_abi.h"

#include "llvm/Support/MemoryBuffer.h"

#include <cstring>
#include <dlfcn.h>
#include <elf.h>

using namespace mlir::dfq;

/// The model ABI this dfq-run reads: the one its dfq_model_abi.h, which every
/// generated model.h contains, describes.
static constexpr int kAbiVersion = DFQ_MODEL_ABI_VERSION;

/// The entry points of dfq_model_abi.h, bound with dlsym.
struct CompiledModel::Api {
  decltype(&dfq_model_abi_version) abiVersion;
  decltype(&dfq_model_target) target;
  decltype(&dfq_model_fingerprint) fingerprint;
  decltype(&dfq_model_num_inputs) numInputs;
  decltype(&dfq_model_num_outputs) numOutputs;
  decltype(&dfq_model_input_rank) inputRank;
  decltype(&dfq_model_input_shape) inputShape;
  decltype(&dfq_model_output_rank) outputRank;
  decltype(&dfq_model_output_shape) outputShape;
  decltype(&dfq_model_create) create;
  decltype(&dfq_model_run) run;
  decltype(&dfq_model_last_error) lastError;
  decltype(&dfq_model_destroy) destroy;
  // ABI version 3.
  decltype(&dfq_model_num_steps) numSteps;
  decltype(&dfq_model_step_name) stepName;
  decltype(&dfq_model_step_kind) stepKind;
  decltype(&dfq_model_profile) profile;
  decltype(&dfq_model_step_seconds) stepSeconds;
};

static llvm::Error failure(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Whether [offset, offset + length) lies within a file of `size` bytes.
static bool within(uint64_t offset, uint64_t length, uint64_t size) {
  return offset <= size && length <= size - offset;
}

/// Checks that `bytes` hold a complete ELF shared object for this machine:
/// dlopen() maps segments without looking at the file's size, and touching
/// a page past its end raises SIGBUS. Ranges of no bytes are not checked.
/// Returns why not, or "".
static std::string describeBadSharedObject(llvm::StringRef bytes) {
  uint64_t size = bytes.size();
  std::string has = "the file has " + std::to_string(size) + " bytes";
  if (size < SELFMAG || std::memcmp(bytes.data(), ELFMAG, SELFMAG))
    return size ? "no ELF header" : "empty file";
  if (size < EI_NIDENT || bytes[EI_CLASS] != ELFCLASS64 ||
      bytes[EI_DATA] != ELFDATA2LSB)
    return "not a 64-bit little-endian ELF file";
  Elf64_Ehdr header;
  if (size < sizeof header)
    return "the ELF header needs " + std::to_string(sizeof header) +
           " bytes, " + has;
  std::memcpy(&header, bytes.data(), sizeof header);
  if (header.e_type != ET_DYN)
    return "ELF type " + std::to_string(header.e_type) +
           ", not a shared object";
#if defined(__x86_64__)
  if (header.e_machine != EM_X86_64)
    return "built for ELF machine " + std::to_string(header.e_machine) +
           ", not x86-64";
#endif
  if (header.e_phnum == 0 || header.e_phentsize != sizeof(Elf64_Phdr))
    return "no program headers";
  uint64_t phBytes = uint64_t(header.e_phnum) * sizeof(Elf64_Phdr);
  if (!within(header.e_phoff, phBytes, size))
    return "the program headers end at byte " +
           std::to_string(header.e_phoff + phBytes) + ", " + has;
  // The section headers come last in the files linkers write, so a
  // truncated file loses them first.
  uint64_t sections = header.e_shnum;
  if (header.e_shoff) {
    if (header.e_shentsize != sizeof(Elf64_Shdr))
      return "section headers of " + std::to_string(header.e_shentsize) +
             " bytes";
    if (!within(header.e_shoff, sizeof(Elf64_Shdr), size))
      return "the section headers start at byte " +
             std::to_string(header.e_shoff) + ", " + has;
    // With 0xff00 or more sections, the count is the first one's size.
    if (sections == 0) {
      Elf64_Shdr first;
      std::memcpy(&first, bytes.data() + header.e_shoff, sizeof first);
      sections = first.sh_size;
    }
    if (sections > size / sizeof(Elf64_Shdr) ||
        !within(header.e_shoff, sections * sizeof(Elf64_Shdr), size))
      return "the section headers end at byte " +
             std::to_string(header.e_shoff + sections * sizeof(Elf64_Shdr)) +
             ", " + has;
  }
  for (uint64_t i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    std::memcpy(&segment,
                bytes.data() + header.e_phoff + i * sizeof(Elf64_Phdr),
                sizeof segment);
    if (segment.p_filesz && !within(segment.p_offset, segment.p_filesz, size))
      return "segment " + std::to_string(i) + " ends at byte " +
             std::to_string(segment.p_offset + segment.p_filesz) + ", " + has;
  }
  for (uint64_t i = 0; header.e_shoff && i < sections; ++i) {
    Elf64_Shdr section;
    std::memcpy(&section,
                bytes.data() + header.e_shoff + i * sizeof(Elf64_Shdr),
                sizeof section);
    if (section.sh_type != SHT_NOBITS && section.sh_size &&
        !within(section.sh_offset, section.sh_size, size))
      return "section " + std::to_string(i) + " ends at byte " +
             std::to_string(section.sh_offset + section.sh_size) + ", " + has;
  }
  return "";
}

llvm::Expected<std::unique_ptr<CompiledModel>>
CompiledModel::load(const std::string &path, const std::string &modelFile,
                    int64_t maxBatch, int threads) {
  {
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> bytes =
        llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
    if (!bytes)
      return failure("cannot load '" + path +
                     "': " + bytes.getError().message());
    std::string bad = describeBadSharedObject((*bytes)->getBuffer());
    if (!bad.empty())
      return failure("'" + path + "': truncated or not a shared library (" +
                     bad + ")");
  }
  std::unique_ptr<CompiledModel> loaded(new CompiledModel());
  // A path without a slash would be searched for on the library path.
  std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  loaded->handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!loaded->handle)
    return failure("cannot load '" + path + "': " + dlerror());
  loaded->api = std::make_unique<Api>();
  Api &api = *loaded->api;
  std::string missing;
  auto bind = [&](auto &function, const char *name) {
    void *symbol = dlsym(loaded->handle, name);
    if (!symbol)
      missing += std::string(missing.empty() ? "" : ", ") + name;
    function =
        reinterpret_cast<std::remove_reference_t<decltype(function)>>(symbol);
  };
  bind(api.abiVersion, "dfq_model_abi_version");
  bind(api.target, "dfq_model_target");
  bind(api.numInputs, "dfq_model_num_inputs");
  bind(api.numOutputs, "dfq_model_num_outputs");
  bind(api.inputRank, "dfq_model_input_rank");
  bind(api.inputShape, "dfq_model_input_shape");
  bind(api.outputRank, "dfq_model_output_rank");
  bind(api.outputShape, "dfq_model_output_shape");
  bind(api.create, "dfq_model_create");
  bind(api.run, "dfq_model_run");
  bind(api.lastError, "dfq_model_last_error");
  bind(api.destroy, "dfq_model_destroy");
  if (!missing.empty())
    return failure("'" + path + "' is not a dfq model library (missing " +
                   missing + ")");
  // Added in ABI version 2; its absence marks an older library.
  api.fingerprint = reinterpret_cast<const char *(*)()>(
      dlsym(loaded->handle, "dfq_model_fingerprint"));
  if (!api.fingerprint)
    return failure("'" + path +
                   "' has no dfq_model_fingerprint: it has model ABI version " +
                   llvm::Twine(api.abiVersion()) + ", this dfq-run reads " +
                   llvm::Twine(kAbiVersion) + " (rebuild it with dfq-compile)");
  if (api.abiVersion() != kAbiVersion)
    return failure("'" + path + "' has model ABI version " +
                   llvm::Twine(api.abiVersion()) + "; this dfq-run reads " +
                   llvm::Twine(kAbiVersion));
  bind(api.numSteps, "dfq_model_num_steps");
  bind(api.stepName, "dfq_model_step_name");
  bind(api.stepKind, "dfq_model_step_kind");
  bind(api.profile, "dfq_model_profile");
  bind(api.stepSeconds, "dfq_model_step_seconds");
  if (!missing.empty())
    return failure("'" + path + "' says model ABI version " +
                   llvm::Twine(kAbiVersion) + " but lacks " + missing);
  if (!modelFile.empty()) {
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text =
        llvm::MemoryBuffer::getFile(modelFile, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
    if (!text)
      return failure("cannot read '" + modelFile + "' to check '" + path +
                     "' against it: " + text.getError().message());
    const char *built = api.fingerprint(), *target = api.target();
    std::string expected =
        computeModelFingerprint((*text)->getBuffer(), target ? target : "");
    if (!built || expected != built)
      return failure("'" + path + "' was not built from '" + modelFile +
                     "': the library's fingerprint is " +
                     (built ? built : "null") + ", the model's (target " +
                     (target ? target : "null") + ") is " + expected);
  }
  if (api.numInputs() != 1)
    return failure("the model takes " + llvm::Twine(api.numInputs()) +
                   " inputs; dfq-run feeds exactly one");
  if (api.numOutputs() < 1)
    return failure("the model has no outputs");
  loaded->input.assign(api.inputShape(0), api.inputShape(0) + api.inputRank(0));
  loaded->output.assign(api.outputShape(0),
                        api.outputShape(0) + api.outputRank(0));
  loaded->model = api.create(maxBatch, threads);
  if (!loaded->model)
    return failure("'" + path + "': " + api.lastError());
  return std::move(loaded);
}

CompiledModel::~CompiledModel() {
  if (model)
    api->destroy(model);
  // The library stays mapped: Halide's thread pool may still be winding
  // down, and the process ends soon after.
}

std::string CompiledModel::target() const { return api->target(); }

llvm::Error CompiledModel::run(const float *samples, int64_t batch,
                               std::vector<float> &result) {
  int outputs = api->numOutputs();
  std::vector<float *> pointers(outputs);
  extraOutputs.resize(outputs);
  for (int i = 0; i < outputs; ++i) {
    const int64_t *shape = api->outputShape(i);
    int64_t size = batch;
    for (int d = 1; d < api->outputRank(i); ++d)
      size *= shape[d];
    std::vector<float> &buffer = i == 0 ? result : extraOutputs[i];
    buffer.resize(size);
    pointers[i] = buffer.data();
  }
  const float *inputs[] = {samples};
  if (api->run(model, batch, inputs, pointers.data()))
    return failure(api->lastError());
  return llvm::Error::success();
}

llvm::Error CompiledModel::setProfiling(bool enabled) {
  if (api->profile(model, enabled ? 1 : 0))
    return failure(api->lastError());
  return llvm::Error::success();
}

std::vector<CompiledModel::StepTime> CompiledModel::stepTimes() const {
  std::vector<StepTime> steps(std::max(0, api->numSteps()));
  const double *seconds = api->stepSeconds(model);
  for (size_t i = 0; i < steps.size(); ++i) {
    const char *name = api->stepName(int(i)), *kind = api->stepKind(int(i));
    steps[i].name = name ? name : "";
    steps[i].kind = kind ? kind : "";
    steps[i].seconds = seconds ? seconds[i] : 0;
  }
  return steps;
}
