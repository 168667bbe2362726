#!/usr/bin/env bash
# Installs what dfq needs, builds it, and runs the main job on the bundled
# model.
#
# Today the pipeline ends at the float graph IR: the ONNX importer, the
# calibration passes and the backends are not built yet (see README.md). So
# the main job runs what exists: it verifies the bundled ResNet-style block
# (models/examples/resnet_block.mlir) and folds its BatchNorms with
# dfq-fold-bn, printing the folded IR and the remark for the BatchNorm that
# cannot be folded.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DFQ_BUILD_DIR:-$root/build}"

if [ -z "${DFQ_SKIP_SETUP:-}" ]; then
  bash "$root/scripts/setup.sh"
fi
bash "$root/scripts/build.sh"

"$build/bin/dfq-opt" "$root/models/examples/resnet_block.mlir" \
  --dfq-fold-bn --mlir-elide-resource-strings-if-larger=64
