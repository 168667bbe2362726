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
  W6, W4, W3     uniform weights (the sizes DF-MPC is compared at)
  allocated      dfq-assign-bits{budget=avg-bits:B} (choices 2,3,4,6,8, every
                 layer allocated, first and last included) against uniform
                 W4 / W3 on every layer

The weight size is summed from the quantized IR (bits x elements of every
dfq.qconstant); the pass time is dfq-compensate-mpc's or dfq-assign-bits' own
wall time from MLIR's pass timing.
"""

import argparse
import datetime
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import INPUT_RANGE, cpu_name, run, top1, write_results  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = [  # label, compensate-mpc options, assign-bits budget, wbits
    ("MP2/6", "low=2 high=6", None, 6),
    ("MP2/6 no comp", "low=2 high=6 compensate=false", None, 6),
    ("MP3/6", "low=3 high=6", None, 6),
    ("MP3/6 no comp", "low=3 high=6 compensate=false", None, 6),
    ("MP2/8", "low=2 high=8", None, 8),
    ("MP2/8 no comp", "low=2 high=8 compensate=false", None, 8),
    ("W6", None, None, 6),
    ("W4", None, None, 4),
    # Allocation against uniform bits with every layer, first and last
    # included, at or on average at B bits.
    ("W4, all layers", None, None, "4 same"),
    ("allocated, average 4 bits", None, "avg-bits:4", "4 same"),
    ("W3, all layers", None, None, "3 same"),
    ("allocated, average 3 bits", None, "avg-bits:3", "3 same"),
]


def weight_bytes(ir):
    """Bytes of all quantized weights (storage bits x elements, per constant,
    rounded up) and their average bit width."""
    total_bytes, total_bits, count = 0, 0, 0
    for dims, bits in re.findall(
            r"dfq\.qconstant .*: tensor<([0-9x]+)x!quant\.uniform<i(\d)", ir):
        elements = 1
        for d in dims.split("x"):
            elements *= int(d)
        total_bytes += (elements * int(bits) + 7) // 8
        total_bits += elements * int(bits)
        count += elements
    return total_bytes, total_bits / max(count, 1)


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
            for label, mpc, budget, wbits in CONFIGS:
                stages = []
                if mpc:
                    stages.append(f"func.func(dfq-compensate-mpc{{{mpc}}})")
                stages.append("dfq-fold-bn")
                wbits, _, same = str(wbits).partition(" ")
                edges = 0 if same else 8
                if budget:
                    stages.append(f"dfq-assign-bits{{budget={budget} first-last-bits={edges} "
                                  f"threads={args.threads}}}")
                stages += [f"dfq-calibrate-ranges{{{INPUT_RANGE} threads={args.threads}}}",
                           f"func.func(dfq-quantize{{wbits={wbits} abits=8 "
                           f"first-last-bits={edges}}})"]
                q = os.path.join(tmp, "q.mlir")
                try:
                    proc = run([opt, calib, "-o", q, "--mlir-timing",
                                "--pass-pipeline=builtin.module(" + ",".join(stages) + ")"])
                except subprocess.CalledProcessError as e:
                    # An infeasible budget (e.g. the MLP's first layer alone,
                    # at 8 bits, is most of its weights).
                    why = re.search(r"error: (.*)", e.stderr)
                    rows.append((model, label, None, why.group(1) if why else "failed",
                                 None, None))
                    print(f"{model} {label}: {rows[-1][3]}", file=sys.stderr, flush=True)
                    continue
                if mpc:
                    pairs[(model, label)] = proc.stderr.count("DF-MPC pair:")
                with open(q) as f:
                    size, bits = weight_bytes(f.read())
                acc = top1(args.bin, q, args.limit, args.threads)
                seconds = (pass_seconds(proc.stderr, "CompensateMpcPass") if mpc else
                           pass_seconds(proc.stderr, "AssignBitsPass") if budget else None)
                rows.append((model, label, acc, size, bits, seconds))
                print(f"{model} {label}: {acc:.4f}, {size:.0f} weight bytes", file=sys.stderr,
                      flush=True)

    images = args.limit or 10000
    lines = ["# Mixed precision without data: DF-MPC and budgeted bit allocation on the model zoo", "",
             f"Made by `bench/mixed_precision.py` on {datetime.date.today()}, {cpu_name()}; "
             f"top-1 on {images} Fashion-MNIST test images with exact integer execution "
             "(dfq-run). Activations 8 bits (per-tensor, min/max ranges from one "
             f"synthetic batch: {args.calib}, 32 images, 500 steps; Gaussian noise where the "
             "model has no BatchNorm over feature maps), first and last layer at 8 bits, "
             "weights per channel. `MPL/H`: DF-MPC pairs (low layer ternary for L = 2, "
             "3-bit per-layer grid for L = 3), every other layer at H bits; `no comp`: the "
             "same pairs, grids and bits with the compensation off. Weight bytes: the "
             "quantized weights at their bit widths. `allocated`: `dfq-assign-bits` "
             "(ZeroQ's KL sensitivity on the synthetic batch, exact allocation, choices "
             "2, 3, 4, 6, 8) over every layer, first and last included, against uniform "
             "bits on every layer (`all layers`); activations 8 bits everywhere. Pass time: "
             "`dfq-compensate-mpc` or `dfq-assign-bits` alone.", "",
             "| model | float | weights | DF-MPC pairs | top-1 | weight bytes | "
             "average weight bits | pass time (s) |",
             "|---|---|---|---|---|---|---|---|"]
    for model, label, acc, size, bits, seconds in rows:
        if acc is None:
            lines.append(f"| {model} | {floats[model]:.4f} | {label} | | {size} | | | |")
            continue
        lines.append(f"| {model} | {floats[model]:.4f} | {label} | "
                     f"{pairs.get((model, label), '')} | {acc:.4f} | {size} | {bits:.3f} | "
                     + ("" if seconds is None else f"{seconds:.4f}") + " |")
    lines.append("")
    write_results(lines, args.out)


if __name__ == "__main__":
    main()
