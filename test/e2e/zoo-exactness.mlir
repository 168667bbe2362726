// The bundled zoo models run by dfq (ONNX import + reference interpreter)
// agree with PyTorch on all 10,000 Fashion-MNIST test images: identical
// predictions on at least 9,990 and max |logit difference| < 1e-3 (issue 4's
// acceptance). check_zoo.py rebuilds each PyTorch module from the ONNX file's
// own initializers.
// RUN: %python %models/check_zoo.py --dfq-run %dfq_bin/dfq-run | FileCheck %s

// CHECK: | model | PyTorch top-1 | dfq-run top-1 | identical predictions | max abs logit diff | dfq-run images/s | pass |
// CHECK-DAG: | resnet | {{.*}} | yes |
// CHECK-DAG: | mobilenetv2 | {{.*}} | yes |
// CHECK-DAG: | mlp | {{.*}} | yes |
