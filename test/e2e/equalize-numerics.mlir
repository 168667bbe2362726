// dfq-equalize keeps the float function. A PyTorch network with depthwise,
// grouped, 1x1 and gemm pairs, channel ranges spread over two decades and
// BN statistics fitted to its inputs (torch_export_gen.py --equalize), run by
// the reference interpreter after the pass:
// - with absorb-bias=false it matches PyTorch up to float rounding;
// - with bias absorption (the default) it matches PyTorch's outputs after the
//   same absorption, done in PyTorch by the generator: absorption is not
//   exact (relu(x - c) != relu(x) - c below c), but it is what Nagel et al.
//   define, and it does not depend on the rescaling.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_export_gen.py depthwise-relu %t/dw --seed 4 --equalize | FileCheck %s --check-prefix=GEN
// RUN: dfq-translate --import-onnx %t/dw/model.onnx -o %t/dw/model.mlir
// RUN: dfq-opt %t/dw/model.mlir --dfq-equalize=absorb-bias=false -o %t/dw/equalized.mlir
// RUN: FileCheck %s --check-prefix=EQ < %t/dw/equalized.mlir
// RUN: dfq-run %t/dw/equalized.mlir --input %t/dw/x.npy --output %t/dw/y.npy
// RUN: %python %S/compare_npy.py %t/dw/y.npy %t/dw/expected.npy --atol 1e-4 | FileCheck %s
// RUN: dfq-opt %t/dw/model.mlir --dfq-equalize -o %t/dw/absorbed.mlir
// RUN: FileCheck %s --check-prefix=ABSORBED < %t/dw/absorbed.mlir
// RUN: dfq-run %t/dw/absorbed.mlir --input %t/dw/x.npy --output %t/dw/ya.npy
// RUN: %python %S/compare_npy.py %t/dw/ya.npy %t/dw/expected_absorbed.npy --atol 1e-4 | FileCheck %s
//
// ReLU6 (the depthwise network of torch-export.mlir): relu6-as-relu=true
// changes the function by the ReLU alone. max-scale=1 allows no rescaling,
// so it gives that ReLU network unequalized; equalizing must not change it.
// RUN: %python %S/torch_export_gen.py depthwise %t/relu6 --seed 2 --equalize
// RUN: dfq-translate --import-onnx %t/relu6/model.onnx -o %t/relu6/model.mlir
// RUN: dfq-opt %t/relu6/model.mlir --dfq-equalize="relu6-as-relu=true absorb-bias=false max-scale=1" -o %t/relu6/relu.mlir
// RUN: dfq-opt %t/relu6/model.mlir --dfq-equalize="relu6-as-relu=true absorb-bias=false" -o %t/relu6/equalized.mlir
// RUN: FileCheck %s --check-prefix=EQ < %t/relu6/equalized.mlir
// RUN: dfq-run %t/relu6/relu.mlir --input %t/relu6/x.npy --output %t/relu6/yr.npy
// RUN: dfq-run %t/relu6/equalized.mlir --input %t/relu6/x.npy --output %t/relu6/ye.npy
// RUN: %python %S/compare_npy.py %t/relu6/ye.npy %t/relu6/yr.npy --atol 1e-4 | FileCheck %s
//
// The zoo on 256 Fashion-MNIST test images: ResNet (six conv pairs, all
// into padded 3x3 convolutions, so nothing is absorbed) against the
// original; MobileNetV2 with relu6-as-relu=true against its ReLU version.
// RUN: dfq-translate --import-onnx %models/resnet.onnx -o %t/resnet.mlir
// RUN: dfq-opt %t/resnet.mlir --dfq-equalize -o %t/resnet-eq.mlir
// RUN: dfq-run %t/resnet.mlir --limit 256 --output %t/resnet.npy
// RUN: dfq-run %t/resnet-eq.mlir --limit 256 --output %t/resnet-eq.npy
// RUN: %python %S/compare_npy.py %t/resnet-eq.npy %t/resnet.npy --atol 1e-4 | FileCheck %s
// RUN: dfq-translate --import-onnx %models/mobilenetv2.onnx -o %t/mnv2.mlir
// RUN: dfq-opt %t/mnv2.mlir --dfq-equalize="relu6-as-relu=true max-scale=1" -o %t/mnv2-relu.mlir
// RUN: dfq-opt %t/mnv2.mlir --dfq-equalize=relu6-as-relu=true -o %t/mnv2-eq.mlir
// RUN: dfq-run %t/mnv2-relu.mlir --limit 256 --output %t/mnv2-relu.npy
// RUN: dfq-run %t/mnv2-eq.mlir --limit 256 --output %t/mnv2-eq.npy
// RUN: %python %S/compare_npy.py %t/mnv2-eq.npy %t/mnv2-relu.npy --atol 1e-4 | FileCheck %s

// GEN: absorbed_channels={{[1-9][0-9]*}}

// Rescaled weights were written back (resource blobs named after the
// originals).
// EQ: dense_resource<{{.*}}_equalized>

// The biases created for absorption in the 1x1 convolutions.
// ABSORBED: dense_resource<{{.*}}_equalized_bias>

// CHECK: argmax_agree=[[N:[0-9]+]]/[[N]]
// CHECK-NEXT: OK
