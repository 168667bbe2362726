//===- AttachTarget.cpp - dfq-attach-target -------------------------------===//

#include "dfq/Targets/Passes.h"
#include "dfq/Targets/TargetRegistry.h"

namespace mlir::dfq {
#define GEN_PASS_DEF_ATTACHTARGETPASS
#include "dfq/Targets/Passes.h.inc"
} // namespace mlir::dfq

using namespace mlir;
using namespace mlir::dfq;

namespace {
struct AttachTargetPass
    : public dfq::impl::AttachTargetPassBase<AttachTargetPass> {
  using AttachTargetPassBase::AttachTargetPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (target.empty() == file.empty()) {
      module.emitError("dfq-attach-target: give exactly one of target=NAME "
                       "and file=PATH");
      return signalPassFailure();
    }
    FailureOr<TargetAttr> description;
    if (!target.empty()) {
      std::string error;
      description = getBuiltinTarget(&getContext(), target, error);
      if (failed(description))
        module.emitError("dfq-attach-target: ") << error;
    } else {
      description = loadTargetFile(&getContext(), file);
    }
    if (failed(description))
      return signalPassFailure();
    if (auto existing = TargetAttr::lookup(module);
        existing && existing != *description) {
      module.emitError("dfq-attach-target: the module already targets '")
          << existing.getName() << "'; cannot attach '"
          << description->getName() << "'";
      return signalPassFailure();
    }
    module->setAttr(TargetAttr::kAttrName, *description);
  }
};
} // namespace
