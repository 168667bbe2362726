//===- HostTarget.cpp - Halide target from CPUID --------------------------===//

#include "dfq/Targets/X86/QGemmKernel.h"

#include <cpuid.h>

std::string mlir::dfq::x86::hostHalideTarget() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  std::string target = "x86-64-linux";
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
    return target;
  bool sse41 = ecx & bit_SSE4_1, avx = ecx & bit_AVX, f16c = ecx & bit_F16C,
       fma = ecx & bit_FMA;
  unsigned leaf7b = 0, leaf7c = 0, leaf7d = 0, leaf7a = 0;
  __get_cpuid_count(7, 0, &leaf7a, &leaf7b, &leaf7c, &leaf7d);
  bool avx2 = leaf7b & bit_AVX2;
  bool avx512 = (leaf7b & bit_AVX512F) && (leaf7b & bit_AVX512CD);
  bool skylake = avx512 && (leaf7b & bit_AVX512VL) && (leaf7b & bit_AVX512BW) &&
                 (leaf7b & bit_AVX512DQ);
  bool cannonlake =
      skylake && (leaf7b & bit_AVX512IFMA) && (leaf7c & bit_AVX512VBMI);
  if (sse41)
    target += "-sse41";
  if (avx)
    target += "-avx";
  if (avx2)
    target += "-avx2";
  if (f16c)
    target += "-f16c";
  if (fma)
    target += "-fma";
  if (avx512)
    target += "-avx512";
  if (skylake)
    target += "-avx512_skylake";
  if (cannonlake)
    target += "-avx512_cannonlake";
  // Never avx512_sapphirerapids: in Halide 14 it also enables AVX-VNNI (VEX
  // encoded), which CPUs with only AVX512-VNNI (AMD Zen 4) fault on.
  return target;
}

std::string mlir::dfq::x86::hostHalideTargetWithVnni() {
  std::string target = hostHalideTarget();
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (target.find("avx512_cannonlake") != std::string::npos &&
      __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (ecx & bit_AVX512VNNI))
    target += "-avx512_sapphirerapids";
  return target;
}
