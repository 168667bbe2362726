# -*- Python -*-
# lit configuration for dfq's FileCheck tests.

import os
import subprocess

import lit.formats
from lit.llvm import llvm_config

config.name = "dfq"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.excludes = [
    "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Unit", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.dfq_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
# dfq-compile's kernel cache: the tests share one in the build tree rather
# than the user's (tools/kernel-cache.mlir tests the cache with its own).
config.environment["DFQ_KERNEL_CACHE"] = os.path.join(config.test_exec_root,
                                                      "kernel-cache")
llvm_config.use_default_substitutions()
# `not` at the start of a RUN line is found through PATH.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.dfq_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(
    ["dfq-opt", "dfq-translate", "dfq-run", "dfq-compile", "dfq-onnx-node-tests",
     "dfq-bench-cuda"],
    tool_dirs)

# Test-input generators (ONNX models, .npy files) need Debian's Python, which
# has the onnx, numpy and torch packages; the first python3 on PATH may not.
python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"
config.substitutions.append(("%python", python))

# The bundled model zoo, and the directory of dfq's tools for scripts that
# call them.
config.substitutions.append(("%models", os.path.join(config.dfq_src_root, "models")))
config.substitutions.append(("%dfq_bin", config.dfq_tools_dir))

# The x86 target's libraries run only where the CPU has the instructions
# they were compiled for (the libraries check at load time and say so).
try:
    with open("/proc/cpuinfo") as cpuinfo:
        flags = next((line.split(":", 1)[1].split()
                      for line in cpuinfo if line.startswith("flags")), [])
except OSError:
    flags = []
if "avx2" in flags and "fma" in flags:
    config.available_features.add("x86-avx2")
if all(f in flags for f in ["avx512f", "avx512cd", "avx512vl", "avx512bw",
                            "avx512dq", "avx512ifma", "avx512vbmi",
                            "avx512_vnni"]):
    config.available_features.add("x86-avx512-vnni")
# The x86 backend this host runs, for tests that check an x86 library against
# the interpreter whatever its instruction set.
config.substitutions.append(
    ("%host_x86_target",
     "x86" if "x86-avx512-vnni" in config.available_features else "x86-avx2"))

# CUDA targets: nvcc builds their GPU libraries (the CPU emulation needs only
# a C compiler); a GPU runs them.
import shutil
nvcc = shutil.which("nvcc") or ("/usr/local/cuda/bin/nvcc"
                                if os.access("/usr/local/cuda/bin/nvcc", os.X_OK)
                                else None)
if nvcc:
    config.available_features.add("nvcc")
if shutil.which("nvidia-smi"):
    try:
        caps = subprocess.run(
            ["nvidia-smi", "--query-gpu=compute_cap", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        caps = []
    if caps:
        config.available_features.add("cuda-device")
        if float(caps[0]) >= 9.0:
            config.available_features.add("cuda-sm90-device")
