"""The test gate of test.yaml, on the junit.xml a real pytest run writes for a small generated test folder:
three passing tests, one failing, one skipped and one expected failure."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from pipekit.render import test as render_test
from pipekit.render.scripts import min_tests_gate

from ...designs import reference
from .support import rendered_step, run_step

SAMPLE_TESTS = """\
import pytest


def test_one():
    pass


def test_two():
    pass


def test_three():
    pass


def test_fails():
    assert 1 == 2


@pytest.mark.skip(reason="planted skip")
def test_skipped():
    pass


@pytest.mark.xfail(reason="planted expected failure")
def test_expected_failure():
    assert False
"""
RAN = 4  # three passed and one failed; the skip and the expected failure are reported as skipped


@pytest.fixture(scope="module")
def junit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """junit.xml from running pytest on the sample tests, as the workflow's test step does."""
    folder = tmp_path_factory.mktemp("pytest-run")
    (folder / "tests").mkdir()
    (folder / "tests" / "test_sample.py").write_text(SAMPLE_TESTS, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=junit.xml", "tests"],
        cwd=folder,
        # only pytest itself: this project's plugins have no part in the sample run
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr  # the planted failure fails the run
    assert "1 failed, 3 passed, 1 skipped, 1 xfailed" in done.stdout
    return folder / "junit.xml"


@pytest.fixture
def gate_step() -> dict[str, Any]:
    return rendered_step("test.yaml", "test", "Check the number of tests that ran")


def workspace(tmp_path: Path, junit: Path) -> Path:
    (tmp_path / "junit.xml").write_bytes(junit.read_bytes())
    return tmp_path


def test_the_step_embeds_the_script(gate_step: dict[str, Any]) -> None:
    assert gate_step["run"] == render_test.test_gate(reference())
    assert gate_step["env"] == {"MIN_TESTS": "116"}
    assert gate_step["shell"] == "bash"  # the test job's default: Windows legs run it in Git Bash too


@pytest.mark.parametrize("minimum", [RAN - 1, RAN])
def test_gate_passes_at_or_above_the_minimum(
    tmp_path: Path, junit: Path, gate_step: dict[str, Any], minimum: int
) -> None:
    run = run_step(gate_step, workspace(tmp_path, junit), {"MIN_TESTS": str(minimum)})
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.annotations == []
    assert run.summary == f"**Test gate:** {RAN} tests ran (minimum {minimum}).\n"


def test_gate_fails_below_the_minimum(tmp_path: Path, junit: Path, gate_step: dict[str, Any]) -> None:
    run = run_step(gate_step, workspace(tmp_path, junit), {"MIN_TESTS": str(RAN + 1)})
    assert run.returncode == 1
    assert run.annotations == [f"::error title=Test gate::{RAN} tests ran; at least {RAN + 1} must run."]
    assert run.summary == f"**Test gate:** {RAN} tests ran (minimum {RAN + 1}).\n"


def test_gate_with_the_design_minimum_fails_on_a_small_run(
    tmp_path: Path, junit: Path, gate_step: dict[str, Any]
) -> None:
    run = run_step(gate_step, workspace(tmp_path, junit))  # MIN_TESTS as the workflow sets it
    assert run.returncode == 1
    assert "4 tests ran; the gate needs at least 116." in run.stdout


def test_gate_fails_when_pytest_wrote_no_report(tmp_path: Path, gate_step: dict[str, Any]) -> None:
    run = run_step(gate_step, tmp_path, {"MIN_TESTS": "1"})
    assert run.returncode == 1
    assert run.annotations == [
        "::error title=Test gate::pytest wrote no readable junit.xml, so no test counts as run; "
        "at least 1 must run."
    ]
    (tmp_path / "junit.xml").write_text("<testsuites><testsuite tests=", encoding="utf-8")  # cut short
    assert run_step(gate_step, tmp_path, {"MIN_TESTS": "1"}).returncode == 1


def test_tests_ran_counts_what_was_not_skipped(junit: Path) -> None:
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    assert min_tests_gate.tests_ran(root) == RAN
    # A report whose root is the one suite (other JUnit writers) counts the same.
    (suite,) = root.iter("testsuite")
    assert min_tests_gate.tests_ran(suite) == RAN


def test_read_report(junit: Path, tmp_path: Path) -> None:
    assert min_tests_gate.read_report(str(junit)) == RAN
    assert min_tests_gate.read_report(str(tmp_path / "missing.xml")) is None
    broken = tmp_path / "broken.xml"
    broken.write_text("not xml", encoding="utf-8")
    assert min_tests_gate.read_report(str(broken)) is None
