//===- CudaKernel.cpp - one quantized layer as a CUDA kernel --------------===//
//
// Dense and grouped convolutions and gemms are implicit GEMMs on the tensor
// cores: rows are output pixels (across the batch), columns the group's
// output channels, and the reduction runs over (ky, kx, c) of the NHWC input,
// the order in which a tap's channels are contiguous. Weights are stored
// [o][K padded to tile_k] so that every weight tile is whole 16-byte copies.
// The input zero point is folded into the bias (bias - zp * sum of the
// weights) and padding pixels read as the zero point, so that the tensor
// cores multiply the raw u8 codes; their wrapping 32-bit sum plus the folded
// bias is the exact sum of docs/design.md, which the pipeline has checked
// fits 32 bits. Depthwise layers run one output per thread on the CUDA
// cores, a multiply-add per tap or (tile_k = 4) dp4a over four taps. Every
// kernel stores through one per-layer function: the requantized byte, or with a
// residual epilogue the float tail of the residual block after it (dequantize,
// add the residual read from device memory, ReLU or clip, the chain's outputs),
// each f32 step rounded on its own as the interpreter rounds it.
//
// The parts of a kernel that decide what it computes (the tile loader with
// its im2col indexing, the ldmatrix row addresses, the fragment-to-output
// mapping of the epilogue, the depthwise loop) are printed once and used by
// both renders; only the instruction spellings differ (dfq_cuda_device.cuh
// on the GPU, dfq_cuda_emu.h's lane-level model on the CPU).
//
//===----------------------------------------------------------------------===//

#include "dfq/Targets/Cuda/CudaKernel.h"

#include "dfq/Targets/LibraryBackend.h"

#include <cstring>
#include <utility>
#include <vector>

using namespace mlir::dfq;
using namespace mlir::dfq::cuda;

namespace {

std::string str(int64_t v) { return std::to_string(v); }

using Fields = std::vector<std::pair<std::string, std::string>>;

/// `text` with every `@KEY@` of `fields` replaced.
std::string substitute(std::string text, const Fields &fields) {
  for (const auto &[key, value] : fields)
    for (size_t at = text.find(key); at != std::string::npos;
         at = text.find(key, at + value.size()))
      text.replace(at, key.size(), value);
  return text;
}

template <typename T> std::string initializer(const std::vector<T> &values) {
  std::string text = "{";
  for (size_t i = 0; i < values.size(); ++i)
    text += (i % 12 ? " " : "\n    ") + str(values[i]) + ",";
  return text + "\n}";
}

bool check(bool condition, const std::string &message, std::string &error) {
  if (!condition)
    error = message;
  return condition;
}

bool validate(const LayerSpec &s, const CudaSchedule &k, std::string &error) {
  if (!checkLayerSpec(s, error) ||
      !check(s.weightsSigned,
             "CUDA kernels take signed weights (u8 x s8 "
             "tensor-core products)",
             error) ||
      !check(!s.inputSigned && !s.outputSigned,
             "CUDA kernels take and produce unsigned activations", error))
    return false;
  for (int32_t zeroPoint : s.weightZeroPoint)
    if (!check(zeroPoint == 0,
               "CUDA kernels take symmetric weights (zero point 0), got " +
                   str(zeroPoint),
               error))
      return false;
  if (!check(s.inputZeroPoint >= 0 && s.inputZeroPoint <= 255 &&
                 s.outputMin <= s.outputMax && s.outputMin >= 0 &&
                 s.outputMax <= 255,
             "activation zero points and output ranges must be u8", error))
    return false;
  if (!check(k.sm == 80 || k.sm == 90, "sm must be 80 or 90", error) ||
      !check(k.warpsM > 0 && k.warpsN > 0 && k.warpsM * k.warpsN <= 32,
             "at most 32 warps per block", error))
    return false;
  bool depthwise = s.c / s.groups == 1 && s.groups > 1;
  if (k.kind == "depthwise")
    return check(depthwise,
                 "a depthwise kernel needs one input channel per "
                 "group",
                 error) &&
           check(k.tileM > 0 && k.tileN > 0 &&
                     k.tileM * k.tileN == 32 * k.warpsM * k.warpsN,
                 "a depthwise block runs one thread per output", error) &&
           check(k.tileK == 0 || k.tileK == 4,
                 "a depthwise kernel reduces 1 tap (tile_k 0) or 4 (dp4a, "
                 "tile_k 4) per instruction",
                 error);
  return check(k.kind == "dense" || k.kind == "grouped",
               "unknown kernel kind '" + k.kind + "'", error) &&
         check(k.tileM % (16 * k.warpsM) == 0 && k.tileM > 0,
               "tile_m must be a multiple of 16 x warps_m", error) &&
         check(k.tileN % (16 * k.warpsN) == 0 && k.tileN > 0,
               "tile_n must be a multiple of 16 x warps_n", error) &&
         check(k.tileK == 32 || k.tileK == 64 || k.tileK == 128,
               "tile_k must be 32, 64 or 128", error) &&
         check(k.stages >= 2 && k.stages <= 4, "stages must be in [2, 4]",
               error);
}

/// The layer's comment line.
std::string describe(const LayerSpec &s, const CudaSchedule &k) {
  std::string what =
      s.isGemm ? "gemm " + str(s.c) + " -> " + str(s.o)
               : "conv2d " + str(s.kh) + "x" + str(s.kw) + " stride " +
                     str(s.strideH) + "x" + str(s.strideW) + " pad " +
                     str(s.padTop) + "," + str(s.padLeft) + " dilation " +
                     str(s.dilationH) + "x" + str(s.dilationW) + " groups " +
                     str(s.groups) + ", " + str(s.c) + "x" + str(s.h) + "x" +
                     str(s.w) + " -> " + str(s.o) + "x" + str(s.outH) + "x" +
                     str(s.outW);
  return "/* " + s.layerName + ": " + what + "; w" + str(s.weightBits) + " a" +
         str(s.activationBits) + "; sm_" + str(k.sm) + " " + k.kind +
         (k.kind == "depthwise" && k.tileK == 4 ? " dp4a" : "") + " tile " +
         str(k.tileM) + "x" + str(k.tileN) + "x" + str(k.tileK) + ", warps " +
         str(k.warpsM) + "x" + str(k.warpsN) + ", " + str(k.stages) +
         " stages" + (s.epilogue.enabled() ? "; residual epilogue" : "") +
         " */\n";
}

/// The geometry every kernel indexes with.
Fields geometryFields(const LayerSpec &s) {
  return {{"@F@", s.symbol},
          {"@C@", str(s.c)},
          {"@H@", str(s.h)},
          {"@W@", str(s.w)},
          {"@O@", str(s.o)},
          {"@OH@", str(s.outH)},
          {"@OW@", str(s.outW)},
          {"@PIX@", str(s.outH * s.outW)},
          {"@KH@", str(s.kh)},
          {"@KW@", str(s.kw)},
          {"@SH@", str(s.strideH)},
          {"@SW@", str(s.strideW)},
          {"@PT@", str(s.padTop)},
          {"@PL@", str(s.padLeft)},
          {"@DH@", str(s.dilationH)},
          {"@DW@", str(s.dilationW)},
          {"@IZP@", str(s.inputZeroPoint)},
          {"@OZP@", str(s.outputZeroPoint)},
          {"@QMIN@", str(s.outputMin)},
          {"@QMAX@", str(s.outputMax)},
          {"@INBYTES@", str(s.h * s.w * s.c)},
          {"@OUTBYTES@", str(s.outH * s.outW * s.o)}};
}

/// The parameter arrays: device globals or static constants.
std::string parameterArrays(const LayerSpec &s, Render render,
                            const std::vector<uint8_t> &weightBytes,
                            const std::vector<int32_t> &bias) {
  std::string qualifier =
      render == Render::Device ? "static __device__ " : "static ";
  std::string aligned = render == Render::Device
                            ? "__align__(16) "
                            : "__attribute__((aligned(16))) ";
  // One byte more than the codes: C++ (nvcc) counts a string literal's
  // terminating NUL against the array.
  std::string text = qualifier + "const int8_t " + aligned + s.symbol + "_w[" +
                     str(static_cast<int64_t>(weightBytes.size()) + 1) +
                     "] =\n" + byteStringLiteral(weightBytes) + ";\n";
  text += qualifier + "const int32_t " + s.symbol + "_bias[" + str(s.o) +
          "] = " + initializer(bias) + ";\n";
  text += qualifier + "const int32_t " + s.symbol + "_multiplier[" + str(s.o) +
          "] = " + initializer(s.multiplier) + ";\n";
  text += qualifier + "const int32_t " + s.symbol + "_shift[" + str(s.o) +
          "] = " + initializer(s.shift) + ";\n";
  return text;
}

/// How a kernel stores output `at` (m * O + o) of requantized value `q`:
/// the byte itself, or with a residual epilogue the interpreter's f32 steps
/// after it (dequantize, add the residual, ReLU or clip) and each output of
/// the chain.
std::string storeFunction(const LayerSpec &s, Render render) {
  std::string text =
      std::string(render == Render::Device ? "static __device__ __forceinline__"
                                           : "static") +
      " void " + s.symbol +
      "_store(dfq_cuda_buffers out, int64_t at, int32_t q) {\n";
  const ResidualEpilogue &e = s.epilogue;
  if (!e.enabled())
    return text + "  ((uint8_t *)out.at[0])[at] = (uint8_t)q;\n}\n";
  std::string residual =
      e.residual == ResidualEpilogue::Residual::Float
          ? "((const float *)out.at[0])[at]"
          : "dfq_cuda_dequantize(((const uint8_t *)out.at[0])[at], " +
                str(e.residualZeroPoint) + ", " +
                floatLiteral(e.residualScale) + ")";
  text += "  float y = dfq_cuda_add(dfq_cuda_dequantize(q, " +
          str(s.outputZeroPoint) + ", " + floatLiteral(e.outputScale) +
          "),\n                         " + residual + ");\n";
  if (e.activation == ResidualEpilogue::Activation::Relu)
    text += "  y = y < 0.0f ? 0.0f : y;\n";
  if (e.activation == ResidualEpilogue::Activation::Clip)
    text += "  y = y < " + floatLiteral(e.clipMin) + " ? " +
            floatLiteral(e.clipMin) + " : y;\n  y = y > " +
            floatLiteral(e.clipMax) + " ? " + floatLiteral(e.clipMax) +
            " : y;\n";
  int buffer = 1;
  if (e.floatOutput)
    text += "  ((float *)out.at[" + str(buffer++) + "])[at] = y;\n";
  for (const ResidualEpilogue::Quantization &q : e.quantizedOutputs)
    text += "  ((uint8_t *)out.at[" + str(buffer++) +
            "])[at] = dfq_cuda_quantize(y, " + floatLiteral(q.scale) + ", " +
            floatLiteral(float(q.zeroPoint)) + ", " +
            floatLiteral(float(q.min)) + ", " + floatLiteral(float(q.max)) +
            ");\n";
  return text + "}\n";
}

/// The entry point's copy of its buffer pointers into the kernels' argument.
std::string bufferArgument(const LayerSpec &s) {
  return "dfq_cuda_buffers out = {{0}};\n  for (int i = 0; i < " +
         str(s.epilogue.enabled() ? 1 + int64_t(s.epilogue.outputCount()) : 1) +
         "; ++i)\n    out.at[i] = buffers[i];\n";
}

//===----------------------------------------------------------------------===//
// Depthwise: one output per thread on the CUDA cores
//===----------------------------------------------------------------------===//

/// Where a depthwise thread starts: its output (pixel m, channel o) and
/// input channel, the accumulator at the bias.
const char *kDepthwisePrologue =
    R"(@QUALIFIER@ void @F@_thread(const uint8_t *in,
    dfq_cuda_buffers out, int64_t n, int64_t bx, int by, int tid) {
  const int64_t m = bx * @TM@ + tid / @TN@;
  const int o = by * @TN@ + tid % @TN@;
  if (m >= n * @PIX@ || o >= @O@)
    return;
  const int64_t b = m / @PIX@;
  const int p = (int)(m % @PIX@), oy = p / @OW@, ox = p % @OW@;
  const int c = o / @OPG@;
  int32_t acc = @F@_bias[o];
)";

const char *kDepthwiseThread = R"(@THREAD@  for (int ky = 0; ky < @KH@; ++ky) {
    const int y = oy * @SH@ - @PT@ + ky * @DH@;
    if (y < 0 || y >= @H@)
      continue; /* padding holds the zero point */
    for (int kx = 0; kx < @KW@; ++kx) {
      const int x = ox * @SW@ - @PL@ + kx * @DW@;
      if (x < 0 || x >= @W@)
        continue;
      acc += ((int32_t)in[((b * @H@ + y) * @W@ + x) * @C@ + c] - @IZP@) *
             (int32_t)@F@_w[o * @TAPS@ + ky * @KW@ + kx];
    }
  }
  @F@_store(out, m * @O@ + o, dfq_cuda_requantize(acc, @F@_multiplier[o],
      @F@_shift[o], @OZP@, @QMIN@, @QMAX@));
}
)";

/// The same with dp4a: the taps in groups of four, their input bytes (the
/// zero point for padding and for the taps past the kernel, whose weights
/// are 0) packed into a word and multiplied by four packed weights at once.
/// The products are of raw codes, so the bias is the folded one (bias - zp
/// * sum of the weights, modulo 2^32) and the sum wraps as the tensor
/// cores' does.
const char *kDepthwiseDp4aThread =
    R"(@THREAD@  for (int g = 0; g < @GROUPS4@; ++g) {
    uint32_t a = 0;
    for (int j = 0; j < 4; ++j) {
      const int tap = g * 4 + j, ky = tap / @KW@, kx = tap % @KW@;
      const int y = oy * @SH@ - @PT@ + ky * @DH@, x = ox * @SW@ - @PL@ + kx * @DW@;
      const uint32_t v = tap < @TAPS@ && y >= 0 && y < @H@ && x >= 0 && x < @W@
                             ? in[((b * @H@ + y) * @W@ + x) * @C@ + c]
                             : @IZP@u;
      a |= v << (8 * j);
    }
    acc = @DP4A@(a, ((const int32_t *)@F@_w)[o * @GROUPS4@ + g], acc);
  }
  @F@_store(out, m * @O@ + o, dfq_cuda_requantize(acc, @F@_multiplier[o],
      @F@_shift[o], @OZP@, @QMIN@, @QMAX@));
}
)";

const char *kDepthwiseDevice =
    R"(static __global__ void __launch_bounds__(@NT@, 1)
@F@_kernel(const uint8_t *__restrict__ in, dfq_cuda_buffers out, int64_t n) {
  @F@_thread(in, out, n, blockIdx.x, blockIdx.y, threadIdx.x);
}

/* The layer's entry point: on device copies of its input and buffers. */
extern "C" int @F@(const uint8_t *in, void *const *buffers, int64_t n,
                   void *stream) {
  if (n == 0)
    return 0; /* an empty grid is not a launch */
  @BUFFERS@  dim3 grid((unsigned)((n * @PIX@ + @TM@ - 1) / @TM@), @BLOCKSN@);
  @F@_kernel<<<grid, @NT@, 0, (cudaStream_t)stream>>>(in, out, n);
  return cudaGetLastError() != cudaSuccess;
}
)";

const char *kDepthwiseHost =
    R"(int @F@(const uint8_t *input, void *const *buffers, int64_t n,
       void *stream) {
  (void)stream;
  @BUFFERS@  const int64_t blocks = (n * @PIX@ + @TM@ - 1) / @TM@;
  for (int64_t bx = 0; bx < blocks; ++bx)
    for (int by = 0; by < @BLOCKSN@; ++by)
      for (int tid = 0; tid < @NT@; ++tid)
        @F@_thread(input, out, n, bx, by, tid);
  return 0;
}

)";

bool emitDepthwise(const LayerSpec &s, const CudaSchedule &k, Render render,
                   std::string &source) {
  int64_t taps = s.kh * s.kw;
  // One byte per weight; with dp4a, [o][taps rounded up to 4] with zeros
  // past the kernel, and the bias folded.
  bool dp4a = k.tileK == 4;
  int64_t stride = dp4a ? (taps + 3) / 4 * 4 : taps;
  std::vector<uint8_t> weightBytes(s.o * stride, 0);
  std::vector<int32_t> bias = s.bias;
  for (int64_t o = 0; o < s.o; ++o) {
    int64_t sum = 0;
    for (int64_t t = 0; t < taps; ++t) {
      int32_t w = s.weights[o * taps + t];
      sum += w;
      weightBytes[o * stride + t] =
          static_cast<uint8_t>(static_cast<int8_t>(w));
    }
    if (dp4a)
      bias[o] = static_cast<int32_t>(static_cast<uint32_t>(
          int64_t(s.bias[o]) - int64_t(s.inputZeroPoint) * sum));
  }
  Fields fields = geometryFields(s);
  fields.insert(fields.begin(), {"@THREAD@", kDepthwisePrologue});
  fields.insert(fields.end(),
                {{"@QUALIFIER@", render == Render::Device
                                     ? "static __device__ __forceinline__"
                                     : "static"},
                 {"@TM@", str(k.tileM)},
                 {"@TN@", str(k.tileN)},
                 {"@NT@", str(32 * k.warpsM * k.warpsN)},
                 {"@OPG@", str(s.o / s.groups)},
                 {"@TAPS@", str(taps)},
                 {"@BLOCKSN@", str((s.o + k.tileN - 1) / k.tileN)},
                 {"@BUFFERS@", bufferArgument(s)},
                 {"@GROUPS4@", str(stride / 4)},
                 {"@DP4A@", render == Render::Device ? "dfq_dp4a_u8s8"
                                                     : "dfq_emu_dp4a_u8s8"}});
  source =
      describe(s, k) + parameterArrays(s, render, weightBytes, bias) +
      storeFunction(s, render) +
      substitute(dp4a ? kDepthwiseDp4aThread : kDepthwiseThread, fields) +
      substitute(render == Render::Device ? kDepthwiseDevice : kDepthwiseHost,
                 fields);
  return true;
}

//===----------------------------------------------------------------------===//
// Dense and grouped: implicit GEMM on the tensor cores
//===----------------------------------------------------------------------===//

/// Fills the stage's input tile (tile_m rows of tile_k bytes of im2col'ed
/// input) and weight tile (tile_n rows of tile_k weight bytes): in chunks of
/// @V@ bytes that never straddle a tap (V divides the group's channels),
/// copied asynchronously where they are in the image and filled with the
/// zero point where they are padding; rows past the layer and reduction
/// bytes past K read as 0 (their products meet zero weights or are never
/// stored).
const char *kLoader = R"(@QUALIFIER@ void @F@_load(@CONTEXT@const uint8_t *in,
    int64_t M, int64_t m0, int n0, int grp, int stage, int kt, int tid) {
  for (int q = tid; q < @ACHUNKS@; q += @NT@) {
    const int r = q / @ACPR@, kc = (q % @ACPR@) * @V@;
    const uint32_t dst = stage * @ASTAGE@ + r * @LD@ + kc;
    const int64_t m = m0 + r;
    const int k = kt * @TK@ + kc;
    if (m >= M || k >= @K@) {
      @FILLA0@;
      continue;
    }
    const int tap = k / @CPG@, ci = k % @CPG@;
    const int ky = tap / @KW@, kx = tap % @KW@;
    const int64_t b = m / @PIX@;
    const int p = (int)(m % @PIX@);
    const int y = p / @OW@ * @SH@ - @PT@ + ky * @DH@;
    const int x = p % @OW@ * @SW@ - @PL@ + kx * @DW@;
    if (y < 0 || y >= @H@ || x < 0 || x >= @W@) {
      @FILLAZ@;
      continue;
    }
    const uint8_t *src = in + ((b * @H@ + y) * @W@ + x) * @C@ + grp * @CPG@ + ci;
    @COPYA@;
  }
  for (int q = tid; q < @BCHUNKS@; q += @NT@) {
    const int r = q / @BCPR@, kc = (q % @BCPR@) * 16;
    const uint32_t dst = @BOFF@ + stage * @BSTAGE@ + r * @LD@ + kc;
    const int nn = n0 + r;
    if (nn >= @NG@) {
      @FILLB0@;
      continue;
    }
    const uint8_t *src = (const uint8_t *)@F@_w +
        (int64_t)(grp * @NG@ + nn) * @KPADBYTES@ + (kt * @TK@ + kc) / @CODESPERBYTE@;
    @COPYB@;
  }
}
)";

/// A weight chunk of 16 codes stored packed (@CODESPERBYTE@ per byte: 2 for
/// 3- and 4-bit weights, 4 for 2-bit ones), read into registers and widened
/// to int8 there, then stored to shared memory as the tensor cores read it.
const char *kUnpackB = R"({
      uint32_t packed[@PACKEDWORDS@], codes[4];
      @LOADPACKED@;
      for (int j = 0; j < 4; ++j)
        codes[j] = @UNPACK@;
      @STORECODES@;
    })";

/// The row address lane `lane` gives ldmatrix.x4: for A, rows 0-15 of the
/// warp's m16 tile at k 0 (lanes 0-15) and k 16 (lanes 16-31), so that
/// registers 0-3 are the a0-a3, a4-a7, a8-a11, a12-a15 of the mma's A
/// fragment; for B, rows (output channels) 0-7 at k 0, 0-7 at k 16, 8-15 at
/// k 0, 8-15 at k 16, so that registers 0-1 are the b0-b3, b4-b7 of one n8
/// tile and registers 2-3 those of the next.
const char *kAddressA =
    "@ABASE@ + (warp_m * @WTM@ + mi * 16 + (lane & 15)) * @LD@ + kk * 32 + "
    "(lane >> 4) * 16";
const char *kAddressB =
    "@BBASE@ + (warp_n * @WTN@ + nj * 16 + (lane >> 4) * 8 + (lane & 7)) * "
    "@LD@ + kk * 32 + ((lane >> 3) & 1) * 16";

const char *kComputeDevice = R"(static __device__ __forceinline__ void
@F@_compute(uint8_t *smem, int stage, int warp_m, int warp_n, int lane,
            int32_t acc[@MI@][@NI@][4]) {
#pragma unroll
  for (int kk = 0; kk < @TK@ / 32; ++kk) {
    uint32_t a[@MI@][4], b[@NI@][2];
#pragma unroll
    for (int mi = 0; mi < @MI@; ++mi)
      dfq_ldmatrix_x4(a[mi], smem + @ADDRA@);
#pragma unroll
    for (int nj = 0; nj < @NI@ / 2; ++nj) {
      uint32_t r[4];
      dfq_ldmatrix_x4(r, smem + @ADDRB@);
      b[2 * nj][0] = r[0];
      b[2 * nj][1] = r[1];
      b[2 * nj + 1][0] = r[2];
      b[2 * nj + 1][1] = r[3];
    }
#pragma unroll
    for (int mi = 0; mi < @MI@; ++mi)
#pragma unroll
      for (int ni = 0; ni < @NI@; ++ni)
        dfq_mma_m16n8k32_u8s8(acc[mi][ni], a[mi], b[ni]);
  }
}
)";

const char *kComputeHost = R"(static void @F@_compute(dfq_emu *emu, int stage,
    int warp_m, int warp_n, int32_t (*acc)[@MI@][@NI@][4]) {
  for (int kk = 0; kk < @TK@ / 32; ++kk) {
    uint32_t a[@MI@][32][4], b[@NI@][32][2], address[32], r[32][4];
    for (int mi = 0; mi < @MI@; ++mi) {
      for (int lane = 0; lane < 32; ++lane)
        address[lane] = @ADDRA@;
      dfq_emu_ldmatrix_x4(emu, address, a[mi]);
    }
    for (int nj = 0; nj < @NI@ / 2; ++nj) {
      for (int lane = 0; lane < 32; ++lane)
        address[lane] = @ADDRB@;
      dfq_emu_ldmatrix_x4(emu, address, r);
      for (int lane = 0; lane < 32; ++lane) {
        b[2 * nj][lane][0] = r[lane][0];
        b[2 * nj][lane][1] = r[lane][1];
        b[2 * nj + 1][lane][0] = r[lane][2];
        b[2 * nj + 1][lane][1] = r[lane][3];
      }
    }
    for (int mi = 0; mi < @MI@; ++mi)
      for (int ni = 0; ni < @NI@; ++ni)
        dfq_emu_mma_m16n8k32_u8s8((const uint32_t(*)[4])a[mi],
                                  (const uint32_t(*)[2])b[ni],
                                  &acc[0][mi][ni][0], @MI@ * @NI@ * 4);
  }
}
)";

/// The accumulator fragment c0..c3 of lane `lane` in n8 tile (mi, ni) is
/// output row g (c0, c1) or g + 8 (c2, c3), column 2 t + (i & 1), with g =
/// lane / 4 and t = lane % 4.
const char *kEpilogue = R"({
    const int g = lane >> 2, t = lane & 3;
@UNROLL@    for (int mi = 0; mi < @MI@; ++mi)
@UNROLL@      for (int ni = 0; ni < @NI@; ++ni)
@UNROLL@        for (int i = 0; i < 4; ++i) {
          const int64_t m = m0 + warp_m * @WTM@ + mi * 16 + g + (i >> 1) * 8;
          const int nn = n0 + warp_n * @WTN@ + ni * 8 + t * 2 + (i & 1);
          if (m < M && nn < @NG@) {
            const int o = grp * @NG@ + nn;
            @F@_store(out, m * @O@ + o, dfq_cuda_requantize(
                dfq_cuda_wrapping_add(@ACC@[mi][ni][i], @F@_bias[o]),
                @F@_multiplier[o], @F@_shift[o], @OZP@, @QMIN@, @QMAX@));
          }
        }
  }
)";

const char *kGemmDevice = R"(static __global__ void __launch_bounds__(@NT@, 1)
@F@_kernel(const uint8_t *__restrict__ in, dfq_cuda_buffers out, int64_t n) {
  extern __shared__ __align__(128) uint8_t smem[];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int warp_m = warp % @WM@, warp_n = warp / @WM@;
  const int64_t M = n * @PIX@, m0 = (int64_t)blockIdx.x * @TM@;
  const int n0 = blockIdx.y * @TN@, grp = blockIdx.z;
  int32_t acc[@MI@][@NI@][4];
#pragma unroll
  for (int mi = 0; mi < @MI@; ++mi)
#pragma unroll
    for (int ni = 0; ni < @NI@; ++ni)
#pragma unroll
      for (int i = 0; i < 4; ++i)
        acc[mi][ni][i] = 0;
  /* Stages 0 .. S-2 in flight before the first tile is needed; then each
   * step waits for its own stage, and (after the barrier that ends every
   * warp's reads of the stage computed last) refills that one. */
  for (int s = 0; s < @S@ - 1; ++s) {
    if (s < @KT@)
      @F@_load(smem, in, M, m0, n0, grp, s, s, tid);
    dfq_cp_async_commit();
  }
  for (int kt = 0; kt < @KT@; ++kt) {
    dfq_cp_async_wait<@S@ - 2>();
    __syncthreads();
    const int next = kt + @S@ - 1;
    if (next < @KT@)
      @F@_load(smem, in, M, m0, n0, grp, next % @S@, next, tid);
    dfq_cp_async_commit();
    @F@_compute(smem, kt % @S@, warp_m, warp_n, lane, acc);
  }
  @EPILOGUE@}

/* The layer's entry point: on device copies of its input and buffers. */
extern "C" int @F@(const uint8_t *in, void *const *buffers, int64_t n,
                   void *stream) {
  if (n == 0)
    return 0; /* an empty grid is not a launch */
  @BUFFERS@  static int configured;
  if (!configured) {
    if (cudaFuncSetAttribute(@F@_kernel,
                             cudaFuncAttributeMaxDynamicSharedMemorySize,
                             @SMEM@) != cudaSuccess)
      return 1;
    configured = 1;
  }
  dim3 grid((unsigned)((n * @PIX@ + @TM@ - 1) / @TM@), @BLOCKSN@, @GROUPS@);
  @F@_kernel<<<grid, @NT@, @SMEM@, (cudaStream_t)stream>>>(in, out, n);
  return cudaGetLastError() != cudaSuccess;
}
)";

const char *kGemmHost =
    R"(static void @F@_block(dfq_emu *emu, const uint8_t *in,
    dfq_cuda_buffers out, int64_t n, int64_t bx, int by, int grp,
    int32_t (*acc)[@MI@][@NI@][4]) {
  const int64_t M = n * @PIX@, m0 = bx * @TM@;
  const int n0 = by * @TN@;
  dfq_emu_begin_block(emu);
  memset(acc, 0, sizeof(int32_t) * @NT@ * @MI@ * @NI@ * 4);
  /* Each phase between two barriers runs every thread (or warp) in turn. */
  for (int s = 0; s < @S@ - 1; ++s)
    for (int tid = 0; tid < @NT@; ++tid) {
      if (s < @KT@)
        @F@_load(emu, in, M, m0, n0, grp, s, s, tid);
      dfq_emu_cp_async_commit(emu, tid);
    }
  for (int kt = 0; kt < @KT@; ++kt) {
    for (int tid = 0; tid < @NT@; ++tid)
      dfq_emu_cp_async_wait(emu, tid, @S@ - 2);
    /* __syncthreads() */
    const int next = kt + @S@ - 1;
    for (int tid = 0; tid < @NT@; ++tid) {
      if (next < @KT@)
        @F@_load(emu, in, M, m0, n0, grp, next % @S@, next, tid);
      dfq_emu_cp_async_commit(emu, tid);
    }
    for (int warp = 0; warp < @NT@ / 32; ++warp)
      @F@_compute(emu, kt % @S@, warp % @WM@, warp / @WM@, acc + warp * 32);
  }
  for (int tid = 0; tid < @NT@; ++tid) {
    const int lane = tid & 31, warp = tid >> 5;
    const int warp_m = warp % @WM@, warp_n = warp / @WM@;
    @EPILOGUE@}
}

int @F@(const uint8_t *input, void *const *buffers, int64_t n,
       void *stream) {
  (void)stream;
  @BUFFERS@  const int64_t blocks = (n * @PIX@ + @TM@ - 1) / @TM@;
  int32_t (*acc)[@MI@][@NI@][4] =
      (int32_t (*)[@MI@][@NI@][4])malloc(sizeof(int32_t) * @NT@ * @MI@ * @NI@ * 4);
  dfq_emu emu;
  if (!acc || dfq_emu_init(&emu, @SMEM@, @NT@, @PENDING@, input,
                           n * @INBYTES@, @F@_w, @WBYTES@)) {
    free(acc);
    return dfq_rt_fail("@F@: out of memory for the emulated thread block");
  }
  for (int grp = 0; grp < @GROUPS@ && !emu.failed; ++grp)
    for (int by = 0; by < @BLOCKSN@ && !emu.failed; ++by)
      for (int64_t bx = 0; bx < blocks && !emu.failed; ++bx)
        @F@_block(&emu, input, out, n, bx, by, grp, acc);
  int status = emu.failed ? dfq_rt_fail("@F@: %s", emu.message) : 0;
  dfq_emu_free(&emu);
  free(acc);
  return status;
}

)";

bool emitImplicitGemm(const LayerSpec &s, const CudaSchedule &k, Render render,
                      std::string &source) {
  int64_t cpg = s.c / s.groups, ng = s.o / s.groups;
  int64_t reduction = s.kh * s.kw * cpg;
  int64_t kpad = (reduction + k.tileK - 1) / k.tileK * k.tileK;
  // Weights [o][kpad] in (ky, kx, c) order, zero past the reduction,
  // `perByte` codes to a byte (low bits first); the folded bias is taken
  // modulo 2^32, as the tensor cores wrap.
  int64_t perByte = s.weightBits <= 2 ? 4 : s.weightBits <= 4 ? 2 : 1;
  int64_t codeBits = 8 / perByte;
  std::vector<uint8_t> weightBytes(s.o * kpad / perByte, 0);
  std::vector<int32_t> bias(s.o);
  for (int64_t o = 0; o < s.o; ++o) {
    int64_t sum = 0;
    for (int64_t i = 0; i < s.kh; ++i)
      for (int64_t j = 0; j < s.kw; ++j)
        for (int64_t ci = 0; ci < cpg; ++ci) {
          int32_t w = s.weights[((o * cpg + ci) * s.kh + i) * s.kw + j];
          sum += w;
          int64_t at = o * kpad + (i * s.kw + j) * cpg + ci;
          uint32_t code = static_cast<uint32_t>(w) & ((1u << codeBits) - 1);
          weightBytes[at / perByte] |=
              static_cast<uint8_t>(code << (codeBits * (at % perByte)));
        }
    int64_t folded = int64_t(s.bias[o]) - int64_t(s.inputZeroPoint) * sum;
    bias[o] = static_cast<int32_t>(static_cast<uint32_t>(folded));
  }
  int64_t chunk = 1;
  for (int64_t v : {16, 8, 4})
    if (cpg % v == 0 && s.c % v == 0) {
      chunk = v;
      break;
    }
  int64_t threads = 32 * k.warpsM * k.warpsN;
  int64_t rowBytes = k.tileK + 16;
  int64_t aStage = k.tileM * rowBytes, bStage = k.tileN * rowBytes;
  int64_t aChunks = k.tileM * k.tileK / chunk, bChunks = k.tileN * k.tileK / 16;
  int64_t smem = k.stages * (aStage + bStage);
  // A thread's copies in flight: what it issues for each stage pending.
  int64_t pending = k.stages * ((aChunks + threads - 1) / threads +
                                (bChunks + threads - 1) / threads);
  bool device = render == Render::Device;
  std::string v = str(chunk);
  auto fill = [&](const std::string &value, const std::string &bytes) {
    return device ? "dfq_fill_shared<" + bytes + ">(smem + dst, " + value + ")"
                  : "dfq_emu_fill(emu, dst, " + value + ", " + bytes + ")";
  };
  auto copy = [&](const std::string &bytes) {
    if (bytes == "1")
      return device ? std::string("smem[dst] = *src")
                    : std::string("dfq_emu_copy_byte(emu, dst, src)");
    return device
               ? "dfq_cp_async<" + bytes + ">(smem + dst, src, " + bytes + ")"
               : "dfq_emu_cp_async(emu, tid, dst, src, " + bytes + ", " +
                     bytes + ")";
  };
  Fields fields = geometryFields(s);
  int64_t wtm = k.tileM / k.warpsM, wtn = k.tileN / k.warpsN;
  Fields tiling = {
      {"@QUALIFIER@", device ? "static __device__ __forceinline__" : "static"},
      {"@CONTEXT@", device ? "uint8_t *smem, " : "dfq_emu *emu, "},
      {"@ADDRA@", kAddressA},
      {"@ADDRB@", kAddressB},
      {"@ABASE@", "stage * @ASTAGE@"},
      {"@BBASE@", "@BOFF@ + stage * @BSTAGE@"},
      {"@FILLA0@", fill("0", v)},
      {"@FILLAZ@", fill("@IZP@", v)},
      {"@COPYA@", copy(v)},
      {"@FILLB0@", fill("0", "16")},
      {"@COPYB@", perByte == 1 ? copy("16") : kUnpackB},
      {"@PACKEDWORDS@", str(4 / perByte)},
      {"@LOADPACKED@",
       device
           ? (perByte == 2 ? "const uint2 word = *(const uint2 *)src; "
                             "packed[0] = word.x; packed[1] = word.y"
                           : "packed[0] = *(const uint32_t *)src")
           : "dfq_emu_load_words(emu, packed, src, " + str(4 / perByte) + ")"},
      {"@UNPACK@", perByte == 2 ? "dfq_cuda_unpack_s4(packed[j >> 1], j & 1)"
                                : "dfq_cuda_unpack_s2(packed[0], j)"},
      {"@STORECODES@",
       device ? "*(uint4 *)(smem + dst) = make_uint4(codes[0], codes[1], "
                "codes[2], codes[3])"
              : "dfq_emu_store_words(emu, dst, codes, 4)"},
      {"@CODESPERBYTE@", str(perByte)},
      {"@KPADBYTES@", str(kpad / perByte)},
      {"@EPILOGUE@", kEpilogue},
      {"@ACC@", device ? "acc" : "acc[tid]"},
      // Accumulators stay in registers only if every index is a constant.
      {"@UNROLL@", device ? "#pragma unroll\n" : ""},
      {"@V@", v},
      {"@TM@", str(k.tileM)},
      {"@TN@", str(k.tileN)},
      {"@TK@", str(k.tileK)},
      {"@WM@", str(k.warpsM)},
      {"@WTM@", str(wtm)},
      {"@WTN@", str(wtn)},
      {"@MI@", str(wtm / 16)},
      {"@NI@", str(wtn / 8)},
      {"@S@", str(k.stages)},
      {"@NT@", str(threads)},
      {"@K@", str(reduction)},
      {"@KPAD@", str(kpad)},
      {"@KT@", str(kpad / k.tileK)},
      {"@CPG@", str(cpg)},
      {"@NG@", str(ng)},
      {"@LD@", str(rowBytes)},
      {"@ASTAGE@", str(aStage)},
      {"@BSTAGE@", str(bStage)},
      {"@BOFF@", str(k.stages * aStage)},
      {"@ACHUNKS@", str(aChunks)},
      {"@ACPR@", str(k.tileK / chunk)},
      {"@BCHUNKS@", str(bChunks)},
      {"@BCPR@", str(k.tileK / 16)},
      {"@SMEM@", str(smem)},
      {"@PENDING@", str(pending)},
      {"@WBYTES@", str(static_cast<int64_t>(weightBytes.size()))},
      {"@GROUPS@", str(s.groups)},
      {"@BLOCKSN@", str((ng + k.tileN - 1) / k.tileN)},
      {"@BUFFERS@", bufferArgument(s)}};
  // Templates name tiling keys that name geometry keys: tiling first.
  fields.insert(fields.begin(), tiling.begin(), tiling.end());
  source = describe(s, k) + parameterArrays(s, render, weightBytes, bias) +
           storeFunction(s, render) + substitute(kLoader, fields) +
           substitute(device ? kComputeDevice : kComputeHost, fields) +
           substitute(device ? kGemmDevice : kGemmHost, fields);
  return true;
}

} // namespace

bool cuda::emitCudaKernel(const LayerSpec &spec, const CudaSchedule &schedule,
                          Render render, std::string &source,
                          std::string &error) {
  if (!validate(spec, schedule, error))
    return false;
  if (schedule.kind == "depthwise")
    return emitDepthwise(spec, schedule, render, source);
  return emitImplicitGemm(spec, schedule, render, source);
}
