//===- DfqBase.td - dfq dialect definition -----------------*- tablegen -*-===//
//
// The dfq dialect: float graph ops for CNNs and MLPs as imported from ONNX,
// and quantized ops with exact integer semantics (see docs/design.md).
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_BASE_TD
#define DFQ_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Dfq_Dialect : Dialect {
  let name = "dfq";
  let cppNamespace = "::mlir::dfq";
  let summary = "Data-free quantization dialect: float CNN/MLP graphs and "
                "integer quantized compute";
  let description = [{
    The `dfq` dialect holds neural-network graphs at two levels.

    *Float graph ops* (`dfq.conv2d`, `dfq.batch_norm`, `dfq.gemm`, ...) mirror
    the ONNX operators dfq imports. Tensors are NCHW. Parameters (weights,
    biases, BatchNorm statistics) are ordinary SSA operands, normally defined by
    `arith.constant` with a dense or `dense_resource` value. BatchNorm stays an
    op until it is folded on purpose: its running statistics are the signal
    data-free calibration feeds on.

    *Quantized ops* (`dfq.quantize`, `dfq.dequantize`, `dfq.qconstant`,
    `dfq.qconv2d`, `dfq.qgemm`) operate on tensors whose element type is an
    upstream `!quant.uniform` type with a 2- to 8-bit storage type. Their
    integer semantics (rounding, saturation, int32 accumulation,
    requantization) are normative and written down in `docs/design.md`; every
    backend must reproduce them bit for bit.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let useDefaultAttributePrinterParser = 1;
  // Discardable `dfq.*` attributes are checked where they are attached
  // (their types below; `dfq.target` only on a builtin.module, `dfq.kernel`
  // only on quantized layers).
  let hasOperationAttrVerify = 1;
  // The discardable `dfq.*` attributes passes attach and read, with their
  // types (the dialect checks every one it finds; helpers are generated as
  // `get<Name>AttrHelper()`). On the module: the target, the calibration
  // set and its provenance, the import source, the bit budget. On layers:
  // the kernel schedule, bit widths and why, sensitivities, ranges and the
  // BatchNorm statistics folded into them. On arguments and results: names.
  let discardableAttrs = (ins
    "::mlir::dfq::TargetAttr":$target,
    "::mlir::dfq::KernelScheduleAttrInterface":$kernel,
    "::mlir::dfq::QParamsAttr":$output_params,
    "::mlir::IntegerAttr":$weight_bits,
    "::mlir::IntegerAttr":$act_bits,
    "::mlir::StringAttr":$bits_reason,
    "::mlir::DenseI64ArrayAttr":$weight_grid,
    "::mlir::DenseF64ArrayAttr":$mpc_compensation,
    "::mlir::DenseF64ArrayAttr":$sensitivity,
    "::mlir::DenseF64ArrayAttr":$range,
    "::mlir::DictionaryAttr":$bn_output,
    "::mlir::DenseResourceElementsAttr":$calibration_data,
    "::mlir::StringAttr":$calibration_source,
    "::mlir::StringAttr":$range_source,
    "::mlir::StringAttr":$range_observer,
    "::mlir::DenseI64ArrayAttr":$bit_choices,
    "::mlir::StringAttr":$bit_budget,
    "::mlir::StringAttr":$source,
    "::mlir::StringAttr":$onnx_producer,
    "::mlir::IntegerAttr":$onnx_opset,
    "::mlir::StringAttr":$name
  );
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

class Dfq_Op<string mnemonic, list<Trait> traits = []>
    : Op<Dfq_Dialect, mnemonic, traits>;

class Dfq_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Dfq_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

// A ranked tensor of uniformly quantized values. Storage width and
// per-tensor/per-channel form are checked by the op verifiers, which can give
// precise messages.
def Dfq_UniformQuantized : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType>($_self)">,
    "uniform quantized type (!quant.uniform)">;
def Dfq_QuantTensor : RankedTensorOf<[Dfq_UniformQuantized]>;

#endif // DFQ_BASE_TD
