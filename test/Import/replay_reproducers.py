#!/usr/bin/python3
"""Imports every model in a directory of fuzzer reproducers; fails on a crash.

    replay_reproducers.py DIR -- TOOL ARGS...   ({} = the file)

Each file under DIR is an input that once crashed dfq-import-fuzzer or hung
it. The tool must now accept or reject it (exit 0 or 1) within 60 s; any
other exit status, a signal or a timeout fails the run.
"""

import os
import subprocess
import sys


def main():
    split = sys.argv.index("--")
    directory = sys.argv[1]
    command = sys.argv[split + 1:]
    names = sorted(os.listdir(directory))
    failures = 0
    for name in names:
        path = os.path.join(directory, name)
        args = [path if a == "{}" else a for a in command]
        try:
            status = subprocess.run(args, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, timeout=60).returncode
        except subprocess.TimeoutExpired:
            status = "timeout"
        if status not in (0, 1):
            print(f"CRASH {name}: {status}")
            failures += 1
    print(f"{len(names)} reproducers: {failures} crashed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
