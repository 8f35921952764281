"""The job summary of security.yaml's pip-audit job: its JSON report as a markdown table.

Reads pip-audit.json, written by ``pip-audit --format json``: ``{"dependencies": [...], "fixes": [...]}``
where an audited dependency is ``{"name", "version", "vulns": [{"id", "fix_versions", "aliases"?,
"description"?}]}`` and a skipped one (editable, not on PyPI) is ``{"name", "skip_reason"}``. The audit
step itself fails on a finding; this step only reports, and runs even when the audit failed.

Environment: GITHUB_STEP_SUMMARY, the job summary file.
"""

from __future__ import annotations

import html
import json
import os
from typing import Any

REPORT = "pip-audit.json"


def cell(text: str) -> str:
    """`text` as one markdown table cell: one line, no HTML, no column break."""
    return html.escape(" ".join(text.split())).replace("|", "&#124;")


def advisory(vuln: dict[str, Any]) -> str:
    """The advisory id, with its aliases (CVE, GHSA) when pip-audit listed them."""
    aliases = [str(alias) for alias in vuln.get("aliases", [])]
    return str(vuln["id"]) + (f" ({', '.join(aliases)})" if aliases else "")


def summary(report: dict[str, Any] | None) -> str:
    """The summary for a parsed report; None stands for a missing or unreadable one."""
    lines = ["## pip-audit", ""]
    if report is None:
        return "\n".join([*lines, "pip-audit wrote no report; see the job log.", ""])
    dependencies = report.get("dependencies", [])
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    found = [(dep, vuln) for dep in audited for vuln in dep.get("vulns", [])]
    if found:
        packages = len({dep["name"] for dep, _ in found})
        lines += [f"**{len(found)} known vulnerabilities in {packages} of {len(audited)} audited packages.**"]
        lines += ["", "| package | version | advisory | fixed in |", "|---|---|---|---|"]
        for dep, vuln in found:
            fixes = ", ".join(str(version) for version in vuln.get("fix_versions", [])) or "no fix yet"
            row = [dep["name"], dep.get("version", ""), advisory(vuln), fixes]
            lines.append("| " + " | ".join(cell(str(value)) for value in row) + " |")
    else:
        lines.append(f"No known vulnerabilities in {len(audited)} audited packages.")
    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    if skipped:
        lines += ["", "Not audited:", ""]
        lines += [f"- {cell(str(dep['name']))}: {cell(str(dep['skip_reason']))}" for dep in skipped]
    return "\n".join(lines) + "\n"


def load(path: str) -> dict[str, Any] | None:
    try:
        with open(path, encoding="utf-8") as source:
            report = json.load(source)
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) else None


def main() -> int:
    with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as out:
        out.write(summary(load(REPORT)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
