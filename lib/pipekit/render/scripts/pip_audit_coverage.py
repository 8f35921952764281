"""The gate that pip-audit audited something: security.yaml's pip-audit job fails when no dependency of
the project could be checked against an advisory database.

pip-audit exits 0 when it finds no vulnerability, and also when it could audit none of the dependencies:
each one it cannot look up (PyPI's JSON API or OSV unreachable, a package only on a private index) is
skipped with a reason in the JSON report (``{"name", "skip_reason"}``) and a warning in the log. A job
that passes then proves nothing, so this step fails when the report lists dependencies and every one of
them was skipped for a reason other than being the project's own editable install. Some skipped among
audited ones (private packages) pass: the summary lists them.

Reads pip-audit.json, written by ``pip-audit --format json``.
"""

from __future__ import annotations

import json
from typing import Any

REPORT = "pip-audit.json"
EDITABLE = "distribution marked as editable"  # pip-audit's skip reason for --skip-editable
SHOWN = 3  # skipped dependencies named in the error


def problem(report: dict[str, Any] | None) -> str | None:
    """Why the audit proves nothing, or None when it audited at least one dependency."""
    if report is None:
        return f"pip-audit wrote no readable {REPORT}; see the audit step's log"
    dependencies = [dep for dep in report.get("dependencies", []) if isinstance(dep, dict)]
    others = [dep for dep in dependencies if dep.get("skip_reason") != EDITABLE]
    if not others or any("skip_reason" not in dep for dep in others):
        return None
    reasons = "; ".join(f"{dep.get('name')}: {dep['skip_reason']}" for dep in others[:SHOWN])
    more = f"; and {len(others) - SHOWN} more" if len(others) > SHOWN else ""
    return (
        f"pip-audit audited none of {len(others)} dependencies ({reasons}{more}): it reached no advisory "
        "data, so the job cannot pass; check that the runner reaches https://pypi.org/pypi/ (pip-audit's "
        "vulnerability service)"
    )


def command_text(text: str, prop: bool = False) -> str:
    """`text` escaped for a workflow command: its message, or (`prop`) a property such as file=."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def load(path: str) -> dict[str, Any] | None:
    try:
        with open(path, encoding="utf-8") as source:
            report = json.load(source)
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) else None


def main() -> int:
    found = problem(load(REPORT))
    if found is None:
        return 0
    print(f"::error title=pip-audit::{command_text(found)}")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
