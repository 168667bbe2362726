#!/usr/bin/env python3
"""ONNX Runtime int8 and float peers of dfq's x86 model library.

    .venv-bench/bin/python bench/ort_int8.py MODEL.onnx --workdir DIR \
        --calib calib.npy [--eval test.npy labels.npy] \
        [--bench BATCH THREADS RUNS WARMUP --images test.npy]

Run by bench/x86_models.py with the venv of scripts/setup-bench.sh (ONNX
Runtime 1.32 needs NumPy 2, which Debian's PyTorch cannot share a process
with). Prints one JSON object on stdout.

Quantization (once per model and work directory, cached there as
MODEL.int8.onnx): BatchNormalization after Gemm folded into the Gemm (ORT
folds Conv+BatchNorm itself but not Gemm+BatchNorm; dfq folds both), giving
MODEL.float.onnx, the float peer; then `quant_pre_process` (ONNX shape inference and ORT's basic
graph optimizations, which fold BatchNorm into Conv), then `quantize_static`
with the calibration images of calib.npy through a CalibrationDataReader (one
image per calibration batch), QDQ format, MinMax ranges, per-channel weights,
QInt8 (signed, symmetric) weights and QUInt8 (unsigned, asymmetric)
activations, no reduced range.

Latency: an InferenceSession with intra_op_num_threads=THREADS,
inter_op_num_threads=1, sequential execution, all graph optimizations; the
input and output are bound once as OrtValues (IOBinding), so each timed call is
`run_with_iobinding` alone. The timed batches are the test images in order,
BATCH at a time (wrapping around), after WARMUP untimed ones; the median over
RUNS is reported.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod,
                                      QuantFormat, QuantType, quantize_static)
from onnxruntime.quantization.shape_inference import quant_pre_process

QUANT_CONFIG = {
    "format": "QDQ",
    "per_channel": True,
    "weight_type": "QInt8",
    "activation_type": "QUInt8",
    "calibrate_method": "MinMax",
    "reduce_range": False,
    "preprocess": "Gemm+BatchNorm folded; quant_pre_process (shape inference, basic ORT optimizations)",
}


class ImageReader(CalibrationDataReader):
    def __init__(self, input_name, images):
        self.input_name = input_name
        self.images = images
        self.i = 0

    def get_next(self):
        if self.i >= len(self.images):
            return None
        x = self.images[self.i:self.i + 1]
        self.i += 1
        return {self.input_name: x}

    def rewind(self):
        self.i = 0


def input_name(path):
    return onnx.load(path, load_external_data=False).graph.input[0].name


def fold_gemm_bn(model, out):
    """Folds each BatchNormalization that alone consumes a Gemm into it.

    ORT's optimizer folds Conv+BatchNorm but not Gemm+BatchNorm; dfq folds
    both (dfq-fold-bn), so the peer gets the folded float graph. Returns the
    number of folds; the model is written to `out` either way.
    """
    from onnx import numpy_helper
    m = onnx.load(model)
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    users = {}
    for node in g.node:
        for name in node.input:
            users[name] = users.get(name, 0) + 1
    producer = {o: node for node in g.node for o in node.output}
    folded, drop = 0, []
    for bn in list(g.node):
        if bn.op_type != "BatchNormalization" or len(bn.output) != 1:
            continue
        gemm = producer.get(bn.input[0])
        if gemm is None or gemm.op_type != "Gemm" or users.get(bn.input[0]) != 1:
            continue
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in gemm.attribute}
        if attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0:
            continue
        if len(gemm.input) < 3 or not all(i in inits for i in list(gemm.input[1:3]) + list(bn.input[1:5])):
            continue
        w = numpy_helper.to_array(inits[gemm.input[1]]).astype(np.float64)
        b = numpy_helper.to_array(inits[gemm.input[2]]).astype(np.float64)
        gamma, beta, mean, var = (numpy_helper.to_array(inits[i]).astype(np.float64)
                                  for i in bn.input[1:5])
        eps = next((a.f for a in bn.attribute if a.name == "epsilon"), 1e-5)
        s = gamma / np.sqrt(var + eps)
        w = w * s[:, None] if attrs.get("transB", 0) else w * s[None, :]
        b = (np.broadcast_to(b, s.shape) - mean) * s + beta
        wname, bname = gemm.output[0] + ".folded_weight", gemm.output[0] + ".folded_bias"
        g.initializer.extend([numpy_helper.from_array(w.astype(np.float32), wname),
                              numpy_helper.from_array(b.astype(np.float32), bname)])
        gemm.input[1], gemm.input[2] = wname, bname
        gemm.output[0] = bn.output[0]
        drop.append(bn)
        folded += 1
    for node in drop:
        g.node.remove(node)
    # Initializers nothing reads any more.
    used = {i for node in g.node for i in node.input}
    for t in [t for t in g.initializer if t.name not in used]:
        g.initializer.remove(t)
    onnx.checker.check_model(m)
    onnx.save(m, out)
    return folded


def quantize(model, workdir, calib):
    """Returns (float model, int8 model, seconds or None when cached)."""
    base = os.path.splitext(os.path.basename(model))[0]
    fp = os.path.join(workdir, base + ".float.onnx")
    pre = os.path.join(workdir, base + ".pre.onnx")
    out = os.path.join(workdir, base + ".int8.onnx")
    if os.path.exists(out):
        return fp, out, None
    t0 = time.perf_counter()
    fold_gemm_bn(model, fp)
    quant_pre_process(fp, pre, skip_symbolic_shape=True)
    images = np.load(calib).astype(np.float32)
    quantize_static(pre, out, ImageReader(input_name(pre), images),
                    quant_format=QuantFormat.QDQ, per_channel=True,
                    weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8,
                    calibrate_method=CalibrationMethod.MinMax, reduce_range=False)
    return fp, out, time.perf_counter() - t0


def session(path, threads):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


def top1(path, images, labels, threads=2, batch=500):
    sess = session(path, threads)
    name = sess.get_inputs()[0].name
    correct = 0
    for i in range(0, len(images), batch):
        logits = sess.run(None, {name: images[i:i + batch]})[0]
        correct += int((logits.argmax(1) == labels[i:i + batch]).sum())
    return correct / len(images)


def latency(path, images, batch, threads, runs, warmup):
    sess = session(path, threads)
    name = sess.get_inputs()[0].name
    out_name = sess.get_outputs()[0].name
    # The batches, prepared beforehand: the test images in order.
    n = len(images)
    batches = []
    for r in range(min(runs, max(1, n // batch))):
        idx = np.arange(r * batch, (r + 1) * batch) % n
        batches.append(ort.OrtValue.ortvalue_from_numpy(np.ascontiguousarray(images[idx])))
    out = ort.OrtValue.ortvalue_from_shape_and_type(
        [batch] + list(sess.run(None, {name: images[:1]})[0].shape[1:]), np.float32)
    binding = sess.io_binding()
    binding.bind_ortvalue_output(out_name, out)
    ms = []
    for r in range(warmup + runs):
        binding.bind_ortvalue_input(name, batches[r % len(batches)])
        t0 = time.perf_counter()
        sess.run_with_iobinding(binding)
        t1 = time.perf_counter()
        if r >= warmup:
            ms.append((t1 - t0) * 1e3)
    return float(np.median(ms))


def macs_per_image(path):
    """Multiply-accumulates of the Conv, Gemm and MatMul nodes for one image."""
    model = onnx.load(path)
    inp = model.graph.input[0].type.tensor_type.shape.dim[0]
    inp.ClearField("dim_param")
    inp.dim_value = 1
    model = onnx.shape_inference.infer_shapes(model)
    shapes = {}
    for v in list(model.graph.value_info) + list(model.graph.output) + list(model.graph.input):
        shapes[v.name] = [d.dim_value for d in v.type.tensor_type.shape.dim]
    for t in model.graph.initializer:
        shapes[t.name] = list(t.dims)
    macs = 0
    for node in model.graph.node:
        if node.op_type == "Conv":
            w = shapes[node.input[1]]
            macs += int(np.prod(shapes[node.output[0]])) * int(np.prod(w[1:]))
        elif node.op_type in ("Gemm", "MatMul"):
            a, y = shapes[node.input[0]], shapes[node.output[0]]
            trans_a = any(at.name == "transA" and at.i for at in node.attribute)
            k = a[0] if trans_a and node.op_type == "Gemm" else a[-1]
            macs += int(np.prod(y)) * k
    return macs


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--calib", required=True, help="calibration images [N,1,28,28] .npy")
    parser.add_argument("--eval", nargs=2, metavar=("IMAGES", "LABELS"))
    parser.add_argument("--images", help="timed images .npy")
    parser.add_argument("--bench", nargs=4, type=int, action="append", default=[],
                        metavar=("BATCH", "THREADS", "RUNS", "WARMUP"))
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    fp, int8, quant_s = quantize(args.model, args.workdir, args.calib)
    result = {"onnxruntime": ort.__version__, "onnx": onnx.__version__,
              "numpy": np.__version__, "quantization": QUANT_CONFIG,
              "int8_model": int8}
    if quant_s is not None:
        result["quantize_s"] = quant_s
        result["macs_per_image"] = macs_per_image(args.model)
        ops = {}
        for node in onnx.load(int8).graph.node:
            ops[node.op_type] = ops.get(node.op_type, 0) + 1
        result["int8_ops"] = ops
    if args.eval:
        images = np.load(args.eval[0]).astype(np.float32)
        labels = np.load(args.eval[1])
        result["top1_int8"] = top1(int8, images, labels)
        result["top1_float"] = top1(fp, images, labels)
    if args.bench:
        images = np.load(args.images).astype(np.float32)
        result["bench"] = []
        for batch, threads, runs, warmup in args.bench:
            result["bench"].append({
                "batch": batch, "threads": threads, "runs": runs,
                "int8_ms": latency(int8, images, batch, threads, runs, warmup),
                "float_ms": latency(fp, images, batch, threads, runs, warmup)})
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
