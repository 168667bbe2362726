//===- VnniPeak.cpp - the VNNI dot-product peak of this CPU ---------------===//
//
// A loop of independent 512-bit vpdpbusd (16 accumulators, so that neither
// latency nor anything but the dot-product ports limits it), timed on 1..N
// threads: the denominator of "% of peak" in LayerBench. Compiled with
// -mavx512f -mavx512vnni; only called when the CPU has them.
//
//===----------------------------------------------------------------------===//

#include <immintrin.h>

#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace dfq::bench {

namespace {

/// Runs `iterations` x 16 vpdpbusd; returns a value depending on all of them
/// so that none is dead.
int64_t dotProducts(int64_t iterations) {
  __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
  __m512i acc[16];
  for (int i = 0; i < 16; ++i)
    acc[i] = _mm512_set1_epi32(i);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < 16; ++i)
      acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
    // Keep the operands opaque so that the loop is not folded.
    __asm__ volatile("" : "+v"(a), "+v"(b));
  }
  __m512i sum = acc[0];
  for (int i = 1; i < 16; ++i)
    sum = _mm512_add_epi32(sum, acc[i]);
  return _mm512_reduce_add_epi32(sum);
}

} // namespace

/// Operations per second (2 per multiply-accumulate, 64 multiply-accumulates
/// per vpdpbusd) of `threads` threads running the loop at once.
double vnniPeakOpsPerSecond(int threads) {
  const int64_t iterations = 20000000;
  dotProducts(iterations / 20); // warm up (clocks, power state)
  std::vector<std::thread> pool;
  std::vector<int64_t> sink(threads);
  auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] { sink[t] = dotProducts(iterations); });
  for (std::thread &thread : pool)
    thread.join();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  volatile int64_t keep = 0;
  for (int64_t v : sink)
    keep = keep + v;
  (void)keep;
  return double(threads) * double(iterations) * 16.0 * 64.0 * 2.0 / seconds;
}

} // namespace dfq::bench
