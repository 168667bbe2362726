// dfq-assign-bits on a network exported by torch.onnx.export (conv, conv,
// gemm, gemm; 26760 weights, 520 of them in the first and last layer, which
// stay at 8 bits): every budget kind is met, fixed layers keep their bits,
// and the pass explains each decision.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../e2e/torch_export_gen.py plain %t/net
// RUN: dfq-translate --import-onnx %t/net/model.onnx --mlir-print-debuginfo -o %t/net.mlir
// RUN: dfq-opt %t/net.mlir -o %t/avg.mlir --pass-pipeline="builtin.module(dfq-synthesize{method=gaussian samples=4},dfq-fold-bn,dfq-assign-bits{budget=avg-bits:4})" 2>&1 | FileCheck %s --check-prefix=AVG
// RUN: FileCheck %s --check-prefix=IR < %t/avg.mlir
// RUN: dfq-opt %t/net.mlir -o /dev/null --pass-pipeline="builtin.module(dfq-synthesize{method=gaussian samples=4},dfq-fold-bn,dfq-assign-bits{budget=size:10000 choices=2,4 first-last-bits=0})" 2>&1 | FileCheck %s --check-prefix=SIZE
// RUN: dfq-opt %t/net.mlir -o /dev/null --pass-pipeline="builtin.module(dfq-synthesize{method=gaussian samples=4},dfq-fold-bn,dfq-assign-bits{budget=bops:40000000 choices=4,8})" 2>&1 | FileCheck %s --check-prefix=BOPS
// A layer that dfq-compensate-mpc gave bits keeps them.
// RUN: dfq-opt %t/net.mlir -o /dev/null --pass-pipeline="builtin.module(dfq-synthesize{method=gaussian samples=4},func.func(dfq-compensate-mpc{low=3 high=6}),dfq-fold-bn,dfq-assign-bits{budget=avg-bits:6})" 2>&1 | FileCheck %s --check-prefix=MPC
// A target narrows each layer's choices to the widths it runs; a default
// first/last width it lacks gives way to its widest, an explicit one is an
// error.
// RUN: dfq-opt %t/net.mlir -o /dev/null --pass-pipeline="builtin.module(dfq-attach-target{file=%S/Inputs/mixed.target},dfq-synthesize{method=gaussian samples=4},dfq-fold-bn,dfq-assign-bits{budget=avg-bits:4})" 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not dfq-opt %t/net.mlir -o /dev/null --pass-pipeline="builtin.module(dfq-attach-target{file=%S/Inputs/mixed.target},dfq-synthesize{method=gaussian samples=4},dfq-fold-bn,dfq-assign-bits{budget=avg-bits:4 first-last-bits=8})" 2>&1 | FileCheck %s --check-prefix=TARGET-EDGE

// TARGET: remark: '/0/Conv': dfq-assign-bits: 8 bits, first/last layer
// TARGET: remark: '/4/Conv': dfq-assign-bits: {{[48]}} bits of {4,8} under avg-bits:4;
// TARGET: remark: '/9/Gemm': dfq-assign-bits: {{[24]}} bits of {2,4} under avg-bits:4;
// TARGET: remark: '/13/Gemm': dfq-assign-bits: 4 bits, first/last layer, the widest target 'mixed' runs
// TARGET-EDGE: error: dfq-assign-bits: target 'mixed' does not run gemm layers with 8-bit weights (first/last layer)

// AVG: remark: '/0/Conv': dfq-assign-bits: 8 bits, first/last layer
// AVG: remark: '/4/Conv': dfq-assign-bits: {{[23468]}} bits of {2,3,4,6,8} under avg-bits:4; sensitivity {{.*}} (KL on the synthetic batch)
// AVG: remark: '/9/Gemm': dfq-assign-bits: {{[23468]}} bits of {2,3,4,6,8} under avg-bits:4;
// AVG: remark: '/13/Gemm': dfq-assign-bits: 8 bits, first/last layer
// The achieved average is at most 4.
// AVG: remark: dfq-assign-bits: avg-bits:{{([0-3]\.[0-9]+|4\.0000)}} of avg-bits:4, summed sensitivity

// IR: module attributes {dfq.bit_budget = "avg-bits:4", dfq.bit_choices = array<i64: 2, 3, 4, 6, 8>
// IR: dfq.conv2d {{.*}}dfq.weight_bits = 8 : i64
// IR: dfq.conv2d {{.*}}dfq.sensitivity = array<f64: {{.*}}>, dfq.weight_bits = {{[23468]}} : i64
// IR: dfq.gemm {{.*}}dfq.sensitivity = array<f64: {{.*}}>, dfq.weight_bits = {{[23468]}} : i64

// 10000 bytes for 26760 weights of 2 or 4 bits, the edges included: the big
// gemm (25088 weights) cannot have 4.
// SIZE: remark: '/9/Gemm': dfq-assign-bits: 2 bits of {2,4} under size:10000;
// SIZE: remark: dfq-assign-bits: size:{{[0-9]{1,4}|10000}} of size:10000,

// BOPS: remark: dfq-assign-bits: bops:{{[0-9]+}} of bops:40000000,

// MPC: remark: '/9/Gemm': dfq-assign-bits: 3 bits, set before (dfq.weight_bits)
// MPC: remark: dfq-assign-bits: avg-bits:
