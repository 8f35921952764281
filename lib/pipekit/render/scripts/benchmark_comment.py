"""The raw results of test.yaml's benchmark job, written when the benchmark action compared nothing: it
had no earlier results (a first run, or a pull request before the default branch stored any), or it
failed.

Reads benchmark.json in either format the design's benchmark tool writes: pytest-benchmark's
``--benchmark-json`` (an object with a `benchmarks` list, each with `name` and `stats`), or
github-action-benchmark's custom format (a list of ``{"name", "unit", "value", "range"?}``). Writes
the markdown table to benchmark-comment.md (the pull-request comment) and the job summary; when there
are no readable results it says so, so the pull request still hears why the comparison is missing.

Environment: BENCHMARK_OUTCOME, the benchmark action's outcome (``failure``: it failed; else it found
no earlier results); GITHUB_STEP_SUMMARY.
"""

from __future__ import annotations

import html
import json
import os
from typing import Any

RESULTS = "benchmark.json"
COMMENT = "benchmark-comment.md"
TITLE = ["### Benchmark results", ""]


def cell(text: str) -> str:
    """`text` as one markdown table cell: one line, no HTML, no column break."""
    return html.escape(" ".join(text.split())).replace("|", "&#124;")


def pytest_rows(results: dict[str, Any]) -> list[str]:
    rows = ["| benchmark | mean (s) | stddev (s) | rounds |", "|---|---|---|---|"]
    for bench in results.get("benchmarks", []):
        stats = bench["stats"]
        rows.append(
            f"| {cell(bench['name'])} | {stats['mean']:.6f} | {stats['stddev']:.6f} | {stats['rounds']} |"
        )
    return rows


def custom_rows(results: list[dict[str, Any]]) -> list[str]:
    rows = ["| benchmark | value | unit | range |", "|---|---|---|---|"]
    for bench in results:
        value, unit, spread = (str(bench.get(key, "")) for key in ("value", "unit", "range"))
        rows.append(f"| {cell(str(bench['name']))} | {cell(value)} | {cell(unit)} | {cell(spread)} |")
    return rows


def table(results: object) -> list[str]:
    """The markdown table of parsed benchmark.json; an error when it has neither format."""
    if isinstance(results, dict):
        return pytest_rows(results)
    if isinstance(results, list):
        return custom_rows(results)
    raise TypeError(f"benchmark results are a {type(results).__name__}")


FAILED = "The benchmark comparison failed; see the job log. Raw results of this run:"
NO_BASELINE = "No earlier results of the default branch to compare with yet. Raw results of this run:"


def comment(results: object, failed: bool = False) -> str:
    """The comment for parsed benchmark.json (None when the file is missing or is not JSON); `failed`
    when the action failed, else it had nothing to compare with."""
    try:
        rows = table(results)
    except (AttributeError, KeyError, TypeError, ValueError):
        return "\n".join([*TITLE, f"The benchmark run wrote no readable {RESULTS}; see the job log.", ""])
    return "\n".join([*TITLE, FAILED if failed else NO_BASELINE, "", *rows]) + "\n"


def load(path: str) -> object:
    try:
        with open(path, encoding="utf-8") as source:
            results: object = json.load(source)
    except (OSError, ValueError):
        return None
    return results


def main() -> int:
    text = comment(load(RESULTS), failed=os.environ.get("BENCHMARK_OUTCOME") == "failure")
    with open(COMMENT, "w", encoding="utf-8") as out:
        out.write(text)
    with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
        summary.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
