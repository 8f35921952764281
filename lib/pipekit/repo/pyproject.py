"""pyproject.toml: read once, with typed lookups that name the table a value came from."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipekit.errors import InputFileError
from pipekit.repo.tree import Tree

FILE = "pyproject.toml"


@dataclass(frozen=True)
class Pyproject:
    """The parsed file; `data` is empty when the repository has none (`exists` tells which)."""

    data: Mapping[str, Any] = field(default_factory=dict)
    exists: bool = False

    def table(self, *keys: str) -> Mapping[str, Any]:
        """The table at `keys` (``"tool", "poetry"``), or an empty one."""
        node: Any = self.data
        for key in keys:
            node = node.get(key) if isinstance(node, Mapping) else None
        return node if isinstance(node, Mapping) else {}

    def value(self, *keys: str) -> Any:
        """The value at `keys`, or None."""
        *tables, last = keys
        return self.table(*tables).get(last)

    def strings(self, *keys: str) -> list[str]:
        """The list of strings at `keys`; anything else there counts as none."""
        found = self.value(*keys)
        if isinstance(found, Sequence) and not isinstance(found, str):
            return [item for item in found if isinstance(item, str)]
        return []

    @property
    def poetry(self) -> Mapping[str, Any]:
        return self.table("tool", "poetry")

    @property
    def project(self) -> Mapping[str, Any]:
        return self.table("project")

    @property
    def dynamic(self) -> frozenset[str]:
        """[project] fields a build backend computes (setup.py, plugins): unreadable from here."""
        return frozenset(self.strings("project", "dynamic"))


def read_pyproject(tree: Tree) -> Pyproject:
    """The repository's pyproject.toml; InputFileError when it is not valid TOML."""
    text = tree.text(FILE)
    if text is None:
        return Pyproject()
    try:
        return Pyproject(tomllib.loads(text), exists=True)
    except tomllib.TOMLDecodeError as error:
        raise InputFileError(f"{tree.root / FILE}: not valid TOML ({error}); fix it first") from None
