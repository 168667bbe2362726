// Bad models, inputs and options end in `error: ...` on stderr and exit 1.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/make_idx.py %t/data --count 4
// RUN: %python %S/make_idx.py %t/truncated --count 4 --truncate

// RUN: not dfq-run %t/missing.onnx 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: cannot open '{{.*}}missing.onnx'
// RUN: not dfq-run %S/Inputs/affine-model.mlir --input %t/data/images.npy --dataset fashion-mnist 2>&1 | FileCheck %s --check-prefix=EXCLUSIVE
// EXCLUSIVE: error: --input and --dataset are exclusive
// RUN: not dfq-run %t/missing.so 2>&1 | FileCheck %s --check-prefix=NOLIB
// NOLIB: error: cannot load '{{.*}}missing.so':
// RUN: cp /lib/x86_64-linux-gnu/libm.so.6 %t/notdfq.so
// RUN: not dfq-run %t/notdfq.so 2>&1 | FileCheck %s --check-prefix=NOTDFQ
// NOTDFQ: error: '{{.*}}notdfq.so' is not a dfq model library (missing dfq_model_abi_version, dfq_model_target,
// RUN: not dfq-run %t/notdfq.so --executor ref 2>&1 | FileCheck %s --check-prefix=REFLIB
// REFLIB: error: --executor ref needs a model with IR, not a library
// RUN: not dfq-run %S/Inputs/affine-model.mlir --executor gpu 2>&1 | FileCheck %s --check-prefix=EXECUTOR
// EXECUTOR: error: --executor must be auto or ref, got 'gpu'
// RUN: not dfq-run %S/Inputs/affine-model.mlir --batch 0 2>&1 | FileCheck %s --check-prefix=BATCH
// BATCH: error: --batch must be positive, got 0
// RUN: not dfq-run %S/Inputs/affine-model.mlir --dataset cifar10 2>&1 | FileCheck %s --check-prefix=DATASET
// DATASET: error: unknown dataset 'cifar10' (supported: fashion-mnist)
// RUN: not env FMNIST_DIR=%t/nowhere dfq-run %S/Inputs/affine-model.mlir 2>&1 | FileCheck %s --check-prefix=NODATA
// NODATA: error: cannot open '{{.*}}nowhere{{.*}}t10k-images-idx3-ubyte'
// RUN: not env FMNIST_DIR=%t/truncated dfq-run %S/Inputs/affine-model.mlir 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// TRUNCATED: error: '{{.*}}t10k-images-idx3-ubyte.gz' holds {{[0-9]+}} data bytes but its header declares 3136 (truncated?)
// RUN: not dfq-run %S/Inputs/affine-model.mlir --input %S/dfq-run.mlir 2>&1 | FileCheck %s --check-prefix=NOTNPY
// NOTNPY: error: '{{.*}}dfq-run.mlir' is not a .npy file
// RUN: not dfq-run %S/Inputs/affine-model.mlir --input %t/data/expected.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: '{{.*}}expected.npy' holds samples of shape [10] but the model input is [?, 1, 28, 28]
// Inputs must have the model's shape, not just as many elements.
// RUN: %python -c "import numpy as np; np.save('%t/flat.npy', np.load('%t/data/images.npy').reshape(4, 784))"
// RUN: not dfq-run %S/Inputs/affine-model.mlir --input %t/flat.npy 2>&1 | FileCheck %s --check-prefix=FLAT
// FLAT: error: '{{.*}}flat.npy' holds samples of shape [784] but the model input is [?, 1, 28, 28]
// RUN: not dfq-run %S/Inputs/affine-model.mlir --threads 100000 2>&1 | FileCheck %s --check-prefix=THREADS
// THREADS: error: --threads must lie in [0, 1024], got 100000
// RUN: not dfq-run %S/Inputs/affine-model.mlir --mean nan 2>&1 | FileCheck %s --check-prefix=MEAN
// MEAN: error: --mean must be finite
// RUN: not dfq-run %S/Inputs/affine-model.mlir --std nan 2>&1 | FileCheck %s --check-prefix=STD
// STD: error: --std must be positive and finite
// RUN: not dfq-run %S/Inputs/affine-model.mlir --no-such-option 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: dfq-run: error: Unknown command line argument '--no-such-option'.
// RUN: not dfq-run %S/Inputs/affine-model.mlir --batch two 2>&1 | FileCheck %s --check-prefix=BADVALUE
// BADVALUE: for the --batch option: 'two' value invalid
// BADVALUE: dfq-run: error: invalid command line (see above)
// RUN: not dfq-run %S/Inputs/unsupported-op.mlir --input %t/data/images.npy 2>&1 | FileCheck %s --check-prefix=BADOP
// BADOP: unsupported-op.mlir:2:8: error: 'arith.negf' {{.*}}not supported by the reference interpreter
// RUN: not dfq-run %t/model.txt 2>&1 | FileCheck %s --check-prefix=KIND
// KIND: error: '{{.*}}model.txt': unknown model kind (expected .onnx, .mlir, .so or a dfq-compile output directory)
// RUN: not dfq-run %t 2>&1 | FileCheck %s --check-prefix=DIR
// DIR: error: '{{.*}}' is a directory without model.mlir (not a dfq-compile output directory)
// An output file is only written by a successful run.
// RUN: not dfq-run %S/Inputs/unsupported-op.mlir --input %t/data/images.npy --output %t/never.npy
// RUN: not ls %t/never.npy

// RUN: dfq-run --help | FileCheck %s --check-prefix=HELP
// HELP: dfq-run: execute a model and evaluate it
// HELP-DAG: --batch=<long>
// HELP-DAG: --dataset=<name[:split]>
// HELP-DAG: --input=<x.npy>
// HELP-DAG: --json
// HELP-DAG: --threads=<int>
// RUN: dfq-run --version | FileCheck %s --check-prefix=VERSION
// VERSION: dfq-run (dfq 0.1, MLIR 22)
