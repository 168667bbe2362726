#!/usr/bin/python3
"""Prints a model's fingerprint as dfq defines it, computed independently of
dfq (include/dfq/Support/ModelFingerprint.h): SHA-256 of the model.mlir
bytes, a NUL byte and the target name, in lower-case hex.

    model_fingerprint.py MODEL.mlir TARGET
"""

import hashlib
import sys


def main():
    model, target = sys.argv[1:]
    with open(model, "rb") as f:
        text = f.read()
    print(hashlib.sha256(text + b"\0" + target.encode()).hexdigest())


if __name__ == "__main__":
    main()
