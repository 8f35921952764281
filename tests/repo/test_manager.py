"""The package manager: the lock file decides, then the tool's pyproject table, else pip; and the
requirements files a pip project installs."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipekit.repo.manager import package_manager, requirements_files
from pipekit.repo.pyproject import read_pyproject
from pipekit.repo.tree import Tree

from .fixtures import write

BACKEND = '[build-system]\nbuild-backend = "{}"\n'


@pytest.mark.parametrize(
    ("files", "manager", "comment"),
    [
        ({"poetry.lock": "", "pyproject.toml": "[tool.poetry]\nname='x'\n"}, "poetry", "from poetry.lock"),
        ({"uv.lock": "", "pyproject.toml": "[project]\nname='x'\n"}, "uv", "from uv.lock"),
        ({"pyproject.toml": "[tool.poetry]\nname='x'\n"}, "poetry", "from pyproject.toml [tool.poetry]"),
        ({"pyproject.toml": "[tool.uv]\npackage = true\n"}, "uv", "from pyproject.toml [tool.uv]"),
        (
            {"pyproject.toml": BACKEND.format("hatchling.build")},
            "pip",
            "from pyproject.toml build-backend hatchling.build (no lock file)",
        ),
        (
            {"pyproject.toml": BACKEND.format("pdm.backend")},
            "pip",
            "from pyproject.toml build-backend pdm.backend (no lock file)",
        ),
        (
            {"pyproject.toml": BACKEND.format("flit_core.buildapi")},
            "pip",
            "from pyproject.toml build-backend flit_core.buildapi (no lock file)",
        ),
        ({"setup.py": ""}, "pip", "no poetry.lock, uv.lock, [tool.poetry] or [tool.uv]"),
    ],
)
def test_package_manager(tmp_path: Path, files: dict[str, str], manager: str, comment: str) -> None:
    tree = Tree(write(tmp_path, files))
    found = package_manager(tree, read_pyproject(tree))
    assert (found.value, found.comment) == (manager, comment)


def test_requirements_files(tmp_path: Path) -> None:
    names = [
        "requirements.txt",
        "requirements-dev.txt",
        "dev-requirements.txt",
        "requirements-docs.txt",
        "requirements/test.txt",
        "requirements/prod.txt",
        "docs/requirements.txt",
    ]
    tree = Tree(write(tmp_path, dict.fromkeys(names, "")))
    found = requirements_files(tree)
    assert found.value == (
        "requirements.txt",
        "dev-requirements.txt",
        "requirements-dev.txt",
        "requirements/test.txt",
    )
