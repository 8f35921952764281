"""The pip-audit job summary of security.yaml. pip-audit is not a dependency of this project (it audits
the generated workflow's project, and needs the advisory service), so its report is built here in the
shape pip-audit's JSON format writes (pip_audit/_format/json.py: `dependencies` with `vulns` of `id`,
`fix_versions`, `aliases` and, with `--desc on`, `description`; skipped dependencies as `name` and
`skip_reason`, with the reasons pip-audit words; and `fixes`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipekit.render import security
from pipekit.render.scripts import pip_audit_summary

from .support import rendered_step, run_step

FLASK_ADVISORY = {
    "id": "PYSEC-2019-179",
    "fix_versions": ["1.0"],
    "aliases": ["CVE-2019-1010083", "GHSA-5wv5-4vpf-pj6m"],
    "description": "The Pallets Project Flask before 1.0 is affected by: unexpected memory usage.",
}
CLEAN = [
    {"name": "jinja2", "version": "3.1.6", "vulns": []},
    {"name": "markupsafe", "version": "3.0.2", "vulns": []},
]
SKIPPED = [
    {"name": "modelmuxer", "skip_reason": "distribution marked as editable"},
    {
        "name": "internal-tool",
        "skip_reason": "Dependency not found on PyPI and could not be audited: internal-tool (0.3.0)",
    },
]


def audit_report(*vulnerable: dict[str, Any]) -> dict[str, Any]:
    return {"dependencies": [*vulnerable, *CLEAN, *SKIPPED], "fixes": []}


@pytest.fixture
def summary_step() -> dict[str, Any]:
    return rendered_step("security.yaml", "pip-audit", "Summarize the audit")


def summary_of(step: dict[str, Any], folder: Path, report: dict[str, Any] | None) -> str:
    if report is not None:
        (folder / "pip-audit.json").write_text(json.dumps(report), encoding="utf-8")
    run = run_step(step, folder)
    assert run.returncode == 0, run.stdout + run.stderr  # it reports; the audit step fails the job
    return run.summary


def test_the_step_embeds_the_script(summary_step: dict[str, Any]) -> None:
    assert summary_step["run"] == security.PIP_AUDIT_SUMMARY
    assert summary_step["if"] == "always()"  # the audit fails on a finding: the summary must still run


def test_a_vulnerable_dependency_is_listed_with_its_advisory(
    tmp_path: Path, summary_step: dict[str, Any]
) -> None:
    flask = {
        "name": "flask",
        "version": "0.5",
        "vulns": [FLASK_ADVISORY, {"id": "PYSEC-2018-66", "fix_versions": []}],
    }
    summary = summary_of(summary_step, tmp_path, audit_report(flask))
    lines = summary.splitlines()
    assert "**2 known vulnerabilities in 1 of 3 audited packages.**" in lines
    assert "| flask | 0.5 | PYSEC-2019-179 (CVE-2019-1010083, GHSA-5wv5-4vpf-pj6m) | 1.0 |" in lines
    assert "| flask | 0.5 | PYSEC-2018-66 | no fix yet |" in lines
    assert "- modelmuxer: distribution marked as editable" in lines
    assert (
        "- internal-tool: Dependency not found on PyPI and could not be audited: internal-tool (0.3.0)"
        in lines
    )
    assert "No known vulnerabilities" not in summary


def test_a_clean_audit_says_so(tmp_path: Path, summary_step: dict[str, Any]) -> None:
    summary = summary_of(summary_step, tmp_path, audit_report())
    assert summary.startswith("## pip-audit\n\nNo known vulnerabilities in 2 audited packages.\n")
    assert "| package |" not in summary


def test_no_report_is_said_too(tmp_path: Path, summary_step: dict[str, Any]) -> None:
    assert "pip-audit wrote no report; see the job log." in summary_of(summary_step, tmp_path, None)
    (tmp_path / "pip-audit.json").write_text('{"dependencies": [', encoding="utf-8")  # cut short
    assert "pip-audit wrote no report" in summary_of(summary_step, tmp_path, None)


def test_cells_cannot_break_the_table() -> None:
    odd = {"name": "odd", "version": "1|2", "vulns": [{"id": "X-1\n| injected |", "fix_versions": ["<2"]}]}
    (row,) = [line for line in pip_audit_summary.summary(audit_report(odd)).splitlines() if "odd" in line]
    assert row == "| odd | 1&#124;2 | X-1 &#124; injected &#124; | &lt;2 |"


def test_advisory_names_its_aliases() -> None:
    assert (
        pip_audit_summary.advisory(FLASK_ADVISORY) == "PYSEC-2019-179 (CVE-2019-1010083, GHSA-5wv5-4vpf-pj6m)"
    )
    assert pip_audit_summary.advisory({"id": "PYSEC-1", "fix_versions": []}) == "PYSEC-1"
