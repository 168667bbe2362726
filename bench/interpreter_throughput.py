#!/usr/bin/python3
"""Reference-interpreter throughput against PyTorch eager, in the same run.

    /usr/bin/python3 bench/interpreter_throughput.py [--model resnet]
        [--batch 64] [--threads 2] [--out docs/results/interpreter-throughput.md]

Runs `dfq-run models/<model>.onnx --json` (import + reference interpreter) and
the same network in PyTorch eager mode (weights loaded from the ONNX file) on
the 10,000 Fashion-MNIST test images at the same batch size and thread count,
and reports images/s and median batch latency for both and their ratio. The
interpreter calls ATen kernels op by op, so the ratio is its overhead over
PyTorch's own dispatch (batch norm is not folded in either).
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import cpu_name, write_results  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models"))
import zoo  # noqa: E402


def pytorch_run(name, path, x, batch):
    model = zoo.load_onnx_weights(zoo.ZOO[name](), path).eval()
    times = []
    with torch.inference_mode():
        model(x[:batch])  # warm-up, as dfq-run's first batch also pays it
        start = time.perf_counter()
        for i in range(0, x.shape[0], batch):
            t0 = time.perf_counter()
            model(x[i:i + batch])
            times.append((time.perf_counter() - t0) * 1000)
        total = time.perf_counter() - start
    return x.shape[0] / total, statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="resnet")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dfq-run", default=os.path.join(ROOT, "build", "bin", "dfq-run"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "results",
                                                      "interpreter-throughput.md"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    path = os.path.join(ROOT, "models", f"{args.model}.onnx")
    x, _ = zoo.load_fmnist("test")

    run = subprocess.run([args.dfq_run, path, "--json", "--batch", str(args.batch),
                          "--threads", str(args.threads)],
                         check=True, capture_output=True, text=True)
    dfq = json.loads(run.stdout)
    torch_ips, torch_ms = pytorch_run(args.model, path, x, args.batch)

    ratio = dfq["images_per_s"] / torch_ips
    lines = [
        f"# Reference interpreter throughput ({args.model}, batch {args.batch})",
        "",
        f"Made by `bench/interpreter_throughput.py` on {datetime.date.today()}, "
        f"{cpu_name()}, {args.threads} threads, PyTorch {torch.__version__}.",
        "",
        "| executor | images/s | median ms per batch | top-1 |",
        "|---|---|---|---|",
        f"| dfq-run (ONNX import + reference interpreter) | {dfq['images_per_s']:.0f} | "
        f"{dfq['latency_ms']:.2f} | {dfq['top1']:.4f} |",
        f"| PyTorch eager (same weights) | {torch_ips:.0f} | {torch_ms:.2f} | |",
        "",
        f"Ratio dfq-run / PyTorch: **{ratio:.2f}x** images/s.",
        "",
    ]
    write_results(lines, args.out)


if __name__ == "__main__":
    main()
