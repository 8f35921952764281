"""The last step of license-compliance.yaml: the run fails unless both checks succeeded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipekit.render import license

from .support import rendered_step, run_step


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
