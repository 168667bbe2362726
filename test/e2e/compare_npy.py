#!/usr/bin/python3
"""Compares two .npy arrays: max |a - b| and argmax agreement along the last axis.

    compare_npy.py ACTUAL EXPECTED [--atol T] [--min-agree F]

Prints `max_abs_diff=... argmax_agree=k/n` and exits 1 when the tolerance or
the agreement fraction is not met.
"""

import argparse
import sys

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("actual")
    parser.add_argument("expected")
    parser.add_argument("--atol", type=float, default=1e-4)
    parser.add_argument("--min-agree", type=float, default=1.0)
    args = parser.parse_args()
    a, b = np.load(args.actual), np.load(args.expected)
    if a.shape != b.shape:
        print(f"shape mismatch: {a.shape} vs {b.shape}")
        return 1
    diff = float(np.max(np.abs(a.astype(np.float64) - b))) if a.size else 0.0
    a2, b2 = a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1])
    agree = int((a2.argmax(1) == b2.argmax(1)).sum())
    n = a2.shape[0]
    print(f"max_abs_diff={diff:.3g} argmax_agree={agree}/{n}")
    ok = diff <= args.atol and agree >= args.min_agree * n
    print("OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
