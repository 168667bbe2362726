#!/usr/bin/env bash
# The CUDA kit in one command, for a machine with one NVIDIA GPU (H100/H200,
# or any sm_80+): docs/results/cuda-howto.md.
#
#   bash bench/cuda/run_gpu.sh            # results in ${OUT:-/tmp/cuda-out}
#
# 1. nvidia-smi and the device's name; without a GPU it stops here, exit 3.
# 2. Builds bench/cuda/peers.cu (cuBLASLt + cuDNN int8 peers) with nvcc for
#    sm_80 and sm_90 (without cuDNN when its header is missing).
# 3. bench/cuda/gpu_bench.py: the peers, dfq-compile --target cuda-sm8x/9x
#    + dfq-run (library vs interpreter, bit for bit; profile), PyTorch fp16
#    with CUDA graphs when torch has CUDA, dfq's kernel benches if built.
# 4. $OUT/cuda-results.jsonl (every record), $OUT/cuda-summary.md (printed),
#    $OUT/logs/ (each command's output), $OUT/run_gpu.log (this script's).
#
# The whole run stays under ~8 minutes: every step runs under `timeout`, and
# gpu_bench.py cuts its steps to what is left of KIT_BUDGET seconds.
# Environment: OUT, KIT_BUDGET (default 480: the whole script), CUDA_HOME,
# DFQ_CUDA_TARGET (overrides the target chosen from the compute capability),
# DFQ_COMPILE_FLAGS (more dfq-compile flags), PYTHON.
set -uo pipefail

start=$SECONDS
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${OUT:-/tmp/cuda-out}"
budget="${KIT_BUDGET:-480}"
mkdir -p "$OUT"
# Everything this script prints also lands in $OUT, which comes back from
# the GPU machine even when the console output is cut.
exec > >(tee "$OUT/run_gpu.log") 2>&1
tee_pid=$!
# Bash does not wait for a process substitution: close our side and wait for
# tee, so that the log is complete when the script returns.
trap 'exec >&- 2>&-; wait "$tee_pid" 2>/dev/null' EXIT

say() { printf '\n=== %s (%ds)\n' "$*" "$((SECONDS - start))"; }

python="${PYTHON:-}"
if [ -z "$python" ]; then
  # Debian's python carries the PyTorch, NumPy and onnx the zoo scripts use.
  if [ -x /usr/bin/python3 ]; then python=/usr/bin/python3; else python=python3; fi
fi

# --- 1. The device -----------------------------------------------------------
say "device"
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "run_gpu.sh: no GPU: nvidia-smi is not installed on this machine" >&2
  echo '{"step": "device", "error": "no GPU: nvidia-smi is not installed"}' >"$OUT/cuda-results.jsonl"
  exit 3
fi
if ! gpus="$(timeout 30 nvidia-smi -L 2>&1)" || ! grep -q '^GPU ' <<<"$gpus"; then
  echo "run_gpu.sh: no GPU: nvidia-smi lists no device: $gpus" >&2
  echo '{"step": "device", "error": "no GPU: nvidia-smi lists no device"}' >"$OUT/cuda-results.jsonl"
  exit 3
fi
timeout 30 nvidia-smi || true
echo "device: $(timeout 30 nvidia-smi --query-gpu=name,compute_cap,driver_version --format=csv,noheader 2>/dev/null | head -1)"

# --- 2. The peers binary -----------------------------------------------------
say "build peers.cu"
cuda="${CUDA_HOME:-}"
if [ -z "$cuda" ]; then
  if [ -x /usr/local/cuda/bin/nvcc ]; then
    cuda=/usr/local/cuda
  elif command -v nvcc >/dev/null 2>&1; then
    cuda="$(dirname "$(dirname "$(command -v nvcc)")")"
  fi
fi
nvcc="$cuda/bin/nvcc"
# dfq-compile's CUDA targets look for nvcc through CUDA_HOME first: the same
# toolkit builds the peers and dfq's kernels.
[ -n "$cuda" ] && export CUDA_HOME="$cuda"
build="${PEERS_BUILD:-${TMPDIR:-/tmp}/dfq-cuda-peers}"
mkdir -p "$build"
peers=""
if [ -x "$nvcc" ]; then
  "$nvcc" --version | tail -2
  libdir="$cuda/lib64"
  [ -d "$libdir" ] || libdir="$cuda/lib"
  # sm_80 and sm_90 machine code plus compute_90 PTX, so a newer GPU still
  # runs it (the peers' own kernels only fill buffers; the timed ones are
  # the libraries').
  # shellcheck disable=SC2054 # the commas belong to nvcc's -gencode values
  flags=(-O3 -std=c++17 --threads 0
    -gencode arch=compute_80,code=sm_80
    -gencode arch=compute_90,code=sm_90
    -gencode arch=compute_90,code=compute_90
    -Xlinker "-rpath,$libdir" -L"$libdir")
  cudnn_h=""
  for dir in "$cuda/include" /usr/include /usr/include/x86_64-linux-gnu /usr/local/cuda/include; do
    if [ -f "$dir/cudnn.h" ]; then cudnn_h="$dir/cudnn.h"; break; fi
  done
  if [ -n "$cudnn_h" ] &&
    timeout 240 "$nvcc" "${flags[@]}" "$root/bench/cuda/peers.cu" -o "$build/peers" \
      -lcublasLt -lcudnn; then
    echo "peers: built with cuDNN ($cudnn_h)"
    peers="$build/peers"
  elif timeout 240 "$nvcc" "${flags[@]}" -DPEERS_NO_CUDNN "$root/bench/cuda/peers.cu" \
    -o "$build/peers" -lcublasLt; then
    echo "peers: built WITHOUT cuDNN (no cudnn.h, or linking it failed): conv peers will report errors"
    peers="$build/peers"
  else
    echo "peers: the build failed; the peer steps will be skipped" >&2
  fi
else
  echo "peers: no nvcc (set CUDA_HOME); the peer steps will be skipped" >&2
fi

# --- 3. gpu_bench.py -----------------------------------------------------------
# Bit-exactness on the GPU: the kernel sweep's GPU renderings against the
# integer semantics, and every zoo model's GPU library against the C library
# under the same description on the 10,000 test images. Both are ordinary
# tests that skip where there is no GPU.
say "GPU correctness: kernel sweep and zoo"
tests_json="$OUT/gpu-tests.jsonl"
: >"$tests_json"
if [ -n "${KIT_SKIP_TESTS:-}" ]; then
  echo '{"step": "gpu_tests", "skipped": "KIT_SKIP_TESTS is set"}' >>"$tests_json"
elif [ -x "$root/build/unittests/DfqUnitTests" ]; then
  timeout 240 "$root/build/unittests/DfqUnitTests" \
    --gtest_filter='Kernels/CudaKernelSweep.GpuIsExact/*' \
    --gtest_output="json:$OUT/gpu-sweep.json" 2>&1 | tail -40
  sweep_rc=${PIPESTATUS[0]}
  echo "{\"step\": \"gpu_sweep\", \"exit_status\": $sweep_rc}" >>"$tests_json"
else
  echo '{"step": "gpu_sweep", "skipped": "build/unittests/DfqUnitTests is missing"}' >>"$tests_json"
fi
lit=""
for candidate in /usr/lib/llvm-22/bin/lit lit llvm-lit; do
  if command -v "$candidate" >/dev/null 2>&1; then lit="$candidate"; break; fi
done
if [ -n "${KIT_SKIP_TESTS:-}" ]; then
  :
elif [ -n "$lit" ] && [ -d "$root/build/test" ]; then
  timeout 240 "$lit" -v "$root/build/test/e2e/cuda-gpu-zoo.mlir" 2>&1 | tail -40
  zoo_rc=${PIPESTATUS[0]}
  echo "{\"step\": \"gpu_zoo\", \"exit_status\": $zoo_rc}" >>"$tests_json"
else
  echo '{"step": "gpu_zoo", "skipped": "no lit or no build/test"}' >>"$tests_json"
fi

left=$((budget - (SECONDS - start) - 10))
if [ "$left" -lt 60 ]; then left=60; fi
say "gpu_bench.py (budget ${left}s)"
# The outer timeout is a backstop a little past gpu_bench's own budget.
timeout --kill-after=10 $((left + 30)) "$python" "$root/bench/cuda/gpu_bench.py" \
  --out "$OUT" --peers "$peers" --budget "$left"
rc=$?
say "done: exit status $rc; results in $OUT/cuda-results.jsonl, summary in $OUT/cuda-summary.md"
exit "$rc"
