// dfq-run --profile: the time per batch of every step of a compiled
// library's program, by kind and by step, in text and in the JSON contract;
// the steps' names are the model's ops. The reference interpreter has no
// steps to time.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/make_idx.py %t/data --count 12
// RUN: dfq-compile %models/mlp.onnx -o %t/mlp --calib none --target c 2>/dev/null
// RUN: dfq-run %t/mlp --input %t/data/images.npy --batch 4 --threads 1 --profile | FileCheck %s --check-prefix=TEXT
// RUN: dfq-run %t/mlp --input %t/data/images.npy --batch 4 --threads 2 --profile --json | %python %S/check_profile.py | FileCheck %s --check-prefix=JSON
// RUN: not dfq-run %t/mlp/model.mlir --input %t/data/images.npy --profile 2>&1 | FileCheck %s --check-prefix=REF

// TEXT: samples 12, batch 4, {{[0-9.]+}} ms per batch (median)
// TEXT-NEXT: profile: [[STEPS:[0-9]+]] steps, {{[0-9.]+}} ms per batch (mean over 3 batches)
// TEXT-NEXT: conversion {{[0-9.]+}} ms {{[0-9.]+}}%
// TEXT-NEXT: kernel {{[0-9.]+}} ms {{[0-9.]+}}%
// TEXT: step kind ms share name
// TEXT-NEXT: 0 conversion {{[0-9.]+ [0-9.]+}}% /net/net.1/Gemm
// TEXT-NEXT: 1 kernel {{[0-9.]+ [0-9.]+}}% /net/net.1/Gemm
// TEXT: outputs {{[0-9.]+ [0-9.]+}}% outputs
// TEXT-NOT: {{.}}

// JSON: batches 3, steps equal to the model's: True
// JSON-NEXT: kinds sum to the total: True
// JSON-NEXT: every step timed: True
// JSON-NEXT: kernel steps: /net/net.1/Gemm /net/net.4/Gemm

// REF: error: --profile times the steps of a compiled library; '{{.*}}model.mlir' runs on the reference interpreter
