"""`pipekit check` as users run it: diffs, then one line per finding, then a summary on stderr; exit 0
when all is well, 1 on drift or findings, 2 on bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipekit.check import DEFAULT_CHECKS


def pipekit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipekit.cli", *args], capture_output=True, text=True, check=False, env=env
    )


@pytest.fixture
def rendered(design_file: Path, out_dir: Path) -> Path:
    done = pipekit("render", "--design", str(design_file), "--out", str(out_dir))
    assert done.returncode == 0, done.stderr
    return out_dir


def check(design_file: Path, folder: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return pipekit("check", "--design", str(design_file), "--dir", str(folder), *flags)


def test_all_well(design_file: Path, rendered: Path) -> None:
    done = check(design_file, rendered)
    names = ", ".join(c.name for c in DEFAULT_CHECKS)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"pipekit check: 6 files match {design_file}; {names} found nothing\n"


def test_drift_then_findings_then_the_summary(design_file: Path, rendered: Path) -> None:
    build = rendered / "build.yaml"
    text = build.read_text(encoding="utf-8")
    planted = "      contents: write # check out the repository\n"
    build.write_text(text.replace("      contents: read # check out the repository\n", planted, 1))
    done = check(design_file, rendered)
    assert done.returncode == 1
    diff, _, findings = done.stdout.rpartition("\n-      contents: write # check out the repository\n")
    assert diff.startswith(f"--- {build} (on disk)\n")
    line = text.splitlines().index(planted.replace("write", "read").rstrip("\n")) + 1
    assert findings.splitlines()[-1] == (
        f"{build}:{line}:7: jobs.image.permissions.contents: write is granted but read is enough "
        "(actions/checkout reads the repository) [permissions-excess]"
    )
    assert done.stderr.startswith(f"pipekit check: 1 file(s) drifted from {design_file}, 1 finding(s) from ")
    assert done.stderr.count("\n") == 1


def test_no_validators_compares_only(design_file: Path, rendered: Path) -> None:
    deploy = rendered / "deploy.yaml"
    text = deploy.read_text(encoding="utf-8")
    deploy.write_text("on: push\njobs: {}\n", encoding="utf-8")
    done = check(design_file, rendered, "--no-validators")
    assert done.returncode == 1
    assert done.stdout.startswith(f"--- {rendered / 'deploy.yaml'} (on disk)")
    assert "[schema]" not in done.stdout
    assert (
        done.stderr
        == f"pipekit check: 1 file(s) drifted from {design_file}, 0 finding(s) from no other check\n"
    )
    deploy.write_text(text, encoding="utf-8")
    done = check(design_file, rendered, "--no-validators")
    assert (done.returncode, done.stdout) == (
        0,
        f"pipekit check: 6 files match {design_file}; no other check ran\n",
    )


def test_a_committed_file_the_design_no_longer_makes_is_checked_too(
    design_file: Path, rendered: Path
) -> None:
    (rendered / "deploy.yaml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    design_file.write_text("deploy:\n  enabled: false\n", encoding="utf-8")  # the rest as by default
    done = check(design_file, rendered)
    assert done.returncode == 1
    deploy = rendered / "deploy.yaml"
    assert done.stdout.splitlines() == [
        f"{deploy}: the design no longer produces this file; delete it",
        f"{deploy}: no top-level permissions, so a job without its own gets the repository's default token; "
        "write `permissions: {}` [permissions-workflow]",
        f"{deploy}:2:1: $.jobs: {{}} should be non-empty [schema]",
    ]


def test_the_github_parser_on_request(design_file: Path, rendered: Path) -> None:
    done = check(design_file, rendered, "--github-parser")
    assert done.returncode == 0, done.stderr
    assert "zizmor, workflow-parser found nothing" in done.stdout
    no_node = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    done = pipekit(
        "check", "--design", str(design_file), "--dir", str(rendered), "--github-parser", env=no_node
    )
    assert done.returncode == 2
    assert done.stderr.startswith("pipekit: error: node is not on PATH") and done.stderr.count("\n") == 1


def test_bad_input_exits_2(tmp_path: Path, rendered: Path) -> None:
    design = tmp_path / "bad.yaml"
    design.write_text("test: [\n", encoding="utf-8")
    done = check(design, rendered)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("pipekit: error: ") and done.stderr.count("\n") == 1
    usage = check(design, rendered, "--no-validators", "--github-parser")
    assert usage.returncode == 2 and "not allowed with" in usage.stderr


def test_the_command_module_loads_the_checks_only_to_run_them() -> None:
    heavy = ("pipekit.check", "jsonschema", "yaml", "pipekit.render")
    script = f"import sys, pipekit.commands.check; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "[]", done.stderr
