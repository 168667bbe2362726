#!/usr/bin/python3
"""Accuracy of data-free quantization on the zoo: docs/results/accuracy.md.

    /usr/bin/python3 bench/accuracy.py [--models resnet mobilenetv2 mlp]
        [--bits W8A8 W6A6 W4A8 W4A4] [--limit N] [--threads 2]
        [--observer minmax|mse|percentile] [--out FILE]

For every zoo model, weight/activation setting and range source, runs dfq's
pipeline and evaluates the quantized model with dfq-run (exact integer
execution) on the Fashion-MNIST test images:

  range source  how the images that calibrate activation ranges are made
  none          32 images of N(0, 1) noise (`dfq-synthesize{method=gaussian}`)
  zeroq         32 images fitted by ZeroQ (500 Adam steps)
  dsg           32 images fitted by DSG (SDA + LSE + SCI, 500 steps)
  real          256 real training images (the upper bound)

Weights are per-channel symmetric, activations per-tensor asymmetric with
ranges from the chosen observer (min/max by default; the input's range from
the preprocessing, images in [0, 1] normalized), the logits in float, BatchNorm folded after synthesis. Each setting is run with
the first and last layer at 8 bits and at the same bits as the rest.
Synthesis runs once per model and method and its wall time is reported.
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
SOURCES = ["none", "zeroq", "dsg", "real"]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="*", default=["resnet", "mobilenetv2", "mlp"])
    parser.add_argument("--bits", nargs="*", default=["W8A8", "W6A6", "W4A8", "W4A4"])
    parser.add_argument("--limit", type=int, default=0, help="test images (0: all 10,000)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--samples", type=int, default=32)
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--observer", default="minmax", choices=["minmax", "mse", "percentile"])
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "results", "accuracy.md"))
    args = parser.parse_args()
    fmnist = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")
    real = os.path.join(fmnist, "train-images-idx3-ubyte.gz")
    opt = os.path.join(args.bin, "dfq-opt")

    results, synth_seconds, floats = {}, {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models:
            onnx = os.path.join(ROOT, "models", f"{model}.onnx")
            floats[model] = top1(args.bin, onnx, args.limit, args.threads)
            print(f"{model}: float top-1 {floats[model]:.4f}", file=sys.stderr, flush=True)
            imported = os.path.join(tmp, f"{model}.mlir")
            run([os.path.join(args.bin, "dfq-translate"), "--import-onnx", onnx, "-o", imported])
            calibrated = {}
            for source in SOURCES:
                if source == "real":
                    calibrated[source] = (imported, f"data={real} limit=256")
                    continue
                method = "gaussian" if source == "none" else source
                out = os.path.join(tmp, f"{model}-{source}.mlir")
                try:
                    proc = run([opt, imported, "-o", out,
                                f"--dfq-synthesize=method={method} samples={args.samples} "
                                f"iterations={args.iterations} threads={args.threads}"])
                except subprocess.CalledProcessError as e:
                    # ZeroQ/DSG need BatchNorm over feature maps (the MLP has none).
                    print(f"{model} {source}: {e.stderr.strip()}", file=sys.stderr)
                    calibrated[source] = None
                    continue
                match = re.search(r"images in ([0-9.]+) s", proc.stderr)
                synth_seconds[(model, source)] = float(match.group(1)) if match else 0.0
                calibrated[source] = (out, "")
            for bits in args.bits:
                w, a = re.match(r"W(\d)A(\d)", bits).groups()
                for edge in ("8", "0"):
                    for source in SOURCES:
                        if calibrated[source] is None:
                            continue
                        path, data = calibrated[source]
                        q = os.path.join(tmp, "q.mlir")
                        run([opt, path, "-o", q, "--dfq-fold-bn",
                             f"--dfq-calibrate-ranges={data} threads={args.threads} "
                             f"observer={args.observer} bits={a} "
                             f"{INPUT_RANGE}",
                             f"--dfq-quantize=wbits={w} abits={a} first-last-bits={edge}"])
                        acc = top1(args.bin, q, args.limit, args.threads)
                        results[(model, bits, edge, source)] = acc
                        print(f"{model} {bits} first/last={'8' if edge == '8' else 'same'} "
                              f"{source}: {acc:.4f}", file=sys.stderr, flush=True)

    images = args.limit or 10000
    lines = ["# Data-free quantization accuracy on the model zoo", "",
             f"Made by `bench/accuracy.py` on {datetime.date.today()}, {cpu_name()}; "
             f"top-1 on {images} Fashion-MNIST test images, quantized models run with "
             "exact integer execution (dfq-run). Weights per-channel symmetric, "
             f"activations per-tensor asymmetric ({args.observer} observer), input range from the "
             "preprocessing, network output (logits) in float, BatchNorm folded. "
             f"Synthetic batches: {args.samples} images, {args.iterations} iterations.", ""]
    for edge, title in (("8", "first and last layer at 8 bits"),
                        ("0", "first and last layer at the same bits")):
        lines += [f"## {title.capitalize()}", "",
                  "| model | float | bits | no data (Gaussian) | ZeroQ | DSG | real data |",
                  "|---|---|---|---|---|---|---|"]
        for model in args.models:
            for bits in args.bits:
                row = [results.get((model, bits, edge, s)) for s in SOURCES]
                lines.append(f"| {model} | {floats[model]:.4f} | {bits} | "
                             + " | ".join("n/a" if v is None else f"{v:.4f}" for v in row)
                             + " |")
        lines.append("")
    lines += ["## Synthesis wall time (s)", "", "| model | Gaussian | ZeroQ | DSG |",
              "|---|---|---|---|"]
    for model in args.models:
        lines.append(f"| {model} | " + " | ".join(
            f"{synth_seconds.get((model, s), 0.0):.1f}" for s in ("none", "zeroq", "dsg")) + " |")
    lines += ["", "n/a: ZeroQ and DSG match BatchNorm statistics of feature maps; the MLP's "
              "BatchNorm1d layers have none, so both methods refuse it.", ""]
    write_results(lines, args.out)


if __name__ == "__main__":
    main()
