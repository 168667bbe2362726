#!/usr/bin/python3
"""Runs a tool on many corrupted copies of an ONNX model; fails on any crash.

    mutate_onnx.py MODEL.onnx WORK_DIR COUNT -- TOOL ARGS...   ({} = the file)

Each copy has a few bytes overwritten, truncated or duplicated at positions
drawn from a fixed seed. The tool may accept or reject a copy (exit 0 or 1);
any other exit status or a signal is a crash and fails the run.
"""

import os
import random
import subprocess
import sys


def main():
    split = sys.argv.index("--")
    model, work, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    command = sys.argv[split + 1:]
    data = open(model, "rb").read()
    rng = random.Random(1234)
    os.makedirs(work, exist_ok=True)
    outcomes = {0: 0, 1: 0}
    for i in range(count):
        mutated = bytearray(data)
        kind = i % 3
        if kind == 0:  # overwrite a few bytes
            for _ in range(rng.randint(1, 4)):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        elif kind == 1:  # truncate
            mutated = mutated[:rng.randrange(len(mutated))]
        else:  # duplicate a slice somewhere else
            a = rng.randrange(len(mutated))
            b = min(len(mutated), a + rng.randint(1, 64))
            at = rng.randrange(len(mutated))
            mutated[at:at] = mutated[a:b]
        path = os.path.join(work, f"mutant{i}.onnx")
        open(path, "wb").write(bytes(mutated))
        args = [path if a == "{}" else a for a in command]
        result = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if result.returncode not in (0, 1):
            print(f"CRASH on {path} (exit {result.returncode}):\n"
                  f"{result.stderr.decode(errors='replace')[-2000:]}")
            return 1
        outcomes[result.returncode] += 1
        os.remove(path)
    print(f"{count} mutants: {outcomes[0]} accepted, {outcomes[1]} rejected, 0 crashed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
