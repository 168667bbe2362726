#!/usr/bin/python3
"""x86 layer kernels: the zoo's convolutions and low-bit GEMV, docs/results/x86-layers.md.

    /usr/bin/python3 bench/x86_layers.py [--quick]

Runs build/bin/dfq-bench-x86-layers (dfq's baked Halide kernels called
through their object code, a VNNI peak loop, batch-1 GEMV with 8/4/2-bit
weights) and build/bin/dfq-bench-x86-onednn-conv (oneDNN's int8
convolution on the same shapes, OMP_NUM_THREADS=1 and 2) in one run, and
tabulates per layer: dfq and oneDNN time, dfq / oneDNN speed, and both as a
share of the VNNI peak measured in the same run.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import cpu_name, write_results  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def has_amx():
    try:
        return "amx_int8" in open("/proc/cpuinfo").read()
    except OSError:
        return False


def json_lines(cmd, env=None):
    proc = subprocess.run(cmd, check=True, capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})))
    return [json.loads(line) for line in proc.stdout.splitlines()
            if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="batch 1 only")
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "results",
                                                      "x86-layers.md"))
    args = parser.parse_args()
    extra = ["--quick"] if args.quick else []
    dfq = json_lines([os.path.join(args.bin, "dfq-bench-x86-layers")] + extra)
    peer = []
    for threads in (1, 2):
        peer += json_lines([os.path.join(args.bin, "dfq-bench-x86-onednn-conv")] + extra,
                           {"OMP_NUM_THREADS": str(threads)})
    peak = {r["threads"]: r["gops"] for r in dfq if r["bench"] == "vnni_peak"}
    onednn = {(r["layer"], r["batch"], r["threads"]): r for r in peer}

    lines = ["# x86 layer kernels against oneDNN and the VNNI peak", "",
             f"Made by `bench/x86_layers.py` on {datetime.date.today()}, {cpu_name()}. "
             "dfq: the Halide kernel `dfq-compile --target x86` builds for the layer "
             "(weights packed and baked in, called through its object code as a "
             "model library calls it, requantization to u8 included). oneDNN 2.6: "
             "int8 `convolution_forward` (u8 NHWC in and out, s8 weights reordered "
             "once to its own layout, s32 bias, per-channel output scales) — the "
             "same work. Peak: independent 512-bit `vpdpbusd` in a loop on the same "
             "threads (" + ", ".join(f"{t} thread{'s' if t > 1 else ''}: {g:.0f} GOPS"
                                     for t, g in sorted(peak.items())) + "). "
             "GOPS count 2 × MACs; best of 5 timed batches of calls.", ""]
    if has_amx():
        lines += ["**This CPU has AMX-INT8** (`amx_int8` in /proc/cpuinfo): oneDNN "
                  "computes its larger convolutions on the AMX tile units, which is "
                  "why it exceeds 100 % of the `vpdpbusd` peak there; dfq's kernels "
                  "use AVX-512 VNNI only, so its share of that peak is the measure of "
                  "its own code.", ""]
    for batch in sorted({r["batch"] for r in dfq if r["bench"] == "conv"}):
        for threads in sorted(peak):
            rows = [r for r in dfq if r["bench"] == "conv" and r["batch"] == batch
                    and r["threads"] == threads]
            if not rows:
                continue
            lines += [f"## Convolutions, batch {batch}, {threads} thread{'s' if threads > 1 else ''}", ""]
            if threads > 1:
                lines += ["dfq: each thread calls the kernel on its share of the output rows (batch 1) "
                          "or of the images, as a model library splits a layer, with a spinning helper "
                          "thread; oneDNN: its own OpenMP parallelization (OMP_NUM_THREADS), whose "
                          "fork and join cost more than the work on the smallest layers.", ""]
            lines += ["| model | layer | dfq µs | oneDNN µs | dfq / oneDNN speed | dfq % peak | oneDNN % peak | dfq schedule |",
                      "|---|---|---|---|---|---|---|---|"]
            ratios, shares, peer_shares = [], [], []
            for r in rows:
                o = onednn.get((r["layer"], batch, threads))
                ratio = o["us"] / r["us"] if o else float("nan")
                peer_share = 100 * o["gops"] / peak[threads] if o else float("nan")
                ratios.append(ratio)
                shares.append(r["peak_pct"])
                peer_shares.append(peer_share)
                lines.append(f"| {r['model']} | {r['layer']} | {r['us']:.2f} | "
                             f"{o['us'] if o else float('nan'):.2f} | {ratio:.2f} | "
                             f"{r['peak_pct']:.1f} | {peer_share:.1f} | {r['schedule']} |")
            mean = lambda xs: sum(xs) / len(xs)
            lines += [f"| **mean** | | | | **{mean(ratios):.2f}** | **{mean(shares):.1f}** | "
                      f"**{mean(peer_shares):.1f}** | |", ""]
    gemv = [r for r in dfq if r["bench"] == "gemv"]
    if gemv:
        lines += ["## Gemms with packed low-bit weights: batch 1 (GEMV) and batch 64", "",
                  "Batch 1 is bound by the weight bytes, batch 64 by the dot products (the "
                  "packed fields are unpacked once per weight and batch row). One thread.", "",
                  "| k = o | batch | weight bits | µs | weight GB/s | GOPS | speed vs int8 | dfq schedule |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in sorted(gemv, key=lambda r: (r["k"], r.get("batch", 1), -r["wbits"])):
            lines.append(f"| {r['k']} | {r.get('batch', 1)} | {r['wbits']} | {r['us']:.2f} | "
                         f"{r['gbps']:.1f} | {r.get('gops', float('nan')):.1f} | "
                         f"{r['speedup_vs_int8']:.2f} | {r['schedule']} |")
        lines.append("")
    write_results(lines, args.out)


if __name__ == "__main__":
    main()
