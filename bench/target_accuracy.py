#!/usr/bin/python3
"""Accuracy under target descriptions: docs/results/targets.md.

    /usr/bin/python3 bench/target_accuracy.py [--models resnet mobilenetv2 mlp]
        [--limit N] [--threads 2] [--out FILE]

For every zoo model, one DSG batch (32 images, 500 steps; the MLP, whose
BatchNorm1d layers have no feature maps, gets Gaussian noise) calibrates the
same pipeline under different targets, and dfq-run evaluates the quantized
model with exact integer execution on the Fashion-MNIST test images:

  x86 W8A8        no constraints (what the x86 libraries compute, bit for bit)
  npu8            docs/targets/npu8.target: per-tensor int8 weights,
                  power-of-two scales (shift-only requantization), int8
                  activations, 32-bit accumulators
  npu8 + CLE      the same after dfq-equalize (cross-layer equalization with
                  bias absorption, before BatchNorm folding)
  npu8 + CLE (relu6-as-relu)  dfq-equalize{relu6-as-relu=true}: ReLU6
                  replaced by ReLU inside equalized pairs (changes the float
                  model; its float top-1 is reported)
  npu8, mse       power-of-two activation scales chosen by the MSE observer
  x86 W4A8        4-bit weights, first and last layer at 8 bits
  x86 W4A8 (edges 4)  4-bit weights everywhere
  npu4w8a         docs/targets/npu4w8a.target: int4 weights everywhere
                  (the first/last layer's default 8 bits give way to 4),
                  24-bit saturating accumulators

Every constrained model is checked with dfq-verify-target.
"""

import argparse
import datetime
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import INPUT_RANGE, cpu_name, run, top1, write_results  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS = os.path.join(ROOT, "docs", "targets")

# (column, target file or None, equalize options or None, quantize options,
#  observer)
CONFIGS = [
    ("x86 W8A8", None, None, "wbits=8 abits=8", "minmax"),
    ("npu8", "npu8", None, "", "minmax"),
    ("npu8 + CLE", "npu8", "", "", "minmax"),
    ("npu8 + CLE (relu6-as-relu)", "npu8", "relu6-as-relu=true", "", "minmax"),
    ("npu8, mse", "npu8", None, "", "mse"),
    ("x86 W4A8", None, None, "wbits=4 abits=8", "minmax"),
    ("x86 W4A8 (edges 4)", None, None, "wbits=4 abits=8 first-last-bits=0", "minmax"),
    ("npu4w8a", "npu4w8a", None, "", "minmax"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="*", default=["resnet", "mobilenetv2", "mlp"])
    parser.add_argument("--limit", type=int, default=0, help="test images (0: all 10,000)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "results", "targets.md"))
    args = parser.parse_args()
    opt = os.path.join(args.bin, "dfq-opt")
    results, floats, methods = {}, {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models:
            onnx = os.path.join(ROOT, "models", f"{model}.onnx")
            floats[model] = top1(args.bin, onnx, args.limit, args.threads)
            imported = os.path.join(tmp, f"{model}.mlir")
            run([os.path.join(args.bin, "dfq-translate"), "--import-onnx", onnx, "-o", imported])
            methods[model] = "gaussian" if model == "mlp" else "dsg"
            synthesized = os.path.join(tmp, f"{model}-synth.mlir")
            run([opt, imported, "-o", synthesized,
                 f"--dfq-synthesize=method={methods[model]} samples=32 iterations=500 "
                 f"threads={args.threads}"])
            for column, target, equalize, quantize, observer in CONFIGS:
                passes = []
                if target:
                    passes.append(f"dfq-attach-target{{file={os.path.join(TARGETS, target)}.target}}")
                if equalize is not None:
                    passes.append(f"func.func(dfq-equalize{{{equalize}}})")
                passes.append("dfq-fold-bn")
                passes.append(f"dfq-calibrate-ranges{{observer={observer} bits=8 "
                              f"threads={args.threads} {INPUT_RANGE}}}")
                passes.append(f"func.func(dfq-quantize{{{quantize}}})" if quantize
                              else "func.func(dfq-quantize)")
                if target:
                    passes.append("dfq-verify-target")
                q = os.path.join(tmp, "q.mlir")
                run([opt, synthesized, "-o", q,
                     f"--pass-pipeline=builtin.module({','.join(passes)})"])
                results[(model, column)] = top1(args.bin, q, args.limit, args.threads)
                if equalize:
                    f = os.path.join(tmp, "f.mlir")
                    run([opt, imported, "-o", f,
                         f"--pass-pipeline=builtin.module(func.func(dfq-equalize{{{equalize}}}))"])
                    results[(model, column + " float")] = top1(args.bin, f, args.limit,
                                                               args.threads)
                print(f"{model} {column}: {results[(model, column)]:.4f}", file=sys.stderr,
                      flush=True)

    images = args.limit or 10000
    columns = [c[0] for c in CONFIGS]
    lines = ["# Accuracy under target descriptions", "",
             f"Made by `bench/target_accuracy.py` on {datetime.date.today()}, {cpu_name()}; "
             f"top-1 on {images} Fashion-MNIST test images, every quantized model run with "
             "exact integer execution (dfq-run's reference interpreter, which the x86 "
             "libraries match bit for bit). One synthetic batch per model (DSG, 32 images, "
             "500 steps; the MLP: Gaussian noise) calibrates every column; min/max ranges "
             "unless marked mse; network output (logits) in float. Every constrained model "
             "passes dfq-verify-target.", "",
             "| model | float | " + " | ".join(columns) + " |",
             "|---|---|" + "---|" * len(columns)]
    for model in args.models:
        lines.append(f"| {model} | {floats[model]:.4f} | " + " | ".join(
            f"{results[(model, c)]:.4f}" for c in columns) + " |")
    lines += ["", "Float top-1 after `dfq-equalize{relu6-as-relu=true}` (the float model it "
              "changes): " + ", ".join(
                  f"{m} {results[(m, 'npu8 + CLE (relu6-as-relu) float')]:.4f}"
                  for m in args.models) + ".", ""]
    write_results(lines, args.out)


if __name__ == "__main__":
    main()
