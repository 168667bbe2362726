// Corrupted ONNX files (bytes overwritten, truncated, slices duplicated; a
// fixed seed) never crash the importer or dfq-run: each one is accepted or
// rejected with exit status 1.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/onnx_gen.py conv_bn_net %t/net.onnx
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.random.RandomState(0).randn(2, 1, 8, 8).astype(np.float32))"
// RUN: %python %S/mutate_onnx.py %t/net.onnx %t/translate 300 -- dfq-translate --import-onnx {} -o %t/out.mlir | FileCheck %s --check-prefix=TRANSLATE
// RUN: %python %S/mutate_onnx.py %t/net.onnx %t/run 24 -- dfq-run {} --input %t/x.npy | FileCheck %s --check-prefix=INTERP

// TRANSLATE: 300 mutants: {{[0-9]+}} accepted, {{[0-9]+}} rejected, 0 crashed
// INTERP: 24 mutants: {{[0-9]+}} accepted, {{[0-9]+}} rejected, 0 crashed
