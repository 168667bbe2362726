//===- OpsetUpgrade.cpp - Older ONNX operator versions to current ones ----===//
//
// The operator changes are those of ONNX's Changelog.md; the behaviour of the
// opset-10 Resize and of Upsample, which the specification leaves to the
// runtime, follows ONNX Runtime (asymmetric coordinates; nearest rounds down
// when enlarging and up when shrinking).
//
//===----------------------------------------------------------------------===//

#include "OpsetUpgrade.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <limits>

using namespace mlir;
using namespace mlir::dfq;
using namespace mlir::dfq::onnx_import;

namespace {

class Upgrader {
public:
  Upgrader(onnx::Node &node, Location loc, const std::string &what,
           std::vector<std::unique_ptr<onnx::Tensor>> &newConstants)
      : node(node), loc(loc), what(what), newConstants(newConstants) {}

  /// Removes the attribute `name` and returns it, if present.
  std::optional<onnx::Attribute> take(StringRef name) {
    auto it = llvm::find_if(node.attributes, [&](const onnx::Attribute &a) {
      return a.name == name;
    });
    if (it == node.attributes.end())
      return std::nullopt;
    onnx::Attribute attr = std::move(*it);
    node.attributes.erase(it);
    changed = true;
    return attr;
  }

  /// Makes `tensor` input #index of the node, as a new constant.
  void setInput(unsigned index, StringRef role,
                std::unique_ptr<onnx::Tensor> tensor) {
    tensor->name = node.outputs[0] + "__opset_upgrade_" + role.str();
    if (node.inputs.size() <= index)
      node.inputs.resize(index + 1);
    node.inputs[index] = tensor->name;
    newConstants.push_back(std::move(tensor));
    changed = true;
  }

  void setInts(unsigned index, StringRef role, ArrayRef<int64_t> values) {
    auto tensor = std::make_unique<onnx::Tensor>();
    tensor->dataType = onnx::kInt64;
    tensor->dims = {static_cast<int64_t>(values.size())};
    tensor->ints.assign(values.begin(), values.end());
    setInput(index, role, std::move(tensor));
  }

  void setFloats(unsigned index, StringRef role, ArrayRef<float> values,
                 bool scalar) {
    auto tensor = std::make_unique<onnx::Tensor>();
    tensor->dataType = onnx::kFloat;
    if (!scalar)
      tensor->dims = {static_cast<int64_t>(values.size())};
    tensor->floats.assign(values.begin(), values.end());
    setInput(index, role, std::move(tensor));
  }

  void addAttr(onnx::Attribute attr) {
    node.attributes.push_back(std::move(attr));
    changed = true;
  }

  static onnx::Attribute stringAttr(StringRef name, StringRef value) {
    onnx::Attribute attr;
    attr.name = name.str();
    attr.type = onnx::Attribute::kString;
    attr.s = value.str();
    return attr;
  }

  /// Checks that an attribute that moved to an input has the list type.
  LogicalResult expectType(const std::optional<onnx::Attribute> &attr,
                           int32_t type, StringRef typeName) {
    if (!attr || attr->type == type)
      return success();
    return emitError(loc) << what << ": attribute '" << attr->name
                          << "' must be of type " << typeName;
  }

  InFlightDiagnostic error() { return emitError(loc) << what << ": "; }

  onnx::Node &node;
  Location loc;
  const std::string &what;
  std::vector<std::unique_ptr<onnx::Tensor>> &newConstants;
  bool changed = false;
};

/// TensorProto.DataType by name, for Cast's opset-1 string attribute.
std::optional<int64_t> dataTypeByName(StringRef name) {
  int64_t type = llvm::StringSwitch<int64_t>(name)
                     .Case("FLOAT", 1)
                     .Case("UINT8", 2)
                     .Case("INT8", 3)
                     .Case("UINT16", 4)
                     .Case("INT16", 5)
                     .Case("INT32", 6)
                     .Case("INT64", 7)
                     .Case("STRING", 8)
                     .Case("BOOL", 9)
                     .Case("FLOAT16", 10)
                     .Case("DOUBLE", 11)
                     .Case("UINT32", 12)
                     .Case("UINT64", 13)
                     .Default(-1);
  if (type < 0)
    return std::nullopt;
  return type;
}

/// Upsample (opsets 7 to 9) and the opset-10 Resize as an opset-11 Resize.
LogicalResult upgradeResize(
    Upgrader &u, int64_t opset,
    function_ref<const onnx::Tensor *(const std::string &)> findConstant) {
  onnx::Node &node = u.node;
  bool isUpsample = node.opType == "Upsample";
  if (isUpsample && opset < 7)
    return u.error() << "Upsample of opsets 1 to 6 (height_scale and "
                        "width_scale) is not supported";
  std::optional<onnx::Attribute> mode = u.take("mode");
  std::string modeName = mode ? mode->s : "nearest";
  if (modeName == "bilinear")
    modeName = "linear";
  std::vector<float> scales;
  if (isUpsample && opset < 9) {
    std::optional<onnx::Attribute> given = u.take("scales");
    if (failed(u.expectType(given, onnx::Attribute::kFloats, "FLOATS")))
      return failure();
    if (!given)
      return u.error() << "attribute 'scales' is required";
    scales = given->floats;
    u.setFloats(1, "scales", scales, /*scalar=*/false);
  } else if (node.inputs.size() >= 2 && !node.inputs[1].empty()) {
    if (const onnx::Tensor *given = findConstant(node.inputs[1]))
      if (given->dataType == onnx::kFloat)
        scales = given->floats;
  }
  // Resize-11 inputs: X, roi (unused here), scales.
  node.inputs.resize(std::max<size_t>(node.inputs.size(), 2));
  node.inputs.insert(node.inputs.begin() + 1, "");
  node.inputs.resize(3);
  node.opType = "Resize";
  u.changed = true;
  std::string nearest = "floor";
  if (modeName == "nearest") {
    // Nearest rounds down when enlarging and up when shrinking an axis; one
    // dfq.resize rounds the same way on H and W.
    bool shrinks = false, grows = false;
    for (size_t d = 2; d < scales.size(); ++d)
      (scales[d] < 1.0f ? shrinks : grows) = true;
    if (shrinks && grows)
      return u.error() << "nearest " << (isUpsample ? "upsampling" : "resizing")
                       << " that enlarges one axis and shrinks the other is "
                          "not supported";
    if (shrinks)
      nearest = "ceil";
  }
  u.addAttr(Upgrader::stringAttr("mode", modeName));
  u.addAttr(
      Upgrader::stringAttr("coordinate_transformation_mode", "asymmetric"));
  u.addAttr(Upgrader::stringAttr("nearest_mode", nearest));
  return success();
}

} // namespace

FailureOr<std::optional<onnx::Node>> mlir::dfq::onnx_import::upgradeLegacyNode(
    const onnx::Node &original, int64_t opset, Location loc,
    const std::string &what,
    function_ref<const onnx::Tensor *(const std::string &)> findConstant,
    std::vector<std::unique_ptr<onnx::Tensor>> &newConstants) {
  StringRef op = original.opType;
  if (opset >= 11 && op != "Upsample")
    return std::optional<onnx::Node>();
  onnx::Node node = original;
  Upgrader u(node, loc, what, newConstants);

  // Opsets 1 to 5 mark inputs an op may overwrite; a hint, not semantics
  // (some opset-6 exports still carry it).
  if (opset < 7)
    u.take("consumed_inputs");

  if (opset < 7 && (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" ||
                    op == "Pow" || op == "Gemm")) {
    // broadcast = 1 matched B against a suffix of A's shape, which NumPy
    // broadcasting (opset 7) does too; `axis` aligned B elsewhere.
    if (u.take("axis"))
      return u.error() << "legacy broadcasting along an explicit axis (opsets "
                          "1 to 6) is not supported";
    u.take("broadcast");
  }

  if (op == "Slice" && opset < 10) {
    std::optional<onnx::Attribute> starts = u.take("starts");
    std::optional<onnx::Attribute> ends = u.take("ends");
    std::optional<onnx::Attribute> axes = u.take("axes");
    for (const auto *attr : {&starts, &ends, &axes})
      if (failed(u.expectType(*attr, onnx::Attribute::kInts, "INTS")))
        return failure();
    if (!starts || !ends)
      return u.error() << "attributes 'starts' and 'ends' are required";
    node.inputs.resize(1);
    u.setInts(1, "starts", starts->ints);
    u.setInts(2, "ends", ends->ints);
    if (axes)
      u.setInts(3, "axes", axes->ints);
  } else if (op == "Clip" && opset < 11) {
    // The defaults are the float range's ends, not infinities.
    std::optional<onnx::Attribute> min = u.take("min");
    std::optional<onnx::Attribute> max = u.take("max");
    for (const auto *attr : {&min, &max})
      if (failed(u.expectType(*attr, onnx::Attribute::kFloat, "FLOAT")))
        return failure();
    node.inputs.resize(1);
    u.setFloats(1, "min", {min ? min->f : std::numeric_limits<float>::lowest()},
                /*scalar=*/true);
    u.setFloats(2, "max", {max ? max->f : std::numeric_limits<float>::max()},
                /*scalar=*/true);
  } else if (op == "Pad" && opset < 11 && opset >= 2) {
    std::optional<onnx::Attribute> pads = u.take("pads");
    std::optional<onnx::Attribute> value = u.take("value");
    if (failed(u.expectType(pads, onnx::Attribute::kInts, "INTS")) ||
        failed(u.expectType(value, onnx::Attribute::kFloat, "FLOAT")))
      return failure();
    if (!pads)
      return u.error() << "attribute 'pads' is required";
    node.inputs.resize(1);
    u.setInts(1, "pads", pads->ints);
    if (value)
      u.setFloats(2, "constant_value", {value->f}, /*scalar=*/true);
  } else if (op == "Reshape" && opset < 5) {
    std::optional<onnx::Attribute> shape = u.take("shape");
    if (failed(u.expectType(shape, onnx::Attribute::kInts, "INTS")))
      return failure();
    if (!shape)
      return u.error() << "attribute 'shape' is required";
    node.inputs.resize(1);
    u.setInts(1, "shape", shape->ints);
  } else if (op == "Concat" && opset < 4) {
    if (!original.findAttribute("axis")) {
      onnx::Attribute axis;
      axis.name = "axis";
      axis.type = onnx::Attribute::kInt;
      axis.i = 1;
      u.addAttr(axis);
    }
  } else if (op == "Cast" && opset < 6) {
    std::optional<onnx::Attribute> to = u.take("to");
    if (to && to->type == onnx::Attribute::kString) {
      std::optional<int64_t> type = dataTypeByName(to->s);
      if (!type)
        return u.error() << "unknown data type '" << to->s << "'";
      to->type = onnx::Attribute::kInt;
      to->i = *type;
    }
    if (to)
      u.addAttr(*to);
  } else if (op == "Upsample" || (op == "Resize" && opset == 10)) {
    if (failed(upgradeResize(u, opset, findConstant)))
      return failure();
  } else if (op == "Dropout" && opset < 7) {
    // Inference graphs: dfq treats every Dropout as the identity.
    u.take("is_test");
  } else if (op == "BatchNormalization" && opset < 9) {
    u.take("is_test");
    if (std::optional<onnx::Attribute> spatial = u.take("spatial"))
      if (spatial->type != onnx::Attribute::kInt || spatial->i != 1)
        return u.error() << "spatial = 0 (statistics per activation instead of "
                            "per channel) is not supported";
  } else if (op == "PRelu" && opset < 7) {
    // Before opset 7, a slope of C values applied per channel whatever the
    // input's rank; NumPy broadcasting would align it with the last axis.
    const onnx::Tensor *slope =
        original.inputs.size() > 1 ? findConstant(original.inputs[1]) : nullptr;
    if (!slope || slope->numElements() != 1)
      return u.error() << "a PRelu slope of opsets 1 to 6 must be a constant "
                          "with one element";
  }

  if (!u.changed)
    return std::optional<onnx::Node>();
  return std::optional<onnx::Node>(std::move(node));
}
