#!/usr/bin/env bash
# Creates .venv-bench at the repository root: ONNX Runtime and its
# quantization tool, the peer of bench/x86_models.py. Idempotent: a venv whose
# pins already match is left as it is.
#
# ORT 1.32 brings NumPy 2, which Debian's PyTorch 1.13 (built against NumPy
# 1.x) cannot load beside it; so ORT runs in this venv, in its own process
# (bench/ort_int8.py), and the benchmarks themselves with /usr/bin/python3.
# The venv sees the system's site-packages (--system-site-packages) but its
# own pinned packages come first. Every package it installs is pinned,
# including the transitive ones.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${DFQ_BENCH_VENV:-$root/.venv-bench}"
python="${DFQ_BENCH_PYTHON:-python3}"
if [ -z "${DFQ_BENCH_PYTHON:-}" ] && [ -x /usr/bin/python3 ]; then
  python=/usr/bin/python3 # Debian's, as scripts/setup.sh installs it
fi

pins=(
  onnxruntime==1.32.0
  onnx==1.23.2        # onnxruntime.quantization imports onnx
  ml_dtypes==0.7.0    # ORT's "quantization" extra
  numpy==2.4.6
  protobuf==7.36.2
  flatbuffers==25.12.19
  packaging==26.4
  typing_extensions==4.16.0
)
stamp="$venv/.dfq-pins"
want="$(printf '%s\n' "${pins[@]}")"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
  "$venv/bin/python" -c 'import onnxruntime.quantization' 2>/dev/null; then
  echo "setup-bench: $venv is up to date"
  exit 0
fi

if [ ! -x "$venv/bin/python" ]; then
  if ! "$python" -m venv --system-site-packages "$venv"; then
    # Debian ships venv/ensurepip separately.
    rm -rf "$venv"
    if command -v apt-get >/dev/null; then
      apt-get update
      DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv
    fi
    "$python" -m venv --system-site-packages "$venv"
  fi
fi
"$venv/bin/python" -m pip install --disable-pip-version-check -q "${pins[@]}"
"$venv/bin/python" -c 'import onnxruntime, onnx, numpy, onnxruntime.quantization
print("setup-bench: onnxruntime", onnxruntime.__version__, "onnx", onnx.__version__,
      "numpy", numpy.__version__)'
printf '%s\n' "$want" >"$stamp"
