#!/usr/bin/python3
"""Checks that dfq runs the zoo models exactly as PyTorch does.

    /usr/bin/python3 models/check_zoo.py [--dfq-run build/bin/dfq-run] [MODEL...]

For each model: rebuilds the PyTorch module from the ONNX file's own
initializers, computes its logits on the 10,000 Fashion-MNIST test images,
runs `dfq-run MODEL.onnx --output` (import + reference interpreter) on the same
images, and compares. Acceptance (issue 4): identical predictions on at least
9,990 images, max |logit difference| < 1e-3, and the model's own top-1
floor (MIN_TOP1). Prints a Markdown table and
exits 1 if any model misses.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

# The float top-1 each zoo model must reach (issue 4).
MIN_TOP1 = {"resnet": 0.92, "mobilenetv2": 0.90, "mlp": 0.88}

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import zoo  # noqa: E402


def torch_logits(name, path, x):
    model = zoo.load_onnx_weights(zoo.ZOO[name](), path).eval()
    out = []
    with torch.no_grad():
        for i in range(0, x.shape[0], 1000):
            out.append(model(x[i:i + 1000]))
    return torch.cat(out).numpy()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", default=list(zoo.ZOO))
    parser.add_argument("--dfq-run", default=os.path.join(HERE, "..", "build", "bin", "dfq-run"))
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    x, y = zoo.load_fmnist("test")
    labels = y.numpy()
    rows, ok = [], True
    for name in args.models:
        path = os.path.join(HERE, f"{name}.onnx")
        expected = torch_logits(name, path, x)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "logits.npy")
            run = subprocess.run([args.dfq_run, path, "--output", out, "--json",
                                  "--threads", str(args.threads)],
                                 check=True, capture_output=True, text=True)
            report = json.loads(run.stdout)
            got = np.load(out)
        same = int((got.argmax(1) == expected.argmax(1)).sum())
        diff = float(np.abs(got.astype(np.float64) - expected).max())
        torch_top1 = float((expected.argmax(1) == labels).mean())
        passed = (same >= 9990 and diff < 1e-3
                  and report["top1"] >= MIN_TOP1.get(name, 0.0))
        ok &= passed
        rows.append((name, torch_top1, report["top1"], same, diff, report["images_per_s"],
                     "yes" if passed else "NO"))
    print("| model | PyTorch top-1 | dfq-run top-1 | identical predictions | "
          "max abs logit diff | dfq-run images/s | pass |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.4f} | {r[2]:.4f} | {r[3]}/10000 | {r[4]:.2e} | {r[5]:.0f} | {r[6]} |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
