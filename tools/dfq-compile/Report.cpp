//===- Report.cpp - dfq-compile's per-layer report ------------------------===//

#include "Report.h"

#include "dfq/Dialect/DfqOps.h"
#include "dfq/Runtime/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::dfq;

namespace {

/// The conv/gemm layer whose output `op` produces: the layer itself, or the
/// ReLU/clip that quantization fuses into its only user. Null for other ops
/// and for layers whose fused activation is still to come.
Operation *layerProducedBy(Operation *op) {
  if (isa<Conv2DOp, GemmOp, QConv2DOp, QGemmOp>(op)) {
    Value result = op->getResult(0);
    if (result.hasOneUse() && isa<ReluOp, ClipOp>(*result.getUsers().begin()))
      return nullptr;
    return op;
  }
  if (isa<ReluOp, ClipOp>(op)) {
    Operation *producer = op->getOperand(0).getDefiningOp();
    if (producer && isa<Conv2DOp, GemmOp>(producer) &&
        producer->getResult(0).hasOneUse())
      return producer;
  }
  return nullptr;
}

/// The real values of `tensor`, the result of `op`: dequantized when the
/// result is a per-tensor quantized type.
std::vector<float> realValues(Operation *op, const rt::Tensor &tensor) {
  const float *data = tensor.dataF32();
  std::vector<float> values(data, data + tensor.numElements());
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (auto q = dyn_cast<quant::UniformQuantizedType>(type.getElementType())) {
    double zeroPoint = q.getZeroPoint(), scale = q.getScale();
    for (float &v : values)
      v = float((double(v) - zeroPoint) * scale);
  }
  return values;
}

/// The quantized weight type of a layer: its own operand, or for a layer
/// that runs in float on dequantized weights, the qconstant's.
RankedTensorType quantizedWeightType(Operation *layer) {
  Value weight = layer->getOperand(1);
  if (auto dequantize = weight.getDefiningOp<DequantizeOp>())
    weight = dequantize.getInput();
  auto type = cast<RankedTensorType>(weight.getType());
  return isa<quant::QuantizedType>(type.getElementType()) ? type
                                                          : RankedTensorType();
}

int64_t storageBits(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return 32;
  if (auto q = dyn_cast<quant::QuantizedType>(tensor.getElementType()))
    return q.getStorageTypeIntegralWidth();
  return 32;
}

/// The bits a layer's input is quantized to (through a dequantize for layers
/// that run in float).
int64_t inputBits(Operation *layer) {
  Value input = layer->getOperand(0);
  if (auto dequantize = input.getDefiningOp<DequantizeOp>())
    input = dequantize.getInput();
  return storageBits(input.getType());
}

std::string escapeHtml(StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#x27;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

} // namespace

FailureOr<llvm::StringMap<double>>
mlir::dfq::measureLayerSqnr(ModuleOp floatModel, ModuleOp quantizedModel,
                            const rt::Tensor &images) {
  func::FuncOp floatEntry = findEntryFunction(floatModel);
  func::FuncOp quantizedEntry = findEntryFunction(quantizedModel);
  if (!floatEntry || !quantizedEntry)
    return failure();
  auto floatRun = ReferenceInterpreter::create(floatEntry);
  auto quantizedRun = ReferenceInterpreter::create(quantizedEntry);
  if (failed(floatRun) || failed(quantizedRun))
    return failure();

  // The images run a few at a time, so that the float model's layer outputs
  // kept for the comparison stay small (all of them for every image of a
  // 224x224 network would be gigabytes); signal and noise energies add up
  // over the batches.
  // A model exported with a static batch runs that many at a time.
  int64_t imagesPerBatch = 16;
  auto inputType =
      dyn_cast<RankedTensorType>(floatEntry.getArgument(0).getType());
  bool staticBatch =
      inputType && inputType.getRank() > 0 && !inputType.isDynamicDim(0);
  if (staticBatch)
    imagesPerBatch = inputType.getDimSize(0);
  std::vector<int64_t> shape = images.shape();
  int64_t count = shape.empty() ? 0 : shape[0];
  if (staticBatch)
    count -= count % imagesPerBatch;
  int64_t sampleSize = count ? images.numElements() / count : 0;
  llvm::StringMap<std::pair<double, double>> energies; // signal, noise
  for (int64_t first = 0; first < count; first += imagesPerBatch) {
    shape[0] = std::min(imagesPerBatch, count - first);
    rt::Tensor batch =
        rt::Tensor::fromF32(shape, images.dataF32() + first * sampleSize);
    llvm::StringMap<std::vector<float>> reference;
    SmallVector<rt::Tensor> outputs;
    if (failed((*floatRun)->run(
            {batch}, outputs, [&](Operation *op, const rt::Tensor &value) {
              if (Operation *layer = layerProducedBy(op))
                reference[getLayerName(layer)] = realValues(op, value);
            })))
      return failure();
    if (failed((*quantizedRun)
                   ->run({batch}, outputs,
                         [&](Operation *op, const rt::Tensor &value) {
                           Operation *layer = layerProducedBy(op);
                           if (!layer)
                             return;
                           auto it = reference.find(getLayerName(layer));
                           std::vector<float> got = realValues(op, value);
                           if (it == reference.end() ||
                               it->second.size() != got.size())
                             return;
                           auto &[signal, noise] = energies[it->first()];
                           for (size_t i = 0; i < got.size(); ++i) {
                             double f = it->second[i], d = f - got[i];
                             signal += f * f;
                             noise += d * d;
                           }
                         })))
      return failure();
  }
  llvm::StringMap<double> sqnr;
  for (const auto &entry : energies) {
    auto [signal, noise] = entry.second;
    sqnr[entry.first()] = noise > 0 ? 10 * std::log10(signal / noise)
                                    : std::numeric_limits<double>::infinity();
  }
  return sqnr;
}

llvm::json::Object mlir::dfq::buildReport(ModuleOp quantizedModel,
                                          const llvm::StringMap<double> &sqnr,
                                          llvm::json::Object header,
                                          StringRef budget) {
  SmallVector<Operation *> layers;
  quantizedModel.walk([&](Operation *op) {
    if (isa<QConv2DOp, QGemmOp>(op) ||
        (isa<Conv2DOp, GemmOp>(op) && quantizedWeightType(op)))
      layers.push_back(op);
  });
  SmallVector<int64_t> choices;
  if (auto attr =
          quantizedModel->getAttrOfType<DenseI64ArrayAttr>("dfq.bit_choices"))
    choices.assign(attr.asArrayRef().begin(), attr.asArrayRef().end());

  llvm::json::Array described;
  int64_t weights = 0, weightBits = 0, weightBytes = 0, bops = 0;
  for (auto [index, op] : llvm::enumerate(layers)) {
    RankedTensorType weightType = quantizedWeightType(op);
    int64_t wBits = storageBits(weightType), aBits = inputBits(op);
    int64_t count = weightType.getNumElements();
    auto outputType = cast<RankedTensorType>(op->getResult(0).getType());
    // Output positions per sample: the spatial dimensions, whatever the
    // layout (a channels-last convolution's result is NHWC).
    SmallVector<int64_t, 4> outputShape(outputType.getShape());
    if (auto conv = dyn_cast<QConv2DOp>(op))
      outputShape = conv.getResultShapeNchw();
    int64_t positions = 1;
    for (int64_t d : ArrayRef<int64_t>(outputShape).drop_front(2))
      positions *= d;
    int64_t macs = count * positions;
    bool edge = index == 0 || index + 1 == layers.size();
    std::string reason =
        edge ? "first/last layer: --first-last-bits" : "uniform: --wbits";
    if (auto attr = op->getAttrOfType<StringAttr>("dfq.bits_reason"))
      reason = attr.str();
    std::string name = getLayerName(op);
    llvm::json::Object layer{{"name", name},
                             {"op", op->getName().getStringRef()},
                             {"weight_bits", wBits},
                             {"input_bits", aBits},
                             {"output_bits", storageBits(outputType)},
                             {"bits_reason", reason},
                             {"weight_count", count},
                             {"weight_bytes", (count * wBits + 7) / 8},
                             {"macs", macs},
                             {"bops", macs * wBits * aBits}};
    if (auto params = op->getAttrOfType<QParamsAttr>("dfq.output_params")) {
      if (params.getRangeMin() && params.getRangeMax())
        layer["output_range"] =
            llvm::json::Array{params.getRangeMin().getValueAsDouble(),
                              params.getRangeMax().getValueAsDouble()};
      layer["range_source"] = stringifyRangeSource(params.getSource()).str();
      layer["observer"] = stringifyObserver(params.getObserver()).str();
    }
    // What dfq-lower-to-kernels decided for the layer.
    if (auto kernel =
            op->getAttrOfType<KernelScheduleAttrInterface>(kKernelAttrName)) {
      llvm::json::Object schedule{
          {"target", kernel.getTargetName()},
          {"symbol", kernel.getSymbol().str()},
          {"kind", stringifyKernelKind(kernel.getKind()).str()}};
      if (auto x86 = dyn_cast<X86KernelAttr>(kernel)) {
        schedule["tile"] =
            llvm::json::Array{x86.getTileChannels(), x86.getTilePixels()};
        schedule["pixel_tiles"] =
            stringifyPixelTiles(x86.getPixelTiles()).str();
        schedule["outer_tiles"] = stringifyTileOrder(x86.getOuterTiles()).str();
        schedule["parallel"] = x86.getParallel();
      }
      if (auto cuda = dyn_cast<CudaKernelAttr>(kernel)) {
        schedule["tile"] = llvm::json::Array{cuda.getTileM(), cuda.getTileN(),
                                             cuda.getTileK()};
        schedule["warps"] =
            llvm::json::Array{cuda.getWarpsM(), cuda.getWarpsN()};
        schedule["stages"] = cuda.getStages();
        schedule["shared_bytes"] = cuda.getSharedBytes();
      }
      if (ArrayAttr fused = kernel.getFused()) {
        llvm::json::Array names;
        for (Attribute name : fused)
          names.push_back(cast<StringAttr>(name).str());
        schedule["fused"] = std::move(names);
      }
      layer["kernel"] = std::move(schedule);
    }
    if (auto attr = op->getAttrOfType<DenseF64ArrayAttr>("dfq.sensitivity")) {
      llvm::json::Object byBits;
      for (auto [i, omega] : llvm::enumerate(attr.asArrayRef()))
        byBits[i < choices.size() ? std::to_string(choices[i])
                                  : std::to_string(i)] = omega;
      layer["sensitivity"] = std::move(byBits);
    }
    if (auto it = sqnr.find(name); it != sqnr.end())
      layer["sqnr_db"] = std::isinf(it->second) ? llvm::json::Value("inf")
                                                : llvm::json::Value(it->second);
    described.push_back(std::move(layer));
    weights += count;
    weightBits += count * wBits;
    weightBytes += (count * wBits + 7) / 8;
    bops += macs * wBits * aBits;
  }

  double averageBits = weights ? double(weightBits) / weights : 0.0;
  llvm::json::Object totals{{"layers", int64_t(layers.size())},
                            {"weights", weights},
                            {"weight_bytes", weightBytes},
                            {"average_weight_bits", averageBits},
                            {"bops", bops}};
  if (!budget.empty()) {
    auto [kind, valueText] = budget.split(':');
    double value = 0;
    valueText.getAsDouble(value);
    double used = kind == "avg-bits" ? averageBits
                  : kind == "size"   ? double(weightBytes)
                                     : double(bops);
    // avg-bits is compared in integer bits, as the allocation does.
    bool met = kind == "avg-bits"
                   ? weightBits <= int64_t(std::floor(value * double(weights)))
                   : used <= value;
    totals["budget"] = llvm::json::Object{
        {"budget", budget.str()}, {"used", used}, {"met", met}};
  }
  header["layers"] = std::move(described);
  header["totals"] = std::move(totals);
  return header;
}

std::string mlir::dfq::renderReportHtml(const llvm::json::Object &report) {
  std::string html;
  llvm::raw_string_ostream os(html);
  auto text = [&](StringRef key) {
    if (const llvm::json::Value *v = report.get(key)) {
      if (std::optional<StringRef> s = v->getAsString())
        return escapeHtml(*s);
      std::string out;
      llvm::raw_string_ostream vs(out);
      vs << *v;
      return escapeHtml(out);
    }
    return std::string("-");
  };
  const llvm::json::Array *layers = report.getArray("layers");
  const llvm::json::Object *totals = report.getObject("totals");
  os << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
     << "<title>dfq report: " << text("model") << "</title>\n<style>"
     << "body{font-family:sans-serif;margin:2em;color:#222}"
     << "table{border-collapse:collapse;font-size:13px}"
     << "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
     << "td:first-child,th:first-child{text-align:left}"
     << ".w{fill:#3b6fb6}.a{fill:#9cc3e6}.s{fill:#d9534f}"
     << "</style></head><body>\n"
     << "<h1>dfq report</h1>\n<p>" << text("model") << " &middot; target "
     << text("target") << " &middot; calibration " << text("calibration")
     << " &middot; observer " << text("observer") << "</p>\n";
  if (totals) {
    os << "<table><tr><th>layers</th><th>weights</th><th>weight bytes</th>"
       << "<th>average weight bits</th><th>bit operations</th>"
       << "<th>budget</th></tr><tr>";
    for (StringRef key :
         {"layers", "weights", "weight_bytes", "average_weight_bits", "bops"}) {
      os << "<td>";
      if (const llvm::json::Value *v = totals->get(key)) {
        if (std::optional<double> d = v->getAsNumber();
            d && key == "average_weight_bits")
          os << llvm::formatv("{0:F3}", *d);
        else
          os << *v;
      }
      os << "</td>";
    }
    os << "<td>";
    if (const llvm::json::Object *b = totals->getObject("budget"))
      os << escapeHtml(b->getString("budget").value_or("")) << " ("
         << (b->getBoolean("met").value_or(false) ? "met" : "NOT met") << ")";
    else
      os << "-";
    os << "</td></tr></table>\n";
  }
  if (!layers || layers->empty()) {
    os << "<p>No quantized layers.</p></body></html>\n";
    return html;
  }

  // Bars: weight bits (dark) and input bits (light) on a 0..8 scale; SQNR
  // as a red dot on a 0..max scale.
  double maxSqnr = 1;
  for (const llvm::json::Value &v : *layers)
    if (auto s = v.getAsObject()->getNumber("sqnr_db"))
      maxSqnr = std::max(maxSqnr, *s);
  const int slot = 36, chartHeight = 160, top = 20, left = 40;
  int width = left + slot * int(layers->size()) + 20;
  os << "<h2>Bits and SQNR per layer</h2>\n<svg width=\"" << width
     << "\" height=\"" << chartHeight + top + 30
     << "\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"10\">\n";
  for (int bits : {2, 4, 6, 8}) {
    int y = top + chartHeight - chartHeight * bits / 8;
    os << "<line x1=\"" << left << "\" x2=\"" << width - 20 << "\" y1=\"" << y
       << "\" y2=\"" << y << "\" stroke=\"#eee\"/><text x=\"4\" y=\"" << y + 3
       << "\">" << bits << " b</text>\n";
  }
  for (auto [i, v] : llvm::enumerate(*layers)) {
    const llvm::json::Object &layer = *v.getAsObject();
    int x = left + slot * int(i);
    int64_t w = layer.getInteger("weight_bits").value_or(0);
    int64_t a = layer.getInteger("input_bits").value_or(0);
    std::string name = escapeHtml(layer.getString("name").value_or(""));
    auto bar = [&](int dx, int64_t bits, const char *cls, const char *what) {
      int h = chartHeight * int(std::min<int64_t>(bits, 8)) / 8;
      os << "<rect class=\"" << cls << "\" x=\"" << x + dx << "\" y=\""
         << top + chartHeight - h << "\" width=\"12\" height=\"" << h
         << "\"><title>" << name << ": " << what << " " << bits
         << " bits</title></rect>\n";
    };
    bar(4, w, "w", "weights");
    bar(17, a, "a", "input");
    if (auto s = layer.getNumber("sqnr_db")) {
      int y =
          top + chartHeight - int(chartHeight * std::max(*s, 0.0) / maxSqnr);
      os << "<circle class=\"s\" cx=\"" << x + 16 << "\" cy=\"" << y
         << "\" r=\"4\"><title>" << name << ": SQNR "
         << llvm::formatv("{0:F1}", *s) << " dB</title></circle>\n";
    }
    os << "<text x=\"" << x + 8 << "\" y=\"" << top + chartHeight + 14 << "\">"
       << i << "</text>\n";
  }
  os << "</svg>\n<p><svg width=\"12\" height=\"10\"><rect class=\"w\" "
        "width=\"12\" height=\"10\"/></svg> weight bits "
     << "<svg width=\"12\" height=\"10\"><rect class=\"a\" width=\"12\" "
        "height=\"10\"/></svg> input bits "
     << "<svg width=\"12\" height=\"10\"><circle class=\"s\" cx=\"6\" "
        "cy=\"5\" r=\"4\"/></svg> SQNR against float (0 to "
     << llvm::formatv("{0:F1}", maxSqnr) << " dB)</p>\n";

  os << "<h2>Layers</h2>\n<table><tr><th>#</th><th>layer</th><th>op</th>"
     << "<th>weight bits</th><th>input bits</th><th>output bits</th>"
     << "<th>SQNR (dB)</th><th>weight bytes</th><th>BOPs</th>"
     << "<th>why these bits</th></tr>\n";
  for (auto [i, v] : llvm::enumerate(*layers)) {
    const llvm::json::Object &layer = *v.getAsObject();
    os << "<tr><td>" << i << "</td><td style=\"text-align:left\">"
       << escapeHtml(layer.getString("name").value_or("")) << "</td><td>"
       << escapeHtml(layer.getString("op").value_or("")) << "</td><td>"
       << layer.getInteger("weight_bits").value_or(0) << "</td><td>"
       << layer.getInteger("input_bits").value_or(0) << "</td><td>"
       << layer.getInteger("output_bits").value_or(0) << "</td><td>";
    if (auto s = layer.getNumber("sqnr_db"))
      os << llvm::formatv("{0:F1}", *s);
    else if (auto s = layer.getString("sqnr_db"))
      os << escapeHtml(*s);
    os << "</td><td>" << layer.getInteger("weight_bytes").value_or(0)
       << "</td><td>" << layer.getInteger("bops").value_or(0)
       << "</td><td style=\"text-align:left\">"
       << escapeHtml(layer.getString("bits_reason").value_or(""))
       << "</td></tr>\n";
  }
  os << "</table>\n</body></html>\n";
  return html;
}
