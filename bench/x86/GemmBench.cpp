//===- GemmBench.cpp - dfq's x86 int8 GEMM against oneDNN -----------------===//
//
// Google Benchmark cases, run by bench/x86_gemm.py:
//   DfqQGemm/N      dfq's Halide qgemm (u8 x s8, int32 accumulate, fixed-point
//                   requantization to u8), N x N x N
//   DfqBaked/N      the kernel a model library gets for a gemm layer
//                   (LayerKernel: weights packed at compile time and baked in),
//                   run through its JIT-compiled entry point
//   OneDnnMatmul/N  oneDNN's u8s8s32 matmul of the same shape (the peer; no
//                   requantization epilogue)
// Counters report GOPS (2 N^3 operations per product). Threads come from the
// environment (HL_NUM_THREADS, OMP_NUM_THREADS), set by the wrapper.
//
//===----------------------------------------------------------------------===//

#include "dfq/Support/Requantization.h"
#include "dfq/Targets/X86/LayerKernel.h"
#include "dfq/Targets/X86/QGemmKernel.h"

#include <benchmark/benchmark.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <random>
#include <vector>

namespace {

void fillRandom(std::vector<uint8_t> &x, std::vector<int8_t> &w) {
  std::mt19937 rng(3);
  for (auto &v : x)
    v = uint8_t(rng());
  for (auto &v : w)
    v = int8_t(rng());
}

void DfqQGemm(benchmark::State &state) {
  int64_t n = state.range(0);
  std::string error;
  auto kernel = mlir::dfq::x86::QGemmKernel::create("", error);
  if (!kernel) {
    state.SkipWithError(error.c_str());
    return;
  }
  std::vector<uint8_t> x(n * n), out(n * n);
  std::vector<int8_t> w(n * n);
  fillRandom(x, w);
  auto m = mlir::dfq::encodeMultiplier(1.0 / (64.0 * double(n)));
  std::vector<int32_t> bias(n, 0), multiplier(n, m->multiplier),
      shift(n, m->shift), zero(n, 0);
  mlir::dfq::x86::QGemmArgs args;
  args.x = x.data();
  args.w = w.data();
  args.bias = bias.data();
  args.multiplier = multiplier.data();
  args.shift = shift.data();
  args.weightZeroPoint = zero.data();
  args.n = args.k = args.o = n;
  args.inputZeroPoint = 128;
  args.outputZeroPoint = 128;
  args.out = out.data();
  for (auto _ : state)
    if (!kernel->run(args, error)) {
      state.SkipWithError(error.c_str());
      return;
    }
  state.counters["GOPS"] = benchmark::Counter(
      2e-9 * double(n) * n * n, benchmark::Counter::kIsIterationInvariantRate);
}

void DfqBaked(benchmark::State &state) {
  int64_t n = state.range(0);
  std::vector<uint8_t> x(n * n), out(n * n);
  std::vector<int8_t> w(n * n);
  fillRandom(x, w);
  auto m = mlir::dfq::encodeMultiplier(1.0 / (64.0 * double(n)));
  mlir::dfq::x86::LayerKernelSpec spec;
  spec.name = "gemm_" + std::to_string(n);
  spec.c = spec.o = n;
  spec.weights = w;
  spec.bias.assign(n, 0);
  spec.multiplier.assign(n, m->multiplier);
  spec.shift.assign(n, m->shift);
  spec.weightZeroPoint.assign(n, 0);
  spec.inputZeroPoint = spec.outputZeroPoint = 128;
  std::string error;
  auto kernel = mlir::dfq::x86::LayerKernel::create(spec, error);
  if (!kernel || !kernel->run(x.data(), n, out.data(), error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  for (auto _ : state)
    if (!kernel->run(x.data(), n, out.data(), error)) {
      state.SkipWithError(error.c_str());
      return;
    }
  state.counters["GOPS"] = benchmark::Counter(
      2e-9 * double(n) * n * n, benchmark::Counter::kIsIterationInvariantRate);
}

void OneDnnMatmul(benchmark::State &state) {
  using namespace dnnl;
  int64_t n = state.range(0);
  engine cpu(engine::kind::cpu, 0);
  stream s(cpu);
  memory::desc a({n, n}, memory::data_type::u8, memory::format_tag::ab);
  memory::desc b({n, n}, memory::data_type::s8, memory::format_tag::ba);
  memory::desc c({n, n}, memory::data_type::s32, memory::format_tag::ab);
  matmul::primitive_desc pd(matmul::desc(a, b, c), cpu);
  matmul product(pd);
  std::vector<uint8_t> x(n * n);
  std::vector<int8_t> w(n * n);
  std::vector<int32_t> y(n * n);
  fillRandom(x, w);
  memory ma(a, cpu, x.data()), mb(b, cpu, w.data()), mc(c, cpu, y.data());
  for (auto _ : state) {
    product.execute(
        s, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
    s.wait();
  }
  state.counters["GOPS"] = benchmark::Counter(
      2e-9 * double(n) * n * n, benchmark::Counter::kIsIterationInvariantRate);
}

} // namespace

BENCHMARK(DfqQGemm)->Arg(256)->Arg(512)->Arg(1024)->Arg(2048)->Unit(
    benchmark::kMillisecond);
BENCHMARK(DfqBaked)->Arg(256)->Arg(512)->Arg(1024)->Arg(2048)->Unit(
    benchmark::kMillisecond);
BENCHMARK(OneDnnMatmul)
    ->Arg(256)
    ->Arg(512)
    ->Arg(1024)
    ->Arg(2048)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
