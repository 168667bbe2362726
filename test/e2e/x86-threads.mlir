// Threads of a compiled model: every way of running a batch gives the same
// bits as one thread. Batches of at least `threads` samples are split into
// sub-batches (3 on 2 threads: 2 + 1; 5 on 3: 2 + 2 + 1; 64 on 2); smaller
// ones run as a team that splits every layer's rows (1 on 2 threads; 1 on
// 8, more threads than this machine may have CPUs: the team is capped at
// one per CPU and the extra workers only acknowledge each job).
// REQUIRES: x86-avx512-vnni
// RUN: rm -rf %t && mkdir -p %t
// RUN: dfq-compile %models/mobilenetv2.onnx -o %t/out --calib none --target x86 2>/dev/null
// RUN: dfq-run %t/out --limit 64 --batch 1 --threads 1 --output %t/one.npy >/dev/null 2>&1
// RUN: for cfg in "1 2" "3 2" "1 8" "5 3" "64 2"; do set -- $cfg; \
// RUN:   dfq-run %t/out --limit 64 --batch $1 --threads $2 --output %t/b$1-t$2.npy >/dev/null 2>&1 && \
// RUN:   echo "batch $1 threads $2: `%python %S/compare_npy.py %t/b$1-t$2.npy %t/one.npy --atol 0 | tr '\n' ' '`" || exit 1; \
// RUN: done | FileCheck %s

// CHECK: batch 1 threads 2: max_abs_diff=0 argmax_agree=64/64 OK
// CHECK: batch 3 threads 2: max_abs_diff=0 argmax_agree=64/64 OK
// CHECK: batch 1 threads 8: max_abs_diff=0 argmax_agree=64/64 OK
// CHECK: batch 5 threads 3: max_abs_diff=0 argmax_agree=64/64 OK
// CHECK: batch 64 threads 2: max_abs_diff=0 argmax_agree=64/64 OK
