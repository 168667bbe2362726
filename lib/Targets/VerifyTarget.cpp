//===- VerifyTarget.cpp - dfq-verify-target -------------------------------===//

#include "dfq/Dialect/DfqOps.h"
#include "dfq/Dialect/TargetConstraints.h"
#include "dfq/Targets/Passes.h"

namespace mlir::dfq {
#define GEN_PASS_DEF_VERIFYTARGETPASS
#include "dfq/Targets/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {
struct VerifyTargetPass
    : public dfq::impl::VerifyTargetPassBase<VerifyTargetPass> {
  using VerifyTargetPassBase::VerifyTargetPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    TargetAttr target = TargetAttr::lookup(module);
    if (!target) {
      module.emitError("dfq-verify-target: the module has no dfq.target; "
                       "attach one with dfq-attach-target");
      return signalPassFailure();
    }
    unsigned violations = 0;
    module.walk([&](Operation *op) {
      if (isa<QConv2DOp, QGemmOp>(op))
        violations += checkLayerAgainstTarget(op, target, "dfq-verify-target");
    });
    if (violations)
      signalPassFailure();
  }
};
} // namespace
