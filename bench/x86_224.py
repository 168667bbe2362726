#!/usr/bin/python3
"""dfq's x86 library on real-size networks (torchvision, 224x224) against ONNX Runtime int8.

    /usr/bin/python3 bench/x86_224.py [--models resnet18 resnet50 mobilenet_v2]
        [--before DIR] [--rounds 5] [--runs 20] [--threads 1]
        [--out docs/results/x86-224.md]

Needs Debian's python3-torchvision (the architectures, with random weights:
no model hub), build/bin (dfq-compile, dfq-run) and the ONNX Runtime venv
.venv-bench (scripts/setup-bench.sh). For every model, in this one run:

1. Export: `torchvision.models.NAME(weights=None)` seeded with 0, eval mode,
   `torch.onnx.export` at opset 13 with a dynamic batch; the inputs are 64
   images drawn from N(0, 1) (seed 0), the calibration set of ORT 32 others
   (seed 1). Random weights say nothing about accuracy, only about speed.
2. dfq: `dfq-compile MODEL.onnx --target x86 --calib none` (W8A8, ranges
   from Gaussian noise), timed as a whole (import to libmodel.so); with
   --before, the same with an older build's dfq-compile, and its library
   must give the same logits bit for bit.
3. ONNX Runtime int8: bench/ort_int8.py (QDQ, per-channel QInt8 weights,
   QUInt8 activations, MinMax on the calibration images).
4. Latency at batch 1: per round, `dfq-run DIR --input x.npy --batch 1
   --threads T --json` (the median over the images of the time around the
   library call), then ORT's median over --runs calls; the table gives the
   median over --rounds rounds, the rounds alternating executors so that
   load from other processes hits all alike. Ratio = ORT / dfq: above 1,
   dfq is faster.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from common import cpu_name, run, write_results  # noqa: E402

BIN = os.path.join(ROOT, "build", "bin")


def export(name, work):
    import torch
    import torchvision

    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    path = os.path.join(work, name + ".onnx")
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    return path


def compile_dfq(bin_dir, onnx, out):
    start = time.monotonic()
    run([os.path.join(bin_dir, "dfq-compile"), onnx, "--target", "x86", "--calib", "none",
         "-o", out])
    return time.monotonic() - start


def dfq_latency(bin_dir, lib, images, threads):
    result = run([os.path.join(bin_dir, "dfq-run"), lib, "--input", images, "--batch", "1",
                  "--threads", str(threads), "--json"])
    return json.loads(result.stdout)["latency_ms"]


def dfq_logits(bin_dir, lib, images, out):
    run([os.path.join(bin_dir, "dfq-run"), lib, "--input", images, "--output", out])
    return np.load(out)


def ort_latency(venv_python, onnx, work, calib, images, threads, runs):
    cmd = [venv_python, os.path.join(HERE, "ort_int8.py"), onnx, "--workdir", work,
           "--calib", calib, "--images", images, "--bench", "1", str(threads), str(runs), "5"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench/ort_int8.py failed:\n{proc.stderr}")
    return json.loads(proc.stdout)["bench"][0]["int8_ms"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="*", default=["resnet18", "resnet50", "mobilenet_v2"])
    parser.add_argument("--before", help="bin directory of an older dfq build to compare")
    parser.add_argument("--note", default="", help="what the builds are (printed under the title)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--venv-python", default=os.path.join(ROOT, ".venv-bench", "bin", "python"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "results", "x86-224.md"))
    args = parser.parse_args()
    if not os.path.exists(args.venv_python):
        run(["bash", os.path.join(ROOT, "scripts", "setup-bench.sh")])

    rows = []
    with tempfile.TemporaryDirectory() as work:
        images = os.path.join(work, "x.npy")
        calib = os.path.join(work, "calib.npy")
        np.save(images, np.random.RandomState(0).randn(64, 3, 224, 224).astype(np.float32))
        np.save(calib, np.random.RandomState(1).randn(32, 3, 224, 224).astype(np.float32))
        for name in args.models:
            onnx = export(name, work)
            builds = {"after": BIN}
            if args.before:
                builds["before"] = args.before
            libs, seconds = {}, {}
            for side, bin_dir in builds.items():
                libs[side] = os.path.join(work, f"{name}-{side}")
                seconds[side] = compile_dfq(bin_dir, onnx, libs[side])
            identical = None
            if args.before:
                a = dfq_logits(args.before, libs["before"], images, os.path.join(work, "a.npy"))
                b = dfq_logits(BIN, libs["after"], images, os.path.join(work, "b.npy"))
                identical = bool(np.array_equal(a.view(np.uint32), b.view(np.uint32)))
            ort_work = os.path.join(work, name + "-ort")
            times = {side: [] for side in builds}
            times["ort"] = []
            for _ in range(args.rounds):
                for side, bin_dir in builds.items():
                    times[side].append(dfq_latency(bin_dir, libs[side], images, args.threads))
                times["ort"].append(ort_latency(args.venv_python, onnx, ort_work, calib, images,
                                                args.threads, args.runs))
            row = {"model": name, "identical": identical, "seconds": seconds,
                   **{k: statistics.median(v) for k, v in times.items()}}
            rows.append(row)
            print(row, flush=True)

    before = bool(args.before)
    header = "| model | dfq ms | ORT int8 ms | ORT / dfq |"
    rule = "|---|---|---|---|"
    if before:
        header += " before ms | before / after | logits bit-identical |"
        rule += "---|---|---|"
    header += " compile s (after" + (" / before)" if before else ")") + " |"
    rule += "---|"
    lines = ["# x86 at 224x224: torchvision networks against ONNX Runtime int8", ""]
    if args.note:
        lines += [args.note, ""]
    lines += [
        f"Generated by `bench/x86_224.py` on {datetime.date.today()} ({cpu_name()}), batch 1, "
        f"{args.threads} thread(s), random weights (torchvision, seed 0), W8A8 "
        "(`dfq-compile --target x86 --calib none`), ORT 1.32 `quantize_static` QDQ with u8 "
        f"activations; latency the median of {args.rounds} alternating rounds. Ratio above 1: "
        "dfq is faster.",
        "",
        header,
        rule,
    ]
    for r in rows:
        line = f"| {r['model']} | {r['after']:.2f} | {r['ort']:.2f} | {r['ort'] / r['after']:.2f} |"
        if before:
            line += (f" {r['before']:.2f} | {r['before'] / r['after']:.2f} | "
                     f"{'yes' if r['identical'] else 'NO'} |")
        line += f" {r['seconds']['after']:.0f}"
        if before:
            line += f" / {r['seconds']['before']:.0f}"
        lines.append(line + " |")
    write_results(lines, args.out)
    return 0 if not before or all(r["identical"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
