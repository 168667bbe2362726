#!/usr/bin/python3
"""How much any per-channel compensation can give: docs/results/mpc-bound.md.

    /usr/bin/python3 bench/mpc_bound.py [--limit 2000]

DF-MPC compensates a low-bit layer with one coefficient per output channel.
This script, written in plain PyTorch independently of dfq, takes the layers
dfq-compensate-mpc pairs as low-bit (ResNet: conv1 of every block;
MobileNetV2: the first conv of every inverted residual), quantizes their
weights as the pass does (TWN ternary, or a symmetric per-layer 3-bit grid,
scale kept), leaves everything else in float, and sets the coefficients
three ways:

  none        c = 1 (dfq-compensate-mpc{compensate=false})
  DF-MPC      the closed form from weights and BatchNorm parameters
              (lambda1 = 0.5, lambda2 = 0), as dfq-compensate-mpc computes it
  output LS   the least-squares optimum of the BatchNorm output on 256 REAL
              training images: the best any per-channel coefficient can do
              for each layer on its own (an upper bound that uses data)

c is folded into the BatchNorm in all three. Top-1 on the first N test images.
"""

import argparse
import datetime
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zoo  # noqa: E402
from common import cpu_name, write_results  # noqa: E402


def ternary(w):
    threshold = 0.7 * w.abs().mean()
    codes = (w > threshold).float() - (w < -threshold).float()
    return w.abs()[w.abs() > threshold].mean() * codes


def three_bit(w):
    step = w.abs().max() / 3
    return (w / step).round().clamp(-3, 3) * step


def low_layers(name, model):
    if name == "resnet":
        return [block.conv1 for block in model.stages]
    return [block.body[0] for block in model.blocks]


def evaluate(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def compensate(model, name, quantize, mode, calibration):
    for seq in low_layers(name, model):
        conv, bn = seq[0], seq[1]
        inputs = {}
        hook = conv.register_forward_hook(lambda m, i, o: inputs.__setitem__("x", i[0]))
        with torch.no_grad():
            model(calibration)
        hook.remove()
        w = conv.weight.data.clone()
        wq = quantize(w)
        conv.weight.data = wq
        k = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        shift = bn.bias - k * bn.running_mean
        with torch.no_grad():
            if mode == "DF-MPC":
                target, got = k[:, None] * w.flatten(1), k[:, None] * wq.flatten(1)
                c = (((got * target).sum(1) + 0.5 * shift ** 2)
                     / ((got * got).sum(1) + 0.5 * shift ** 2)).clamp(min=0)
            elif mode == "output LS":
                def normalized(weight):
                    out = torch.nn.functional.conv2d(inputs["x"], weight, None, conv.stride,
                                                     conv.padding, conv.dilation, conv.groups)
                    return k[None, :, None, None] * out + shift[None, :, None, None]
                target, got = normalized(w), normalized(wq)
                c = ((got * target).sum((0, 2, 3)) / (got * got).sum((0, 2, 3))).clamp(min=0)
            else:
                c = torch.ones_like(k)
            bn.weight.mul_(c)
            bn.bias.mul_(c)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "results", "mpc-bound.md"))
    args = parser.parse_args()
    torch.set_num_threads(2)
    x, y = zoo.load_fmnist("test")
    x, y = x[: args.limit], y[: args.limit]
    calibration = zoo.load_fmnist("train")[0][:256]
    rows = []
    for name, cls in (("resnet", zoo.ResNet), ("mobilenetv2", zoo.MobileNetV2)):
        model = cls()
        zoo.load_onnx_weights(model, os.path.join(ROOT, "models", f"{name}.onnx"))
        model.eval()
        state = {k: v.clone() for k, v in model.state_dict().items()}
        float_top1 = evaluate(model, x, y)
        for grid, quantize in (("ternary", ternary), ("3-bit", three_bit)):
            row = [name, f"{float_top1:.4f}", grid, str(len(low_layers(name, model)))]
            for mode in ("none", "DF-MPC", "output LS"):
                model.load_state_dict(state)
                compensate(model, name, quantize, mode, calibration)
                row.append(f"{evaluate(model, x, y):.4f}")
                print(name, grid, mode, row[-1], file=sys.stderr, flush=True)
            rows.append(row)
    lines = ["# Per-channel compensation: DF-MPC against the best possible coefficient", "",
             f"Made by `bench/mpc_bound.py` on {datetime.date.today()}, {cpu_name()}; top-1 "
             f"on the first {args.limit} Fashion-MNIST test images. Only the low-bit layers "
             "of dfq's DF-MPC pairs are quantized (weights; everything else float). "
             "`output LS` fits each coefficient to real data: an upper bound for any "
             "per-channel compensation, not a data-free method.", "",
             "| model | float | low-bit grid | low layers | none | DF-MPC | output LS (real data) |",
             "|---|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    lines.append("")
    write_results(lines, args.out)


if __name__ == "__main__":
    main()
