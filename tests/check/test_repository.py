"""The design held against its repository (`check --repo`): each rule finds its planted problem, one
finding per problem naming the file and the design key, and finds nothing on a repository that fits.

Sources of the rules: Poetry stops on an unknown extra ("Extra [x] is not specified.",
python-poetry/poetry src/poetry/installation/installer.py) or group ("Group(s) not found",
src/poetry/console/commands/group_command.py); `uv sync --locked` without uv.lock fails ("Unable to find
lockfile at `uv.lock`", astral-sh/uv crates/uv/tests/it/sync.rs); setup-python's `cache: poetry` throws
when no poetry.lock matches (actions/setup-python src/cache-distributions/cache-distributor.ts, "No file
in ... matched to [**/poetry.lock]"); the header check is the generated workflow's own function
(render/scripts/license_headers.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipekit.check import repository
from pipekit.check.finding import Finding
from pipekit.design import design_from_data

from ..designs import reference
from ..repo.fixtures import MODELMUXER_HEADER, modelmuxer_layout, pip_project, uv_project, write


@pytest.fixture
def modelmuxer(tmp_path: Path) -> Path:
    return modelmuxer_layout(tmp_path / "modelmuxer")


def found(root: Path, changes: dict[str, Any] | None = None) -> list[tuple[str, str, str]]:
    """(file relative to `root`, rule, message) of every finding for the reference design with `changes`."""
    return [as_row(root, finding) for finding in repository.check(reference(changes), root)]


def as_row(root: Path, finding: Finding) -> tuple[str, str, str]:
    assert (finding.line, finding.column) == (None, None)
    return Path(finding.file).relative_to(root).as_posix(), finding.rule, finding.message


def test_the_reference_design_fits_modelmuxers_layout(modelmuxer: Path) -> None:
    assert found(modelmuxer) == []


def test_missing_files_and_folders(modelmuxer: Path) -> None:
    (modelmuxer / "infra/docker/Dockerfile.production").unlink()
    changes = {
        "project": {"source_dirs": ["app", "lib"], "tests_dir": "spec"},
        "build": {"context": "docker"},
        "test": {
            "benchmark": {"command": "pytest tests/performance tests/bench.py::test_a --benchmark-only"}
        },
    }
    assert found(modelmuxer, changes) == [
        ("docker", "repo-path", "build.context: the build context is not in the repository (no such folder)"),
        (
            "infra/docker/Dockerfile.production",
            "repo-path",
            "build.dockerfile: the Dockerfile build.yaml builds is not in the repository (no such file or "
            "folder)",
        ),
        (
            "lib",
            "repo-path",
            "project.source_dirs[1]: the source folder mypy, coverage and bandit read is not in the "
            "repository (no such file or folder)",
        ),
        (
            "spec",
            "repo-path",
            "project.tests_dir: the tests folder is not in the repository (no such folder)",
        ),
        (
            "tests/bench.py",
            "repo-path",
            "test.benchmark.command: a path the benchmark command hands to pytest is not in the repository "
            "(no such file or folder)",
        ),
    ]


def test_paths_of_parts_the_design_turns_off_are_not_checked(modelmuxer: Path) -> None:
    changes = {
        "build": {"enabled": False, "dockerfile": "gone"},
        "test": {"benchmark": {"enabled": False, "command": "pytest gone"}},
    }
    assert found(modelmuxer, changes) == []


def test_unknown_extras_and_groups(modelmuxer: Path) -> None:
    changes = {"test": {"modes": {"enhanced": {"extras": ["enhanced"], "groups": ["ml", "gpu"]}}}}
    assert found(modelmuxer, changes) == [
        (
            "pyproject.toml",
            "repo-extra",
            "test.modes.enhanced.extras[0]: 'enhanced' is not an extra of the project (declared: none); "
            "installing it fails",
        ),
        (
            "pyproject.toml",
            "repo-group",
            "test.modes.enhanced.groups[1]: 'gpu' is not a dependency group in [tool.poetry.group.<name>] or "
            "[dependency-groups] (declared: dev, jupyter, ml, monitoring); installing it fails",
        ),
    ]


def test_groups_of_a_pip_project_are_pep735_groups(tmp_path: Path) -> None:
    root = pip_project(tmp_path / "calc")
    data = {"project": {"package_manager": "pip", "source_dirs": ["quickcalc"]}, "license": {"header": None}}
    data["test"] = {"modes": {"default": {"extras": ["test", "Test"], "groups": ["dev"]}}}
    rows = [as_row(root, f) for f in repository.check(design_from_data(data), root)]
    assert rows == [
        (
            "pyproject.toml",
            "repo-group",
            "test.modes.default.groups[0]: 'dev' is not a dependency group in [dependency-groups] (pip "
            "installs them with --group) (declared: none); installing it fails",
        )
    ]


def test_files_without_the_header(modelmuxer: Path) -> None:
    write(
        modelmuxer,
        {
            "app/plain.py": "import os\n",
            # A shebang before the header is allowed; the header quoted further down is not the header.
            "app/script.py": "#!/usr/bin/env python3\n" + MODELMUXER_HEADER,
            "app/late.py": '"""Doc."""\n\n\n' + MODELMUXER_HEADER,
        },
    )
    assert found(modelmuxer) == [
        (
            "app/late.py",
            "repo-header",
            "license.header: this file does not begin with the header (looked at its first 4 lines)",
        ),
        (
            "app/plain.py",
            "repo-header",
            "license.header: this file does not begin with the header (looked at its first 4 lines)",
        ),
    ]


def test_globs_that_match_nothing(modelmuxer: Path) -> None:
    assert found(modelmuxer, {"license": {"header_globs": ["src/**/*.py"]}}) == [
        (
            ".",
            "repo-header",
            "license.header_globs: no file matches src/**/*.py; the header check would check nothing",
        ),
    ]
    assert found(modelmuxer, {"license": {"header_globs": ["src/**/*.py", "app/*.{py,pyi}"]}}) == []
    assert found(modelmuxer, {"license": {"header": None, "header_globs": ["src/**/*.py"]}}) == []


def test_python_versions_outside_requires_python(modelmuxer: Path) -> None:
    changes = {
        "project": {"python": "3.10"},
        "test": {
            "matrix": {
                "python-version": ["3.11", "3.10"],
                "include": [{"python-version": "pypy3.9", "os": "ubuntu-latest", "mode": "basic"}],
            }
        },
    }
    constraint = "pyproject.toml [tool.poetry.dependencies] python '^3.11'"
    assert found(modelmuxer, changes) == [
        (
            "pyproject.toml",
            "repo-python",
            f"project.python: Python 3.10 does not satisfy {constraint}; installing the project there fails",
        ),
        (
            "pyproject.toml",
            "repo-python",
            f"test.matrix.include[0].python-version: Python pypy3.9 does not "
            f"satisfy {constraint}; installing the project there fails",
        ),
        (
            "pyproject.toml",
            "repo-python",
            f"test.matrix.python-version[1]: Python 3.10 does not satisfy "
            f"{constraint}; installing the project there fails",
        ),
    ]


def test_the_lock_file_fits_the_package_manager(modelmuxer: Path, tmp_path: Path) -> None:
    (modelmuxer / "poetry.lock").unlink()
    assert found(modelmuxer) == [
        (
            "poetry.lock",
            "repo-lock",
            "project.package_manager: poetry needs poetry.lock, which the repository "
            "lacks; run `poetry lock` and commit poetry.lock, or set the package manager the project uses",
        ),
    ]
    uv = uv_project(tmp_path / "tidy", git=False)
    (uv / "uv.lock").rename(uv / "poetry.lock")
    data = {"project": {"package_manager": "uv"}}
    rows = [as_row(uv, f) for f in repository.check(design_from_data(data), uv)]
    assert rows == [
        (
            "uv.lock",
            "repo-lock",
            "project.package_manager: uv needs uv.lock, which the repository lacks (it "
            "has poetry.lock); run `uv lock` and commit uv.lock, or set the package manager the project uses",
        ),
    ]
    pip = {"project": {"package_manager": "pip"}}
    rows = [as_row(uv, f) for f in repository.check(design_from_data(pip), uv)]
    assert rows == [
        (
            "poetry.lock",
            "repo-lock",
            "project.package_manager: pip ignores poetry.lock; set package_manager: "
            "poetry to install what it locks",
        ),
    ]


def test_pip_needs_something_to_install(tmp_path: Path) -> None:
    root = write(tmp_path, {"src/x.py": "", "tests/test_x.py": "", "requirements.txt": "ruff\n"})
    data = {"project": {"package_manager": "pip", "requirements": ["requirements.txt", "dev.txt"]}}
    rows = [as_row(root, f) for f in repository.check(design_from_data(data), root)]
    assert rows == [
        (
            "dev.txt",
            "repo-path",
            "project.requirements[1]: a requirements file the install step reads is not "
            "in the repository (no such file or folder)",
        ),
        (
            "pyproject.toml",
            "repo-lock",
            "project.package_manager: pip installs the project with `pip install "
            "-e .`, which needs pyproject.toml or setup.py; add one",
        ),
    ]
