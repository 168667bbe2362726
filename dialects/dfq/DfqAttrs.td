//===- DfqAttrs.td - dfq attributes ------------------------*- tablegen -*-===//

#ifndef DFQ_ATTRS_TD
#define DFQ_ATTRS_TD

include "DfqBase.td"
include "DfqEnums.td"

def Dfq_QParamsAttr : Dfq_Attr<"QParams", "qparams"> {
  let summary = "Quantization parameters of one tensor, with their provenance";
  let description = [{
    Describes how a real-valued tensor maps onto an integer grid, and where
    that mapping came from. It is the record calibration passes write and the
    per-layer report reads; the value's type (`!quant.uniform`) is derived from
    it and ops that carry both verify that they agree.

    Syntax:
    ```
    #dfq.qparams<STORAGE, SCHEME [, axis = N], scales = [s, ...],
                 zero_points = [z, ...] [, range = [lo, hi]]
                 [, source = SOURCE] [, observer = OBSERVER]>
    ```
    - `STORAGE` is `iB` (signed) or `uB` (unsigned) with `B` in 2..8.
    - `SCHEME` is `symmetric` (every zero point is 0) or `asymmetric`.
    - `axis` makes the parameters per channel along that dimension; without
      it they are per tensor and exactly one scale is given.
    - `range` is the real interval the scale was derived from, `source` where
      that interval came from (`weights`, `gaussian`, `zeroq`, `dsg`, `real`,
      `manual`, `unknown`) and `observer` how it was estimated (`minmax`,
      `percentile`, `mse`, `none`).

    Example:
    ```mlir
    #dfq.qparams<u8, asymmetric, scales = [0.0235], zero_points = [0],
                 range = [0.0, 6.0], source = dsg, observer = minmax>
    #dfq.qparams<i4, symmetric, axis = 0, scales = [0.1, 0.2],
                 zero_points = [0, 0], source = weights>
    ```
  }];
  let parameters = (ins
    "unsigned":$bits,
    "bool":$isSigned,
    "::mlir::dfq::QuantScheme":$scheme,
    "std::optional<int64_t>":$axis,
    "::mlir::DenseF64ArrayAttr":$scales,
    "::mlir::DenseI64ArrayAttr":$zeroPoints,
    OptionalParameter<"::mlir::FloatAttr">:$rangeMin,
    OptionalParameter<"::mlir::FloatAttr">:$rangeMax,
    "::mlir::dfq::RangeSource":$source,
    "::mlir::dfq::Observer":$observer
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Smallest and largest storable integer for this storage type.
    int64_t getStorageMin() const;
    int64_t getStorageMax() const;
    bool isPerChannel() const { return getAxis().has_value(); }
    /// The upstream quantized element type with these parameters, expressing
    /// `expressedType` (normally f32).
    ::mlir::quant::QuantizedType
    getQuantizedElementType(::mlir::Type expressedType) const;
  }];
}

#endif // DFQ_ATTRS_TD
