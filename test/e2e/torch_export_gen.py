#!/usr/bin/python3
"""Exports a freshly built PyTorch CNN to ONNX with reference inputs/outputs.

    torch_export_gen.py ARCH OUT_DIR [--seed N] [--equalize]

Writes OUT_DIR/model.onnx (opset 13, BatchNormalization preserved, dynamic
batch), OUT_DIR/x.npy (inputs [8, 1, 28, 28]) and OUT_DIR/expected.npy
(PyTorch's outputs). The networks are not the zoo's: they check that any
Fashion-MNIST-shaped model of the supported op set, as torch.onnx.export writes
it, imports and runs with PyTorch's numerics. BN statistics are randomized so
that folding or skipping BN would show.

--equalize shapes the parameters for cross-layer equalization (dfq-equalize):
per-output-channel weight scales spread over two decades, BN statistics fitted
to the inputs, BN scales log-uniform over two decades (some negative) and BN
biases up to 5 |scale|, so that the rescaling factors are far from 1 and bias
absorption has channels to act on. It also writes OUT_DIR/expected_absorbed.npy:
the outputs after Nagel et al.'s bias absorption, applied here in PyTorch to
every Conv/Linear -> BN -> ReLU -> unpadded Conv/Linear chain, and prints the
number of channels absorbed. Equalization itself leaves the function unchanged
and absorption is invariant to it, so dfq-equalize's output must match
expected.npy with absorb-bias=false and expected_absorbed.npy without.
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


class Normalize(nn.Module):
    """(x - mean) / std with constants, as converters write preprocessing."""

    def forward(self, x):
        return (x - 0.2860) / 0.3530


class SqrtGate(nn.Module):
    """x * sqrt(sigmoid(x)): a Sqrt between quantized layers."""

    def forward(self, x):
        return x * torch.sqrt(torch.sigmoid(x))


class SqueezeExcite(nn.Module):
    """Global pooling, two 1x1 convolutions and a Hardsigmoid gate."""

    def __init__(self, c, hidden):
        super().__init__()
        self.gate = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(c, hidden, 1), nn.ReLU(),
                                  nn.Conv2d(hidden, c, 1), nn.Hardsigmoid())

    def forward(self, x):
        return x * self.gate(x)


class DenseLayer(nn.Module):
    """The input and BN-ReLU-conv of it, concatenated (DenseNet)."""

    def __init__(self, c, growth):
        super().__init__()
        self.body = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, growth, 3, 1, 1))

    def forward(self, x):
        return torch.cat([x, self.body(x)], 1)


class DenseBlock(nn.Module):
    """torchvision's dense block: every layer reads the concatenation of the
    block input and all earlier layers' outputs, one flat torch.cat each."""

    def __init__(self, c, growth, layers):
        super().__init__()
        self.layers = nn.ModuleList(
            nn.Sequential(nn.BatchNorm2d(c + i * growth), nn.ReLU(),
                          nn.Conv2d(c + i * growth, growth, 3, 1, 1))
            for i in range(layers))

    def forward(self, x):
        features = [x]
        for layer in self.layers:
            features.append(layer(torch.cat(features, 1)))
        return torch.cat(features, 1)


class SpatialMean(nn.Module):
    """x.mean([2, 3]): ONNX ReduceMean without keepdims."""

    def forward(self, x):
        return x.mean([2, 3])


class ShuffleUnit(nn.Module):
    """ShuffleNetV2's unit: halves by chunk, a branch on one, a concat and a
    channel shuffle whose view is computed from x.size() (Shape, Gather,
    Div and Concat nodes that the importer folds)."""

    def __init__(self, c):
        super().__init__()
        h = c // 2
        self.branch = nn.Sequential(*conv_bn(h, h, 1), nn.ReLU(), *conv_bn(h, h, 3, groups=h),
                                    *conv_bn(h, h, 1), nn.ReLU())

    def forward(self, x):
        a, b = x.chunk(2, dim=1)
        out = torch.cat((a, self.branch(b)), dim=1)
        n, c, h, w = out.size()
        out = out.view(n, 2, c // 2, h, w).transpose(1, 2).contiguous()
        return out.view(n, -1, h, w)


class Slices(nn.Module):
    """torch.split with sizes, strided, reversed and negative-bound slices,
    and indexing that exports as Gather."""

    def forward(self, x):
        a, b = torch.split(x, [4, 12], dim=1)
        strided = x[:, ::2, 1:-1:2, :]
        flipped = b.flip(3)[:, :, 2:8]
        row = x[:, 0:1, 3].unsqueeze(2)
        return torch.cat([strided, flipped, a[:, :, 2:8]], 1) + row


class ChannelsLastNorm(nn.Module):
    """ConvNeXt's LayerNorm2d: permute to NHWC, LayerNorm over C, back."""

    def __init__(self, c):
        super().__init__()
        self.norm = nn.LayerNorm(c, eps=1e-6)

    def forward(self, x):
        return self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class ConvNeXtBlock(nn.Module):
    """Depthwise 7x7, then in NHWC: LayerNorm, Linear (MatMul of a rank-4
    activation), GELU, Linear, layer scale; back to NCHW and the residual."""

    def __init__(self, c):
        super().__init__()
        self.dw = nn.Conv2d(c, c, 7, padding=3, groups=c)
        self.norm = nn.LayerNorm(c, eps=1e-6)
        self.up = nn.Linear(c, 4 * c)
        self.down = nn.Linear(4 * c, c)
        self.scale = nn.Parameter(torch.rand(c) + 0.5)

    def forward(self, x):
        y = self.dw(x).permute(0, 2, 3, 1)
        y = self.down(nn.functional.gelu(self.up(self.norm(y))))
        return x + (self.scale * y).permute(0, 3, 1, 2)


class TokenHead(nn.Module):
    """Mean over H and W kept as [N, C] (ReduceMean over [-1, -2]), then
    LayerNorm and the classifier; a Pow and a channel mean on the side."""

    def __init__(self, c):
        super().__init__()
        self.norm = nn.LayerNorm(c)
        self.fc = nn.Linear(c, 10)

    def forward(self, x):
        energy = x.pow(2).mean(1, keepdim=True).pow(0.5)
        pooled = (x / (1 + energy)).mean([-1, -2])
        return self.fc(self.norm(pooled))


class Attention(nn.Module):
    """Two-head self-attention over the pixels as tokens, the batch kept
    leading: Linear on [N, T, C], heads by reshape and permute, q @ k^T and
    softmax @ v (MatMul of two activations), LayerNorm, token mean."""

    def __init__(self, c, heads=2):
        super().__init__()
        self.heads, self.d = heads, c // heads
        self.norm = nn.LayerNorm(c)
        self.q, self.k, self.v = nn.Linear(c, c), nn.Linear(c, c), nn.Linear(c, c)
        self.out = nn.Linear(c, c)

    def split(self, t):
        n, tokens, _ = t.shape
        return t.reshape(n, tokens, self.heads, self.d).permute(0, 2, 1, 3)

    def forward(self, x):
        tokens = x.flatten(2).transpose(1, 2)
        y = self.norm(tokens)
        q, k, v = self.split(self.q(y)), self.split(self.k(y)), self.split(self.v(y))
        weights = torch.softmax(q @ k.transpose(-1, -2) / self.d ** 0.5, dim=-1)
        mixed = (weights @ v).permute(0, 2, 1, 3).reshape(tokens.shape)
        return (tokens + self.out(mixed)).mean(1)


class Pads(nn.Module):
    """Reflection, replication and constant (non-zero) padding, a negative
    pad that crops, and zero padding that a ReLU reads (not a convolution)."""

    def forward(self, x):
        a = nn.functional.pad(x, (1, 2, 2, 1), mode="reflect")
        b = nn.functional.pad(x, (2, 1, 1, 2), mode="replicate")
        c = nn.functional.pad(x, (3, 0, 0, 3), value=0.5)
        d = torch.relu(nn.functional.pad(x, (1, 2, 2, 1)))
        e = nn.functional.pad(x, (-1, 4, 2, 1))
        return torch.cat([a, b, c, d, e], 1)


class Upsample(nn.Module):
    """A feature-pyramid neck's resizes: nearest x2, bilinear x2 (half
    pixel), bilinear to a size with aligned corners, nearest to a size, a
    bilinear downscale, and bicubic x2 and to a size with aligned corners
    (cubic, a = -0.75), concatenated at one resolution."""

    def forward(self, x):
        f = nn.functional.interpolate
        a = f(x, scale_factor=2, mode="nearest")
        b = f(x, scale_factor=2, mode="bilinear", align_corners=False)
        c = f(x, size=(14, 14), mode="bilinear", align_corners=True)
        d = f(x, size=(14, 14), mode="nearest")
        e = f(f(x, size=(5, 9), mode="bilinear"), size=(14, 14), mode="nearest")
        g = f(x, scale_factor=2, mode="bicubic", align_corners=False)
        h = f(x, size=(14, 14), mode="bicubic", align_corners=True)
        return torch.cat([a, b, c, d, e, g, h], 1)


class Mish(nn.Module):
    """x * tanh(softplus(x)) as YOLO-style models write it."""

    def forward(self, x):
        return x * torch.tanh(nn.functional.softplus(x))


class Math(nn.Module):
    """Abs, Exp, Log and Neg on the side of a gate; Max and Min; a channel
    sum, a row maximum and an adaptive max pooling (a MaxPool)."""

    def forward(self, x):
        y = x * torch.exp(-x.abs()) + torch.log(1 + x.abs())
        y = torch.minimum(torch.maximum(y, -0.5 * x), x + 1)
        y = y + 0.1 * y.sum(1, keepdim=True) - 0.2 * y.amax(3, keepdim=True)
        return y + nn.functional.adaptive_max_pool2d(y, 1)


class Encoder(nn.Module):
    """A pre-norm transformer encoder layer over a class token and the pixels
    as tokens (as ViT), with PyTorch's nn.MultiheadAttention, which computes
    in [tokens, batch * heads, features] (the batch is not the leading
    dimension)."""

    def __init__(self, c):
        super().__init__()
        self.cls = nn.Parameter(torch.randn(1, 1, c))
        self.layer = nn.TransformerEncoderLayer(c, 4, 2 * c, dropout=0.0, batch_first=True,
                                                norm_first=True, activation="gelu")

    def forward(self, x):
        tokens = x.flatten(2).transpose(1, 2)
        tokens = torch.cat([self.cls.expand(x.shape[0], -1, -1), tokens], 1)
        return self.layer(tokens)[:, 0]


class Audio(nn.Module):
    """A 1-D branch over the rows as a signal (Conv1d, BatchNorm1d, MaxPool1d,
    AvgPool1d, a ConvTranspose1d) beside the image path."""

    def __init__(self, c):
        super().__init__()
        self.branch = nn.Sequential(nn.Conv1d(c * 7, 16, 3, padding=1), nn.BatchNorm1d(16),
                                    nn.ReLU(), nn.MaxPool1d(2), nn.Conv1d(16, 16, 3, stride=2, padding=1),
                                    nn.AvgPool1d(2, ceil_mode=True),
                                    nn.ConvTranspose1d(16, 8, 2, stride=2))

    def forward(self, x):
        n, c, h, w = x.shape
        return self.branch(x.reshape(n, c * h, w)).flatten(1)


class Decompositions(nn.Module):
    """Ops that import as several dfq ops: InstanceNorm, PixelShuffle and
    PixelUnshuffle (DepthToSpace/SpaceToDepth), SELU, Softsign, the L2 norm,
    amin and logsumexp reductions, repeat (Tile), a reciprocal, attention
    written with einsum (MaxViT), GeM pooling (Pow 3 and 1/3), log_softmax."""

    def __init__(self, c):
        super().__init__()
        self.norm = nn.InstanceNorm2d(c, affine=True)
        self.up = nn.PixelShuffle(2)
        self.down = nn.PixelUnshuffle(2)

    def forward(self, x):
        y = self.down(self.up(nn.functional.selu(self.norm(x))))
        y = nn.functional.softsign(y) + 0.1 * torch.linalg.vector_norm(y, dim=1, keepdim=True)
        y = y - 0.2 * y.amin(dim=(2, 3), keepdim=True) + torch.logsumexp(y, dim=1, keepdim=True)
        y = y + 1 / (2 + y.abs()) + y.mean(dim=1, keepdim=True).repeat(1, y.shape[1], 1, 1)
        # Attention written with einsum, as MaxViT does, and an einsum sum.
        q = y.reshape(y.shape[0], 2, 4, 196)
        attn = torch.einsum("nhdi,nhdj->nhij", q, q).softmax(-1)
        y = y + torch.einsum("nhij,nhdj->nhdi", attn, q).reshape(y.shape)
        y = y + 0.01 * torch.einsum("nchw->nc", y)[:, :, None, None]
        # GeM pooling (retrieval nets): Pow with exponents 3 and 1/3.
        y = y + y.clamp(min=1e-6).pow(3.0).mean(dim=(2, 3), keepdim=True).pow(1.0 / 3.0)
        return torch.log_softmax(y, dim=1)


class Legacy(nn.Module):
    """What exports to opsets 7 to 10 rewrite: a reflection pad (Pad-2 with
    attributes), nearest upsampling by 2 (Upsample-7/9, Resize-10) and a
    crop (Slice-1 with attributes)."""

    def forward(self, x):
        y = nn.functional.pad(x, (1, 1, 1, 1), mode="reflect")
        y = nn.functional.interpolate(y, scale_factor=2.0, mode="nearest")
        return y[:, :, 2:-2, 2:-2]


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
    if arch == "depthwise-relu":
        # MobileNet-v1-like with ReLU, flat so that chains are consecutive
        # modules: depthwise (padded), 1x1, grouped 3x3 with two channels per
        # group, a 1x1 pair with no activation between, and a BN1d gemm pair.
        return nn.Sequential(*conv_bn(1, 16, 3, stride=2), nn.ReLU(),
                             *conv_bn(16, 16, 3, groups=16), nn.ReLU(),
                             *conv_bn(16, 32, 1), nn.ReLU(),
                             *conv_bn(32, 64, 1), nn.ReLU(),
                             *conv_bn(64, 64, 3, stride=2, groups=32), nn.ReLU(),
                             *conv_bn(64, 32, 1), *conv_bn(32, 48, 1), nn.ReLU(),
                             nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                             nn.Linear(48, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 10))
    if arch == "activations":
        # MobileNetV3 and EfficientNet pieces: the input normalized by Sub and
        # Div, Hardswish, a squeeze-and-excitation gate with Hardsigmoid, SiLU
        # (exported as Sigmoid and Mul), Tanh, GELU (Erf) and a Sqrt.
        return nn.Sequential(Normalize(), *conv_bn(1, 16, 3, stride=2), nn.Hardswish(),
                             SqueezeExcite(16, 8), *conv_bn(16, 24, 3), nn.SiLU(),
                             *conv_bn(24, 24, 3, groups=24), nn.Tanh(),
                             nn.Conv2d(24, 24, 1), nn.GELU(), SqrtGate(),
                             nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(24, 10))
    if arch == "preact":
        # DenseNet's pre-activation: a BatchNorm after a concatenation (no
        # convolution to fold it into), then MNASNet's x.mean([2, 3]).
        return nn.Sequential(*conv_bn(1, 8, 3), nn.ReLU(), DenseLayer(8, 8),
                             nn.BatchNorm2d(16), nn.ReLU(), nn.Conv2d(16, 12, 1),
                             SpatialMean(), nn.Linear(12, 10))
    if arch == "dense":
        # Concatenations without copies: a dense block as torchvision writes
        # it (flat lists), a transition with a float average pooling, nested
        # DenseNet layers (torch.cat of a torch.cat) and Inception-style
        # branches.
        return nn.Sequential(*conv_bn(1, 8, 3), nn.ReLU(), DenseBlock(8, 4, 3),
                             nn.BatchNorm2d(20), nn.ReLU(), nn.Conv2d(20, 12, 1),
                             nn.AvgPool2d(2, ceil_mode=True), DenseLayer(12, 4), DenseLayer(16, 4),
                             nn.BatchNorm2d(20), nn.ReLU(), TwoBranch(20, 8),
                             nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))
    if arch == "pools":
        # Average poolings between quantized layers: one whose windows all
        # divide by 9 (padding counted), one that divides by the positions
        # inside the input (stays float), and the global pooling before the
        # classifier.
        return nn.Sequential(*conv_bn(1, 8, 3), nn.ReLU(),
                             nn.AvgPool2d(3, stride=1, padding=1),
                             *conv_bn(8, 16, 3, stride=2), nn.ReLU(),
                             nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
                             *conv_bn(16, 24, 1), nn.ReLU(),
                             nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(24, 10))
    if arch == "convnext":
        return nn.Sequential(nn.Conv2d(1, 16, 4, stride=4), ChannelsLastNorm(16),
                             ConvNeXtBlock(16), TokenHead(16))
    if arch == "attention":
        return nn.Sequential(*conv_bn(1, 16, 4, stride=4), nn.ReLU(), Attention(16),
                             nn.Linear(16, 10))
    if arch == "deconv":
        # A decoder: transposed convolutions with stride 2 and output
        # padding, asymmetric crop through padding, grouped, dilated.
        return nn.Sequential(*conv_bn(1, 8, 3, stride=4), nn.ReLU(),
                             nn.ConvTranspose2d(8, 12, 3, stride=2, padding=1,
                                                output_padding=1), nn.BatchNorm2d(12),
                             nn.ReLU(),
                             nn.ConvTranspose2d(12, 12, 4, stride=2, padding=1, groups=3,
                                                bias=False), nn.ReLU(),
                             nn.ConvTranspose2d(12, 8, 3, dilation=2, padding=2),
                             *conv_bn(8, 16, 3, stride=2), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                             nn.Flatten(), nn.Linear(16, 10))
    if arch == "more-activations":
        # Darknet/YOLO and face-model activations: LeakyReLU, Mish, PReLU
        # (per channel), ELU, Abs/Exp/Log/Neg, Max/Min.
        return nn.Sequential(*conv_bn(1, 16, 3, stride=2), nn.LeakyReLU(0.1),
                             *conv_bn(16, 16, 3), Mish(), *conv_bn(16, 16, 3), nn.PReLU(16),
                             *conv_bn(16, 24, 3, stride=2),
                             nn.ELU(0.5), Math(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                             nn.Linear(24, 10))
    if arch == "resize":
        return nn.Sequential(*conv_bn(1, 8, 3, stride=4), nn.ReLU(), Upsample(),
                             *conv_bn(56, 16, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                             nn.Flatten(), nn.Linear(16, 10))
    if arch == "pads":
        return nn.Sequential(*conv_bn(1, 8, 3, stride=2), nn.ReLU(), Pads(),
                             *conv_bn(40, 16, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                             nn.Flatten(), nn.Linear(16, 10))
    if arch == "encoder":
        return nn.Sequential(*conv_bn(1, 32, 4, stride=4), nn.ReLU(), Encoder(32),
                             nn.Linear(32, 10))
    if arch == "decompositions":
        return nn.Sequential(*conv_bn(1, 8, 3, stride=2), nn.ReLU(), Decompositions(8),
                             *conv_bn(8, 16, 3, stride=2), nn.ReLU(), nn.Flatten(),
                             nn.Linear(16 * 7 * 7, 10))
    if arch == "audio":
        return nn.Sequential(*conv_bn(1, 4, 3, stride=4), nn.ReLU(), Audio(4),
                             nn.Linear(8 * 2, 10))
    if arch == "legacy":
        return nn.Sequential(*conv_bn(1, 8, 3, stride=2), nn.ReLU6(), Legacy(),
                             *conv_bn(8, 16, 3, stride=2), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(16 * 7 * 7, 10))
    if arch == "shuffle":
        return nn.Sequential(*conv_bn(1, 16, 3, stride=2), nn.ReLU(), ShuffleUnit(16), Slices(),
                             *conv_bn(24, 16, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                             nn.Flatten(), nn.Linear(16, 10))
    raise SystemExit(f"unknown architecture '{arch}'")


def shape_for_equalization(model, x):
    """Spreads channel ranges and fits the BN statistics to `x` (see --equalize)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                scale = 10 ** torch.empty(m.weight.shape[0]).uniform_(-1, 1)
                m.weight.mul_(scale.view(-1, *[1] * (m.weight.dim() - 1)))
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.reset_running_stats()
                m.momentum = None  # a cumulative average: the statistics of x
        model.train()
        model(x)
        model.eval()
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                n = m.weight.numel()
                sign = torch.where(torch.rand(n) < 0.2, -1.0, 1.0)
                m.weight.copy_(sign * 10 ** torch.empty(n).uniform_(-1.5, 0.5))
                m.bias.copy_(m.weight.abs() * torch.empty(n).uniform_(-1, 5))


def absorb_biases(model):
    """Nagel et al.'s bias absorption on a flat nn.Sequential; returns the
    number of channels absorbed."""
    mods = list(model)
    absorbed = 0
    with torch.no_grad():
        for k in range(len(mods) - 3):
            first, bn, act, second = mods[k:k + 4]
            if not (isinstance(first, (nn.Conv2d, nn.Linear))
                    and isinstance(bn, (nn.BatchNorm1d, nn.BatchNorm2d))
                    and isinstance(act, nn.ReLU)
                    and isinstance(second, (nn.Conv2d, nn.Linear))):
                continue
            # Padding would read 0 instead of -c at the borders.
            if isinstance(second, nn.Conv2d) and any(p != 0 for p in second.padding):
                continue
            c = (bn.bias - 3 * bn.weight.abs()).clamp(min=0)
            bn.bias.sub_(c)
            if isinstance(second, nn.Conv2d):
                kh, kw = second.kernel_size
                dh, dw = second.dilation
                plane = c.view(1, -1, 1, 1).expand(1, c.numel(), dh * (kh - 1) + 1, dw * (kw - 1) + 1)
                shift = nn.functional.conv2d(plane, second.weight, dilation=second.dilation,
                                             groups=second.groups).view(-1)
            else:
                shift = second.weight @ c
            if second.bias is None:
                second.bias = nn.Parameter(torch.zeros(second.weight.shape[0]))
            second.bias.add_(shift)
            absorbed += int((c > 0).sum())
    return absorbed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("arch")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--equalize", action="store_true")
    parser.add_argument("--opset", type=int, default=13)
    parser.add_argument("--static-batch", action="store_true",
                        help="export with the batch fixed at 1")
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
    if args.equalize:
        shape_for_equalization(model, x)
    torch.onnx.export(model, x[:1], os.path.join(args.out, "model.onnx"),
                      opset_version=args.opset,
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes=None if args.static_batch
                      else {"input": {0: "N"}, "output": {0: "N"}})
    with torch.no_grad():
        y = model(x)
    np.save(os.path.join(args.out, "x.npy"), x.numpy())
    np.save(os.path.join(args.out, "expected.npy"), y.numpy())
    if args.equalize:
        absorbed = absorb_biases(model)
        with torch.no_grad():
            np.save(os.path.join(args.out, "expected_absorbed.npy"), model(x).numpy())
        print(f"absorbed_channels={absorbed}")


if __name__ == "__main__":
    main()
