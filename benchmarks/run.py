"""Benchmarks of the core path; prints figures. Targets are goals to watch, not pass/fail tests.

Run: make bench   (or .venv/bin/python benchmarks/run.py)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pipekit.cost.plan import plan_design
from pipekit.design import design_from_data, load_design
from pipekit.github.matrix import expand_matrix

ROOT = Path(__file__).resolve().parents[1]


def measure(label: str, target_ms: float, action: Callable[[], object], repeat: int = 30) -> None:
    action()  # warm caches (data files, imports) so the figure is the steady state
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    median, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    verdict = "ok" if median < target_ms else "OVER TARGET"
    print(f"{label:<52} median {median:8.2f} ms  p95 {p95:8.2f} ms  target < {target_ms:g} ms  {verdict}")


def default_design() -> None:
    plan_design(load_design(ROOT / "pipeline.yaml"))


BIG = {
    "test": {
        "matrix": {
            "python-version": ["3.9", "3.10", "3.11", "3.12"],
            "os": ["ubuntu-latest", "ubuntu-24.04", "windows-latest", "macos-latest"],
            "mode": [f"m{i}" for i in range(16)],
        },
        "modes": {f"m{i}": {} for i in range(16)},
    }
}


def big_matrix() -> None:
    design = design_from_data(BIG)
    assert len(expand_matrix({"a": list(range(16)), "b": list(range(16))})) == 256
    plan_design(design)


def whole_process() -> None:
    subprocess.run([sys.executable, "-m", "pipekit.cli", "plan"], cwd=ROOT, check=True, capture_output=True)


def main() -> None:
    measure("load + expand + plan of the default design", 20, default_design)
    measure("expand + plan of a 256-job test matrix", 20, big_matrix)
    measure("`pipekit plan` as a whole process", 500, whole_process, repeat=10)


if __name__ == "__main__":
    main()
