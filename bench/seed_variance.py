#!/usr/bin/python3
"""How much W4A4 accuracy depends on the synthesis seed: docs/results/w4a4-seeds.md.

    /usr/bin/python3 bench/seed_variance.py [--models resnet mobilenetv2]
        [--seeds 0 1 2 3] [--limit N] [--threads 2]

One synthetic batch per model, method (ZeroQ, DSG) and seed (32 images, 500
steps); each is quantized to W4A4 (weights per channel, activations with the
MSE observer at 4 bits, BatchNorm folded) with the first and last layer at 8
bits and at 4, and evaluated with exact integer execution on the
Fashion-MNIST test images. A single seed's difference between two methods
is only meaningful against this spread.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import INPUT_RANGE, cpu_name, run, top1, write_results  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="*", default=["resnet", "mobilenetv2"])
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2, 3])
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "results", "w4a4-seeds.md"))
    args = parser.parse_args()
    opt = os.path.join(args.bin, "dfq-opt")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models:
            imported = os.path.join(tmp, f"{model}.mlir")
            run([os.path.join(args.bin, "dfq-translate"), "--import-onnx",
                 os.path.join(ROOT, "models", f"{model}.onnx"), "-o", imported])
            for method in ("zeroq", "dsg"):
                for seed in args.seeds:
                    synth = os.path.join(tmp, "synth.mlir")
                    run([opt, imported, "-o", synth,
                         f"--dfq-synthesize=method={method} samples=32 iterations=500 "
                         f"seed={seed} threads={args.threads}"])
                    for edge in (8, 0):
                        q = os.path.join(tmp, "q.mlir")
                        run([opt, synth, "-o", q, "--dfq-fold-bn",
                             f"--dfq-calibrate-ranges=observer=mse bits=4 {INPUT_RANGE} "
                             f"threads={args.threads}",
                             f"--dfq-quantize=wbits=4 abits=4 first-last-bits={edge}"])
                        acc = top1(args.bin, q, args.limit, args.threads)
                        results.setdefault((model, edge, method), []).append(acc)
                        print(f"{model} first/last={edge or 'same'} {method} seed {seed}: "
                              f"{acc:.4f}", file=sys.stderr, flush=True)

    images = args.limit or 10000
    lines = ["# W4A4 accuracy across synthesis seeds", "",
             f"Made by `bench/seed_variance.py` on {datetime.date.today()}, {cpu_name()}; "
             f"top-1 on {images} Fashion-MNIST test images, exact integer execution. "
             "W4A4, weights per channel, activations per tensor with the MSE observer at 4 "
             "bits, 32 synthetic images (500 steps) per seed.", "",
             "| model | first/last | method | " +
             " | ".join(f"seed {s}" for s in args.seeds) + " | mean | std |",
             "|---|---|---|" + "---|" * (len(args.seeds) + 2)]
    for model in args.models:
        for edge in (8, 0):
            for method in ("zeroq", "dsg"):
                accs = results[(model, edge, method)]
                lines.append(f"| {model} | {'8' if edge else 'same'} | "
                             f"{'ZeroQ' if method == 'zeroq' else 'DSG'} | " +
                             " | ".join(f"{a:.4f}" for a in accs) +
                             f" | {statistics.mean(accs):.4f} | "
                             f"{statistics.stdev(accs) if len(accs) > 1 else 0:.4f} |")
    lines.append("")
    write_results(lines, args.out)


if __name__ == "__main__":
    main()
