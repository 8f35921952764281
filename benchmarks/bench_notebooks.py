"""Headless regeneration (every notebook through papermill) against a direct `pipekit render`.

Prints the wall time of each, with 1 and 2 notebook workers, and the ratio to `pipekit render`.
Run: .venv/bin/python benchmarks/bench_notebooks.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipekit.notebook import headless as notebooks

ROOT = Path(__file__).resolve().parents[1]
DESIGN = ROOT / "pipeline.yaml"


def render_seconds(repeat: int = 5) -> float:
    """`pipekit render` as a user runs it: a fresh interpreter each time."""
    pipekit = Path(sys.executable).with_name("pipekit")
    times = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(repeat):
            start = time.perf_counter()
            command = [str(pipekit), "render", "--design", str(DESIGN), "--out", out]
            subprocess.run(command, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def notebooks_seconds(workers: int) -> float:
    with tempfile.TemporaryDirectory() as temp:
        runs = notebooks.regeneration_runs(
            notebooks.find_notebooks(ROOT / "notebooks"),
            design=DESIGN,
            out=Path(temp) / "out",
            reports=Path(temp) / "reports",
        )
        (Path(temp) / "out").mkdir()
        start = time.perf_counter()
        failures = notebooks.run_notebooks(runs, workers=workers, progress=False)
        elapsed = time.perf_counter() - start
    if failures:
        raise SystemExit("\n".join(str(failure) for failure in failures))
    return elapsed


def main() -> None:
    render = render_seconds()
    print(f"pipekit render (fresh process, median of 5)       {render:6.2f} s")
    for workers in (1, 2):
        seconds = notebooks_seconds(workers)
        print(
            f"notebooks via papermill, {workers} worker(s), 6 notebooks {seconds:6.2f} s"
            f"  = {seconds / render:5.1f} x pipekit render"
        )


if __name__ == "__main__":
    main()
