#!/usr/bin/python3
"""Copies a file cut short, as an interrupted copy or download leaves it.

    truncate_copy.py SRC DST [--fraction F] [--no-section-headers]

DST gets the first F (default 0.5) of SRC's bytes. --no-section-headers first
zeroes the ELF header's section header offset (e_shoff), as of a library
stripped of its section table, so that only the program headers can tell
that the file is short.
"""

import argparse
import struct


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("src")
    parser.add_argument("dst")
    parser.add_argument("--fraction", type=float, default=0.5)
    parser.add_argument("--no-section-headers", action="store_true")
    args = parser.parse_args()
    with open(args.src, "rb") as f:
        data = bytearray(f.read())
    if args.no_section_headers:
        assert data[:4] == b"\x7fELF" and data[4] == 2, "not a 64-bit ELF file"
        data[0x28:0x30] = struct.pack("<Q", 0)
    with open(args.dst, "wb") as f:
        f.write(data[: int(len(data) * args.fraction)])


if __name__ == "__main__":
    main()
