// The CUDA targets on real 224x224 architectures (torchvision's ResNet-18
// and MobileNetV2, random weights): their generated kernels, run on the CPU
// through the lane-level model of mma.sync, ldmatrix and cp.async, give
// outputs identical to the C library compiled under the same description
// (cuda-sm80's with the C backend) on 3 images, run as a batch of 3 on 2
// threads. ResNet-18 exercises 7x7 stride-2 input convolutions (3 channels:
// byte copies), 1x1 projections and 512-channel layers (partial K and N
// tiles); MobileNetV2 depthwise layers and 1x1 expansions.
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo 'module {}' | dfq-opt --dfq-attach-target=target=cuda-sm80 | grep -o '#dfq.target<.*>' | sed 's/backend = cuda/backend = c/' > %t/cuda-as-c.target
// RUN: for m in resnet18 mobilenet_v2; do \
// RUN:   %python %S/torchvision_export.py $m 3 %t/$m.onnx %t/$m-x.npy 2>/dev/null && \
// RUN:   dfq-compile %t/$m.onnx -o %t/$m-cuda --calib none --target cuda-sm80 --emulate-gpu 2>/dev/null && \
// RUN:   dfq-compile %t/$m.onnx -o %t/$m-c --calib none --target c --target-file %t/cuda-as-c.target 2>/dev/null && \
// RUN:   dfq-run %t/$m-cuda --input %t/$m-x.npy --threads 2 --output %t/$m-cuda.npy 2>/dev/null >/dev/null && \
// RUN:   dfq-run %t/$m-c --input %t/$m-x.npy --threads 2 --output %t/$m-c.npy 2>/dev/null >/dev/null && \
// RUN:   echo "$m: `%python %S/compare_npy.py %t/$m-cuda.npy %t/$m-c.npy --atol 0 | tr '\n' ' '`" || exit 1; \
// RUN: done | FileCheck %s

// CHECK: resnet18: max_abs_diff=0 argmax_agree=3/3 OK
// CHECK: mobilenet_v2: max_abs_diff=0 argmax_agree=3/3 OK
