//===- AttributeReader.h - Typed access to ONNX node attributes -*- C++ -*-===//
//
// Private to the importer: the node importers and the import-time constant
// folder read attributes through it, so that an attribute nobody read is
// reported as unsupported instead of being silently ignored.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_LIB_IMPORT_ATTRIBUTEREADER_H
#define DFQ_LIB_IMPORT_ATTRIBUTEREADER_H

#include "dfq/Import/OnnxModel.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"

#include <optional>
#include <string>

namespace mlir::dfq::onnx_import {

/// Reads a node's attributes by name and type, remembering which ones were
/// read so that anything left over is reported as unsupported.
class AttributeReader {
public:
  AttributeReader(const onnx::Node &node, Location loc, const std::string &what)
      : node(node), loc(loc), what(what) {}

  FailureOr<int64_t> getInt(StringRef name, int64_t defaultValue) {
    const onnx::Attribute *attr = find(name, onnx::Attribute::kInt);
    if (failed(status))
      return failure();
    return attr ? attr->i : defaultValue;
  }

  /// An INT attribute that ONNX defines as a flag: 0 or 1, nothing else
  /// (`ceil_mode = 5` is an error, not "true").
  FailureOr<int64_t> getFlag(StringRef name, int64_t defaultValue) {
    FailureOr<int64_t> value = getInt(name, defaultValue);
    if (failed(value))
      return failure();
    if (*value != 0 && *value != 1) {
      status = emitError(loc) << what << ": attribute '" << name
                              << "' must be 0 or 1, got " << *value;
      return failure();
    }
    return value;
  }

  FailureOr<float> getFloat(StringRef name, float defaultValue) {
    const onnx::Attribute *attr = find(name, onnx::Attribute::kFloat);
    if (failed(status))
      return failure();
    return attr ? attr->f : defaultValue;
  }

  FailureOr<std::string> getString(StringRef name, StringRef defaultValue) {
    const onnx::Attribute *attr = find(name, onnx::Attribute::kString);
    if (failed(status))
      return failure();
    return attr ? attr->s : defaultValue.str();
  }

  /// Returns the list, or `std::nullopt` when the attribute is absent.
  FailureOr<std::optional<SmallVector<int64_t>>> getInts(StringRef name) {
    const onnx::Attribute *attr = find(name, onnx::Attribute::kInts);
    if (failed(status))
      return failure();
    if (!attr)
      return std::optional<SmallVector<int64_t>>();
    return std::optional<SmallVector<int64_t>>(
        SmallVector<int64_t>(attr->ints.begin(), attr->ints.end()));
  }

  const onnx::Attribute *getTensorAttr(StringRef name) {
    return find(name, onnx::Attribute::kTensor);
  }

  /// Marks an attribute as understood without reading it.
  void ignore(StringRef name) { used.insert(name); }

  /// Fails on the first attribute nobody read.
  LogicalResult finish() {
    if (failed(status))
      return failure();
    for (const onnx::Attribute &attr : node.attributes)
      if (!used.contains(attr.name))
        return emitError(loc)
               << what << ": unsupported attribute '" << attr.name << "'";
    return success();
  }

private:
  static StringRef typeName(int32_t type) {
    static constexpr StringRef names[] = {"UNDEFINED", "FLOAT",  "INT",
                                          "STRING",    "TENSOR", "GRAPH",
                                          "FLOATS",    "INTS",   "STRINGS"};
    return type >= 0 && type < 9 ? names[type] : "another type";
  }

  const onnx::Attribute *find(StringRef name, int32_t type) {
    used.insert(name);
    const onnx::Attribute *attr = node.findAttribute(name.str());
    if (attr && attr->type != type) {
      emitError(loc) << what << ": attribute '" << name << "' is "
                     << typeName(attr->type) << ", expected " << typeName(type);
      status = failure();
      return nullptr;
    }
    return attr;
  }

  const onnx::Node &node;
  Location loc;
  const std::string &what;
  llvm::StringSet<> used;
  LogicalResult status = success();
};

} // namespace mlir::dfq::onnx_import

#endif // DFQ_LIB_IMPORT_ATTRIBUTEREADER_H
