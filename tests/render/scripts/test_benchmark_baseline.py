"""Whether test.yaml's benchmark job has earlier results, read from github-action-benchmark's data file.

The data file is the action's external-data-json-path: ``{"lastUpdate", "repoUrl", "entries": {name:
[suite, ...]}}`` (dist/src/write.js, DEFAULT_DATA_JSON), each suite ``{"commit": {"id", ...}, "date",
"tool", "benches"}``. The action compares with the last suite of the same name under another commit and,
when there is none, comments, summarises and alerts on nothing (dist/src/addBenchmarkEntry.js,
dist/src/write.js writeBenchmark, v1.22.0): the job must then post the raw table itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipekit.render import test as render_test
from pipekit.render.scripts import benchmark_baseline

from ...designs import reference
from .support import rendered_step, run_step

HEAD = "1111111111111111111111111111111111111111"
MAIN = "2222222222222222222222222222222222222222"


def suite(commit: str) -> dict[str, Any]:
    return {
        "commit": {"id": commit, "message": "a change", "url": f"https://example.invalid/commit/{commit}"},
        "date": 1767225600000,
        "tool": "pytest",
        "benches": [{"name": "test_sum", "value": 1234.5, "unit": "iter/sec", "range": "stddev: 0.1"}],
    }


def data(entries: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {"lastUpdate": 1767225600000, "repoUrl": "https://example.invalid/acme/router", "entries": entries}


@pytest.fixture
def baseline_step() -> dict[str, Any]:
    return rendered_step("test.yaml", "benchmark", "Look for earlier results")


def look(step: dict[str, Any], folder: Path, contents: object | None) -> str:
    """The step's output for a data file holding `contents` (None: no file, as before the first push)."""
    path = folder / "benchmark-data" / "benchmark.json"
    if contents is not None:
        path.parent.mkdir(exist_ok=True)
        path.write_text(contents if isinstance(contents, str) else json.dumps(contents), encoding="utf-8")
    run = run_step(step, folder, {"COMMIT": HEAD})
    assert run.returncode == 0, run.stdout + run.stderr
    return run.output


def test_the_step_embeds_the_script_and_reads_the_actions_file(baseline_step: dict[str, Any]) -> None:
    assert baseline_step["run"] == render_test.benchmark_baseline(reference())
    assert baseline_step["env"]["BENCHMARK_DATA"] == "benchmark-data/benchmark.json"
    assert baseline_step["env"]["BENCHMARK_NAME"] == "Benchmark"


@pytest.mark.parametrize(
    ("contents", "found"),
    [
        (None, False),  # the cache had nothing: the first run
        ("{not json", False),
        (data({}), False),
        (data({"Benchmark": [suite(HEAD)]}), False),  # only this commit: nothing earlier to compare
        (data({"Other name": [suite(MAIN)]}), False),  # another benchmark's results
        (data({"Benchmark": [suite(MAIN)]}), True),
        (data({"Benchmark": [suite(MAIN), suite(HEAD)]}), True),
    ],
)
def test_earlier_results_are_found_as_the_action_finds_them(
    tmp_path: Path, baseline_step: dict[str, Any], contents: object | None, found: bool
) -> None:
    assert look(baseline_step, tmp_path, contents) == f"found={'true' if found else 'false'}\n"


@pytest.mark.parametrize(
    "shape", [None, [], {"entries": []}, {"entries": {"Benchmark": {}}}, {"entries": {"Benchmark": [1]}}]
)
def test_has_baseline_tolerates_any_shape(shape: object) -> None:
    assert benchmark_baseline.has_baseline(shape, "Benchmark", HEAD) is False
