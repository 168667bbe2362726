// The CUDA targets' libraries on every zoo model, their generated kernels
// run on the CPU through the lane-level model of mma.sync, ldmatrix and
// cp.async (dfq-compile --emulate-gpu), against the portable C library
// compiled under the same description (cuda-sm80's, with the C backend: the
// same quantization, the same host program, kernels that the C kernel sweep
// checks against the integer semantics). The CUDA libraries compute the
// residual chains (ResNet's add and ReLU, MobileNetV2's adds) in their
// kernels' epilogues, the C ones in host loops. Every output must be identical:
// max_abs_diff=0 on all 10,000 test images at W8A8 (sm_90) and on 1,000 at
// W4A4 (sm_80). The library runs batches of 100 split over 2 threads, which
// share each layer's thread blocks.
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo 'module {}' | dfq-opt --dfq-attach-target=target=cuda-sm80 | grep -o '#dfq.target<.*>' | sed 's/backend = cuda/backend = c/' > %t/cuda-as-c.target
// RUN: for m in resnet mobilenetv2 mlp; do \
// RUN:   for bits in 8 4; do \
// RUN:     if [ $bits = 8 ]; then sm=90; n=10000; else sm=80; n=1000; fi; \
// RUN:     dfq-compile %models/$m.onnx -o %t/$m-$bits --calib none --wbits $bits --abits $bits --first-last-bits same --target cuda-sm$sm --emulate-gpu 2>/dev/null && \
// RUN:     dfq-compile %models/$m.onnx -o %t/$m-$bits-c --calib none --wbits $bits --abits $bits --first-last-bits same --target c --target-file %t/cuda-as-c.target 2>/dev/null && \
// RUN:     dfq-run %t/$m-$bits --limit $n --batch 100 --threads 2 --output %t/$m-$bits/cuda.npy --json 2>/dev/null > %t/$m-$bits/cuda.json && \
// RUN:     dfq-run %t/$m-$bits-c --limit $n --batch 100 --threads 2 --output %t/$m-$bits/c.npy 2>/dev/null >/dev/null && \
// RUN:     echo "$m W${bits}A${bits}: `grep -o '"executor":"[a-z0-9-]*"' %t/$m-$bits/cuda.json` `grep -o '"samples":[0-9]*' %t/$m-$bits/cuda.json` `%python %S/compare_npy.py %t/$m-$bits/cuda.npy %t/$m-$bits/c.npy --atol 0 | tr '\n' ' '`" || exit 1; \
// RUN:   done; \
// RUN: done | FileCheck %s
// The per-layer report records each layer's CUDA schedule.
// RUN: %python -c "import json; print(json.dumps(json.load(open('%t/mobilenetv2-8/report.json'))['layers'][1]['kernel'], sort_keys=True))" | FileCheck %s --check-prefix=REPORT

// CHECK: resnet W8A8: "executor":"cuda-sm90-emulated" "samples":10000 max_abs_diff=0 argmax_agree=10000/10000 OK
// CHECK: resnet W4A4: "executor":"cuda-sm80-emulated" "samples":1000 max_abs_diff=0 argmax_agree=1000/1000 OK
// CHECK: mobilenetv2 W8A8: "executor":"cuda-sm90-emulated" "samples":10000 max_abs_diff=0 argmax_agree=10000/10000 OK
// CHECK: mobilenetv2 W4A4: "executor":"cuda-sm80-emulated" "samples":1000 max_abs_diff=0 argmax_agree=1000/1000 OK
// CHECK: mlp W8A8: "executor":"cuda-sm90-emulated" "samples":10000 max_abs_diff=0 argmax_agree=10000/10000 OK
// CHECK: mlp W4A4: "executor":"cuda-sm80-emulated" "samples":1000 max_abs_diff=0 argmax_agree=1000/1000 OK
// REPORT: {"kind": "depthwise", "shared_bytes": 0, "stages": 0, "symbol": "dfq_kernel_1_{{.*}}", "target": "cuda-sm90", "tile": [8, 32, 0], "warps": [8, 1]}
