#!/usr/bin/python3
"""Data-free bias correction on the zoo: docs/results/bias-correction.md.

    /usr/bin/python3 bench/bias_correction.py [--models resnet mobilenetv2]
        [--limit N] [--threads 2] [--out FILE]

For every model, one DSG batch (32 images, 500 steps) calibrates each
configuration (as in bench/target_accuracy.py); dfq-run evaluates the
quantized model with exact integer execution on the Fashion-MNIST test
images. Each weight scheme runs without and with dfq-correct-bias (given the
same width options as dfq-quantize), and after dfq-equalize (default options,
before BatchNorm folding) without and with it:

  W4A8 per-channel   dfq-quantize{wbits=4 abits=8} (first/last layer 8 bits)
  W4A8 per-tensor    dfq-quantize{wbits=4 abits=8 per-channel=false}
  npu8               docs/targets/npu8.target (per-tensor int8, power-of-two)
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

# (scheme, target or None, width options)
SCHEMES = [
    ("W4A8 per-channel", None, "wbits=4 abits=8"),
    ("W4A8 per-tensor", None, "wbits=4 abits=8 per-channel=false"),
    ("npu8", "npu8", ""),
]
# (column, equalize, correct bias)
VARIANTS = [("plain", False, False), ("+BC", False, True),
            ("CLE", True, False), ("CLE+BC", True, True)]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="*", default=["resnet", "mobilenetv2"])
    parser.add_argument("--limit", type=int, default=0, help="test images (0: all 10,000)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--synth-dir", default="",
                        help="keep the synthetic batches here and reuse them")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "results",
                                                      "bias-correction.md"))
    args = parser.parse_args()
    opt = os.path.join(args.bin, "dfq-opt")
    results, floats = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models:
            onnx = os.path.join(ROOT, "models", f"{model}.onnx")
            floats[model] = top1(args.bin, onnx, args.limit, args.threads)
            print(f"{model} float: {floats[model]:.4f}", file=sys.stderr, flush=True)
            imported = os.path.join(tmp, f"{model}.mlir")
            run([os.path.join(args.bin, "dfq-translate"), "--import-onnx", onnx, "-o", imported])
            synthesized = os.path.join(args.synth_dir or tmp, f"{model}-synth.mlir")
            if not (args.synth_dir and os.path.exists(synthesized)):
                run([opt, imported, "-o", synthesized,
                     f"--dfq-synthesize=method=dsg samples=32 iterations=500 "
                     f"threads={args.threads}"])
            for scheme, target, widths in SCHEMES:
                for variant, equalize, correct in VARIANTS:
                    passes = []
                    if target:
                        passes.append(
                            f"dfq-attach-target{{file={os.path.join(TARGETS, target)}.target}}")
                    if equalize:
                        passes.append("func.func(dfq-equalize)")
                    passes.append("dfq-fold-bn")
                    passes.append(f"dfq-calibrate-ranges{{observer=minmax bits=8 "
                                  f"threads={args.threads} {INPUT_RANGE}}}")
                    if correct:
                        passes.append(f"func.func(dfq-correct-bias{{{widths}}})")
                    passes.append(f"func.func(dfq-quantize{{{widths}}})")
                    if target:
                        passes.append("dfq-verify-target")
                    q = os.path.join(tmp, "q.mlir")
                    run([opt, synthesized, "-o", q,
                         f"--pass-pipeline=builtin.module({','.join(passes)})"])
                    results[(model, scheme, variant)] = top1(args.bin, q, args.limit,
                                                             args.threads)
                    print(f"{model} {scheme} {variant}: "
                          f"{results[(model, scheme, variant)]:.4f}", file=sys.stderr,
                          flush=True)

    images = args.limit or 10000
    lines = ["# Data-free bias correction", "",
             f"Made by `bench/bias_correction.py` on {datetime.date.today()}, {cpu_name()}; "
             f"top-1 on {images} Fashion-MNIST test images, exact integer execution "
             "(dfq-run). One synthetic batch per model (DSG, 32 images, 500 steps) "
             "calibrates every column (min/max ranges); network output (logits) in float. "
             "BC: `dfq-correct-bias` with the same width options as `dfq-quantize`, after "
             "`dfq-calibrate-ranges`; CLE: `dfq-equalize` (default options) before "
             "`dfq-fold-bn`.", "",
             "| model | float | scheme | " + " | ".join(v[0] for v in VARIANTS) + " |",
             "|---|---|---|" + "---|" * len(VARIANTS)]
    for model in args.models:
        for scheme, _, _ in SCHEMES:
            lines.append(f"| {model} | {floats[model]:.4f} | {scheme} | " + " | ".join(
                f"{results[(model, scheme, v[0])]:.4f}" for v in VARIANTS) + " |")
    lines.append("")
    write_results(lines, args.out)


if __name__ == "__main__":
    main()
