//===- OneDnnConvBench.cpp - the zoo's convolutions on oneDNN -------------===//
//
// The peer of dfq-bench-x86-layers' conv measurements: oneDNN's int8
// convolution on the same shapes, timed the same way. u8 NHWC source, s8
// weights in the layout oneDNN picks (reordered once, outside the timing,
// as dfq's kernels get their weights packed at compile time), s32 bias,
// per-channel output scales, u8 NHWC destination: the same work as a
// dfq.qconv2d. Threads come from OMP_NUM_THREADS (oneDNN's OpenMP
// runtime). Prints one JSON object per line:
//
//   {"bench":"onednn_conv","model":M,"layer":L,"batch":N,"threads":T,
//    "us":..,"gops":..,"impl":..}
//
//===----------------------------------------------------------------------===//

#include "ZooConvLayers.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

using namespace dnnl;

int main(int argc, char **argv) {
  bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  const char *threadsEnv = std::getenv("OMP_NUM_THREADS");
  int threads = threadsEnv ? std::atoi(threadsEnv) : 0;
  engine cpu(engine::kind::cpu, 0);
  stream s(cpu);
  std::mt19937 rng(7);
  for (const dfq_bench::ZooConvLayer &l : dfq_bench::kZooConvLayers) {
    for (int64_t n : {int64_t(1), int64_t(64)}) {
      if (n > 1 && (quick || !dfq_bench::timedAtBatch64(l)))
        continue;
      int64_t out = l.outHw(), pad = l.k / 2, g = l.groups;
      memory::dims src = {n, l.c, l.hw, l.hw}, dst = {n, l.o, out, out};
      memory::dims weights = g == 1
                                 ? memory::dims{l.o, l.c, l.k, l.k}
                                 : memory::dims{g, l.o / g, l.c / g, l.k, l.k};
      memory::desc srcAny(src, memory::data_type::u8, memory::format_tag::nhwc);
      memory::desc dstAny(dst, memory::data_type::u8, memory::format_tag::nhwc);
      memory::desc wAny(weights, memory::data_type::s8,
                        memory::format_tag::any);
      memory::desc biasDesc({l.o}, memory::data_type::s32,
                            memory::format_tag::x);
      primitive_attr attr;
      std::vector<float> scales(l.o, 1.0f / float(32 * (l.c / g) * l.k * l.k));
      attr.set_output_scales(/*mask=*/1 << 1, scales);
      convolution_forward::primitive_desc pd(
          convolution_forward::desc(prop_kind::forward_inference,
                                    algorithm::convolution_direct, srcAny, wAny,
                                    biasDesc, dstAny, {l.stride, l.stride},
                                    {pad, pad}, {pad, pad}),
          attr, cpu);
      convolution_forward conv(pd);

      std::vector<uint8_t> x(n * l.c * l.hw * l.hw), y(n * l.o * out * out);
      std::vector<int8_t> w(l.o * (l.c / g) * l.k * l.k);
      std::vector<int32_t> bias(l.o, 0);
      for (auto &v : x)
        v = uint8_t(rng());
      for (auto &v : w)
        v = int8_t(rng());
      memory::desc wPlain(weights, memory::data_type::s8,
                          g == 1 ? memory::format_tag::oihw
                                 : memory::format_tag::goihw);
      memory plainWeights(wPlain, cpu, w.data());
      memory packedWeights(pd.weights_desc(), cpu);
      reorder(plainWeights, packedWeights)
          .execute(s, plainWeights, packedWeights);
      memory mx(pd.src_desc(), cpu, x.data()), my(pd.dst_desc(), cpu, y.data()),
          mb(biasDesc, cpu, bias.data());
      double seconds = dfq_bench::timeCalls([&] {
        conv.execute(s, {{DNNL_ARG_SRC, mx},
                         {DNNL_ARG_WEIGHTS, packedWeights},
                         {DNNL_ARG_BIAS, mb},
                         {DNNL_ARG_DST, my}});
        s.wait();
      });
      std::printf(
          "{\"bench\":\"onednn_conv\",\"model\":\"%s\",\"layer\":\"%s\","
          "\"batch\":%lld,\"threads\":%d,\"us\":%.2f,\"gops\":%.2f,"
          "\"impl\":\"%s\"}\n",
          l.model, l.name, (long long)n, threads, seconds * 1e6,
          2e-9 * l.macs(n) / seconds, pd.impl_info_str());
      std::fflush(stdout);
    }
  }
  return 0;
}
