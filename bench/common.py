"""Helpers shared by the bench/ scripts."""

import json
import os
import platform
import subprocess

# Fashion-MNIST images in [0, 1], normalized as the zoo was trained: the
# model input's range, which calibration takes from the preprocessing.
INPUT_RANGE = f"input-min={-0.2860 / 0.3530} input-max={(1 - 0.2860) / 0.3530}"


def cpu_name():
    """The CPU model, for the header of every results table."""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def run(cmd, env=None):
    """Runs a command, raising on failure; stdout and stderr are captured."""
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)


def top1(bin_dir, model, limit=0, threads=2):
    """dfq-run's top-1 on the Fashion-MNIST test split (the first `limit`)."""
    cmd = [os.path.join(bin_dir, "dfq-run"), model, "--json", "--threads", str(threads)]
    if limit:
        cmd += ["--limit", str(limit)]
    return json.loads(run(cmd).stdout)["top1"]


def write_results(lines, out):
    """Prints a results page and writes it to `out`."""
    text = "\n".join(lines)
    print(text)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write(text)
