//===- LayerBench.cpp - baked x86 layer kernels: GEMV and the zoo's convs -===//
//
// Times LayerKernels the way a model library runs them: each kernel is
// compiled to an object, linked into a shared library beside one Halide
// runtime and called through its C entry point (no JIT argument binding in
// the measurement). Prints one JSON object per line:
//
//   {"bench":"vnni_peak","threads":T,"gops":G}
//       independent 512-bit vpdpbusd on T threads (VnniPeak.cpp)
//   {"bench":"gemv","k":K,"o":O,"batch":N,"wbits":B,"threads":1,"us":..,
//    "gbps":..,"gops":..,"speedup_vs_int8":..}
//       a gemm at batch 1 (GEMV) and 64; gbps counts the packed weight
//       bytes per call
//   {"bench":"conv","model":M,"layer":L,"batch":N,"threads":T,"us":..,
//    "gops":..,"peak_pct":..,"schedule":..}
//       the zoo's convolution shapes (models/zoo.py), NHWC, 8-bit; peak_pct
//       is 2 x MACs per second over vnni_peak on the same thread count
//
// Usage: dfq-bench-x86-layers [--isa x86-avx512-vnni|x86-avx2] [--quick]
//                              [--only SUBSTRING] [--keep-dir DIR]
// --only times just the layers whose name contains SUBSTRING (GEMVs are
// named gemv_<k>_w<bits>; the int8 one also runs for its speed-up);
// --keep-dir builds the kernels in DIR and keeps them there (with
// DFQ_LAYER_KERNEL_STMT=1 also their assembly and lowered statements).
// Convolutions are timed on 1 and 2 threads: with 2, each thread calls the
// kernel on half of the output rows (batch 1) or of the images, as a model
// library's team or sub-batches do; Halide's own pool has one thread.
//
//===----------------------------------------------------------------------===//

#include "dfq/Support/KernelTiles.h"
#include "dfq/Support/Requantization.h"
#include "dfq/Targets/X86/LayerKernel.h"

#include "HalideRuntime.h"
#include "ZooConvLayers.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace dfq::bench {
double vnniPeakOpsPerSecond(int threads);
}

using namespace mlir::dfq;
using x86::LayerKernelSpec;
using x86::LayerSchedule;

namespace {

std::string scratch;
int (*setThreads)(int) = nullptr;

bool shell(const std::string &command) {
  return std::system(command.c_str()) == 0;
}

bool loadRuntime(x86::Isa isa) {
  std::string base = scratch + "/runtime";
  std::string error;
  if (!x86::emitHalideRuntimeObject(isa, base + ".o", error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return false;
  }
  if (!shell("cc -shared -o " + base + ".so " + base + ".o"))
    return false;
  void *handle = dlopen((base + ".so").c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!handle) {
    std::fprintf(stderr, "%s\n", dlerror());
    return false;
  }
  setThreads =
      reinterpret_cast<int (*)(int)>(dlsym(handle, "halide_set_num_threads"));
  return setThreads != nullptr;
}

using Entry = int (*)(halide_buffer_t *, halide_buffer_t *);

/// The kernel's object, linked into a shared library and loaded.
Entry loadKernel(x86::LayerKernel &kernel, const LayerKernelSpec &s) {
  std::string base = scratch + "/" + s.name, error;
  if (!kernel.compileToObject(base + ".o", error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return nullptr;
  }
  if (!shell("cc -shared -o " + base + ".so " + base + ".o"))
    return nullptr;
  void *handle = dlopen((base + ".so").c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    std::fprintf(stderr, "%s\n", dlerror());
    return nullptr;
  }
  return reinterpret_cast<Entry>(dlsym(handle, s.name.c_str()));
}

LayerKernelSpec makeSpec(const std::string &name, x86::Isa isa, int64_t c,
                         int64_t o, int64_t hw, int64_t k, int64_t stride,
                         int64_t groups, int weightBits) {
  LayerKernelSpec s;
  s.name = name;
  s.isa = isa;
  s.c = c;
  s.o = o;
  s.h = s.w = hw;
  s.kh = s.kw = k;
  s.strideH = s.strideW = stride;
  s.padTop = s.padLeft = k / 2;
  s.outH = s.outW = (hw + 2 * (k / 2) - k) / stride + 1;
  s.groups = groups;
  s.weightBits = weightBits;
  // The schedule dfq-lower-to-kernels chooses for this layer (tiles, and
  // whether Halide's parallel loop stays; it runs on one thread, as a model
  // library splits batches over threads around its kernels).
  KernelTiles tiles = chooseKernelTiles(o, c, groups, s.outH, s.outW,
                                        isa == x86::Isa::Avx512Vnni);
  s.schedule.kind = groups == 1 ? LayerSchedule::Kind::Dense
                    : groups == c && groups == o
                        ? LayerSchedule::Kind::Depthwise
                        : LayerSchedule::Kind::Grouped;
  s.schedule.tileChannels = int(tiles.channels);
  s.schedule.tilePixels = int(tiles.pixels);
  s.schedule.parallel = tiles.parallel;
  s.schedule.pixelTiles = tiles.rowTiles ? LayerSchedule::PixelTiles::Row
                                         : LayerSchedule::PixelTiles::Image;
  s.schedule.channelTilesOuter = preferChannelTilesOuter(
      tiles, s.outH * s.outW, o * (c / groups) * k * k, c * hw * hw);
  std::mt19937 rng(5);
  int lo = -(1 << (weightBits - 1)), hi = (1 << (weightBits - 1)) - 1;
  s.weights.resize(o * (c / groups) * k * k);
  for (auto &v : s.weights)
    v = int8_t(lo + int(rng() % uint32_t(hi - lo + 1)));
  int64_t depth = (c / groups) * k * k;
  auto m = encodeMultiplier(1.0 / (32.0 * double(depth)));
  s.bias.assign(o, 0);
  s.multiplier.assign(o, m->multiplier);
  s.shift.assign(o, m->shift);
  s.weightZeroPoint.assign(o, 0);
  s.inputZeroPoint = 128;
  s.outputZeroPoint = 0;
  return s;
}

struct Buffers {
  std::vector<uint8_t> input, output;
  halide_dimension_t in[4], out[4];
  halide_buffer_t inBuf = {}, outBuf = {};
  Buffers(const LayerKernelSpec &s, int64_t n) {
    input.resize(n * s.h * s.w * s.c);
    output.resize(n * s.outH * s.outW * s.o);
    std::mt19937 rng(9);
    for (auto &v : input)
      v = uint8_t(rng());
    int32_t c = int32_t(s.c), w = int32_t(s.w), h = int32_t(s.h),
            o = int32_t(s.o), ow = int32_t(s.outW), oh = int32_t(s.outH);
    in[0] = {0, c, 1, 0};
    in[1] = {0, w, c, 0};
    in[2] = {0, h, c * w, 0};
    in[3] = {0, int32_t(n), c * w * h, 0};
    out[0] = {0, o, 1, 0};
    out[1] = {0, ow, o, 0};
    out[2] = {0, oh, o * ow, 0};
    out[3] = {0, int32_t(n), o * ow * oh, 0};
    inBuf.host = input.data();
    inBuf.type = halide_type_t(halide_type_uint, 8);
    inBuf.dimensions = 4;
    inBuf.dim = in;
    outBuf.host = output.data();
    outBuf.type = halide_type_t(halide_type_uint, 8);
    outBuf.dimensions = 4;
    outBuf.dim = out;
  }
};

/// Halves of a call for two threads, as a model library splits a layer:
/// at batch 1 each computes half of the output rows of the whole input
/// (the kernels take any row range of their output buffer), at larger
/// batches each computes half of the images.
struct HalfCall {
  halide_dimension_t in[4], out[4];
  halide_buffer_t inBuf, outBuf;
  HalfCall(const Buffers &b, int half) : inBuf(b.inBuf), outBuf(b.outBuf) {
    std::copy(b.in, b.in + 4, in);
    std::copy(b.out, b.out + 4, out);
    inBuf.dim = in;
    outBuf.dim = out;
    int32_t n = b.in[3].extent, rows = b.out[2].extent;
    int dim = n > 1 ? 3 : 2;
    int32_t extent = n > 1 ? n : rows;
    int32_t first = extent * half / 2, last = extent * (half + 1) / 2;
    out[dim].min = dim == 2 ? first : 0;
    out[dim].extent = last - first;
    outBuf.host += int64_t(first) * out[dim].stride;
    if (dim == 3) {
      in[3].extent = last - first;
      inBuf.host += int64_t(first) * in[3].stride;
    }
  }
};

/// A second thread that runs its half of each posted call, spinning in
/// between as a model library's team does at batch 1, so that a timed call
/// includes no thread start. Exists only while two-thread calls are timed.
class HelperThread {
public:
  HelperThread() : worker([this] { loop(); }) {}
  ~HelperThread() {
    stop.store(true);
    generation.fetch_add(1, std::memory_order_release);
    worker.join();
  }
  void run(const std::function<void()> &mine,
           const std::function<void()> &theirs) {
    job = &theirs;
    done.store(false, std::memory_order_relaxed);
    generation.fetch_add(1, std::memory_order_release);
    mine();
    while (!done.load(std::memory_order_acquire))
      __builtin_ia32_pause();
  }

private:
  void loop() {
    uint64_t seen = 0;
    for (;;) {
      while (generation.load(std::memory_order_acquire) == seen)
        __builtin_ia32_pause();
      seen = generation.load(std::memory_order_acquire);
      if (stop.load())
        return;
      (*job)();
      done.store(true, std::memory_order_release);
    }
  }
  std::atomic<uint64_t> generation{0};
  std::atomic<bool> done{true}, stop{false};
  const std::function<void()> *job = nullptr;
  std::thread worker;
};

} // namespace

int main(int argc, char **argv) {
  x86::Isa isa = x86::Isa::Avx512Vnni;
  bool quick = false;
  std::string only, keepDir;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--isa") && i + 1 < argc) {
      if (!x86::parseIsa(argv[++i], isa)) {
        std::fprintf(stderr, "unknown isa %s\n", argv[i]);
        return 1;
      }
    } else if (!std::strcmp(argv[i], "--quick")) {
      quick = true;
    } else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) {
      only = argv[++i];
    } else if (!std::strcmp(argv[i], "--keep-dir") && i + 1 < argc) {
      keepDir = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: %s [--isa x86-avx512-vnni|x86-avx2] [--quick] "
                   "[--only SUBSTRING] [--keep-dir DIR]\n",
                   argv[0]);
      return 1;
    }
  }
  if (!x86::hostSupports(isa)) {
    std::fprintf(stderr, "this CPU cannot run %s\n", x86::isaName(isa));
    return 1;
  }
  scratch = !keepDir.empty()
                ? keepDir
                : (std::filesystem::temp_directory_path() /
                   ("dfq-layer-bench-" + std::to_string(::getpid())))
                      .string();
  std::filesystem::create_directories(scratch);
  if (!loadRuntime(isa))
    return 1;
  // Kernels run on one thread each, as in a model library, which splits a
  // layer over its threads around them (HalfCall); the peak is measured on
  // both counts.
  const int threadCounts[] = {1, 2};

  std::map<int, double> peak;
  if (x86::hostSupports(x86::Isa::Avx512Vnni))
    for (int t : {1, 2}) {
      peak[t] = dfq::bench::vnniPeakOpsPerSecond(t);
      std::printf("{\"bench\":\"vnni_peak\",\"threads\":%d,\"gops\":%.1f}\n", t,
                  peak[t] * 1e-9);
      std::fflush(stdout);
    }

  // (a) Batch-1 GEMV: memory bound, so packed 4- and 2-bit weights should
  // approach 2x and 4x fewer bytes per call.
  int kernelId = 0;
  for (int64_t size : {1024, 4096}) {
    std::map<int64_t, double> int8Time; // per batch
    for (int bits : {8, 4, 2}) {
      auto wanted = [&](int b) {
        std::string name =
            "gemv_" + std::to_string(size) + "_w" + std::to_string(b);
        return only.empty() || std::strstr(name.c_str(), only.c_str());
      };
      // The int8 GEMV is the others' reference.
      if (!wanted(bits) && !(bits == 8 && (wanted(4) || wanted(2))))
        continue;
      LayerKernelSpec s = makeSpec("gemv_" + std::to_string(kernelId++), isa,
                                   size, size, 1, 1, 1, 1, bits);
      std::string error;
      auto kernel = x86::LayerKernel::create(s, error);
      Entry entry = kernel ? loadKernel(*kernel, s) : nullptr;
      if (!entry) {
        std::fprintf(stderr, "gemv %lld: %s\n", (long long)size, error.c_str());
        return 1;
      }
      // Batch 1 (a GEMV, bound by the weight bytes) and 64 (a GEMM, where
      // the unpacking is paid once per weight and batch row).
      for (int64_t n : {int64_t(1), int64_t(64)}) {
        if (quick && n > 1)
          continue;
        Buffers b(s, n);
        setThreads(1);
        double seconds =
            dfq_bench::timeCalls([&] { entry(&b.inBuf, &b.outBuf); });
        if (bits == 8)
          int8Time[n] = seconds;
        double bytes = double(size) * double(size) *
                       (bits <= 2   ? 2
                        : bits <= 4 ? 4
                                    : 8) /
                       8.0;
        std::printf("{\"bench\":\"gemv\",\"k\":%lld,\"o\":%lld,\"batch\":%lld,"
                    "\"wbits\":%d,\"threads\":1,\"us\":%.2f,\"gbps\":%.1f,"
                    "\"gops\":%.1f,\"speedup_vs_int8\":%.2f,"
                    "\"schedule\":\"%s\"}\n",
                    (long long)size, (long long)size, (long long)n, bits,
                    seconds * 1e6, bytes / seconds * 1e-9,
                    2.0 * double(n) * double(size) * double(size) / seconds *
                        1e-9,
                    int8Time[n] / seconds, kernel->describe().c_str());
        std::fflush(stdout);
      }
    }
  }

  // (b) The zoo's convolutions (models/zoo.py): ResNet stages at 28x28,
  // 14x14 and 7x7 with 16/32/64 channels and 1x1 projection shortcuts;
  // MobileNetV2 inverted residuals after the stride-2 stem (14x14, 7x7).
  for (const dfq_bench::ZooConvLayer &l : dfq_bench::kZooConvLayers) {
    if (!only.empty() && !std::strstr(l.name, only.c_str()))
      continue;
    LayerKernelSpec s =
        makeSpec(std::string("conv_") + std::to_string(kernelId++), isa, l.c,
                 l.o, l.hw, l.k, l.stride, l.groups, 8);
    std::string error;
    auto kernel = x86::LayerKernel::create(s, error);
    Entry entry = kernel ? loadKernel(*kernel, s) : nullptr;
    if (!entry) {
      std::fprintf(stderr, "%s: %s\n", l.name, error.c_str());
      return 1;
    }
    for (int64_t n : {int64_t(1), int64_t(64)}) {
      if (n > 1 && (quick || !dfq_bench::timedAtBatch64(l)))
        continue;
      Buffers b(s, n);
      double macs =
          double(n) * s.outH * s.outW * s.o * (s.c / s.groups) * s.kh * s.kw;
      for (int t : threadCounts) {
        setThreads(1);
        double seconds;
        if (t == 1) {
          seconds = dfq_bench::timeCalls([&] { entry(&b.inBuf, &b.outBuf); });
        } else {
          HalfCall first(b, 0), second(b, 1);
          std::function<void()> mine = [&] {
            entry(&first.inBuf, &first.outBuf);
          };
          std::function<void()> theirs = [&] {
            entry(&second.inBuf, &second.outBuf);
          };
          HelperThread helper;
          seconds = dfq_bench::timeCalls([&] { helper.run(mine, theirs); });
        }
        double ops = 2.0 * macs / seconds;
        std::printf("{\"bench\":\"conv\",\"model\":\"%s\",\"layer\":\"%s\","
                    "\"batch\":%lld,\"threads\":%d,\"us\":%.2f,\"gops\":%.2f,"
                    "\"peak_pct\":%.1f,\"schedule\":\"%s\"}\n",
                    l.model, l.name, (long long)n, t, seconds * 1e6, ops * 1e-9,
                    peak.count(t) ? 100.0 * ops / peak[t] : 0.0,
                    kernel->describe().c_str());
        std::fflush(stdout);
      }
    }
  }
  if (keepDir.empty())
    std::filesystem::remove_all(scratch);
  return 0;
}
