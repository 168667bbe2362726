//===- DfqEnums.td - dfq enumerations ----------------------*- tablegen -*-===//

#ifndef DFQ_ENUMS_TD
#define DFQ_ENUMS_TD

include "mlir/IR/EnumAttr.td"

def Dfq_QuantScheme : I32EnumAttr<"QuantScheme",
    "how the integer grid is placed around zero", [
      I32EnumAttrCase<"Symmetric", 0, "symmetric">,
      I32EnumAttrCase<"Asymmetric", 1, "asymmetric">
    ]> {
  let cppNamespace = "::mlir::dfq";
  let genSpecializedAttr = 0;
}

def Dfq_RangeSource : I32EnumAttr<"RangeSource",
    "where the real-valued range behind a scale came from", [
      I32EnumAttrCase<"Unknown", 0, "unknown">,
      I32EnumAttrCase<"Weights", 1, "weights">,
      I32EnumAttrCase<"Gaussian", 2, "gaussian">,
      I32EnumAttrCase<"ZeroQ", 3, "zeroq">,
      I32EnumAttrCase<"DSG", 4, "dsg">,
      I32EnumAttrCase<"Real", 5, "real">,
      I32EnumAttrCase<"Manual", 6, "manual">
    ]> {
  let cppNamespace = "::mlir::dfq";
  let genSpecializedAttr = 0;
}

def Dfq_Observer : I32EnumAttr<"Observer",
    "the estimator that turned observed values into a range", [
      I32EnumAttrCase<"None", 0, "none">,
      I32EnumAttrCase<"MinMax", 1, "minmax">,
      I32EnumAttrCase<"Percentile", 2, "percentile">,
      I32EnumAttrCase<"MSE", 3, "mse">
    ]> {
  let cppNamespace = "::mlir::dfq";
  let genSpecializedAttr = 0;
}

#endif // DFQ_ENUMS_TD
