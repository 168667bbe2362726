//===- DfqAttrInterfaces.td - dfq attribute interfaces -----*- tablegen -*-===//
//
// Generated on their own (interface generators only emit the main file's
// definitions); DfqKernelAttrs.td attaches them.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_ATTR_INTERFACES_TD
#define DFQ_ATTR_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Dfq_KernelScheduleAttrInterface
    : AttrInterface<"KernelScheduleAttrInterface"> {
  let cppNamespace = "::mlir::dfq";
  let description = [{
    A kernel schedule: what every backend's schedule says about a layer,
    whatever else it holds. The host compiler reads these; the backend reads
    its own attribute.
  }];
  let methods = [
    InterfaceMethod<"The generated function's C symbol.",
      "::llvm::StringRef", "getSymbol">,
    InterfaceMethod<"How the kernel is organised.",
      "::mlir::dfq::KernelKind", "getKind">,
    InterfaceMethod<"The backend (--target name) the layer was lowered for.",
      "::std::string", "getTargetName">,
    InterfaceMethod<"The residual chain the kernel also computes, as op "
      "names in order, or null.", "::mlir::ArrayAttr", "getFused">,
  ];
}

#endif // DFQ_ATTR_INTERFACES_TD
