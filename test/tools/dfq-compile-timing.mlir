// dfq-compile --timing: a tree of where the time went, as mlir-opt's
// --mlir-timing prints it: the import, each pass of both pipeline stages,
// the report's layer SQNR, the library's phases and the outputs.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../Import/onnx_gen.py conv_bn_net %t/net.onnx
// RUN: dfq-compile %t/net.onnx -o %t/out --calib none --samples 2 --target c --timing 2>&1 | FileCheck %s
// Without the option nothing is timed.
// RUN: dfq-compile %t/net.onnx -o %t/quiet --calib none --samples 2 --target c 2>&1 | FileCheck %s --check-prefix=QUIET

// CHECK: Execution time report
// CHECK: Total Execution Time:
// CHECK: {{^}}    {{.*}}  import
// CHECK-NEXT: {{^}}    {{.*}}  calibration
// CHECK-NEXT: {{^}}    {{.*}}    SynthesizePass
// CHECK-NEXT: {{^}}    {{.*}}    FoldBatchNormPass
// CHECK-NEXT: {{^}}    {{.*}}    CalibrateRangesPass
// CHECK-NEXT: {{^}}    {{.*}}  quantization
// CHECK: {{^}}    {{.*}}      QuantizePass
// CHECK: {{^}}    {{.*}}      SinkDequantizePass
// CHECK-NEXT: {{^}}    {{.*}}      ConvertLayoutsPass
// CHECK-NEXT: {{^}}    {{.*}}      LowerToKernelsPass
// CHECK-NEXT: {{^}}    {{.*}}  layer SQNR (report)
// CHECK-NEXT: {{^}}    {{.*}}  library
// CHECK-NEXT: {{^}}    {{.*}}    host program and kernel pipelines
// CHECK-NEXT: {{^}}    {{.*}}    host code: start compiling
// CHECK-NEXT: {{^}}    {{.*}}    kernel objects
// CHECK-NEXT: {{^}}    {{.*}}    host code: finish compiling and link
// CHECK-NEXT: {{^}}    {{.*}}  report and outputs
// QUIET-NOT: Execution time report
