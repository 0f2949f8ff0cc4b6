"""What the benches ran on, for their JSON line: architecture, cores, CPU model."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown cpu"


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, {cpu_model()}"
