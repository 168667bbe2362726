// ONNX's own node tests (Debian's libonnx-testdata): every test whose ops the
// importer supports is imported, run on the reference interpreter and
// compared with ONNX's expected outputs (|got - want| <= 1e-5 + 1e-4 |want|).
// Each exclusion in onnx-node-tests.exclusions states its reason; an excluded
// test that passes or no longer exists fails this test. The tests whose
// graph inputs and outputs are all FLOAT (float models, what dfq compiles)
// are also counted on their own.
// RUN: dfq-onnx-node-tests --exclusions %S/onnx-node-tests.exclusions | FileCheck %s

// CHECK-NOT: FAIL
// CHECK-NOT: STALE
// CHECK: node tests: {{[0-9]+}} total, 488 in scope (supported ops), 125 excluded, 363 passed ({{[0-9]+}} with inputs inlined as constants), 0 failed, 0 stale exclusions
// CHECK-NEXT: with FLOAT graph inputs and outputs: 307 in scope, 302 passed
