// dfq-reconstruct (AdaRound) on a network exported by torch.onnx.export
// (conv, conv, gemm, gemm): every layer dfq-quantize will quantize gets
// learned codes on its grid (3 bits; the first and last layer at 8), a
// remark with its output error before and after, weights that are exactly
// scale x code with the scales in dfq.weight_scales, and dfq-quantize
// recovers those codes. Quantizing at another width than the one learned
// is an error, not a silent re-rounding. The same seed gives the same
// module.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../e2e/torch_export_gen.py plain %t/net
// RUN: dfq-translate --import-onnx %t/net/model.onnx --mlir-print-debuginfo -o %t/net.mlir
// RUN: dfq-opt %t/net.mlir -o %t/a.mlir --pass-pipeline="builtin.module(dfq-synthesize{method=gaussian samples=8},dfq-fold-bn,dfq-reconstruct{iterations=40 batch=4 wbits=3 threads=1})" 2>&1 | FileCheck %s
// RUN: FileCheck %s --check-prefix=IR < %t/a.mlir
// RUN: dfq-opt %t/a.mlir --pass-pipeline="builtin.module(dfq-calibrate-ranges,func.func(dfq-quantize{wbits=3}))" | FileCheck %s --check-prefix=QUANT
// RUN: not dfq-opt %t/a.mlir --pass-pipeline="builtin.module(dfq-calibrate-ranges,func.func(dfq-quantize{wbits=2}))" 2>&1 | FileCheck %s --check-prefix=WIDTH
// RUN: dfq-opt %t/net.mlir -o %t/b.mlir --pass-pipeline="builtin.module(dfq-synthesize{method=gaussian samples=8},dfq-fold-bn,dfq-reconstruct{iterations=40 batch=4 wbits=3 threads=1})" 2>/dev/null
// RUN: cmp %t/a.mlir %t/b.mlir
// max scales (dfq-quantize's own) work too.
// RUN: dfq-opt %t/net.mlir -o /dev/null --pass-pipeline="builtin.module(dfq-synthesize{method=gaussian samples=8},dfq-fold-bn,dfq-reconstruct{iterations=10 wbits=4 weight-scale=max threads=1})" 2>&1 | FileCheck %s --check-prefix=MAX

// CHECK: dfq-reconstruct: layer 1/4, step 1/40, loss
// CHECK: remark: '/0/Conv': dfq-reconstruct: output error {{.*}} with round-to-nearest, {{.*}} learned; 0 of {{[0-9]+}} codes changed, {{[0-9]+}} undecided, 40 steps
// CHECK: remark: '/4/Conv': dfq-reconstruct: output error {{.*}} with round-to-nearest, {{.*}} learned; {{[1-9][0-9]*}} of {{[0-9]+}} codes changed
// CHECK: remark: '/9/Gemm': dfq-reconstruct: output error
// CHECK: remark: '/13/Gemm': dfq-reconstruct: output error
// CHECK: dfq-reconstruct: 4 layers in

// IR: dfq.conv2d {{.*}}dfq.weight_scales = array<f64: {{.*}}>
// IR: dfq.conv2d {{.*}}dfq.weight_scales = array<f64: {{.*}}>
// IR: dfq.gemm {{.*}}dfq.weight_scales = array<f64: {{.*}}>
// IR: dfq.gemm {{.*}}dfq.weight_scales = array<f64: {{.*}}>

// QUANT-COUNT-4: dfq.qconstant
// WIDTH: error: dfq-quantize: weight {{[0-9]+}} ({{.*}}) is off the 2-bit grid that dfq.weight_scales records; the weights or widths changed after dfq-reconstruct
// MAX: remark: '/4/Conv': dfq-reconstruct: output error
