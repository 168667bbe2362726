#!/usr/bin/python3
"""Exports a freshly built PyTorch CNN to ONNX with reference inputs/outputs.

    torch_export_gen.py ARCH OUT_DIR [--seed N]

Writes OUT_DIR/model.onnx (opset 13, BatchNormalization preserved, dynamic
batch), OUT_DIR/x.npy (inputs [8, 1, 28, 28]) and OUT_DIR/expected.npy
(PyTorch's outputs). The networks are not the zoo's: they check that any
Fashion-MNIST-shaped model of the supported op set, as torch.onnx.export writes
it, imports and runs with PyTorch's numerics. BN statistics are randomized so
that folding or skipping BN would show.
"""

import argparse
import os

import numpy as np
import torch
from torch import nn


def conv_bn(cin, cout, k, stride=1, groups=1, bias=False):
    return [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=bias), nn.BatchNorm2d(cout)]


class Residual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(*conv_bn(c, c, 3), nn.ReLU(), *conv_bn(c, c, 3))

    def forward(self, x):
        return torch.relu(x + self.body(x))


class TwoBranch(nn.Module):
    """Concat of a 1x1 and a 3x3 branch (Inception-style)."""

    def __init__(self, cin, c):
        super().__init__()
        self.a = nn.Sequential(*conv_bn(cin, c, 1), nn.ReLU6())
        self.b = nn.Sequential(*conv_bn(cin, c, 3), nn.ReLU6())

    def forward(self, x):
        return torch.cat([self.a(x), self.b(x)], 1)


def build(arch):
    if arch == "plain":
        return nn.Sequential(*conv_bn(1, 8, 5, bias=True), nn.ReLU(), nn.MaxPool2d(2),
                             *conv_bn(8, 16, 3), nn.ReLU(), nn.AvgPool2d(2),
                             nn.Flatten(), nn.Linear(16 * 7 * 7, 32), nn.BatchNorm1d(32), nn.ReLU(),
                             nn.Dropout(0.3), nn.Linear(32, 10))
    if arch == "residual":
        return nn.Sequential(*conv_bn(1, 12, 3), nn.ReLU(), Residual(12),
                             *conv_bn(12, 24, 3, stride=2), nn.ReLU(), Residual(24),
                             nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(24, 10),
                             nn.Softmax(dim=1))
    if arch == "depthwise":
        return nn.Sequential(*conv_bn(1, 16, 3, stride=2), nn.ReLU6(),
                             *conv_bn(16, 16, 3, groups=16), nn.ReLU6(), *conv_bn(16, 8, 1),
                             TwoBranch(8, 8), nn.MaxPool2d(3, stride=2, padding=1),
                             nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))
    raise SystemExit(f"unknown architecture '{arch}'")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("arch")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    model = build(args.arch)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    model.eval()
    os.makedirs(args.out, exist_ok=True)
    x = torch.randn(8, 1, 28, 28)
    torch.onnx.export(model, x[:1], os.path.join(args.out, "model.onnx"), opset_version=13,
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "N"}, "output": {0: "N"}})
    with torch.no_grad():
        y = model(x)
    np.save(os.path.join(args.out, "x.npy"), x.numpy())
    np.save(os.path.join(args.out, "expected.npy"), y.numpy())


if __name__ == "__main__":
    main()
