//===- peers.cu - cuBLASLt and cuDNN int8 timings, the CUDA backend's peers -===//
//
// The vendor libraries that dfq's CUDA kernels are measured against, timed
// the same way on the same shapes in the same run (bench/cuda/gpu_bench.py
// runs this program; docs/results/cuda-howto.md says what the numbers mean):
//
//   peers [--gemm M,N,K]... [--conv N,C,H,W,O,KH,KW,stride,pad,groups[,name]]...
//         [--no-default-gemm] [--runs R] [--gemm-configs LIST]
//         [--conv-configs LIST]
//
// GEMM (cuBLASLt): Y[M,N] = X[M,K] · W[N,K]^T with X and W int8 and row-major,
// as a quantized gemm layer computes it (M: batch rows, N: output channels).
// Always 4096^3 unless --no-default-gemm, plus every --gemm. Configurations
// (--gemm-configs, comma-separated; default all):
//   s32         s8 x s8 -> s32 (CUBLAS_COMPUTE_32I, alpha = 1)
//   s8          s8 x s8 -> s8, one float alpha (per-tensor requantization)
//   s8_rowscale s8 x s8 -> s8, a float alpha per output channel
//               (CUBLASLT_POINTER_MODE_ALPHA_DEVICE_VECTOR_BETA_ZERO): the
//               per-channel requantization dfq's kernels fuse.
// Up to 4 of cuBLASLt's heuristic algorithms are timed; the fastest counts,
// so the peer is as strong as the library lets it be.
//
// Convolution (cuDNN's legacy cudnnConvolutionForward): cross-correlation,
// dilation 1, square padding and stride as given. Configurations
// (--conv-configs; default all):
//   int8        NHWC int8 in, int8 filter (KRSC), int32 accumulation, int8
//               out (cuDNN's INT8_CONFIG); channels padded up to multiples
//               of 4 as cuDNN requires (only when groups == 1)
//   int8_f32out the same with float output (INT8_EXT_CONFIG)
//   int8x32     NCHW_VECT_C INT8x32 (INT8x32_CONFIG, the tensor-core IMMA
//               path of the legacy API, sm_72+); channels padded to 32
//   fp16        NHWC half in/out, float accumulation, tensor-op math: not an
//               int8 peer, a reference for shapes the int8 paths refuse
//               (depthwise)
// Each configuration takes the fastest algorithm cudnnFindConvolutionForward-
// Algorithm reports (falling back to IMPLICIT_PRECOMP_GEMM when it finds
// none), timed again here with the workspace it asks for.
//
// Timing: CUDA events on one stream; warm-up, then `inner` back-to-back
// calls per sample (enough for >= 0.5 ms, so launch gaps between tiny
// kernels do not dominate), `runs` samples (>= 20); "ms" is the median
// sample / inner, per call. "tops": 2 * MACs / time, in 10^12 ops/s.
//
// Output: one JSON object per line on stdout. A failure (no device, a shape
// a configuration does not support) prints a line with "error" and the
// program goes on; the exit status is 2 only when no device can be used.
//
// Build: nvcc -O3 -std=c++17 -gencode arch=compute_80,code=sm_80
//          -gencode arch=compute_90,code=sm_90 peers.cu -lcublasLt -lcudnn
// Without cuDNN: add -DPEERS_NO_CUDNN and drop -lcudnn (conv lines then
// report an error).
//
//===----------------------------------------------------------------------===//

// cuDNN 9 marks the whole legacy convolution API deprecated; it is still the
// documented int8 path, and what the brief asks us to compare against.
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif

#include <cublasLt.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#ifndef PEERS_NO_CUDNN
#include <cudnn.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace {

// ---------------------------------------------------------------------------
// Output helpers: one JSON object per line, flushed at once so that a crash
// or a `timeout` kill later still leaves every finished measurement behind.
// ---------------------------------------------------------------------------

std::string jsonEscape(const std::string &s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

/// Builds {"key": value, ...} in insertion order.
class JsonLine {
public:
  JsonLine &str(const char *key, const std::string &v) {
    add(key, "\"" + jsonEscape(v) + "\"");
    return *this;
  }
  JsonLine &num(const char *key, double v) {
    char buf[64];
    // JSON has no NaN or infinity; null keeps the line parseable.
    if (!std::isfinite(v))
      std::snprintf(buf, sizeof buf, "null");
    else
      std::snprintf(buf, sizeof buf, "%.6g", v);
    add(key, buf);
    return *this;
  }
  JsonLine &integer(const char *key, long long v) {
    add(key, std::to_string(v));
    return *this;
  }
  void print() const {
    std::printf("{%s}\n", body.c_str());
    std::fflush(stdout);
  }

private:
  void add(const char *key, const std::string &v) {
    if (!body.empty())
      body += ", ";
    body += "\"" + jsonEscape(key) + "\": " + v;
  }
  std::string body;
};

// Errors travel as strings: every failure becomes an "error" line, never an
// abort, so one unsupported shape does not cost the other measurements.
#define CUDA_TRY(expr)                                                         \
  do {                                                                         \
    cudaError_t err_ = (expr);                                                 \
    if (err_ != cudaSuccess)                                                   \
      return std::string(#expr) + ": " + cudaGetErrorString(err_);             \
  } while (0)
#define LT_TRY(expr)                                                           \
  do {                                                                         \
    cublasStatus_t st_ = (expr);                                               \
    if (st_ != CUBLAS_STATUS_SUCCESS)                                          \
      return std::string(#expr) + ": cublas status " + std::to_string(st_);    \
  } while (0)
#ifndef PEERS_NO_CUDNN
#define DNN_TRY(expr)                                                          \
  do {                                                                         \
    cudnnStatus_t st_ = (expr);                                                \
    if (st_ != CUDNN_STATUS_SUCCESS)                                           \
      return std::string(#expr) + ": " + cudnnGetErrorString(st_);            \
  } while (0)
#endif

// ---------------------------------------------------------------------------
// Device buffers filled with pseudo-random data. Zeros would be unfairly
// fast (tensor cores draw less power on them), so every operand is random.
// ---------------------------------------------------------------------------

__device__ uint32_t hash32(uint64_t i, uint32_t seed) {
  uint64_t x = i * 0x9E3779B97F4A7C15ull + seed;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return uint32_t(x);
}

__global__ void fillS8(int8_t *p, size_t n, uint32_t seed) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n;
       i += size_t(gridDim.x) * blockDim.x)
    p[i] = int8_t(int(hash32(i, seed) % 255u) - 127);
}

__global__ void fillF32(float *p, size_t n, float lo, float hi, uint32_t seed) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n;
       i += size_t(gridDim.x) * blockDim.x)
    p[i] = lo + (hi - lo) * float(hash32(i, seed) & 0xffffffu) / 16777216.0f;
}

/// A cudaMalloc'ed buffer freed on scope exit.
struct DeviceBuffer {
  void *ptr = nullptr;
  size_t bytes = 0;
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  ~DeviceBuffer() {
    if (ptr)
      cudaFree(ptr);
  }
  std::string alloc(size_t n) {
    bytes = std::max<size_t>(n, 256);
    CUDA_TRY(cudaMalloc(&ptr, bytes));
    return "";
  }
};

std::string allocS8(DeviceBuffer &b, size_t n, uint32_t seed) {
  std::string e = b.alloc(n);
  if (!e.empty())
    return e;
  fillS8<<<1024, 256>>>(static_cast<int8_t *>(b.ptr), n, seed);
  CUDA_TRY(cudaGetLastError());
  return "";
}

// ---------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------

struct Timing {
  double ms = NAN;    // median per call
  double minMs = NAN; // fastest sample per call
  int runs = 0, inner = 0;
};

int gRuns = 30;

/// Times `call` (which enqueues one operation on `stream` and returns "" or
/// an error) with CUDA events: warm-up, an estimate that sizes `inner`, then
/// gRuns samples of `inner` calls each.
std::string timeCalls(cudaStream_t stream,
                      const std::function<std::string()> &call, Timing &out) {
  cudaEvent_t start, stop;
  CUDA_TRY(cudaEventCreate(&start));
  CUDA_TRY(cudaEventCreate(&stop));
  struct Events {
    cudaEvent_t a, b;
    ~Events() {
      cudaEventDestroy(a);
      cudaEventDestroy(b);
    }
  } guard{start, stop};

  for (int i = 0; i < 3; ++i) {
    std::string e = call();
    if (!e.empty())
      return e;
  }
  CUDA_TRY(cudaStreamSynchronize(stream));

  // Estimate one call from 5 back to back.
  CUDA_TRY(cudaEventRecord(start, stream));
  for (int i = 0; i < 5; ++i) {
    std::string e = call();
    if (!e.empty())
      return e;
  }
  CUDA_TRY(cudaEventRecord(stop, stream));
  CUDA_TRY(cudaEventSynchronize(stop));
  float estimate = 0;
  CUDA_TRY(cudaEventElapsedTime(&estimate, start, stop));
  double perCall = std::max(1e-4, double(estimate) / 5);
  int inner = int(std::clamp(std::ceil(0.5 / perCall), 1.0, 1000.0));

  std::vector<double> samples;
  for (int r = 0; r < gRuns; ++r) {
    CUDA_TRY(cudaEventRecord(start, stream));
    for (int i = 0; i < inner; ++i) {
      std::string e = call();
      if (!e.empty())
        return e;
    }
    CUDA_TRY(cudaEventRecord(stop, stream));
    CUDA_TRY(cudaEventSynchronize(stop));
    float ms = 0;
    CUDA_TRY(cudaEventElapsedTime(&ms, start, stop));
    samples.push_back(double(ms) / inner);
  }
  std::sort(samples.begin(), samples.end());
  size_t n = samples.size();
  out.ms = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
  out.minMs = samples.front();
  out.runs = int(n);
  out.inner = inner;
  return "";
}

// ---------------------------------------------------------------------------
// cuBLASLt int8 GEMM
// ---------------------------------------------------------------------------

struct GemmShape {
  long long m, n, k;
};

/// RAII for the cuBLASLt descriptors of one matmul.
struct LtDescs {
  cublasLtMatmulDesc_t op = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr;
  cublasLtMatmulPreference_t pref = nullptr;
  ~LtDescs() {
    if (pref)
      cublasLtMatmulPreferenceDestroy(pref);
    if (c)
      cublasLtMatrixLayoutDestroy(c);
    if (b)
      cublasLtMatrixLayoutDestroy(b);
    if (a)
      cublasLtMatrixLayoutDestroy(a);
    if (op)
      cublasLtMatmulDescDestroy(op);
  }
};

std::string gemmOne(cublasLtHandle_t lt, cudaStream_t stream,
                    const GemmShape &s, const std::string &config,
                    JsonLine &line) {
  // Row-major Y[M,N] = X[M,K] W[N,K]^T is column-major Y^T[N,M] =
  // op_T(W stored K x N) * op_N(X stored K x M): cuBLASLt's "TN" form, the
  // one its int8 IMMA kernels take on Ampere and Hopper without the COL32
  // layouts. In cuBLASLt's terms: m = N, n = M.
  const uint64_t lm = s.n, ln = s.m, lk = s.k;
  const bool s8out = config != "s32";
  const bool rowScale = config == "s8_rowscale";

  DeviceBuffer x, w, y, alphaVec, workspace;
  std::string e;
  if (!(e = allocS8(x, size_t(s.m) * s.k, 1)).empty() ||
      !(e = allocS8(w, size_t(s.n) * s.k, 2)).empty() ||
      !(e = y.alloc(size_t(s.m) * s.n * (s8out ? 1 : 4))).empty())
    return e;
  if (rowScale) {
    if (!(e = alphaVec.alloc(size_t(lm) * sizeof(float))).empty())
      return e;
    // Scales of the size dfq's requantization uses: 2^-12 .. 2^-8.
    fillF32<<<256, 256>>>(static_cast<float *>(alphaVec.ptr), lm, 1.0f / 4096,
                          1.0f / 256, 3);
    CUDA_TRY(cudaGetLastError());
  }
  const size_t workspaceBytes = 32u << 20;
  if (!(e = workspace.alloc(workspaceBytes)).empty())
    return e;
  CUDA_TRY(cudaDeviceSynchronize());

  LtDescs d;
  cudaDataType_t scaleType = s8out ? CUDA_R_32F : CUDA_R_32I;
  cudaDataType_t outType = s8out ? CUDA_R_8I : CUDA_R_32I;
  LT_TRY(cublasLtMatmulDescCreate(&d.op, CUBLAS_COMPUTE_32I, scaleType));
  cublasOperation_t transA = CUBLAS_OP_T, transB = CUBLAS_OP_N;
  LT_TRY(cublasLtMatmulDescSetAttribute(d.op, CUBLASLT_MATMUL_DESC_TRANSA,
                                        &transA, sizeof transA));
  LT_TRY(cublasLtMatmulDescSetAttribute(d.op, CUBLASLT_MATMUL_DESC_TRANSB,
                                        &transB, sizeof transB));
  if (rowScale) {
    cublasLtPointerMode_t mode =
        CUBLASLT_POINTER_MODE_ALPHA_DEVICE_VECTOR_BETA_ZERO;
    LT_TRY(cublasLtMatmulDescSetAttribute(
        d.op, CUBLASLT_MATMUL_DESC_POINTER_MODE, &mode, sizeof mode));
  }
  LT_TRY(cublasLtMatrixLayoutCreate(&d.a, CUDA_R_8I, lk, lm, lk));
  LT_TRY(cublasLtMatrixLayoutCreate(&d.b, CUDA_R_8I, lk, ln, lk));
  LT_TRY(cublasLtMatrixLayoutCreate(&d.c, outType, lm, ln, lm));
  LT_TRY(cublasLtMatmulPreferenceCreate(&d.pref));
  uint64_t ws = workspaceBytes;
  LT_TRY(cublasLtMatmulPreferenceSetAttribute(
      d.pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws));

  cublasLtMatmulHeuristicResult_t heuristics[8];
  int found = 0;
  LT_TRY(cublasLtMatmulAlgoGetHeuristic(lt, d.op, d.a, d.b, d.c, d.c, d.pref,
                                        8, heuristics, &found));
  if (found == 0)
    return "cuBLASLt has no algorithm for this int8 matmul";

  int32_t alphaI = 1, betaI = 0;
  float alphaF = 1.0f / 1024, betaF = 0;
  const void *alpha = rowScale ? alphaVec.ptr
                      : s8out  ? static_cast<const void *>(&alphaF)
                               : static_cast<const void *>(&alphaI);
  // With ALPHA_DEVICE_VECTOR_BETA_ZERO beta is zero by definition; a host
  // 0.0f is what users of that mode pass (never a device pointer, which a
  // host-side read would fault on).
  const void *beta = s8out ? static_cast<const void *>(&betaF)
                           : static_cast<const void *>(&betaI);

  Timing best;
  int bestAlgo = -1, tried = 0;
  std::string lastError;
  for (int i = 0; i < found && tried < 4; ++i) {
    if (heuristics[i].state != CUBLAS_STATUS_SUCCESS)
      continue;
    ++tried;
    const cublasLtMatmulAlgo_t *algo = &heuristics[i].algo;
    Timing t;
    std::string err = timeCalls(
        stream,
        [&]() -> std::string {
          LT_TRY(cublasLtMatmul(lt, d.op, alpha, w.ptr, d.a, x.ptr, d.b, beta,
                                y.ptr, d.c, y.ptr, d.c, algo, workspace.ptr,
                                workspaceBytes, stream));
          return "";
        },
        t);
    if (!err.empty()) {
      lastError = err;
      // A failed launch may leave a sticky error; clear what can be cleared.
      cudaGetLastError();
      continue;
    }
    if (bestAlgo < 0 || t.ms < best.ms) {
      best = t;
      bestAlgo = i;
    }
  }
  if (bestAlgo < 0)
    return lastError.empty() ? "no cuBLASLt algorithm ran" : lastError;
  double ops = 2.0 * double(s.m) * s.n * s.k;
  line.num("ms", best.ms)
      .num("ms_min", best.minMs)
      .num("tops", ops / (best.ms * 1e-3) / 1e12)
      .integer("runs", best.runs)
      .integer("inner", best.inner)
      .integer("algo_rank", bestAlgo)
      .integer("algos_tried", tried);
  return "";
}

void runGemm(cublasLtHandle_t lt, cudaStream_t stream, const GemmShape &s,
             const std::vector<std::string> &configs) {
  for (const std::string &config : configs) {
    JsonLine line;
    line.str("peer", "cublaslt_int8")
        .str("config", config)
        .integer("m", s.m)
        .integer("n", s.n)
        .integer("k", s.k);
    std::string e;
    if (s.m <= 0 || s.n <= 0 || s.k <= 0)
      e = "M, N and K must be positive";
    else if (s.k % 4 || s.n % 4)
      // Leading dimensions of int8 operands must be multiples of 4 bytes;
      // the caller pads (gpu_bench.py does and says so).
      e = "K and N must be multiples of 4 for cuBLASLt int8";
    else
      e = gemmOne(lt, stream, s, config, line);
    if (!e.empty()) {
      line.str("error", e);
      cudaGetLastError();
    }
    line.print();
  }
}

// ---------------------------------------------------------------------------
// cuDNN convolution
// ---------------------------------------------------------------------------

struct ConvShape {
  long long n, c, h, w, o, kh, kw, stride, pad, groups;
  std::string name, text;
  long long outH() const { return (h + 2 * pad - kh) / stride + 1; }
  long long outW() const { return (w + 2 * pad - kw) / stride + 1; }
  double macs() const {
    return double(n) * outH() * outW() * o * (c / groups) * kh * kw;
  }
};

#ifndef PEERS_NO_CUDNN

long long roundUp(long long v, long long m) { return (v + m - 1) / m * m; }

__global__ void fillF16(__half *p, size_t n, uint32_t seed) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n;
       i += size_t(gridDim.x) * blockDim.x)
    p[i] = __float2half(float(int(hash32(i, seed) % 255u) - 127) / 128.0f);
}

std::string allocF16(DeviceBuffer &b, size_t n, uint32_t seed) {
  std::string e = b.alloc(n * sizeof(__half));
  if (!e.empty())
    return e;
  fillF16<<<1024, 256>>>(static_cast<__half *>(b.ptr), n, seed);
  CUDA_TRY(cudaGetLastError());
  return "";
}


struct DnnDescs {
  cudnnTensorDescriptor_t x = nullptr, y = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  ~DnnDescs() {
    if (conv)
      cudnnDestroyConvolutionDescriptor(conv);
    if (w)
      cudnnDestroyFilterDescriptor(w);
    if (y)
      cudnnDestroyTensorDescriptor(y);
    if (x)
      cudnnDestroyTensorDescriptor(x);
  }
};

const char *algoName(cudnnConvolutionFwdAlgo_t a) {
  switch (a) {
  case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM:
    return "IMPLICIT_GEMM";
  case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM:
    return "IMPLICIT_PRECOMP_GEMM";
  case CUDNN_CONVOLUTION_FWD_ALGO_GEMM:
    return "GEMM";
  case CUDNN_CONVOLUTION_FWD_ALGO_DIRECT:
    return "DIRECT";
  case CUDNN_CONVOLUTION_FWD_ALGO_FFT:
    return "FFT";
  case CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING:
    return "FFT_TILING";
  case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD:
    return "WINOGRAD";
  case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED:
    return "WINOGRAD_NONFUSED";
  default:
    return "?";
  }
}

std::string convOne(cudnnHandle_t dnn, cudaStream_t stream,
                    const ConvShape &s, const std::string &config,
                    JsonLine &line) {
  const bool int8x32 = config == "int8x32";
  const bool fp16 = config == "fp16";
  const bool f32out = config == "int8_f32out";
  // cuDNN's int8 paths need channel counts that are multiples of 4 (32 for
  // INT8x32). Padding a dense layer's channels only adds work to the peer;
  // a grouped layer cannot be padded without changing its meaning, so it is
  // run as it is and cuDNN decides.
  long long c = s.c, o = s.o;
  if (!fp16 && s.groups == 1) {
    long long q = int8x32 ? 32 : 4;
    c = roundUp(c, q);
    o = roundUp(o, q);
  }
  if (c != s.c || o != s.o)
    line.integer("c_padded", c).integer("o_padded", o);

  DnnDescs d;
  DNN_TRY(cudnnCreateTensorDescriptor(&d.x));
  DNN_TRY(cudnnCreateTensorDescriptor(&d.y));
  DNN_TRY(cudnnCreateFilterDescriptor(&d.w));
  DNN_TRY(cudnnCreateConvolutionDescriptor(&d.conv));

  cudnnTensorFormat_t format =
      int8x32 ? CUDNN_TENSOR_NCHW_VECT_C : CUDNN_TENSOR_NHWC;
  cudnnDataType_t inType = fp16      ? CUDNN_DATA_HALF
                           : int8x32 ? CUDNN_DATA_INT8x32
                                     : CUDNN_DATA_INT8;
  cudnnDataType_t outType = fp16 ? CUDNN_DATA_HALF
                            : f32out ? CUDNN_DATA_FLOAT
                                     : inType;
  cudnnDataType_t accType = fp16 ? CUDNN_DATA_FLOAT : CUDNN_DATA_INT32;
  DNN_TRY(cudnnSetTensor4dDescriptor(d.x, format, inType, int(s.n), int(c),
                                     int(s.h), int(s.w)));
  DNN_TRY(cudnnSetFilter4dDescriptor(d.w, inType, format, int(o),
                                     int(c / s.groups), int(s.kh), int(s.kw)));
  DNN_TRY(cudnnSetConvolution2dDescriptor(
      d.conv, int(s.pad), int(s.pad), int(s.stride), int(s.stride), 1, 1,
      CUDNN_CROSS_CORRELATION, accType));
  DNN_TRY(cudnnSetConvolutionGroupCount(d.conv, int(s.groups)));
  DNN_TRY(cudnnSetConvolutionMathType(d.conv, CUDNN_TENSOR_OP_MATH));
  if (int8x32)
    // Timing only: the filter's values are random anyway, so skip the
    // INT8x32 filter reordering cudnnReorderFilterAndBias would do.
    DNN_TRY(cudnnSetConvolutionReorderType(d.conv, CUDNN_NO_REORDER));
  int on, oc, oh, ow;
  DNN_TRY(cudnnGetConvolution2dForwardOutputDim(d.conv, d.x, d.w, &on, &oc,
                                                &oh, &ow));
  DNN_TRY(cudnnSetTensor4dDescriptor(d.y, format, outType, on, oc, oh, ow));

  size_t inElems = size_t(s.n) * c * s.h * s.w;
  size_t wElems = size_t(o) * (c / s.groups) * s.kh * s.kw;
  size_t outElems = size_t(on) * oc * oh * ow;
  size_t outBytes = outElems * (fp16 ? 2 : f32out ? 4 : 1);
  DeviceBuffer x, w, y, workspace;
  std::string e;
  if (fp16) {
    if (!(e = allocF16(x, inElems, 4)).empty() ||
        !(e = allocF16(w, wElems, 5)).empty())
      return e;
  } else {
    if (!(e = allocS8(x, inElems, 4)).empty() ||
        !(e = allocS8(w, wElems, 5)).empty())
      return e;
  }
  if (!(e = y.alloc(outBytes)).empty())
    return e;
  CUDA_TRY(cudaDeviceSynchronize());

  // The fastest algorithm cuDNN measures; IMPLICIT_PRECOMP_GEMM (the one the
  // int8 configurations document) when Find reports nothing usable.
  std::vector<cudnnConvolutionFwdAlgo_t> candidates;
  cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
  int returned = 0;
  cudnnStatus_t findStatus = cudnnFindConvolutionForwardAlgorithm(
      dnn, d.x, d.w, d.conv, d.y, CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &returned,
      perf);
  cudaGetLastError();
  if (findStatus == CUDNN_STATUS_SUCCESS)
    for (int i = 0; i < returned; ++i)
      if (perf[i].status == CUDNN_STATUS_SUCCESS)
        candidates.push_back(perf[i].algo);
  line.str("find", findStatus == CUDNN_STATUS_SUCCESS
                       ? "ok"
                       : cudnnGetErrorString(findStatus));
  if (candidates.empty())
    candidates.push_back(CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM);

  // Find's own timings are single runs; re-time its best two here.
  float alpha = 1.0f, beta = 0.0f;
  Timing best;
  std::string bestAlgo, lastError;
  for (size_t i = 0; i < candidates.size() && i < 2; ++i) {
    cudnnConvolutionFwdAlgo_t algo = candidates[i];
    size_t wsBytes = 0;
    cudnnStatus_t st = cudnnGetConvolutionForwardWorkspaceSize(
        dnn, d.x, d.w, d.conv, d.y, algo, &wsBytes);
    if (st != CUDNN_STATUS_SUCCESS) {
      lastError = std::string(algoName(algo)) + ": " + cudnnGetErrorString(st);
      continue;
    }
    DeviceBuffer ws;
    if (wsBytes && !(e = ws.alloc(wsBytes)).empty()) {
      lastError = e;
      continue;
    }
    Timing t;
    std::string err = timeCalls(
        stream,
        [&]() -> std::string {
          DNN_TRY(cudnnConvolutionForward(dnn, &alpha, d.x, x.ptr, d.w, w.ptr,
                                          d.conv, algo, ws.ptr, wsBytes, &beta,
                                          d.y, y.ptr));
          return "";
        },
        t);
    cudaGetLastError();
    if (!err.empty()) {
      lastError = std::string(algoName(algo)) + ": " + err;
      continue;
    }
    if (bestAlgo.empty() || t.ms < best.ms) {
      best = t;
      bestAlgo = algoName(algo);
    }
  }
  if (bestAlgo.empty())
    return lastError;
  line.str("algo", bestAlgo)
      .num("ms", best.ms)
      .num("ms_min", best.minMs)
      .num("tops", 2.0 * s.macs() / (best.ms * 1e-3) / 1e12)
      .integer("runs", best.runs)
      .integer("inner", best.inner);
  return "";
}

void runConv(cudnnHandle_t dnn, cudaStream_t stream, const ConvShape &s,
             const std::vector<std::string> &configs) {
  for (const std::string &config : configs) {
    JsonLine line;
    line.str("peer", config == "fp16" ? "cudnn_fp16" : "cudnn_int8")
        .str("config", config)
        .str("layer", s.text);
    if (!s.name.empty())
      line.str("name", s.name);
    line.integer("batch", s.n).num("gmacs", s.macs() / 1e9);
    std::string e;
    if (s.n <= 0 || s.c <= 0 || s.h <= 0 || s.w <= 0 || s.o <= 0 ||
        s.kh <= 0 || s.kw <= 0 || s.stride <= 0 || s.pad < 0 ||
        s.groups <= 0 || s.c % s.groups || s.o % s.groups ||
        s.outH() <= 0 || s.outW() <= 0)
      e = "invalid convolution shape";
    else
      e = convOne(dnn, stream, s, config, line);
    if (!e.empty()) {
      line.str("error", e);
      cudaGetLastError();
    }
    line.print();
  }
}
#endif // PEERS_NO_CUDNN

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

std::vector<std::string> split(const std::string &s, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, sep))
    parts.push_back(part);
  return parts;
}

bool parseInts(const std::vector<std::string> &parts, size_t count,
               std::vector<long long> &out) {
  if (parts.size() < count)
    return false;
  out.clear();
  for (size_t i = 0; i < count; ++i) {
    char *end = nullptr;
    long long v = std::strtoll(parts[i].c_str(), &end, 10);
    if (parts[i].empty() || *end)
      return false;
    out.push_back(v);
  }
  return true;
}

void usage() {
  std::fprintf(
      stderr,
      "usage: peers [--gemm M,N,K]... "
      "[--conv N,C,H,W,O,KH,KW,stride,pad,groups[,name]]...\n"
      "             [--no-default-gemm] [--runs R (>= 20)]\n"
      "             [--gemm-configs s32,s8,s8_rowscale]\n"
      "             [--conv-configs int8,int8_f32out,int8x32,fp16]\n");
}

} // namespace

int main(int argc, char **argv) {
  std::vector<GemmShape> gemms;
  std::vector<ConvShape> convs;
  bool defaultGemm = true;
  std::vector<std::string> gemmConfigs = {"s32", "s8", "s8_rowscale"};
  std::vector<std::string> convConfigs = {"int8", "int8_f32out", "int8x32",
                                          "fp16"};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage();
        std::exit(1);
      }
      return argv[++i];
    };
    std::vector<long long> v;
    if (arg == "--gemm") {
      std::string text = value();
      if (!parseInts(split(text, ','), 3, v)) {
        JsonLine().str("peer", "cublaslt_int8").str("gemm", text)
            .str("error", "expected --gemm M,N,K").print();
        continue;
      }
      gemms.push_back({v[0], v[1], v[2]});
    } else if (arg == "--conv") {
      std::string text = value();
      std::vector<std::string> parts = split(text, ',');
      if (!parseInts(parts, 10, v)) {
        JsonLine().str("peer", "cudnn_int8").str("layer", text)
            .str("error", "expected --conv N,C,H,W,O,KH,KW,stride,pad,groups")
            .print();
        continue;
      }
      ConvShape s{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9],
                  parts.size() > 10 ? parts[10] : "", ""};
      // The layer's text without the name, so lines match the command.
      for (size_t k = 0; k < 10; ++k)
        s.text += (k ? "," : "") + parts[k];
      convs.push_back(s);
    } else if (arg == "--no-default-gemm") {
      defaultGemm = false;
    } else if (arg == "--runs") {
      gRuns = std::max(20, std::atoi(value().c_str()));
    } else if (arg == "--gemm-configs") {
      gemmConfigs = split(value(), ',');
    } else if (arg == "--conv-configs") {
      convConfigs = split(value(), ',');
    } else if (arg == "-h" || arg == "--help") {
      usage();
      return 0;
    } else {
      usage();
      return 1;
    }
  }
  if (defaultGemm)
    gemms.insert(gemms.begin(), GemmShape{4096, 4096, 4096});

  // The device first: without one, say so in one line and stop.
  int count = 0;
  cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess || count == 0) {
    JsonLine()
        .str("peer", "device")
        .str("error", err != cudaSuccess
                          ? std::string("no usable CUDA device: ") +
                                cudaGetErrorString(err)
                          : std::string("no CUDA device"))
        .print();
    return 2;
  }
  cudaDeviceProp prop;
  if ((err = cudaGetDeviceProperties(&prop, 0)) != cudaSuccess ||
      (err = cudaSetDevice(0)) != cudaSuccess) {
    JsonLine().str("peer", "device").str("error", cudaGetErrorString(err))
        .print();
    return 2;
  }
  int runtimeVersion = 0, driverVersion = 0;
  cudaRuntimeGetVersion(&runtimeVersion);
  cudaDriverGetVersion(&driverVersion);
  JsonLine device;
  device.str("peer", "device")
      .str("name", prop.name)
      .str("cc", std::to_string(prop.major) + "." + std::to_string(prop.minor))
      .integer("sms", prop.multiProcessorCount)
      .num("mem_gib", double(prop.totalGlobalMem) / (1ull << 30))
      .integer("cuda_runtime", runtimeVersion)
      .integer("cuda_driver", driverVersion)
      .integer("cublaslt", (long long)cublasLtGetVersion());
#ifndef PEERS_NO_CUDNN
  device.integer("cudnn", (long long)cudnnGetVersion());
#else
  device.str("cudnn", "not built");
#endif
  device.print();

  cudaStream_t stream;
  if ((err = cudaStreamCreate(&stream)) != cudaSuccess) {
    JsonLine().str("peer", "device").str("error", cudaGetErrorString(err))
        .print();
    return 2;
  }

  if (!gemms.empty()) {
    cublasLtHandle_t lt;
    cublasStatus_t st = cublasLtCreate(&lt);
    if (st != CUBLAS_STATUS_SUCCESS) {
      JsonLine().str("peer", "cublaslt_int8")
          .str("error", "cublasLtCreate: status " + std::to_string(st)).print();
    } else {
      for (const GemmShape &s : gemms)
        runGemm(lt, stream, s, gemmConfigs);
      cublasLtDestroy(lt);
    }
  }

  if (!convs.empty()) {
#ifndef PEERS_NO_CUDNN
    cudnnHandle_t dnn;
    cudnnStatus_t st = cudnnCreate(&dnn);
    if (st == CUDNN_STATUS_SUCCESS)
      st = cudnnSetStream(dnn, stream);
    if (st != CUDNN_STATUS_SUCCESS) {
      JsonLine().str("peer", "cudnn_int8")
          .str("error", std::string("cudnnCreate: ") + cudnnGetErrorString(st))
          .print();
    } else {
      for (const ConvShape &s : convs)
        runConv(dnn, stream, s, convConfigs);
      cudnnDestroy(dnn);
    }
#else
    for (const ConvShape &s : convs)
      JsonLine().str("peer", "cudnn_int8").str("layer", s.text)
          .num("gmacs", s.macs() / 1e9)
          .str("error", "peers was built without cuDNN (PEERS_NO_CUDNN)")
          .print();
#endif
  }
  cudaStreamDestroy(stream);
  return 0;
}
