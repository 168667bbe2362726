// On a machine with an NVIDIA GPU (bench/cuda/run_gpu.sh runs the suite
// there): every zoo model's CUDA library, its kernels on the GPU, gives
// outputs identical to the C library compiled under the same description on
// all 10,000 test images, at W8A8 and W4A4, for cuda-sm80 (whose PTX also
// runs on Hopper) and, on compute capability 9.0 or newer, cuda-sm90.
// test/e2e/cuda-zoo.mlir checks the same kernels on the CPU on every
// machine.
// REQUIRES: cuda-device, nvcc
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo 'module {}' | dfq-opt --dfq-attach-target=target=cuda-sm80 | grep -o '#dfq.target<.*>' | sed 's/backend = cuda/backend = c/' > %t/cuda-as-c.target
// RUN: for m in resnet mobilenetv2 mlp; do \
// RUN:   for bits in 8 4; do \
// RUN:     dfq-compile %models/$m.onnx -o %t/$m-$bits-c --calib none --wbits $bits --abits $bits --first-last-bits same --target c --target-file %t/cuda-as-c.target 2>/dev/null && \
// RUN:     dfq-run %t/$m-$bits-c --batch 256 --threads 4 --output %t/$m-$bits-c.npy 2>/dev/null >/dev/null && \
// RUN:     for sm in 80 %if cuda-sm90-device %{90%}; do \
// RUN:       dfq-compile %models/$m.onnx -o %t/$m-$bits-$sm --calib none --wbits $bits --abits $bits --first-last-bits same --target cuda-sm$sm 2>/dev/null && \
// RUN:       dfq-run %t/$m-$bits-$sm --batch 256 --output %t/$m-$bits-$sm.npy --json 2>/dev/null > %t/$m-$bits-$sm.json && \
// RUN:       echo "$m W${bits}A${bits}: `grep -o '"executor":"[a-z0-9-]*"' %t/$m-$bits-$sm.json` `grep -o '"samples":[0-9]*' %t/$m-$bits-$sm.json` `%python %S/compare_npy.py %t/$m-$bits-$sm.npy %t/$m-$bits-c.npy --atol 0 | tr '\n' ' '`" || exit 1; \
// RUN:     done; \
// RUN:   done; \
// RUN: done | FileCheck %s

// CHECK: resnet W8A8: "executor":"cuda-sm{{80|90}}" "samples":10000 max_abs_diff=0 argmax_agree=10000/10000 OK
// CHECK: resnet W4A4: "executor":"cuda-sm{{80|90}}" "samples":10000 max_abs_diff=0 argmax_agree=10000/10000 OK
// CHECK: mobilenetv2 W8A8: "executor":"cuda-sm{{80|90}}" "samples":10000 max_abs_diff=0 argmax_agree=10000/10000 OK
// CHECK: mobilenetv2 W4A4: "executor":"cuda-sm{{80|90}}" "samples":10000 max_abs_diff=0 argmax_agree=10000/10000 OK
// CHECK: mlp W8A8: "executor":"cuda-sm{{80|90}}" "samples":10000 max_abs_diff=0 argmax_agree=10000/10000 OK
// CHECK: mlp W4A4: "executor":"cuda-sm{{80|90}}" "samples":10000 max_abs_diff=0 argmax_agree=10000/10000 OK
// CHECK-NOT: FAIL
