//===- X86QConv2dTest.cpp - Halide qconv2d against the scalar semantics ---===//
//
// The JIT-compiled x86 qconv2d must equal, bit for bit, a direct loop over
// the normative integer semantics on 500 random convolutions: groups and
// depthwise, 1x1 and larger kernels, strides, asymmetric padding, dilation,
// channel counts that are not multiples of the vector width, weight zero
// points and saturation.
//
//===----------------------------------------------------------------------===//

#include "dfq/Support/Requantization.h"
#include "dfq/Targets/X86/QConv2dKernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace mlir::dfq;

namespace {

TEST(X86QConv2dTest, MatchesScalarSemanticsOnRandomConvolutions) {
  std::string error;
  std::unique_ptr<x86::QConv2dKernel> kernel =
      x86::QConv2dKernel::create("", error);
  ASSERT_TRUE(kernel) << error;
  std::mt19937 rng(9);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int trial = 0; trial < 500; ++trial) {
    x86::QConv2dArgs a;
    bool depthwise = trial % 4 == 1;
    a.groups =
        depthwise ? uniform(1, 20) : (trial % 4 == 2 ? uniform(2, 3) : 1);
    int64_t perGroupIn = depthwise ? 1 : uniform(1, 7);
    int64_t perGroupOut = depthwise ? 1 : uniform(1, 9);
    a.c = a.groups * perGroupIn;
    a.o = a.groups * perGroupOut;
    a.n = uniform(1, 2);
    a.h = uniform(1, 12);
    a.w = uniform(1, 19);
    a.kh = trial % 5 == 0 ? 1 : uniform(1, 5);
    a.kw = trial % 5 == 0 ? 1 : uniform(1, 5);
    a.strideH = uniform(1, 2);
    a.strideW = uniform(1, 2);
    a.dilationH = trial % 7 == 3 ? 2 : 1;
    a.dilationW = trial % 7 == 3 ? 2 : 1;
    a.padTop = uniform(0, 2);
    a.padLeft = uniform(0, 2);
    int64_t padBottom = uniform(0, 2), padRight = uniform(0, 2);
    int64_t spanH = a.dilationH * (a.kh - 1) + 1,
            spanW = a.dilationW * (a.kw - 1) + 1;
    if (a.h + a.padTop + padBottom < spanH ||
        a.w + a.padLeft + padRight < spanW)
      continue;
    a.outH = (a.h + a.padTop + padBottom - spanH) / a.strideH + 1;
    a.outW = (a.w + a.padLeft + padRight - spanW) / a.strideW + 1;

    std::vector<uint8_t> input(a.n * a.c * a.h * a.w),
        out(a.n * a.o * a.outH * a.outW);
    std::vector<int8_t> weight(a.o * perGroupIn * a.kh * a.kw);
    std::vector<int32_t> bias(a.o), multiplier(a.o), shift(a.o), zw(a.o);
    for (auto &v : input)
      v = uint8_t(uniform(0, 255));
    for (auto &v : weight)
      v = int8_t(uniform(-128, 127));
    for (int64_t i = 0; i < a.o; ++i) {
      bias[i] = int32_t(uniform(-5000, 5000));
      double real = std::ldexp(1.0, -int(uniform(6, 14))) *
                    (0.5 + std::uniform_real_distribution<double>()(rng));
      std::optional<FixedPointMultiplier> m = encodeMultiplier(real);
      ASSERT_TRUE(m);
      multiplier[i] = m->multiplier;
      shift[i] = m->shift;
      zw[i] = trial % 3 == 0 ? int32_t(uniform(-3, 3)) : 0;
    }
    a.inputZeroPoint = int32_t(uniform(0, 255));
    a.outputZeroPoint = int32_t(uniform(0, 255));
    a.outputMin = trial % 4 == 0 ? a.outputZeroPoint : 0;
    a.outputMax = std::max<int32_t>(a.outputMin, trial % 6 == 0 ? 15 : 255);
    a.input = input.data();
    a.weight = weight.data();
    a.bias = bias.data();
    a.multiplier = multiplier.data();
    a.shift = shift.data();
    a.weightZeroPoint = zw.data();
    a.out = out.data();
    ASSERT_TRUE(kernel->run(a, error)) << error;

    for (int64_t b = 0; b < a.n; ++b)
      for (int64_t oc = 0; oc < a.o; ++oc) {
        int64_t g = oc / perGroupOut;
        for (int64_t oy = 0; oy < a.outH; ++oy)
          for (int64_t ox = 0; ox < a.outW; ++ox) {
            int64_t acc = bias[oc];
            for (int64_t ci = 0; ci < perGroupIn; ++ci)
              for (int64_t i = 0; i < a.kh; ++i)
                for (int64_t j = 0; j < a.kw; ++j) {
                  int64_t yy = oy * a.strideH - a.padTop + i * a.dilationH;
                  int64_t xx = ox * a.strideW - a.padLeft + j * a.dilationW;
                  if (yy < 0 || yy >= a.h || xx < 0 || xx >= a.w)
                    continue; // padding holds the zero point
                  int64_t c = g * perGroupIn + ci;
                  acc +=
                      (int64_t(input[((b * a.c + c) * a.h + yy) * a.w + xx]) -
                       a.inputZeroPoint) *
                      (int64_t(
                           weight[((oc * perGroupIn + ci) * a.kh + i) * a.kw +
                                  j]) -
                       zw[oc]);
                }
            int64_t want = requantize(
                int32_t(acc), FixedPointMultiplier{multiplier[oc], shift[oc]},
                a.outputZeroPoint, a.outputMin, a.outputMax);
            int64_t got = out[((b * a.o + oc) * a.outH + oy) * a.outW + ox];
            ASSERT_EQ(got, want)
                << "trial " << trial << " at (" << b << ", " << oc << ", " << oy
                << ", " << ox << "): c=" << a.c << " o=" << a.o
                << " groups=" << a.groups << " k=" << a.kh << "x" << a.kw
                << " stride=" << a.strideH << "x" << a.strideW
                << " pad=" << a.padTop << "," << a.padLeft;
          }
      }
  }
}

TEST(X86QConv2dTest, InconsistentShapesAreErrors) {
  std::string error;
  std::unique_ptr<x86::QConv2dKernel> kernel =
      x86::QConv2dKernel::create("", error);
  ASSERT_TRUE(kernel) << error;
  uint8_t byte = 0;
  int8_t w = 0;
  int32_t word = 0;
  x86::QConv2dArgs a;
  a.input = &byte;
  a.weight = &w;
  a.bias = a.multiplier = a.shift = a.weightZeroPoint = &word;
  a.out = &byte;
  a.n = a.c = a.h = a.w = a.kh = a.kw = a.outH = a.outW = 1;
  a.o = 3;
  a.groups = 2; // does not divide 3 output channels
  EXPECT_FALSE(kernel->run(a, error));
  EXPECT_EQ(error,
            "qconv2d: inconsistent shape, stride, padding, dilation or groups");
}

} // namespace
