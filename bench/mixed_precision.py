#!/usr/bin/python3
"""DF-MPC on the zoo: docs/results/mixed-precision.md.

    /usr/bin/python3 bench/mixed_precision.py [--models resnet mobilenetv2 mlp]
        [--limit N] [--threads 2] [--calib dsg|zeroq|gaussian]

For every zoo model, one synthetic calibration batch is made (DSG by
default, 32 images, 500 steps), then each weight configuration is quantized
from it with 8-bit activations, first and last layer at 8 bits, and
evaluated with exact integer execution (dfq-run) on the Fashion-MNIST test
images:

  MPL/H          dfq-compensate-mpc{low=L high=H}: DF-MPC pairs, layers outside
                 pairs at H bits
  MPL/H no comp  the same pairs and bits, compensation off
  W4, W6         uniform weights (the sizes DF-MPC is compared at)

The weight size is summed from the quantized IR (bits x elements of every
dfq.qconstant); the DF-MPC time is dfq-compensate-mpc's own wall time from
MLIR's pass timing.
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import cpu_name  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INPUT_RANGE = f"input-min={-0.2860 / 0.3530} input-max={(1 - 0.2860) / 0.3530}"
CONFIGS = [  # label, compensate-mpc options or None, wbits
    ("MP2/6", "low=2 high=6", 6),
    ("MP2/6 no comp", "low=2 high=6 compensate=false", 6),
    ("MP3/6", "low=3 high=6", 6),
    ("MP3/6 no comp", "low=3 high=6 compensate=false", 6),
    ("MP2/8", "low=2 high=8", 8),
    ("MP2/8 no comp", "low=2 high=8 compensate=false", 8),
    ("W4", None, 4),
    ("W6", None, 6),
]


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True)


def top1(bin_dir, model, limit, threads):
    cmd = [os.path.join(bin_dir, "dfq-run"), model, "--json", "--threads", str(threads)]
    if limit:
        cmd += ["--limit", str(limit)]
    return json.loads(run(cmd).stdout)["top1"]


def weight_bytes(ir):
    """Bytes of all quantized weights: storage bits x elements, per constant."""
    total = 0
    for dims, bits in re.findall(
            r"dfq\.qconstant .*: tensor<([0-9x]+)x!quant\.uniform<i(\d)", ir):
        elements = 1
        for d in dims.split("x"):
            elements *= int(d)
        total += elements * int(bits)
    return total / 8


def pass_seconds(timing, name):
    match = re.search(r"([0-9.]+) \([ 0-9.]+%\)\s+" + re.escape(name), timing)
    return float(match.group(1)) if match else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="*", default=["resnet", "mobilenetv2", "mlp"])
    parser.add_argument("--limit", type=int, default=0, help="test images (0: all 10,000)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--calib", default="dsg", choices=["dsg", "zeroq", "gaussian"])
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "results",
                                                      "mixed-precision.md"))
    args = parser.parse_args()
    opt = os.path.join(args.bin, "dfq-opt")
    rows, floats, pairs = [], {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models:
            onnx = os.path.join(ROOT, "models", f"{model}.onnx")
            floats[model] = top1(args.bin, onnx, args.limit, args.threads)
            imported = os.path.join(tmp, f"{model}.mlir")
            run([os.path.join(args.bin, "dfq-translate"), "--import-onnx", onnx, "-o", imported])
            calib = os.path.join(tmp, f"{model}-calib.mlir")
            method = args.calib
            try:
                run([opt, imported, "-o", calib,
                     f"--dfq-synthesize=method={method} samples=32 iterations=500 "
                     f"threads={args.threads}"])
            except subprocess.CalledProcessError:
                # ZeroQ/DSG need BatchNorm over feature maps (the MLP has none).
                method = "gaussian"
                run([opt, imported, "-o", calib,
                     "--dfq-synthesize=method=gaussian samples=32"])
            print(f"{model}: float {floats[model]:.4f}, calibration {method}",
                  file=sys.stderr, flush=True)
            for label, mpc, wbits in CONFIGS:
                stages = []
                if mpc:
                    stages.append(f"func.func(dfq-compensate-mpc{{{mpc}}})")
                stages += ["dfq-fold-bn",
                           f"dfq-calibrate-ranges{{{INPUT_RANGE} threads={args.threads}}}",
                           f"func.func(dfq-quantize{{wbits={wbits} abits=8}})"]
                q = os.path.join(tmp, "q.mlir")
                proc = run([opt, calib, "-o", q, "--mlir-timing",
                            "--pass-pipeline=builtin.module(" + ",".join(stages) + ")"])
                if mpc:
                    pairs[(model, label)] = proc.stderr.count("DF-MPC pair:")
                with open(q) as f:
                    size = weight_bytes(f.read())
                acc = top1(args.bin, q, args.limit, args.threads)
                seconds = pass_seconds(proc.stderr, "CompensateMpcPass") if mpc else None
                rows.append((model, label, acc, size, seconds))
                print(f"{model} {label}: {acc:.4f}, {size:.0f} weight bytes", file=sys.stderr,
                      flush=True)

    images = args.limit or 10000
    lines = ["# Mixed precision without data: DF-MPC on the model zoo", "",
             f"Made by `bench/mixed_precision.py` on {datetime.date.today()}, {cpu_name()}; "
             f"top-1 on {images} Fashion-MNIST test images with exact integer execution "
             "(dfq-run). Activations 8 bits (per-tensor, min/max ranges from one "
             f"synthetic batch: {args.calib}, 32 images, 500 steps; Gaussian noise where the "
             "model has no BatchNorm over feature maps), first and last layer at 8 bits, "
             "weights per channel. `MPL/H`: DF-MPC pairs (low layer ternary for L = 2, "
             "3-bit per-layer grid for L = 3), every other layer at H bits; `no comp`: the "
             "same pairs, grids and bits with the compensation off. Weight bytes: the "
             "quantized weights at their bit widths.", "",
             "| model | float | weights | pairs | top-1 | weight bytes | DF-MPC time (s) |",
             "|---|---|---|---|---|---|---|"]
    for model, label, acc, size, seconds in rows:
        lines.append(f"| {model} | {floats[model]:.4f} | {label} | "
                     f"{pairs.get((model, label), '')} | {acc:.4f} | {size:.0f} | "
                     + ("" if seconds is None else f"{seconds:.4f}") + " |")
    lines.append("")
    text = "\n".join(lines)
    print(text)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
