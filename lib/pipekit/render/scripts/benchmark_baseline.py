"""Whether test.yaml's benchmark job has earlier results to compare with, before the benchmark action runs.

github-action-benchmark compares, comments and writes its job summary only when its data file holds an
earlier run of the same benchmark name under another commit (dist/src/addBenchmarkEntry.js: the last
suite whose commit id differs; dist/src/write.js: nothing when there is none). This script reads that
data file the same way and writes ``found=true`` or ``found=false`` to the step's outputs, so the job
posts the raw results itself when the action will not compare. A missing or unreadable file is no
baseline.

Environment: BENCHMARK_DATA, the action's external-data-json-path; BENCHMARK_NAME, its `name`; COMMIT,
the commit the action files this run under; GITHUB_OUTPUT.
"""

from __future__ import annotations

import json
import os


def has_baseline(data: object, name: str, commit: str) -> bool:
    """Whether the action's data holds a run of `name` under a commit other than `commit`."""
    entries = data.get("entries") if isinstance(data, dict) else None
    suites = entries.get(name) if isinstance(entries, dict) else None
    if not isinstance(suites, list):
        return False
    for suite in suites:
        recorded = suite.get("commit") if isinstance(suite, dict) else None
        if isinstance(recorded, dict) and recorded.get("id") != commit:
            return True
    return False


def load(path: str) -> object:
    try:
        with open(path, encoding="utf-8") as source:
            data: object = json.load(source)
    except (OSError, ValueError):
        return None
    return data


def main() -> int:
    data = load(os.environ["BENCHMARK_DATA"])
    found = has_baseline(data, os.environ["BENCHMARK_NAME"], os.environ["COMMIT"])
    print("Earlier results found." if found else "No earlier results to compare with.")
    with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
        output.write(f"found={'true' if found else 'false'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
