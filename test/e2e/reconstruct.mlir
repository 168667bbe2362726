// dfq-compile --reconstruct adaround: the learned codes reach the library
// through dfq-quantize exactly, so the compiled library and the reference
// interpreter on the quantized module agree (ResNet at W3A8, Gaussian
// calibration images, a few steps per layer): the integer layers bit for
// bit, the float tail (global pooling, the output gemm) up to its
// summation order, so every prediction is the same. The report records the
// method. Bad combinations are errors before anything runs.
// RUN: rm -rf %t && mkdir -p %t
// RUN: dfq-compile %models/resnet.onnx -o %t/lib --calib none --samples 16 --wbits 3 --target c --reconstruct adaround --reconstruct-iterations 8 2>&1 | FileCheck %s --check-prefix=BUILD
// RUN: %python -c "import json; print(json.load(open('%t/lib/report.json'))['reconstruction'])" | FileCheck %s --check-prefix=REPORT
// RUN: dfq-run %t/lib --limit 300 --output %t/lib.npy > /dev/null 2>&1
// RUN: dfq-run %t/lib/model.mlir --limit 300 --output %t/ref.npy > /dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/lib.npy %t/ref.npy --atol 1e-5 | FileCheck %s
// RUN: not dfq-compile %models/resnet.onnx -o %t/bad --reconstruct brecq 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not dfq-compile %models/resnet.onnx -o %t/bad --calib real:%t/none.npy --reconstruct adaround 2>&1 | FileCheck %s --check-prefix=REAL
// RUN: not ls %t/bad

// BUILD: dfq-reconstruct: 16 layers in
// REPORT: {'iterations': 8, 'method': 'adaround', 'weight_scale': 'mse'}
// CHECK: argmax_agree=300/300
// CHECK-NEXT: OK
// METHOD: dfq-compile: error: --reconstruct must be adaround, got 'brecq'
// REAL: dfq-compile: error: --reconstruct learns the rounding on the synthetic calibration batch; use --calib dsg, zeroq or none
