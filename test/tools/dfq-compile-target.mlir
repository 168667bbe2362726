// dfq-compile under a target description: --target-file quantizes for it,
// and what the target cannot run ends in an error at the layer, exit 1 and
// no output directory.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../Import/onnx_gen.py conv_bn_net %t/net.onnx
// RUN: dfq-compile %t/net.onnx -o %t/npu8 --calib none --samples 2 --target-file %S/../../docs/targets/npu8.target 2>&1 | FileCheck %s --check-prefix=PIPELINE
// RUN: dfq-opt %t/npu8/model.mlir --dfq-verify-target -o /dev/null
// RUN: FileCheck %s --check-prefix=REPORT < %t/npu8/report.json
// RUN: FileCheck %s --check-prefix=IR < %t/npu8/model.mlir
// A default width the target lacks gives way (8-bit first/last layer on a
// 4-bit NPU); --wbits it lacks is an error at the first layer that needs it.
// RUN: dfq-compile %t/net.onnx -o %t/npu4 --calib none --samples 2 --target-file %S/../../docs/targets/npu4w8a.target
// RUN: dfq-opt %t/npu4/model.mlir --dfq-verify-target -o /dev/null
// RUN: not dfq-compile %t/net.onnx -o %t/out --calib none --samples 2 --wbits 2 --target-file %S/../../docs/targets/npu8.target 2>&1 | FileCheck %s --check-prefix=WBITS
// RUN: not dfq-compile %t/net.onnx -o %t/out --calib none --samples 2 --target-file %S/../Targets/Inputs/acc16.target 2>&1 | FileCheck %s --check-prefix=ACC
// Cross-layer equalization, the remedy for per-tensor weights, runs after
// synthesis and before BatchNorm folding; bias correction right before
// quantization, with its options.
// RUN: dfq-compile %t/net.onnx -o %t/cle --calib none --samples 2 --equalize --relu6-as-relu --correct-bias --target-file %S/../../docs/targets/npu8.target 2>&1 | FileCheck %s --check-prefix=CLE
// RUN: dfq-opt %t/cle/model.mlir --dfq-verify-target -o /dev/null
// RUN: not dfq-compile %t/net.onnx -o %t/out --relu6-as-relu 2>&1 | FileCheck %s --check-prefix=RELU6
// The portable C backend builds a library for the description's
// quantization (signed activations, power-of-two scales) that dfq-run runs.
// RUN: dfq-compile %t/net.onnx -o %t/c-npu8 --calib none --samples 2 --target c --target-file %S/../../docs/targets/npu8.target 2>&1 | FileCheck %s --check-prefix=C
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.random.default_rng(0).normal(size=(5, 1, 8, 8)).astype('float32'))"
// RUN: dfq-run %t/c-npu8 --input %t/x.npy --output %t/c.npy --json 2>/dev/null | FileCheck %s --check-prefix=CEXEC
// RUN: dfq-run %t/c-npu8/model.mlir --input %t/x.npy --output %t/ref.npy 2>/dev/null >/dev/null
// RUN: %python %S/../e2e/compare_npy.py %t/c.npy %t/ref.npy --atol 1e-5
// RUN: not dfq-compile %t/net.onnx -o %t/out --target x86 --target-file %S/../../docs/targets/npu8.target 2>&1 | FileCheck %s --check-prefix=BACKEND
// RUN: not dfq-compile %t/net.onnx -o %t/out --target-file %t/missing.target 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not dfq-compile %t/net.onnx -o %t/out --target-file %S/../Targets/Inputs/bad-field.target 2>&1 | FileCheck %s --check-prefix=FIELD
// RUN: not ls %t/out

// PIPELINE: dfq-compile: builtin.module(dfq-synthesize{method=gaussian {{.*}}func.func(dfq-quantize),dfq-verify-target)
// REPORT: "target": "npu8",
// REPORT: "target_file": "{{.*}}npu8.target"
// IR: module attributes {{.*}}dfq.target = #dfq.target<"npu8", backend = c,
// IR: dfq.qconv2d {{.*}}multiplier = array<i32: 1>, {{.*}}shift = array<i32: {{[0-9]+}}>} : (tensor<?x1x8x8x!quant.uniform<i8:f32, {{[0-9.e+-]+}}:{{-?[0-9]+}}>>
// WBITS: error: dfq-quantize: target 'npu8' runs {{[a-z_0-9]+}} layers with weight bits [8]; wbits=2 cannot be honoured
// ACC: error: dfq-quantize: target 'acc16' has a 16-bit accumulator, which this layer's worst-case sum {{[0-9]+}} does not fit
// CLE: dfq-compile: builtin.module(dfq-synthesize{{.*}}},func.func(dfq-equalize{relu6-as-relu=true}),dfq-fold-bn,{{.*}},func.func(dfq-correct-bias),func.func(dfq-quantize),dfq-verify-target)
// RELU6: error: --relu6-as-relu needs --equalize
// C: func.func(dfq-quantize),dfq-verify-target,func.func(dfq-lead-with-batch,dfq-quantize-pooling,dfq-sink-dequantize,dfq-convert-layouts,dfq-lower-to-kernels{target=c fuse-residuals=false}))
// C: dfq-compile: built libmodel.so (2 kernels
// CEXEC: "executor":"c"
// BACKEND: error: --target-file '{{.*}}npu8.target' describes a 'c' target; --target x86 builds x86 libraries
// MISSING: error: target description '{{.*}}missing.target' does not exist
// FIELD: bad-field.target:4:3: error: unknown target field 'acumulator_bits'

// The report counts a layer's multiply-accumulates from its spatial output
// whatever the layout: a channels-last convolution (--target c) has as many
// as the NCHW one (no target).
// RUN: dfq-compile %t/net.onnx -o %t/nchw --calib none --samples 2 2>/dev/null
// RUN: dfq-compile %t/net.onnx -o %t/nhwc --calib none --samples 2 --target c 2>/dev/null
// RUN: grep -c channels_last %t/nhwc/model.mlir | FileCheck %s --check-prefix=NHWC
// RUN: %python -c "import json, sys; macs = lambda d: [(l['macs'], l['bops']) for l in json.load(open(d + '/report.json'))['layers']]; print('macs', 'agree' if macs(sys.argv[1]) == macs(sys.argv[2]) else 'differ', macs(sys.argv[1]))" %t/nchw %t/nhwc | FileCheck %s --check-prefix=MACS
// NHWC: {{[1-9]}}
// MACS: macs agree
