// Bad options and inputs end in an error, exit 1, and no output directory.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../Import/onnx_gen.py conv_bn_net %t/net.onnx
// RUN: not dfq-compile %t/net.onnx -o %t/out --wbits 9 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not dfq-compile %t/net.onnx -o %t/out --first-last-bits 1 2>&1 | FileCheck %s --check-prefix=EDGE
// RUN: not dfq-compile %t/net.onnx -o %t/out --calib gdfq 2>&1 | FileCheck %s --check-prefix=CALIB
// RUN: not dfq-compile %t/net.onnx -o %t/out --calib real:%t/missing.npy 2>&1 | FileCheck %s --check-prefix=REAL
// RUN: not dfq-compile %t/net.onnx -o %t/out --target tpu 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not dfq-compile %t/net.onnx -o %t/out --target c --emulate-gpu 2>&1 | FileCheck %s --check-prefix=EMULATE
// A CUDA target needs nvcc for its GPU library: without one, a clear error
// and no output directory.
// RUN: env DFQ_NVCC=%t/no-nvcc not dfq-compile %t/net.onnx -o %t/out --calib none --target cuda-sm90 2>&1 | FileCheck %s --check-prefix=NVCC
// RUN: test ! -e %t/out
// RUN: not dfq-compile %t/net.onnx -o %t/out --budget avg:4 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not dfq-compile %t/net.onnx -o %t/out --budget avg-bits:4 --bit-choices 1,4 2>&1 | FileCheck %s --check-prefix=CHOICES
// RUN: not dfq-compile %t/net.onnx -o %t/out --calib none --budget avg-bits:1.5 2>&1 | FileCheck %s --check-prefix=INFEASIBLE
// RUN: not dfq-compile %t/net.onnx -o %t/out --mpc 4/6 2>&1 | FileCheck %s --check-prefix=MPC
// RUN: not dfq-compile %t/net.onnx -o %t/out --mpc 2/2 2>&1 | FileCheck %s --check-prefix=MPC2
// RUN: not dfq-compile %t/net.onnx -o %t/out --no-compensation 2>&1 | FileCheck %s --check-prefix=NOCOMP
// RUN: not dfq-compile %t/missing.onnx -o %t/out --calib none 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not dfq-compile %s -o %t/out --calib none 2>&1 | FileCheck %s --check-prefix=NOBN
// RUN: not dfq-compile %t/net.onnx -o %t/out --threads 5000 2>&1 | FileCheck %s --check-prefix=THREADS
// RUN: not dfq-compile %t/net.onnx -o %t/out --mean inf 2>&1 | FileCheck %s --check-prefix=MEAN
// RUN: not dfq-compile %t/net.onnx -o %t/out --std nan 2>&1 | FileCheck %s --check-prefix=STD
// RUN: not dfq-compile %t/net.onnx -o %t/out --wbit 4 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not ls %t/out
// A compiler that fails or cannot start: an error naming it, no library.
// RUN: not env CC=/bin/false dfq-compile %t/net.onnx -o %t/cc --calib none --target c 2>&1 | FileCheck %s --check-prefix=CC
// RUN: not env CC=%t/no-such-cc dfq-compile %t/net.onnx -o %t/cc --calib none --target c 2>&1 | FileCheck %s --check-prefix=NOCC
// RUN: not ls %t/cc/libmodel.so

// CC: error: compiling {{.*}}.c with '/bin/false' failed
// NOCC: error: compiling {{.*}}.c with '{{.*}}no-such-cc' failed: posix_spawn failed
// THREADS: error: --threads must lie in [0, 1024], got 5000
// MEAN: error: --mean must be finite
// STD: error: --std must be positive and finite
// UNKNOWN: dfq-compile: error: Unknown command line argument '--wbit'.
// UNKNOWN: dfq-compile: note: Did you mean '--wbits'?
// BITS: error: --wbits and --abits must lie in [2, 8], got 9 and 8
// EDGE: error: --first-last-bits must be 'same' or lie in [2, 8], got '1'
// CALIB: error: --calib must be dsg, zeroq, none or real:PATH, got 'gdfq'
// REAL: error: calibration data '{{.*}}missing.npy' does not exist
// TARGET: error: --target tpu is not available; use ref, x86 (x86-avx512-vnni), x86-avx2, c, cuda-sm80 or cuda-sm90
// EMULATE: error: --emulate-gpu needs a cuda target (--target cuda-sm80 or cuda-sm90)
// NVCC: error: cannot build a cuda-sm90 library: nvcc not found ($DFQ_NVCC names '{{.*}}no-nvcc', which is not an executable); --emulate-gpu builds the same kernels for the CPU
// BUDGET: error: --budget must be avg-bits:B, size:BYTES or bops:N with a positive number, got 'avg:4'
// CHOICES: error: --bit-choices must list bit widths in [2, 8], got '1,4'
// INFEASIBLE: error: dfq-assign-bits: budget avg-bits:1.5 is infeasible: the least allocation (every free layer at 2 bits) needs avg-bits:
// MPC: error: --mpc must be LOW/HIGH with LOW 2 or 3 and HIGH in (LOW, 8], got '4/6'
// MPC2: error: --mpc must be LOW/HIGH with LOW 2 or 3 and HIGH in (LOW, 8], got '2/2'
// NOCOMP: error: --no-compensation needs --mpc
// MISSING: error: cannot open '{{.*}}missing.onnx'
// A model that still has a BatchNorm dfq-fold-bn can neither fold nor turn
// into an affine (its mean is computed, not a constant).
// NOBN: remark: batch_norm left in place: its input is not produced by dfq.conv2d or dfq.gemm (it is a block argument); and as an affine: the mean is not a constant
// NOBN: error: dfq-calibrate-ranges: BatchNorm node 'dfq.batch_norm': the running mean and variance must be Constant nodes

func.func @main(%x: tensor<?x2x4x4xf32>) -> tensor<?x2x4x4xf32> {
  %c = arith.constant dense<1.0> : tensor<2xf32>
  %m = dfq.relu %c : tensor<2xf32>
  %0 = dfq.batch_norm %x, %c, %c, %m, %c : (tensor<?x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x4x4xf32>
  %w = arith.constant dense<0.5> : tensor<2x2x1x1xf32>
  %1 = dfq.conv2d %0, %w : (tensor<?x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<?x2x4x4xf32>
  return %1 : tensor<?x2x4x4xf32>
}
