//===- ZooConvLayers.h - the zoo's convolutions, and how they are timed ---===//
//
// Shared by the layer benchmarks of dfq and of its peers, so that both time
// the same shapes the same way.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_BENCH_X86_ZOOCONVLAYERS_H
#define DFQ_BENCH_X86_ZOOCONVLAYERS_H

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>

namespace dfq_bench {

/// A square convolution with "same" padding (k / 2).
struct ZooConvLayer {
  const char *model, *name;
  int64_t c, o, hw, k, stride, groups;
  int64_t outHw() const { return (hw + 2 * (k / 2) - k) / stride + 1; }
  double macs(int64_t batch) const {
    return double(batch) * outHw() * outHw() * o * (c / groups) * k * k;
  }
};

/// models/zoo.py: ResNet stages at 28x28, 14x14 and 7x7 with 16/32/64
/// channels and 1x1 projection shortcuts; MobileNetV2 inverted residuals
/// after the stride-2 stem (14x14, 7x7).
inline constexpr ZooConvLayer kZooConvLayers[] = {
    {"resnet", "stem_1x16_3x3_28", 1, 16, 28, 3, 1, 1},
    {"resnet", "conv_16x16_3x3_28", 16, 16, 28, 3, 1, 1},
    {"resnet", "conv_16x32_3x3_s2_28", 16, 32, 28, 3, 2, 1},
    {"resnet", "down_16x32_1x1_s2_28", 16, 32, 28, 1, 2, 1},
    {"resnet", "conv_32x32_3x3_14", 32, 32, 14, 3, 1, 1},
    {"resnet", "conv_32x64_3x3_s2_14", 32, 64, 14, 3, 2, 1},
    {"resnet", "down_32x64_1x1_s2_14", 32, 64, 14, 1, 2, 1},
    {"resnet", "conv_64x64_3x3_7", 64, 64, 7, 3, 1, 1},
    {"mobilenetv2", "expand_16x64_1x1_14", 16, 64, 14, 1, 1, 1},
    {"mobilenetv2", "dw_64_3x3_14", 64, 64, 14, 3, 1, 64},
    {"mobilenetv2", "project_64x24_1x1_14", 64, 24, 14, 1, 1, 1},
    {"mobilenetv2", "expand_24x96_1x1_14", 24, 96, 14, 1, 1, 1},
    {"mobilenetv2", "dw_96_3x3_s2_14", 96, 96, 14, 3, 2, 96},
    {"mobilenetv2", "project_96x32_1x1_7", 96, 32, 7, 1, 1, 1},
    {"mobilenetv2", "expand_32x128_1x1_7", 32, 128, 7, 1, 1, 1},
    {"mobilenetv2", "dw_128_3x3_7", 128, 128, 7, 3, 1, 128},
    {"mobilenetv2", "project_128x64_1x1_7", 128, 64, 7, 1, 1, 1},
    {"mobilenetv2", "head_64x256_1x1_7", 64, 256, 7, 1, 1, 1},
    // ResNet-50 at 224x224 (torchvision): the stem, every 3x3 shape (issue
    // 18's acceptance: >= 80 % of the VNNI peak and >= 1.0x oneDNN on
    // average) and the largest 1x1 shortcut.
    {"resnet50-224", "stem_3x64_7x7_s2_224", 3, 64, 224, 7, 2, 1},
    {"resnet50-224", "conv_64x64_3x3_56", 64, 64, 56, 3, 1, 1},
    {"resnet50-224", "conv_128x128_3x3_s2_56", 128, 128, 56, 3, 2, 1},
    {"resnet50-224", "conv_128x128_3x3_28", 128, 128, 28, 3, 1, 1},
    {"resnet50-224", "conv_256x256_3x3_s2_28", 256, 256, 28, 3, 2, 1},
    {"resnet50-224", "conv_256x256_3x3_14", 256, 256, 14, 3, 1, 1},
    {"resnet50-224", "conv_512x512_3x3_s2_14", 512, 512, 14, 3, 2, 1},
    {"resnet50-224", "conv_512x512_3x3_7", 512, 512, 7, 3, 1, 1},
    {"resnet50-224", "down_1024x2048_1x1_s2_14", 1024, 2048, 14, 1, 2, 1},
    // MobileNetV2 at 224x224 (torchvision): the stem and the first blocks at
    // 112x112 and 56x56, where the depthwise and small-K 1x1 layers are
    // bound by memory traffic rather than by the dot products.
    {"mobilenetv2-224", "stem_3x32_3x3_s2_224", 3, 32, 224, 3, 2, 1},
    {"mobilenetv2-224", "dw_32_3x3_112", 32, 32, 112, 3, 1, 32},
    {"mobilenetv2-224", "project_32x16_1x1_112", 32, 16, 112, 1, 1, 1},
    {"mobilenetv2-224", "expand_16x96_1x1_112", 16, 96, 112, 1, 1, 1},
    {"mobilenetv2-224", "dw_96_3x3_s2_112", 96, 96, 112, 3, 2, 96},
    {"mobilenetv2-224", "expand_24x144_1x1_56", 24, 144, 56, 1, 1, 1},
    {"mobilenetv2-224", "dw_144_3x3_56", 144, 144, 56, 3, 1, 144},
};

/// Whether a layer is timed at batch 64 too: those on inputs of at most
/// 28x28 (all of the zoo's); larger ones only at batch 1.
inline bool timedAtBatch64(const ZooConvLayer &layer) { return layer.hw <= 28; }

/// Seconds per call: warm up, size a 40 ms batch of calls, best of 5.
inline double timeCalls(const std::function<void()> &call) {
  using clock = std::chrono::steady_clock;
  for (int i = 0; i < 3; ++i)
    call();
  auto start = clock::now();
  int64_t calls = 0;
  while (std::chrono::duration<double>(clock::now() - start).count() < 0.04) {
    call();
    ++calls;
  }
  double best = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = clock::now();
    for (int64_t i = 0; i < calls; ++i)
      call();
    best = std::min(best,
                    std::chrono::duration<double>(clock::now() - t0).count() /
                        double(calls));
  }
  return best;
}

} // namespace dfq_bench

#endif // DFQ_BENCH_X86_ZOOCONVLAYERS_H
