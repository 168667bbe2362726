// RUN: dfq-opt %s --dfq-attach-target=target=x86 | FileCheck %s --check-prefix=VNNI
// RUN: dfq-opt %s --dfq-attach-target=target=x86-avx2 | FileCheck %s --check-prefix=AVX2
// RUN: dfq-opt %s --dfq-attach-target=target=c | FileCheck %s --check-prefix=C
// The example accelerators under docs/targets parse and attach.
// RUN: dfq-opt %s --dfq-attach-target=file=%S/../../docs/targets/npu8.target | FileCheck %s --check-prefix=NPU8
// RUN: dfq-opt %s --dfq-attach-target=file=%S/../../docs/targets/npu4w8a.target | FileCheck %s --check-prefix=NPU4
// Attaching the same description twice is a no-op.
// RUN: dfq-opt %s --dfq-attach-target=target=c --dfq-attach-target=target=c | FileCheck %s --check-prefix=C
// RUN: not dfq-opt %s --dfq-attach-target=target=c --dfq-attach-target=target=x86 2>&1 | FileCheck %s --check-prefix=RELABEL
// RUN: not dfq-opt %s --dfq-attach-target=target=tpu 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not dfq-opt %s --dfq-attach-target 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: not dfq-opt %s --dfq-attach-target="target=c file=%S/Inputs/bad-field.target" 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: not dfq-opt %s --dfq-attach-target=file=%t.missing 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not dfq-opt %s --dfq-attach-target=file=%S/Inputs/bad-field.target 2>&1 | FileCheck %s --check-prefix=FIELD
// RUN: not dfq-opt %s --dfq-attach-target=file=%S/Inputs/not-a-target.target 2>&1 | FileCheck %s --check-prefix=KIND

// VNNI: module attributes {dfq.target = #dfq.target<"x86-avx512-vnni", backend = x86, layers = [#dfq.layer<conv2d, weight_bits = [2, 3, 4, 5, 6, 7, 8], act_bits = [2, 3, 4, 5, 6, 7, 8]>, #dfq.layer<depthwise_conv2d, {{.*}}>, #dfq.layer<gemm, {{.*}}>], weights = per_channel, weight_signed = true, symmetric_weights = false, act_signed = false, symmetric_acts = false, scales = any, accumulator_bits = 32, saturating = false, vector_bytes = 64, tile = [4, 16], buffer_bytes = 0, alignment = 64>}
// AVX2: #dfq.target<"x86-avx2", backend = x86, {{.*}} vector_bytes = 32, tile = [4, 8]
// C: module attributes {dfq.target = #dfq.target<"c", backend = c,
// NPU8: #dfq.target<"npu8", backend = c, {{.*}} weights = per_tensor, weight_signed = true, symmetric_weights = true, act_signed = true, symmetric_acts = false, scales = pow2, accumulator_bits = 32
// NPU4: #dfq.target<"npu4w8a", backend = c, layers = [#dfq.layer<conv2d, weight_bits = [4], act_bits = [8]>, {{.*}} weights = per_channel, {{.*}} accumulator_bits = 24, saturating = true
// RELABEL: error: dfq-attach-target: the module already targets 'c'; cannot attach 'x86-avx512-vnni'
// UNKNOWN: error: dfq-attach-target: unknown target 'tpu' (built-in: x86 (alias of x86-avx512-vnni), x86-avx512-vnni, x86-avx2, c, cuda-sm80, cuda-sm90; a description of your own goes in a file)
// NONE: error: dfq-attach-target: give exactly one of target=NAME and file=PATH
// MISSING: error: cannot read target description '{{.*}}.missing': {{[Nn]}}o such file or directory
// FIELD: bad-field.target:4:3: error: unknown target field 'acumulator_bits'; expected backend, layers
// KIND: not-a-target.target:1:1: error: expected a #dfq.target<...>, got #dfq.layer<gemm

module {
}
