//===- CKernel.cpp - one quantized layer as a C99 function ----------------===//
//
// The loop nest is the normative definition, written for a compiler to
// optimize rather than by hand: every extent is a literal, the weights are
// constant arrays, the accumulation is exact in int64 (the pipeline has
// checked that every layer's worst-case sum fits the target's accumulator),
// and dfq_rt_requantize rounds exactly as the reference interpreter does.
//
//===----------------------------------------------------------------------===//

#include "dfq/Targets/C/CBackend.h"

#include <cstdint>
#include <cstring>
#include <string>

using namespace mlir::dfq;

namespace {

std::string str(int64_t v) { return std::to_string(v); }

/// `name[] = {v0, v1, ...}` with `type` elements, eight per line.
template <typename T>
std::string array(const std::string &type, const std::string &name,
                  const std::vector<T> &values) {
  std::string text = "static const " + type + " " + name + "[" +
                     str(static_cast<int64_t>(values.size())) + "] = {";
  for (size_t i = 0; i < values.size(); ++i)
    text += (i % 12 ? " " : "\n    ") + str(values[i]) + ",";
  return text + "\n};\n";
}

bool validate(const LayerSpec &s, std::string &error) {
  if (!checkLayerSpec(s, error))
    return false;
  if (s.epilogue.enabled()) {
    error = "the C backend computes residual chains on the host";
    return false;
  }
  return true;
}

} // namespace

bool c::emitCKernel(const LayerSpec &s, std::string &source,
                    std::string &error) {
  if (!validate(s, error))
    return false;
  const std::string &f = s.symbol;
  std::string in = s.inputSigned ? "int8_t" : "uint8_t";
  std::string out = s.outputSigned ? "int8_t" : "uint8_t";
  std::string weight = s.weightsSigned ? "int8_t" : "uint8_t";
  int64_t cpg = s.c / s.groups, opg = s.o / s.groups;
  int64_t taps = cpg * s.kh * s.kw;

  std::string text;
  text += "/* " + s.layerName + ": " +
          (s.isGemm ? "gemm " + str(s.c) + " -> " + str(s.o)
                    : "conv2d " + str(s.kh) + "x" + str(s.kw) + " stride " +
                          str(s.strideH) + "x" + str(s.strideW) + " pad " +
                          str(s.padTop) + "," + str(s.padLeft) + " dilation " +
                          str(s.dilationH) + "x" + str(s.dilationW) +
                          " groups " + str(s.groups) + ", " + str(s.c) + "x" +
                          str(s.h) + "x" + str(s.w) + " -> " + str(s.o) + "x" +
                          str(s.outH) + "x" + str(s.outW)) +
          "; w" + str(s.weightBits) + (s.weightsSigned ? "s" : "u") + " a" +
          str(s.activationBits) + " */\n";
  // Weights in [o][kh][kw][c/groups] order: each tap's input channels are
  // contiguous in the weights as in the NHWC input, so the innermost loop
  // is a dot product of two contiguous runs the compiler vectorizes.
  std::vector<int32_t> tapMajor;
  tapMajor.reserve(s.weights.size());
  for (int64_t oc = 0; oc < s.o; ++oc)
    for (int64_t i = 0; i < s.kh; ++i)
      for (int64_t j = 0; j < s.kw; ++j)
        for (int64_t ci = 0; ci < cpg; ++ci)
          tapMajor.push_back(
              s.weights[((oc * cpg + ci) * s.kh + i) * s.kw + j]);
  text += array(weight, f + "_weights", tapMajor);
  text += array("int32_t", f + "_bias", s.bias);
  text += array("int32_t", f + "_multiplier", s.multiplier);
  text += array("int32_t", f + "_shift", s.shift);
  text += array("int32_t", f + "_weight_zero_point", s.weightZeroPoint);
  // A product of two differences of 8-bit codes is below 2^16 in
  // magnitude, so one tap's sum over the input channels fits int32 (what
  // vectorizes well) unless there are more than 2^15 of them; the layer's
  // sum is kept in int64, exact whatever the accumulator bound.
  std::string body =
      R"(int @F@(const void *input_data, int64_t n, int64_t first_row,
    int64_t last_row, void *output_data) {
  const @IN@ *input = (const @IN@ *)input_data;
  @OUT@ *output = (@OUT@ *)output_data;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oy = first_row; oy < last_row; ++oy)
      for (int64_t ox = 0; ox < @OW@; ++ox) {
        @OUT@ *pixel = output + ((b * @OH@ + oy) * @OW@ + ox) * @O@;
        for (int64_t oc = 0; oc < @O@; ++oc) {
          const @W@ *w = @F@_weights + oc * @TAPS@;
          const int32_t wz = @F@_weight_zero_point[oc];
          const int64_t channel0 = @CHANNEL0@;
          int64_t acc = @F@_bias[oc];
          for (int64_t i = 0; i < @KH@; ++i) {
            const int64_t y = oy * @SH@ - @PT@ + i * @DH@;
            if (y < 0 || y >= @H@)
              continue; /* padding holds the zero point */
            for (int64_t j = 0; j < @KW@; ++j) {
              const int64_t x = ox * @SW@ - @PL@ + j * @DW@;
              if (x < 0 || x >= @WIDTH@)
                continue;
              const @IN@ *px = input + ((b * @H@ + y) * @WIDTH@ + x) * @C@ + channel0;
              const @W@ *wt = w + (i * @KW@ + j) * @CPG@;
              @TAP@ tap = 0;
              for (int64_t ci = 0; ci < @CPG@; ++ci)
                tap += ((int32_t)px[ci] - @IZP@) * ((int32_t)wt[ci] - wz);
              acc += tap;
            }
          }
          pixel[oc] = (@OUT@)dfq_rt_requantize(acc, @F@_multiplier[oc],
                                               @F@_shift[oc], @OZP@, @QMIN@, @QMAX@);
        }
      }
  return 0;
}

)";
  const std::pair<const char *, std::string> fields[] = {
      {"@F@", f},
      {"@IN@", in},
      {"@OUT@", out},
      {"@W@", weight},
      {"@OH@", str(s.outH)},
      {"@OW@", str(s.outW)},
      {"@O@", str(s.o)},
      {"@TAPS@", str(taps)},
      {"@CHANNEL0@", s.groups == 1 ? std::string("0")
                                   : "oc / " + str(opg) + " * " + str(cpg)},
      {"@KH@", str(s.kh)},
      {"@KW@", str(s.kw)},
      {"@SH@", str(s.strideH)},
      {"@SW@", str(s.strideW)},
      {"@PT@", str(s.padTop)},
      {"@PL@", str(s.padLeft)},
      {"@DH@", str(s.dilationH)},
      {"@DW@", str(s.dilationW)},
      {"@H@", str(s.h)},
      {"@WIDTH@", str(s.w)},
      {"@C@", str(s.c)},
      {"@CPG@", str(cpg)},
      {"@TAP@", cpg * 65025 < (int64_t(1) << 31) ? "int32_t" : "int64_t"},
      {"@IZP@", str(s.inputZeroPoint)},
      {"@OZP@", str(s.outputZeroPoint)},
      {"@QMIN@", str(s.outputMin)},
      {"@QMAX@", str(s.outputMax)},
  };
  for (const auto &[key, value] : fields)
    for (size_t at = body.find(key); at != std::string::npos;
         at = body.find(key, at + value.size()))
      body.replace(at, std::strlen(key), value);
  text += body;
  source = std::move(text);
  return true;
}
