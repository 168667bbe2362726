#!/usr/bin/python3
"""Whole-model latency on x86: dfq's libmodel.so against ONNX Runtime and PyTorch.

    /usr/bin/python3 bench/x86_models.py [--models resnet mobilenetv2 mlp]
        [--batches 1 64] [--threads 1 2] [--calib dsg|none] [--images 2000]
        [--min-runs 40]

Writes docs/results/x86-models.md. Needs build/bin (dfq-compile, dfq-run) and
the ONNX Runtime venv .venv-bench (scripts/setup-bench.sh, run here if the
venv is missing). For every zoo model, in this one run:

1. dfq x86: `dfq-compile MODEL.onnx --target x86 --calib C` (W8A8; DSG by
   default, Gaussian noise for models DSG cannot calibrate, such as the MLP
   whose BatchNorms have no spatial statistics), then per batch size and thread
   count `dfq-run OUTDIR --batch B --limit L --threads T --json`: its
   latency_ms is the median over the L / B batches of the time around the
   library call alone. Top-1: `dfq-run OUTDIR` on all 10,000 test images.
2. ONNX Runtime int8 (bench/ort_int8.py in the venv, its own process since ORT
   1.32 needs NumPy 2): quant_pre_process + quantize_static on 512 random
   Fashion-MNIST train images, QDQ, per-channel QInt8 weights, QUInt8
   activations, MinMax; BatchNorm after Gemm (the MLP) folded into the Gemm
   beforehand, as ORT does for Conv itself; a session with
   intra_op_num_threads=T, inter_op_num_threads=1, sequential execution;
   IOBinding, so the timed call is run_with_iobinding alone.
3. ONNX Runtime float: the same session settings on the same (folded) float
   model.
4. PyTorch float: the zoo module with the ONNX file's weights, eval(),
   torch.no_grad(), torch.set_num_threads(T); the timed call is model(x).

Every executor times the same batches (the first L test images in order,
B at a time): max(--images / B, --min-runs) of them; ORT and PyTorch run
untimed warm-up batches first (dfq-run's median absorbs its first, cold
batch). Configurations are interleaved (per batch size and thread count:
dfq, ORT, PyTorch back to back) so that load from other processes hits all
executors alike. Speed-ups are peer latency / dfq latency: above 1, dfq is
faster.
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
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "models"))
from common import cpu_name, run, write_results  # noqa: E402
import zoo  # noqa: E402

TEST_IMAGES = 10000


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def load_avg():
    try:
        return open("/proc/loadavg").read().split()[:3]
    except OSError:
        return ["?"] * 3


def built(path):
    try:
        return datetime.datetime.fromtimestamp(os.path.getmtime(path)).strftime("%Y-%m-%d %H:%M")
    except OSError:
        return "?"


def git_state():
    try:
        commit = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).stdout.strip()
        dirty = run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no",
                     "lib", "tools", "include"]).stdout.strip()
        return commit + (" (with uncommitted changes in lib/, tools/ or include/)"
                         if dirty else "")
    except (subprocess.CalledProcessError, OSError):
        return "unknown"


def compile_dfq(args, name, outdir):
    """dfq-compile --target x86; returns the calibration it used."""
    model = os.path.join(ROOT, "models", f"{name}.onnx")
    for calib in ([args.calib, "none"] if args.calib != "none" else ["none"]):
        cmd = [os.path.join(args.bin, "dfq-compile"), model, "-o", outdir,
               "--target", "x86", "--calib", calib, "--wbits", "8", "--abits", "8"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode == 0:
            log(f"{name}: dfq-compile --calib {calib}: {time.perf_counter() - t0:.1f} s")
            return calib
        log(f"{name}: dfq-compile --calib {calib} failed:\n{proc.stderr.strip()}")
    raise SystemExit(f"{name}: dfq-compile failed")


def dfq_run(args, outdir, batch, threads, limit):
    cmd = [os.path.join(args.bin, "dfq-run"), outdir, "--json", "--batch", str(batch),
           "--threads", str(threads)]
    if limit:
        cmd += ["--limit", str(limit)]
    result = json.loads(run(cmd).stdout)
    if result.get("executor") != "x86":
        raise SystemExit(f"dfq-run {outdir} ran executor {result.get('executor')!r}, not x86")
    return result


def x86_vs_ref(args, outdir, limit):
    """(identical predictions, max |logit difference|) of libmodel.so against the
    reference interpreter on model.mlir, on the first `limit` test images."""
    logits = {}
    for executor in ("auto", "ref"):  # auto: libmodel.so
        out = os.path.join(outdir, f"logits-{executor}.npy")
        ran = json.loads(run([os.path.join(args.bin, "dfq-run"), outdir, "--executor", executor,
                              "--batch", "64", "--threads", "2", "--limit", str(limit),
                              "--output", out, "--json"]).stdout)["executor"]
        logits[ran] = np.load(out).reshape(limit, -1).astype(np.float64)
    same = int((logits["x86"].argmax(1) == logits["ref"].argmax(1)).sum())
    return same, float(np.abs(logits["x86"] - logits["ref"]).max())


def ort(args, name, work, extra):
    cmd = [args.venv_python, os.path.join(HERE, "ort_int8.py"),
           os.path.join(ROOT, "models", f"{name}.onnx"), "--workdir", os.path.join(work, "ort"),
           "--calib", os.path.join(work, "calib.npy")] + extra
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench/ort_int8.py failed:\n{proc.stderr}")
    return json.loads(proc.stdout)


def torch_latency(model, batches, warmup, min_runs, max_seconds):
    """Median ms over the batches, or over a prefix of them (at least min_runs)
    once max_seconds have passed: PyTorch is the slow one, and under load its
    OpenMP threads can be slower still."""
    with torch.no_grad():
        for i in range(warmup):
            model(batches[i % len(batches)])
        ms = []
        start = time.perf_counter()
        for x in batches:
            t0 = time.perf_counter()
            model(x)
            ms.append((time.perf_counter() - t0) * 1e3)
            if len(ms) >= min_runs and time.perf_counter() - start > max_seconds:
                break
    return float(np.median(ms)), len(ms)


def torch_top1(model, x, y):
    torch.set_num_threads(2)
    with torch.no_grad():
        pred = torch.cat([model(x[i:i + 500]).argmax(1) for i in range(0, len(x), 500)])
    return float((pred == y).float().mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="*", default=list(zoo.ZOO))
    parser.add_argument("--batches", nargs="*", type=int, default=[1, 64])
    parser.add_argument("--threads", nargs="*", type=int, default=[1, 2])
    parser.add_argument("--calib", default="dsg",
                        help="dfq-compile --calib (falls back to none where it fails)")
    parser.add_argument("--images", type=int, default=2000,
                        help="timed images per configuration (at least --min-runs batches)")
    parser.add_argument("--min-runs", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3,
                        help="dfq and ORT int8/float are timed this many times per "
                        "configuration, alternately; the tables give the median round")
    parser.add_argument("--torch-seconds", type=float, default=8.0,
                        help="PyTorch stops after this long per configuration "
                        "(having timed at least --min-runs batches)")
    parser.add_argument("--check", type=int, default=1000,
                        help="test images on which libmodel.so is compared with the interpreter")
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--venv", default=os.path.join(ROOT, ".venv-bench"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "results", "x86-models.md"))
    args = parser.parse_args()
    args.venv_python = os.path.join(args.venv, "bin", "python")
    if not os.path.exists(args.venv_python):
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "setup-bench.sh")], check=True,
                       env=dict(os.environ, DFQ_BENCH_VENV=args.venv))

    start = time.perf_counter()
    load_start = load_avg()
    torch.set_num_interop_threads(1)
    x_test, y_test = zoo.load_fmnist("test")
    x_train, _ = zoo.load_fmnist("train")
    calib_idx = np.sort(np.random.default_rng(0).choice(len(x_train), 512, replace=False))

    configs = [(b, t) for b in args.batches for t in args.threads]
    runs = {b: max(args.min_runs, args.images // b) for b in args.batches}
    for b in args.batches:
        if runs[b] * b > TEST_IMAGES:
            raise SystemExit(f"batch {b}: {runs[b]} batches exceed the {TEST_IMAGES} test images")
    warmup = {b: max(3, runs[b] // 20) for b in args.batches}

    rows = {}  # (model, batch, threads) -> latencies
    info = {}  # model -> top-1s, calibration, MACs
    versions = {}
    with tempfile.TemporaryDirectory(prefix="dfq-x86-models-") as work:
        np.save(os.path.join(work, "test.npy"), x_test.numpy())
        np.save(os.path.join(work, "labels.npy"), y_test.numpy())
        np.save(os.path.join(work, "calib.npy"), x_train.numpy()[calib_idx])
        test_npy = os.path.join(work, "test.npy")
        for name in args.models:
            outdir = os.path.join(work, f"dfq-{name}")
            calib = compile_dfq(args, name, outdir)
            q = ort(args, name, work, ["--eval", test_npy, os.path.join(work, "labels.npy")])
            versions = {k: q[k] for k in ("onnxruntime", "onnx", "numpy")}
            model = zoo.load_onnx_weights(zoo.ZOO[name](),
                                          os.path.join(ROOT, "models", f"{name}.onnx")).eval()
            info[name] = {
                "calib": calib, "macs": q["macs_per_image"], "int8_ops": q["int8_ops"],
                "top1_dfq": dfq_run(args, outdir, 64, 2, 0)["top1"],
                "top1_int8": q["top1_int8"], "top1_ort_float": q["top1_float"],
                "top1_torch": torch_top1(model, x_test, y_test)}
            info[name]["same"], info[name]["diff"] = x86_vs_ref(args, outdir, args.check)
            log(f"{name}: top-1 {info[name]}")
            for batch, threads in configs:
                n = runs[batch]
                # Rounds alternate dfq and ORT, so that a burst of other load on
                # the shared machine hits both; each round's ratio is kept.
                dfq_rounds, ort_rounds = [], []
                for _ in range(args.rounds):
                    dfq_rounds.append(dfq_run(args, outdir, batch, threads,
                                              n * batch)["latency_ms"])
                    ort_rounds.append(ort(args, name, work, [
                        "--images", test_npy, "--bench", str(batch), str(threads), str(n),
                        str(warmup[batch])])["bench"][0])
                d = {"latency_ms": statistics.median(dfq_rounds)}
                o = {"int8_ms": statistics.median(r["int8_ms"] for r in ort_rounds),
                     "float_ms": statistics.median(r["float_ms"] for r in ort_rounds)}
                ratios = [r["int8_ms"] / t for r, t in zip(ort_rounds, dfq_rounds)]
                torch.set_num_threads(threads)
                batches = [x_test[i * batch:(i + 1) * batch] for i in range(n)]
                p, p_runs = torch_latency(model, batches, warmup[batch], args.min_runs,
                                          args.torch_seconds)
                rows[(name, batch, threads)] = {"dfq": d["latency_ms"], "int8": o["int8_ms"],
                                                "ort_float": o["float_ms"], "torch": p,
                                                "runs": n, "torch_runs": p_runs,
                                                "ratio_range": (min(ratios), max(ratios))}
                log(f"{name} batch {batch} threads {threads}: {rows[(name, batch, threads)]}")

    elapsed = time.perf_counter() - start
    load_end = load_avg()
    lines = [
        "# Whole models on x86: dfq against ONNX Runtime int8 and PyTorch", "",
        f"Made by `bench/x86_models.py` on {datetime.date.today()}, {cpu_name()} "
        f"({os.cpu_count()} logical CPUs); dfq {git_state()}, `dfq-compile` built "
        f"{built(os.path.join(args.bin, 'dfq-compile'))}, ONNX Runtime "
        f"{versions.get('onnxruntime')} (onnx {versions.get('onnx')}, NumPy "
        f"{versions.get('numpy')}, in `.venv-bench`, scripts/setup-bench.sh), PyTorch "
        f"{torch.__version__} (Debian, NumPy {np.__version__}). One run of the script, "
        f"{elapsed / 60:.1f} min; load averages (1, 5, 15 min) {' '.join(load_start)} "
        f"at the start and {' '.join(load_end)} at the end, this run's own processes "
        "included (the machine is shared with other jobs; 2-thread figures suffer most "
        "from any other load).", "",
        "**How it was measured.** All latencies are the median time per batch in ms. "
        "Every executor times the same batches: the first Fashion-MNIST test images "
        f"in order, {', '.join(f'{runs[b]} batches at batch {b}' for b in args.batches)}; "
        "the configurations are interleaved (dfq, ORT, PyTorch back to back for each "
        f"batch size and thread count), and dfq and ONNX Runtime are timed in {args.rounds} "
        "alternating rounds per configuration: the tables give the median round and, "
        "for the speed-up over ORT int8, the lowest and highest of the rounds' ratios.",
        "",
        "* **dfq x86**: `dfq-compile MODEL.onnx --target x86 --wbits 8 --abits 8 --calib C` "
        "(Halide AVX-512 VNNI kernels in `libmodel.so`), timed by "
        "`dfq-run OUTDIR --batch B --limit L --threads T --json` around the library call "
        "alone (float input in, float logits out, quantization included); no untimed "
        "warm-up, its first batch is one of the median's samples.",
        "* **ORT int8**: ONNX Runtime `quant_pre_process` + `quantize_static` on 512 random "
        "Fashion-MNIST *train* images (one per CalibrationDataReader batch), QDQ format, "
        "MinMax ranges, per-channel **QInt8** weights, **QUInt8** activations, no "
        "reduced range; BatchNorm after Gemm (the MLP) is folded into the Gemm first "
        "(ORT folds Conv+BatchNorm itself, not Gemm+BatchNorm). Session: CPU provider, "
        "all graph optimizations, intra_op_num_threads=T, inter_op_num_threads=1, "
        "sequential execution; input and output bound once (IOBinding), the timed call is "
        "`run_with_iobinding`; "
        f"{', '.join(f'{warmup[b]} warm-up batches at batch {b}' for b in args.batches)}.",
        "* **ORT float**: the same session settings on the same float ONNX model.",
        "* **PyTorch float**: the zoo module with the ONNX file's weights, `eval()`, "
        "`torch.no_grad()`, `torch.set_num_threads(T)`, `set_num_interop_threads(1)`; the "
        "timed call is `model(x)` (eager, Python dispatch included); same warm-up as ORT; "
        f"it stops after {args.torch_seconds:g} s per configuration once {args.min_runs} "
        "batches are timed (the first batches of the same sequence; see the notes). "
        "Debian's PyTorch is built with `BLAS_INFO=generic` and links the netlib reference "
        "`libblas.so.3`, and its CPU capability is AVX2: Linear layers and the convolutions "
        "that oneDNN does not take run slowly, so this is a weak float baseline; ORT float "
        "is the strong one.",
        "* **×ORT int8**, **×PyTorch**: peer latency / dfq latency (above 1: dfq is "
        "faster). The acceptance target of issue 6 is ≥ 1.5× against ORT int8 at "
        "batch 1 on a zoo CNN.",
        "* **dfq GOP/s**: 2 × MACs per image (Conv and Gemm) × B / dfq latency.", ""]
    for batch, threads in configs:
        lines += [f"## Batch {batch}, {threads} thread{'s' if threads > 1 else ''}", "",
                  "| model | dfq x86 ms | ORT int8 ms | ORT float ms | PyTorch float ms | "
                  "×ORT int8 | ×ORT int8, rounds | ×PyTorch | dfq GOP/s | dfq top-1 | "
                  "ORT int8 top-1 |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for name in args.models:
            r, i = rows[(name, batch, threads)], info[name]
            gops = 2 * i["macs"] * batch / (r["dfq"] * 1e-3) / 1e9
            lines.append(
                f"| {name} | {r['dfq']:.4g} | {r['int8']:.4g} | {r['ort_float']:.4g} | "
                f"{r['torch']:.4g} | {r['int8'] / r['dfq']:.2f} | "
                f"{r['ratio_range'][0]:.2f}–{r['ratio_range'][1]:.2f} | "
                f"{r['torch'] / r['dfq']:.2f} | "
                f"{gops:.1f} | {i['top1_dfq']:.4f} | {i['top1_int8']:.4f} |")
        short = [f"{name} {rows[(name, batch, threads)]['torch_runs']}"
                 for name in args.models
                 if rows[(name, batch, threads)]["torch_runs"] < rows[(name, batch, threads)]["runs"]]
        if short:
            lines.append(f"\nPyTorch timed fewer batches (time limit): {', '.join(short)}.")
        lines.append("")

    cnns = [m for m in args.models if m != "mlp"]
    if 1 in args.batches and cnns:
        def plural(t):
            return f"{t} thread{'s' if t > 1 else ''}"
        lines += ["## Acceptance", "",
                  "dfq's speed-up over ORT int8 at batch 1 on the zoo's CNNs (median "
                  "round; lowest and highest round):", ""]
        met_always, met_median = [], []
        for m in cnns:
            for t in args.threads:
                r = rows[(m, 1, t)]
                median = r["int8"] / r["dfq"]
                lines.append(f"* {m}, {plural(t)}: **{median:.2f}×** "
                             f"({r['ratio_range'][0]:.2f}–{r['ratio_range'][1]:.2f})")
                if r["ratio_range"][0] >= 1.5:
                    met_always.append(f"{m} on {plural(t)}")
                elif median >= 1.5:
                    met_median.append(f"{m} on {plural(t)}")
        verdict = ("met in every round by " + ", ".join(met_always) if met_always
                   else "met in the median round by " + ", ".join(met_median)
                   if met_median else "not met")
        lines += ["", f"Target ≥ 1.5×: **{verdict}**.", ""]

    if 1 in args.threads and 2 in args.threads:
        lines += ["## Thread scaling", "",
                  "Latency with 1 thread / latency with 2 threads (2 would be perfect scaling).", "",
                  "| model | batch | dfq x86 | ORT int8 | ORT float | PyTorch float |",
                  "|---|---|---|---|---|---|"]
        for name in args.models:
            for batch in args.batches:
                one, two = rows[(name, batch, 1)], rows[(name, batch, 2)]
                lines.append(f"| {name} | {batch} | " + " | ".join(
                    f"{one[k] / two[k]:.2f}" for k in ("dfq", "int8", "ort_float", "torch")) + " |")
        lines.append("")

    lines += ["## Top-1 on the 10,000 test images", "",
              "| model | MACs / image | dfq calibration | dfq x86 (W8A8) | ORT int8 | ORT float | "
              f"PyTorch float | x86 = interpreter (first {args.check}) | max logit diff |",
              "|---|---|---|---|---|---|---|---|---|"]
    for name in args.models:
        i = info[name]
        calib = i["calib"] + (" (DSG needs spatial BatchNorm statistics)"
                              if i["calib"] != args.calib else "")
        lines.append(f"| {name} | {i['macs'] / 1e6:.2f} M | {calib} | {i['top1_dfq']:.4f} | "
                     f"{i['top1_int8']:.4f} | {i['top1_ort_float']:.4f} | "
                     f"{i['top1_torch']:.4f} | {i['same']}/{args.check} | {i['diff']:.3g} |")
    lines += ["", "dfq's calibration is data-free (DSG images fitted to the BatchNorm "
              "statistics, or Gaussian noise); ORT's uses 512 real train images. The last two "
              "columns compare `libmodel.so` with the reference interpreter on the same "
              "`model.mlir` (`dfq-run --executor auto|ref --output`): identical predictions "
              "and the largest logit difference (about 1e-6 at most when the integer kernels "
              "agree: only the float dequantization at the end may round differently).",
              "ORT int8 graphs (QDQ nodes, fused by ORT at session creation): " +
              "; ".join(f"{m}: " + ", ".join(f"{k} {v}" for k, v in sorted(info[m]["int8_ops"].items()))
                        for m in args.models) + ".", ""]
    wrong = [m for m in args.models if info[m]["same"] < 0.99 * args.check]
    if wrong:
        lines += [f"**Warning:** `libmodel.so` disagrees with the reference interpreter on "
                  f"{', '.join(wrong)} (see the table above): "
                  "its latencies there are those of kernels that compute wrong results.", ""]
    write_results(lines, args.out)


if __name__ == "__main__":
    main()
