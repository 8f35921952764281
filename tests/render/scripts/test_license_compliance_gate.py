"""The last step of license-compliance.yaml: the run fails unless every check it runs succeeded."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from pipekit.render import license

from .support import rendered_step, run_step

NO_HEADER = {"license": {"header": None}}


@pytest.fixture
def gate_step() -> dict[str, Any]:
    return rendered_step("license-compliance.yaml", "report", "Fail when a check failed")


def test_the_step_embeds_the_script(gate_step: dict[str, Any]) -> None:
    assert gate_step["run"] == license.FAIL_SCRIPT


def test_both_checks_passing_passes(tmp_path: Path, gate_step: dict[str, Any]) -> None:
    run = run_step(gate_step, tmp_path, {"HEADERS_RESULT": "success", "DEPENDENCIES_RESULT": "success"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.annotations == []


@pytest.mark.parametrize(
    ("headers", "dependencies"),
    [("failure", "success"), ("success", "failure"), ("success", "skipped"), ("cancelled", "success")],
)
def test_any_other_result_fails(
    tmp_path: Path, gate_step: dict[str, Any], headers: str, dependencies: str
) -> None:
    run = run_step(gate_step, tmp_path, {"HEADERS_RESULT": headers, "DEPENDENCIES_RESULT": dependencies})
    assert run.returncode == 1
    assert run.annotations == [
        f"::error title=License compliance::headers: {headers}, dependencies: {dependencies}"
    ]


@pytest.mark.parametrize(("dependencies", "code"), [("success", 0), ("failure", 1), ("cancelled", 1)])
def test_without_a_header_check_the_dependencies_decide(tmp_path: Path, dependencies: str, code: int) -> None:
    # license.header null: no header job, so the report job has no HEADERS_RESULT
    step = rendered_step("license-compliance.yaml", "report", "Fail when a check failed", NO_HEADER)
    assert "HEADERS_RESULT" not in os.environ
    run = run_step(step, tmp_path, {"DEPENDENCIES_RESULT": dependencies})
    assert run.returncode == code, run.stdout + run.stderr
    if code:
        assert run.annotations == [
            f"::error title=License compliance::headers: not checked, dependencies: {dependencies}"
        ]
