"""The pip-audit coverage gate of security.yaml: it fails when pip-audit could audit none of the
dependencies (every one skipped, as when its vulnerability service is out of reach), and passes when at
least one was audited. Reports are built in the shape pip-audit's JSON format writes
(pip_audit/_format/json.py), with the skip reasons it words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipekit.render import security
from pipekit.render.scripts import pip_audit_coverage

from .support import rendered_step, run_step

EDITABLE = {"name": "quickcalc", "skip_reason": "distribution marked as editable"}


def unreachable(name: str, version: str) -> dict[str, str]:
    return {
        "name": name,
        "skip_reason": f"Dependency not found on PyPI and could not be audited: {name} ({version})",
    }


@pytest.fixture
def gate_step() -> dict[str, Any]:
    return rendered_step("security.yaml", "pip-audit", "Check that the audit reached advisory data")


def run_gate(step: dict[str, Any], folder: Path, report: dict[str, Any] | None) -> tuple[int, str]:
    if report is not None:
        (folder / "pip-audit.json").write_text(json.dumps(report), encoding="utf-8")
    run = run_step(step, folder)
    return run.returncode, run.stdout


def test_the_step_embeds_the_script_and_runs_only_after_a_passing_audit(gate_step: dict[str, Any]) -> None:
    assert gate_step["run"] == security.PIP_AUDIT_COVERAGE
    assert "if" not in gate_step  # a failed audit already failed the job


def test_nothing_audited_fails_naming_the_skipped_dependencies(
    gate_step: dict[str, Any], tmp_path: Path
) -> None:
    skipped = [unreachable(name, "1.0") for name in ("idna", "pytest", "ruff", "mypy")]
    code, out = run_gate(gate_step, tmp_path, {"dependencies": [EDITABLE, *skipped], "fixes": []})
    assert code == 1
    assert out == (
        "::error title=pip-audit::pip-audit audited none of 4 dependencies (idna: Dependency not found on "
        "PyPI and could not be audited: idna (1.0); pytest: Dependency not found on PyPI and could not be "
        "audited: pytest (1.0); ruff: Dependency not found on PyPI and could not be audited: ruff (1.0); and "
        "1 more): it reached no advisory data, so the job cannot pass; check that the runner reaches "
        "https://pypi.org/pypi/ (pip-audit's vulnerability service)\n"
    )


@pytest.mark.parametrize(
    "dependencies",
    [
        [{"name": "idna", "version": "3.10", "vulns": []}],
        [EDITABLE, {"name": "idna", "version": "3.10", "vulns": []}, unreachable("internal-tool", "0.3")],
        [EDITABLE],  # nothing to audit but the project itself
        [],
    ],
    ids=["audited", "some-private", "only-the-project", "empty"],
)
def test_an_audit_that_looked_something_up_passes(
    gate_step: dict[str, Any], tmp_path: Path, dependencies: list[dict[str, Any]]
) -> None:
    assert run_gate(gate_step, tmp_path, {"dependencies": dependencies, "fixes": []}) == (0, "")


@pytest.mark.parametrize("text", [None, "{not json", "[]"], ids=["missing", "unreadable", "not-an-object"])
def test_a_missing_or_unreadable_report_fails(
    gate_step: dict[str, Any], tmp_path: Path, text: str | None
) -> None:
    if text is not None:
        (tmp_path / "pip-audit.json").write_text(text, encoding="utf-8")
    code, out = run_gate(gate_step, tmp_path, None)
    assert code == 1
    assert out.startswith("::error title=pip-audit::pip-audit wrote no readable pip-audit.json")


def test_the_problem_reads_only_the_report() -> None:
    assert pip_audit_coverage.problem({"dependencies": [unreachable("a", "1")]}) is not None
    assert pip_audit_coverage.problem({"dependencies": [{"name": "a", "version": "1", "vulns": []}]}) is None
