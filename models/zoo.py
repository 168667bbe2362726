"""Architectures and data loading shared by the zoo scripts.

The three networks of the dfq model zoo, all for Fashion-MNIST (1x28x28, 10
classes), built only from ops the dfq importer supports: Conv,
BatchNormalization, Relu, Clip (ReLU6), Add, GlobalAveragePool, Flatten, Gemm.
Run with Debian's PyTorch: /usr/bin/python3.
"""

import gzip
import os

import numpy as np
import torch
from torch import nn

# Preprocessing contract shared with dfq-run (docs/interfaces.md).
FMNIST_MEAN = 0.2860
FMNIST_STD = 0.3530


def fmnist_dir():
    return os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")


def _read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_fmnist(split):
    """Returns (images float32 [N,1,28,28] normalized, labels int64 [N])."""
    prefix = "train" if split == "train" else "t10k"
    images = _read_idx(os.path.join(fmnist_dir(), f"{prefix}-images-idx3-ubyte.gz"))
    labels = _read_idx(os.path.join(fmnist_dir(), f"{prefix}-labels-idx1-ubyte.gz"))
    x = (images.astype(np.float32) / np.float32(255.0) - np.float32(FMNIST_MEAN)) / np.float32(FMNIST_STD)
    return torch.from_numpy(x[:, None, :, :].copy()), torch.from_numpy(labels.astype(np.int64))


def conv_bn(cin, cout, kernel, stride=1, groups=1):
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = conv_bn(cin, cout, 3, stride)
        self.conv2 = conv_bn(cout, cout, 3)
        self.shortcut = None
        if stride != 1 or cin != cout:
            # Projection shortcut: 1x1 conv + BN.
            self.shortcut = conv_bn(cin, cout, 1, stride)
        self.relu = nn.ReLU()

    def forward(self, x):
        y = self.relu(self.conv1(x))
        y = self.conv2(y)
        s = x if self.shortcut is None else self.shortcut(x)
        return self.relu(y + s)


class ResNet(nn.Module):
    """Three stages (28x28, 14x14, 7x7), BN after every conv, residual adds."""

    def __init__(self, widths=(16, 32, 64), blocks=(2, 2, 2), classes=10):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(1, widths[0], 3), nn.ReLU())
        layers = []
        cin = widths[0]
        for i, (w, n) in enumerate(zip(widths, blocks)):
            for j in range(n):
                layers.append(BasicBlock(cin, w, 2 if (i > 0 and j == 0) else 1))
                cin = w
        self.stages = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.stages(self.stem(x))
        return self.fc(torch.flatten(self.pool(x), 1))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = []
        if expand != 1:
            layers += [conv_bn(cin, hidden, 1), nn.ReLU6()]
        layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden), nn.ReLU6(),
                   conv_bn(hidden, cout, 1)]  # linear bottleneck: no activation
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class MobileNetV2(nn.Module):
    """MobileNetV2-style: inverted residuals, depthwise conv, ReLU6.

    Like MobileNetV2, the stem has stride 2; the blocks then run at 14x14 and
    7x7, sized so the net trains on two CPU cores in minutes.
    """

    # (expansion, channels, repeats, first stride)
    CONFIG = ((1, 16, 1, 1), (4, 24, 2, 1), (4, 32, 2, 2), (4, 64, 1, 1))

    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(1, 16, 3, stride=2), nn.ReLU6())
        layers = []
        cin = 16
        for t, c, n, s in self.CONFIG:
            for j in range(n):
                layers.append(InvertedResidual(cin, c, s if j == 0 else 1, t))
                cin = c
        self.blocks = nn.Sequential(*layers)
        self.head = nn.Sequential(conv_bn(cin, 256, 1), nn.ReLU6())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(256, classes)

    def forward(self, x):
        x = self.head(self.blocks(self.stem(x)))
        return self.fc(self.dropout(torch.flatten(self.pool(x), 1)))


class MLP(nn.Module):
    """Gemm layers with BatchNorm1d."""

    def __init__(self, hidden=(256, 128), classes=10):
        super().__init__()
        layers = [nn.Flatten()]
        cin = 28 * 28
        for h in hidden:
            layers += [nn.Linear(cin, h), nn.BatchNorm1d(h), nn.ReLU()]
            cin = h
        layers.append(nn.Linear(cin, classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


ZOO = {
    "resnet": ResNet,
    "mobilenetv2": MobileNetV2,
    "mlp": MLP,
}


# The parameters each ONNX node reads after its data input, in order.
_ROLES = {
    "BatchNormalization": ("weight", "bias", "running_mean", "running_var"),
    "Conv": ("weight", "bias"),
    "Gemm": ("weight", "bias"),
}


def load_onnx_weights(model, onnx_path):
    """Loads a zoo ONNX file's initializers back into the PyTorch module.

    torch.onnx.export keeps parameter names as initializer names when
    BatchNormalization is preserved and constant folding is off, except that
    it shares one initializer between parameters with identical values
    (through Identity nodes, or by naming the other parameter). So each
    node's parameters are found by position: the node's module is the prefix
    of any input named after a parameter, and its inputs fill that module's
    parameters in order.
    """
    import onnx
    from onnx import numpy_helper
    graph = onnx.load(onnx_path).graph
    tensors = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}
    # Shared initializers reach their other users through Identity nodes.
    for node in graph.node:
        if node.op_type == "Identity" and node.input[0] in tensors:
            tensors[node.output[0]] = tensors[node.input[0]]
    state = model.state_dict()
    loaded = set()
    for node in graph.node:
        roles = _ROLES.get(node.op_type)
        if not roles:
            continue
        params = list(node.input[1:])
        prefix = None
        for name, role in zip(params, roles):
            if name.endswith("." + role) and name in state:
                prefix = name[: -len(role) - 1]
                break
        if prefix is None:
            continue
        for name, role in zip(params, roles):
            key = f"{prefix}.{role}"
            if key in state and name in tensors:
                state[key] = tensors[name]
                loaded.add(key)
    missing = [k for k in state if k not in loaded and not k.endswith("num_batches_tracked")]
    if missing:
        raise RuntimeError(f"{onnx_path}: no initializer for {missing[:5]}")
    model.load_state_dict(state)
    return model
