#!/usr/bin/python3
"""The CUDA backend's benchmark and verification kit: docs/results/cuda-howto.md.

    /usr/bin/python3 bench/cuda/gpu_bench.py --out DIR --peers PEERS_BINARY
        [--budget 450] [--models resnet mobilenetv2 mlp] [--batch 256]
        [--images 10000] [--calib none] [--bin build/bin] [--target cuda-sm90]

Run by bench/cuda/run_gpu.sh (which builds PEERS_BINARY from peers.cu) on a
machine with one NVIDIA GPU. Standard library only; NumPy, onnx and PyTorch
are used when they import and their steps are skipped, with a record saying
so, when they do not. Every record goes to DIR/cuda-results.jsonl (one JSON
object per line, each with a "step"); DIR/cuda-summary.md gets the tables,
which are also printed. Steps, in this order, each under a `timeout` cut to
what is left of --budget seconds:

1. device   nvidia-smi: name, compute capability (sm_8x -> --target
            cuda-sm80, sm_9x and later -> cuda-sm90), driver.
2. peers    the peers binary: cuBLASLt int8 GEMM at 4096^3 and at the zoo's
            gemm layers, cuDNN int8 (and fp16) convolution at the zoo's conv
            layers, all at batch --batch (shapes read from the ONNX files with
            the onnx package, else from the table below, which mirrors
            models/zoo.py).
3. dfq      when build/bin/dfq-compile and dfq-run exist, per zoo model:
              dfq-compile MODEL.onnx -o W/MODEL --target T --calib C
              dfq-run W/MODEL --batch B --limit I --json --output lib.npy
              dfq-run W/MODEL --executor ref --batch B --limit I --json
                      --output ref.npy --threads NCPU
              dfq-run W/MODEL --batch B --limit I --json --profile
            The library and the reference interpreter run the same
            model.mlir (dfq-compile writes it next to the library), so their
            outputs must agree bit for bit; the profile's kernel steps, named
            after the ONNX nodes, give each conv layer's time at batch B.
4. torch    PyTorch fp16 with CUDA graphs on the zoo modules of
            models/zoo.py (weights from the ONNX files), in a subprocess:
            the graph replay alone, and the replay with the host float
            input's copy in and the logits' copy out (what dfq-run's
            latency_ms covers: the time around the library call).
5. dfq kernels  build/bin/dfq-bench-cuda (bench/cuda/KernelBench.cpp),
            called with the peers binary's arguments and printing the same
            JSON lines; otherwise a one-Gemm ONNX model
            (4096 -> 4096, batch 4096) compiled like the zoo and profiled, for
            dfq's time of the 4096^3 GEMM.

Ratios are speeds: peer time / dfq time, above 1 when dfq is faster.
"""

import argparse
import ast
import datetime
import json
import math
import os
import shlex
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from array import array

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODELS = os.path.join(ROOT, "models")

# The zoo's layers when the onnx package is missing: (node, op, C, H, W, O,
# KH, KW, stride, pad, groups) for Conv and (node, op, K, N) for Gemm, read
# from models/*.onnx (Conv pads are symmetric and square in all of them).
ZOO_FALLBACK = {
    "resnet": [
        ("/stem/stem.0/stem.0.0/Conv", "Conv", 1, 28, 28, 16, 3, 3, 1, 1, 1),
        ("/stages/stages.0/conv1/conv1.0/Conv", "Conv", 16, 28, 28, 16, 3, 3, 1, 1, 1),
        ("/stages/stages.0/conv2/conv2.0/Conv", "Conv", 16, 28, 28, 16, 3, 3, 1, 1, 1),
        ("/stages/stages.1/conv1/conv1.0/Conv", "Conv", 16, 28, 28, 16, 3, 3, 1, 1, 1),
        ("/stages/stages.1/conv2/conv2.0/Conv", "Conv", 16, 28, 28, 16, 3, 3, 1, 1, 1),
        ("/stages/stages.2/conv1/conv1.0/Conv", "Conv", 16, 28, 28, 32, 3, 3, 2, 1, 1),
        ("/stages/stages.2/conv2/conv2.0/Conv", "Conv", 32, 14, 14, 32, 3, 3, 1, 1, 1),
        ("/stages/stages.2/shortcut/shortcut.0/Conv", "Conv", 16, 28, 28, 32, 1, 1, 2, 0, 1),
        ("/stages/stages.3/conv1/conv1.0/Conv", "Conv", 32, 14, 14, 32, 3, 3, 1, 1, 1),
        ("/stages/stages.3/conv2/conv2.0/Conv", "Conv", 32, 14, 14, 32, 3, 3, 1, 1, 1),
        ("/stages/stages.4/conv1/conv1.0/Conv", "Conv", 32, 14, 14, 64, 3, 3, 2, 1, 1),
        ("/stages/stages.4/conv2/conv2.0/Conv", "Conv", 64, 7, 7, 64, 3, 3, 1, 1, 1),
        ("/stages/stages.4/shortcut/shortcut.0/Conv", "Conv", 32, 14, 14, 64, 1, 1, 2, 0, 1),
        ("/stages/stages.5/conv1/conv1.0/Conv", "Conv", 64, 7, 7, 64, 3, 3, 1, 1, 1),
        ("/stages/stages.5/conv2/conv2.0/Conv", "Conv", 64, 7, 7, 64, 3, 3, 1, 1, 1),
        ("/fc/Gemm", "Gemm", 64, 10),
    ],
    "mobilenetv2": [
        ("/stem/stem.0/stem.0.0/Conv", "Conv", 1, 28, 28, 16, 3, 3, 2, 1, 1),
        ("/blocks/blocks.0/body/body.0/body.0.0/Conv", "Conv", 16, 14, 14, 16, 3, 3, 1, 1, 16),
        ("/blocks/blocks.0/body/body.2/body.2.0/Conv", "Conv", 16, 14, 14, 16, 1, 1, 1, 0, 1),
        ("/blocks/blocks.1/body/body.0/body.0.0/Conv", "Conv", 16, 14, 14, 64, 1, 1, 1, 0, 1),
        ("/blocks/blocks.1/body/body.2/body.2.0/Conv", "Conv", 64, 14, 14, 64, 3, 3, 1, 1, 64),
        ("/blocks/blocks.1/body/body.4/body.4.0/Conv", "Conv", 64, 14, 14, 24, 1, 1, 1, 0, 1),
        ("/blocks/blocks.2/body/body.0/body.0.0/Conv", "Conv", 24, 14, 14, 96, 1, 1, 1, 0, 1),
        ("/blocks/blocks.2/body/body.2/body.2.0/Conv", "Conv", 96, 14, 14, 96, 3, 3, 1, 1, 96),
        ("/blocks/blocks.2/body/body.4/body.4.0/Conv", "Conv", 96, 14, 14, 24, 1, 1, 1, 0, 1),
        ("/blocks/blocks.3/body/body.0/body.0.0/Conv", "Conv", 24, 14, 14, 96, 1, 1, 1, 0, 1),
        ("/blocks/blocks.3/body/body.2/body.2.0/Conv", "Conv", 96, 14, 14, 96, 3, 3, 2, 1, 96),
        ("/blocks/blocks.3/body/body.4/body.4.0/Conv", "Conv", 96, 7, 7, 32, 1, 1, 1, 0, 1),
        ("/blocks/blocks.4/body/body.0/body.0.0/Conv", "Conv", 32, 7, 7, 128, 1, 1, 1, 0, 1),
        ("/blocks/blocks.4/body/body.2/body.2.0/Conv", "Conv", 128, 7, 7, 128, 3, 3, 1, 1, 128),
        ("/blocks/blocks.4/body/body.4/body.4.0/Conv", "Conv", 128, 7, 7, 32, 1, 1, 1, 0, 1),
        ("/blocks/blocks.5/body/body.0/body.0.0/Conv", "Conv", 32, 7, 7, 128, 1, 1, 1, 0, 1),
        ("/blocks/blocks.5/body/body.2/body.2.0/Conv", "Conv", 128, 7, 7, 128, 3, 3, 1, 1, 128),
        ("/blocks/blocks.5/body/body.4/body.4.0/Conv", "Conv", 128, 7, 7, 64, 1, 1, 1, 0, 1),
        ("/head/head.0/head.0.0/Conv", "Conv", 64, 7, 7, 256, 1, 1, 1, 0, 1),
        ("/fc/Gemm", "Gemm", 256, 10),
    ],
    "mlp": [
        ("/net/net.1/Gemm", "Gemm", 784, 256),
        ("/net/net.4/Gemm", "Gemm", 256, 128),
        ("/net/net.7/Gemm", "Gemm", 128, 10),
    ],
}

# Binaries of kernel-level timings (dfq-bench-cuda: bench/cuda/KernelBench.cpp);
# each is called with the peers binary's command line and is expected to print the same
# JSON lines ({"m","n","k","ms"} per GEMM, {"layer","ms"} per convolution).
DFQ_KERNEL_BENCHES = ["dfq-bench-cuda", "dfq-bench-cuda-gemm", "dfq-bench-cuda-layers"]

INT8_CONV_CONFIGS = ("int8", "int8_f32out", "int8x32")


# ---------------------------------------------------------------------------
# Plumbing: records, logs, commands under the time budget
# ---------------------------------------------------------------------------

class Kit:
    def __init__(self, out, budget):
        self.out = out
        self.logs = os.path.join(out, "logs")
        os.makedirs(self.logs, exist_ok=True)
        self.results = os.path.join(out, "cuda-results.jsonl")
        self.deadline = time.monotonic() + budget
        self.records = []
        # A fresh file per run: records of an older run must not mix in.
        open(self.results, "w").close()

    def left(self):
        return self.deadline - time.monotonic()

    def record(self, step, fields=None, **kw):
        """Appends one record to the JSONL file (and logs a line of it).
        `fields` may be a line another program printed: its own "step" key,
        if any, gives way to ours."""
        rec = {"step": step}
        rec.update({k: _finite(v) for k, v in dict(fields or {}, **kw).items() if k != "step"})
        self.records.append(rec)
        with open(self.results, "a") as f:
            f.write(json.dumps(rec, sort_keys=False) + "\n")
        tag = "error" if "error" in rec else ("skipped" if "skipped" in rec else "ok")
        brief = {k: v for k, v in rec.items() if k not in ("steps", "raw", "kernels")}
        log(f"[{tag}] {json.dumps(brief)[:400]}")
        return rec

    def run(self, name, cmd, timeout, env=None):
        """Runs cmd with a timeout cut to the budget; returns a dict with rc,
        stdout, stderr, seconds and timed_out (rc None when skipped)."""
        limit = min(timeout, self.left() - 5)
        if limit < 5:
            return {"rc": None, "stdout": "", "stderr": "", "seconds": 0,
                    "timed_out": False, "skipped": "time budget spent"}
        log(f"$ {' '.join(shlex.quote(c) for c in cmd)}  (timeout {limit:.0f} s)")
        t0 = time.monotonic()
        timed_out = False
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit,
                                  env=dict(os.environ, **(env or {})))
            rc, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired as e:
            # What the command printed before it was killed still counts:
            # the peers binary flushes every measurement as it goes.
            timed_out, rc = True, 124
            stdout = _text(e.stdout)
            stderr = _text(e.stderr)
        except OSError as e:
            rc, stdout, stderr = 127, "", str(e)
        seconds = time.monotonic() - t0
        with open(os.path.join(self.logs, name + ".log"), "w") as f:
            f.write(f"$ {' '.join(shlex.quote(c) for c in cmd)}\n# rc {rc}, {seconds:.1f} s"
                    f"{', timed out' if timed_out else ''}\n--- stdout\n{stdout[-200000:]}\n"
                    f"--- stderr\n{stderr[-200000:]}\n")
        return {"rc": rc, "stdout": stdout, "stderr": stderr, "seconds": round(seconds, 2),
                "timed_out": timed_out}


def _finite(v):
    """JSON has no NaN or infinity; they become null."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _text(data):
    if data is None:
        return ""
    return data.decode(errors="replace") if isinstance(data, bytes) else data


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def json_lines(text):
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def last_json(text):
    lines = json_lines(text)
    return lines[-1] if lines else None


def failure(res):
    """Why a command result is a failure, or None."""
    if res.get("skipped"):
        return res["skipped"]
    if res["timed_out"]:
        return f"timed out after {res['seconds']} s"
    if res["rc"] != 0:
        tail = (res["stderr"].strip() or res["stdout"].strip()).splitlines()[-3:]
        return f"exit status {res['rc']}: " + " | ".join(tail)
    return None


def optional(module):
    try:
        return __import__(module)
    except Exception:  # noqa: BLE001 - a broken install is as good as none
        return None


# ---------------------------------------------------------------------------
# .npy without NumPy (float32, C order), so comparisons work either way
# ---------------------------------------------------------------------------

def read_npy(path):
    """(shape, flat float list or NumPy array) of a float32 .npy file."""
    np = optional("numpy")
    if np is not None:
        a = np.load(path)
        return list(a.shape), a.astype(np.float32).reshape(-1)
    with open(path, "rb") as f:
        magic = f.read(6)
        if magic != b"\x93NUMPY":
            raise ValueError(f"{path}: not a .npy file")
        major = f.read(2)[0]
        hlen = struct.unpack("<H" if major == 1 else "<I", f.read(2 if major == 1 else 4))[0]
        header = ast.literal_eval(f.read(hlen).decode("latin1"))
        if header["descr"] not in ("<f4", "=f4") or header["fortran_order"]:
            raise ValueError(f"{path}: expected C-order float32, got {header}")
        data = array("f")
        data.frombytes(f.read())
        return list(header["shape"]), data


def write_npy(path, shape, values):
    """Writes float32 values (an iterable or array('f')) as a .npy file."""
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
        "".join(f"{d}, " for d in shape))
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        data = values if isinstance(values, array) else array("f", values)
        f.write(data.tobytes())


def compare_outputs(lib_path, ref_path):
    """Agreement of two [N, classes] outputs: predictions, max |difference|,
    and whether every float is bit-identical."""
    lshape, a = read_npy(lib_path)
    rshape, b = read_npy(ref_path)
    if lshape != rshape:
        return {"error": f"output shapes differ: library {lshape}, interpreter {rshape}"}
    n = lshape[0] if lshape else 0
    classes = (len(a) // n) if n else 0
    np = optional("numpy")
    if np is not None:
        a2, b2 = a.reshape(n, classes), b.reshape(n, classes)
        agree = int((a2.argmax(1) == b2.argmax(1)).sum())
        diff = np.abs(a2.astype(np.float64) - b2.astype(np.float64))
        max_diff = float(np.nanmax(diff)) if diff.size else 0.0
        nan = bool(np.isnan(a2).any() or np.isnan(b2).any())
        bitexact = a2.tobytes() == b2.tobytes()
    else:
        agree, max_diff, nan = 0, 0.0, False
        for i in range(n):
            ra, rb = a[i * classes:(i + 1) * classes], b[i * classes:(i + 1) * classes]
            agree += max(range(classes), key=ra.__getitem__) == max(range(classes), key=rb.__getitem__)
            for x, y in zip(ra, rb):
                if math.isnan(x) or math.isnan(y):
                    nan = True
                else:
                    max_diff = max(max_diff, abs(x - y))
        bitexact = a.tobytes() == b.tobytes()
    return {"samples": n, "classes": classes, "predictions_agree": agree,
            "max_abs_diff": max_diff, "bitexact": bitexact, "nan": nan}


# ---------------------------------------------------------------------------
# The zoo's layers
# ---------------------------------------------------------------------------

def zoo_models(names):
    """The models to run, CNNs first: the acceptance targets are theirs, so
    they go first when the time budget runs short."""
    found = sorted(os.path.splitext(f)[0] for f in os.listdir(MODELS) if f.endswith(".onnx"))
    chosen = [m for m in (names or found) if m in found]
    return sorted(chosen, key=lambda m: (m not in ("resnet", "mobilenetv2"), m))


def zoo_layers(model):
    """The model's Conv and Gemm layers, from its ONNX file when the onnx
    package imports, else from ZOO_FALLBACK. Each is a dict with node, op and
    the shape (batch left out)."""
    onnx = optional("onnx")
    path = os.path.join(MODELS, model + ".onnx")
    if onnx is None:
        if model not in ZOO_FALLBACK:
            return None, "onnx is not importable and the model is not in the fallback table"
        return [_layer_dict(t) for t in ZOO_FALLBACK[model]], "fallback table"
    try:
        from onnx import helper, shape_inference
        graph = shape_inference.infer_shapes(onnx.load(path)).graph
    except Exception as e:  # noqa: BLE001
        if model in ZOO_FALLBACK:
            return [_layer_dict(t) for t in ZOO_FALLBACK[model]], f"fallback table ({e})"
        return None, f"onnx could not read {path}: {e}"
    shapes = {}
    for v in list(graph.input) + list(graph.value_info) + list(graph.output):
        dims = v.type.tensor_type.shape.dim
        shapes[v.name] = [d.dim_value if d.HasField("dim_value") else None for d in dims]
    inits = {t.name: list(t.dims) for t in graph.initializer}
    # Shared initializers reach their users through Identity nodes.
    for node in graph.node:
        if node.op_type == "Identity" and node.input[0] in inits:
            inits[node.output[0]] = inits[node.input[0]]
    layers = []
    for node in graph.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == "Conv":
            x, w = shapes.get(node.input[0]), inits.get(node.input[1])
            if not x or len(x) != 4 or not w or len(w) != 4 or None in x[1:]:
                continue
            pads = list(attrs.get("pads", [0, 0, 0, 0]))
            strides = list(attrs.get("strides", [1, 1]))
            dil = list(attrs.get("dilations", [1, 1]))
            if len(set(pads)) != 1 or len(set(strides)) != 1 or dil != [1, 1]:
                continue  # peers take square padding and stride only
            layers.append({"node": node.name, "op": "Conv", "c": x[1], "h": x[2], "w": x[3],
                           "o": w[0], "kh": w[2], "kw": w[3], "stride": strides[0],
                           "pad": pads[0], "groups": int(attrs.get("group", 1))})
        elif node.op_type == "Gemm":
            w = inits.get(node.input[1])
            if not w or len(w) != 2:
                continue
            n, k = (w[0], w[1]) if attrs.get("transB", 0) else (w[1], w[0])
            layers.append({"node": node.name, "op": "Gemm", "k": k, "n": n})
        elif node.op_type == "MatMul":
            w = inits.get(node.input[1])
            if w and len(w) == 2:
                layers.append({"node": node.name, "op": "Gemm", "k": w[0], "n": w[1]})
    return layers, "onnx"


def _layer_dict(t):
    if t[1] == "Conv":
        keys = ("node", "op", "c", "h", "w", "o", "kh", "kw", "stride", "pad", "groups")
    else:
        keys = ("node", "op", "k", "n")
    return dict(zip(keys, t))


def conv_text(layer, batch):
    """The peers binary's --conv argument (and the key its lines carry)."""
    return ",".join(str(v) for v in (batch, layer["c"], layer["h"], layer["w"], layer["o"],
                                     layer["kh"], layer["kw"], layer["stride"], layer["pad"],
                                     layer["groups"]))


def round4(v):
    return (v + 3) // 4 * 4


def gemm_shape(layer, batch):
    """(M, N, K) of a gemm layer at this batch, N and K rounded up to
    multiples of 4 (cuBLASLt int8's leading dimensions must be; the peer does
    a little more work, never less)."""
    return (batch, round4(layer["n"]), round4(layer["k"]))


# ---------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------

def step_device(kit, args):
    """nvidia-smi's view of GPU 0; the dfq target follows its compute capability."""
    info = {}
    smi = shutil.which("nvidia-smi")
    if smi:
        res = kit.run("nvidia-smi-query", [smi, "--query-gpu=name,compute_cap,driver_version,"
                                           "memory.total,clocks.max.sm", "--format=csv,noheader"], 30)
        if res["rc"] == 0 and res["stdout"].strip():
            parts = [p.strip() for p in res["stdout"].strip().splitlines()[0].split(",")]
            info = dict(zip(("name", "cc", "driver", "memory", "max_sm_clock"), parts))
        else:
            # Older drivers lack compute_cap; the name alone still helps.
            res = kit.run("nvidia-smi-name", [smi, "--query-gpu=name,driver_version",
                                              "--format=csv,noheader"], 30)
            if res["rc"] == 0 and res["stdout"].strip():
                parts = [p.strip() for p in res["stdout"].strip().splitlines()[0].split(",")]
                info = dict(zip(("name", "driver"), parts))
    if not info:
        return kit.record("device", error="no GPU: nvidia-smi is missing or lists no device")
    return kit.record("device", **info)


def choose_target(args, device, peers_device):
    if args.target:
        return args.target, "given"
    cc = device.get("cc") or (peers_device or {}).get("cc")
    if not cc:
        return "cuda-sm90", "compute capability unknown; assumed 9.x"
    try:
        major = int(str(cc).split(".")[0])
    except ValueError:
        return "cuda-sm90", f"compute capability '{cc}' unreadable; assumed 9.x"
    if major == 8:
        return "cuda-sm80", f"compute capability {cc}"
    if major >= 9:
        return "cuda-sm90", f"compute capability {cc}"
    return None, f"compute capability {cc}: dfq's CUDA targets need 8.0 or later"


def peer_arguments(layers_by_model, batch):
    """The peers command line for the 4096^3 GEMM plus every distinct zoo
    gemm and conv shape at this batch; and which nodes each shape stands for."""
    gemms, convs = {}, {}
    for model, layers in layers_by_model.items():
        for layer in layers:
            if layer["op"] == "Conv":
                convs.setdefault(conv_text(layer, batch), []).append((model, layer["node"]))
            else:
                gemms.setdefault(gemm_shape(layer, batch), []).append((model, layer["node"]))
    gemms.pop((4096, 4096, 4096), None)  # always timed (the default)
    cmd = []
    for m, n, k in gemms:
        cmd += ["--gemm", f"{m},{n},{k}"]
    for text in convs:
        cmd += ["--conv", text]
    return cmd, gemms, convs


def step_peers(kit, args, peer_args):
    if not args.peers or not os.access(args.peers, os.X_OK):
        kit.record("peers", skipped=f"no peers binary at {args.peers!r} (run_gpu.sh builds it)")
        return []
    lines = []
    # GEMMs and convolutions in two calls, so that a hang in one library does
    # not cost the other's numbers.
    gemm_args = [a for i, a in enumerate(peer_args)
                 if a == "--gemm" or (i > 0 and peer_args[i - 1] == "--gemm")]
    conv_args = [a for i, a in enumerate(peer_args)
                 if a == "--conv" or (i > 0 and peer_args[i - 1] == "--conv")]
    for name, cmd, timeout in (
            ("peers-gemm", [args.peers, "--runs", "30"] + gemm_args, 120),
            ("peers-conv", [args.peers, "--no-default-gemm", "--runs", "30"] + conv_args, 180)):
        res = kit.run(name, cmd, timeout)
        got = json_lines(res["stdout"])
        for rec in got:
            kit.record("peers", rec)
        lines += got
        why = failure(res)
        if why:
            kit.record("peers", call=name, error=why)
    return lines


def dataset_args(kit, args, work):
    """dfq-run's input: the Fashion-MNIST test split when its files exist (top-1
    then counts), else random images in a .npy file (timing and bit-exactness
    only)."""
    fdir = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")
    if all(os.path.exists(os.path.join(fdir, f)) for f in
           ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")):
        return ["--limit", str(args.images)], "fashion-mnist:test"
    path = os.path.join(work, "random-images.npy")
    import random
    rng = random.Random(0)
    n = args.images
    # Normalized like the dataset: (pixel - 0.2860) / 0.3530, pixel in [0, 1].
    write_npy(path, [n, 1, 28, 28],
              array("f", ((rng.random() - 0.2860) / 0.3530 for _ in range(n * 784))))
    kit.record("dataset", note=f"no Fashion-MNIST in {fdir}; {n} random images instead")
    return ["--input", path], "random"


def step_dfq_model(kit, args, model, target, data_args, work):
    """Compile one zoo model for the GPU, run library and interpreter on the
    same images, compare, and profile the library. Returns a dict of what was
    measured (for the summary)."""
    bin_dir = args.bin
    out_dir = os.path.join(work, f"{model}-{target}")
    onnx_path = os.path.join(MODELS, model + ".onnx")
    row = {"model": model, "target": target}
    extra = shlex.split(os.environ.get("DFQ_COMPILE_FLAGS", ""))
    cmd = [os.path.join(bin_dir, "dfq-compile"), onnx_path, "-o", out_dir, "--target", target,
           "--calib", args.calib] + extra
    res = kit.run(f"{model}-compile", cmd, args.compile_timeout)
    why = failure(res)
    report = None
    try:
        with open(os.path.join(out_dir, "report.json")) as f:
            report = json.load(f)
    except (OSError, ValueError):
        pass
    library = report.get("library") if isinstance(report, dict) else None
    kit.record("compile", model=model, target=target, seconds=res["seconds"],
               command=" ".join(shlex.quote(c) for c in cmd),
               library=library if isinstance(library, dict) else None,
               files=sorted(os.listdir(out_dir)) if os.path.isdir(out_dir) else [],
               **({"error": why} if why else {}))
    if why:
        row["error"] = "compile: " + why
        return row

    run_bin = os.path.join(bin_dir, "dfq-run")
    batch = ["--batch", str(args.batch)]
    lib_npy, ref_npy = os.path.join(work, f"{model}-lib.npy"), os.path.join(work, f"{model}-ref.npy")

    res = kit.run(f"{model}-run-library", [run_bin, out_dir] + batch + data_args +
                  ["--json", "--output", lib_npy], args.run_timeout)
    why, lib = failure(res), last_json(res["stdout"])
    kit.record("run", model=model, executor_asked="auto", seconds=res["seconds"],
               result=lib, **({"error": why} if why else {}))
    if why or not lib:
        row["error"] = "library run: " + (why or "no JSON on stdout")
        return row
    row["lib"] = lib
    if lib.get("executor") == "ref":
        # dfq-run found no library in the directory and fell back to the
        # interpreter: the comparison below would compare it with itself.
        row["error"] = "dfq-run ran the interpreter: the output directory has no GPU library"
        kit.record("run", model=model, error=row["error"])
        return row

    res = kit.run(f"{model}-run-interpreter", [run_bin, out_dir, "--executor", "ref"] + batch +
                  data_args + ["--json", "--output", ref_npy, "--threads", str(os.cpu_count() or 1)],
                  args.ref_timeout)
    why, ref = failure(res), last_json(res["stdout"])
    kit.record("run", model=model, executor_asked="ref", seconds=res["seconds"], result=ref,
               **({"error": why} if why else {}))
    if not why and ref:
        row["ref"] = ref
        try:
            cmp = compare_outputs(lib_npy, ref_npy)
        except Exception as e:  # noqa: BLE001
            cmp = {"error": f"comparing outputs: {e}"}
        row["compare"] = cmp
        kit.record("compare", cmp, model=model)
    else:
        row["compare"] = {"error": "interpreter run: " + (why or "no JSON on stdout")}

    res = kit.run(f"{model}-profile", [run_bin, out_dir] + batch + data_args +
                  ["--json", "--profile"], args.run_timeout)
    why, prof = failure(res), last_json(res["stdout"])
    profile = (prof or {}).get("profile")
    kit.record("profile", model=model, seconds=res["seconds"],
               latency_ms=(prof or {}).get("latency_ms"),
               by_kind=(profile or {}).get("by_kind"),
               ms_per_batch=(profile or {}).get("ms_per_batch"),
               batches=(profile or {}).get("batches"),
               steps=(profile or {}).get("steps"),
               **({"error": why or "no profile in the JSON"} if (why or not profile) else {}))
    if profile:
        row["profile"] = profile
    for f in (lib_npy, ref_npy):
        if os.path.exists(f):
            os.remove(f)
    return row


def kernel_ms_by_node(profile):
    """Kernel time per ONNX node name (ms per batch) from dfq-run --profile."""
    out = {}
    for step in (profile or {}).get("steps", []) or []:
        if step.get("kind") == "kernel":
            out[step.get("name", "")] = out.get(step.get("name", ""), 0.0) + float(step.get("ms", 0))
    return out


def step_torch(kit, args, models):
    """PyTorch fp16 + CUDA graphs, in its own process (a CUDA or import crash
    there must not end the kit)."""
    py = sys.executable or "python3"
    cmd = [py, os.path.abspath(__file__), "--torch-worker", "--batch", str(args.batch),
           "--models"] + models
    res = kit.run("torch-fp16", cmd, args.torch_timeout)
    got = json_lines(res["stdout"])
    for rec in got:
        kit.record("torch", rec)
    why = failure(res)
    if why and not got:
        kit.record("torch", error=why)
    return {r["model"]: r for r in got if "model" in r and "error" not in r}


def step_dfq_kernel_benches(kit, args, peer_args):
    lines = []
    for name in DFQ_KERNEL_BENCHES:
        path = os.path.join(args.bin, name)
        if not os.access(path, os.X_OK):
            continue
        res = kit.run(name, [path] + peer_args, 180)
        got = json_lines(res["stdout"])
        if not got and not res.get("skipped"):
            # It does not speak the peers' command line; its defaults then.
            res = kit.run(name + "-defaults", [path], 180)
            got = json_lines(res["stdout"])
        for rec in got:
            rec = dict({"impl": "dfq"}, **rec, binary=name)
            kit.record("dfq_kernels", rec)
            lines.append(rec)
        why = failure(res)
        if why:
            kit.record("dfq_kernels", binary=name, error=why)
    return lines


def step_gemm_model(kit, args, target, work):
    """dfq's 4096^3 int8 GEMM through the compiler: a one-Gemm ONNX model
    (4096 -> 4096) compiled like the zoo and run at batch 4096 with
    --profile; its kernel step is the GEMM (int8 in, requantized out).
    Needs onnx and NumPy."""
    onnx, np = optional("onnx"), optional("numpy")
    if onnx is None or np is None:
        return kit.record("gemm_model", skipped="needs the onnx and numpy packages")
    if kit.left() < 60:
        # Writing the 400 MB input alone takes seconds; not worth starting.
        return kit.record("gemm_model", skipped="time budget spent")
    from onnx import TensorProto, helper, numpy_helper
    size, batches = 4096, 6
    rng = np.random.default_rng(0)
    w = (rng.standard_normal((size, size)) * 0.02).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["input", "W", "B"], ["logits"], name="/gemm/Gemm", transB=1)],
        "gemm4096",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", size])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", size])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(np.zeros(size, np.float32), "B")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path = os.path.join(work, "gemm4096.onnx")
    onnx.save(model, path)
    x_path = os.path.join(work, "gemm4096-x.npy")
    np.save(x_path, rng.standard_normal((size * batches, size)).astype(np.float32))
    out_dir = os.path.join(work, f"gemm4096-{target}")
    res = kit.run("gemm4096-compile", [os.path.join(args.bin, "dfq-compile"), path, "-o", out_dir,
                                        "--target", target, "--calib", "none"], args.compile_timeout)
    why = failure(res)
    if why:
        return kit.record("gemm_model", error="compile: " + why)
    res = kit.run("gemm4096-profile", [os.path.join(args.bin, "dfq-run"), out_dir, "--input", x_path,
                                        "--batch", str(size), "--json", "--profile"], args.run_timeout)
    why, prof = failure(res), last_json(res["stdout"])
    os.remove(x_path)
    profile = (prof or {}).get("profile")
    if why or not profile:
        return kit.record("gemm_model", error="profile: " + (why or "no profile in the JSON"))
    kernels = kernel_ms_by_node(profile)
    ms = sum(kernels.values())
    return kit.record("gemm_model", m=size, n=size, k=size, ms=ms,
                      tops=2.0 * size ** 3 / (ms * 1e-3) / 1e12 if ms > 0 else None,
                      batches=profile.get("batches"), kernels=kernels,
                      latency_ms=prof.get("latency_ms"),
                      note="kernel steps of dfq-run --profile: the mean over all batches, "
                           "the first (cold) one included, timed by the library's step clock")


# ---------------------------------------------------------------------------
# PyTorch worker (a subprocess of this script)
# ---------------------------------------------------------------------------

def torch_worker(args):
    def emit(**rec):
        print(json.dumps(rec), flush=True)

    try:
        import torch
    except Exception as e:  # noqa: BLE001
        emit(error=f"torch is not importable: {e}")
        return 0
    if not torch.cuda.is_available():
        emit(error=f"torch {torch.__version__} has no CUDA device (built for CUDA "
                   f"{torch.version.cuda})")
        return 0
    sys.path.insert(0, MODELS)
    try:
        import zoo
    except Exception as e:  # noqa: BLE001
        emit(error=f"models/zoo.py does not import: {e}")
        return 0
    torch.backends.cudnn.benchmark = True
    dev = torch.device("cuda")
    for name in args.models:
        if name not in zoo.ZOO:
            emit(model=name, error="no PyTorch definition in models/zoo.py")
            continue
        try:
            net = zoo.ZOO[name]()
            weights = "onnx"
            try:
                zoo.load_onnx_weights(net, os.path.join(MODELS, name + ".onnx"))
            except Exception as e:  # noqa: BLE001 - timing does not need the weights
                weights = f"random ({e.__class__.__name__}: {e})"
            net = net.eval().half().to(dev).to(memory_format=torch.channels_last)
            b = args.batch
            static_x = torch.zeros(b, 1, 28, 28, device=dev)

            # The float input converted to half inside the graph and the
            # logits back to float: the same interface as dfq's library.
            def forward():
                return net(static_x.half().contiguous(memory_format=torch.channels_last)).float()

            with torch.no_grad():
                side = torch.cuda.Stream()
                side.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(side):
                    for _ in range(5):
                        forward()
                torch.cuda.current_stream().wait_stream(side)
                graph = torch.cuda.CUDAGraph()
                with torch.cuda.graph(graph):
                    static_y = forward()
            torch.cuda.synchronize()

            # Device time of one replay: samples of `inner` replays between
            # events (>= 0.5 ms each), median of 30; as the peers binary does.
            start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            for _ in range(10):
                graph.replay()
            start.record()
            for _ in range(5):
                graph.replay()
            stop.record()
            stop.synchronize()
            inner = max(1, min(1000, math.ceil(0.5 / max(start.elapsed_time(stop) / 5, 1e-4))))
            samples = []
            for _ in range(30):
                start.record()
                for _ in range(inner):
                    graph.replay()
                stop.record()
                stop.synchronize()
                samples.append(start.elapsed_time(stop) / inner)
            device_ms = statistics.median(samples)

            # End to end from pageable host memory, as dfq-run hands its
            # batches to the library: copy in, replay, copy the logits out.
            host = torch.randn(b, 1, 28, 28)
            e2e = []
            for i in range(40):
                t0 = time.perf_counter()
                static_x.copy_(host)
                graph.replay()
                y = static_y.cpu()
                e2e.append((time.perf_counter() - t0) * 1e3)
            e2e_ms = statistics.median(e2e[5:])

            # Eager fp16 (no graph), for reference: launch overheads included.
            with torch.no_grad():
                for _ in range(3):
                    forward()
                torch.cuda.synchronize()
                t0 = time.perf_counter()
                for _ in range(20):
                    forward()
                torch.cuda.synchronize()
                eager_ms = (time.perf_counter() - t0) * 1e3 / 20
            emit(model=name, batch=b, dtype="float16", weights=weights, torch=torch.__version__,
                 device=torch.cuda.get_device_name(0), graph_device_ms=device_ms,
                 graph_end_to_end_ms=e2e_ms, eager_ms=eager_ms, inner=inner,
                 logits_shape=list(y.shape))
        except Exception as e:  # noqa: BLE001
            emit(model=name, error=f"{e.__class__.__name__}: {e}")
    return 0


# ---------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------

def fmt(v, spec=".3f"):
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return format(v, spec)


def ratio(peer_ms, dfq_ms):
    if peer_ms and dfq_ms and peer_ms > 0 and dfq_ms > 0:
        return peer_ms / dfq_ms
    return None


def verdict(value, target):
    if value is None:
        return "n/a"
    return "PASS" if value >= target else "FAIL"


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def summarize(kit, args, ctx):
    device, peers, rows, torch_rows = ctx["device"], ctx["peers"], ctx["rows"], ctx["torch"]
    dfq_kernels, gemm_model = ctx["dfq_kernels"], ctx["gemm_model"]
    peer_dev = next((p for p in peers if p.get("peer") == "device" and "error" not in p), {})
    lines = ["# dfq CUDA kit results", "",
             f"{datetime.datetime.now():%Y-%m-%d %H:%M}; GPU: {device.get('name', peer_dev.get('name', '?'))} "
             f"(compute capability {device.get('cc', peer_dev.get('cc', '?'))}, driver "
             f"{device.get('driver', '?')}); cuBLASLt {peer_dev.get('cublaslt', '?')}, cuDNN "
             f"{peer_dev.get('cudnn', '?')}; dfq target {ctx['target']} ({ctx['target_why']}); "
             f"batch {args.batch}. Ratios are speeds (peer time / dfq time): above 1, dfq is faster.",
             ""]
    acceptance = []

    # GEMM 4096^3.
    gemm_peer = [p for p in peers if p.get("peer") == "cublaslt_int8" and p.get("m") == 4096
                 and p.get("n") == 4096 and p.get("k") == 4096]
    ok = [p for p in gemm_peer if "error" not in p]
    best = min(ok, key=lambda p: p["ms"]) if ok else None
    dfq_gemm = next((r for r in dfq_kernels if r.get("m") == 4096 and r.get("n") == 4096
                     and r.get("k") == 4096 and r.get("ms")), None)
    dfq_source = "dfq kernel bench"
    if dfq_gemm is None and gemm_model and gemm_model.get("ms"):
        dfq_gemm, dfq_source = gemm_model, "one-Gemm model, dfq-run --profile"
    lines += ["## int8 GEMM, M = N = K = 4096", "",
              "| implementation | config | ms | TOPS |", "|---|---|---|---|"]
    for p in gemm_peer:
        lines.append(f"| cuBLASLt | {p.get('config')} | {fmt(p.get('ms'))} | "
                     f"{fmt(p.get('tops'), '.0f') if 'error' not in p else 'error: ' + p['error'][:80]} |")
    if dfq_gemm:
        lines.append(f"| dfq ({dfq_source}) | | {fmt(dfq_gemm.get('ms'))} | {fmt(dfq_gemm.get('tops'), '.0f')} |")
    else:
        lines.append("| dfq | | – | – (no dfq GEMM timing: see the dfq_kernels / gemm_model records) |")
    r = ratio(best and best["ms"], dfq_gemm and dfq_gemm.get("ms"))
    lines += ["", f"dfq / fastest cuBLASLt config ({best['config'] if best else '–'}): **{fmt(r, '.2f')}×**", ""]
    acceptance.append(("int8 GEMM 4096³ ≥ 0.8× cuBLASLt", r, 0.8))

    # Conv layers at the batch.
    conv_peer = {}
    for p in peers:
        if p.get("peer") in ("cudnn_int8", "cudnn_fp16") and "layer" in p:
            conv_peer.setdefault(p["layer"], []).append(p)
    # The schedules dfq-compile chooses ("dfq"); the dp4a variants of the
    # depthwise layers are compared with them below.
    dfq_layer = {r["layer"]: r for r in dfq_kernels
                 if "layer" in r and r.get("ms") and r.get("impl") == "dfq"}
    conv_ratios = []
    lines += [f"## Zoo convolutions at batch {args.batch}", "",
              "dfq: the dfq kernel bench when there is one, else the kernel steps of "
              "`dfq-run --profile` (per node). cuDNN int8: the fastest of its int8 "
              "configurations that runs; fp16 for reference (not in the ratio).", "",
              "| model | node | layer (N,C,H,W,O,KH,KW,s,p,g) | dfq ms | cuDNN int8 ms (config) | "
              "cuDNN fp16 ms | dfq / cuDNN int8 |", "|---|---|---|---|---|---|---|"]
    for row in rows:
        kernels = kernel_ms_by_node(row.get("profile"))
        for layer in ctx["layers"].get(row["model"], []):
            if layer["op"] != "Conv":
                continue
            text = conv_text(layer, args.batch)
            peers_here = conv_peer.get(text, [])
            int8 = [p for p in peers_here if p.get("config") in INT8_CONV_CONFIGS and "error" not in p]
            fp16 = next((p for p in peers_here if p.get("config") == "fp16" and "error" not in p), None)
            best8 = min(int8, key=lambda p: p["ms"]) if int8 else None
            dfq_ms = (dfq_layer.get(text) or {}).get("ms") or kernels.get(layer["node"])
            r = ratio(best8 and best8["ms"], dfq_ms)
            if r:
                conv_ratios.append(r)
            # "+pad": cuDNN ran the layer with its channels padded to its
            # multiple (more work for the peer, never less).
            config = (best8["config"] + ("+pad" if "c_padded" in best8 or "o_padded" in best8 else "")
                      if best8 else "unsupported")
            lines.append(f"| {row['model']} | {layer['node']} | {text} | {fmt(dfq_ms)} | "
                         f"{fmt(best8 and best8['ms'])} ({config}) | "
                         f"{fmt(fp16 and fp16['ms'])} | {fmt(r, '.2f')} |")
    gm = geomean(conv_ratios)
    lines += ["", f"Geometric mean over {len(conv_ratios)} layers with both timings: **{fmt(gm, '.2f')}×**", ""]
    acceptance.append((f"zoo conv layers at batch {args.batch} ≥ 1.0× cuDNN int8 (geomean)", gm, 1.0))

    # Depthwise layers: a multiply-add per tap (the default) against dp4a.
    dp4a = {r["layer"]: r for r in dfq_kernels
            if "layer" in r and r.get("ms") and r.get("impl") == "dfq-dp4a"}
    if dp4a:
        lines += ["## Depthwise layers: multiply-adds (default) against dp4a (tile_k = 4)", "",
                  "| layer (N,C,H,W,O,KH,KW,s,p,g) | multiply-adds ms | dp4a ms | dp4a speed-up |",
                  "|---|---|---|---|"]
        for text, r in sorted(dp4a.items()):
            base = (dfq_layer.get(text) or {}).get("ms")
            lines.append(f"| {text} | {fmt(base)} | {fmt(r['ms'])} | {fmt(ratio(base, r['ms']), '.2f')} |")
        lines.append("")

    # Models.
    lines += [f"## Zoo models at batch {args.batch}", "",
              "dfq ms: `dfq-run` latency_ms, the median time around the library call per batch "
              "(host float in, host float out). PyTorch fp16 + CUDA graphs: the replay alone "
              "(device) and with the copies in and out (end to end, like dfq's).", "",
              "| model | dfq top-1 | interpreter top-1 | predictions agree | max logit diff | "
              "bit-exact | dfq ms | torch graph ms (device) | torch ms (end to end) | "
              "dfq / torch (end to end) | dfq / torch (device) |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    model_ratios = []
    for row in rows:
        lib, ref, cmp = row.get("lib") or {}, row.get("ref") or {}, row.get("compare") or {}
        t = torch_rows.get(row["model"]) or {}
        r_e2e = ratio(t.get("graph_end_to_end_ms"), lib.get("latency_ms"))
        r_dev = ratio(t.get("graph_device_ms"), lib.get("latency_ms"))
        # The acceptance speaks of the CNNs: models with convolutions.
        if any(l["op"] == "Conv" for l in ctx["layers"].get(row["model"], [])):
            model_ratios.append((row["model"], r_e2e))
        agree = (f"{cmp['predictions_agree']}/{cmp['samples']}" if "samples" in cmp
                 else ("error" if cmp else "–"))
        lines.append(f"| {row['model']} | {fmt(lib.get('top1'), '.4f')} | {fmt(ref.get('top1'), '.4f')} | "
                     f"{agree} | {fmt(cmp.get('max_abs_diff'), '.2e')} | "
                     f"{'yes' if cmp.get('bitexact') else ('no' if 'bitexact' in cmp else '–')} | "
                     f"{fmt(lib.get('latency_ms'))} | {fmt(t.get('graph_device_ms'))} | "
                     f"{fmt(t.get('graph_end_to_end_ms'))} | {fmt(r_e2e, '.2f')} | {fmt(r_dev, '.2f')} |")
    lines.append("")
    for r in kit.records:
        if r["step"] == "dfq" and "skipped" in r:
            lines.append(f"- dfq: skipped: {r['skipped']}")
    for row in rows:
        problem = row.get("error") or (row.get("compare") or {}).get("error")
        if problem:
            lines.append(f"- {row['model']}: {problem[:300]}")
    for name, t in sorted(torch_rows.items()):
        if t.get("weights", "onnx") != "onnx":
            lines.append(f"- PyTorch {name}: weights {t['weights'][:120]} (timing only)")
    for r in kit.records:
        if r["step"] == "torch" and "error" in r:
            lines.append(f"- PyTorch{' ' + r['model'] if 'model' in r else ''}: {str(r['error'])[:200]}")
    lines.append("")
    for name, r in model_ratios:
        acceptance.append((f"{name} at batch {args.batch} faster than PyTorch fp16 (end to end)", r, 1.0))
    exact = [row for row in rows if "bitexact" in (row.get("compare") or {})]
    if rows:
        ok_exact = all(row["compare"]["bitexact"] for row in exact) and len(exact) == len(rows)
        acceptance.append(("library outputs bit-identical to the interpreter (every model)",
                           1.0 if ok_exact else (0.0 if exact else None), 1.0))
        # Float ops between the quantized layers (global average pooling
        # above all) may round differently in the last bit, as the C
        # backend's do (docs/results/c-backend.md); the predictions may not.
        same = [row for row in exact if row["compare"]["predictions_agree"] == row["compare"]["samples"]]
        acceptance.append(("library predictions identical to the interpreter's (every model)",
                           1.0 if len(same) == len(rows) else (0.0 if exact else None), 1.0))

    lines += ["## Acceptance", "", "| target | value | verdict |", "|---|---|---|"]
    for name, value, target in acceptance:
        lines.append(f"| {name} | {fmt(value, '.2f')} | {verdict(value, target)} |")
    errors = [r for r in kit.records if "error" in r]
    # Distinct messages only: cuDNN refusing every depthwise layer is one fact.
    distinct = {}
    for r in errors:
        key = (r["step"], str(r["error"])[:160])
        distinct[key] = distinct.get(key, 0) + 1
    lines += ["", f"{len(kit.records)} records in cuda-results.jsonl, {len(errors)} with an error"
              + (":" if errors else "."), ""]
    for (step, message), count in list(distinct.items())[:20]:
        lines.append(f"- {step}: {message}" + (f" (×{count})" if count > 1 else ""))
    lines.append("")
    text = "\n".join(lines)
    with open(os.path.join(kit.out, "cuda-summary.md"), "w") as f:
        f.write(text)
    kit.record("summary", acceptance=[{"target": n, "value": v, "verdict": verdict(v, t)}
                                      for n, v, t in acceptance])
    print(text, flush=True)


# ---------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.environ.get("OUT", "/tmp/cuda-out"))
    parser.add_argument("--peers", help="the peers binary (run_gpu.sh builds it)")
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--models", nargs="*", default=None, help="default: every models/*.onnx")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--images", type=int, default=10000)
    parser.add_argument("--calib", default="none",
                        help="dfq-compile --calib (none: Gaussian noise, seconds; the "
                             "timings and the bit-exactness do not depend on it)")
    parser.add_argument("--target", default=os.environ.get("DFQ_CUDA_TARGET"),
                        help="dfq-compile --target (default: from the compute capability)")
    parser.add_argument("--budget", type=float, default=450, help="seconds for all steps")
    parser.add_argument("--compile-timeout", type=float, default=150)
    parser.add_argument("--run-timeout", type=float, default=90)
    parser.add_argument("--ref-timeout", type=float, default=150)
    parser.add_argument("--torch-timeout", type=float, default=120)
    parser.add_argument("--no-gemm-model", action="store_true",
                        help="skip the one-Gemm model (dfq's 4096^3 GEMM via the compiler)")
    parser.add_argument("--allow-no-gpu", action="store_true",
                        help="go on without a GPU (to test the kit's plumbing)")
    parser.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.torch_worker:
        return torch_worker(args)

    kit = Kit(args.out, args.budget)
    device = step_device(kit, args)
    if "error" in device and not args.allow_no_gpu:
        log("gpu_bench: no GPU on this machine (nvidia-smi lists none); nothing to measure")
        return 3

    models = zoo_models(args.models)
    layers = {}
    for m in models:
        got, source = zoo_layers(m)
        if got is None:
            kit.record("layers", model=m, error=source)
        else:
            layers[m] = got
            kit.record("layers", model=m, source=source, convs=sum(l["op"] == "Conv" for l in got),
                       gemms=sum(l["op"] == "Gemm" for l in got))
    peer_args, _, _ = peer_arguments(layers, args.batch)
    peers = step_peers(kit, args, peer_args)
    peer_dev = next((p for p in peers if p.get("peer") == "device"), None)
    if peer_dev and "error" in peer_dev and not args.allow_no_gpu:
        log(f"gpu_bench: the peers binary sees no usable GPU: {peer_dev['error']}")

    target, why = choose_target(args, device, peer_dev)
    kit.record("target", target=target, why=why)

    have_dfq = all(os.access(os.path.join(args.bin, b), os.X_OK) for b in ("dfq-compile", "dfq-run"))
    rows, torch_rows, dfq_kernels, gemm_model = [], {}, [], None
    # PyTorch before dfq: it needs half a minute at most, and dfq's compiles,
    # of unknown length, must not take the budget it needs.
    torch_rows = step_torch(kit, args, models)
    work = tempfile.mkdtemp(prefix="dfq-cuda-")
    try:
        if not have_dfq:
            kit.record("dfq", skipped=f"no dfq-compile/dfq-run in {args.bin} (build the project)")
        elif target is None:
            kit.record("dfq", skipped=why)
        else:
            data_args, data = dataset_args(kit, args, work)
            kit.record("dataset", source=data, images=args.images)
            for m in models:
                rows.append(step_dfq_model(kit, args, m, target, data_args, work))
        if have_dfq:
            dfq_kernels = step_dfq_kernel_benches(kit, args, peer_args)
            has_gemm = any(r.get("m") == 4096 and r.get("ms") for r in dfq_kernels)
            # Only when the zoo compiled for this target: otherwise the
            # one-Gemm model would fail the same way, after a 400 MB input.
            compiled = any(r["step"] == "compile" and "error" not in r for r in kit.records)
            if target and not has_gemm and not args.no_gemm_model and compiled:
                gemm_model = step_gemm_model(kit, args, target, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    summarize(kit, args, {"device": device, "peers": peers, "rows": rows, "torch": torch_rows,
                          "dfq_kernels": dfq_kernels, "gemm_model": gemm_model,
                          "layers": layers, "target": target, "target_why": why})
    return 0


if __name__ == "__main__":
    sys.exit(main())
