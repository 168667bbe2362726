// Inputs that made dfq-import-fuzzer fail (crash, hang, out of memory),
// kept as found (see docs/fuzzing.md): each is now accepted or rejected.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/replay_reproducers.py %S/fuzz-reproducers -- dfq-translate --import-onnx {} -o %t/out.mlir | FileCheck %s
// RUN: %python %S/replay_reproducers.py %S/fuzz-reproducers -- dfq-compile {} -o %t/compiled --calib none | FileCheck %s

// CHECK-NOT: CRASH
// CHECK: {{[1-9][0-9]*}} reproducers: 0 crashed
