//===- DfqTargetAttrs.td - target descriptions -------------*- tablegen -*-===//
//
// What a backend can run, stated once and read by every pass that must only
// produce what it can run (dfq-quantize, dfq-calibrate-ranges,
// dfq-assign-bits, dfq-verify-target).
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_TARGET_ATTRS_TD
#define DFQ_TARGET_ATTRS_TD

include "DfqBase.td"
include "mlir/IR/EnumAttr.td"

def Dfq_Backend : I32EnumAttr<"Backend",
    "the code generator that builds a library for a target", [
      I32EnumAttrCase<"X86", 0, "x86">,
      I32EnumAttrCase<"C", 1, "c">,
      I32EnumAttrCase<"Cuda", 2, "cuda">
    ]> {
  let cppNamespace = "::mlir::dfq";
  let genSpecializedAttr = 0;
}

def Dfq_LayerKind : I32EnumAttr<"LayerKind",
    "the kinds of quantizable layers a target may run", [
      I32EnumAttrCase<"Conv2D", 0, "conv2d">,
      I32EnumAttrCase<"DepthwiseConv2D", 1, "depthwise_conv2d">,
      I32EnumAttrCase<"Gemm", 2, "gemm">
    ]> {
  let cppNamespace = "::mlir::dfq";
  let genSpecializedAttr = 0;
}

def Dfq_WeightGranularity : I32EnumAttr<"WeightGranularity",
    "how many weight scales a layer may have", [
      I32EnumAttrCase<"PerChannel", 0, "per_channel">,
      I32EnumAttrCase<"PerTensor", 1, "per_tensor">
    ]> {
  let cppNamespace = "::mlir::dfq";
  let genSpecializedAttr = 0;
}

def Dfq_ScaleConstraint : I32EnumAttr<"ScaleConstraint",
    "which real scales a target's requantization can apply", [
      I32EnumAttrCase<"Any", 0, "any">,
      I32EnumAttrCase<"PowerOfTwo", 1, "pow2">
    ]> {
  let cppNamespace = "::mlir::dfq";
  let genSpecializedAttr = 0;
}

def Dfq_LayerSupportAttr : Dfq_Attr<"LayerSupport", "layer"> {
  let summary = "The bit widths a target runs one kind of layer with";
  let description = [{
    One entry of a target's `layers` list: a layer kind (`conv2d`: dense or
    grouped convolution; `depthwise_conv2d`: one input channel per group;
    `gemm`: fully connected) and the weight and activation bit widths the
    target runs it with (each in 2..8, strictly increasing).

    ```mlir
    #dfq.layer<conv2d, weight_bits = [4, 8], act_bits = [8]>
    ```
  }];
  let parameters = (ins
    "::mlir::dfq::LayerKind":$kind,
    ArrayRefParameter<"int64_t">:$weightBits,
    ArrayRefParameter<"int64_t">:$actBits
  );
  let assemblyFormat = [{
    `<` $kind `,` `weight_bits` `=` `[` $weightBits `]` `,`
        `act_bits` `=` `[` $actBits `]` `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    bool allowsWeightBits(int64_t bits) const {
      return ::llvm::is_contained(getWeightBits(), bits);
    }
    bool allowsActBits(int64_t bits) const {
      return ::llvm::is_contained(getActBits(), bits);
    }
  }];
}

def Dfq_TargetAttr : Dfq_Attr<"Target", "target"> {
  let summary = "What a backend can run: the description every pass obeys";
  let description = [{
    A target description, attached to the module as `dfq.target` by
    `dfq-attach-target` (or `dfq-compile --target NAME` /
    `--target-file FILE`). Quantization, range calibration and bit
    allocation read it and only produce what it can run;
    `dfq-verify-target` checks a quantized module against it.

    Syntax (fields after the name in any order; all but `backend` and
    `layers` have the defaults shown):
    ```
    #dfq.target<"NAME", backend = x86 | c | cuda,
                layers = [#dfq.layer<...>, ...],
                weights = per_channel | per_tensor,      // per_channel
                weight_signed = true,  symmetric_weights = true,
                act_signed = false,    symmetric_acts = false,
                scales = any | pow2,                     // any
                accumulator_bits = 32, saturating = false,
                vector_bytes = 64, tile = [1, 1],
                buffer_bytes = 0, alignment = 64,
                registers = 0>
    ```
    - `layers`: the layer kinds the target runs, with their bit widths. A
      kind that is not listed stays a float op run on the host.
    - `weights = per_tensor`: one weight scale per layer only.
      `per_channel` allows one per output channel (and per tensor).
    - `weight_signed`, `act_signed`: the storage signedness of weights and
      activations. `symmetric_weights`, `symmetric_acts`: zero points must
      be 0. Unsigned symmetric storage cannot hold negative values, so it is
      rejected.
    - `scales = pow2`: every scale is a power of two, so requantization is a
      shift (the multiplier is a power of two).
    - `accumulator_bits` (16..32): the accumulator width; every layer's
      worst-case sum must fit it. `saturating`: whether an overflowing
      accumulator saturates instead of wrapping (either way the result
      would differ from the exact integer semantics, so the sum must fit).
    - `vector_bytes`, `tile` (rows, columns of the MAC array or register
      tile), `buffer_bytes` (on-chip buffer; 0: none), `alignment` (a power
      of two): what a code generator and the memory planner read.
      On a GPU, `buffer_bytes` is the shared memory one thread block may
      use and `registers` the registers one thread may use (0: no stated
      budget; printed only when set).

    Example (an 8-bit NPU with per-tensor weights and shift requantization):
    ```mlir
    #dfq.target<"npu8", backend = c,
      layers = [#dfq.layer<conv2d, weight_bits = [8], act_bits = [8]>,
                #dfq.layer<depthwise_conv2d, weight_bits = [8], act_bits = [8]>,
                #dfq.layer<gemm, weight_bits = [8], act_bits = [8]>],
      weights = per_tensor, act_signed = true, scales = pow2,
      accumulator_bits = 32, tile = [16, 16], buffer_bytes = 262144,
      alignment = 16>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"the target's name">:$name,
    "::mlir::dfq::Backend":$backend,
    ArrayRefParameter<"::mlir::dfq::LayerSupportAttr">:$layers,
    "::mlir::dfq::WeightGranularity":$weightGranularity,
    "bool":$weightSigned,
    "bool":$symmetricWeights,
    "bool":$actSigned,
    "bool":$symmetricActs,
    "::mlir::dfq::ScaleConstraint":$scales,
    "unsigned":$accumulatorBits,
    "bool":$saturating,
    "unsigned":$vectorBytes,
    ArrayRefParameter<"int64_t">:$tile,
    "int64_t":$bufferBytes,
    "unsigned":$alignment,
    "unsigned":$registers
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The name of the module attribute that holds a target description.
    static constexpr ::llvm::StringLiteral kAttrName = "dfq.target";

    /// The description attached to the module that holds `op`, or null.
    static TargetAttr lookup(::mlir::Operation *op);

    /// The entry for `kind`, or null when the target does not run it.
    LayerSupportAttr getLayer(LayerKind kind) const;

    bool isPerTensorOnly() const {
      return getWeightGranularity() == WeightGranularity::PerTensor;
    }
    bool requiresPowerOfTwoScales() const {
      return getScales() == ScaleConstraint::PowerOfTwo;
    }
  }];
}

#endif // DFQ_TARGET_ATTRS_TD
