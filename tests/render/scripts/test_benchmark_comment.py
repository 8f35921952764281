"""The raw benchmark results of test.yaml (the pull-request comment and job summary when the benchmark
action compared nothing), on the benchmark.json a real pytest-benchmark run writes (one of its test ids
holds a "|", which would split a table cell), and on github-action-benchmark's custom format as its
documentation gives it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipekit.render import test as render_test
from pipekit.render.scripts import benchmark_comment

from ...designs import reference
from .support import rendered_step, run_step

SAMPLE_BENCHMARKS = """\
import pytest


def test_sum(benchmark):
    benchmark(sum, range(100))


@pytest.mark.parametrize("size", [10, 1000], ids=["small|pipe", "large"])
def test_sorted(benchmark, size):
    benchmark(sorted, range(size))
"""

# github-action-benchmark's `customSmallerIsBetter` input: a list of {name, unit, value, range?, extra?}.
CUSTOM_RESULTS = [
    {"name": "My Custom Smaller Is Better Benchmark - CPU Load", "unit": "Percent", "value": 50},
    {
        "name": "My Custom Smaller Is Better Benchmark - Memory Used",
        "unit": "Megabytes",
        "value": 100,
        "range": "3",
        "extra": "Value for Tooltip: 25\nOptional Num #2: 100\nAnything Else!",
    },
]


@pytest.fixture(scope="module")
def benchmark_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """benchmark.json from running pytest-benchmark on the sample benchmarks, as the design's command does."""
    folder = tmp_path_factory.mktemp("benchmark-run")
    (folder / "tests").mkdir()
    (folder / "tests" / "test_bench.py").write_text(SAMPLE_BENCHMARKS, encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "pytest_benchmark.plugin",
    ]
    # few, short rounds: the numbers only have to be real, not precise
    command += ["--benchmark-json=benchmark.json", "--benchmark-min-rounds=1", "--benchmark-max-time=0.001"]
    done = subprocess.run(
        [*command, "tests"],
        cwd=folder,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return folder / "benchmark.json"


@pytest.fixture
def comment_step() -> dict[str, Any]:
    return rendered_step("test.yaml", "benchmark", "Write the raw results")


def comment_of(step: dict[str, Any], folder: Path, outcome: str = "success") -> str:
    run = run_step(step, folder, {"BENCHMARK_OUTCOME": outcome})
    assert run.returncode == 0, run.stdout + run.stderr  # a comment is always written, so it can be posted
    comment = (folder / "benchmark-comment.md").read_text(encoding="utf-8")
    assert run.summary == comment  # the job summary shows the table on pushes too
    return comment


def test_the_step_embeds_the_script(comment_step: dict[str, Any]) -> None:
    assert comment_step["run"] == render_test.benchmark_table(reference())
    assert comment_step["env"] == {"BENCHMARK_OUTCOME": "${{ steps.benchmark.outcome }}"}


def test_comment_lists_every_benchmark_of_a_real_run(
    tmp_path: Path, benchmark_json: Path, comment_step: dict[str, Any]
) -> None:
    (tmp_path / "benchmark.json").write_bytes(benchmark_json.read_bytes())
    results = json.loads(benchmark_json.read_text(encoding="utf-8"))
    names = [bench["name"] for bench in results["benchmarks"]]
    assert sorted(names) == ["test_sorted[large]", "test_sorted[small|pipe]", "test_sum"]
    comment = comment_of(comment_step, tmp_path)
    lines = comment.splitlines()
    assert lines[:5] == [
        "### Benchmark results",
        "",
        "No earlier results of the default branch to compare with yet. Raw results of this run:",
        "",
        "| benchmark | mean (s) | stddev (s) | rounds |",
    ]
    for bench in results["benchmarks"]:
        stats = bench["stats"]
        name = bench["name"].replace("|", "&#124;")
        row = f"| {name} | {stats['mean']:.6f} | {stats['stddev']:.6f} | {stats['rounds']} |"
        assert row in lines
    # the "|" in a test id stays inside its cell: every row has the table's four columns
    assert all(line.count("|") == 5 for line in lines[4:])


def test_comment_says_why_nothing_was_compared(
    tmp_path: Path, benchmark_json: Path, comment_step: dict[str, Any]
) -> None:
    (tmp_path / "benchmark.json").write_bytes(benchmark_json.read_bytes())
    failed = comment_of(comment_step, tmp_path, outcome="failure")
    assert (
        failed.splitlines()[2] == "The benchmark comparison failed; see the job log. Raw results of this run:"
    )
    assert comment_of(comment_step, tmp_path).splitlines()[2] == benchmark_comment.NO_BASELINE


def test_comment_says_when_the_run_wrote_no_results(tmp_path: Path, comment_step: dict[str, Any]) -> None:
    missing = comment_of(comment_step, tmp_path)
    assert "The benchmark run wrote no readable benchmark.json; see the job log." in missing
    assert "|" not in missing
    (tmp_path / "benchmark.json").write_text('{"benchmarks": [', encoding="utf-8")  # cut short
    assert "wrote no readable benchmark.json" in comment_of(comment_step, tmp_path)


def test_comment_on_the_custom_format(tmp_path: Path, comment_step: dict[str, Any]) -> None:
    (tmp_path / "benchmark.json").write_text(json.dumps(CUSTOM_RESULTS), encoding="utf-8")
    comment = comment_of(comment_step, tmp_path)
    assert "| benchmark | value | unit | range |" in comment
    assert "| My Custom Smaller Is Better Benchmark - CPU Load | 50 | Percent |  |" in comment
    assert "| My Custom Smaller Is Better Benchmark - Memory Used | 100 | Megabytes | 3 |" in comment


def test_table_rejects_what_is_neither_format(benchmark_json: Path) -> None:
    results = json.loads(benchmark_json.read_text(encoding="utf-8"))
    assert len(benchmark_comment.table(results)) == 2 + len(results["benchmarks"])
    with pytest.raises(TypeError):
        benchmark_comment.table("benchmarks")
    with pytest.raises(KeyError):
        benchmark_comment.table({"benchmarks": [{"name": "no stats"}]})
    assert "wrote no readable" in benchmark_comment.comment({"benchmarks": [{"name": "no stats"}]})
    assert "wrote no readable" in benchmark_comment.comment(None)
    assert "wrote no readable" in benchmark_comment.comment(["not an object"])
