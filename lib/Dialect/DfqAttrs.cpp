//===- DfqAttrs.cpp - dfq attributes --------------------------------------===//

#include "dfq/Dialect/DfqAttrs.h"
#include "dfq/Dialect/DfqDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dfq;

#include "dfq/DfqEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dfq/DfqAttrs.cpp.inc"

void DfqDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dfq/DfqAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// QParamsAttr
//===----------------------------------------------------------------------===//

int64_t QParamsAttr::getStorageMin() const {
  return getIsSigned() ? -(int64_t(1) << (getBits() - 1)) : 0;
}

int64_t QParamsAttr::getStorageMax() const {
  return getIsSigned() ? (int64_t(1) << (getBits() - 1)) - 1
                       : (int64_t(1) << getBits()) - 1;
}

quant::QuantizedType
QParamsAttr::getQuantizedElementType(Type expressedType) const {
  MLIRContext *ctx = expressedType.getContext();
  unsigned flags = getIsSigned() ? quant::QuantizationFlags::Signed : 0;
  auto storageType = IntegerType::get(ctx, getBits());
  if (std::optional<int64_t> axis = getAxis())
    return quant::UniformQuantizedPerAxisType::get(
        flags, storageType, expressedType, getScales().asArrayRef(),
        getZeroPoints().asArrayRef(), int32_t(*axis), getStorageMin(),
        getStorageMax());
  return quant::UniformQuantizedType::get(
      flags, storageType, expressedType, getScales().asArrayRef().front(),
      getZeroPoints().asArrayRef().front(), getStorageMin(), getStorageMax());
}

LogicalResult
QParamsAttr::verify(function_ref<InFlightDiagnostic()> emitError, unsigned bits,
                    bool isSigned, QuantScheme scheme,
                    std::optional<int64_t> axis, DenseF64ArrayAttr scalesAttr,
                    DenseI64ArrayAttr zeroPointsAttr, FloatAttr rangeMin,
                    FloatAttr rangeMax, RangeSource source, Observer observer) {
  if (!scalesAttr || !zeroPointsAttr)
    return emitError() << "expected scales and zero points";
  ArrayRef<double> scales = scalesAttr.asArrayRef();
  ArrayRef<int64_t> zeroPoints = zeroPointsAttr.asArrayRef();
  if (bits < 2 || bits > 8)
    return emitError() << "bit width " << bits
                       << " is outside the supported range 2..8";
  if (scales.empty())
    return emitError() << "expected at least one scale";
  if (!axis && scales.size() != 1)
    return emitError() << "per-tensor parameters take exactly one scale, got "
                       << scales.size() << " (add 'axis = N' for per-channel)";
  if (axis && *axis < 0)
    return emitError() << "axis must be non-negative, got " << *axis;
  if (scales.size() != zeroPoints.size())
    return emitError() << "got " << scales.size() << " scales but "
                       << zeroPoints.size() << " zero points";
  int64_t qmin = isSigned ? -(int64_t(1) << (bits - 1)) : 0;
  int64_t qmax =
      isSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
  for (auto [i, scale] : llvm::enumerate(scales))
    if (!(scale > 0.0) || !std::isfinite(scale))
      return emitError() << "scale #" << i
                         << " must be positive and finite, got " << scale;
  for (auto [i, zp] : llvm::enumerate(zeroPoints)) {
    if (zp < qmin || zp > qmax)
      return emitError() << "zero point #" << i << " (" << zp
                         << ") is outside the storage range [" << qmin << ", "
                         << qmax << "] of " << (isSigned ? "i" : "u") << bits;
    if (scheme == QuantScheme::Symmetric && zp != 0)
      return emitError() << "symmetric parameters need zero points of 0, zero "
                            "point #"
                         << i << " is " << zp;
  }
  if (bool(rangeMin) != bool(rangeMax))
    return emitError() << "a range needs both a minimum and a maximum";
  if (rangeMin && !(rangeMin.getValueAsDouble() <= rangeMax.getValueAsDouble()))
    return emitError() << "range minimum " << rangeMin.getValueAsDouble()
                       << " is greater than its maximum "
                       << rangeMax.getValueAsDouble();
  return success();
}

/// Parses the storage spelling `iN` (signed) or `uN` (unsigned). The lexer
/// reads `iN` as an integer type and `uN` as a bare identifier.
static ParseResult parseStorage(AsmParser &parser, unsigned &bits,
                                bool &isSigned) {
  SMLoc loc = parser.getCurrentLocation();
  Type type;
  OptionalParseResult typeResult = parser.parseOptionalType(type);
  if (typeResult.has_value()) {
    if (failed(*typeResult))
      return failure();
    auto intType = dyn_cast<IntegerType>(type);
    if (!intType || !intType.isSignless())
      return parser.emitError(loc, "expected storage 'iN' or 'uN', got ")
             << type;
    bits = intType.getWidth();
    isSigned = true;
    return success();
  }
  StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return failure();
  if (!keyword.consume_front("u") || keyword.getAsInteger(10, bits))
    return parser.emitError(loc, "expected storage 'iN' or 'uN'");
  isSigned = false;
  return success();
}

Attribute QParamsAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  unsigned bits = 0;
  bool isSigned = false;
  StringRef schemeKeyword;
  if (parser.parseLess() || parseStorage(parser, bits, isSigned) ||
      parser.parseComma())
    return {};
  SMLoc schemeLoc = parser.getCurrentLocation();
  if (parser.parseKeyword(&schemeKeyword))
    return {};
  std::optional<QuantScheme> scheme = symbolizeQuantScheme(schemeKeyword);
  if (!scheme) {
    parser.emitError(schemeLoc, "expected 'symmetric' or 'asymmetric'");
    return {};
  }

  std::optional<int64_t> axis;
  std::optional<SmallVector<double>> scales;
  std::optional<SmallVector<int64_t>> zeroPoints;
  FloatAttr rangeMin, rangeMax;
  std::optional<RangeSource> source;
  std::optional<Observer> observer;
  llvm::StringSet<> seen;

  while (succeeded(parser.parseOptionalComma())) {
    SMLoc keyLoc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key) || parser.parseEqual())
      return {};
    if (!seen.insert(key).second) {
      parser.emitError(keyLoc, "duplicate key '") << key << "'";
      return {};
    }
    if (key == "axis") {
      int64_t value;
      if (parser.parseInteger(value))
        return {};
      axis = value;
    } else if (key == "scales") {
      scales.emplace();
      if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
            return parser.parseFloat(scales->emplace_back());
          }))
        return {};
    } else if (key == "zero_points") {
      zeroPoints.emplace();
      if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
            return parser.parseInteger(zeroPoints->emplace_back());
          }))
        return {};
    } else if (key == "range") {
      double lo, hi;
      if (parser.parseLSquare() || parser.parseFloat(lo) ||
          parser.parseComma() || parser.parseFloat(hi) || parser.parseRSquare())
        return {};
      Type f64 = Float64Type::get(parser.getContext());
      rangeMin = FloatAttr::get(f64, lo);
      rangeMax = FloatAttr::get(f64, hi);
    } else if (key == "source") {
      StringRef value;
      SMLoc valueLoc = parser.getCurrentLocation();
      if (parser.parseKeyword(&value))
        return {};
      source = symbolizeRangeSource(value);
      if (!source) {
        parser.emitError(valueLoc, "unknown range source '") << value << "'";
        return {};
      }
    } else if (key == "observer") {
      StringRef value;
      SMLoc valueLoc = parser.getCurrentLocation();
      if (parser.parseKeyword(&value))
        return {};
      observer = symbolizeObserver(value);
      if (!observer) {
        parser.emitError(valueLoc, "unknown observer '") << value << "'";
        return {};
      }
    } else {
      parser.emitError(keyLoc, "unknown key '")
          << key
          << "'; expected axis, scales, zero_points, range, source or observer";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  if (!scales || !zeroPoints) {
    parser.emitError(loc, "quantization parameters need 'scales' and "
                          "'zero_points'");
    return {};
  }
  return QParamsAttr::getChecked(
      [&] { return parser.emitError(loc); }, parser.getContext(), bits,
      isSigned, *scheme, axis,
      DenseF64ArrayAttr::get(parser.getContext(), *scales),
      DenseI64ArrayAttr::get(parser.getContext(), *zeroPoints), rangeMin,
      rangeMax, source.value_or(RangeSource::Unknown),
      observer.value_or(Observer::None));
}

void QParamsAttr::print(AsmPrinter &printer) const {
  auto printDouble = [&](double value) { printer.printFloat(APFloat(value)); };
  printer << '<' << (getIsSigned() ? "i" : "u") << getBits() << ", "
          << stringifyQuantScheme(getScheme());
  if (std::optional<int64_t> axis = getAxis())
    printer << ", axis = " << *axis;
  printer << ", scales = [";
  llvm::interleaveComma(getScales().asArrayRef(), printer, printDouble);
  printer << "], zero_points = [";
  llvm::interleaveComma(getZeroPoints().asArrayRef(), printer);
  printer << ']';
  if (getRangeMin()) {
    printer << ", range = [";
    printDouble(getRangeMin().getValueAsDouble());
    printer << ", ";
    printDouble(getRangeMax().getValueAsDouble());
    printer << ']';
  }
  if (getSource() != RangeSource::Unknown)
    printer << ", source = " << stringifyRangeSource(getSource());
  if (getObserver() != Observer::None)
    printer << ", observer = " << stringifyObserver(getObserver());
  printer << '>';
}
