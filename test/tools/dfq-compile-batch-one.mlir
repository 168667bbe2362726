// A model exported with a static batch of 1 calibrates and compiles for any
// batch when nothing in its graph needs the batch to be 1; one that does (a
// reshape to [1, -1]) keeps its static batch. --input-shape overrides both.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../Import/onnx_gen.py batch_one_net %t/net.onnx
// RUN: %python %S/../Import/onnx_gen.py batch_one_reshape %t/reshape.onnx
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.random.RandomState(0).randn(5, 1, 8, 8).astype(np.float32))"

// DSG fits its images through the model as one batch.
// RUN: dfq-compile %t/net.onnx -o %t/net --samples 4 --iterations 2 --target c 2>&1 | FileCheck %s --check-prefix=RELAXED
// RELAXED: dfq-compile: the model was exported with a batch of 1; it is compiled for any batch (--input-shape 1x... keeps it static)
// RELAXED: dfq-synthesize: 4 images
// RUN: FileCheck %s --check-prefix=DYNAMIC < %t/net/model.mlir
// DYNAMIC: func.func @main(%arg0: tensor<?x1x8x8xf32>
// RUN: dfq-run %t/net --input %t/x.npy --batch 5 | FileCheck %s --check-prefix=RUN5
// RUN: dfq-run %t/net.onnx --input %t/x.npy --batch 5 | FileCheck %s --check-prefix=RUN5
// RUN5: samples 5, batch 5,

// RUN: dfq-compile %t/reshape.onnx -o %t/reshape --calib none 2>&1 | FileCheck %s --check-prefix=STATIC --implicit-check-not="any batch"
// STATIC: wrote
// RUN: FileCheck %s --check-prefix=STATIC-IR < %t/reshape/model.mlir
// STATIC-IR: func.func @main(%arg0: tensor<1x1x5x5xf32>

// RUN: dfq-compile %t/net.onnx -o %t/kept --calib none --input-shape 1x1x8x8 2>&1 | FileCheck %s --check-prefix=KEPT --implicit-check-not="any batch"
// KEPT: wrote
// RUN: FileCheck %s --check-prefix=KEPT-IR < %t/kept/model.mlir
// KEPT-IR: func.func @main(%arg0: tensor<1x1x8x8xf32>
