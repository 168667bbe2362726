//===- TargetRegistry.cpp - built-in and user target descriptions ---------===//

#include "dfq/Targets/TargetRegistry.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::dfq;

namespace {
struct BuiltinTarget {
  const char *name;
  const char *description;
};
} // namespace

// Written in the attribute syntax and parsed by the same parser as user
// files, so there is one source of truth for what each field means.
#define DFQ_ALL_BITS "[2, 3, 4, 5, 6, 7, 8]"
#define DFQ_ALL_LAYERS                                                         \
  "layers = [#dfq.layer<conv2d, weight_bits = " DFQ_ALL_BITS                   \
  ", act_bits = " DFQ_ALL_BITS ">, "                                           \
  "#dfq.layer<depthwise_conv2d, weight_bits = " DFQ_ALL_BITS                   \
  ", act_bits = " DFQ_ALL_BITS ">, "                                           \
  "#dfq.layer<gemm, weight_bits = " DFQ_ALL_BITS ", act_bits = " DFQ_ALL_BITS  \
  ">]"

static const BuiltinTarget kBuiltinTargets[] = {
    // vpdpbusd: u8 activations x s8 weights into wrapping s32 lanes; 16 x 32
    // bit lanes per zmm register; model arenas are 64-byte aligned.
    {"x86-avx512-vnni",
     "#dfq.target<\"x86-avx512-vnni\", backend = x86, " DFQ_ALL_LAYERS
     ", weights = per_channel, weight_signed = true, symmetric_weights = "
     "false, act_signed = false, symmetric_acts = false, scales = any, "
     "accumulator_bits = 32, saturating = false, vector_bytes = 64, "
     "tile = [4, 16], buffer_bytes = 0, alignment = 64>"},
    {"x86-avx2",
     "#dfq.target<\"x86-avx2\", backend = x86, " DFQ_ALL_LAYERS
     ", weights = per_channel, weight_signed = true, symmetric_weights = "
     "false, act_signed = false, symmetric_acts = false, scales = any, "
     "accumulator_bits = 32, saturating = false, vector_bytes = 32, "
     "tile = [4, 8], buffer_bytes = 0, alignment = 64>"},
    // Plain C99 with int32 accumulators: the numerics of the interpreter.
    {"c", "#dfq.target<\"c\", backend = c, " DFQ_ALL_LAYERS
          ", weights = per_channel, weight_signed = true, symmetric_weights = "
          "false, act_signed = false, symmetric_acts = false, scales = any, "
          "accumulator_bits = 32, saturating = false, vector_bytes = 16, "
          "tile = [1, 1], buffer_bytes = 0, alignment = 16>"},
    // mma.sync m16n8k32 u8 x s8 -> wrapping s32 on the tensor cores; kernels
    // fold the input zero point into the bias, so weights are symmetric.
    // tile: the largest thread-block tile (output pixels x channels);
    // buffer_bytes: the shared memory one block may opt in to (163 KiB on
    // the A100, 227 KiB on the H100); 255 registers per thread; 16-byte
    // cp.async copies; cudaMalloc's 256-byte alignment.
    {"cuda-sm80",
     "#dfq.target<\"cuda-sm80\", backend = cuda, " DFQ_ALL_LAYERS
     ", weights = per_channel, weight_signed = true, symmetric_weights = "
     "true, act_signed = false, symmetric_acts = false, scales = any, "
     "accumulator_bits = 32, saturating = false, vector_bytes = 16, "
     "tile = [128, 128], buffer_bytes = 166912, alignment = 256, "
     "registers = 255>"},
    {"cuda-sm90",
     "#dfq.target<\"cuda-sm90\", backend = cuda, " DFQ_ALL_LAYERS
     ", weights = per_channel, weight_signed = true, symmetric_weights = "
     "true, act_signed = false, symmetric_acts = false, scales = any, "
     "accumulator_bits = 32, saturating = false, vector_bytes = 16, "
     "tile = [128, 128], buffer_bytes = 232448, alignment = 256, "
     "registers = 255>"},
};

std::vector<std::string> mlir::dfq::getBuiltinTargetNames() {
  std::vector<std::string> names;
  for (const BuiltinTarget &target : kBuiltinTargets)
    names.push_back(target.name);
  return names;
}

FailureOr<TargetAttr> mlir::dfq::getBuiltinTarget(MLIRContext *context,
                                                  StringRef name,
                                                  std::string &error) {
  StringRef canonical = name == "x86" ? "x86-avx512-vnni" : name;
  for (const BuiltinTarget &target : kBuiltinTargets) {
    if (canonical != target.name)
      continue;
    auto attr = dyn_cast_or_null<TargetAttr>(
        parseAttribute(target.description, context));
    if (!attr) {
      error = "internal error: the built-in description '" + name.str() +
              "' does not parse";
      return failure();
    }
    return attr;
  }
  error = "unknown target '" + name.str() +
          "' (built-in: x86 (alias of "
          "x86-avx512-vnni), " +
          llvm::join(getBuiltinTargetNames(), ", ") +
          "; a description of your own goes in a file)";
  return failure();
}

/// `text` from its first character that is neither whitespace nor part of
/// a `//` comment.
static StringRef skipCommentsAndSpace(StringRef text) {
  while (!(text = text.ltrim()).empty() && text.starts_with("//"))
    text = text.drop_until([](char c) { return c == '\n'; });
  return text;
}

FailureOr<TargetAttr> mlir::dfq::loadTargetFile(MLIRContext *context,
                                                StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    emitError(UnknownLoc::get(context))
        << "cannot read target description '" << path
        << "': " << buffer.getError().message();
    return failure();
  }
  StringRef text = (*buffer)->getBuffer();
  // The attribute parser names its buffer after the text it parses; its
  // line:column positions are the file's, so errors are re-emitted at
  // path:line:column.
  std::vector<std::pair<Location, std::string>> errors;
  Attribute attr;
  size_t numRead = 0;
  {
    ScopedDiagnosticHandler capture(context, [&](Diagnostic &diag) {
      Location loc = diag.getLocation();
      if (auto fileLoc = dyn_cast<FileLineColLoc>(loc))
        loc = FileLineColLoc::get(context, path, fileLoc.getLine(),
                                  fileLoc.getColumn());
      errors.emplace_back(loc, diag.str());
      return success();
    });
    attr = parseAttribute(text, context, Type(), &numRead);
  }
  for (auto &[loc, message] : errors)
    emitError(loc) << message;
  if (!attr)
    return failure();
  auto target = dyn_cast<TargetAttr>(attr);
  if (!target) {
    emitError(FileLineColLoc::get(context, path, 1, 1))
        << "expected a #dfq.target<...>, got " << attr;
    return failure();
  }
  // `numRead` counts from the attribute's first character, after the
  // whitespace and comments that lead the file; only whitespace and `//`
  // comments may follow it.
  StringRef rest = skipCommentsAndSpace(text).drop_front(numRead);
  while (!(rest = rest.ltrim()).empty()) {
    if (!rest.starts_with("//")) {
      size_t offset = text.size() - rest.size();
      StringRef before = text.take_front(offset);
      unsigned line = 1 + before.count('\n');
      unsigned column = offset - (before.rfind('\n') + 1) + 1;
      emitError(FileLineColLoc::get(context, path, line, column))
          << "unexpected text after the target description";
      return failure();
    }
    rest = rest.drop_until([](char c) { return c == '\n'; });
  }
  return target;
}
