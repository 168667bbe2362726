//===- RuntimeLayoutTest.cpp - the host runtime's layout-aware ops --------===//
//
// Model libraries print every dfq.transpose as a call of the host runtime:
// the copies between NHWC and NCHW (float and one-byte codes) and the
// general permutation; and max pooling in either layout, over floats or
// codes. This test compiles dfq_runtime.c as a model library does and
// checks each copy against the definition of dfq.transpose (result
// dimension i is input dimension perm[i]) on shapes of every kind,
// dimensions of size 1 included, and each pooling against dfq.max_pool2d's
// (padding never wins, the first NaN does) or dfq.qavg_pool2d's (integer
// sums, requantization rounding half up); the quantization of an NCHW
// input into channels-last codes, and the float gemm that reads quantized
// weights as codes against the one on the dequantized floats.
//
//===----------------------------------------------------------------------===//

#include <gtest/gtest.h>

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#ifndef DFQ_SOURCE_DIR
#error "DFQ_SOURCE_DIR must name the source root (unittests/CMakeLists.txt)"
#endif

namespace {

/// dfq_runtime.c compiled into a shared library of its own.
class Runtime {
public:
  Runtime() {
    dir = std::filesystem::temp_directory_path() /
          ("dfq-runtime-layout-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string so = (dir / "runtime.so").string();
    std::string command =
        "cc -std=c11 -O1 -ffp-contract=off -fPIC -shared " DFQ_SOURCE_DIR
        "/lib/Targets/Host/runtime/dfq_runtime.c -o " +
        so + " -lpthread -lm > " + (dir / "cc.log").string() + " 2>&1";
    if (std::system(command.c_str()) == 0)
      handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  }
  ~Runtime() {
    if (handle)
      dlclose(handle);
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  template <typename F> F lookup(const char *symbol) const {
    return handle ? reinterpret_cast<F>(dlsym(handle, symbol)) : nullptr;
  }

private:
  std::filesystem::path dir;
  void *handle = nullptr;
};

/// dfq.transpose's definition, on a row-major tensor of `dims`.
template <typename T>
std::vector<T> reference(const std::vector<T> &x,
                         const std::vector<int64_t> &dims,
                         const std::vector<int64_t> &perm) {
  size_t rank = dims.size();
  std::vector<int64_t> strides(rank, 1), outDims(rank), index(rank, 0);
  for (size_t d = rank - 1; d > 0; --d)
    strides[d - 1] = strides[d] * dims[d];
  for (size_t d = 0; d < rank; ++d)
    outDims[d] = dims[perm[d]];
  std::vector<T> y(x.size());
  for (size_t k = 0; k < y.size(); ++k) {
    int64_t from = 0;
    for (size_t d = 0; d < rank; ++d)
      from += index[d] * strides[perm[d]];
    y[k] = x[from];
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < outDims[d])
        break;
      index[d] = 0;
    }
  }
  return y;
}

template <typename T> std::vector<T> randomData(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<T> data(count);
  for (T &v : data)
    v = static_cast<T>(rng() % 251);
  return data;
}

using FloatCopy = void (*)(const float *, float *, int64_t, int64_t, int64_t);
using ByteCopy = void (*)(const uint8_t *, uint8_t *, int64_t, int64_t,
                          int64_t);
using FloatTranspose = void (*)(const float *, float *, const int64_t *,
                                const int64_t *, int);
using ByteTranspose = void (*)(const uint8_t *, uint8_t *, const int64_t *,
                               const int64_t *, int);

const std::vector<int64_t> kToNchw = {0, 3, 1, 2}, kToNhwc = {0, 2, 3, 1};

/// [n, a, b, c] shapes, read as NHWC ([n, h, w, c]) or NCHW ([n, c, h, w]).
const std::vector<std::vector<int64_t>> kShapes = {
    {1, 1, 1, 1},  {2, 3, 5, 7},   {1, 28, 28, 16}, {3, 1, 4, 1},
    {1, 7, 1, 64}, {2, 112, 3, 3}, {4, 2, 2, 33}};

TEST(RuntimeLayout, ChannelsLastCopiesMatchTranspose) {
  Runtime runtime;
  auto toNchw = runtime.lookup<FloatCopy>("dfq_rt_nhwc_to_nchw");
  auto toNhwc = runtime.lookup<FloatCopy>("dfq_rt_nchw_to_nhwc");
  auto toNchwBytes = runtime.lookup<ByteCopy>("dfq_rt_nhwc_to_nchw_bytes");
  auto toNhwcBytes = runtime.lookup<ByteCopy>("dfq_rt_nchw_to_nhwc_bytes");
  ASSERT_TRUE(toNchw && toNhwc && toNchwBytes && toNhwcBytes)
      << "dfq_runtime.c did not compile or lacks a layout copy";
  uint32_t seed = 1;
  for (const std::vector<int64_t> &dims : kShapes) {
    int64_t n = dims[0], count = dims[0] * dims[1] * dims[2] * dims[3];
    // NHWC [n, h, w, c] -> NCHW: c = dims[3], hw = dims[1] * dims[2].
    std::vector<float> x = randomData<float>(count, seed++);
    std::vector<float> y(count);
    toNchw(x.data(), y.data(), n, dims[3], dims[1] * dims[2]);
    EXPECT_EQ(y, reference(x, dims, kToNchw));
    std::vector<uint8_t> xb = randomData<uint8_t>(count, seed++);
    std::vector<uint8_t> yb(count);
    toNchwBytes(xb.data(), yb.data(), n, dims[3], dims[1] * dims[2]);
    EXPECT_EQ(yb, reference(xb, dims, kToNchw));
    // NCHW [n, c, h, w] -> NHWC: c = dims[1], hw = dims[2] * dims[3].
    toNhwc(x.data(), y.data(), n, dims[1], dims[2] * dims[3]);
    EXPECT_EQ(y, reference(x, dims, kToNhwc));
    toNhwcBytes(xb.data(), yb.data(), n, dims[1], dims[2] * dims[3]);
    EXPECT_EQ(yb, reference(xb, dims, kToNhwc));
  }
}

TEST(RuntimeLayout, GeneralTransposeMatchesDefinition) {
  Runtime runtime;
  auto floats = runtime.lookup<FloatTranspose>("dfq_rt_transpose");
  auto bytes = runtime.lookup<ByteTranspose>("dfq_rt_transpose_bytes");
  ASSERT_TRUE(floats && bytes);
  const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>>
      cases = {{{2, 3}, {1, 0}},
               {{2, 3, 4}, {0, 2, 1}},
               {{2, 3, 4}, {2, 0, 1}},
               {{1, 5, 1, 6}, {0, 3, 2, 1}},
               {{2, 3, 4, 5, 2}, {0, 4, 1, 3, 2}},
               {{3, 2, 2, 2, 2, 3}, {0, 5, 4, 3, 2, 1}}};
  uint32_t seed = 100;
  for (const auto &[dims, perm] : cases) {
    int64_t count = 1;
    for (int64_t d : dims)
      count *= d;
    std::vector<float> x = randomData<float>(count, seed++), y(count);
    floats(x.data(), y.data(), dims.data(), perm.data(),
           static_cast<int>(dims.size()));
    EXPECT_EQ(y, reference(x, dims, perm));
    std::vector<uint8_t> xb = randomData<uint8_t>(count, seed++), yb(count);
    bytes(xb.data(), yb.data(), dims.data(), perm.data(),
          static_cast<int>(dims.size()));
    EXPECT_EQ(yb, reference(xb, dims, perm));
  }
}

/// dfq.max_pool2d over NCHW floats or codes, `g` as the runtime's geometry.
template <typename T>
std::vector<T> referencePool(const std::vector<T> &x, int64_t planes, int64_t h,
                             int64_t w, int64_t oh, int64_t ow,
                             const std::vector<int64_t> &g) {
  std::vector<T> y;
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox) {
        bool any = false;
        T best{};
        for (int64_t i = 0; i < g[0]; ++i)
          for (int64_t j = 0; j < g[1]; ++j) {
            int64_t iy = oy * g[2] - g[4] + i * g[8];
            int64_t ix = ox * g[3] - g[5] + j * g[9];
            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
              continue;
            T v = x[(p * h + iy) * w + ix];
            bool bestIsNan = any && best != best;
            if (!any || (!bestIsNan && (v > best || v != v)))
              best = v;
            any = true;
          }
        y.push_back(best);
      }
  return y;
}

/// Both layouts of one pooling against the reference: NCHW directly, NHWC
/// on the transposed input (its result transposed back).
template <typename T, typename Nchw, typename Nhwc>
void checkPool(Nchw nchw, Nhwc nhwc, const std::vector<T> &x, int64_t n,
               int64_t c, int64_t h, int64_t w, int64_t oh, int64_t ow,
               const std::vector<int64_t> &g) {
  std::vector<T> expected = referencePool(x, n * c, h, w, oh, ow, g);
  std::vector<T> y(expected.size());
  nchw(x.data(), y.data(), n * c, h, w, oh, ow, g.data());
  EXPECT_TRUE(std::equal(y.begin(), y.end(), expected.begin(), [](T a, T b) {
    return a == b || (a != a && b != b);
  }));
  std::vector<T> xt = reference(x, {n, c, h, w}, kToNhwc);
  std::vector<T> yt(expected.size());
  nhwc(xt.data(), yt.data(), n, h, w, c, oh, ow, g.data());
  std::vector<T> back = reference(yt, {n, oh, ow, c}, kToNchw);
  EXPECT_TRUE(
      std::equal(back.begin(), back.end(), expected.begin(),
                 [](T a, T b) { return a == b || (a != a && b != b); }));
}

TEST(RuntimeLayout, MaxPoolingMatchesDefinition) {
  Runtime runtime;
  using FloatPool = void (*)(const float *, float *, int64_t, int64_t, int64_t,
                             int64_t, int64_t, const int64_t *);
  using FloatPoolNhwc =
      void (*)(const float *, float *, int64_t, int64_t, int64_t, int64_t,
               int64_t, int64_t, const int64_t *);
  using U8Pool = void (*)(const uint8_t *, uint8_t *, int64_t, int64_t, int64_t,
                          int64_t, int64_t, const int64_t *);
  using U8PoolNhwc =
      void (*)(const uint8_t *, uint8_t *, int64_t, int64_t, int64_t, int64_t,
               int64_t, int64_t, const int64_t *);
  using S8Pool = void (*)(const int8_t *, int8_t *, int64_t, int64_t, int64_t,
                          int64_t, int64_t, const int64_t *);
  using S8PoolNhwc =
      void (*)(const int8_t *, int8_t *, int64_t, int64_t, int64_t, int64_t,
               int64_t, int64_t, const int64_t *);
  auto f = runtime.lookup<FloatPool>("dfq_rt_max_pool2d");
  auto fn = runtime.lookup<FloatPoolNhwc>("dfq_rt_max_pool2d_nhwc");
  auto u = runtime.lookup<U8Pool>("dfq_rt_max_pool2d_u8");
  auto un = runtime.lookup<U8PoolNhwc>("dfq_rt_max_pool2d_nhwc_u8");
  auto s8 = runtime.lookup<S8Pool>("dfq_rt_max_pool2d_s8");
  auto sn = runtime.lookup<S8PoolNhwc>("dfq_rt_max_pool2d_nhwc_s8");
  ASSERT_TRUE(f && fn && u && un && s8 && sn);
  // {kh, kw, sh, sw, top, left, bottom, right, dh, dw}, and the output size
  // dfq.max_pool2d infers for a 7x9 input.
  struct Case {
    std::vector<int64_t> g;
    int64_t oh, ow;
  };
  const std::vector<Case> cases = {{{2, 2, 2, 2, 0, 0, 0, 0, 1, 1}, 3, 4},
                                   {{3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, 4, 5},
                                   {{3, 2, 1, 2, 1, 0, 1, 1, 2, 1}, 5, 5},
                                   {{1, 3, 3, 1, 0, 2, 0, 2, 1, 2}, 3, 9}};
  const int64_t n = 2, c = 5, h = 7, w = 9;
  std::mt19937 rng(7);
  for (const Case &k : cases) {
    std::vector<float> xf(n * c * h * w);
    for (float &v : xf)
      v = static_cast<float>(static_cast<int>(rng() % 41) - 20) * 0.25f;
    xf[3] = NAN; // the first NaN of a window wins
    xf[40] = -INFINITY;
    checkPool<float>(f, fn, xf, n, c, h, w, k.oh, k.ow, k.g);
    checkPool<uint8_t>(u, un, randomData<uint8_t>(xf.size(), rng()), n, c, h, w,
                       k.oh, k.ow, k.g);
    std::vector<int8_t> xs(xf.size());
    for (int8_t &v : xs)
      v = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
    checkPool<int8_t>(s8, sn, xs, n, c, h, w, k.oh, k.ow, k.g);
  }
}

/// dfq.qavg_pool2d's definition over NCHW codes: each window's sum of
/// x - zp_x over the positions inside the input, times m * 2^-shift rounded
/// half up (a floor division, written out), plus zp_y, saturated.
template <typename T>
std::vector<T> referenceAveragePool(const std::vector<T> &x, int64_t planes,
                                    int64_t h, int64_t w, int64_t oh,
                                    int64_t ow, const std::vector<int64_t> &g,
                                    const std::vector<int32_t> &q) {
  std::vector<T> y(planes * oh * ow);
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox) {
        int64_t acc = 0;
        for (int64_t i = 0; i < g[0]; ++i)
          for (int64_t j = 0; j < g[1]; ++j) {
            int64_t iy = oy * g[2] - g[4] + i, ix = ox * g[3] - g[5] + j;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w)
              acc += int64_t(x[(p * h + iy) * w + ix]) - q[0];
          }
        int64_t d = int64_t(1) << q[2];
        int64_t num = acc * q[1] + (q[2] > 0 ? d / 2 : 0);
        int64_t quotient = num / d - ((num % d != 0 && num < 0) ? 1 : 0);
        y[(p * oh + oy) * ow + ox] =
            static_cast<T>(std::clamp<int64_t>(quotient + q[3], q[4], q[5]));
      }
  return y;
}

TEST(RuntimeLayout, IntegerAveragePoolingMatchesDefinition) {
  Runtime runtime;
  using U8Pool = void (*)(const uint8_t *, uint8_t *, int64_t, int64_t, int64_t,
                          int64_t, int64_t, const int64_t *, const int32_t *);
  using U8PoolNhwc =
      void (*)(const uint8_t *, uint8_t *, int64_t, int64_t, int64_t, int64_t,
               int64_t, int64_t, const int64_t *, const int32_t *);
  using S8Pool = void (*)(const int8_t *, int8_t *, int64_t, int64_t, int64_t,
                          int64_t, int64_t, const int64_t *, const int32_t *);
  using S8PoolNhwc =
      void (*)(const int8_t *, int8_t *, int64_t, int64_t, int64_t, int64_t,
               int64_t, int64_t, const int64_t *, const int32_t *);
  auto u = runtime.lookup<U8Pool>("dfq_rt_qavg_pool2d_u8");
  auto un = runtime.lookup<U8PoolNhwc>("dfq_rt_qavg_pool2d_nhwc_u8");
  auto s8 = runtime.lookup<S8Pool>("dfq_rt_qavg_pool2d_s8");
  auto sn = runtime.lookup<S8PoolNhwc>("dfq_rt_qavg_pool2d_nhwc_s8");
  ASSERT_TRUE(u && un && s8 && sn);
  // {kh, kw, sh, sw, top, left, bottom, right, 1, 1} and the output size
  // of a 7x9 input; the whole input (a global pooling) last.
  struct Case {
    std::vector<int64_t> g;
    int64_t oh, ow;
  };
  const std::vector<Case> cases = {{{2, 2, 2, 2, 0, 0, 0, 0, 1, 1}, 3, 4},
                                   {{3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, 7, 9},
                                   {{3, 2, 2, 1, 1, 0, 2, 1, 1, 1}, 4, 9},
                                   {{7, 9, 1, 1, 0, 0, 0, 0, 1, 1}, 1, 1}};
  // Channels below, at and across the runtime's block of 64.
  const std::vector<int64_t> channels = {5, 64, 70};
  const int64_t n = 2, h = 7, w = 9;
  std::mt19937 rng(11);
  for (const Case &k : cases)
    for (int64_t c : channels) {
      int64_t positions = k.g[0] * k.g[1];
      // Ratios of scales around 1 / positions, and one of exactly
      // 2^-3 / positions' power of two (ties round up).
      for (int32_t shift : {31, 34, 3}) {
        int32_t multiplier =
            shift == 3 ? 1 : int32_t((int64_t(1) << 30) / positions * 3 / 2);
        auto check = [&](auto nchw, auto nhwc, auto x, std::vector<int32_t> q) {
          using T = typename decltype(x)::value_type;
          std::vector<T> expected =
              referenceAveragePool(x, n * c, h, w, k.oh, k.ow, k.g, q);
          std::vector<T> y(expected.size());
          nchw(x.data(), y.data(), n * c, h, w, k.oh, k.ow, k.g.data(),
               q.data());
          EXPECT_EQ(y, expected) << "NCHW, c = " << c << ", shift " << shift;
          std::vector<T> xt = reference(x, {n, c, h, w}, kToNhwc);
          std::vector<T> yt(expected.size());
          nhwc(xt.data(), yt.data(), n, h, w, c, k.oh, k.ow, k.g.data(),
               q.data());
          EXPECT_EQ(reference(yt, {n, k.oh, k.ow, c}, kToNchw), expected)
              << "NHWC, c = " << c << ", shift " << shift;
        };
        size_t count = n * c * h * w;
        check(u, un, randomData<uint8_t>(count, rng()),
              {37, multiplier, shift, 9, 0, 255});
        std::vector<int8_t> xs(count);
        for (int8_t &v : xs)
          v = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
        check(s8, sn, xs, {-5, multiplier, shift, -2, -128, 127});
      }
    }
}

} // namespace

using Quantize = void (*)(const float *, uint8_t *, int64_t, int64_t, int64_t,
                          float, int32_t, int32_t, int32_t, int);

TEST(RuntimeLayout, QuantizeToChannelsLastMatchesTransposedQuantize) {
  Runtime runtime;
  auto quantize = runtime.lookup<Quantize>("dfq_rt_quantize");
  ASSERT_TRUE(quantize) << "dfq_runtime.c did not compile";
  // Planes shorter and longer than the runtime's pixel blocks, with a
  // partial last block; values beyond the range and a NaN saturate.
  const std::vector<std::vector<int64_t>> shapes = {
      {1, 3, 1, 1}, {2, 3, 20, 30}, {1, 4, 16, 16}, {3, 2, 1, 257}};
  uint32_t seed = 7;
  for (const std::vector<int64_t> &dims : shapes) {
    int64_t n = dims[0], c = dims[1], hw = dims[2] * dims[3];
    std::mt19937 rng(seed++);
    std::vector<float> x(n * c * hw);
    for (float &v : x)
      v = std::uniform_real_distribution<float>(-40.0f, 40.0f)(rng);
    x[x.size() / 2] = NAN;
    std::vector<uint8_t> planar(x.size()), channelsLast(x.size());
    quantize(x.data(), planar.data(), n, c, hw, 0.25f, 100, 0, 255, 0);
    quantize(x.data(), channelsLast.data(), n, c, hw, 0.25f, 100, 0, 255, 1);
    // The NCHW result of [n, c, h, w], transposed to [n, h, w, c].
    EXPECT_EQ(channelsLast, reference(planar, dims, kToNhwc))
        << "shape " << dims[0] << "x" << dims[1] << "x" << dims[2] << "x"
        << dims[3];
  }
}

using Gemm = void (*)(const float *, const float *, const float *, float *,
                      int64_t, int64_t, int64_t);
using GemmCodes = void (*)(const float *, const int8_t *, const int32_t *,
                           const float *, const float *, float *, int64_t,
                           int64_t, int64_t);

TEST(RuntimeLayout, GemmOnCodesMatchesGemmOnDequantizedWeights) {
  Runtime runtime;
  auto gemm = runtime.lookup<Gemm>("dfq_rt_gemm");
  auto gemmCodes = runtime.lookup<GemmCodes>("dfq_rt_gemm_codes");
  ASSERT_TRUE(gemm && gemmCodes) << "dfq_runtime.c did not compile";
  // k past a whole number of 32-lane steps, more rows than are prefetched.
  const int64_t n = 3, k = 1287, o = 37;
  std::mt19937 rng(11);
  std::vector<float> x(n * k), scales(o), bias(o), weights(o * k);
  std::vector<int8_t> codes(o * k);
  std::vector<int32_t> zeroPoints(o);
  for (float &v : x)
    v = std::uniform_real_distribution<float>(-3.0f, 3.0f)(rng);
  for (int64_t r = 0; r < o; ++r) {
    scales[r] = std::uniform_real_distribution<float>(1e-3f, 0.1f)(rng);
    zeroPoints[r] = int32_t(rng() % 9) - 4;
    bias[r] = std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng);
  }
  // dfq.dequantize's definition: one f32 product per weight.
  for (int64_t i = 0; i < o * k; ++i) {
    codes[i] = int8_t(int(rng() % 256) - 128);
    weights[i] = float(codes[i] - zeroPoints[i / k]) * scales[i / k];
  }
  for (const float *b : {static_cast<const float *>(nullptr),
                         static_cast<const float *>(bias.data())}) {
    std::vector<float> want(n * o), got(n * o);
    gemm(x.data(), weights.data(), b, want.data(), n, k, o);
    gemmCodes(x.data(), codes.data(), zeroPoints.data(), scales.data(), b,
              got.data(), n, k, o);
    EXPECT_EQ(got, want) << (b ? "with" : "without") << " a bias";
  }
}

/// dfq_rt_binary broadcasts as NumPy does: every element of the result
/// against a loop over its index, for equal shapes, a channel vector
/// against NHWC and NCHW activations, a scalar, and operands that both
/// broadcast.
TEST(RuntimeLayout, BinaryBroadcastMatchesDefinition) {
  Runtime runtime;
  using Binary = void (*)(int, const float *, const int64_t *, const float *,
                          const int64_t *, float *, const int64_t *, int);
  auto binary = runtime.lookup<Binary>("dfq_rt_binary");
  ASSERT_TRUE(binary);
  struct Case {
    std::vector<int64_t> dims, a, b; // the operands' shapes (1: broadcast)
  };
  const std::vector<Case> cases = {
      {{2, 3, 4, 5}, {2, 3, 4, 5}, {2, 3, 4, 5}},
      {{2, 3, 4, 33}, {2, 3, 4, 33}, {2, 1, 1, 33}}, // NHWC gate
      {{2, 5, 3, 4}, {2, 5, 3, 4}, {2, 5, 1, 1}},    // NCHW gate
      {{2, 5, 3, 4}, {1, 1, 1, 1}, {2, 5, 3, 4}},    // scalar first
      {{3, 1, 7}, {3, 1, 7}, {1, 1, 7}},
      {{4, 6}, {4, 1}, {1, 6}}};
  std::mt19937 rng(3);
  for (int op = 0; op < 4; ++op)
    for (const Case &c : cases) {
      int rank = int(c.dims.size());
      auto stridesOf = [&](const std::vector<int64_t> &shape) {
        std::vector<int64_t> strides(rank, 0);
        int64_t stride = 1;
        for (int d = rank - 1; d >= 0; --d) {
          strides[d] = shape[d] == 1 && c.dims[d] != 1 ? 0 : stride;
          stride *= shape[d];
        }
        return strides;
      };
      auto sizeOf = [](const std::vector<int64_t> &shape) {
        int64_t n = 1;
        for (int64_t d : shape)
          n *= d;
        return n;
      };
      std::vector<float> a(sizeOf(c.a)), b(sizeOf(c.b));
      for (float &v : a)
        v = float(int(rng() % 200) - 100) * 0.125f;
      for (float &v : b)
        v = float(int(rng() % 200) + 1) * 0.0625f; // no division by 0
      std::vector<int64_t> sa = stridesOf(c.a), sb = stridesOf(c.b);
      std::vector<float> y(sizeOf(c.dims)), want(y.size());
      std::vector<int64_t> index(rank, 0);
      for (size_t k = 0; k < want.size(); ++k) {
        int64_t ai = 0, bi = 0;
        for (int d = 0; d < rank; ++d) {
          ai += index[d] * sa[d];
          bi += index[d] * sb[d];
        }
        float x = a[ai], w = b[bi];
        want[k] = op == 0 ? x + w : op == 1 ? x * w : op == 2 ? x - w : x / w;
        for (int d = rank - 1; d >= 0; --d) {
          if (++index[d] < c.dims[d])
            break;
          index[d] = 0;
        }
      }
      binary(op, a.data(), sa.data(), b.data(), sb.data(), y.data(),
             c.dims.data(), rank);
      EXPECT_EQ(y, want) << "op " << op << ", case of rank " << rank;
    }
}

/// The host runtime's exp (dfq_rt_expf, behind the fused loops' sigmoid) is
/// within 2 ulp of the correctly rounded exp on a fine sweep of its whole
/// range, subnormal results included, and gives +inf, 0 and NaN where exp
/// does. Compiled as model libraries compile it (vectorized loop, no
/// contraction).
TEST(RuntimeLayout, ExpWithinTwoUlp) {
  auto dir = std::filesystem::temp_directory_path() /
             ("dfq-runtime-exp-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream probe(dir / "probe.c");
    probe << "#include \"dfq_runtime.h\"\n"
             "void probe_exp(const float *x, float *y, int64_t n) {\n"
             "  for (int64_t i = 0; i < n; ++i)\n"
             "    y[i] = dfq_rt_expf(x[i]);\n"
             "}\n";
  }
  std::string so = (dir / "probe.so").string();
  std::string command = "cc -std=c11 -O3 -march=x86-64-v3 -ffp-contract=off "
                        "-fno-math-errno -fPIC -shared -I " DFQ_SOURCE_DIR
                        "/lib/Targets/Host/runtime " +
                        (dir / "probe.c").string() + " -o " + so + " -lm";
  ASSERT_EQ(std::system(command.c_str()), 0);
  void *handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_TRUE(handle);
  using Probe = void (*)(const float *, float *, int64_t);
  auto probe = reinterpret_cast<Probe>(dlsym(handle, "probe_exp"));
  ASSERT_TRUE(probe);
  std::vector<float> x;
  for (float v = -110.0f; v <= 90.0f; v += 0.000917f)
    x.push_back(v);
  for (float v : {0.0f, -0.0f, 88.72f, 88.73f, -103.9f, -104.0f, INFINITY,
                  -INFINITY, NAN})
    x.push_back(v);
  std::vector<float> y(x.size());
  probe(x.data(), y.data(), int64_t(x.size()));
  auto ordered = [](float f) {
    int32_t i;
    std::memcpy(&i, &f, sizeof i);
    return i < 0 ? int64_t(INT32_MIN) - i : int64_t(i);
  };
  int64_t worst = 0;
  for (size_t k = 0; k < x.size(); ++k) {
    float want = float(std::exp(double(x[k])));
    if (std::isnan(x[k])) {
      EXPECT_TRUE(std::isnan(y[k]));
      continue;
    }
    if (std::isinf(want) || want == 0.0f) {
      EXPECT_EQ(y[k], want) << "exp(" << x[k] << ")";
      continue;
    }
    worst = std::max(worst, std::abs(ordered(y[k]) - ordered(want)));
  }
  EXPECT_LE(worst, 2) << "ulp";
  dlclose(handle);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}
