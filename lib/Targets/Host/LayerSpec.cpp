//===- LayerSpec.cpp - what every kernel generator checks first -----------===//

#include "dfq/Targets/LayerSpec.h"

using namespace mlir::dfq;

static std::string str(int64_t v) { return std::to_string(v); }

static bool check(bool condition, const std::string &message,
                  std::string &error) {
  if (!condition)
    error = message;
  return condition;
}

bool mlir::dfq::checkLayerSpec(const LayerSpec &s, std::string &error) {
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
             "weight and activation widths must be in [2, 8]", error))
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
  return check(s.outputMin <= s.outputMax, "empty output range", error) &&
         checkResidualEpilogue(s.epilogue, error);
}
