"""Where the code and the tests are: source folders from the build configuration (Poetry ``packages``,
setuptools ``packages.find``, hatch ``packages``), else the ``src/`` layout, else the top-level packages;
the tests folder from pytest's ``testpaths``, else ``tests/`` or ``test/``."""

from __future__ import annotations

import configparser
import shlex
from collections.abc import Mapping

from pipekit.repo.found import Found, assumed
from pipekit.repo.pyproject import Pyproject
from pipekit.repo.tree import Tree

# Top-level folders with an __init__.py that are not the project's code.
NOT_SOURCE = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "scripts", "benchmarks", "tools"}
)


def _existing(tree: Tree, paths: list[str]) -> list[str]:
    return list(dict.fromkeys(path.strip("/") for path in paths if path and tree.exists(path.strip("/"))))


def _poetry_packages(pyproject: Pyproject) -> list[str]:
    paths = []
    for entry in pyproject.poetry.get("packages") or []:
        if isinstance(entry, Mapping) and isinstance(entry.get("include"), str):
            base = entry.get("from")
            include = entry["include"].split("/")[0]
            paths.append(f"{base.strip('/')}/{include}" if isinstance(base, str) and base else include)
    return paths


def _setuptools_packages(pyproject: Pyproject) -> tuple[list[str], str]:
    where = pyproject.strings("tool", "setuptools", "packages", "find", "where")
    if where:
        return where, "pyproject.toml [tool.setuptools.packages.find] where"
    packages = pyproject.strings("tool", "setuptools", "packages")
    if packages:
        base = pyproject.value("tool", "setuptools", "package-dir")
        root = base.get("", "") if isinstance(base, Mapping) else ""
        tops = dict.fromkeys(name.split(".")[0] for name in packages)
        return [f"{root}/{top}" if root else top for top in tops], "pyproject.toml [tool.setuptools] packages"
    return [], ""


def source_dirs(tree: Tree, pyproject: Pyproject) -> Found[tuple[str, ...]]:
    """The folders holding the project's own code."""
    candidates: list[tuple[list[str], str]] = [
        (_poetry_packages(pyproject), "pyproject.toml [tool.poetry] packages"),
        _setuptools_packages(pyproject),
        (
            pyproject.strings("tool", "hatch", "build", "targets", "wheel", "packages"),
            "pyproject.toml [tool.hatch.build.targets.wheel] packages",
        ),
    ]
    for paths, source in candidates:
        found = _existing(tree, paths)
        if found:
            return Found(tuple(found), source)
    if any(name.startswith("src/") and name.endswith(".py") for name in tree.files):
        return Found(("src",), "the src/ layout")
    tops = sorted(
        {
            name.split("/")[0]
            for name in tree.files
            if name.count("/") == 1 and name.endswith("/__init__.py") and name.split("/")[0] not in NOT_SOURCE
        }
    )
    if tops:
        return Found(tuple(tops), "the top-level packages (folders with __init__.py)")
    return assumed((".",), "no package folder found; the whole repository")


def _ini_testpaths(tree: Tree, name: str, section: str) -> list[str]:
    text = tree.text(name)
    if text is None:
        return []
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    value = parser.get(section, "testpaths", fallback="")
    return shlex.split(value) if value else []


def find_tests_dir(tree: Tree, pyproject: Pyproject) -> Found[str]:
    """The folder pytest collects from."""
    # pytest's own order of configuration files (docs.pytest.org, "Configuration file formats").
    sources = [
        (_ini_testpaths(tree, "pytest.ini", "pytest"), "pytest.ini testpaths"),
        (_ini_testpaths(tree, ".pytest.ini", "pytest"), ".pytest.ini testpaths"),
        (
            pyproject.strings("tool", "pytest", "ini_options", "testpaths"),
            "pyproject.toml [tool.pytest.ini_options] testpaths",
        ),
        (_ini_testpaths(tree, "tox.ini", "pytest"), "tox.ini [pytest] testpaths"),
        (_ini_testpaths(tree, "setup.cfg", "tool:pytest"), "setup.cfg [tool:pytest] testpaths"),
    ]
    for paths, source in sources:
        found = [path for path in _existing(tree, paths) if tree.is_dir(path)]
        if found:
            return Found(found[0], source)
    for name in ("tests", "test"):
        if tree.is_dir(name):
            return Found(name, f"the {name}/ folder")
    return assumed("tests", "no tests folder found")
