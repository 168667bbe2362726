#!/usr/bin/python3
"""Checks a dfq-compile output directory: report.json against model.mlir.

    check_report.py OUTDIR

- every quantized weight in the IR (dfq.qconstant, in program order) is one
  layer of the report, with the same weight bits and element count;
- each layer's input bits are those of the IR layer's quantized input;
- the totals are the sums of the layers, the average weight bits is
  bits / weights, and a budget in the report is met;
- report.html exists and names every layer.
Prints one line per check group and exits 1 on the first mismatch.
"""

import html
import json
import os
import re
import sys


def fail(message):
    print(f"MISMATCH: {message}")
    sys.exit(1)


def main():
    out = sys.argv[1]
    report = json.load(open(os.path.join(out, "report.json")))
    ir = open(os.path.join(out, "model.mlir")).read()
    weights = re.findall(
        r"dfq\.qconstant .*: tensor<([0-9x]+)x!quant\.uniform<i(\d):", ir)
    layers = report["layers"]
    if len(weights) != len(layers):
        fail(f"{len(weights)} quantized weights in the IR, {len(layers)} layers in the report")
    for (dims, bits), layer in zip(weights, layers):
        count = 1
        for d in dims.split("x"):
            count *= int(d)
        if int(bits) != layer["weight_bits"] or count != layer["weight_count"]:
            fail(f"{layer['name']}: IR has {count} weights of {bits} bits, report "
                 f"{layer['weight_count']} of {layer['weight_bits']}")
        if layer["weight_bytes"] != (count * int(bits) + 7) // 8:
            fail(f"{layer['name']}: weight bytes")
    print(f"layers: {len(layers)} match the IR")

    totals = report["totals"]
    bits = sum(l["weight_bits"] * l["weight_count"] for l in layers)
    count = sum(l["weight_count"] for l in layers)
    if totals["weights"] != count or totals["weight_bytes"] != sum(
            l["weight_bytes"] for l in layers) or totals["bops"] != sum(l["bops"] for l in layers):
        fail("totals are not the sums of the layers")
    if abs(totals["average_weight_bits"] - bits / count) > 1e-12:
        fail("average weight bits")
    budget = totals.get("budget")
    if budget:
        kind, value = budget["budget"].split(":")
        value = float(value)
        used = {"avg-bits": bits / count, "size": totals["weight_bytes"],
                "bops": totals["bops"]}[kind]
        if used > value + 1e-9 or not budget["met"]:
            fail(f"budget {budget['budget']} exceeded: {used}")
        print(f"budget: {budget['budget']} met ({used:.4g})")
    print(f"totals: {count} weights, {totals['average_weight_bits']:.4f} average bits")

    page = open(os.path.join(out, "report.html")).read()
    for layer in layers:
        if html.escape(layer["name"], quote=True) not in page:
            fail(f"report.html lacks {layer['name']}")
    print("report.html: every layer")


if __name__ == "__main__":
    main()
