"""The package manager: Poetry (``poetry.lock``, ``[tool.poetry]``), uv (``uv.lock``, ``[tool.uv]``),
otherwise pip. A build backend (hatchling, pdm, flit, setuptools) without a lock file is installed with pip.
Also the requirements files a pip project installs besides itself."""

from __future__ import annotations

import re
from typing import Literal

from pipekit.repo.found import Found, derived
from pipekit.repo.pyproject import Pyproject
from pipekit.repo.tree import Tree

Manager = Literal["poetry", "uv", "pip"]
LOCK_FILES: dict[Manager, str] = {"poetry": "poetry.lock", "uv": "uv.lock"}
# Requirements files a test run needs: the project's own and its development or test ones.
_REQUIREMENTS = re.compile(
    r"requirements(?:[-_](?:dev|test|tests))?\.txt"
    r"|(?:dev|test|tests)[-_]requirements\.txt"
    r"|requirements/(?:base|main|requirements|dev|test|tests)\.txt"
)


def package_manager(tree: Tree, pyproject: Pyproject) -> Found[Manager]:
    """The lock file decides; without one, the tool's own pyproject table; otherwise pip."""
    if tree.is_file("poetry.lock"):
        return Found("poetry", "poetry.lock")
    if tree.is_file("uv.lock"):
        return Found("uv", "uv.lock")
    if pyproject.poetry:
        return Found("poetry", "pyproject.toml [tool.poetry]")
    if pyproject.table("tool", "uv"):
        return Found("uv", "pyproject.toml [tool.uv]")
    backend = pyproject.value("build-system", "build-backend")
    if isinstance(backend, str) and backend:
        return Found("pip", f"pyproject.toml build-backend {backend} (no lock file)")
    return derived("pip", "no poetry.lock, uv.lock, [tool.poetry] or [tool.uv]")


def lock_file_of(manager: Manager) -> str | None:
    """The lock file the manager's install command needs, or None (pip)."""
    return LOCK_FILES.get(manager)


def requirements_files(tree: Tree) -> Found[tuple[str, ...]]:
    """Requirements files at the root or in requirements/ that a test run installs: requirements.txt and
    the development or test ones (``requirements-dev.txt``, ``requirements/test.txt``,
    ``dev-requirements.txt``)."""
    names = [name for name in tree.files if _REQUIREMENTS.fullmatch(name)]
    names.sort(key=lambda name: (name.count("/"), name != "requirements.txt", name))
    return Found(tuple(names), ", ".join(names) if names else "no requirements files")
