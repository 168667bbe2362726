//===- RuntimeLayoutTest.cpp - the host runtime's transpositions ----------===//
//
// Model libraries print every dfq.transpose as a call of the host runtime:
// the copies between NHWC and NCHW (float and one-byte codes) and the
// general permutation. This test compiles dfq_runtime.c as a model library
// does and checks each copy against the definition of dfq.transpose
// (result dimension i is input dimension perm[i]) on shapes of every kind,
// dimensions of size 1 included.
//
//===----------------------------------------------------------------------===//

#include <gtest/gtest.h>

#include <dlfcn.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
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
    {1, 1, 1, 1}, {2, 3, 5, 7}, {1, 28, 28, 16}, {3, 1, 4, 1},
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

} // namespace
