"""Helpers shared by the bench/ scripts."""

import platform


def cpu_name():
    """The CPU model, for the header of every results table."""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"
