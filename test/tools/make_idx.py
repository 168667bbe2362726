#!/usr/bin/python3
"""Writes a small Fashion-MNIST-shaped IDX dataset (gzipped) for dfq-run tests.

    make_idx.py OUT_DIR [--count N] [--plain] [--truncate]

Images are deterministic patterns; label i is i % 10. --plain writes the IDX
files uncompressed; --truncate cuts the test image file short.
"""

import argparse
import gzip
import os
import struct

import numpy as np


def idx_bytes(array):
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    header += b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--plain", action="store_true")
    parser.add_argument("--truncate", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    n = args.count
    images = (np.arange(n * 28 * 28).reshape(n, 28, 28) * 7 % 256).astype(np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    for split in ("t10k", "train"):
        for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
            data = idx_bytes(array)
            if args.truncate and kind.startswith("images") and split == "t10k":
                data = data[: len(data) // 2]
            name = os.path.join(args.out, f"{split}-{kind}-ubyte")
            if args.plain:
                open(name, "wb").write(data)
            else:
                with gzip.open(name + ".gz", "wb") as f:
                    f.write(data)
    x = ((images.astype(np.float32) / np.float32(255) - np.float32(0.2860))
         / np.float32(0.3530))[:, None]
    np.save(os.path.join(args.out, "images.npy"), x)
    # What Inputs/affine-model.mlir computes: 0.001 * sum(x) + 0.1 * k.
    expected = (np.float32(0.001) * x.reshape(n, -1).sum(1, dtype=np.float64)[:, None]
                + np.float32(0.1) * np.arange(10)).astype(np.float32)
    np.save(os.path.join(args.out, "expected.npy"), expected)


if __name__ == "__main__":
    main()
