//===- ConstantFolding.cpp - Import-time evaluation of ONNX nodes ---------===//
//
// Evaluates the ONNX operators that shape computations use, on constants,
// with the semantics of the ONNX operator specification
// (https://onnx.ai/onnx/operators/). Integer elements are int64 (INT32 and
// BOOL are widened on read and narrowed back by type), float elements are
// float, so float arithmetic rounds exactly as the interpreter would.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::dfq;
using namespace mlir::dfq::onnx_import;

bool ConstantRef::allKnown() const {
  return llvm::all_of(known, [](Known k) { return k == Known::Value; });
}

namespace {

/// The largest tensor the folder makes (ConstantOfShape and Expand could
/// otherwise be asked for anything).
constexpr int64_t kMaxFoldedElements = int64_t(1) << 24;

bool isIntegerType(int32_t type) {
  return type == onnx::kInt64 || type == onnx::kInt32 || type == onnx::kBool;
}

/// A constant being folded: every element in `ints` or `floats` by type,
/// and what is known about it.
struct Array {
  int32_t type = onnx::kUndefined;
  std::vector<int64_t> dims;
  std::vector<int64_t> ints;
  std::vector<float> floats;
  std::vector<Known> known;

  bool isFloat() const { return type == onnx::kFloat; }
  int64_t size() const { return static_cast<int64_t>(known.size()); }
  int64_t rank() const { return static_cast<int64_t>(dims.size()); }

  static int64_t count(ArrayRef<int64_t> dims) {
    int64_t n = 1;
    for (int64_t d : dims)
      n *= d;
    return n;
  }

  /// An array of `dims` with every element known and zero.
  static Array make(int32_t type, ArrayRef<int64_t> dims) {
    Array a;
    a.type = type;
    a.dims.assign(dims.begin(), dims.end());
    int64_t n = count(dims);
    (a.isFloat() ? (void)a.floats.assign(n, 0.0f) : (void)a.ints.assign(n, 0));
    a.known.assign(n, Known::Value);
    return a;
  }

  /// Copies element `from` of `source` (of the same kind) to element `to`.
  void copyElement(int64_t to, const Array &source, int64_t from) {
    if (isFloat())
      floats[to] = source.floats[from];
    else
      ints[to] = source.ints[from];
    known[to] = source.known[from];
  }

  /// Row-major strides of `dims`.
  static std::vector<int64_t> strides(ArrayRef<int64_t> dims) {
    std::vector<int64_t> s(dims.size(), 1);
    for (int64_t i = static_cast<int64_t>(dims.size()) - 2; i >= 0; --i)
      s[i] = s[i + 1] * dims[i + 1];
    return s;
  }
};

class Folder {
public:
  Folder(const onnx::Node &node, AttributeReader &attrs, Location loc,
         StringRef what)
      : node(node), attrs(attrs), loc(loc), what(what) {}

  FailureOr<Array> fold(ArrayRef<ConstantRef> inputs);

private:
  InFlightDiagnostic error() { return emitError(loc) << what << ": "; }

  FailureOr<Array> read(ArrayRef<ConstantRef> inputs, unsigned index);
  /// The known integer elements of input `index`, as a list.
  FailureOr<SmallVector<int64_t>> readInts(ArrayRef<ConstantRef> inputs,
                                           unsigned index, StringRef role);
  FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank);

  FailureOr<Array> binary(StringRef op, const Array &lhs, const Array &rhs);
  FailureOr<Array> where(const Array &cond, const Array &x, const Array &y);
  FailureOr<Array> cast(const Array &input, int64_t to);
  FailureOr<Array> gather(const Array &data, const Array &indices,
                          int64_t axis);
  FailureOr<Array> concat(ArrayRef<Array> parts, int64_t axis);
  FailureOr<Array> slice(const Array &data, ArrayRef<int64_t> starts,
                         ArrayRef<int64_t> ends, ArrayRef<int64_t> axes,
                         ArrayRef<int64_t> steps);
  FailureOr<Array> reshapeTo(Array input, ArrayRef<int64_t> shape,
                             bool allowZero);

  const onnx::Node &node;
  AttributeReader &attrs;
  Location loc;
  StringRef what;
};

} // namespace

FailureOr<Array> Folder::read(ArrayRef<ConstantRef> inputs, unsigned index) {
  if (index >= inputs.size() || !inputs[index].tensor)
    return error() << "input #" << index << " is missing";
  const ConstantRef &ref = inputs[index];
  const onnx::Tensor &t = *ref.tensor;
  if (t.hasExternalData)
    return error() << "tensor '" << t.name
                   << "' uses external data, which is not supported";
  if (t.dataType != onnx::kFloat && !isIntegerType(t.dataType))
    return error() << "tensor '" << t.name << "' has element type "
                   << onnx::dataTypeName(t.dataType)
                   << "; shape computations are folded on FLOAT, INT32, "
                      "INT64 and BOOL tensors";
  Array a;
  a.type = t.dataType;
  a.dims = t.dims;
  int64_t n = Array::count(a.dims);
  if (a.isFloat())
    a.floats = t.floats;
  else
    a.ints = t.ints;
  if (static_cast<int64_t>(a.isFloat() ? a.floats.size() : a.ints.size()) != n)
    return error() << "tensor '" << t.name << "' holds the wrong number of "
                   << "elements for its dims";
  a.known.resize(n);
  for (int64_t i = 0; i < n; ++i)
    a.known[i] = ref.at(i);
  return a;
}

FailureOr<SmallVector<int64_t>>
Folder::readInts(ArrayRef<ConstantRef> inputs, unsigned index, StringRef role) {
  FailureOr<Array> a = read(inputs, index);
  if (failed(a))
    return failure();
  if (a->isFloat() || a->rank() > 1)
    return error() << role << " must be a scalar or 1-D integer tensor";
  if (llvm::any_of(a->known, [](Known k) { return k != Known::Value; }))
    return error() << role << " " << "depends on the run-time batch size; "
                   << "it must be known when the model is imported (fix the "
                      "batch with --input-shape, e.g. 1x...)";
  return SmallVector<int64_t>(a->ints.begin(), a->ints.end());
}

FailureOr<int64_t> Folder::normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return error() << "axis " << axis << " is out of range for rank " << rank;
  return axis < 0 ? axis + rank : axis;
}

/// NumPy broadcasting of two shapes (trailing dimensions aligned).
static std::optional<std::vector<int64_t>> broadcastDims(ArrayRef<int64_t> a,
                                                         ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> dims(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t x = i + a.size() >= rank ? a[i + a.size() - rank] : 1;
    int64_t y = i + b.size() >= rank ? b[i + b.size() - rank] : 1;
    if (x != y && x != 1 && y != 1)
      return std::nullopt;
    dims[i] = x == 1 ? y : x;
  }
  return dims;
}

namespace {
/// Maps the elements of a broadcast result back to one operand's elements.
class BroadcastIndex {
public:
  BroadcastIndex(ArrayRef<int64_t> operand, ArrayRef<int64_t> result)
      : result(result), strides(result.size(), 0) {
    std::vector<int64_t> own = Array::strides(operand);
    size_t lead = result.size() - operand.size();
    for (size_t i = 0; i < operand.size(); ++i)
      if (operand[i] != 1)
        strides[lead + i] = own[i];
  }

  /// The operand element that result element `e` reads.
  int64_t operator()(int64_t e) const {
    int64_t offset = 0;
    for (int64_t i = static_cast<int64_t>(result.size()) - 1; i >= 0; --i) {
      offset += (e % result[i]) * strides[i];
      e /= result[i];
    }
    return offset;
  }

private:
  ArrayRef<int64_t> result;
  std::vector<int64_t> strides;
};
} // namespace

FailureOr<Array> Folder::binary(StringRef op, const Array &lhs,
                                const Array &rhs) {
  if (lhs.isFloat() != rhs.isFloat())
    return error() << "operands have different element types ("
                   << onnx::dataTypeName(lhs.type) << " and "
                   << onnx::dataTypeName(rhs.type) << ")";
  std::optional<std::vector<int64_t>> dims = broadcastDims(lhs.dims, rhs.dims);
  if (!dims)
    return error() << "operand shapes do not broadcast";
  bool isEqual = op == "Equal";
  Array out = Array::make(isEqual ? onnx::kBool : lhs.type, *dims);
  BroadcastIndex lIndex(lhs.dims, *dims), rIndex(rhs.dims, *dims);
  // `n * 1`, `n / 1`, `n + 0` and `n - 0` keep what is known about `n`.
  auto isIdentity = [&](const Array &a, int64_t i, int64_t v) {
    return a.known[i] == Known::Value &&
           (a.isFloat() ? a.floats[i] == float(v) : a.ints[i] == v);
  };
  for (int64_t e = 0; e < out.size(); ++e) {
    int64_t l = lIndex(e), r = rIndex(e);
    Known lk = lhs.known[l], rk = rhs.known[r];
    // The batch size is at least 1, so `Equal(n, -1)` (converters' test for
    // a -1 in a shape) is known to be false.
    auto isBelowOne = [](const Array &a, int64_t i) {
      return a.known[i] == Known::Value &&
             (a.isFloat() ? a.floats[i] < 1.0f : a.ints[i] < 1);
    };
    if (isEqual && ((lk == Known::BatchSize && isBelowOne(rhs, r)) ||
                    (rk == Known::BatchSize && isBelowOne(lhs, l)))) {
      out.known[e] = Known::Value;
      out.ints[e] = 0;
      continue;
    }
    if (lk == Known::Value && rk == Known::Value)
      out.known[e] = Known::Value;
    else if (!isEqual && rk == Known::Value &&
             (((op == "Mul" || op == "Div") && isIdentity(rhs, r, 1)) ||
              ((op == "Add" || op == "Sub") && isIdentity(rhs, r, 0))))
      out.known[e] = lk;
    else if (!isEqual && lk == Known::Value &&
             ((op == "Mul" && isIdentity(lhs, l, 1)) ||
              (op == "Add" && isIdentity(lhs, l, 0))))
      out.known[e] = rk;
    else
      out.known[e] = Known::RunTime;
    if (lhs.isFloat()) {
      float a = lhs.floats[l], b = rhs.floats[r];
      if (isEqual)
        out.ints[e] = a == b;
      else
        out.floats[e] = op == "Add"    ? a + b
                        : op == "Sub"  ? a - b
                        : op == "Mul"  ? a * b
                        : op == "Pow"  ? std::pow(a, b)
                        : op == "FMod" ? std::fmod(a, b)
                                       : a / b;
      continue;
    }
    int64_t a = lhs.ints[l], b = rhs.ints[r];
    if ((op == "Div" || op == "Mod" || op == "FMod") && b == 0) {
      if (out.known[e] == Known::Value)
        return error() << "integer division by zero";
      continue;
    }
    // Wrapping arithmetic: shapes never come near the limits, and a wrapped
    // result is a wrong shape that its consumer rejects.
    if (op == "Mod" || op == "FMod") {
      int64_t m = b == -1 ? 0 : a % b; // C's remainder (dividend's sign)
      if (op == "Mod" && m != 0 && (m < 0) != (b < 0))
        m += b;
      out.ints[e] = m;
      continue;
    }
    out.ints[e] = isEqual       ? a == b
                  : op == "Add" ? int64_t(uint64_t(a) + uint64_t(b))
                  : op == "Sub" ? int64_t(uint64_t(a) - uint64_t(b))
                  : op == "Mul" ? int64_t(uint64_t(a) * uint64_t(b))
                  : b == -1     ? int64_t(0 - uint64_t(a))
                                : a / b; // truncates, as ONNX Runtime
  }
  return out;
}

FailureOr<Array> Folder::where(const Array &cond, const Array &x,
                               const Array &y) {
  if (cond.type != onnx::kBool)
    return error() << "the condition must be a BOOL tensor";
  if (x.isFloat() != y.isFloat())
    return error() << "the two branches have different element types";
  std::optional<std::vector<int64_t>> xy = broadcastDims(x.dims, y.dims);
  std::optional<std::vector<int64_t>> dims =
      xy ? broadcastDims(cond.dims, *xy) : std::nullopt;
  if (!dims)
    return error() << "operand shapes do not broadcast";
  Array out = Array::make(x.type, *dims);
  BroadcastIndex cIndex(cond.dims, *dims), xIndex(x.dims, *dims),
      yIndex(y.dims, *dims);
  for (int64_t e = 0; e < out.size(); ++e) {
    int64_t c = cIndex(e);
    if (cond.known[c] != Known::Value)
      out.known[e] = Known::RunTime;
    else if (cond.ints[c])
      out.copyElement(e, x, xIndex(e));
    else
      out.copyElement(e, y, yIndex(e));
  }
  return out;
}

FailureOr<Array> Folder::cast(const Array &input, int64_t to) {
  if (to != onnx::kFloat && !isIntegerType(static_cast<int32_t>(to)))
    return error() << "Cast to " << onnx::dataTypeName(static_cast<int32_t>(to))
                   << " is not supported in shape computations (FLOAT, "
                      "INT32, INT64 and BOOL are)";
  Array out = Array::make(static_cast<int32_t>(to), input.dims);
  out.known = input.known;
  for (int64_t e = 0; e < out.size(); ++e) {
    if (out.isFloat()) {
      out.floats[e] =
          input.isFloat() ? input.floats[e] : static_cast<float>(input.ints[e]);
      continue;
    }
    int64_t v = 0;
    if (input.isFloat()) {
      float f = input.floats[e];
      if (!std::isfinite(f) || std::fabs(f) >= 9.2e18f) {
        if (out.known[e] == Known::Value)
          return error() << "cannot cast " << f << " to an integer";
      } else {
        v = static_cast<int64_t>(f); // truncates, as C and ONNX Runtime
      }
    } else {
      v = input.ints[e];
    }
    if (to == onnx::kBool)
      v = v != 0;
    else if (to == onnx::kInt32)
      v = static_cast<int32_t>(v);
    out.ints[e] = v;
  }
  return out;
}

FailureOr<Array> Folder::gather(const Array &data, const Array &indices,
                                int64_t axis) {
  if (indices.isFloat())
    return error() << "indices must be integers";
  FailureOr<int64_t> a = normalizeAxis(axis, data.rank());
  if (failed(a))
    return failure();
  int64_t extent = data.dims[*a];
  std::vector<int64_t> dims(data.dims.begin(), data.dims.begin() + *a);
  dims.insert(dims.end(), indices.dims.begin(), indices.dims.end());
  dims.insert(dims.end(), data.dims.begin() + *a + 1, data.dims.end());
  Array out = Array::make(data.type, dims);
  int64_t outer = Array::count(ArrayRef<int64_t>(data.dims).take_front(*a));
  int64_t inner = Array::count(ArrayRef<int64_t>(data.dims).drop_front(*a + 1));
  int64_t e = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < indices.size(); ++i) {
      if (indices.known[i] != Known::Value)
        return error() << "an index depends on the run-time batch size";
      int64_t index = indices.ints[i];
      if (index < -extent || index >= extent)
        return error() << "index " << index << " is out of range for a "
                       << "dimension of " << extent;
      index = index < 0 ? index + extent : index;
      for (int64_t k = 0; k < inner; ++k)
        out.copyElement(e++, data, (o * extent + index) * inner + k);
    }
  return out;
}

FailureOr<Array> Folder::concat(ArrayRef<Array> parts, int64_t axis) {
  const Array &first = parts.front();
  FailureOr<int64_t> a = normalizeAxis(axis, first.rank());
  if (failed(a))
    return failure();
  std::vector<int64_t> dims = first.dims;
  dims[*a] = 0;
  for (const Array &part : parts) {
    if (part.rank() != first.rank() || part.isFloat() != first.isFloat())
      return error() << "inputs differ in rank or element type";
    for (int64_t i = 0; i < part.rank(); ++i)
      if (i != *a && part.dims[i] != first.dims[i])
        return error() << "inputs differ in dimension " << i;
    dims[*a] += part.dims[*a];
  }
  Array out = Array::make(first.type, dims);
  int64_t outer = Array::count(ArrayRef<int64_t>(dims).take_front(*a));
  int64_t e = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (const Array &part : parts) {
      int64_t chunk = part.size() / std::max<int64_t>(outer, 1);
      for (int64_t k = 0; k < chunk; ++k)
        out.copyElement(e++, part, o * chunk + k);
    }
  return out;
}

FailureOr<Array> Folder::slice(const Array &data, ArrayRef<int64_t> starts,
                               ArrayRef<int64_t> ends, ArrayRef<int64_t> axes,
                               ArrayRef<int64_t> steps) {
  int64_t rank = data.rank();
  std::vector<int64_t> begin(rank, 0), step(rank, 1), dims = data.dims;
  for (size_t i = 0; i < starts.size(); ++i) {
    FailureOr<int64_t> axis = normalizeAxis(axes[i], rank);
    if (failed(axis))
      return failure();
    if (steps[i] == 0)
      return error() << "a step is zero";
    SliceWindow window =
        resolveSliceWindow(starts[i], ends[i], steps[i], data.dims[*axis]);
    dims[*axis] = window.count;
    begin[*axis] = window.first;
    step[*axis] = steps[i];
  }
  Array out = Array::make(data.type, dims);
  std::vector<int64_t> strides = Array::strides(data.dims);
  std::vector<int64_t> index(rank, 0);
  for (int64_t e = 0; e < out.size(); ++e) {
    int64_t from = 0;
    for (int64_t i = 0; i < rank; ++i)
      from += (begin[i] + index[i] * step[i]) * strides[i];
    out.copyElement(e, data, from);
    for (int64_t i = rank - 1; i >= 0 && ++index[i] == dims[i]; --i)
      index[i] = 0;
  }
  return out;
}

FailureOr<Array> Folder::reshapeTo(Array input, ArrayRef<int64_t> shape,
                                   bool allowZero) {
  std::vector<int64_t> dims;
  int64_t infer = -1, known = 1;
  for (auto [i, entry] : llvm::enumerate(shape)) {
    int64_t d = entry;
    if (d == 0 && !allowZero && i < input.dims.size())
      d = input.dims[i];
    if (d == -1) {
      if (infer >= 0)
        return error() << "the shape has more than one -1";
      infer = i;
    } else if (d < 0) {
      return error() << "the shape has an invalid entry " << d;
    } else {
      known *= d;
    }
    dims.push_back(d);
  }
  if (infer >= 0) {
    if (known == 0 || input.size() % known)
      return error() << "cannot reshape " << input.size() << " elements";
    dims[infer] = input.size() / known;
  } else if (known != input.size()) {
    return error() << "cannot reshape " << input.size() << " elements to "
                   << known;
  }
  input.dims = std::move(dims);
  return input;
}

FailureOr<Array> Folder::fold(ArrayRef<ConstantRef> inputs) {
  StringRef op = node.opType;
  auto readAll = [&](unsigned count) -> FailureOr<SmallVector<Array>> {
    SmallVector<Array> arrays;
    for (unsigned i = 0; i < count; ++i) {
      FailureOr<Array> a = read(inputs, i);
      if (failed(a))
        return failure();
      arrays.push_back(std::move(*a));
    }
    return arrays;
  };

  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" ||
      op == "Equal" || op == "Pow" || op == "Mod") {
    // Mod: integers take the divisor's sign (Python's %) unless fmod = 1
    // (C's fmod, the dividend's sign, and the only form for floats).
    FailureOr<int64_t> fmod =
        op == "Mod" ? attrs.getFlag("fmod", 0) : FailureOr<int64_t>(0);
    FailureOr<SmallVector<Array>> in =
        failed(fmod) ? FailureOr<SmallVector<Array>>(failure()) : readAll(2);
    if (failed(in) || failed(attrs.finish()))
      return failure();
    if (op == "Mod") {
      if ((*in)[0].isFloat() && !*fmod)
        return error() << "Mod of FLOAT tensors needs fmod = 1";
      return binary(*fmod ? "FMod" : "Mod", (*in)[0], (*in)[1]);
    }
    if (op == "Pow" && (!(*in)[0].isFloat() || !(*in)[1].isFloat()))
      return error() << "Pow is folded on FLOAT tensors only";
    return binary(op, (*in)[0], (*in)[1]);
  }
  if (op == "Where") {
    FailureOr<SmallVector<Array>> in = readAll(3);
    if (failed(in) || failed(attrs.finish()))
      return failure();
    return where((*in)[0], (*in)[1], (*in)[2]);
  }
  if (op == "Not") {
    FailureOr<Array> in = read(inputs, 0);
    if (failed(in) || failed(attrs.finish()))
      return failure();
    if (in->type != onnx::kBool)
      return error() << "input must be a BOOL tensor";
    for (int64_t &v : in->ints)
      v = !v;
    return in;
  }
  if (op == "Floor" || op == "Ceil") {
    FailureOr<Array> in = read(inputs, 0);
    if (failed(in) || failed(attrs.finish()))
      return failure();
    if (!in->isFloat())
      return error() << "input must be a FLOAT tensor";
    for (float &f : in->floats)
      f = op == "Floor" ? std::floor(f) : std::ceil(f);
    return in;
  }
  if (op == "Cast") {
    FailureOr<int64_t> to = attrs.getInt("to", onnx::kUndefined);
    attrs.ignore("saturate"); // opset 19, float8 targets only
    // A DOUBLE constant cast to FLOAT (how torch.onnx.export writes a
    // Python float such as pow's 1/3): rounded to nearest, as C converts.
    const onnx::Tensor *source = inputs.empty() ? nullptr : inputs[0].tensor;
    if (succeeded(to) && source && source->dataType == onnx::kDouble) {
      if (failed(attrs.finish()))
        return failure();
      if (*to != onnx::kFloat)
        return error() << "casts a DOUBLE constant to "
                       << onnx::dataTypeName(static_cast<int32_t>(*to))
                       << "; only casts to FLOAT are folded";
      if (int64_t(source->doubles.size()) != Array::count(source->dims))
        return error() << "tensor '" << source->name
                       << "' holds the wrong number of elements for its dims";
      Array out;
      out.type = onnx::kFloat;
      out.dims = source->dims;
      for (double d : source->doubles)
        out.floats.push_back(static_cast<float>(d));
      out.known.assign(out.floats.size(), Known::Value);
      return out;
    }
    FailureOr<Array> in =
        failed(to) ? FailureOr<Array>(failure()) : read(inputs, 0);
    if (failed(in) || failed(attrs.finish()))
      return failure();
    return cast(*in, *to);
  }
  if (op == "Gather") {
    FailureOr<int64_t> axis = attrs.getInt("axis", 0);
    FailureOr<SmallVector<Array>> in =
        failed(axis) ? FailureOr<SmallVector<Array>>(failure()) : readAll(2);
    if (failed(in) || failed(attrs.finish()))
      return failure();
    return gather((*in)[0], (*in)[1], *axis);
  }
  if (op == "Concat") {
    FailureOr<int64_t> axis = attrs.getInt("axis", INT64_MIN);
    FailureOr<SmallVector<Array>> in =
        failed(axis) ? FailureOr<SmallVector<Array>>(failure())
                     : readAll(node.inputs.size());
    if (failed(in) || failed(attrs.finish()))
      return failure();
    if (*axis == INT64_MIN)
      return error() << "attribute 'axis' is required";
    if (in->empty())
      return error() << "has no inputs";
    return concat(*in, *axis);
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    // Opset 13 moved `axes` from an attribute to an optional input.
    FailureOr<std::optional<SmallVector<int64_t>>> attrAxes =
        attrs.getInts("axes");
    FailureOr<Array> in =
        failed(attrAxes) ? FailureOr<Array>(failure()) : read(inputs, 0);
    if (failed(in) || failed(attrs.finish()))
      return failure();
    std::optional<SmallVector<int64_t>> axes = *attrAxes;
    if (inputs.size() > 1 && inputs[1].tensor) {
      FailureOr<SmallVector<int64_t>> given = readInts(inputs, 1, "axes");
      if (failed(given))
        return failure();
      axes = *given;
    }
    std::string why;
    std::optional<SmallVector<int64_t>> dims =
        squeezeShape(in->dims, axes, op == "Unsqueeze", why);
    if (!dims)
      return error() << why;
    in->dims.assign(dims->begin(), dims->end());
    return in;
  }
  if (op == "Slice") {
    FailureOr<Array> data = read(inputs, 0);
    if (failed(data) || failed(attrs.finish()))
      return failure();
    FailureOr<SmallVector<int64_t>> starts = readInts(inputs, 1, "starts");
    FailureOr<SmallVector<int64_t>> ends =
        failed(starts) ? FailureOr<SmallVector<int64_t>>(failure())
                       : readInts(inputs, 2, "ends");
    if (failed(ends))
      return failure();
    SmallVector<int64_t> axes, steps(starts->size(), 1);
    for (int64_t i = 0; i < static_cast<int64_t>(starts->size()); ++i)
      axes.push_back(i);
    if (inputs.size() > 3 && inputs[3].tensor) {
      FailureOr<SmallVector<int64_t>> given = readInts(inputs, 3, "axes");
      if (failed(given))
        return failure();
      axes = *given;
    }
    if (inputs.size() > 4 && inputs[4].tensor) {
      FailureOr<SmallVector<int64_t>> given = readInts(inputs, 4, "steps");
      if (failed(given))
        return failure();
      steps = *given;
    }
    if (ends->size() != starts->size() || axes.size() != starts->size() ||
        steps.size() != starts->size())
      return error() << "starts, ends, axes and steps differ in length";
    return slice(*data, *starts, *ends, axes, steps);
  }
  if (op == "ScatterND") {
    // ONNX ScatterND without reduction: a copy of data whose slices at
    // indices[..., :] are replaced by updates, in order.
    FailureOr<std::string> reduction = attrs.getString("reduction", "none");
    FailureOr<SmallVector<Array>> in =
        failed(reduction) ? FailureOr<SmallVector<Array>>(failure())
                          : readAll(3);
    if (failed(in) || failed(attrs.finish()))
      return failure();
    if (*reduction != "none")
      return error() << "reduction '" << *reduction << "' is not supported";
    Array out = (*in)[0];
    const Array &indices = (*in)[1], &updates = (*in)[2];
    if (indices.isFloat() || indices.rank() < 1 ||
        updates.isFloat() != out.isFloat())
      return error() << "indices must be integers and updates of the data's "
                        "element type";
    int64_t k = indices.dims.back();
    if (k > out.rank())
      return error() << "index tuples are longer than the data's rank";
    int64_t slice = Array::count(ArrayRef<int64_t>(out.dims).drop_front(k));
    int64_t tuples = indices.size() / std::max<int64_t>(k, 1);
    if (updates.size() != tuples * slice)
      return error() << "updates hold the wrong number of elements";
    std::vector<int64_t> strides = Array::strides(out.dims);
    for (int64_t t = 0; t < tuples; ++t) {
      int64_t offset = 0;
      for (int64_t j = 0; j < k; ++j) {
        if (indices.known[t * k + j] != Known::Value)
          return error() << "an index depends on the run-time batch size";
        int64_t i = indices.ints[t * k + j], extent = out.dims[j];
        if (i < -extent || i >= extent)
          return error() << "index " << i << " is out of range";
        offset += (i < 0 ? i + extent : i) * strides[j];
      }
      for (int64_t e = 0; e < slice; ++e)
        out.copyElement(offset + e, updates, t * slice + e);
    }
    return out;
  }
  if (op == "Range") {
    FailureOr<SmallVector<Array>> in = readAll(3);
    if (failed(in) || failed(attrs.finish()))
      return failure();
    const Array &start = (*in)[0], &limit = (*in)[1], &delta = (*in)[2];
    for (const Array &a : *in)
      if (a.size() != 1 || a.known[0] != Known::Value ||
          a.isFloat() != start.isFloat())
        return error() << "start, limit and delta must be known scalars of "
                          "one element type";
    // ONNX: max(ceil((limit - start) / delta), 0) elements.
    double from = start.isFloat() ? start.floats[0] : double(start.ints[0]);
    double to = limit.isFloat() ? limit.floats[0] : double(limit.ints[0]);
    double step = delta.isFloat() ? delta.floats[0] : double(delta.ints[0]);
    if (step == 0 || !std::isfinite(from) || !std::isfinite(to))
      return error() << "delta is zero or a bound is not finite";
    double count = std::max(std::ceil((to - from) / step), 0.0);
    if (count > double(kMaxFoldedElements))
      return error() << "the result would be too large to fold";
    Array out = Array::make(start.type, {static_cast<int64_t>(count)});
    for (int64_t e = 0; e < out.size(); ++e) {
      if (out.isFloat())
        out.floats[e] = start.floats[0] + float(e) * delta.floats[0];
      else
        out.ints[e] = start.ints[0] + e * delta.ints[0];
    }
    return out;
  }
  if (op == "Expand") {
    FailureOr<Array> data = read(inputs, 0);
    if (failed(data) || failed(attrs.finish()))
      return failure();
    FailureOr<SmallVector<int64_t>> shape = readInts(inputs, 1, "shape");
    if (failed(shape))
      return failure();
    // Expand broadcasts both ways, as NumPy does: a 1 in `shape` keeps the
    // data's dimension.
    std::optional<std::vector<int64_t>> dims =
        broadcastDims(data->dims, *shape);
    if (!dims || llvm::any_of(*dims, [](int64_t d) { return d < 0; }))
      return error() << "cannot expand the data to the shape";
    if (Array::count(*dims) > kMaxFoldedElements)
      return error() << "the result would be too large to fold";
    Array out = Array::make(data->type, *dims);
    BroadcastIndex index(data->dims, *dims);
    for (int64_t e = 0; e < out.size(); ++e)
      out.copyElement(e, *data, index(e));
    return out;
  }
  if (op == "Transpose") {
    FailureOr<std::optional<SmallVector<int64_t>>> perm = attrs.getInts("perm");
    FailureOr<Array> in =
        failed(perm) ? FailureOr<Array>(failure()) : read(inputs, 0);
    if (failed(in) || failed(attrs.finish()))
      return failure();
    int64_t rank = in->rank();
    SmallVector<int64_t> order;
    for (int64_t i = rank - 1; i >= 0; --i)
      order.push_back(i);
    if (*perm)
      order = **perm;
    std::vector<bool> seen(rank, false);
    if (static_cast<int64_t>(order.size()) != rank ||
        llvm::any_of(order, [&](int64_t p) {
          bool bad = p < 0 || p >= rank || seen[p];
          if (!bad)
            seen[p] = true;
          return bad;
        }))
      return error() << "perm is not a permutation of the input's " << rank
                     << " dimensions";
    std::vector<int64_t> dims;
    for (int64_t p : order)
      dims.push_back(in->dims[p]);
    Array out = Array::make(in->type, dims);
    std::vector<int64_t> strides = Array::strides(in->dims);
    std::vector<int64_t> index(rank, 0);
    for (int64_t e = 0; e < out.size(); ++e) {
      int64_t from = 0;
      for (int64_t i = 0; i < rank; ++i)
        from += index[i] * strides[order[i]];
      out.copyElement(e, *in, from);
      for (int64_t i = rank - 1; i >= 0 && ++index[i] == dims[i]; --i)
        index[i] = 0;
    }
    return out;
  }
  if (op == "Reshape") {
    FailureOr<int64_t> allowZero = attrs.getFlag("allowzero", 0);
    FailureOr<Array> data =
        failed(allowZero) ? FailureOr<Array>(failure()) : read(inputs, 0);
    if (failed(data) || failed(attrs.finish()))
      return failure();
    FailureOr<SmallVector<int64_t>> shape = readInts(inputs, 1, "shape");
    if (failed(shape))
      return failure();
    return reshapeTo(std::move(*data), *shape, *allowZero != 0);
  }
  if (op == "ConstantOfShape") {
    const onnx::Attribute *value = attrs.getTensorAttr("value");
    if (failed(attrs.finish()))
      return failure();
    FailureOr<SmallVector<int64_t>> shape = readInts(inputs, 0, "shape");
    if (failed(shape))
      return failure();
    int64_t n = 1;
    for (int64_t d : *shape) {
      if (d < 0)
        return error() << "the shape has a negative entry " << d;
      if (d && n > kMaxFoldedElements / d)
        return error() << "the result would be too large to fold";
      n *= d;
    }
    Array fill = Array::make(onnx::kFloat, {});
    if (value && value->t) {
      onnx::Tensor t = *value->t;
      ConstantRef ref{&t, {}};
      FailureOr<Array> given = read(ArrayRef<ConstantRef>(ref), 0);
      if (failed(given))
        return failure();
      if (given->size() != 1)
        return error() << "'value' must hold one element";
      fill = std::move(*given);
    }
    Array out = Array::make(fill.type, *shape);
    for (int64_t e = 0; e < out.size(); ++e)
      out.copyElement(e, fill, 0);
    return out;
  }
  return error() << "is not evaluated at import";
}

SliceWindow mlir::dfq::onnx_import::resolveSliceWindow(int64_t start,
                                                       int64_t end,
                                                       int64_t step,
                                                       int64_t extent) {
  auto position = [&](int64_t p, int64_t lo, int64_t hi) {
    if (p < 0)
      p = p < std::numeric_limits<int64_t>::min() + extent ? lo : p + extent;
    return std::clamp(p, lo, hi);
  };
  // Unsigned magnitudes: a step of INT64_MIN has no positive negation.
  SliceWindow window;
  if (step > 0) {
    window.first = position(start, 0, extent);
    int64_t last = position(end, 0, extent);
    if (last > window.first)
      window.count = static_cast<int64_t>(
          uint64_t(last - window.first - 1) / uint64_t(step) + 1);
  } else {
    window.first = position(start, -1, extent - 1);
    int64_t last = position(end, -1, extent - 1);
    if (window.first > last)
      window.count = static_cast<int64_t>(
          uint64_t(window.first - last - 1) / (0 - uint64_t(step)) + 1);
  }
  return window;
}

std::optional<SmallVector<int64_t>> mlir::dfq::onnx_import::squeezeShape(
    ArrayRef<int64_t> dims, const std::optional<SmallVector<int64_t>> &axes,
    bool unsqueeze, std::string &error) {
  if (unsqueeze && !axes) {
    error = "axes are required";
    return std::nullopt;
  }
  int64_t rank = dims.size() + (unsqueeze ? axes->size() : 0);
  SmallVector<bool> marked(rank, false);
  for (int64_t axis : axes ? *axes : SmallVector<int64_t>()) {
    int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank || marked[a]) {
      llvm::raw_string_ostream os(error);
      os << "axes [";
      llvm::interleaveComma(*axes, os);
      os << "] are out of range or repeated for rank " << rank;
      return std::nullopt;
    }
    if (!unsqueeze && dims[a] != 1) {
      error = "cannot squeeze dimension " + std::to_string(a) + " of size " +
              (ShapedType::isDynamic(dims[a])
                   ? std::string("? (known only at run time)")
                   : std::to_string(dims[a]));
      return std::nullopt;
    }
    marked[a] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0, j = 0; i < rank; ++i) {
    if (unsqueeze)
      shape.push_back(marked[i] ? 1 : dims[j++]);
    else if (!(axes ? marked[i] : dims[i] == 1))
      shape.push_back(dims[i]);
  }
  return shape;
}

bool mlir::dfq::onnx_import::isFoldableOnnxOp(StringRef opType) {
  return llvm::StringSwitch<bool>(opType)
      .Cases({"Add", "Sub", "Mul", "Div", "Pow", "Mod", "Equal", "Where"}, true)
      .Cases({"Floor", "Ceil", "Not", "Cast", "Gather", "Concat"}, true)
      .Cases({"Unsqueeze", "Squeeze", "Slice", "Reshape", "Transpose"}, true)
      .Cases({"ConstantOfShape", "Expand", "Range", "ScatterND"}, true)
      .Default(false);
}

FailureOr<FoldedTensor> mlir::dfq::onnx_import::foldOnnxNode(
    const onnx::Node &node, ArrayRef<ConstantRef> inputs,
    AttributeReader &attrs, Location loc, StringRef what) {
  FailureOr<Array> result = Folder(node, attrs, loc, what).fold(inputs);
  if (failed(result))
    return failure();
  if (result->size() > kMaxFoldedElements)
    return emitError(loc) << what << ": the result would be too large to fold";
  FoldedTensor folded;
  folded.tensor.name = node.outputs[0];
  folded.tensor.dataType = result->type;
  folded.tensor.dims = std::move(result->dims);
  folded.tensor.floats = std::move(result->floats);
  folded.tensor.ints = std::move(result->ints);
  if (llvm::any_of(result->known, [](Known k) { return k != Known::Value; }))
    folded.known = std::move(result->known);
  return folded;
}
