//===- SynthesisTest.cpp - dfq calibration engine -------------------------===//
//
// The calibration engine on small graphs built by hand: forward() against
// values worked out by hand, ZeroQ's fit to the BatchNorm statistics
// (measured independently through forward()), determinism, DSG's ablation
// switches and margins, and the error paths. Kept small: the whole suite
// runs in about a second.
//
//===----------------------------------------------------------------------===//

#include "dfq/Calibration/Synthesis.h"
#include "EngineGraphs.h"
#include "dfq/Calibration/Graph.h"
#include "dfq/Runtime/Tensor.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

using namespace mlir::dfq;
using namespace mlir::dfq::calib;
using ::testing::HasSubstr;

namespace {

std::vector<float> values(const rt::Tensor &tensor) {
  return std::vector<float>(tensor.dataF32(),
                            tensor.dataF32() + tensor.numElements());
}

/// conv(1 -> 4, 3x3) -> BN -> relu -> conv(4 -> 8, 3x3, stride 2) -> BN ->
/// relu -> GAP -> flatten -> gemm(8 -> 5). `bnInputs` gets the BN inputs.
Graph smallNet(std::vector<int> *bnInputs = nullptr) {
  Builder b;
  int x = b.graph.addInput("x");
  int c1 = b.conv("conv1", x, 1, 4, 3, 1);
  int r1 = b.relu("relu1", b.batchNorm("bn1", c1, 4));
  int c2 = b.conv("conv2", r1, 4, 8, 3, 2);
  int r2 = b.relu("relu2", b.batchNorm("bn2", c2, 8));
  b.graph.outputs = {b.head(r2, 8, 5)};
  if (bnInputs)
    *bnInputs = {c1, c2};
  return b.graph;
}

/// A small ResNet: a stem, one plain and two downsampling residual blocks
/// (16, 32, 64 channels; 9 BatchNorms), GAP and a 10-way gemm.
Graph resNetLike() {
  Builder b;
  int x = b.graph.addInput("x");
  int h = b.relu("stem.relu",
                 b.batchNorm("stem.bn", b.conv("stem", x, 1, 16, 3, 1), 16));
  auto block = [&](const std::string &name, int input, int64_t in, int64_t out,
                   int64_t stride) {
    int a = b.relu(
        name + ".relu1",
        b.batchNorm(name + ".bn1",
                    b.conv(name + ".conv1", input, in, out, 3, stride), out));
    int c = b.batchNorm(name + ".bn2",
                        b.conv(name + ".conv2", a, out, out, 3, 1), out);
    int skip = input;
    if (stride != 1 || in != out)
      skip =
          b.batchNorm(name + ".down.bn",
                      b.conv(name + ".down", input, in, out, 1, stride), out);
    return b.relu(name + ".relu2",
                  b.graph.addOp(OpKind::Add, name + ".add", {c, skip}));
  };
  h = block("layer1", h, 16, 16, 1);
  h = block("layer2", h, 16, 32, 2);
  h = block("layer3", h, 32, 64, 2);
  b.graph.outputs = {b.head(h, 64, 10)};
  return b.graph;
}

/// Replaces every BatchNorm's running statistics by the batch statistics of
/// its input on `images`, layer after layer: the statistics of a network
/// trained on such data. Unlike random ones they are consistent with the
/// weights, so synthetic images can actually reach them.
void calibrateBatchNorms(Graph &graph, const rt::Tensor &images) {
  for (Node &node : graph.nodes) {
    if (node.kind != OpKind::BatchNorm)
      continue;
    ForwardResult run = forward(graph, images, {node.operands[0]});
    ASSERT_TRUE(run.ok()) << run.error;
    std::vector<int64_t> shape = run.observed[0].shape();
    int64_t n = shape[0], c = shape[1], hw = shape[2] * shape[3];
    const float *data = run.observed[0].dataF32();
    std::vector<float> mean(c), var(c);
    for (int64_t ch = 0; ch < c; ++ch) {
      double sum = 0, sq = 0;
      for (int64_t s = 0; s < n; ++s)
        for (int64_t i = 0; i < hw; ++i)
          sum += data[(s * c + ch) * hw + i];
      double mu = sum / (n * hw);
      for (int64_t s = 0; s < n; ++s)
        for (int64_t i = 0; i < hw; ++i) {
          double d = data[(s * c + ch) * hw + i] - mu;
          sq += d * d;
        }
      mean[ch] = static_cast<float>(mu);
      var[ch] = static_cast<float>(sq / (n * hw));
    }
    graph.nodes[node.operands[3]].value = makeTensor({c}, mean);
    graph.nodes[node.operands[4]].value = makeTensor({c}, var);
  }
}

/// L_BNS^sample (ZeroQ, Cai et al., CVPR 2020) of `images`, computed from
/// the BN inputs that forward() returns; also the largest |μ̃ − μ| and
/// |σ̃ − σ|.
struct BnFit {
  double loss = 0, maxMeanGap = 0, maxStdGap = 0;
};

BnFit bnFit(const Graph &graph, const std::vector<int> &bnInputs,
            const rt::Tensor &images) {
  ForwardResult run = forward(graph, images, bnInputs);
  EXPECT_TRUE(run.ok()) << run.error;
  BnFit fit;
  if (!run.ok())
    return fit;
  int bnIndex = 0;
  for (const Node &node : graph.nodes) {
    if (node.kind != OpKind::BatchNorm)
      continue;
    const rt::Tensor &a = run.observed[bnIndex++];
    std::vector<float> mean = values(graph.nodes[node.operands[3]].value);
    std::vector<float> var = values(graph.nodes[node.operands[4]].value);
    std::vector<int64_t> shape = a.shape();
    int64_t n = shape[0], c = shape[1], hw = shape[2] * shape[3];
    const float *data = a.dataF32();
    for (int64_t s = 0; s < n; ++s) {
      for (int64_t ch = 0; ch < c; ++ch) {
        const float *p = data + (s * c + ch) * hw;
        double sum = 0, sq = 0;
        for (int64_t i = 0; i < hw; ++i)
          sum += p[i];
        double mu = sum / hw;
        for (int64_t i = 0; i < hw; ++i)
          sq += (p[i] - mu) * (p[i] - mu);
        double sigma = std::sqrt(sq / hw + node.epsilon);
        double dMean = mu - mean[ch];
        double dStd = sigma - std::sqrt(var[ch] + node.epsilon);
        fit.loss += (dMean * dMean + dStd * dStd) / n;
        fit.maxMeanGap = std::max(fit.maxMeanGap, std::abs(dMean));
        fit.maxStdGap = std::max(fit.maxStdGap, std::abs(dStd));
      }
    }
  }
  return fit;
}

bool sameBits(const rt::Tensor &a, const rt::Tensor &b) {
  return !a.isNull() && !b.isNull() && a.shape() == b.shape() &&
         std::memcmp(a.dataF32(), b.dataF32(),
                     a.numElements() * sizeof(float)) == 0;
}

SynthesisOptions quickOptions(SynthesisOptions::Method method) {
  SynthesisOptions options;
  options.method = method;
  options.samples = 8;
  options.iterations = 30;
  options.seed = 7;
  return options;
}

const std::vector<int64_t> kSmallSample = {1, 8, 8};

//===----------------------------------------------------------------------===//
// forward
//===----------------------------------------------------------------------===//

TEST(CalibrationForward, MatchesHandComputedValues) {
  Graph graph;
  int x = graph.addInput("x");
  // conv 1x1: 2x + 1 on [[1, 2], [3, 4]] -> [[3, 5], [7, 9]].
  int w = graph.addConstant("w", makeTensor({1, 1, 1, 1}, {2}));
  int bias = graph.addConstant("b", makeTensor({1}, {1}));
  int conv = graph.addOp(OpKind::Conv2d, "conv", {x, w, bias});
  // BN: (v - 6) / sqrt(4) -> [[-1.5, -0.5], [0.5, 1.5]].
  int one = graph.addConstant("one", makeTensor({1}, {1}));
  int zero = graph.addConstant("zero", makeTensor({1}, {0}));
  int mean = graph.addConstant("mean", makeTensor({1}, {6}));
  int var = graph.addConstant("var", makeTensor({1}, {4}));
  int bn = graph.addOp(OpKind::BatchNorm, "bn", {conv, one, zero, mean, var});
  graph.nodes[bn].epsilon = 0;
  int relu = graph.addOp(OpKind::Relu, "relu", {bn}); // [[0, 0], [.5, 1.5]]
  // Average pooling 2x2, stride 1, end pads excluded from the divisor:
  // [[(0+0+.5+1.5)/4, (0+1.5)/2], [(.5+1.5)/2, 1.5]].
  int pool = graph.addOp(OpKind::AvgPool2d, "pool", {relu});
  graph.nodes[pool].kernelShape = {2, 2};
  graph.nodes[pool].pads = {0, 0, 1, 1};
  int gap = graph.addOp(OpKind::GlobalAvgPool, "gap", {relu}); // 0.5
  int flat = graph.addOp(OpKind::Flatten, "flatten", {gap});
  // gemm [2, -1] * 0.5 + [0.5, 0] -> [1.5, -0.5].
  int fw = graph.addConstant("fw", makeTensor({2, 1}, {2, -1}));
  int fb = graph.addConstant("fb", makeTensor({2}, {0.5f, 0}));
  int fc = graph.addOp(OpKind::Gemm, "fc", {flat, fw, fb});
  graph.outputs = {fc};

  ForwardResult result = forward(graph, makeTensor({1, 1, 2, 2}, {1, 2, 3, 4}),
                                 {conv, relu, pool, fc});
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(result.observed.size(), 4u);
  EXPECT_EQ(values(result.observed[0]), std::vector<float>({3, 5, 7, 9}));
  EXPECT_EQ(values(result.observed[1]), std::vector<float>({0, 0, 0.5, 1.5}));
  EXPECT_EQ(values(result.observed[2]),
            std::vector<float>({0.5f, 0.75f, 1.0f, 1.5f}));
  EXPECT_EQ(result.observed[3].shape(), std::vector<int64_t>({1, 2}));
  EXPECT_EQ(values(result.observed[3]), std::vector<float>({1.5f, -0.5f}));
}

TEST(CalibrationForward, ReportsTheFailingNode) {
  Graph graph = smallNet();
  // Two input channels where conv1 expects one.
  ForwardResult result =
      forward(graph, randomTensor({2, 2, 8, 8}, 3, -1, 1), graph.outputs);
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.error, HasSubstr("Conv2d node 'conv1': "));
  EXPECT_TRUE(result.observed.empty());

  result = forward(graph, randomTensor({2, 1, 8, 8}, 3, -1, 1), {1000});
  EXPECT_THAT(result.error, HasSubstr("observed node 1000"));
}

//===----------------------------------------------------------------------===//
// ZeroQ
//===----------------------------------------------------------------------===//

TEST(ZeroQ, FitsTheBatchNormStatistics) {
  std::vector<int> bnInputs;
  Graph graph = smallNet(&bnInputs);
  calibrateBatchNorms(graph, randomTensor({16, 1, 8, 8}, 99, -1.7f, 1.7f));
  SynthesisOptions options = quickOptions(SynthesisOptions::ZeroQ);

  options.iterations = 0; // the initial images
  SynthesisResult initial = synthesize(graph, kSmallSample, options);
  ASSERT_TRUE(initial.ok()) << initial.error;
  EXPECT_EQ(initial.images.shape(), std::vector<int64_t>({8, 1, 8, 8}));
  // ZeroQ code's UniformDataset: (0..254 - 127.5) / 5418.75.
  for (float v : values(initial.images)) {
    ASSERT_GE(v, -127.5f / 5418.75f);
    ASSERT_LE(v, 127.5f / 5418.75f);
  }

  options.iterations = 30;
  std::vector<double> reported;
  options.progress = [&](int64_t it, double loss) {
    EXPECT_EQ(it, static_cast<int64_t>(reported.size()));
    reported.push_back(loss);
  };
  SynthesisResult fitted = synthesize(graph, kSmallSample, options);
  ASSERT_TRUE(fitted.ok()) << fitted.error;
  ASSERT_EQ(fitted.losses.size(), 30u);
  EXPECT_EQ(reported, fitted.losses);
  EXPECT_TRUE(fitted.meanMargins.empty());

  BnFit before = bnFit(graph, bnInputs, initial.images);
  BnFit after = bnFit(graph, bnInputs, fitted.images);
  std::printf("ZeroQ, 30 iterations: L_BNS %.4f -> %.4f; max |mu~-mu| %.4f "
              "-> %.4f, max |sigma~-sigma| %.4f -> %.4f; objective %.4f -> "
              "%.4f\n",
              before.loss, after.loss, before.maxMeanGap, after.maxMeanGap,
              before.maxStdGap, after.maxStdGap, fitted.losses.front(),
              fitted.losses.back());
  EXPECT_LT(after.loss, 0.2 * before.loss);
  // Every sample's every channel approaches the running statistics (they
  // start more than 1 away).
  EXPECT_LT(after.maxMeanGap, 0.3);
  EXPECT_LT(after.maxStdGap, 0.3);
  EXPECT_LT(fitted.losses.back(), 0.2 * fitted.losses.front());
}

TEST(ZeroQ, SameSeedSameBits) {
  Graph graph = smallNet();
  SynthesisOptions options = quickOptions(SynthesisOptions::ZeroQ);
  options.iterations = 10;
  SynthesisResult a = synthesize(graph, kSmallSample, options);
  SynthesisResult b = synthesize(graph, kSmallSample, options);
  ASSERT_TRUE(a.ok() && b.ok()) << a.error << b.error;
  EXPECT_TRUE(sameBits(a.images, b.images));
  EXPECT_EQ(a.losses, b.losses);

  options.seed = 8;
  SynthesisResult c = synthesize(graph, kSmallSample, options);
  ASSERT_TRUE(c.ok()) << c.error;
  EXPECT_FALSE(sameBits(a.images, c.images));
}

//===----------------------------------------------------------------------===//
// DSG
//===----------------------------------------------------------------------===//

TEST(DSG, MarginsAndAblationSwitches) {
  Graph graph = smallNet();
  SynthesisOptions options = quickOptions(SynthesisOptions::DSG);
  options.iterations = 15;
  SynthesisResult full = synthesize(graph, kSmallSample, options);
  ASSERT_TRUE(full.ok()) << full.error;
  EXPECT_EQ(full.losses.size(), 15u);
  // One margin per BN layer, from a ZeroQ batch: positive.
  ASSERT_EQ(full.meanMargins.size(), 2u);
  ASSERT_EQ(full.stdMargins.size(), 2u);
  for (size_t l = 0; l < 2; ++l) {
    EXPECT_GT(full.meanMargins[l], 0) << "layer " << l;
    EXPECT_GT(full.stdMargins[l], 0) << "layer " << l;
  }
  // DSG starts from U[0, 1) (the DSG code's GaussDataset, torch.rand) and
  // descends.
  EXPECT_LT(full.losses.back(), full.losses.front());
  EXPECT_TRUE(
      sameBits(full.images, synthesize(graph, kSmallSample, options).images));

  struct Ablation {
    const char *name;
    bool SynthesisOptions::*flag;
  };
  for (Ablation ablation :
       {Ablation{"slackAlignment", &SynthesisOptions::slackAlignment},
        Ablation{"layerwiseEnhancement",
                 &SynthesisOptions::layerwiseEnhancement},
        Ablation{"correlationInhibition",
                 &SynthesisOptions::correlationInhibition}}) {
    SCOPED_TRACE(ablation.name);
    SynthesisOptions off = options;
    off.*ablation.flag = false;
    SynthesisResult result = synthesize(graph, kSmallSample, off);
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_FALSE(sameBits(full.images, result.images));
    EXPECT_EQ(result.meanMargins.empty(), !off.slackAlignment);
  }
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST(Synthesis, ErrorsComeBackAsStrings) {
  Graph graph = smallNet();
  SynthesisOptions options = quickOptions(SynthesisOptions::ZeroQ);

  SynthesisOptions bad = options;
  bad.samples = 0;
  SynthesisResult result = synthesize(graph, kSmallSample, bad);
  EXPECT_THAT(result.error, HasSubstr("samples must be positive, got 0"));
  EXPECT_TRUE(result.images.isNull());

  bad = options;
  bad.marginQuantile = 1.5;
  EXPECT_THAT(synthesize(graph, kSmallSample, bad).error,
              HasSubstr("margin quantile"));

  bad = options;
  bad.method = SynthesisOptions::DSG;
  EXPECT_THAT(synthesize(graph, {64}, bad).error,
              HasSubstr("DSG needs [C, H, W] samples"));

  // The graph fails on the sample shape: the node says where.
  EXPECT_THAT(synthesize(graph, {3, 8, 8}, options).error,
              HasSubstr("Conv2d node 'conv1': "));

  // No BatchNorm at all.
  Builder plain;
  int x = plain.graph.addInput("x");
  int c = plain.conv("conv", x, 1, 4, 3, 1);
  plain.graph.outputs = {plain.head(plain.relu("relu", c), 4, 3)};
  EXPECT_EQ(synthesize(plain.graph, kSmallSample, options).error,
            "ZeroQ/DSG need BatchNorm statistics; the model has none (a "
            "LayerNorm model such as ConvNeXt or a vision transformer "
            "calibrates on Gaussian images, --calib none, or on real "
            "images, --calib real:DIR)");

  // Only a BatchNorm after the gemm: no per-sample spatial statistics.
  Builder mlp;
  x = mlp.graph.addInput("x");
  int flat = mlp.graph.addOp(OpKind::Flatten, "flatten", {x});
  int w = mlp.constant("fc.w", {6, 64}, -0.1f, 0.1f);
  int fc = mlp.graph.addOp(OpKind::Gemm, "fc", {flat, w});
  mlp.graph.outputs = {mlp.batchNorm("bn", fc, 6)};
  EXPECT_THAT(synthesize(mlp.graph, kSmallSample, options).error,
              HasSubstr("rank-2"));

  // Malformed graphs.
  Graph broken = smallNet();
  broken.nodes[broken.outputs[0]].operands[0] = 10000;
  EXPECT_THAT(synthesize(broken, kSmallSample, options).error,
              HasSubstr("Gemm node 'fc': operand 10000"));
  broken = smallNet();
  broken.input = -1;
  EXPECT_THAT(synthesize(broken, kSmallSample, options).error,
              HasSubstr("not an Input node"));
}

//===----------------------------------------------------------------------===//
// Timing
//===----------------------------------------------------------------------===//

/// Reports the time per iteration on the ResNet-like graph with 32 samples
/// of 1x28x28 (what the acceptance benchmark compares with PyTorch).
TEST(Synthesis, ResNetLikeTiming) {
  Graph graph = resNetLike();
  for (SynthesisOptions::Method method :
       {SynthesisOptions::ZeroQ, SynthesisOptions::DSG}) {
    SynthesisOptions options;
    options.method = method;
    options.samples = 32;
    options.iterations = 6;
    options.slackAlignment = false; // time the DSG loop alone
    // Steady-state time per iteration: from the end of the first step to
    // the end of the last, leaving out setup and the first step's warm-up.
    std::chrono::steady_clock::time_point first, last;
    options.progress = [&](int64_t it, double) {
      (it == 0 ? first : last) = std::chrono::steady_clock::now();
    };
    SynthesisResult result = synthesize(graph, {1, 28, 28}, options);
    ASSERT_TRUE(result.ok()) << result.error;
    double perIteration = std::chrono::duration<double>(last - first).count() /
                          double(options.iterations - 1);
    std::printf("%s on the ResNet-like graph, 32 x 1x28x28: %.1f ms per "
                "iteration (%.3f s for %lld iterations with setup)\n",
                method == SynthesisOptions::ZeroQ ? "ZeroQ" : "DSG",
                1e3 * perIteration, result.seconds,
                static_cast<long long>(options.iterations));
  }
}

} // namespace
