// A cheap subset of bench/torchvision_models.py (docs/results/torchvision.md
// runs every family at 224x224): four torchvision architectures with random
// weights at 64x64, exported by torch.onnx.export, with hard swish and
// squeeze-and-excitation gates (MobileNetV3), MNASNet's x.mean([2, 3]),
// DenseNet's pre-activation BatchNorm after concatenations and
// EfficientNet's SiLU. Each must run in the interpreter as PyTorch does and
// compile (W8A8, portable C target) to a library that agrees with the
// interpreter; the script marks any model that falls short.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../../bench/torchvision_models.py --models mobilenet_v3_small mnasnet0_5 densenet121 efficientnet_b0 --size 64 --target c --out %t/tv.md >/dev/null 2>&1
// RUN: FileCheck %s < %t/tv.md

// CHECK: **4 of 4** architectures
// CHECK: | mobilenet_v3_small | done |
// CHECK: | mnasnet0_5 | done |
// CHECK: | densenet121 | done |
// CHECK: | efficientnet_b0 | done |
