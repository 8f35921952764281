"""The compliance report of license-compliance.yaml: both checks' results and details in one document.

Runs after the header and dependency jobs, whatever their result, with their reports downloaded to
reports/ (a job that failed early uploaded none: the report says so). Writes
license-compliance-report.md, also the job summary; whether the run fails is the next step's decision.

Environment: HEADERS_RESULT and DEPENDENCIES_RESULT, each job's result (success, failure, cancelled,
skipped); a check the design does not run has no variable and is listed as not checked.
GITHUB_STEP_SUMMARY.
"""

from __future__ import annotations

import os

REPORT = "license-compliance-report.md"
CHECKS = (
    ("Source-file license headers", "HEADERS_RESULT", "reports/license-headers.md"),
    ("Dependency licenses", "DEPENDENCIES_RESULT", "reports/licenses.md"),
)


def details(check: str, result: str, path: str) -> str:
    """The check's own report, or a line saying there is none."""
    try:
        with open(path, encoding="utf-8") as source:
            return source.read()
    except OSError:
        return f"{check}: no details ({result})."


NOT_CHECKED = "not checked"


def report(results: list[tuple[str, str, str]]) -> str:
    """The report for (check, result, details file) triples."""
    passed = all(result in ("success", NOT_CHECKED) for _, result, _ in results)
    lines = ["# License compliance report", "", f"**{'Compliant' if passed else 'Not compliant'}**", ""]
    lines += ["| Check | Result |", "|---|---|"]
    lines += [f"| {check} | {result} |" for check, result, _ in results]
    for check, result, path in results:
        if result != NOT_CHECKED:
            lines += ["", details(check, result, path)]
    return "\n".join(lines) + "\n"


def main() -> int:
    text = report([(check, os.environ.get(variable, NOT_CHECKED), path) for check, variable, path in CHECKS])
    with open(REPORT, "w", encoding="utf-8") as out:
        out.write(text)
    with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
        summary.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
