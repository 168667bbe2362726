//===- KernelBench.cpp - dfq's CUDA kernels on their own, timed on a GPU --===//
//
// dfq-bench-cuda [--gemm M,N,K]... [--conv
// N,C,H,W,O,KH,KW,stride,pad,groups]...
//                [--no-default-gemm] [--runs R] [--sm 80|90] [--work DIR]
//
// The peer of bench/cuda/peers.cu (cuBLASLt, cuDNN) with the same command
// line and JSON lines: for every shape, the kernel dfq-compile would
// generate (the schedule dfq-lower-to-kernels chooses, W8A8, requantized
// u8 output) is printed with a timing harness, compiled by nvcc and run;
// only the kernel launches are timed (CUDA events, median of R), not the
// host copies a model library adds around each layer. By default the
// 4096^3 GEMM is timed too. Without a GPU every line carries an "error".
//
//===----------------------------------------------------------------------===//

#include "dfq/Support/CudaTiles.h"
#include "dfq/Targets/Cuda/CudaKernel.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#ifndef DFQ_SOURCE_DIR
#error "DFQ_SOURCE_DIR must name the source root"
#endif

using namespace mlir::dfq;
using namespace mlir::dfq::cuda;

namespace {

struct Case {
  /// The JSON fields that name the shape, as the peers print them.
  std::string key;
  LayerSpec spec;
  CudaSchedule schedule;
  /// The batch the kernel runs (a gemm's M).
  int64_t batch = 1;
  /// The "impl" it reports: "dfq", or "dfq-dp4a" for a depthwise layer's
  /// dp4a variant (timed beside the default one, to see where it pays).
  std::string impl = "dfq";
  double ops = 0;
};

std::vector<int64_t> numbers(const std::string &text) {
  std::vector<int64_t> values;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ','))
    values.push_back(std::strtoll(item.c_str(), nullptr, 10));
  return values;
}

/// Random W8A8 parameters; the requantization scales the sum to about the
/// output range so that the epilogue does its usual work.
void fillParameters(LayerSpec &s, std::mt19937 &rng) {
  int64_t k = (s.c / s.groups) * s.kh * s.kw;
  std::uniform_int_distribution<int32_t> weight(-127, 127);
  s.weights.resize(s.o * k);
  for (int32_t &w : s.weights)
    w = weight(rng);
  s.bias.assign(s.o, 0);
  s.multiplier.assign(s.o, 1 << 30);
  s.shift.assign(s.o, 31 + int32_t(std::ceil(std::log2(double(k) + 1))) + 6);
  s.weightZeroPoint.assign(s.o, 0);
  s.inputZeroPoint = 128;
  s.outputZeroPoint = 128;
  s.outputMin = 0;
  s.outputMax = 255;
}

void schedule(Case &c, int sm) {
  CudaTiles tiles =
      chooseCudaTiles(c.spec.o, c.spec.c, c.spec.groups, c.spec.kh, c.spec.kw,
                      sm >= 90 ? 232448 : 166912);
  c.schedule = scheduleFromTiles(tiles, sm);
}

std::string escapeJson(const std::string &text);

/// The harness: every case's launcher timed on device buffers.
std::string harness(const std::vector<Case> &cases, int runs) {
  std::string text = R"(
#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <vector>

extern "C" int dfq_rt_fail(const char *format, ...) {
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fputc('\n', stderr);
  return 1;
}

typedef int (*Launch)(const uint8_t *, void *const *, int64_t, void *);

static void time_case(const char *key, const char *impl, Launch launch,
                      int64_t n, size_t in_bytes, size_t out_bytes,
                      double ops) {
  uint8_t *in = nullptr, *out = nullptr;
  cudaStream_t stream;
  if (cudaMalloc(&in, in_bytes) != cudaSuccess ||
      cudaMalloc(&out, out_bytes) != cudaSuccess ||
      cudaStreamCreate(&stream) != cudaSuccess) {
    std::printf("{%s, \"impl\": \"%s\", \"error\": \"%s\"}\n", key, impl,
                cudaGetErrorString(cudaGetLastError()));
    cudaFree(in);
    cudaFree(out);
    return;
  }
  cudaMemset(in, 131, in_bytes);
  std::vector<float> times;
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  bool failed = false;
  for (int i = 0; i < 3 + @RUNS@ && !failed; ++i) {
    cudaEventRecord(start, stream);
    void *buffers[] = {out};
    failed = launch(in, buffers, n, stream) != 0;
    cudaEventRecord(stop, stream);
    cudaEventSynchronize(stop);
    float ms = 0;
    cudaEventElapsedTime(&ms, start, stop);
    if (i >= 3)
      times.push_back(ms);
  }
  if (failed || cudaGetLastError() != cudaSuccess) {
    std::printf("{%s, \"impl\": \"%s\", \"error\": \"launch failed\"}\n",
                key, impl);
  } else {
    std::sort(times.begin(), times.end());
    double ms = times[times.size() / 2];
    std::printf("{%s, \"impl\": \"%s\", \"ms\": %.6g, \"tops\": %.6g}\n",
                key, impl, ms, ops / (ms * 1e-3) / 1e12);
  }
  std::fflush(stdout);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaStreamDestroy(stream);
  cudaFree(in);
  cudaFree(out);
}

int main() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
@NODEVICE@    return 2;
  }
@CASES@  return 0;
}
)";
  std::string noDevice, calls;
  for (const Case &c : cases) {
    std::string key = escapeJson(c.key);
    noDevice += "    std::printf(\"{" + key + ", \\\"impl\\\": \\\"" + c.impl +
                "\\\", \\\"error\\\": \\\"no CUDA device\\\"}\\n\");\n";
    const LayerSpec &s = c.spec;
    calls += "  time_case(\"" + key + "\", \"" + c.impl + "\", " + s.symbol +
             ", " + std::to_string(c.batch) + ", " +
             std::to_string(c.batch * s.h * s.w * s.c) + ", " +
             std::to_string(c.batch * s.outH * s.outW * s.o) + ", " +
             std::to_string(c.ops) + ");\n";
  }
  for (auto [key, value] :
       {std::pair<std::string, std::string>{"@RUNS@", std::to_string(runs)},
        {"@NODEVICE@", noDevice},
        {"@CASES@", calls}})
    text.replace(text.find(key), key.size(), value);
  return text;
}

/// `text` with the quotes of its JSON escaped for a C string literal.
std::string escapeJson(const std::string &text) {
  std::string out;
  for (char ch : text) {
    if (ch == '"' || ch == '\\')
      out += '\\';
    out += ch;
  }
  return out;
}

std::string findNvcc() {
  if (const char *named = std::getenv("DFQ_NVCC"))
    return named;
  if (const char *home = std::getenv("CUDA_HOME"))
    return std::string(home) + "/bin/nvcc";
  if (std::system("command -v nvcc > /dev/null 2>&1") == 0)
    return "nvcc";
  return "/usr/local/cuda/bin/nvcc";
}

/// The compute capability of GPU 0 as 80 or 90, else `fallback`.
int detectSm(int fallback) {
  FILE *pipe = popen("nvidia-smi --query-gpu=compute_cap --format=csv,noheader "
                     "2>/dev/null",
                     "r");
  if (!pipe)
    return fallback;
  char line[64] = {0};
  bool read = std::fgets(line, sizeof line, pipe) != nullptr;
  pclose(pipe);
  if (!read)
    return fallback;
  double cap = std::atof(line);
  return cap >= 9.0 ? 90 : cap >= 8.0 ? 80 : fallback;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<Case> cases;
  bool defaultGemm = true;
  int runs = 20, sm = 0;
  std::string work = "/tmp/dfq-bench-cuda";
  std::mt19937 rng(0);
  auto usage = [] {
    std::fprintf(stderr,
                 "usage: dfq-bench-cuda [--gemm M,N,K]... "
                 "[--conv N,C,H,W,O,KH,KW,stride,pad,groups]... "
                 "[--no-default-gemm] [--runs R] [--sm 80|90] [--work DIR]\n");
    return 2;
  };
  auto addGemm = [&](const std::vector<int64_t> &v) {
    Case c;
    c.key = "\"m\": " + std::to_string(v[0]) +
            ", \"n\": " + std::to_string(v[1]) +
            ", \"k\": " + std::to_string(v[2]);
    c.spec.isGemm = true;
    c.spec.c = v[2];
    c.spec.o = v[1];
    c.batch = v[0];
    c.ops = 2.0 * double(v[0]) * double(v[1]) * double(v[2]);
    cases.push_back(c);
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool hasValue = i + 1 < argc;
    if (arg == "--no-default-gemm") {
      defaultGemm = false;
    } else if (arg == "--gemm" && hasValue) {
      std::vector<int64_t> v = numbers(argv[++i]);
      if (v.size() != 3 || v[0] <= 0 || v[1] <= 0 || v[2] <= 0)
        return usage();
      addGemm(v);
    } else if (arg == "--conv" && hasValue) {
      std::string text = argv[++i];
      std::vector<int64_t> v = numbers(text);
      if (v.size() < 10)
        return usage();
      Case c;
      // The peers' key: the ten numbers of the shape.
      std::string shape;
      for (int f = 0; f < 10; ++f)
        shape += (f ? "," : "") + std::to_string(v[f]);
      c.key = "\"layer\": \"" + shape + "\"";
      LayerSpec &s = c.spec;
      c.batch = v[0];
      s.c = v[1];
      s.h = v[2];
      s.w = v[3];
      s.o = v[4];
      s.kh = v[5];
      s.kw = v[6];
      s.strideH = s.strideW = v[7];
      s.padTop = s.padLeft = v[8];
      s.groups = v[9];
      if (s.groups <= 0 || s.c % s.groups || s.o % s.groups ||
          !s.setOutputExtent(v[8], v[8]))
        return usage();
      c.ops = 2.0 * double(c.batch) * s.outH * s.outW * s.o * (s.c / s.groups) *
              s.kh * s.kw;
      cases.push_back(c);
    } else if (arg == "--runs" && hasValue) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--sm" && hasValue) {
      sm = std::atoi(argv[++i]);
    } else if (arg == "--work" && hasValue) {
      work = argv[++i];
    } else {
      return usage();
    }
  }
  if (defaultGemm)
    addGemm({4096, 4096, 4096});
  if (sm != 80 && sm != 90)
    sm = detectSm(90);

  // Each depthwise layer also with dp4a (tile_k 4), the same parameters.
  size_t chosen = cases.size();
  for (size_t i = 0; i < chosen; ++i) {
    Case &c = cases[i];
    fillParameters(c.spec, rng);
    schedule(c, sm);
    if (c.schedule.kind == "depthwise") {
      Case variant = c;
      variant.schedule.tileK = 4;
      variant.impl = "dfq-dp4a";
      cases.push_back(variant);
    }
  }
  std::string kernels;
  for (size_t i = 0; i < cases.size(); ++i) {
    Case &c = cases[i];
    c.spec.symbol = "bench_" + std::to_string(i);
    c.spec.layerName = c.key;
    std::string source, error;
    if (!emitCudaKernel(c.spec, c.schedule, Render::Device, source, error)) {
      std::fprintf(stderr, "dfq-bench-cuda: %s: %s\n", c.key.c_str(),
                   error.c_str());
      return 1;
    }
    kernels += source;
  }
  std::string runtime = DFQ_SOURCE_DIR "/lib/Targets/Cuda/runtime";
  std::system(("mkdir -p '" + work + "'").c_str());
  std::string cu = work + "/kernels_bench.cu", binary = work + "/kernels_bench";
  std::ofstream(cu) << "#include <cuda_runtime.h>\n#include "
                       "\"dfq_cuda_common.h\"\n#include "
                       "\"dfq_cuda_device.cuh\"\n#include "
                       "\"dfq_cuda_runtime.h\"\n\n"
                    << kernels << harness(cases, runs);
  std::string arch = std::to_string(sm);
  std::string command = findNvcc() + " -std=c++17 -O3 -gencode arch=compute_" +
                        arch + ",code=sm_" + arch + " -I" + runtime + " " + cu +
                        " " + runtime + "/dfq_cuda_runtime.cu -o " + binary;
  std::fprintf(stderr, "dfq-bench-cuda: %zu kernels for sm_%d: %s\n",
               cases.size(), sm, command.c_str());
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "dfq-bench-cuda: nvcc failed\n");
    return 1;
  }
  return std::system(binary.c_str()) == 0 ? 0 : 1;
}
