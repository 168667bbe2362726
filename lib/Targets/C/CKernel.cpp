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

bool check(bool condition, const std::string &message, std::string &error) {
  if (!condition)
    error = message;
  return condition;
}

bool validate(const LayerSpec &s, std::string &error) {
  if (!check(!s.symbol.empty(), "the kernel has no symbol", error) ||
      !check(s.c > 0 && s.o > 0 && s.h > 0 && s.w > 0 && s.kh > 0 && s.kw > 0 &&
                 s.outH > 0 && s.outW > 0 && s.groups > 0,
             "every extent must be positive", error) ||
      !check(s.c % s.groups == 0 && s.o % s.groups == 0,
             "groups must divide the input and output channels", error) ||
      !check(s.strideH > 0 && s.strideW > 0 && s.dilationH > 0 &&
                 s.dilationW > 0 && s.padTop >= 0 && s.padLeft >= 0,
             "strides and dilations must be positive, pads non-negative",
             error) ||
      !check(s.weightBits >= 2 && s.weightBits <= 8 && s.activationBits >= 2 &&
                 s.activationBits <= 8,
             "weight and activation widths must be in [2, 8]", error) ||
      !check(!s.epilogue.enabled(),
             "the C backend computes residual chains on the host", error))
    return false;
  int64_t perChannel = (s.c / s.groups) * s.kh * s.kw;
  if (!check(static_cast<int64_t>(s.weights.size()) == s.o * perChannel,
             "expected " + str(s.o * perChannel) + " weights, got " +
                 str(static_cast<int64_t>(s.weights.size())),
             error))
    return false;
  for (const std::vector<int32_t> *v :
       {&s.bias, &s.multiplier, &s.shift, &s.weightZeroPoint})
    if (!check(static_cast<int64_t>(v->size()) == s.o,
               "every per-channel parameter needs " + str(s.o) + " entries",
               error))
      return false;
  int64_t wmin = s.weightsSigned ? -(int64_t(1) << (s.weightBits - 1)) : 0;
  int64_t wmax = s.weightsSigned ? (int64_t(1) << (s.weightBits - 1)) - 1
                                 : (int64_t(1) << s.weightBits) - 1;
  for (int32_t w : s.weights)
    if (!check(w >= wmin && w <= wmax,
               "weight " + str(w) + " is outside [" + str(wmin) + ", " +
                   str(wmax) + "]",
               error))
      return false;
  for (int64_t o = 0; o < s.o; ++o)
    if (!check(s.shift[o] >= 0 && s.shift[o] <= 62,
               "shift " + str(s.shift[o]) + " is outside [0, 62]", error) ||
        !check(s.multiplier[o] >= 1,
               "multiplier " + str(s.multiplier[o]) + " is below 1", error))
      return false;
  return check(s.outputMin <= s.outputMax, "empty output range", error);
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
  text += array(weight, f + "_weights", s.weights);
  text += array("int32_t", f + "_bias", s.bias);
  text += array("int32_t", f + "_multiplier", s.multiplier);
  text += array("int32_t", f + "_shift", s.shift);
  text += array("int32_t", f + "_weight_zero_point", s.weightZeroPoint);
  text +=
      "int " + f +
      "(const void *input_data, int64_t n, int64_t first_row,\n"
      "    int64_t last_row, void *output_data) {\n"
      "  const " +
      in + " *input = (const " + in +
      " *)input_data;\n"
      "  " +
      out + " *output = (" + out +
      " *)output_data;\n"
      "  for (int64_t b = 0; b < n; ++b)\n"
      "    for (int64_t oy = first_row; oy < last_row; ++oy)\n"
      "      for (int64_t ox = 0; ox < " +
      str(s.outW) +
      "; ++ox) {\n"
      "        " +
      out + " *pixel = output + ((b * " + str(s.outH) + " + oy) * " +
      str(s.outW) + " + ox) * " + str(s.o) +
      ";\n"
      "        for (int64_t oc = 0; oc < " +
      str(s.o) +
      "; ++oc) {\n"
      "          const " +
      weight + " *w = " + f + "_weights + oc * " + str(taps) +
      ";\n"
      "          const int64_t wz = " +
      f +
      "_weight_zero_point[oc];\n"
      "          const int64_t channel0 = " +
      (s.groups == 1 ? std::string("0")
                     : "oc / " + str(opg) + " * " + str(cpg)) +
      ";\n"
      "          int64_t acc = " +
      f +
      "_bias[oc];\n"
      "          for (int64_t i = 0; i < " +
      str(s.kh) +
      "; ++i) {\n"
      "            const int64_t y = oy * " +
      str(s.strideH) + " - " + str(s.padTop) + " + i * " + str(s.dilationH) +
      ";\n"
      "            if (y < 0 || y >= " +
      str(s.h) +
      ")\n"
      "              continue; /* padding holds the zero point */\n"
      "            for (int64_t j = 0; j < " +
      str(s.kw) +
      "; ++j) {\n"
      "              const int64_t x = ox * " +
      str(s.strideW) + " - " + str(s.padLeft) + " + j * " + str(s.dilationW) +
      ";\n"
      "              if (x < 0 || x >= " +
      str(s.w) +
      ")\n"
      "                continue;\n"
      "              const " +
      in + " *px = input + ((b * " + str(s.h) + " + y) * " + str(s.w) +
      " + x) * " + str(s.c) +
      " + channel0;\n"
      "              for (int64_t ci = 0; ci < " +
      str(cpg) +
      "; ++ci)\n"
      "                acc += ((int64_t)px[ci] - " +
      str(s.inputZeroPoint) +
      ") *\n"
      "                       ((int64_t)w[(ci * " +
      str(s.kh) + " + i) * " + str(s.kw) +
      " + j] - wz);\n"
      "            }\n"
      "          }\n"
      "          pixel[oc] = (" +
      out +
      ")dfq_rt_requantize(\n"
      "              acc, " +
      f + "_multiplier[oc], " + f + "_shift[oc], " + str(s.outputZeroPoint) +
      ", " + str(s.outputMin) + ", " + str(s.outputMax) +
      ");\n"
      "        }\n"
      "      }\n"
      "  return 0;\n"
      "}\n\n";
  source = std::move(text);
  return true;
}
