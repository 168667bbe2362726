//===- EngineGraphs.h - calibration-engine graphs for unit tests -*- C++
//-*-===//
//
// Small calib::Graphs built by hand with deterministic pseudo-random
// parameters (a 64-bit LCG, so that they depend on no library's
// generator), for the tests of the calibration engine.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_UNITTESTS_ENGINEGRAPHS_H
#define DFQ_UNITTESTS_ENGINEGRAPHS_H

#include "dfq/Calibration/Graph.h"
#include "dfq/Runtime/Tensor.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace mlir::dfq::calib {

inline rt::Tensor makeTensor(const std::vector<int64_t> &shape,
                             const std::vector<float> &data) {
  return rt::Tensor::fromF32(shape, data.data());
}

/// Fixed pseudo-random values in [lo, hi): a 64-bit LCG, so that the graphs
/// do not depend on any library's generator.
inline std::vector<float> pseudoRandom(size_t count, uint64_t seed, float lo,
                                       float hi) {
  std::vector<float> data(count);
  uint64_t state = seed * 6364136223846793005ull + 1442695040888963407ull;
  for (float &v : data) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    v = lo + (hi - lo) * static_cast<float>(state >> 40) / float(1 << 24);
  }
  return data;
}

inline rt::Tensor randomTensor(const std::vector<int64_t> &shape, uint64_t seed,
                               float lo, float hi) {
  size_t count = 1;
  for (int64_t d : shape)
    count *= d;
  return makeTensor(shape, pseudoRandom(count, seed, lo, hi));
}

/// Builds graphs with deterministic pseudo-random parameters.
struct Builder {
  Graph graph;
  uint64_t seed = 1;

  int constant(const std::string &name, const std::vector<int64_t> &shape,
               float lo, float hi) {
    return graph.addConstant(name, randomTensor(shape, seed++, lo, hi));
  }

  int conv(const std::string &name, int input, int64_t in, int64_t out,
           int64_t kernel, int64_t stride) {
    // Kaiming-uniform-like bound, so activations keep their scale.
    float bound = std::sqrt(6.0f / float(in * kernel * kernel));
    int weight =
        constant(name + ".w", {out, in, kernel, kernel}, -bound, bound);
    int node = graph.addOp(OpKind::Conv2d, name, {input, weight});
    int64_t pad = kernel / 2;
    graph.nodes[node].strides = {stride, stride};
    graph.nodes[node].pads = {pad, pad, pad, pad};
    return node;
  }

  int batchNorm(const std::string &name, int input, int64_t channels) {
    int scale = constant(name + ".scale", {channels}, 0.5f, 1.5f);
    int bias = constant(name + ".bias", {channels}, -0.2f, 0.2f);
    int mean = constant(name + ".mean", {channels}, -0.5f, 0.5f);
    int var = constant(name + ".var", {channels}, 0.3f, 1.5f);
    return graph.addOp(OpKind::BatchNorm, name,
                       {input, scale, bias, mean, var});
  }

  int relu(const std::string &name, int input) {
    return graph.addOp(OpKind::Relu, name, {input});
  }

  int head(int input, int64_t channels, int64_t classes) {
    int pooled = graph.addOp(OpKind::GlobalAvgPool, "gap", {input});
    int flat = graph.addOp(OpKind::Flatten, "flatten", {pooled});
    float bound = 1.0f / std::sqrt(float(channels));
    int weight = constant("fc.w", {classes, channels}, -bound, bound);
    int bias = constant("fc.b", {classes}, -bound, bound);
    return graph.addOp(OpKind::Gemm, "fc", {flat, weight, bias});
  }
};

} // namespace mlir::dfq::calib

#endif // DFQ_UNITTESTS_ENGINEGRAPHS_H
