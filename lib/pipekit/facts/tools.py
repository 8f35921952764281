"""Python tools the generated workflows install with pip, each pinned to one release (data/tool-pins.yaml)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from pipekit.errors import DataError
from pipekit.facts.packaged import data_yaml

FILE = "tool-pins.yaml"
_REQUIREMENT = re.compile(r"[A-Za-z0-9_.-]+(?:\[[A-Za-z0-9_,.-]+\])?==[0-9][A-Za-z0-9.]*")


@functools.cache
def _requirements() -> Mapping[str, str]:
    data = data_yaml(FILE)
    tools = data.get("tools") if isinstance(data, Mapping) else None
    if not isinstance(tools, Mapping):
        raise DataError(f"data/{FILE}: expected a 'tools' mapping")
    found: dict[str, str] = {}
    for name, entry in tools.items():
        requirement = entry.get("requirement") if isinstance(entry, Mapping) else None
        if not isinstance(requirement, str) or not _REQUIREMENT.fullmatch(requirement):
            raise DataError(
                f"data/{FILE}: tools.{name}.requirement: expected name==version, got {requirement!r}"
            )
        found[str(name)] = requirement
    return found


def version(tool: str) -> str:
    """The pinned release of `tool`, e.g. ``0.13.9``."""
    return requirement(tool).partition("==")[2]


def requirement(tool: str) -> str:
    """The pinned pip requirement of `tool`, e.g. ``pip-audit==2.10.1``."""
    try:
        return _requirements()[tool]
    except KeyError:
        raise DataError(f"data/{FILE}: no pin for {tool}; add one") from None
