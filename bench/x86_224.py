#!/usr/bin/python3
"""dfq's x86 library on real-size networks (torchvision, 224x224) against ONNX Runtime int8.

    /usr/bin/python3 bench/x86_224.py [--models resnet18 resnet50 mobilenet_v2]
        [--before DIR] [--rounds 5] [--runs 20] [--configs 1x1 8x1 1x2 8x2]
        [--out docs/results/x86-224.md]

Needs Debian's python3-torchvision (the architectures, with random weights:
no model hub), build/bin (dfq-compile, dfq-run) and the ONNX Runtime venv
.venv-bench (scripts/setup-bench.sh). For every model, in this one run:

1. Export: `torchvision.models.NAME(weights=None)` seeded with 0, eval mode,
   `torch.onnx.export` at opset 13 with a dynamic batch; the inputs are 64
   images drawn from N(0, 1) (seed 0), the calibration set of ORT 32 others
   (seed 1). Random weights say nothing about accuracy, only about speed.
2. dfq: `dfq-compile MODEL.onnx --target x86 --calib none` (W8A8, ranges
   from Gaussian noise, no kernel cache), timed as a whole (import to
   libmodel.so); with
   --before, the same with an older build's dfq-compile, and its library
   must give the same logits bit for bit.
3. ONNX Runtime int8: bench/ort_int8.py (QDQ, per-channel QInt8 weights,
   QUInt8 activations, MinMax on the calibration images).
4. Latency per configuration BATCHxTHREADS: per round, `dfq-run DIR
   --input x.npy --batch B --threads T --json` (the median over the batches
   of the time around the library call), then ORT's int8 and float medians
   over --runs calls; the table gives the median over --rounds rounds, the
   rounds alternating executors so that load from other processes hits all
   alike. Ratio = ORT / dfq: above 1, dfq is faster.
5. Where dfq's time goes: `dfq-run --profile` at batch 1, 1 thread: the
   time by step kind, and the slowest kernels with their multiply-adds
   (report.json) per second.
6. Against the machine: the `vpdpbusd` peak loop of dfq-bench-x86-layers
   (1 and 2 threads) in the same run (the best of a measurement before and
   after every model), each network's multiply-adds per
   second as a share of it for dfq and ORT int8, and the largest ratio to
   ORT int8 that any library doing the same multiply-adds at that peak
   (and nothing else) could reach.
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
    # Every kernel compiled (no kernel cache), so that compile times compare.
    start = time.monotonic()
    run([os.path.join(bin_dir, "dfq-compile"), onnx, "--target", "x86", "--calib", "none",
         "-o", out], env={**os.environ, "DFQ_KERNEL_CACHE": "none"})
    return time.monotonic() - start


def dfq_latency(bin_dir, lib, images, batch, threads):
    result = run([os.path.join(bin_dir, "dfq-run"), lib, "--input", images, "--batch",
                  str(batch), "--threads", str(threads), "--json"])
    return json.loads(result.stdout)["latency_ms"]


def dfq_profile(lib, images):
    """Step times at batch 1, 1 thread, with the MACs of each kernel's layer."""
    result = run([os.path.join(BIN, "dfq-run"), lib, "--input", images, "--batch", "1",
                  "--limit", "16", "--threads", "1", "--profile", "--json"])
    profile = json.loads(result.stdout)["profile"]
    report = json.load(open(os.path.join(lib, "report.json")))
    macs = {layer["name"]: layer["macs"] for layer in report["layers"]}
    for step in profile["steps"]:
        step["macs"] = macs.get(step["name"]) if step["kind"] == "kernel" else None
    return profile


def dfq_logits(bin_dir, lib, images, out):
    run([os.path.join(bin_dir, "dfq-run"), lib, "--input", images, "--output", out])
    return np.load(out)


def vnni_peak():
    """GMAC/s of the vpdpbusd peak loop by thread count; {} without VNNI."""
    proc = subprocess.run([os.path.join(BIN, "dfq-bench-x86-layers"), "--quick", "--only",
                           "peak"], capture_output=True, text=True)
    peaks = {}
    for line in proc.stdout.splitlines() if proc.returncode == 0 else []:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("bench") == "vnni_peak":
            peaks[record["threads"]] = record["gops"] / 2  # 2 operations per MAC
    return peaks


def model_macs(lib):
    """Multiply-adds of one sample, summed over the report's layers."""
    report = json.load(open(os.path.join(lib, "report.json")))
    return sum(layer["macs"] for layer in report["layers"])


def ort_latency(venv_python, onnx, work, calib, images, batch, threads, runs):
    """ONNX Runtime's int8 (QDQ) and float latencies, ms per batch."""
    cmd = [venv_python, os.path.join(HERE, "ort_int8.py"), onnx, "--workdir", work,
           "--calib", calib, "--images", images, "--bench", str(batch), str(threads),
           str(runs), "5"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench/ort_int8.py failed:\n{proc.stderr}")
    bench = json.loads(proc.stdout)["bench"][0]
    return bench["int8_ms"], bench["float_ms"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="*", default=["resnet18", "resnet50", "mobilenet_v2"])
    parser.add_argument("--before", help="bin directory of an older dfq build to compare")
    parser.add_argument("--note", default="", help="what the builds are (printed under the title)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--configs", nargs="*", default=["1x1", "8x1", "1x2", "8x2"],
                        help="BATCHxTHREADS configurations to time")
    parser.add_argument("--venv-python", default=os.path.join(ROOT, ".venv-bench", "bin", "python"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "results", "x86-224.md"))
    args = parser.parse_args()
    if not os.path.exists(args.venv_python):
        run(["bash", os.path.join(ROOT, "scripts", "setup-bench.sh")])

    rows, profiles, macs = [], {}, {}
    # The peak is measured before and after every model and the best kept:
    # one measurement taken while another tenant's job holds a core would
    # understate it.
    peaks = vnni_peak()

    def remeasure_peak():
        for threads, gmacs in vnni_peak().items():
            peaks[threads] = max(peaks.get(threads, 0), gmacs)

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
            macs[name] = model_macs(libs["after"])
            identical = None
            if args.before:
                a = dfq_logits(args.before, libs["before"], images, os.path.join(work, "a.npy"))
                b = dfq_logits(BIN, libs["after"], images, os.path.join(work, "b.npy"))
                identical = bool(np.array_equal(a.view(np.uint32), b.view(np.uint32)))
            ort_work = os.path.join(work, name + "-ort")
            for config in args.configs:
                batch, threads = (int(v) for v in config.split("x"))
                times = {side: [] for side in builds}
                times["ort"], times["ort_float"] = [], []
                for _ in range(args.rounds):
                    for side, bin_dir in builds.items():
                        times[side].append(
                            dfq_latency(bin_dir, libs[side], images, batch, threads))
                    int8_ms, float_ms = ort_latency(args.venv_python, onnx, ort_work, calib,
                                                    images, batch, threads, args.runs)
                    times["ort"].append(int8_ms)
                    times["ort_float"].append(float_ms)
                row = {"model": name, "batch": batch, "threads": threads,
                       "identical": identical, "seconds": seconds,
                       **{k: statistics.median(v) for k, v in times.items()}}
                rows.append(row)
                print(row, flush=True)
            profiles[name] = dfq_profile(libs["after"], images)
            remeasure_peak()

    before = bool(args.before)
    header = ("| model | batch | threads | dfq ms | ORT int8 ms | ORT float ms "
              "| ORT int8 / dfq | ORT float / dfq |")
    rule = "|---|---|---|---|---|---|---|---|"
    if before:
        header += " before ms | before / after | logits bit-identical |"
        rule += "---|---|---|"
    header += " compile s (after" + (" / before)" if before else ")") + " |"
    rule += "---|"
    lines = ["# x86 at 224x224: torchvision networks against ONNX Runtime", ""]
    if args.note:
        lines += [args.note, ""]
    lines += [
        f"Generated by `bench/x86_224.py` on {datetime.date.today()} ({cpu_name()}), "
        "random weights (torchvision, seed 0), W8A8 (`dfq-compile --target x86 --calib none`), "
        "ORT 1.32 `quantize_static` QDQ with u8 activations and the float model, same run; "
        f"latency per batch, the median of {args.rounds} alternating rounds. Ratio above 1: "
        "dfq is faster. Compile time: import to libmodel.so, report included.",
        "",
        header,
        rule,
    ]
    for r in rows:
        line = (f"| {r['model']} | {r['batch']} | {r['threads']} | {r['after']:.2f} "
                f"| {r['ort']:.2f} | {r['ort_float']:.2f} | {r['ort'] / r['after']:.2f} "
                f"| {r['ort_float'] / r['after']:.2f} |")
        if before:
            line += (f" {r['before']:.2f} | {r['before'] / r['after']:.2f} | "
                     f"{'yes' if r['identical'] else 'NO'} |")
        line += f" {r['seconds']['after']:.0f}"
        if before:
            line += f" / {r['seconds']['before']:.0f}"
        lines.append(line + " |")
    if peaks:
        lines += ["", "## Against the VNNI peak", "",
                  "The `vpdpbusd` peak loop (`dfq-bench-x86-layers --only peak`) ran at "
                  + ", ".join(f"{gmacs:.0f} GMAC/s on {threads} thread{'s' if threads > 1 else ''}"
                              for threads, gmacs in sorted(peaks.items()))
                  + " in this run. Each network's multiply-adds (report.json) per batch over "
                  "its latency, as a share of that peak; the bound is ORT int8's latency over "
                  "the time of the multiply-adds alone at the peak: no library that does "
                  "these multiply-adds with `vpdpbusd`, dfq included, can be faster than ORT "
                  "int8 by more than that ratio on this machine (fewer multiply-adds, as with "
                  "Winograd, or other units, such as AMX, are outside the bound).", "",
                  "| model | batch | threads | GMAC per batch | dfq % of peak "
                  "| ORT int8 % of peak | bound on ORT int8 / dfq |",
                  "|---|---|---|---|---|---|---|"]
        for r in rows:
            peak = peaks.get(r["threads"])
            if not peak:
                continue
            gmac = macs[r["model"]] * r["batch"] / 1e9
            ideal_ms = gmac / peak * 1e3
            lines.append(f"| {r['model']} | {r['batch']} | {r['threads']} | {gmac:.2f} "
                         f"| {100 * ideal_ms / r['after']:.0f} | {100 * ideal_ms / r['ort']:.0f} "
                         f"| {r['ort'] / ideal_ms:.2f} |")
    lines += ["", "## Where dfq's time goes (batch 1, 1 thread, `dfq-run --profile`)", ""]
    for name, profile in profiles.items():
        kinds = ", ".join(f"{kind} {ms:.2f} ms ({100 * ms / profile['ms_per_batch']:.0f} %)"
                          for kind, ms in profile["by_kind"].items() if ms >= 0.005)
        lines += [f"**{name}**: {profile['ms_per_batch']:.2f} ms in {len(profile['steps'])} "
                  f"steps: {kinds}. Slowest kernels:", "",
                  "| layer | ms | GMAC/s |", "|---|---|---|"]
        kernels = sorted((s for s in profile["steps"] if s["kind"] == "kernel"),
                         key=lambda s: -s["ms"])
        for step in kernels[:8]:
            rate = f"{step['macs'] / step['ms'] / 1e6:.0f}" if step["macs"] else "?"
            lines.append(f"| {step['name']} | {step['ms']:.3f} | {rate} |")
        lines.append("")
    write_results(lines, args.out)
    return 0 if not before or all(r["identical"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
