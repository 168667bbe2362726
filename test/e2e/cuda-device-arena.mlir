// CUDA libraries keep values that one kernel writes and only kernels read on
// the device: the MLP's first gemm reads its input from the host (written by
// the input quantization) and leaves its output on the device; the second
// reads it there and copies its output back (read by the float output
// layer). The CPU model of device memory starts as a 0xA5 pattern and is
// filled and read back only by those copies, so a copy left out changes the
// results: each of the two mutations below must (and the unmutated library
// rebuilt the same way must not).
// RUN: rm -rf %t && mkdir -p %t
// RUN: dfq-compile %models/mlp.onnx -o %t/lib --calib none --target cuda-sm90 --emulate-gpu --keep-sources 2>/dev/null
// RUN: FileCheck %s < %t/lib/build/model.c
// RUN: dfq-run %t/lib --limit 200 --output %t/good.npy > /dev/null 2>&1
// RUN: for mutation in none s/,\ 1,\ 1,\ buffers/,\ 0,\ 1,\ buffers/ s/{DFQ_CUDA_OUT}/{DFQ_CUDA_STAYS}/; do \
// RUN:   rm -rf %t/m && mkdir -p %t/m && cp %t/lib/model.mlir %t/lib/model.h %t/m/ && \
// RUN:   if [ $mutation = none ]; then cp %t/lib/build/model.c %t/m/model.c; else sed "$mutation" %t/lib/build/model.c > %t/m/model.c; fi && \
// RUN:   cc -std=c11 -O1 -ffp-contract=off -fPIC -shared -I%t/lib/build -I%t/m %t/m/model.c %t/lib/build/dfq_runtime.c %t/lib/build/dfq_cuda_arena.c %t/lib/build/dfq_cuda_emu.c %t/lib/build/dfq_kernels.c -o %t/m/libmodel.so -lpthread -lm -ldl && \
// RUN:   dfq-run %t/m --limit 200 --output %t/m.npy > /dev/null 2>&1 && \
// RUN:   echo "$mutation: `%python %S/compare_npy.py %t/m.npy %t/good.npy --atol 0 | head -1 | cut -d' ' -f1`" || exit 1; \
// RUN: done | FileCheck %s --check-prefix=MUTATED

// CHECK: static const int copies[] = {DFQ_CUDA_STAYS};
// CHECK-NEXT: failed |= dfq_cuda_layer(dfq_kernel_0__net_net_1_Gemm, {{.*}}), 1, 1, buffers, bytes, copies, n, team);
// CHECK: static const int copies[] = {DFQ_CUDA_OUT};
// CHECK-NEXT: failed |= dfq_cuda_layer(dfq_kernel_1__net_net_4_Gemm, {{.*}}), 0, 1, buffers, bytes, copies, n, team);
// MUTATED: none: max_abs_diff=0
// MUTATED-NOT: max_abs_diff=0
