// dfq-run on a dfq .mlir model: IDX datasets (gzipped or plain), .npy inputs
// and outputs, batching with a short last batch, and the JSON contract.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/make_idx.py %t/data --count 20
// RUN: env FMNIST_DIR=%t/data dfq-run %S/Inputs/affine-model.mlir --json --batch 8 | FileCheck %s --check-prefix=JSON
// Labels are i % 10 and class 9 always wins: 2 of 20 are right.
// JSON: {"batch":8,"executor":"ref","images_per_s":{{[0-9.e+]+}},"latency_ms":{{[0-9.e+-]+}},"model":"{{.*}}affine-model.mlir","samples":20,"top1":0.10000000000000001}

// --limit and the human-readable summary.
// RUN: env FMNIST_DIR=%t/data dfq-run %S/Inputs/affine-model.mlir --limit 10 --dataset fashion-mnist:train | FileCheck %s --check-prefix=TEXT
// TEXT: top-1 0.1000 (1/10)
// TEXT: samples 10, batch 64

// Uncompressed IDX files work too.
// RUN: %python %S/make_idx.py %t/plain --count 5 --plain
// RUN: env FMNIST_DIR=%t/plain dfq-run %S/Inputs/affine-model.mlir --json | FileCheck %s --check-prefix=PLAIN
// PLAIN: "samples":5,"top1":0

// .npy in, .npy out, numerically.
// RUN: dfq-run %S/Inputs/affine-model.mlir --input %t/data/images.npy --output %t/y.npy --batch 7 --threads 1 --json | FileCheck %s --check-prefix=NPY
// NPY: "samples":20
// NPY-NOT: top1
// RUN: %python %S/../e2e/compare_npy.py %t/y.npy %t/data/expected.npy --atol 1e-5 | FileCheck %s --check-prefix=SAME
// SAME: OK
