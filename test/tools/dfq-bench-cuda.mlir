// dfq-bench-cuda prints the kernels dfq-compile would generate for the
// peers' shapes with a timing harness, compiles them with nvcc and runs
// them; without a GPU every shape's line says so and the exit status is 1.
// REQUIRES: nvcc
// UNSUPPORTED: cuda-device
// RUN: not dfq-bench-cuda --no-default-gemm --gemm 64,32,96 --conv 2,8,6,6,16,3,3,1,1,1 --conv 2,16,6,6,16,3,3,2,1,16 --sm 80 --work %t 2>&1 | FileCheck %s
// RUN: grep -c "mma_m16n8k32" %t/kernels_bench.cu | FileCheck %s --check-prefix=MMA
// RUN: grep -c "dfq_dp4a_u8s8(a," %t/kernels_bench.cu | FileCheck %s --check-prefix=DP4A
// RUN: not dfq-bench-cuda --conv 2,8,6 2>&1 | FileCheck %s --check-prefix=USAGE

// CHECK: dfq-bench-cuda: 4 kernels for sm_80
// CHECK-DAG: {"m": 64, "n": 32, "k": 96, "impl": "dfq", "error": "no CUDA device"}
// CHECK-DAG: {"layer": "2,8,6,6,16,3,3,1,1,1", "impl": "dfq", "error": "no CUDA device"}
// CHECK-DAG: {"layer": "2,16,6,6,16,3,3,2,1,16", "impl": "dfq", "error": "no CUDA device"}
// The depthwise layer also with dp4a.
// CHECK-DAG: {"layer": "2,16,6,6,16,3,3,2,1,16", "impl": "dfq-dp4a", "error": "no CUDA device"}
// Two tensor-core kernels (the gemm and the dense convolution) call mma.sync.
// MMA: 2
// The dp4a variant calls dp4a once per group of four taps.
// DP4A: 1
// USAGE: usage: dfq-bench-cuda
