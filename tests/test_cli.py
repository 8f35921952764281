"""The `pipekit` command as users run it: output, exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / "tests" / "inspect" / "data" / "workflows"


def pipekit(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipekit.cli", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_plan_prints_the_default_matrix_with_costs() -> None:
    result = pipekit("plan")
    assert result.returncode == 0, result.stderr
    assert "Test matrix (18 jobs):" in result.stdout
    assert "On a pull request push (pull_request):" in result.stdout
    assert "Per month (team plan, 3,000 included minutes):" in result.stdout


def test_plan_json_is_machine_readable() -> None:
    result = pipekit("plan", "--json")
    data = json.loads(result.stdout)
    push = next(t for t in data["triggers"] if t["trigger"] == "push")
    assert sum(1 for job in push["job_runs"] if job["job"] == "test") == 18


def test_schema_is_valid_json() -> None:
    assert json.loads(pipekit("schema").stdout)["title"] == "pipekit design"


@pytest.mark.parametrize(
    ("design", "fragment"),
    [
        (
            "test:\n  matrix:\n    python-version: [3.10]\n",
            "test.matrix.python-version[0]: expected a string",
        ),
        ("tset: {}\n", "tset: unknown key; did you mean 'test'?"),
        ("test: [\n", "YAML syntax error at line 2"),
        ("billing:\n  plan: gold\n", "billing.plan: expected one of"),
    ],
)
def test_bad_design_is_one_line_exit_2_no_traceback(tmp_path: Path, design: str, fragment: str) -> None:
    path = tmp_path / "pipeline.yaml"
    path.write_text(design)
    result = pipekit("plan", "--design", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("pipekit: error: ")
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = tmp_path / "pipeline.yaml"
    path.write_text("tset: {}\n")
    result = pipekit("--debug", "plan", "--design", str(path))
    assert result.returncode == 2
    assert "Traceback" in result.stderr


def test_usage_error_exits_2() -> None:
    result = pipekit("plan", "--no-such-flag")
    assert result.returncode == 2
    assert "pipekit: error: unrecognized arguments" in result.stderr


def test_expand_json_is_the_stable_format() -> None:
    files = sorted(
        str(p.relative_to(ROOT)) for p in WORKFLOWS.glob("*.yml") if p.name != "dynamic-matrix.yml"
    )
    result = pipekit("expand", "--json", *files)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows
    assert all(list(row) == ["workflow", "job", "matrix", "runs_on"] for row in rows)
    assert {row["workflow"] for row in rows} == set(files)


def test_expand_reports_unexpandable_matrices(tmp_path: Path) -> None:
    path = tmp_path / "dyn.yml"
    path.write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
        "    strategy:\n      matrix: ${{ fromJSON(needs.s.outputs.m) }}\n    steps: [{run: x}]\n"
    )
    result = pipekit("expand", "--json", str(path))
    assert result.returncode == 1
    assert json.loads(result.stdout) == []
    assert "not statically expandable" in result.stderr


@pytest.mark.parametrize(
    ("command", "design", "fragment"),
    [
        # a rule that spans keys: the message still names the file
        (
            "render",
            "test:\n  matrix:\n    os: [ubuntu-latest, macos-latest]\n"
            "    exclude: [{os: macos-latest, mode: default}]\n"
            "  coverage:\n    report_leg: {os: macos-latest, mode: default}\n",
            "pipeline.yaml: test.coverage.report_leg: no leg of the test matrix has these values",
        ),
        (
            "plan",
            "test:\n  matrix:\n    os: [ubunto-latest]\n",
            "pipeline.yaml: test.matrix.os[0]: unknown runner label 'ubunto-latest'",
        ),
        ("plan", "project:\n  source_dirs: ['-rf']\n", "pipeline.yaml: project.source_dirs[0]: expected"),
    ],
)
def test_errors_after_loading_name_the_design_file(
    tmp_path: Path, command: str, design: str, fragment: str
) -> None:
    path = tmp_path / "pipeline.yaml"
    path.write_text(design)
    args = [command, "--design", str(path)] + (
        ["--out", str(tmp_path / "out")] if command == "render" else []
    )
    result = pipekit(*args)
    assert result.returncode == 2
    assert fragment in result.stderr
    assert result.stderr.startswith(f"pipekit: error: {path}: ")
