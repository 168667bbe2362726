#!/usr/bin/env bash
# Installs every Debian package dfq needs. Idempotent; run as root on Debian 12.
set -euo pipefail

packages=(
  # Build toolchain.
  cmake ninja-build ccache git python3
  # LLVM / MLIR 22 (from bookworm-security), clang-22 and lld-22.
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22 lld-22
  clang-format-22
  # Fuzzing (scripts/fuzz.sh): libFuzzer and the sanitizer runtimes.
  libclang-rt-22-dev
  # Unit tests.
  libgtest-dev libgmock-dev
  # ONNX import (protobuf + libonnx) and ONNX's own node tests.
  libprotobuf-dev protobuf-compiler libonnx-dev libonnx-testdata
  # Reference interpreter numerics (libtorch/ATen) and gzip for IDX datasets.
  # Debian's libtorch multiplies matrices through the system BLAS; OpenBLAS
  # (the OpenMP build, as libtorch uses OpenMP) replaces the reference BLAS
  # that is installed otherwise: ViT-B/16 in the interpreter, 14.2 s -> 0.27 s
  # per image.
  libtorch-dev zlib1g-dev libopenblas0-openmp
  # x86 kernels (Halide 14, imported by hand in CMakeLists.txt) and their
  # benchmark peer (oneDNN) and harness (Google Benchmark).
  libhalide14-0-dev libdnnl-dev libbenchmark-dev
  # Fashion-MNIST (IDX) for dfq-run and the model zoo; PyTorch for the zoo
  # scripts (run with /usr/bin/python3).
  dataset-fashion-mnist python3-torch python3-numpy python3-onnx
  # torchvision's architectures (random weights, no model hub) for
  # bench/torchvision_models.py and its subset in the tests.
  python3-torchvision
)

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
