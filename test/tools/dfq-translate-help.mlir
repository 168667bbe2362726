// RUN: dfq-translate --help | FileCheck %s
// CHECK: dfq translation driver
// CHECK: --import-onnx {{.*}}Import an ONNX model (opsets 1-22) into the dfq float dialect
// RUN: dfq-translate --version | FileCheck %s --check-prefix=VERSION
// VERSION: dfq-translate (dfq 0.1, MLIR 22)
// Without a translation, nothing is written and the exit status is 1.
// RUN: not dfq-translate %s -o %t.never 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: not ls %t.never
// NONE: Translations to perform option: must be specified
