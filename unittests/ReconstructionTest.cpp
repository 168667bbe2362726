//===- ReconstructionTest.cpp - AdaRound in the calibration engine --------===//
//
// AdaRound (dfq/Calibration/Reconstruction.h) on a small network built by
// hand: the rectified sigmoid and the regulariser against their formulas,
// the regulariser driving every soft rounding to 0 or 1, learned codes that
// reconstruct each layer's output better than rounding to nearest and stay
// in range and within one step of the weights, determinism, and the error
// paths.
//
//===----------------------------------------------------------------------===//

#include "dfq/Calibration/Reconstruction.h"
#include "EngineGraphs.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cmath>
#include <vector>

using namespace mlir::dfq;
using namespace mlir::dfq::calib;
using ::testing::HasSubstr;

namespace {

/// conv(2 -> 8, 3x3) -> relu -> conv(8 -> 8, 3x3) -> relu -> GAP ->
/// flatten -> gemm(8 -> 5); `layers` gets the three layer nodes.
Graph threeLayers(std::vector<int> &layers) {
  Builder b;
  int x = b.graph.addInput("x");
  int c1 = b.conv("conv1", x, 2, 8, 3, 1);
  int c2 = b.conv("conv2", b.relu("relu1", c1), 8, 8, 3, 1);
  int fc = b.head(b.relu("relu2", c2), 8, 5);
  b.graph.outputs = {fc};
  layers = {c1, c2, fc};
  return b.graph;
}

/// The layers of `graph` at `bits` bits, scaled as dfq-quantize scales
/// them (the largest |w| of a channel on the largest code).
std::vector<RoundedLayer>
roundedLayers(const Graph &graph, const std::vector<int> &nodes, int bits) {
  std::vector<RoundedLayer> layers;
  for (int node : nodes) {
    const rt::Tensor &w = graph.nodes[graph.nodes[node].operands[1]].value;
    RoundedLayer layer;
    layer.node = node;
    layer.qmax = (int64_t(1) << (bits - 1)) - 1;
    layer.qmin = -layer.qmax - 1;
    int64_t channels = w.shape()[0], per = w.numElements() / channels;
    for (int64_t o = 0; o < channels; ++o) {
      double maxAbs = 0;
      for (int64_t i = 0; i < per; ++i)
        maxAbs = std::max(maxAbs, std::abs(double(w.dataF32()[o * per + i])));
      layer.scales.push_back(maxAbs / double(layer.qmax));
    }
    layers.push_back(layer);
  }
  return layers;
}

ReconstructionOptions testOptions() {
  ReconstructionOptions options;
  options.iterations = 2000;
  options.batch = 8;
  options.lr = 1e-2;
  options.threads = 1;
  return options;
}

TEST(AdaRound, RectifiedSigmoidAndRegularizer) {
  EXPECT_DOUBLE_EQ(rectifiedSigmoid(0.0), 0.5);
  // sigmoid(v) * 1.2 - 0.1 reaches 1 at sigmoid(v) = 11/12 and 0 at 1/12.
  EXPECT_DOUBLE_EQ(rectifiedSigmoid(std::log(11.0) + 1e-9), 1.0);
  EXPECT_DOUBLE_EQ(rectifiedSigmoid(-std::log(11.0) - 1e-9), 0.0);
  EXPECT_NEAR(rectifiedSigmoid(1.0), 1.2 / (1.0 + std::exp(-1.0)) - 0.1, 1e-15);
  // 1 - |2h - 1|^beta: 0 at a decided rounding, 1 halfway.
  EXPECT_DOUBLE_EQ(roundingRegularizer(0.0, 20.0), 0.0);
  EXPECT_DOUBLE_EQ(roundingRegularizer(1.0, 2.0), 0.0);
  EXPECT_DOUBLE_EQ(roundingRegularizer(0.5, 2.0), 1.0);
  EXPECT_DOUBLE_EQ(roundingRegularizer(0.75, 2.0), 0.75);
}

TEST(AdaRound, LearnsDecidedCodesThatBeatNearest) {
  std::vector<int> nodes;
  Graph graph = threeLayers(nodes);
  std::vector<RoundedLayer> layers = roundedLayers(graph, nodes, 3);
  rt::Tensor input = randomTensor({32, 2, 8, 8}, 99, -1.0f, 1.0f);
  ReconstructionResult result =
      reconstructAdaRound(graph, input, layers, testOptions());
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(result.layers.size(), 3u);
  for (size_t l = 0; l < layers.size(); ++l) {
    const LayerReconstruction &learned = result.layers[l];
    const rt::Tensor &w = graph.nodes[graph.nodes[nodes[l]].operands[1]].value;
    ASSERT_EQ(int64_t(learned.codes.size()), w.numElements());
    EXPECT_EQ(learned.steps, 2000);
    // The regulariser has driven (nearly) every h(V) to 0 or 1.
    EXPECT_LE(learned.undecided, w.numElements() / 20) << "layer " << l;
    EXPECT_GT(learned.flipped, 0) << "layer " << l;
    EXPECT_LT(learned.learnedError, learned.nearestError) << "layer " << l;
    // Each code rounds its weight up or down: within one step, in range.
    int64_t per = w.numElements() / w.shape()[0];
    for (int64_t i = 0; i < w.numElements(); ++i) {
      double q = double(w.dataF32()[i]) / layers[l].scales[i / per];
      EXPECT_LE(std::abs(learned.codes[i] - q), 1.0 + 1e-9);
      EXPECT_GE(learned.codes[i], layers[l].qmin);
      EXPECT_LE(learned.codes[i], layers[l].qmax);
    }
  }
}

// With the regulariser's weight raised above the reconstruction error's,
// it alone decides: every h(V) ends at 0 or 1.
TEST(AdaRound, RegularizerDecidesEverySoftRounding) {
  std::vector<int> nodes;
  Graph graph = threeLayers(nodes);
  std::vector<RoundedLayer> layers = roundedLayers(graph, nodes, 4);
  rt::Tensor input = randomTensor({16, 2, 8, 8}, 5, -1.0f, 1.0f);
  ReconstructionOptions options = testOptions();
  options.iterations = 2000;
  options.lambda = 10;
  ReconstructionResult result =
      reconstructAdaRound(graph, input, layers, options);
  ASSERT_TRUE(result.ok()) << result.error;
  for (const LayerReconstruction &learned : result.layers)
    EXPECT_EQ(learned.undecided, 0);
}

TEST(AdaRound, SameSeedSameCodes) {
  std::vector<int> nodes;
  Graph graph = threeLayers(nodes);
  std::vector<RoundedLayer> layers = roundedLayers(graph, nodes, 2);
  rt::Tensor input = randomTensor({16, 2, 8, 8}, 7, -1.0f, 1.0f);
  ReconstructionOptions options = testOptions();
  options.iterations = 50;
  ReconstructionResult a = reconstructAdaRound(graph, input, layers, options);
  ReconstructionResult b = reconstructAdaRound(graph, input, layers, options);
  ASSERT_TRUE(a.ok() && b.ok()) << a.error << b.error;
  for (size_t l = 0; l < layers.size(); ++l)
    EXPECT_EQ(a.layers[l].codes, b.layers[l].codes);
}

TEST(AdaRound, ErrorsComeBackAsStrings) {
  std::vector<int> nodes;
  Graph graph = threeLayers(nodes);
  rt::Tensor input = randomTensor({4, 2, 8, 8}, 3, -1.0f, 1.0f);
  std::vector<RoundedLayer> layers = roundedLayers(graph, nodes, 4);
  ReconstructionOptions options = testOptions();
  options.iterations = 2;

  std::vector<RoundedLayer> notALayer = layers;
  notALayer[0].node = graph.input;
  EXPECT_THAT(reconstructAdaRound(graph, input, notALayer, options).error,
              HasSubstr("is not a Conv2d or Gemm"));
  std::vector<RoundedLayer> outOfOrder = {layers[1], layers[0]};
  EXPECT_THAT(reconstructAdaRound(graph, input, outOfOrder, options).error,
              HasSubstr("graph order"));
  std::vector<RoundedLayer> fewScales = layers;
  fewScales[1].scales.pop_back();
  EXPECT_THAT(reconstructAdaRound(graph, input, fewScales, options).error,
              HasSubstr("8 output channels but 7 scales"));
  std::vector<RoundedLayer> badScale = layers;
  badScale[2].scales[0] = 0;
  EXPECT_THAT(reconstructAdaRound(graph, input, badScale, options).error,
              HasSubstr("not positive"));
  options.batch = 0;
  EXPECT_THAT(reconstructAdaRound(graph, input, layers, options).error,
              HasSubstr("must be positive"));
  options.batch = 8;
  EXPECT_THAT(reconstructAdaRound(graph, rt::Tensor(), layers, options).error,
              HasSubstr("null tensor"));
}

} // namespace
