"""The packages license-compliance.yaml leaves out of the dependency check: those pip installed from a
folder of the repository, found by the direct_url.json pip writes (PEP 610), in a real virtual environment
holding one package from a folder and one wheel from an index-like folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipekit.render import license
from pipekit.render.scripts import project_packages

from ...designs import reference
from .support import rendered_step, run_step
from .test_license_check import build_wheel

PROJECT = """\
[build-system]
requires = []
build-backend = "backend"
backend-path = ["."]
"""

# A build backend of a few lines, so pip builds the project without downloading one: it hands over the
# wheel the test put next to it.
BACKEND = """\
import shutil

WHEEL = "acme_router-1.0-py3-none-any.whl"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    shutil.copy(WHEEL, wheel_directory)
    return WHEEL
"""


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment holding the project (installed from its folder) and a dependency wheel."""
    folder = tmp_path_factory.mktemp("project")
    (folder / "repo").mkdir()
    (folder / "repo" / "pyproject.toml").write_text(PROJECT, encoding="utf-8")
    (folder / "repo" / "backend.py").write_text(BACKEND, encoding="utf-8")
    build_wheel(folder / "repo", "acme-router", ["License-Expression: LicenseRef-Proprietary"])
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    wheel = build_wheel(folder, "requests-like", ["License-Expression: Apache-2.0"])
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet"]
    pip += ["--no-index", "--no-deps", "--no-build-isolation"]
    subprocess.run([*pip, str(folder / "repo"), str(wheel)], check=True, timeout=300)
    return venv


@pytest.fixture
def packages_step() -> dict[str, Any]:
    return rendered_step(
        "license-compliance.yaml",
        "dependencies",
        "Find the packages installed from this repository",
        {"project": {"package_manager": "pip"}},
    )


def test_the_step_runs_the_script_on_the_project_environment(packages_step: dict[str, Any]) -> None:
    pip_design = reference({"project": {"package_manager": "pip"}})
    assert packages_step["run"] == license.project_packages_script(pip_design)
    assert packages_step["run"].startswith("\"$(command -v python)\" - <<'PY'\n")


def test_the_project_installed_from_its_folder_is_found(
    tmp_path: Path, environment: Path, packages_step: dict[str, Any]
) -> None:
    # setup-python's folder comes first on PATH in the job; here the virtual environment's does
    run = run_step(packages_step, tmp_path, path_first=[environment / "bin"])
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "project-packages.txt").read_text(encoding="utf-8") == "acme-router\n"
    assert "Installed from this repository: acme-router" in run.stdout


@pytest.mark.parametrize(
    ("direct_url", "local"),
    [
        ('{"url": "file:///work/repo", "dir_info": {}}', True),
        ('{"url": "file:///work/repo", "dir_info": {"editable": true}}', True),
        ('{"url": "https://example.invalid/x.whl", "archive_info": {}}', False),
        ('{"url": "https://example.invalid/x.git", "vcs_info": {"vcs": "git", "commit_id": "ab"}}', False),
        (None, False),
        ("", False),
        ("not json", False),
        ("[]", False),
    ],
)
def test_from_a_folder_reads_pep_610(direct_url: str | None, local: bool) -> None:
    assert project_packages.from_a_folder(direct_url) is local
