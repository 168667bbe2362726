// Residual chains in CUDA kernel epilogues, on a model that is not the
// zoo's (Inputs/x86-residual-chains.mlir): 20 channels, a quantized
// residual whose sum is clipped, and float residuals computed in NCHW
// (after a max pooling, after an add of two layouts). dfq-compile fuses the
// chains by default for CUDA; the emulated library must give the bits of
// the same library with the chains left to the host (--fuse-residuals=false)
// and of the C library compiled under the same description. The fused
// library keeps the chains' values on the device: the quantized residual
// and the chain results that only kernels read are never copied, and only
// what the host reads (the max pooling's input, the global pooling's) comes
// back (the layers' copies below). Leaving out the residual's copy to the
// device changes the outputs (the CPU model of device memory starts as a
// 0xA5 pattern).
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo 'module {}' | dfq-opt --dfq-attach-target=target=cuda-sm80 | grep -o '#dfq.target<.*>' | sed 's/backend = cuda/backend = c/' > %t/cuda-as-c.target
// RUN: dfq-compile %S/Inputs/x86-residual-chains.mlir -o %t/fused --calib none --target cuda-sm80 --emulate-gpu --keep-sources 2>&1 | FileCheck %s --check-prefix=BUILD
// RUN: dfq-compile %S/Inputs/x86-residual-chains.mlir -o %t/host --calib none --target cuda-sm80 --emulate-gpu --fuse-residuals=false 2>/dev/null
// RUN: dfq-compile %S/Inputs/x86-residual-chains.mlir -o %t/c --calib none --target c --target-file %t/cuda-as-c.target 2>/dev/null
// RUN: grep -o 'fused = \[[^]]*\]' %t/fused/model.mlir | FileCheck %s --check-prefix=IR
// RUN: FileCheck %s --check-prefix=COPIES < %t/fused/build/model.c
// RUN: dfq-run %t/fused --limit 512 --batch 64 --threads 2 --output %t/fused.npy >/dev/null 2>&1
// RUN: dfq-run %t/host --limit 512 --output %t/host.npy >/dev/null 2>&1
// RUN: dfq-run %t/c --limit 512 --output %t/c.npy >/dev/null 2>&1
// RUN: %python %S/compare_npy.py %t/fused.npy %t/host.npy --atol 0 | FileCheck %s
// RUN: %python %S/compare_npy.py %t/fused.npy %t/c.npy --atol 0 | FileCheck %s
// RUN: mkdir -p %t/m && cp %t/fused/model.mlir %t/fused/model.h %t/m/ && sed 's/{DFQ_CUDA_IN,/{DFQ_CUDA_STAYS,/' %t/fused/build/model.c > %t/m/model.c
// RUN: cc -std=c11 -O1 -ffp-contract=off -fPIC -shared -I%t/fused/build -I%t/m %t/m/model.c %t/fused/build/dfq_runtime.c %t/fused/build/dfq_cuda_arena.c %t/fused/build/dfq_cuda_emu.c %t/fused/build/dfq_kernels.c -o %t/m/libmodel.so -lpthread -lm -ldl
// RUN: dfq-run %t/m --limit 512 --output %t/m.npy >/dev/null 2>&1
// RUN: not %python %S/compare_npy.py %t/m.npy %t/fused.npy --atol 0 | FileCheck %s --check-prefix=MUTATED

// BUILD: built libmodel.so (4 kernels, arena {{[0-9]+}} bytes per sample, 3 residual chains in kernel epilogues
// IR: fused = ["dfq.dequantize", "dfq.dequantize", "dfq.add", "dfq.clip"]
// IR-NEXT: fused = ["dfq.dequantize", "dfq.add", "dfq.relu", "dfq.quantize"]
// IR-NEXT: fused = ["dfq.dequantize", "dfq.add"]
// COPIES: static const int copies[] = {DFQ_CUDA_STAYS};
// COPIES: static const int copies[] = {DFQ_CUDA_STAYS, DFQ_CUDA_OUT};
// COPIES: static const int copies[] = {DFQ_CUDA_IN, DFQ_CUDA_STAYS, DFQ_CUDA_STAYS};
// COPIES: static const int copies[] = {DFQ_CUDA_STAYS, DFQ_CUDA_OUT};
// CHECK: max_abs_diff=0 argmax_agree=512/512
// CHECK-NEXT: OK
// MUTATED-NOT: max_abs_diff=0
// MUTATED: max_abs_diff=
