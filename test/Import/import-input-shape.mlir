// --input-shape fixes the dimensions an ONNX file leaves dynamic (here the
// height and width of a Conv with auto_pad SAME, which needs them), in
// dfq-translate, dfq-run and dfq-compile; '?' makes a dimension dynamic (the
// file's batch of 1, which calibration and libraries need dynamic).
// Contradicting a static dimension, another rank, bad syntax and an
// .mlir model are errors, and nothing is written.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/onnx_gen.py same_dynamic %t/net.onnx
// RUN: not dfq-translate --import-onnx %t/net.onnx 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// RUN: dfq-translate --import-onnx %t/net.onnx --input-shape ?x1x9x7 | FileCheck %s
// RUN: not dfq-translate --import-onnx %t/net.onnx --input-shape 1x1x9 2>&1 | FileCheck %s --check-prefix=RANK
// RUN: not dfq-translate --import-onnx %t/net.onnx --input-shape 1x3x9x7 2>&1 | FileCheck %s --check-prefix=STATIC
// RUN: not dfq-translate --import-onnx %t/net.onnx --input-shape 1x0x9x7 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.ones((3, 1, 9, 7), np.float32))"
// RUN: dfq-run %t/net.onnx --input-shape 1x1x9x7 --input %t/x.npy --batch 1 --output %t/y.npy 2>&1 | FileCheck %s --check-prefix=RAN
// RUN: dfq-compile %t/net.onnx --input-shape ?x1x9x7 --calib none -o %t/out >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=COMPILED < %t/out/model.mlir
// RUN: not dfq-compile %t/out/model.mlir --input-shape ?x1x9x7 --calib none -o %t/again 2>&1 | FileCheck %s --check-prefix=MLIR
// RUN: not ls %t/again

// DYNAMIC: error: Conv node 'node': auto_pad = SAME_UPPER needs static spatial dimensions, got [1, 1, ?, ?]
// The file's batch is 1; '?' makes it dynamic.
// CHECK: func.func @main(%arg0: tensor<?x1x9x7xf32> {dfq.name = "x"})
// CHECK: dfq.conv2d %arg0, %{{.*}} {pads = array<i64: 1, 1, 1, 1>} : (tensor<?x1x9x7xf32>, tensor<2x1x3x3xf32>) -> tensor<?x2x9x7xf32>
// RANK: error: graph input 'x' has rank 4 but --input-shape [1, 1, 9] has rank 3
// STATIC: error: graph input 'x' has dimension 1 = 1 in the file, but --input-shape gives 3
// SYNTAX: error: --input-shape: input shape '1x0x9x7' must be dimensions separated by 'x', each a positive integer or '?' (e.g. ?x3x224x224)
// RAN: samples 3
// COMPILED: func.func @main(%arg0: tensor<?x1x9x7xf32>
// COMPILED: dfq.quantize
// MLIR: error: --input-shape applies to .onnx models; '{{.*}}model.mlir' has its shapes in its types
