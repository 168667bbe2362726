#!/usr/bin/python3
"""int8 GEMM on x86: dfq's Halide qgemm against oneDNN, docs/results/x86.md.

    /usr/bin/python3 bench/x86_gemm.py [--threads 1 2] [--min-time 0.5]

Runs build/bin/dfq-bench-x86-gemm (Google Benchmark) once per thread count,
with HL_NUM_THREADS and OMP_NUM_THREADS set to it, and reports GOPS
(2 N^3 operations per N x N x N product) and the ratio dfq / oneDNN measured
in the same run. dfq's kernel includes the requantization to u8; oneDNN's
u8s8s32 matmul stops at int32.
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


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", nargs="*", type=int, default=[1, 2])
    parser.add_argument("--min-time", type=float, default=0.5)
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "results", "x86.md"))
    args = parser.parse_args()
    lines = ["# x86 int8 GEMM against oneDNN", "",
             f"Made by `bench/x86_gemm.py` on {datetime.date.today()}, {cpu_name()}; "
             "best-effort Google Benchmark timings, dfq and oneDNN in the same process "
             "and run. GOPS count 2·N³ operations. **dfq baked**: the kernel "
             "`dfq-compile --target x86` builds for a gemm layer (`LayerKernel`: "
             "weights packed at compile time and baked in; u8 × s8 512-bit "
             "`vpdpbusd`, int32 accumulation, requantization to u8), JIT-compiled "
             "here, rows split over Halide's thread pool. **dfq runtime-packed**: "
             "the JIT `dfq.qgemm` whose weights are operands, packed 4-deep on "
             "every call. **oneDNN 2.6**: u8s8s32 matmul (no requantization "
             "epilogue).", "",
             "| threads | N | dfq baked GOPS | dfq runtime-packed GOPS | oneDNN GOPS | dfq baked / oneDNN |",
             "|---|---|---|---|---|---|"]
    for threads in args.threads:
        env = dict(os.environ, HL_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
        proc = subprocess.run([os.path.join(args.bin, "dfq-bench-x86-gemm"),
                               f"--benchmark_min_time={args.min_time}",
                               "--benchmark_format=json"],
                              check=True, capture_output=True, text=True, env=env)
        gops = {}
        for b in json.loads(proc.stdout)["benchmarks"]:
            name, size = b["name"].split("/")[:2]
            gops[(name, int(size))] = b["GOPS"]
        for size in sorted({s for _, s in gops}):
            baked, dfq = gops[("DfqBaked", size)], gops[("DfqQGemm", size)]
            peer = gops[("OneDnnMatmul", size)]
            lines.append(f"| {threads} | {size} | {baked:.1f} | {dfq:.1f} | {peer:.1f} | "
                         f"{baked / peer:.3f} |")
            print(f"threads {threads} N {size}: dfq baked {baked:.1f} runtime-packed "
                  f"{dfq:.1f} oneDNN {peer:.1f}", file=sys.stderr, flush=True)
    lines.append("")
    write_results(lines, args.out)


if __name__ == "__main__":
    main()
