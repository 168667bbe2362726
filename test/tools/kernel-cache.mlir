// dfq-compile --kernel-cache: kernel objects are reused across builds,
// keyed by what determines their code (and by this dfq and Halide). A
// second build of the same model compiles no kernel and gives the same
// outputs bit for bit; other weight bits are other code; --kernel-cache
// none compiles everything and writes no cache; a cache that cannot be
// created is no cache, not an error. The build summary goes to
// report.json as well.
// REQUIRES: x86-avx2
// RUN: rm -rf %t && mkdir -p %t
// RUN: dfq-compile %models/resnet.onnx -o %t/first --calib none --target %host_x86_target --kernel-cache %t/cache > /dev/null 2> %t/first.log
// RUN: ls %t/cache | wc -l >> %t/first.log
// RUN: FileCheck %s --check-prefix=FIRST < %t/first.log
// RUN: dfq-compile %models/resnet.onnx -o %t/second --calib none --target %host_x86_target --kernel-cache %t/cache 2>&1 | FileCheck %s --check-prefix=SECOND
// RUN: grep -o '"kernel_objects_[a-z]*": [0-9]*' %t/second/report.json | FileCheck %s --check-prefix=JSON
// RUN: dfq-run %t/first --limit 128 --output %t/first.npy >/dev/null 2>&1
// RUN: dfq-run %t/second --limit 128 --output %t/second.npy >/dev/null 2>&1
// RUN: %python %S/../e2e/compare_npy.py %t/first.npy %t/second.npy --atol 0 | tr '\n' ' ' | FileCheck %s --check-prefix=SAME
// RUN: dfq-compile %models/resnet.onnx -o %t/w4 --calib none --wbits 4 --abits 4 --first-last-bits same --target %host_x86_target --kernel-cache %t/cache 2>&1 | FileCheck %s --check-prefix=OTHER
// RUN: dfq-compile %models/resnet.onnx -o %t/none --calib none --target %host_x86_target --kernel-cache none 2>&1 | FileCheck %s --check-prefix=COLD
// RUN: touch %t/file
// RUN: dfq-compile %models/resnet.onnx -o %t/unwritable --calib none --target %host_x86_target --kernel-cache %t/file/cache 2>&1 | FileCheck %s --check-prefix=COLD
// RUN: not ls %t/file/cache

// FIRST: built libmodel.so (15 kernels in [[#OBJECTS:]] objects, 0 from the kernel cache
// The objects and Halide's runtime.
// FIRST: {{^}}[[#OBJECTS+1]]{{$}}
// COLD: built libmodel.so (15 kernels in {{[0-9]+}} objects, 0 from the kernel cache
// SECOND: built libmodel.so (15 kernels in [[OBJECTS:[0-9]+]] objects, [[OBJECTS]] from the kernel cache
// JSON: "kernel_objects_compiled": 0
// JSON: "kernel_objects_reused": {{[1-9][0-9]*}}
// SAME: max_abs_diff=0 argmax_agree=128/128 OK
// OTHER: built libmodel.so (15 kernels in [[OBJECTS:[0-9]+]] objects, 0 from the kernel cache
