//===- Backends.cpp - the library backends, by target name ----------------===//

#include "dfq/Targets/Backends.h"

#include "dfq/Targets/C/CBackend.h"
#include "dfq/Targets/Cuda/CudaBackend.h"
#include "dfq/Targets/X86/X86Backend.h"

using namespace mlir;
using namespace mlir::dfq;

std::vector<std::string> mlir::dfq::getLibraryBackendNames() {
  return {"x86-avx512-vnni",   "x86-avx2",  "c",
          "cuda-sm80",         "cuda-sm90", "cuda-sm80-emulated",
          "cuda-sm90-emulated"};
}

std::unique_ptr<LibraryBackend>
mlir::dfq::createLibraryBackend(StringRef name, std::string &error) {
  if (name == "c")
    return c::createCBackend();
  // A CUDA target's kernels on the GPU, or (-emulated) the same kernels
  // rendered for the CPU.
  for (int sm : {80, 90}) {
    std::string cuda = "cuda-sm" + std::to_string(sm);
    if (name == cuda)
      return cuda::createCudaBackend(sm, cuda::Render::Device);
    if (name == cuda + "-emulated")
      return cuda::createCudaBackend(sm, cuda::Render::Host);
  }
  x86::Isa isa;
  if (name == "x86")
    return x86::createX86Backend(x86::Isa::Avx512Vnni);
  if (x86::parseIsa(name.str(), isa))
    return x86::createX86Backend(isa);
  error =
      "no library backend for target '" + name.str() +
      "' (expected x86, x86-avx512-vnni, x86-avx2, c, cuda-sm80, cuda-sm90, "
      "cuda-sm80-emulated or cuda-sm90-emulated)";
  return nullptr;
}
