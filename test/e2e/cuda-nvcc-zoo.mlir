// The CUDA targets' GPU libraries: every zoo model's kernels compile with
// nvcc for sm_80 and sm_90 (ptxas --warn-on-spills as an error: no kernel
// spills registers) and link against the CUDA runtime. Without a GPU,
// dfq-run says so and fails (bench/cuda/run_gpu.sh runs them on one).
// REQUIRES: nvcc
// RUN: rm -rf %t && mkdir -p %t
// RUN: for m in resnet mobilenetv2 mlp; do \
// RUN:   for target in cuda-sm80 cuda-sm90; do \
// RUN:     dfq-compile %models/$m.onnx -o %t/$m-$target --calib none --target $target 2>&1 | grep -o "built libmodel.so ([0-9]* kernels in 2 objects" | sed "s/^/$m $target: /" || exit 1; \
// RUN:   done; \
// RUN: done | FileCheck %s
// RUN: dfq-compile %models/resnet.onnx -o %t/resnet-w4 --calib none --wbits 4 --abits 4 --first-last-bits same --target cuda-sm90 2>&1 | FileCheck %s --check-prefix=W4
// RUN: %if !cuda-device %{ not dfq-run %t/resnet-cuda-sm90 --limit 4 2>&1 | FileCheck %s --check-prefix=NODEVICE %}

// CHECK: resnet cuda-sm80: built libmodel.so (15 kernels in 2 objects
// CHECK: resnet cuda-sm90: built libmodel.so (15 kernels in 2 objects
// CHECK: mobilenetv2 cuda-sm80: built libmodel.so (19 kernels in 2 objects
// CHECK: mobilenetv2 cuda-sm90: built libmodel.so (19 kernels in 2 objects
// CHECK: mlp cuda-sm80: built libmodel.so (2 kernels in 2 objects
// CHECK: mlp cuda-sm90: built libmodel.so (2 kernels in 2 objects
// W4: built libmodel.so (15 kernels in 2 objects
// NODEVICE: error: '{{.*}}libmodel.so': no CUDA device: this library runs its layers on an NVIDIA GPU of compute capability 9.0 or newer
