"""Source folders (build configuration, then src/, then top-level packages) and the tests folder
(pytest's testpaths in pytest's order of configuration files, then tests/ or test/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipekit.repo.found import Found
from pipekit.repo.layout import find_tests_dir, source_dirs
from pipekit.repo.pyproject import read_pyproject
from pipekit.repo.tree import Tree

from .fixtures import write


def layout(tmp_path: Path, files: dict[str, str]) -> tuple[Found[tuple[str, ...]], Found[str]]:
    tree = Tree(write(tmp_path, files))
    pyproject = read_pyproject(tree)
    return source_dirs(tree, pyproject), find_tests_dir(tree, pyproject)


@pytest.mark.parametrize(
    ("files", "folders", "comment"),
    [
        (
            {
                "pyproject.toml": (
                    '[tool.poetry]\npackages = [{include = "app"}, {include = "lib2", from = "src"}]\n'
                ),
                "app/__init__.py": "",
                "src/lib2/__init__.py": "",
            },
            ("app", "src/lib2"),
            "from pyproject.toml [tool.poetry] packages",
        ),
        (
            {
                "pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["lib"]\n',
                "lib/pk/__init__.py": "",
            },
            ("lib",),
            "from pyproject.toml [tool.setuptools.packages.find] where",
        ),
        (
            {
                "pyproject.toml": (
                    '[tool.setuptools]\npackages = ["pk", "pk.sub"]\npackage-dir = {"" = "source"}\n'
                ),
                "source/pk/__init__.py": "",
            },
            ("source/pk",),
            "from pyproject.toml [tool.setuptools] packages",
        ),
        (
            {
                "pyproject.toml": '[tool.hatch.build.targets.wheel]\npackages = ["src/pk"]\n',
                "src/pk/__init__.py": "",
            },
            ("src/pk",),
            "from pyproject.toml [tool.hatch.build.targets.wheel] packages",
        ),
        ({"src/pk/__init__.py": ""}, ("src",), "from the src/ layout"),
        (
            {
                "alpha/__init__.py": "",
                "beta/__init__.py": "",
                "tests/__init__.py": "",
                "docs/__init__.py": "",
            },
            ("alpha", "beta"),
            "from the top-level packages (folders with __init__.py)",
        ),
        ({"run.py": ""}, (".",), "assumed: no package folder found; the whole repository"),
    ],
)
def test_source_dirs(tmp_path: Path, files: dict[str, str], folders: tuple[str, ...], comment: str) -> None:
    found, _ = layout(tmp_path, files)
    assert (found.value, found.comment) == (folders, comment)


def test_a_configured_package_that_does_not_exist_falls_through(tmp_path: Path) -> None:
    found, _ = layout(
        tmp_path, {"pyproject.toml": '[tool.poetry]\npackages = [{include = "gone"}]\n', "src/x.py": ""}
    )
    assert found.value == ("src",)


@pytest.mark.parametrize(
    ("files", "folder", "comment"),
    [
        (
            {
                "pytest.ini": "[pytest]\ntestpaths = checks\n",
                "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["t"]\n',
                "checks/a.py": "",
                "t/b.py": "",
            },
            "checks",
            "from pytest.ini testpaths",
        ),
        (
            {"pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["gone", "t"]\n', "t/b.py": ""},
            "t",
            "from pyproject.toml [tool.pytest.ini_options] testpaths",
        ),
        (
            {"setup.cfg": "[tool:pytest]\ntestpaths = spec\n", "spec/a.py": ""},
            "spec",
            "from setup.cfg [tool:pytest] testpaths",
        ),
        ({"test/test_a.py": ""}, "test", "from the test/ folder"),
        ({"a.py": ""}, "tests", "assumed: no tests folder found"),
    ],
)
def test_tests_dir(tmp_path: Path, files: dict[str, str], folder: str, comment: str) -> None:
    _, found = layout(tmp_path, files)
    assert (found.value, found.comment) == (folder, comment)
