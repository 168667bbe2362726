//===- DfqTargetAttrs.cpp - target descriptions ---------------------------===//
//
// Parser, printer and verifier of #dfq.target and #dfq.layer, and the layer
// classification every target-aware pass shares.
//
//===----------------------------------------------------------------------===//

#include "dfq/Dialect/DfqAttrs.h"
#include "dfq/Dialect/DfqOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::dfq;

static constexpr int64_t kMinBits = 2, kMaxBits = 8;

//===----------------------------------------------------------------------===//
// LayerSupportAttr
//===----------------------------------------------------------------------===//

static LogicalResult verifyBitList(function_ref<InFlightDiagnostic()> emitError,
                                   StringRef what, ArrayRef<int64_t> bits) {
  if (bits.empty())
    return emitError() << what << " must list at least one bit width";
  for (auto [i, b] : llvm::enumerate(bits)) {
    if (b < kMinBits || b > kMaxBits)
      return emitError() << what << " entry " << b
                         << " is outside the supported range " << kMinBits
                         << ".." << kMaxBits;
    if (i > 0 && b <= bits[i - 1])
      return emitError() << what << " must be strictly increasing, got " << b
                         << " after " << bits[i - 1];
  }
  return success();
}

LogicalResult
LayerSupportAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         LayerKind kind, ArrayRef<int64_t> weightBits,
                         ArrayRef<int64_t> actBits) {
  if (failed(verifyBitList(emitError, "weight_bits", weightBits)) ||
      failed(verifyBitList(emitError, "act_bits", actBits)))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// TargetAttr
//===----------------------------------------------------------------------===//

TargetAttr TargetAttr::lookup(Operation *op) {
  ModuleOp module =
      isa<ModuleOp>(op) ? cast<ModuleOp>(op) : op->getParentOfType<ModuleOp>();
  if (!module)
    return {};
  return module->getAttrOfType<TargetAttr>(kAttrName);
}

LayerSupportAttr TargetAttr::getLayer(LayerKind kind) const {
  for (LayerSupportAttr layer : getLayers())
    if (layer.getKind() == kind)
      return layer;
  return {};
}

LogicalResult
TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef name,
                   Backend backend, ArrayRef<LayerSupportAttr> layers,
                   WeightGranularity weightGranularity, bool weightSigned,
                   bool symmetricWeights, bool actSigned, bool symmetricActs,
                   ScaleConstraint scales, unsigned accumulatorBits,
                   bool saturating, unsigned vectorBytes,
                   ArrayRef<int64_t> tile, int64_t bufferBytes,
                   unsigned alignment, unsigned registers) {
  if (name.empty())
    return emitError() << "a target needs a non-empty name";
  if (layers.empty())
    return emitError() << "target '" << name
                       << "' must run at least one layer kind";
  for (auto [i, layer] : llvm::enumerate(layers)) {
    if (!layer)
      return emitError() << "layers entry #" << i << " is not a #dfq.layer";
    for (LayerSupportAttr earlier : layers.take_front(i))
      if (earlier.getKind() == layer.getKind())
        return emitError() << "layer kind '"
                           << stringifyLayerKind(layer.getKind())
                           << "' is listed twice";
  }
  if (!weightSigned && symmetricWeights)
    return emitError() << "unsigned symmetric weights cannot hold negative "
                          "values; use weight_signed = true or "
                          "symmetric_weights = false";
  if (!actSigned && symmetricActs)
    return emitError() << "unsigned symmetric activations cannot hold "
                          "negative values; use act_signed = true or "
                          "symmetric_acts = false";
  if (accumulatorBits < 16 || accumulatorBits > 32)
    return emitError() << "accumulator_bits must lie in [16, 32], got "
                       << accumulatorBits;
  if (vectorBytes == 0)
    return emitError() << "vector_bytes must be positive";
  if (tile.size() != 2 || tile[0] <= 0 || tile[1] <= 0)
    return emitError() << "tile must be two positive sizes [rows, columns]";
  if (bufferBytes < 0)
    return emitError() << "buffer_bytes must be non-negative (0: no on-chip "
                          "buffer), got "
                       << bufferBytes;
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    return emitError() << "alignment must be a power of two, got " << alignment;
  if (registers > 65536)
    return emitError() << "registers (per thread; 0: no budget) must be at "
                          "most 65536, got "
                       << registers;
  return success();
}

namespace {
/// The fields of a #dfq.target as the parser fills them, with the defaults of
/// the syntax.
struct TargetFields {
  std::string name;
  std::optional<Backend> backend;
  std::optional<SmallVector<LayerSupportAttr>> layers;
  WeightGranularity weights = WeightGranularity::PerChannel;
  bool weightSigned = true, symmetricWeights = true;
  bool actSigned = false, symmetricActs = false;
  ScaleConstraint scales = ScaleConstraint::Any;
  unsigned accumulatorBits = 32;
  bool saturating = false;
  unsigned vectorBytes = 64;
  SmallVector<int64_t> tile = {1, 1};
  int64_t bufferBytes = 0;
  unsigned alignment = 64;
  unsigned registers = 0;
};
} // namespace

static ParseResult parseBool(AsmParser &parser, bool &value) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return failure();
  if (keyword != "true" && keyword != "false")
    return parser.emitError(loc, "expected 'true' or 'false', got '")
           << keyword << "'";
  value = keyword == "true";
  return success();
}

template <typename EnumT>
static ParseResult
parseEnumKeyword(AsmParser &parser, EnumT &value,
                 std::optional<EnumT> (*symbolize)(StringRef),
                 StringRef choices) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return failure();
  std::optional<EnumT> parsed = symbolize(keyword);
  if (!parsed)
    return parser.emitError(loc, "expected one of ")
           << choices << ", got '" << keyword << "'";
  value = *parsed;
  return success();
}

template <typename IntT>
static ParseResult parseNonNegative(AsmParser &parser, IntT &value) {
  SMLoc loc = parser.getCurrentLocation();
  int64_t parsed;
  if (parser.parseInteger(parsed))
    return failure();
  if (parsed < 0 || parsed > int64_t(std::numeric_limits<IntT>::max()))
    return parser.emitError(loc, "expected a non-negative integer, got ")
           << parsed;
  value = IntT(parsed);
  return success();
}

static ParseResult parseField(AsmParser &parser, StringRef key, SMLoc keyLoc,
                              TargetFields &fields) {
  if (key == "backend") {
    Backend backend;
    if (parseEnumKeyword(parser, backend, symbolizeBackend,
                         "'x86', 'c', 'cuda'"))
      return failure();
    fields.backend = backend;
    return success();
  }
  if (key == "layers") {
    SmallVector<LayerSupportAttr> layers;
    auto parseLayer = [&]() -> ParseResult {
      SMLoc loc = parser.getCurrentLocation();
      Attribute attr;
      if (parser.parseAttribute(attr))
        return failure();
      auto layer = dyn_cast<LayerSupportAttr>(attr);
      if (!layer)
        return parser.emitError(loc, "expected a #dfq.layer<...>, got ")
               << attr;
      layers.push_back(layer);
      return success();
    };
    if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square,
                                       parseLayer))
      return failure();
    fields.layers = std::move(layers);
    return success();
  }
  if (key == "weights")
    return parseEnumKeyword(parser, fields.weights, symbolizeWeightGranularity,
                            "'per_channel', 'per_tensor'");
  if (key == "weight_signed")
    return parseBool(parser, fields.weightSigned);
  if (key == "symmetric_weights")
    return parseBool(parser, fields.symmetricWeights);
  if (key == "act_signed")
    return parseBool(parser, fields.actSigned);
  if (key == "symmetric_acts")
    return parseBool(parser, fields.symmetricActs);
  if (key == "scales")
    return parseEnumKeyword(parser, fields.scales, symbolizeScaleConstraint,
                            "'any', 'pow2'");
  if (key == "accumulator_bits")
    return parseNonNegative(parser, fields.accumulatorBits);
  if (key == "saturating")
    return parseBool(parser, fields.saturating);
  if (key == "vector_bytes")
    return parseNonNegative(parser, fields.vectorBytes);
  if (key == "tile") {
    fields.tile.clear();
    return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
      return parser.parseInteger(fields.tile.emplace_back());
    });
  }
  if (key == "buffer_bytes")
    return parseNonNegative(parser, fields.bufferBytes);
  if (key == "alignment")
    return parseNonNegative(parser, fields.alignment);
  if (key == "registers")
    return parseNonNegative(parser, fields.registers);
  return parser.emitError(keyLoc, "unknown target field '")
         << key
         << "'; expected backend, layers, weights, weight_signed, "
            "symmetric_weights, act_signed, symmetric_acts, scales, "
            "accumulator_bits, saturating, vector_bytes, tile, buffer_bytes, "
            "alignment or registers";
}

Attribute TargetAttr::parse(AsmParser &parser, Type) {
  SMLoc start = parser.getCurrentLocation();
  TargetFields fields;
  if (parser.parseLess() || parser.parseString(&fields.name))
    return {};
  llvm::StringSet<> seen;
  while (succeeded(parser.parseOptionalComma())) {
    SMLoc keyLoc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key))
      return {};
    if (!seen.insert(key).second) {
      parser.emitError(keyLoc, "target field '") << key << "' is given twice";
      return {};
    }
    if (parser.parseEqual() || parseField(parser, key, keyLoc, fields))
      return {};
  }
  if (parser.parseGreater())
    return {};
  if (!fields.backend || !fields.layers) {
    parser.emitError(start, "target '")
        << fields.name << "' needs "
        << (!fields.backend ? "a 'backend'" : "a 'layers' list");
    return {};
  }
  return TargetAttr::getChecked(
      [&] { return parser.emitError(start); }, parser.getContext(),
      StringRef(fields.name), *fields.backend,
      ArrayRef<LayerSupportAttr>(*fields.layers), fields.weights,
      fields.weightSigned, fields.symmetricWeights, fields.actSigned,
      fields.symmetricActs, fields.scales, fields.accumulatorBits,
      fields.saturating, fields.vectorBytes, ArrayRef<int64_t>(fields.tile),
      fields.bufferBytes, fields.alignment, fields.registers);
}

void TargetAttr::print(AsmPrinter &printer) const {
  auto boolean = [](bool value) { return value ? "true" : "false"; };
  printer << "<\"" << getName()
          << "\", backend = " << stringifyBackend(getBackend())
          << ", layers = [";
  llvm::interleaveComma(getLayers(), printer,
                        [&](LayerSupportAttr layer) { printer << layer; });
  printer << "], weights = "
          << stringifyWeightGranularity(getWeightGranularity())
          << ", weight_signed = " << boolean(getWeightSigned())
          << ", symmetric_weights = " << boolean(getSymmetricWeights())
          << ", act_signed = " << boolean(getActSigned())
          << ", symmetric_acts = " << boolean(getSymmetricActs())
          << ", scales = " << stringifyScaleConstraint(getScales())
          << ", accumulator_bits = " << getAccumulatorBits()
          << ", saturating = " << boolean(getSaturating())
          << ", vector_bytes = " << getVectorBytes() << ", tile = [";
  llvm::interleaveComma(getTile(), printer);
  printer << "], buffer_bytes = " << getBufferBytes()
          << ", alignment = " << getAlignment();
  if (getRegisters())
    printer << ", registers = " << getRegisters();
  printer << ">";
}

//===----------------------------------------------------------------------===//
// Layer classification
//===----------------------------------------------------------------------===//

std::optional<LayerKind> mlir::dfq::classifyLayer(Operation *op) {
  if (isa<GemmOp, QGemmOp>(op))
    return LayerKind::Gemm;
  int64_t groups;
  if (auto conv = dyn_cast<Conv2DOp>(op))
    groups = conv.getGroups();
  else if (auto qconv = dyn_cast<QConv2DOp>(op))
    groups = qconv.getGroups();
  else
    return std::nullopt;
  // Depthwise: every group reads exactly one input channel.
  auto weightType = cast<ShapedType>(op->getOperand(1).getType());
  if (groups > 1 && weightType.getRank() == 4 && weightType.getDimSize(1) == 1)
    return LayerKind::DepthwiseConv2D;
  return LayerKind::Conv2D;
}
