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
  // Discardable `dfq.*` attributes with a fixed meaning are checked where
  // they are attached (`dfq.target`: a #dfq.target on a builtin.module).
  let hasOperationAttrVerify = 1;
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

#endif // DFQ_BASE_TD
