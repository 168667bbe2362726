//===- CudaKernelTest.cpp - CUDA layer kernels vs the integer semantics ---===//
//
// emitCudaKernel renders each layer for the GPU and for the CPU from the
// same pieces. Each sweep below draws random LayerSpecs of what the CUDA
// targets run (u8 activations of 2..8 bits, signed symmetric weights of
// 2..8 bits, the narrow ones packed and widened in registers, per-tensor and
// per-channel requantization with rounding ties,
// the largest shift and saturation; dense, grouped and depthwise
// convolutions with odd sizes, padding, strides and dilation, depthwise
// channel multipliers, gemms; one sweep with residual epilogues: float or
// quantized residuals, ReLU or clip, a float result and up to four
// quantizations with rounding ties), each with the schedule
// dfq-lower-to-kernels would choose or a random valid one (every tile shape,
// warp arrangement, tile_k and stage count), so that partial tiles in M, N and
// K, every cp.async chunk width (16, 8, 4 bytes and byte copies) and every
// pipeline depth occur. The CPU renderings are compiled into one library with
// the lane-level model of mma.sync, ldmatrix and cp.async (dfq_cuda_emu.c) and
// every output byte, on two batch sizes, must equal the direct loop of
// LayerReference.h. The GPU renderings are compiled
// by nvcc for sm_80 and sm_90 with register spills as errors, and where a
// GPU is present they run on it with the same check. Two mutations
// of a rendered kernel (one stage too few awaited; two B fragments swapped)
// must make the sweep fail, so the check can catch what it claims to.
//
//===----------------------------------------------------------------------===//

#include "dfq/Targets/Cuda/CudaKernel.h"
#include "LayerReference.h"
#include "RandomEpilogue.h"
#include "RandomLayerSpec.h"
#include "dfq/Support/CudaTiles.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <dlfcn.h>

#ifndef DFQ_SOURCE_DIR
#error "DFQ_SOURCE_DIR must name the source root (unittests/CMakeLists.txt)"
#endif

using namespace mlir::dfq;
using namespace mlir::dfq::cuda;

namespace {

const char *kHostRuntime = DFQ_SOURCE_DIR "/lib/Targets/Host/runtime";
const char *kCudaRuntime = DFQ_SOURCE_DIR "/lib/Targets/Cuda/runtime";

/// A random schedule the verifier of #dfq.cuda_kernel accepts.
CudaSchedule randomSchedule(Rng &rng, bool depthwise) {
  CudaSchedule k;
  if (depthwise) {
    k.kind = "depthwise";
    k.warpsN = 1;
    k.warpsM = int64_t(1) << uniform(rng, 0, 3);
    k.tileN = int64_t(8) << uniform(rng, 0, 3);
    k.tileM = 32 * k.warpsM / k.tileN;
    if (k.tileM == 0) {
      k.tileN = 32 * k.warpsM;
      k.tileM = 1;
    }
    k.tileK = 4 * uniform(rng, 0, 1); // a multiply-add per tap, or dp4a
    k.stages = 0;
    return k;
  }
  k.warpsM = int64_t(1) << uniform(rng, 0, 2);
  k.warpsN = int64_t(1) << uniform(rng, 0, 1);
  k.tileM = 16 * k.warpsM * uniform(rng, 1, 2);
  k.tileN = 16 * k.warpsN * (int64_t(1) << uniform(rng, 0, 2));
  k.tileK = int64_t(32) << uniform(rng, 0, 2);
  k.stages = uniform(rng, 2, 4);
  return k;
}

/// Runs `command`, returning its output in `log` and whether it succeeded.
bool run(const std::string &command, const std::filesystem::path &logFile,
         std::string &log) {
  int status =
      std::system((command + " > " + logFile.string() + " 2>&1").c_str());
  std::ifstream file(logFile);
  std::stringstream text;
  text << file.rdbuf();
  log = text.str();
  return status == 0;
}

/// The CPU renderings of a sweep's kernels as one shared library, with the
/// lane-level model and the host runtime (dfq_rt_fail).
class KernelLibrary {
public:
  ~KernelLibrary() {
    if (handle)
      dlclose(handle);
  }
  /// The CPU renderings, compiled with the lane-level model.
  bool buildHost(const std::filesystem::path &dir, const std::string &kernels,
                 std::string &error) {
    std::filesystem::path c = dir / "kernels.c", so = dir / "kernels.so";
    std::ofstream(c) << "#include <stdlib.h>\n#include <string.h>\n"
                        "#include \"dfq_cuda_common.h\"\n"
                        "#include \"dfq_cuda_emu.h\"\n"
                        "#include \"dfq_runtime.h\"\n\n"
                     << kernels;
    std::string command = std::string("cc -std=c11 -O1 -ffp-contract=off "
                                      "-fPIC -shared -I") +
                          kHostRuntime + " -I" + kCudaRuntime + " " +
                          c.string() + " " + kCudaRuntime + "/dfq_cuda_emu.c " +
                          kHostRuntime + "/dfq_runtime.c -o " + so.string() +
                          " -lpthread -lm";
    return ::run(command, dir / "cc.log", error) && load(so, error);
  }
  /// The GPU renderings, compiled by `nvcc` as a model library compiles
  /// them (sm_80 code and PTX, sm_90 code), with a function that runs one on
  /// device copies of host buffers.
  bool buildDevice(const std::filesystem::path &dir, const std::string &nvcc,
                   const std::string &kernels, std::string &error) {
    std::filesystem::path cu = dir / "kernels.cu", so = dir / "kernels.so";
    std::ofstream(cu) << deviceSource(kernels) << R"(
extern "C" int dfq_test_on_device(dfq_cuda_kernel kernel, const uint8_t *in,
                                  size_t in_bytes, int count,
                                  void *const *buffers, const size_t *bytes,
                                  int64_t n) {
  uint8_t *din = nullptr;
  void *device[DFQ_CUDA_MAX_BUFFERS] = {};
  int failed = cudaMalloc(&din, in_bytes) != cudaSuccess ||
               cudaMemcpy(din, in, in_bytes, cudaMemcpyHostToDevice) !=
                   cudaSuccess;
  for (int i = 0; i < count && !failed; ++i)
    failed = cudaMalloc(&device[i], bytes[i]) != cudaSuccess ||
             cudaMemcpy(device[i], buffers[i], bytes[i],
                        cudaMemcpyHostToDevice) != cudaSuccess;
  failed = failed || kernel(din, device, n, nullptr) != 0 ||
           cudaDeviceSynchronize() != cudaSuccess;
  for (int i = 0; i < count && !failed; ++i)
    failed = cudaMemcpy(buffers[i], device[i], bytes[i],
                        cudaMemcpyDeviceToHost) != cudaSuccess;
  cudaFree(din);
  for (int i = 0; i < count; ++i)
    cudaFree(device[i]);
  return failed;
}
)";
    std::string command = nvcc +
                          " -std=c++17 -O3 -Xcompiler -fPIC -shared"
                          " -gencode arch=compute_80,code=[sm_80,compute_80]"
                          " -gencode arch=compute_90,code=sm_90 -I" +
                          std::string(kCudaRuntime) + " " + cu.string() +
                          " -o " + so.string();
    if (!::run(command, dir / "nvcc.log", error) || !load(so, error))
      return false;
    onDevice = reinterpret_cast<OnDevice>(dlsym(handle, "dfq_test_on_device"));
    return onDevice != nullptr;
  }
  /// The device source of `kernels` as the backend writes dfq_kernels.cu.
  static std::string deviceSource(const std::string &kernels) {
    return "#include <cuda_runtime.h>\n#include \"dfq_cuda_common.h\"\n"
           "#include \"dfq_cuda_device.cuh\"\n"
           "#include \"dfq_cuda_runtime.h\"\n\n" +
           kernels;
  }
  bool load(const std::filesystem::path &so, std::string &error) {
    handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle)
      error = dlerror();
    return handle != nullptr;
  }
  using Kernel = int (*)(const uint8_t *, void *const *, int64_t, void *);
  Kernel lookup(const std::string &symbol) const {
    return reinterpret_cast<Kernel>(dlsym(handle, symbol.c_str()));
  }
  /// Runs `kernel` on `input` and `buffers` (its output, or the residual
  /// and the epilogue's outputs), through device copies for the GPU
  /// renderings; 0 on success.
  int execute(Kernel kernel, const std::vector<uint8_t> &input,
              std::vector<std::vector<uint8_t>> &buffers, int64_t n) const {
    std::vector<void *> pointers;
    std::vector<size_t> bytes;
    for (std::vector<uint8_t> &buffer : buffers) {
      pointers.push_back(buffer.data());
      bytes.push_back(buffer.size());
    }
    if (onDevice)
      return onDevice(kernel, input.data(), input.size(), int(buffers.size()),
                      pointers.data(), bytes.data(), n);
    return kernel(input.data(), pointers.data(), n, nullptr);
  }

private:
  using OnDevice = int (*)(Kernel, const uint8_t *, size_t, int, void *const *,
                           const size_t *, int64_t);
  void *handle = nullptr;
  OnDevice onDevice = nullptr;
};

/// Whether a CUDA device is present (nvidia-smi lists one).
bool haveGpu() {
  return std::system("nvidia-smi -L 2>/dev/null | grep -q '^GPU '") == 0;
}

/// nvcc as the CUDA backend finds it, or "".
std::string findNvcc() {
  if (const char *home = std::getenv("CUDA_HOME")) {
    std::string path = std::string(home) + "/bin/nvcc";
    if (access(path.c_str(), X_OK) == 0)
      return path;
  }
  if (std::system("command -v nvcc > /dev/null 2>&1") == 0)
    return "nvcc";
  if (access("/usr/local/cuda/bin/nvcc", X_OK) == 0)
    return "/usr/local/cuda/bin/nvcc";
  return "";
}

struct Sweep {
  std::vector<LayerSpec> specs;
  std::vector<CudaSchedule> schedules;
  std::string host, device;
};

/// Draws `count` specs of `shapes` (cycling through every pair of weight
/// and activation widths), each with a random residual epilogue when
/// `epilogues`; every third takes chooseCudaTiles' schedule, the others a
/// random one.
Sweep draw(const std::string &name, const std::vector<Shape> &shapes, int count,
           unsigned seed, bool epilogues = false) {
  Rng rng(seed);
  Sweep sweep;
  while (int(sweep.specs.size()) < count) {
    int index = int(sweep.specs.size());
    int weightBits = 2 + index % 7, activationBits = 2 + (index / 7) % 7;
    Shape shape = shapes[index % shapes.size()];
    LayerSpec s;
    if (!randomSpec(rng, shape, weightBits, /*weightsSigned=*/true,
                    activationBits, /*inputSigned=*/false,
                    /*outputSigned=*/false, name + "_" + std::to_string(index),
                    s, /*symmetricWeights=*/true,
                    /*depthwiseMultiplier=*/true))
      continue;
    if (epilogues)
      randomEpilogue(rng, s.epilogue);
    bool depthwise = s.groups > 1 && s.c == s.groups;
    CudaSchedule schedule;
    if (index % 3 == 0) {
      schedule = scheduleFromTiles(
          chooseCudaTiles(s.o, s.c, s.groups, s.kh, s.kw, 166912), 80);
    } else {
      schedule = randomSchedule(rng, depthwise);
      if (!depthwise)
        schedule.kind = s.groups > 1 ? "grouped" : "dense";
    }
    schedule.sm = index % 2 ? 90 : 80;
    std::string host, device, error;
    EXPECT_TRUE(emitCudaKernel(s, schedule, Render::Host, host, error))
        << error << "\n"
        << describeSpec(s);
    EXPECT_TRUE(emitCudaKernel(s, schedule, Render::Device, device, error))
        << error << "\n"
        << describeSpec(s);
    sweep.host += host;
    sweep.device += device;
    sweep.specs.push_back(std::move(s));
    sweep.schedules.push_back(schedule);
  }
  return sweep;
}

std::string describeSchedule(const CudaSchedule &k) {
  return k.kind + " sm_" + std::to_string(k.sm) + " tile " +
         std::to_string(k.tileM) + "x" + std::to_string(k.tileN) + "x" +
         std::to_string(k.tileK) + " warps " + std::to_string(k.warpsM) + "x" +
         std::to_string(k.warpsN) + " stages " + std::to_string(k.stages);
}

/// Runs every kernel of `sweep` from `library` and counts the layers whose
/// outputs differ from the reference (or whose kernel reports an error);
/// with `expectExact`, each difference is a test failure.
int check(const KernelLibrary &library, const Sweep &sweep, bool expectExact) {
  Rng rng(7);
  int wrong = 0;
  for (size_t i = 0; i < sweep.specs.size(); ++i) {
    const LayerSpec &s = sweep.specs[i];
    KernelLibrary::Kernel kernel = library.lookup(s.symbol);
    if (!kernel) {
      ADD_FAILURE() << "no symbol " << s.symbol;
      return -1;
    }
    bool same = true;
    std::string where;
    for (int64_t n : {int64_t(1), uniform(rng, 2, 5)}) {
      std::vector<uint8_t> input(n * s.h * s.w * s.c);
      for (auto &v : input)
        v = uint8_t(uniform(rng, 0, (1 << s.activationBits) - 1));
      std::vector<uint8_t> q = referenceLayer(s, input, n);
      // The buffers: the output, or the residual and the epilogue's
      // outputs, which start as 0xa5 bytes.
      std::vector<std::vector<uint8_t>> want = {q}, buffers;
      if (s.epilogue.enabled()) {
        std::vector<float> residualFloat;
        std::vector<uint8_t> residualBytes;
        randomResidual(rng, s.epilogue, q.size(), residualFloat, residualBytes);
        want = epilogueReference(s.epilogue, s.outputZeroPoint, q,
                                 residualFloat, residualBytes);
        if (s.epilogue.residual == ResidualEpilogue::Residual::Float) {
          const uint8_t *bytes =
              reinterpret_cast<const uint8_t *>(residualFloat.data());
          buffers.emplace_back(bytes, bytes + q.size() * sizeof(float));
        } else {
          buffers.push_back(residualBytes);
        }
      }
      for (const std::vector<uint8_t> &w : want)
        buffers.emplace_back(w.size(), 0xa5);
      bool failed = library.execute(kernel, input, buffers, n) != 0;
      size_t first = buffers.size() - want.size();
      for (size_t k = 0; k < want.size() && same; ++k)
        for (size_t j = 0; j < want[k].size() && same; ++j)
          if (failed || buffers[first + k][j] != want[k][j]) {
            same = false;
            where = failed
                        ? "the kernel failed"
                        : "batch " + std::to_string(n) + ", output " +
                              std::to_string(k) + " byte " + std::to_string(j) +
                              ": " + std::to_string(buffers[first + k][j]) +
                              " instead of " + std::to_string(want[k][j]);
          }
    }
    if (!same) {
      ++wrong;
      if (expectExact)
        ADD_FAILURE() << where << ": " << describeSpec(s) << "; "
                      << describeSchedule(sweep.schedules[i]);
    }
  }
  return wrong;
}

/// check() on the CPU renderings `hostSource` of `sweep`'s kernels.
int checkOnCpu(const std::string &name, const Sweep &sweep,
               const std::string &hostSource, bool expectExact) {
  ScratchDir dir("cuda-kernel-test", name);
  KernelLibrary library;
  std::string error;
  if (!library.buildHost(dir.path, hostSource, error)) {
    ADD_FAILURE() << error;
    return -1;
  }
  return check(library, sweep, expectExact);
}

/// With a GPU: check() on the GPU renderings, run on it.
void checkOnGpu(const std::string &name, const Sweep &sweep) {
  std::string nvcc = findNvcc();
  if (nvcc.empty() || !haveGpu())
    GTEST_SKIP() << "no GPU (or no nvcc): the GPU renderings do not run here";
  ScratchDir dir("cuda-kernel-test", name + "-gpu");
  KernelLibrary library;
  std::string error;
  ASSERT_TRUE(library.buildDevice(dir.path, nvcc, sweep.device, error))
      << error.substr(0, 6000);
  EXPECT_EQ(check(library, sweep, /*expectExact=*/true), 0);
}

/// Compiles the GPU renderings for sm_80 and sm_90 (no register spills).
void checkDeviceCompile(const std::string &name, const Sweep &sweep) {
  std::string nvcc = findNvcc();
  if (nvcc.empty())
    GTEST_SKIP() << "nvcc not found: the GPU renderings are not compiled";
  ScratchDir dir("cuda-kernel-test", name + "-nvcc");
  std::filesystem::path cu = dir.path / "kernels.cu";
  std::ofstream(cu) << KernelLibrary::deviceSource(sweep.device);
  std::string log;
  std::string command = nvcc +
                        " -std=c++17 -O3 -Xcompiler -fPIC"
                        " -gencode arch=compute_80,code=sm_80"
                        " -gencode arch=compute_90,code=sm_90"
                        " -Xptxas --warn-on-spills,--warning-as-error -I" +
                        std::string(kCudaRuntime) + " -c " + cu.string() +
                        " -o " + (dir.path / "kernels.o").string();
  EXPECT_TRUE(run(command, dir.path / "nvcc.log", log)) << command << "\n"
                                                        << log.substr(0, 6000);
}

class CudaKernelSweep
    : public ::testing::TestWithParam<
          std::tuple<std::string, std::vector<Shape>, int, unsigned, bool>> {};

TEST_P(CudaKernelSweep, EmulatedIsExactAndDeviceCompiles) {
  auto [name, shapes, count, seed, epilogues] = GetParam();
  Sweep sweep = draw(name, shapes, count, seed, epilogues);
  ASSERT_EQ(int(sweep.specs.size()), count);
  EXPECT_EQ(checkOnCpu(name, sweep, sweep.host, /*expectExact=*/true), 0);
  checkDeviceCompile(name, sweep);
}

// On a machine with a GPU (bench/cuda/run_gpu.sh runs it there): the same
// sweep, its GPU renderings run on the GPU, bit-exact.
TEST_P(CudaKernelSweep, GpuIsExact) {
  auto [name, shapes, count, seed, epilogues] = GetParam();
  Sweep sweep = draw(name, shapes, count, seed, epilogues);
  checkOnGpu(name, sweep);
}

// 390 specs in all, 60 of them with residual epilogues.
INSTANTIATE_TEST_SUITE_P(
    Kernels, CudaKernelSweep,
    ::testing::Values(
        std::make_tuple(std::string("dense"), std::vector<Shape>{Shape::Conv},
                        110, 11u, false),
        std::make_tuple(std::string("grouped"),
                        std::vector<Shape>{Shape::Grouped}, 60, 12u, false),
        std::make_tuple(std::string("gemm"), std::vector<Shape>{Shape::Gemm},
                        80, 13u, false),
        std::make_tuple(std::string("depthwise"),
                        std::vector<Shape>{Shape::Depthwise}, 80, 14u, false),
        std::make_tuple(std::string("residual"),
                        std::vector<Shape>{Shape::Conv, Shape::Gemm,
                                           Shape::Depthwise, Shape::Grouped},
                        60, 15u, true)),
    [](const auto &info) { return std::get<0>(info.param); });

/// `text` with its first occurrence of `from` replaced (which must exist).
std::string mutate(std::string text, const std::string &from,
                   const std::string &to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "no '" << from << "' to mutate";
  if (at != std::string::npos)
    for (; at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  return text;
}

// The checks catch what they claim to: a pipeline that computes a stage
// before its copies have landed, and B fragments in the wrong registers.
TEST(CudaKernelTest, MutatedKernelsFail) {
  Sweep sweep = draw("mutated", {Shape::Conv, Shape::Gemm}, 24, 21);
  ASSERT_EQ(checkOnCpu("unmutated", sweep, sweep.host, true), 0);
  for (int64_t stages : {2, 3, 4}) {
    std::string pending = std::to_string(stages) + " - 2);";
    if (sweep.host.find(pending) == std::string::npos)
      continue;
    std::string early = mutate(
        sweep.host, "dfq_emu_cp_async_wait(emu, tid, " + pending,
        "dfq_emu_cp_async_wait(emu, tid, " + std::to_string(stages) + " - 1);");
    EXPECT_GT(checkOnCpu("early" + std::to_string(stages), sweep, early, false),
              0)
        << "waiting for one stage too few went unnoticed";
  }
  std::string swapped = mutate(sweep.host, "b[2 * nj][lane][1] = r[lane][1];",
                               "b[2 * nj][lane][1] = r[lane][2];");
  EXPECT_GT(checkOnCpu("swapped", sweep, swapped, false), 0)
      << "a B fragment in the wrong register went unnoticed";
}

LayerSpec smallConv() {
  LayerSpec s;
  s.layerName = s.symbol = "small_conv";
  s.c = 4;
  s.o = 2;
  s.h = s.w = 3;
  s.kh = s.kw = 3;
  s.padTop = s.padLeft = 1;
  s.setOutputExtent(1, 1);
  s.weights.assign(2 * 4 * 9, 1);
  s.bias = {0, 0};
  s.multiplier = {1 << 30, 1 << 30};
  s.shift = {31, 31};
  s.weightZeroPoint = {0, 0};
  return s;
}

TEST(CudaKernelTest, InvalidSpecsAreErrors) {
  auto error = [](const LayerSpec &s, const CudaSchedule &k) {
    std::string source, message;
    EXPECT_FALSE(emitCudaKernel(s, k, Render::Device, source, message));
    return message;
  };
  CudaSchedule k;
  k.tileM = 64;
  k.tileN = 16;
  k.warpsM = 2;
  k.warpsN = 1;
  std::string source, message;
  EXPECT_TRUE(emitCudaKernel(smallConv(), k, Render::Host, source, message))
      << message;
  LayerSpec s = smallConv();
  s.weightZeroPoint[1] = 3;
  EXPECT_NE(error(s, k).find("symmetric weights"), std::string::npos);
  s = smallConv();
  s.inputSigned = true;
  EXPECT_NE(error(s, k).find("unsigned activations"), std::string::npos);
  s = smallConv();
  s.weightsSigned = false;
  EXPECT_NE(error(s, k).find("signed weights"), std::string::npos);
  s = smallConv();
  s.weights[5] = 200;
  EXPECT_NE(error(s, k).find("weight 200 is outside [-128, 127]"),
            std::string::npos);
  CudaSchedule bad = k;
  bad.tileK = 48;
  EXPECT_NE(error(smallConv(), bad).find("tile_k"), std::string::npos);
  bad = k;
  bad.kind = "depthwise";
  EXPECT_NE(error(smallConv(), bad).find("one input channel per group"),
            std::string::npos);
}

} // namespace
