"""From a widget value change to the preview updated, for the default design (target: < 100 ms).

Setting a widget's value in Python runs the panel's observer synchronously, so the time of the
assignment is the time until every figure, chart, file and diff widget holds its new value (the comm
message to the browser is not included). The changes alternate between values that change the charts,
so each one redraws them. Run: .venv/bin/python benchmarks/bench_widgets.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipekit import widgets
from pipekit.commands.render import render_design
from pipekit.write import write_files

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 100.0
CHANGES = 30


def measure(label: str, set_value: Callable[[Any], None], values: list[Any]) -> None:
    set_value(values[-1])  # warm up: imports, caches
    times = []
    for index in range(CHANGES):
        start = time.perf_counter()
        set_value(values[index % len(values)])
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    median, p95 = statistics.median(times), times[round(0.95 * len(times)) - 1]
    verdict = "ok" if p95 < TARGET_MS else "OVER TARGET"
    print(f"{label:<48} median {median:6.1f} ms  p95 {p95:6.1f} ms  ({CHANGES} changes)  {verdict}")


def control(panel: widgets.Panel, *path: str) -> Any:
    return next(item.source for item in panel.controls if item.path == path)


def main() -> None:
    design = ROOT / "pipeline.yaml"
    with tempfile.TemporaryDirectory() as temp:
        out = Path(temp)
        write_files(out, render_design(str(design)))  # diffs against real files, as in the repository

        panel = widgets.test_matrix_panel(design, out)
        select = control(panel, "test", "matrix", "os")
        values = [("ubuntu-latest", "windows-latest"), ("ubuntu-latest", "macos-latest", "windows-latest")]
        measure("test-matrix: remove/add an OS", lambda value: setattr(select, "value", value), values)

        measure(
            "test-matrix: switch the trigger (Gantt, matrix)",
            lambda value: setattr(panel.trigger, "value", value),
            ["push", "pull_request"],
        )

        include = control(panel, "test", "matrix", "include")
        entries = ["- {python-version: '3.13', os: ubuntu-latest, mode: basic}", ""]
        measure("test-matrix: edit include YAML", lambda value: setattr(include, "value", value), entries)

        overview = widgets.overview_panel(design, out)
        plan = control(overview, "billing", "plan")
        measure(
            "overview (6 files): change the plan",
            lambda value: setattr(plan, "value", value),
            ["pro", "team"],
        )

        security = widgets.security_panel(design, out)
        bandit = control(security, "security", "bandit", "enabled")
        measure("security: toggle Bandit", lambda value: setattr(bandit, "value", value), [False, True])


if __name__ == "__main__":
    main()
