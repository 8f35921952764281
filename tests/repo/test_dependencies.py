"""Extras and dependency groups as each package manager installs them.

Poetry installs every group not marked `optional = true` and reads PEP 735 groups since 2.2
(python-poetry.org/docs/managing-dependencies); uv installs `tool.uv.default-groups`, ["dev"] unless set
(docs.astral.sh/uv/concepts/projects/dependencies, "Default groups"); pip installs a group only when named
(`pip install --group`, pip.pypa.io "Dependency Groups"). Names compare normalized (PEP 503, PEP 735)."""

from __future__ import annotations

import tomllib

from pipekit.repo.dependencies import read_dependencies, requirement_name
from pipekit.repo.pyproject import Pyproject

POETRY = """
[tool.poetry.dependencies]
python = "^3.11"
FastAPI = "^0.116"

[tool.poetry.extras]
postgres = ["asyncpg"]

[tool.poetry.group.dev.dependencies]
pytest = "^8"

[tool.poetry.group.ml]
optional = true

[tool.poetry.group.ml.dependencies]
torch = "*"

[dependency-groups]
docs = ["mkdocs (>=1.6)"]
"""

PEP735 = """
[project]
dependencies = ["httpx>=0.27", "Pydantic_Core[email]; python_version >= '3.11'"]

[project.optional-dependencies]
cli = ["click>=8"]

[dependency-groups]
dev = ["pytest>=8", {include-group = "Lint"}]
lint = ["ruff", {include-group = "dev"}]
docs = ["mkdocs"]
"""


def test_requirement_names_are_normalized() -> None:
    assert requirement_name("Pydantic_Core[email]>=2; python_version >= '3.11'") == "pydantic-core"
    assert requirement_name("mkdocs (>=1.6)") == "mkdocs"
    assert requirement_name("  ") is None


def test_poetry_groups_extras_and_pep735() -> None:
    found = read_dependencies(Pyproject(tomllib.loads(POETRY), exists=True), "poetry")
    assert found.main == {"fastapi"}
    assert dict(found.extras) == {"postgres": {"asyncpg"}}
    assert found.extras_source == "pyproject.toml [tool.poetry.extras]"
    assert {name: (g.default, g.source) for name, g in found.groups.items()} == {
        "dev": (True, "pyproject.toml [tool.poetry.group.dev]"),
        "ml": (False, "pyproject.toml [tool.poetry.group.ml]"),
        "docs": (True, "pyproject.toml [dependency-groups]"),
    }
    assert found.default_packages == {"fastapi", "pytest", "mkdocs"}
    assert found.holding("torch") == [("group", "ml")]
    assert found.holding("asyncpg") == [("extra", "postgres")]
    assert found.group("ML") is not None and found.extra("Postgres") == "postgres"


def test_uv_installs_dev_by_default_and_resolves_includes() -> None:
    found = read_dependencies(Pyproject(tomllib.loads(PEP735), exists=True), "uv")
    assert found.main == {"httpx", "pydantic-core"}
    assert {name: g.default for name, g in found.groups.items()} == {
        "dev": True,
        "lint": False,
        "docs": False,
    }
    # dev includes lint, which includes dev again: the cycle stops, both hold both tools.
    assert found.groups["dev"].packages == {"pytest", "ruff"}
    assert found.groups["lint"].packages == {"pytest", "ruff"}
    assert found.holding("mkdocs") == [("group", "docs")]


def test_uv_default_groups_setting() -> None:
    every = read_dependencies(
        Pyproject(tomllib.loads(PEP735 + '[tool.uv]\ndefault-groups = "all"\n'), exists=True), "uv"
    )
    assert all(group.default for group in every.groups.values())
    named = read_dependencies(
        Pyproject(tomllib.loads(PEP735 + '[tool.uv]\ndefault-groups = ["docs"]\n'), exists=True), "uv"
    )
    assert {name for name, g in named.groups.items() if g.default} == {"docs"}


def test_uv_legacy_dev_dependencies_are_the_dev_group() -> None:
    found = read_dependencies(
        Pyproject(tomllib.loads('[tool.uv]\ndev-dependencies = ["pytest"]\n'), exists=True), "uv"
    )
    assert found.groups["dev"].packages == {"pytest"}
    assert found.groups["dev"].default
    assert found.groups["dev"].source == "pyproject.toml [tool.uv] dev-dependencies"


def test_pip_installs_no_group_by_default() -> None:
    found = read_dependencies(Pyproject(tomllib.loads(PEP735), exists=True), "pip")
    assert not any(group.default for group in found.groups.values())
    assert found.holding("pytest") == [("group", "dev"), ("group", "lint")]
    assert found.holding("click") == [("extra", "cli")]


def test_dynamic_extras_cannot_be_read() -> None:
    found = read_dependencies(
        Pyproject(tomllib.loads('[project]\ndynamic = ["optional-dependencies"]\n'), exists=True), "pip"
    )
    assert not found.extras_known
