"""The fallback pull-request comment of test.yaml's benchmark job, written when the benchmark action fails.

Reads benchmark.json in either format the design's benchmark tool writes: pytest-benchmark's
``--benchmark-json`` (an object with a `benchmarks` list, each with `name` and `stats`), or
github-action-benchmark's custom format (a list of ``{"name", "unit", "value", "range"?}``). Writes
the markdown table to benchmark-comment.md; when there are no readable results the comment says so,
so the pull request still hears why the comparison is missing.
"""

from __future__ import annotations

import html
import json
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


def comment(results: object) -> str:
    """The comment for parsed benchmark.json (None when the file is missing or is not JSON)."""
    try:
        rows = table(results)
    except (AttributeError, KeyError, TypeError, ValueError):
        return "\n".join([*TITLE, f"The benchmark run wrote no readable {RESULTS}; see the job log.", ""])
    return "\n".join([*TITLE, "The benchmark action failed; raw results of this run:", "", *rows]) + "\n"


def load(path: str) -> object:
    try:
        with open(path, encoding="utf-8") as source:
            results: object = json.load(source)
    except (OSError, ValueError):
        return None
    return results


def main() -> int:
    text = comment(load(RESULTS))
    with open(COMMENT, "w", encoding="utf-8") as out:
        out.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
