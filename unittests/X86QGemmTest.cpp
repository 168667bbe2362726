//===- X86QGemmTest.cpp - Halide qgemm against the scalar semantics -------===//
//
// The JIT-compiled x86 qgemm must equal, bit for bit, a direct loop over the
// normative integer semantics (Support/Requantization) on 500 random shapes:
// odd sizes, sizes below and above the vector width, weight zero points,
// per-channel multipliers, saturation at both ends.
//
//===----------------------------------------------------------------------===//

#include "dfq/Support/Requantization.h"
#include "dfq/Targets/X86/QGemmKernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace mlir::dfq;

namespace {

TEST(X86QGemmTest, HostTargetNeverClaimsAvxVnni) {
  std::string target = x86::hostHalideTarget();
  EXPECT_EQ(target.rfind("x86-64-linux", 0), 0u) << target;
  EXPECT_EQ(target.find("sapphirerapids"), std::string::npos) << target;
  // The VNNI variant only ever adds that one feature.
  std::string vnni = x86::hostHalideTargetWithVnni();
  EXPECT_TRUE(vnni == target || vnni == target + "-avx512_sapphirerapids")
      << vnni;
}

TEST(X86QGemmTest, MatchesScalarSemanticsOnRandomShapes) {
  std::string error;
  std::unique_ptr<x86::QGemmKernel> kernel =
      x86::QGemmKernel::create("", error);
  ASSERT_TRUE(kernel) << error;
  std::mt19937 rng(5);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int trial = 0; trial < 500; ++trial) {
    int64_t n = uniform(1, 9), k = uniform(1, 300), o = uniform(1, 70);
    std::vector<uint8_t> x(n * k), out(n * o, 0);
    std::vector<int8_t> w(o * k);
    std::vector<int32_t> bias(o), multiplier(o), shift(o), zw(o);
    int bits = int(uniform(2, 8));
    int64_t wmax = (1 << (bits - 1)) - 1;
    for (auto &v : x)
      v = uint8_t(uniform(0, 255));
    for (auto &v : w)
      v = int8_t(uniform(-wmax - 1, wmax));
    for (int64_t i = 0; i < o; ++i) {
      bias[i] = int32_t(uniform(-20000, 20000));
      // Real multipliers around 1/k^0.5 .. 1/k^1 keep outputs inside and
      // outside the range, so that saturation is exercised too.
      double real = std::ldexp(1.0, -int(uniform(6, 16))) *
                    (0.5 + std::uniform_real_distribution<double>()(rng));
      std::optional<FixedPointMultiplier> m = encodeMultiplier(real);
      ASSERT_TRUE(m);
      multiplier[i] = m->multiplier;
      shift[i] = m->shift;
      zw[i] = trial % 3 == 0 ? int32_t(uniform(-2, 2)) : 0;
    }
    int32_t zx = int32_t(uniform(0, 255)), zy = int32_t(uniform(0, 255));
    int32_t lo = trial % 4 == 0 ? zy : 0, hi = trial % 5 == 0 ? 15 : 255;
    x86::QGemmArgs args;
    args.x = x.data();
    args.w = w.data();
    args.bias = bias.data();
    args.multiplier = multiplier.data();
    args.shift = shift.data();
    args.weightZeroPoint = zw.data();
    args.n = n;
    args.k = k;
    args.o = o;
    args.inputZeroPoint = zx;
    args.outputZeroPoint = zy;
    args.outputMin = lo;
    args.outputMax = std::max(lo, hi);
    args.out = out.data();
    ASSERT_TRUE(kernel->run(args, error)) << error;
    for (int64_t r = 0; r < n; ++r)
      for (int64_t c = 0; c < o; ++c) {
        int64_t acc = bias[c];
        for (int64_t i = 0; i < k; ++i)
          acc += (int64_t(x[r * k + i]) - zx) * (int64_t(w[c * k + i]) - zw[c]);
        int64_t want = requantize(int32_t(acc),
                                  FixedPointMultiplier{multiplier[c], shift[c]},
                                  zy, lo, std::max(lo, hi));
        ASSERT_EQ(int64_t(out[r * o + c]), want)
            << "trial " << trial << " row " << r << " channel " << c
            << " (n=" << n << " k=" << k << " o=" << o << ")";
      }
  }
}

TEST(X86QGemmTest, BadArgumentsAreErrors) {
  std::string error;
  std::unique_ptr<x86::QGemmKernel> kernel =
      x86::QGemmKernel::create("", error);
  ASSERT_TRUE(kernel) << error;
  x86::QGemmArgs args; // null buffers
  EXPECT_FALSE(kernel->run(args, error));
  EXPECT_EQ(error, "qgemm: null buffer or empty shape");
  EXPECT_FALSE(x86::QGemmKernel::create("not-a-target", error));
  EXPECT_FALSE(error.empty());
}

} // namespace
