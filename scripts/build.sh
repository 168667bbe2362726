#!/usr/bin/env bash
# Configures and builds dfq (tools, tests, docs) into $DFQ_BUILD_DIR (default
# build/). Assumes scripts/setup.sh has run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DFQ_BUILD_DIR:-$root/build}"
# Lets ccache share hits between build directories and fresh clones.
export CCACHE_BASEDIR="$root"

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit
fi
cmake --build "$build" --target dfq-opt dfq-translate dfq-run dfq-compile dfq-onnx-node-tests DfqUnitTests dfq-bench-x86-gemm dfq-bench-x86-layers dfq-bench-x86-onednn-conv dfq-bench-cuda dfq-doc
