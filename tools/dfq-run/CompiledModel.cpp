//===- CompiledModel.cpp - a libmodel.so loaded into dfq-run --------------===//

#include "CompiledModel.h"

#include <dlfcn.h>

using namespace mlir::dfq;

/// The entry points of model.h (ABI version 1).
struct CompiledModel::Api {
  int (*abiVersion)();
  const char *(*target)();
  int (*numInputs)();
  int (*numOutputs)();
  int (*inputRank)(int);
  const int64_t *(*inputShape)(int);
  int (*outputRank)(int);
  const int64_t *(*outputShape)(int);
  void *(*create)(int64_t, int);
  int (*run)(void *, int64_t, const float *const *, float *const *);
  const char *(*lastError)();
  void (*destroy)(void *);
};

static llvm::Error failure(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<std::unique_ptr<CompiledModel>>
CompiledModel::load(const std::string &path, int64_t maxBatch, int threads) {
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
  if (api.abiVersion() != 1)
    return failure("'" + path + "' has model ABI version " +
                   llvm::Twine(api.abiVersion()) + "; this dfq-run reads 1");
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
