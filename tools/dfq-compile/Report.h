//===- Report.h - dfq-compile's per-layer report ----------------*- C++ -*-===//
//
// What dfq-compile writes besides the model: report.json (per layer: bits
// and why, sensitivity, SQNR against the float model, range and where it
// came from, weight bytes, bit operations; totals) and report.html, the
// same as a picture.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TOOLS_DFQCOMPILE_REPORT_H
#define DFQ_TOOLS_DFQCOMPILE_REPORT_H

#include "dfq/Runtime/Tensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"

#include <string>

namespace mlir::dfq {

/// Per-layer SQNR in dB of the quantized model against the float one, both
/// run by the reference interpreter on `images`; layers are matched by name
/// (getLayerName), and a layer's output is taken after the ReLU or clip that
/// quantization fuses into it.
FailureOr<llvm::StringMap<double>> measureLayerSqnr(ModuleOp floatModel,
                                                    ModuleOp quantizedModel,
                                                    const rt::Tensor &images);

/// The report of `quantizedModel`: `header` (the options dfq-compile ran
/// with) plus "layers" and "totals". `budget` is dfq-assign-bits' budget
/// ("avg-bits:4"), or empty.
llvm::json::Object buildReport(ModuleOp quantizedModel,
                               const llvm::StringMap<double> &sqnr,
                               llvm::json::Object header, StringRef budget);

/// A self-contained HTML page (inline SVG, no script) of the report: weight
/// and activation bits and SQNR per layer, and the totals.
std::string renderReportHtml(const llvm::json::Object &report);

} // namespace mlir::dfq

#endif // DFQ_TOOLS_DFQCOMPILE_REPORT_H
