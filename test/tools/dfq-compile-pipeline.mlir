// dfq-opt runs exactly what dfq-compile runs: the registered
// dfq-compile-pipeline with dfq-compile's options produces the same
// quantized layers (scales, zero points, multipliers, shifts, kernel
// schedules) as dfq-compile writes to model.mlir, for the C backend under
// an accelerator description and for x86 with bit allocation's defaults.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../Import/onnx_gen.py conv_bn_net %t/net.onnx
// RUN: dfq-compile %t/net.onnx -o %t/c --calib none --samples 2 --target c --target-file %S/../../docs/targets/npu8.target 2>/dev/null
// RUN: dfq-translate --import-onnx %t/net.onnx --mlir-print-debuginfo | dfq-opt --pass-pipeline="builtin.module(dfq-attach-target{file=%S/../../docs/targets/npu8.target},dfq-compile-pipeline{calib=none samples=2 verify-target=true target=c})" -o %t/c.mlir
// RUN: grep -o "dfq.q[a-z0-9]* .*" %t/c/model.mlir > %t/c.expected
// RUN: grep -o "dfq.q[a-z0-9]* .*" %t/c.mlir | diff %t/c.expected -
// RUN: FileCheck %s --check-prefix=C < %t/c.expected
// RUN: dfq-compile %t/net.onnx -o %t/x86 --calib none --samples 2 --wbits 4 --first-last-bits same --target x86-avx2 2>/dev/null
// RUN: dfq-translate --import-onnx %t/net.onnx --mlir-print-debuginfo | dfq-opt --pass-pipeline="builtin.module(dfq-attach-target{target=x86-avx2},dfq-compile-pipeline{calib=none samples=2 wbits=4 first-last-bits=0 verify-target=true target=x86-avx2})" -o %t/x86.mlir
// RUN: grep -o "dfq.q[a-z0-9]* .*" %t/x86/model.mlir > %t/x86.expected
// RUN: grep -o "dfq.q[a-z0-9]* .*" %t/x86.mlir | diff %t/x86.expected -
// RUN: FileCheck %s --check-prefix=X86 < %t/x86.expected
// Options are checked before anything runs.
// RUN: not dfq-opt %t/c.mlir --pass-pipeline="builtin.module(dfq-compile-pipeline{calib=bogus})" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not dfq-opt %t/c.mlir --pass-pipeline="builtin.module(dfq-compile-pipeline{relu6-as-relu=true})" -o /dev/null 2>&1 | FileCheck %s --check-prefix=RELU6
// RUN: not dfq-opt %t/c.mlir --pass-pipeline="builtin.module(dfq-compile-pipeline{target=npu})" -o /dev/null 2>&1 | FileCheck %s --check-prefix=TARGET

// C: dfq.qconv2d {{.*}}#dfq.c_kernel<symbol = "dfq_kernel_0_conv1", kind = dense>
// X86: dfq.qconv2d {{.*}}#dfq.x86_kernel<isa = avx2, symbol = "dfq_kernel_0_conv1"
// BAD: error: dfq-compile-pipeline: calib must be dsg, zeroq, none or real:PATH, got 'bogus'
// RELU6: error: dfq-compile-pipeline: relu6-as-relu needs equalize
// TARGET: error: dfq-compile-pipeline: target must be x86-avx512-vnni, x86-avx2, c, cuda-sm80, cuda-sm90 or empty, got 'npu'
