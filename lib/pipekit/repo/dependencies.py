"""A project's dependencies as its package manager installs them: the main ones, the extras
(``[project.optional-dependencies]``, ``[tool.poetry.extras]``) and the dependency groups (PEP 735
``[dependency-groups]``, ``[tool.poetry.group.<name>]``, uv's ``dev-dependencies``), and which groups the
manager installs without being asked.

What each manager installs by default: Poetry every group not marked ``optional = true`` (python-poetry.org
/docs/managing-dependencies); uv the groups in ``tool.uv.default-groups``, ``["dev"]`` unless set
(docs.astral.sh/uv/concepts/projects/dependencies, "Default groups"); pip no group (``pip install --group``
names each one; pip.pypa.io, "Dependency Groups").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipekit.repo.manager import Manager
from pipekit.repo.pyproject import Pyproject

_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def normalized(name: str) -> str:
    """A distribution or group name as PEP 503 and PEP 735 compare them: lower case, runs of -_. as -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str | None:
    """The distribution a PEP 508 requirement names (``pytest>=8`` -> ``pytest``), normalized."""
    match = _NAME.match(requirement)
    return normalized(match.group(1)) if match else None


@dataclass(frozen=True)
class Group:
    """A dependency group: its packages (included groups resolved), whether the manager installs it by
    default, and where it is declared."""

    name: str
    packages: frozenset[str]
    default: bool
    source: str


@dataclass(frozen=True)
class Dependencies:
    """`extras` and `groups` by name as the project writes them; `extras_known` is False when a build
    backend computes the extras (``dynamic``), so none can be checked."""

    main: frozenset[str] = frozenset()
    extras: Mapping[str, frozenset[str]] = field(default_factory=dict)
    extras_source: str = ""
    extras_known: bool = True
    groups: Mapping[str, Group] = field(default_factory=dict)

    @property
    def default_packages(self) -> frozenset[str]:
        """What a plain install brings: the main dependencies and the default groups."""
        found = set(self.main)
        for group in self.groups.values():
            if group.default:
                found |= group.packages
        return frozenset(found)

    def extra(self, name: str) -> str | None:
        """The extra's name as declared, matched as installers match it (normalized)."""
        return next((declared for declared in self.extras if normalized(declared) == normalized(name)), None)

    def group(self, name: str) -> Group | None:
        return next(
            (group for group in self.groups.values() if normalized(group.name) == normalized(name)), None
        )

    def holding(self, package: str) -> list[tuple[str, str]]:
        """Where `package` is declared beyond the default install: (``extra`` or ``group``, name) pairs."""
        wanted = normalized(package)
        found = [("extra", name) for name, packages in self.extras.items() if wanted in packages]
        found += [("group", g.name) for g in self.groups.values() if not g.default and wanted in g.packages]
        return found


def _names(requirements: Iterable[Any]) -> frozenset[str]:
    return frozenset(
        name for item in requirements if isinstance(item, str) and (name := requirement_name(item))
    )


def _table_names(table: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(normalized(key) for key in table if normalized(key) != "python")


def _pep735_groups(pyproject: Pyproject) -> dict[str, frozenset[str]]:
    """[dependency-groups] with ``{include-group = ...}`` entries resolved (cycles stop the descent)."""
    table = pyproject.table("dependency-groups")

    def resolve(name: str, seen: frozenset[str]) -> frozenset[str]:
        entries = table.get(name)
        found: set[str] = set()
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, str):
                found |= _names([entry])
            elif isinstance(entry, Mapping) and isinstance(entry.get("include-group"), str):
                included = next(
                    (key for key in table if normalized(key) == normalized(entry["include-group"])), None
                )
                if included is not None and included not in seen:
                    found |= resolve(included, seen | {included})
        return frozenset(found)

    return {name: resolve(name, frozenset({name})) for name in table}


def read_dependencies(pyproject: Pyproject, manager: Manager) -> Dependencies:
    """The project's dependencies as `manager` sees them."""
    project = pyproject.project
    main = _names(project.get("dependencies") or [])
    extras = {
        name: _names(reqs) for name, reqs in pyproject.table("project", "optional-dependencies").items()
    }
    extras_source = "pyproject.toml [project.optional-dependencies]"
    extras_known = "optional-dependencies" not in pyproject.dynamic
    groups: dict[str, Group] = {}
    pep735 = _pep735_groups(pyproject)
    if manager == "poetry":
        main |= _table_names(pyproject.table("tool", "poetry", "dependencies"))
        poetry_extras = pyproject.table("tool", "poetry", "extras")
        if poetry_extras:
            extras_source = "pyproject.toml [tool.poetry.extras]"
            for name, packages in poetry_extras.items():
                extras[name] = extras.get(name, frozenset()) | _names(
                    packages if isinstance(packages, list) else []
                )
        legacy = pyproject.table("tool", "poetry", "dev-dependencies")
        if legacy:
            groups["dev"] = Group(
                "dev", _table_names(legacy), True, "pyproject.toml [tool.poetry.dev-dependencies]"
            )
        for name, group in pyproject.table("tool", "poetry", "group").items():
            if not isinstance(group, Mapping):
                continue
            packages = _table_names(group.get("dependencies") or {}) | pep735.get(name, frozenset())
            optional = group.get("optional") is True
            groups[name] = Group(name, packages, not optional, f"pyproject.toml [tool.poetry.group.{name}]")
        for name, packages in pep735.items():
            # Poetry reads PEP 735 groups too (Poetry 2.2); [tool.poetry.group.<name>] may mark them optional.
            if name not in groups:
                groups[name] = Group(name, packages, True, "pyproject.toml [dependency-groups]")
    elif manager == "uv":
        default_setting = pyproject.value("tool", "uv", "default-groups")
        legacy_dev = pyproject.strings("tool", "uv", "dev-dependencies")
        if legacy_dev:
            pep735["dev"] = pep735.get("dev", frozenset()) | _names(legacy_dev)
        for name, packages in pep735.items():
            if default_setting == "all":
                default = True
            elif isinstance(default_setting, list):
                default = normalized(name) in {normalized(g) for g in default_setting if isinstance(g, str)}
            else:
                default = normalized(name) == "dev"
            source = (
                "pyproject.toml [dependency-groups]"
                if name in pyproject.table("dependency-groups")
                else ("pyproject.toml [tool.uv] dev-dependencies")
            )
            groups[name] = Group(name, packages, default, source)
    else:
        for name, packages in pep735.items():
            groups[name] = Group(name, packages, False, "pyproject.toml [dependency-groups]")
    return Dependencies(
        main=main,
        extras=extras,
        extras_source=extras_source,
        extras_known=extras_known,
        groups=groups,
    )
