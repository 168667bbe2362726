#!/usr/bin/env bash
# Fuzzes the ONNX reader and importer (tools/dfq-import-fuzzer) with libFuzzer,
# AddressSanitizer and UBSan.
#
#   scripts/fuzz.sh [SECONDS] [libFuzzer flags...]   fuzz for SECONDS (600)
#   scripts/fuzz.sh --replay FILE...                 run inputs once each
#
# Builds into $DFQ_FUZZ_BUILD_DIR (default build-fuzz/), seeds the corpus with
# ONNX's node-test models and the bundled models, keeps the corpus it grows in
# build-fuzz/corpus for the next run, and writes the inputs that fail to
# build-fuzz/findings/. Assumes scripts/setup.sh has run. See docs/fuzzing.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DFQ_FUZZ_BUILD_DIR:-$root/build-fuzz}"
export CCACHE_BASEDIR="$root"

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DDFQ_BUILD_FUZZERS=ON \
    -DLLVM_USE_SANITIZER="Address;Undefined" \
    -DLLVM_USE_SANITIZE_COVERAGE=ON
fi
cmake --build "$build" --target dfq-import-fuzzer
fuzzer="$build/bin/dfq-import-fuzzer"

if [ "${1:-}" = "--replay" ]; then
  shift
  exec "$fuzzer" -runs=1 "$@"
fi

seconds="${1:-600}"
shift || true
seeds="$build/seeds"
if [ ! -d "$seeds" ]; then
  mkdir -p "$seeds"
  for model in /usr/share/libonnx-testdata/data/node/*/model.onnx; do
    cp "$model" "$seeds/$(basename "$(dirname "$model")").onnx"
  done
  # The bundled models, where small enough to mutate quickly.
  find "$root/models" -name '*.onnx' -size -400k -exec cp {} "$seeds" \;
fi
mkdir -p "$build/corpus" "$build/findings"
# Leak checking stays on; each input gets 20 s and 4 GiB, far more than any
# valid model of the seeds needs.
"$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 \
  -max_len=400000 -print_final_stats=1 \
  -artifact_prefix="$build/findings/" "$@" "$build/corpus" "$seeds"
