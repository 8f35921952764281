"""Three-way merge of design data: what one editor changed since it loaded the file, laid over what the
file holds now, so two notebooks saving one design never drop each other's edits.

Mappings merge key by key; any other value (a list, a scalar) is one leaf. A key path changed on one
side takes that side's value; changed on both sides to different values it is a conflict, which the
caller shows with both values and resolves by choosing a side.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Literal

KeyPath = tuple[str, ...]
Side = Literal["mine", "theirs"]


class _Missing:
    """A key absent on one side (a value of its own: None is a real YAML value)."""

    def __repr__(self) -> str:
        return "(not set)"


MISSING: Any = _Missing()


@dataclasses.dataclass(frozen=True)
class Conflict:
    """One key path both sides changed: this editor's value and the file's (MISSING: removed)."""

    path: KeyPath
    mine: Any
    theirs: Any

    @property
    def key(self) -> str:
        return ".".join(self.path)


@dataclasses.dataclass(frozen=True)
class Merged:
    data: dict[str, Any]
    conflicts: tuple[Conflict, ...]


def merge(
    base: Mapping[str, Any],
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any],
    choose: Mapping[KeyPath, Side] | None = None,
) -> Merged:
    """`mine` and `theirs` both started from `base`; their merge, with the conflicts left. A conflict
    whose path is in `choose` takes the chosen side and is not reported; an unresolved one keeps `mine`
    in the data."""
    conflicts: list[Conflict] = []
    data = _merge(base, mine, theirs, (), choose or {}, conflicts)
    return Merged(data=data if isinstance(data, dict) else {}, conflicts=tuple(conflicts))


def changed_paths(before: Any, after: Any, path: KeyPath = ()) -> list[KeyPath]:
    """The leaf key paths whose value differs between two versions of the data."""
    if before == after:
        return []
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        found: list[KeyPath] = []
        for key in [*before, *(key for key in after if key not in before)]:
            found += changed_paths(before.get(key, MISSING), after.get(key, MISSING), (*path, str(key)))
        return found
    return [path]


def _merge(
    base: Any,
    mine: Any,
    theirs: Any,
    path: KeyPath,
    choose: Mapping[KeyPath, Side],
    conflicts: list[Conflict],
) -> Any:
    if mine in (base, theirs):
        return theirs
    if theirs == base:
        return mine
    if all(isinstance(side, Mapping) for side in (mine, theirs)) and isinstance(base, (Mapping, _Missing)):
        before: Mapping[str, Any] = base if isinstance(base, Mapping) else {}
        merged: dict[str, Any] = {}
        keys = list(theirs) + [key for key in mine if key not in theirs]
        for key in keys:
            value = _merge(
                before.get(key, MISSING),
                mine.get(key, MISSING),
                theirs.get(key, MISSING),
                (*path, str(key)),
                choose,
                conflicts,
            )
            if value is not MISSING:
                merged[key] = value
        return merged
    chosen = choose.get(path)
    if chosen is not None:
        return mine if chosen == "mine" else theirs
    conflicts.append(Conflict(path=path, mine=mine, theirs=theirs))
    return mine
