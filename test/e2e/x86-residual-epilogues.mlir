// Residual chains in kernel epilogues (dfq-compile --fuse-residuals):
// every zoo model with residual blocks, built with and without them, gives
// the same bits on 512 test images, on one thread and on a team of 2 that
// splits every layer's rows (the residual and the epilogue's outputs are
// split like the output). The report counts the chains: ResNet's 6 blocks
// (3 with a float residual and two quantizations, 3 with a projection
// shortcut read as u8), MobileNetV2's 3 inverted residuals.
// REQUIRES: x86-avx512-vnni
// RUN: rm -rf %t && mkdir -p %t
// RUN: for cfg in "resnet 8" "mobilenetv2 8" "resnet 4"; do set -- $cfg; m=$1-w$2a$2; \
// RUN:   dfq-compile %models/$1.onnx -o %t/$m-host --calib none --target x86 --wbits $2 --abits $2 --first-last-bits same 2>/dev/null && \
// RUN:   dfq-compile %models/$1.onnx -o %t/$m-fused --calib none --target x86 --wbits $2 --abits $2 --first-last-bits same --fuse-residuals 2>/dev/null && \
// RUN:   dfq-run %t/$m-host --limit 512 --batch 64 --threads 1 --output %t/$m-host.npy >/dev/null 2>&1 && \
// RUN:   dfq-run %t/$m-fused --limit 512 --batch 64 --threads 1 --output %t/$m-fused.npy >/dev/null 2>&1 && \
// RUN:   dfq-run %t/$m-fused --limit 512 --batch 1 --threads 2 --output %t/$m-team.npy >/dev/null 2>&1 && \
// RUN:   echo "$m `grep -o '"fused_residual_chains": [0-9]*' %t/$m-fused/report.json` host: `grep -o '"fused_residual_chains": [0-9]*' %t/$m-host/report.json` fused: `%python %S/compare_npy.py %t/$m-fused.npy %t/$m-host.npy --atol 0 | tr '\n' ' '` team: `%python %S/compare_npy.py %t/$m-team.npy %t/$m-host.npy --atol 0 | tr '\n' ' '`" || exit 1; \
// RUN: done | FileCheck %s

// CHECK: resnet-w8a8 "fused_residual_chains": 6 host: "fused_residual_chains": 0 fused: max_abs_diff=0 argmax_agree=512/512 OK team: max_abs_diff=0 argmax_agree=512/512 OK
// CHECK: mobilenetv2-w8a8 "fused_residual_chains": 3 host: "fused_residual_chains": 0 fused: max_abs_diff=0 argmax_agree=512/512 OK team: max_abs_diff=0 argmax_agree=512/512 OK
// CHECK: resnet-w4a4 "fused_residual_chains": 6 host: "fused_residual_chains": 0 fused: max_abs_diff=0 argmax_agree=512/512 OK team: max_abs_diff=0 argmax_agree=512/512 OK
