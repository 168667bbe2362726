//===- IntegerExecutionTest.cpp - Quantized ops against scalar semantics --===//
//
// The reference interpreter's integer execution of dfq.qconv2d and dfq.qgemm
// (ATen, exact f32 slices or f64 accumulation, int64 requantization) must
// equal, bit for bit, a direct loop over the normative scalar semantics of
// Support/Requantization, and so must the simulated (fake-quantization, real
// arithmetic) execution.
//
//===----------------------------------------------------------------------===//

#include "dfq/Dialect/DfqDialect.h"
#include "dfq/Runtime/Interpreter.h"
#include "dfq/Support/Requantization.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

using namespace mlir;
using namespace mlir::dfq;

namespace {

std::string join(const std::vector<int64_t> &values) {
  std::string s;
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s;
}

/// A `dense<"0x...">` literal of int8 values, which fits any shape.
std::string hexI8(const std::vector<int64_t> &values) {
  std::string s = "\"0x";
  for (int64_t v : values)
    s += llvm::utohexstr(uint8_t(int8_t(v)), /*LowerCase=*/false, 2);
  return s + "\"";
}

struct IntegerExecutionTest : public ::testing::Test {
  IntegerExecutionTest() {
    context.loadDialect<DfqDialect, func::FuncDialect, arith::ArithDialect,
                        quant::QuantDialect>();
  }

  /// Runs @main of `source` on one input, with integer and with simulated
  /// execution, and returns the integer output after checking that the
  /// simulation produced the very same values.
  std::vector<float> run(const std::string &source,
                         const std::vector<int64_t> &shape,
                         const std::vector<float> &input) {
    module = parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module) << source;
    if (!module)
      return {};
    std::vector<float> integer =
        runAs(QuantizedExecution::Integer, shape, input);
    std::vector<float> simulated =
        runAs(QuantizedExecution::Simulated, shape, input);
    EXPECT_EQ(integer, simulated)
        << "fake quantization and integer execution disagree";
    return integer;
  }

  std::vector<float> runAs(QuantizedExecution mode,
                           const std::vector<int64_t> &shape,
                           const std::vector<float> &input) {
    auto entry = module->lookupSymbol<func::FuncOp>("main");
    auto interpreter = ReferenceInterpreter::create(entry, mode);
    EXPECT_TRUE(succeeded(interpreter));
    if (failed(interpreter))
      return {};
    SmallVector<rt::Tensor> outputs;
    EXPECT_TRUE(succeeded(
        (*interpreter)
            ->run({rt::Tensor::fromF32(shape, input.data())}, outputs)));
    if (outputs.empty())
      return {};
    const float *data = outputs[0].dataF32();
    return std::vector<float>(data, data + outputs[0].numElements());
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::mt19937 rng{1234};
};

/// `value` printed with enough digits to parse back to the same double.
std::string exactText(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.17g", value);
  return text;
}

int64_t uniform(std::mt19937 &rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

/// A convolution to check against the scalar semantics: u8 input (zp 7), i32
/// bias, u8 output (zp 3), stride 2.
struct ConvCase {
  int64_t C = 4, O = 4, G = 1; // channels, groups
  std::string weightType = "i4";
  int64_t wLo = -8, wHi = 7, zwMax = 2; // weights; per-channel zero points
  int64_t qLo = 0, qHi = 255;           // input codes
  bool pads = true;                     // asymmetric pads, else none
  /// The output multiplier of channel o is gain * (o + 1); the bias cancels
  /// the channel's mean accumulator plus [0, 500), so that with a constant
  /// input and no pads an accumulator off by a few units changes the codes.
  double gain = 0.004;
};

void checkConv(IntegerExecutionTest &t, const ConvCase &k) {
  const int64_t C = k.C, O = k.O, G = k.G;
  std::mt19937 &rng = t.rng;
  const int64_t H = 6, W = 5, KH = 3, KW = 2;
  const int64_t sh = 2, sw = 1, pt = k.pads, pl = 0, pb = 2 * k.pads,
                pr = k.pads;
  const int64_t OH = (H + pt + pb - KH) / sh + 1,
                OW = (W + pl + pr - KW) / sw + 1;
  const double sx = 0.02, sy = sx * 0.01 / k.gain;
  const int64_t zx = 7, zy = 3;
  std::vector<double> swScales;
  std::vector<int64_t> zw, bias, q(C * H * W), w(O * (C / G) * KH * KW);
  std::vector<int64_t> multipliers, shifts;
  for (int64_t o = 0; o < O; ++o)
    zw.push_back(uniform(rng, -k.zwMax, k.zwMax));
  for (int64_t &v : q)
    v = uniform(rng, k.qLo, k.qHi);
  for (int64_t &v : w)
    v = uniform(rng, k.wLo, k.wHi);
  // sum (x - zx)(w - zw) of output o at (oy, ox), by the scalar semantics.
  auto accumulator = [&](int64_t o, int64_t oy, int64_t ox) {
    int64_t g = o / (O / G), acc = 0;
    for (int64_t c = 0; c < C / G; ++c)
      for (int64_t i = 0; i < KH; ++i)
        for (int64_t j = 0; j < KW; ++j) {
          int64_t y = oy * sh - pt + i, xx = ox * sw - pl + j;
          if (y < 0 || y >= H || xx < 0 || xx >= W)
            continue; // padding holds zp_x: contributes 0
          int64_t ci = g * (C / G) + c;
          acc += (q[(ci * H + y) * W + xx] - zx) *
                 (w[((o * (C / G) + c) * KH + i) * KW + j] - zw[o]);
        }
    return acc;
  };
  for (int64_t o = 0; o < O; ++o) {
    int64_t total = 0;
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox)
        total += accumulator(o, oy, ox);
    swScales.push_back(0.01 * (o + 1));
    bias.push_back(-total / (OH * OW) + uniform(rng, 0, 499));
    auto m = encodeMultiplier(sx * swScales[o] / sy);
    ASSERT_TRUE(m);
    multipliers.push_back(m->multiplier);
    shifts.push_back(m->shift);
  }

  std::string source;
  llvm::raw_string_ostream os(source);
  std::string inType = "tensor<1x" + std::to_string(C) + "x" +
                       std::to_string(H) + "x" + std::to_string(W);
  std::string outType = "tensor<1x" + std::to_string(O) + "x" +
                        std::to_string(OH) + "x" + std::to_string(OW);
  std::string qIn =
      inType + "x!quant.uniform<u8:f32, " + exactText(sx) + ":7>>";
  std::string qW = "tensor<" + std::to_string(O) + "x" + std::to_string(C / G) +
                   "x" + std::to_string(KH) + "x" + std::to_string(KW) +
                   "x!quant.uniform<" + k.weightType + ":f32:0, {";
  for (int64_t o = 0; o < O; ++o)
    qW += (o ? "," : "") + exactText(swScales[o]) + ":" + std::to_string(zw[o]);
  qW += "}>>";
  std::string qOut =
      outType + "x!quant.uniform<u8:f32, " + exactText(sy) + ":3>>";
  os << "func.func @main(%x: " << inType << "xf32>) -> " << outType
     << "xf32> {\n"
     << "  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales "
        "= ["
     << exactText(sx) << "], zero_points = [7]>} : " << inType << "xf32> -> "
     << qIn << "\n"
     << "  %w = dfq.qconstant dense<" << hexI8(w) << "> : tensor<" << O << "x"
     << C / G << "x" << KH << "x" << KW << "xi8> : " << qW << "\n"
     << "  %b = arith.constant dense<[" << join(bias) << "]> : tensor<" << O
     << "xi32>\n"
     << "  %y = dfq.qconv2d %q, %w, %b {strides = array<i64: " << sh << ", "
     << sw << ">, pads = array<i64: " << pt << ", " << pl << ", " << pb << ", "
     << pr << ">, groups = " << G
     << " : i64, multiplier = array<i32: " << join(multipliers)
     << ">, shift = array<i32: " << join(shifts) << ">} : (" << qIn << ", "
     << qW << ", tensor<" << O << "xi32>) -> " << qOut << "\n"
     << "  %f = dfq.dequantize %y : " << qOut << " -> " << outType << "xf32>\n"
     << "  return %f : " << outType << "xf32>\n}\n";

  // Inputs that quantize back to exactly `q`.
  std::vector<float> x(q.size());
  for (size_t i = 0; i < q.size(); ++i)
    x[i] = float(q[i] - zx) * float(sx);
  std::vector<float> got = t.run(source, {1, C, H, W}, x);
  ASSERT_EQ(got.size(), size_t(O * OH * OW));

  int64_t inRange = 0;
  for (int64_t o = 0; o < O; ++o) {
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox) {
        int64_t acc = bias[o] + accumulator(o, oy, ox);
        int64_t expected = requantize(
            static_cast<int32_t>(acc),
            FixedPointMultiplier{int32_t(multipliers[o]), int32_t(shifts[o])},
            zy, 0, 255);
        float want = float(expected - zy) * float(sy);
        EXPECT_EQ(got[(o * OH + oy) * OW + ox], want)
            << "channel " << o << " at (" << oy << ", " << ox << ")";
        inRange += expected > 0 && expected < 255;
      }
  }
  // Most outputs are not clamped, so the comparison sees the accumulators.
  EXPECT_GT(inRange, O * OH * OW / 2);
}

TEST_F(IntegerExecutionTest, QConv2dMatchesScalarSemantics) {
  // Two groups of 4-bit weights, pads: f32 accumulation in one slice.
  ConvCase k;
  k.G = 2;
  checkConv(*this, k);
}

/// 300 channels of 8-bit weights near 127 on an input of 254s: every partial
/// sum is positive and the accumulators exceed 2^24 ((254 - 7) * 6 taps * 120
/// per channel), where f32 would round.
ConvCase wideCase() {
  ConvCase k;
  k.C = 300;
  k.weightType = "i8";
  k.wLo = 110, k.wHi = 127, k.zwMax = 3;
  k.qLo = k.qHi = 254; // x - zx = 247, odd: products need every bit
  k.pads = false;
  k.gain = 0.125;
  return k;
}

TEST_F(IntegerExecutionTest, QConv2dWideAccumulatorMatchesScalarSemantics) {
  // About 94 channels per exact f32 slice: four slices added in f64.
  checkConv(*this, wideCase());
}

TEST_F(IntegerExecutionTest, QConv2dWideGroupedAccumulatorMatchesScalar) {
  // A grouped convolution is not sliced: 300 channels per group exceed f32's
  // exact range, so the whole layer accumulates in f64.
  ConvCase k = wideCase();
  k.C = 600;
  k.G = 2;
  checkConv(*this, k);
}

void checkGemm(IntegerExecutionTest &t, int64_t K, int64_t wLo, int64_t wHi) {
  const int64_t N = 3, O = 5;
  std::mt19937 &rng = t.rng;
  const double sx = 0.1, sw = 0.003, sy = 0.07;
  const int64_t zx = 120, zy = 10;
  std::vector<int64_t> q(N * K), w(O * K), bias;
  for (int64_t &v : q)
    v = uniform(rng, 0, 255);
  for (int64_t &v : w)
    v = uniform(rng, wLo, wHi);
  for (int64_t o = 0; o < O; ++o)
    bias.push_back(uniform(rng, -3000, 3000));
  auto m = encodeMultiplier(sx * sw / sy);
  ASSERT_TRUE(m);
  std::string qIn = "tensor<3x" + std::to_string(K) +
                    "x!quant.uniform<u8:f32, 0.10000000000000001:120>>";
  std::string qW = "tensor<5x" + std::to_string(K) +
                   "x!quant.uniform<i8:f32, 0.0030000000000000001>>";
  std::string qOut =
      "tensor<3x5x!quant.uniform<u8:f32, 0.070000000000000007:10>>";
  std::string source;
  llvm::raw_string_ostream os(source);
  std::string inType = "tensor<3x" + std::to_string(K) + "xf32>";
  os << "func.func @main(%x: " << inType << ") -> tensor<3x5xf32> {\n"
     << "  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, "
        "scales = [0.10000000000000001], zero_points = [120]>} : "
     << inType << " -> " << qIn << "\n"
     << "  %w = dfq.qconstant dense<" << hexI8(w) << "> : tensor<5x" << K
     << "xi8> : " << qW << "\n"
     << "  %b = arith.constant dense<[" << join(bias) << "]> : tensor<5xi32>\n"
     << "  %y = dfq.qgemm %q, %w, %b {multiplier = array<i32: " << m->multiplier
     << ">, shift = array<i32: " << m->shift << ">} : (" << qIn << ", " << qW
     << ", tensor<5xi32>) -> " << qOut << "\n"
     << "  %f = dfq.dequantize %y : " << qOut << " -> tensor<3x5xf32>\n"
     << "  return %f : tensor<3x5xf32>\n}\n";
  std::vector<float> x(q.size());
  for (size_t i = 0; i < q.size(); ++i)
    x[i] = float(q[i] - zx) * float(sx);
  std::vector<float> got = t.run(source, {N, K}, x);
  ASSERT_EQ(got.size(), size_t(N * O));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < O; ++o) {
      int64_t acc = bias[o];
      for (int64_t k = 0; k < K; ++k)
        acc += (q[n * K + k] - zx) * w[o * K + k];
      int64_t expected = requantize(static_cast<int32_t>(acc), *m, zy, 0, 255);
      EXPECT_EQ(got[n * O + o], float(expected - zy) * float(sy))
          << "row " << n << " column " << o;
    }
}

TEST_F(IntegerExecutionTest, QGemmMatchesScalarSemantics) {
  // Partial sums stay below 2^24: the f32 accumulator path.
  checkGemm(*this, 17, -128, 127);
}

TEST_F(IntegerExecutionTest, QGemmWideAccumulatorMatchesScalarSemantics) {
  // 135 * sum|w| (about 1500 * 123) > 2^24: two exact f32 slices of the
  // 1500 columns, added in f64.
  checkGemm(*this, 1500, 120, 127);
}

} // namespace
