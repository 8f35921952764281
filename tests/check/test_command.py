"""`pipekit check` as users run it: diffs, then one line per finding, then a summary on stderr; exit 0
when all is well, 1 on drift or findings, 2 on bad input."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipekit.check import DEFAULT_CHECKS

from ..conftest import DESIGN
from ..repo.fixtures import modelmuxer_layout
from .bots import NEW_SHA, dependabot


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
    text = design_file.read_text(encoding="utf-8").replace(
        "deploy:\n  enabled: true\n", "deploy:\n  enabled: false\n"
    )
    design_file.write_text(text, encoding="utf-8")
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


# ---------------------------------------------------------------------------------- --repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository laid out like ModelMuxer with the reference design as its pipeline.yaml, rendered in."""
    root = modelmuxer_layout(tmp_path / "modelmuxer")
    (root / "pipeline.yaml").write_text(DESIGN.read_text(encoding="utf-8"), encoding="utf-8")
    done = pipekit("render", "--repo", str(root))
    assert done.returncode == 0, done.stderr
    return root


def test_repo_reads_the_files_where_render_repo_writes_them(repo: Path) -> None:
    done = pipekit("check", "--repo", str(repo), "--no-validators")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"pipekit check: 6 files match {repo / 'pipeline.yaml'}; repository found nothing\n"
    gitleaks = repo / ".gitleaks.toml"
    gitleaks.write_text(gitleaks.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    done = pipekit("check", "--repo", str(repo), "--no-validators")
    assert done.returncode == 1
    assert done.stdout.startswith(f"--- {gitleaks} (on disk)\n")


def test_repo_findings_fail_the_check(repo: Path) -> None:
    (repo / "infra/docker/Dockerfile.production").unlink()
    (repo / "app/extra.py").write_text("x = 1\n", encoding="utf-8")
    done = pipekit("check", "--repo", str(repo), "--no-validators")
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{repo / 'app/extra.py'}: license.header: this file does not begin with the header (looked at its "
        "first 4 lines) [repo-header]",
        f"{repo / 'infra/docker/Dockerfile.production'}: build.dockerfile: the Dockerfile build.yaml "
        "builds is not in the repository (no such file or folder) [repo-path]",
    ]
    assert done.stderr == (
        f"pipekit check: 0 file(s) drifted from {repo / 'pipeline.yaml'}, 2 finding(s) from repository\n"
    )


def test_repo_with_another_design_and_bad_input(repo: Path, design_file: Path) -> None:
    done = pipekit("check", "--repo", str(repo), "--design", str(design_file), "--no-validators")
    assert done.returncode == 0, done.stdout + done.stderr
    both = pipekit("check", "--repo", str(repo), "--dir", str(repo))
    assert both.returncode == 2 and "not allowed with" in both.stderr
    nowhere = pipekit("check", "--repo", str(repo / "nowhere"))
    assert nowhere.returncode == 2
    assert nowhere.stderr == f"pipekit: error: {repo / 'nowhere'}: --repo must be the repository's folder\n"


def test_repo_tells_a_bots_pin_update_from_drift(repo: Path) -> None:
    """A Dependabot bump of a pinned action is not drift: exit 3 names it and points at `pins sync`."""
    test = repo / ".github" / "workflows" / "test.yaml"
    text = test.read_text(encoding="utf-8")
    match = re.search(r"actions/checkout@([0-9a-f]{40}) # (v[0-9.]+)", text)
    assert match is not None
    test.write_text(
        dependabot(text, "actions/checkout", match[1], NEW_SHA, match[2], "v99.0.0"), encoding="utf-8"
    )
    done = pipekit("check", "--repo", str(repo), "--no-validators")
    assert done.returncode == 3
    assert all(line.endswith("[bot-pin-update]") for line in done.stdout.splitlines())
    assert done.stderr.startswith(
        f"pipekit check: only action pins a bot moved differ from {repo / 'pipeline.yaml'}"
    )


def test_in_a_workflow_each_drifted_file_gets_an_error_annotation(design_file: Path, rendered: Path) -> None:
    (rendered / "test.yaml").write_text("# edited by hand\n", encoding="utf-8")
    (rendered / "deploy.yaml").unlink()
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    done = pipekit("check", "--design", str(design_file), "--dir", str(rendered), "--no-validators", env=env)
    assert done.returncode == 1
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::error ")]
    assert annotations == [
        f"::error file={path},title=pipekit check::{path} is not what {design_file} renders: run "
        "`pipekit render` and commit it"
        for path in (str(rendered / "test.yaml").replace(":", "%3A"), str(rendered / "deploy.yaml"))
    ]
    quiet = pipekit("check", "--design", str(design_file), "--dir", str(rendered), "--no-validators")
    # outside GitHub Actions the diff says it
    assert not [line for line in quiet.stdout.splitlines() if line.startswith("::error")]
