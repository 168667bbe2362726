#!/usr/bin/env bash
# Installs what dfq needs, builds it, and runs the main job on the bundled
# model: the ResNet of the model zoo (models/resnet.onnx) is imported into
# the dfq dialect and evaluated in float, then quantized to W8A8 without data
# by dfq-compile (DSG images fitted to its BatchNorm statistics) and built
# into an x86 library (Halide kernels, libmodel.so); the integer model is
# evaluated by the library and by the reference interpreter on the 10,000
# Fashion-MNIST test images. The CUDA backend joins when it lands.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DFQ_BUILD_DIR:-$root/build}"
model="${DFQ_MODEL:-$root/models/resnet.onnx}"

if [ -z "${DFQ_SKIP_SETUP:-}" ]; then
  bash "$root/scripts/setup.sh"
fi
bash "$root/scripts/build.sh"

out="$build/main"
mkdir -p "$out"
name="$(basename "$model" .onnx)"
"$build/bin/dfq-translate" --import-onnx "$model" -o "$out/$name.mlir"
"$build/bin/dfq-opt" "$out/$name.mlir" --dfq-fold-bn -o "$out/$name-folded.mlir"
echo "imported: $out/$name.mlir ($(grep -c ' = dfq\.' "$out/$name.mlir") dfq ops;" \
  "$(grep -c 'dfq\.batch_norm' "$out/$name.mlir") batch_norm," \
  "$(grep -c 'dfq\.batch_norm' "$out/$name-folded.mlir" || true) after dfq-fold-bn)" >&2

echo "== $name.onnx, float, reference interpreter" >&2
"$build/bin/dfq-run" "$model" --json
echo "== $name-folded.mlir (BatchNorm folded), reference interpreter" >&2
"$build/bin/dfq-run" "$out/$name-folded.mlir" --json
# AVX-512 VNNI kernels where the CPU has them, AVX2 ones elsewhere.
target=x86-avx2
if grep -q avx512_vnni /proc/cpuinfo; then target=x86; fi
echo "== dfq-compile --wbits 8 --abits 8 --calib dsg (no data) --target $target" >&2
"$build/bin/dfq-compile" "$model" -o "$out/$name-w8a8-dsg" --calib dsg --target "$target"
echo "== integer model: the compiled library (libmodel.so)" >&2
"$build/bin/dfq-run" "$out/$name-w8a8-dsg" --json
echo "== integer model: the reference interpreter (model.mlir)" >&2
"$build/bin/dfq-run" "$out/$name-w8a8-dsg" --executor ref --json
echo "per-layer report: $out/$name-w8a8-dsg/report.json and report.html" >&2
