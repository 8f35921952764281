"""Include and exclude entries as GitHub's MatrixBuilder compares them with a matrix combination.

MatrixBuilder.cs MatrixFilter (lines 513-612) turns each leaf of an entry into the expression
``matrix['key'][...] == literal``; the entry matches a combination when every one of them is true (an entry
with no leaf, such as ``{os: []}``, matches every combination). The literal is written into the expression
text (ExpressionUtility.ConvertToParseToken), so a number is compared as its 15-significant-digit "G15" text
reads back, not as written; strings, booleans and null are compared as they are.

A leaf's path starts with a vector's name, so an entry is a set of conditions, each on one vector's value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipekit.github.values import (
    as_float,
    equal_ignoring_case,
    fold_case,
    index_value,
    kind_of,
    loose_equal,
    number_text,
    parse_number,
)

_Step = str | float  # a mapping key, or a position in a list (GitHub writes positions as numbers)


@dataclass(frozen=True)
class Condition:
    """``value[path...] == literal`` for the value of one vector."""

    path: tuple[_Step, ...]
    literal: Any

    def holds(self, value: Any) -> bool:
        for step in self.path:
            value = index_value(value, step)
        return loose_equal(value, self.literal)

    def holds_for_all(self, values: Sequence[Any]) -> list[bool]:
        """`holds` for each of `values`, with the common comparisons done directly (same results as
        loose_equal: strings ignoring case, numbers as doubles) to keep large matrices quick."""
        literal = self.literal
        if self.path:
            return [self.holds(value) for value in values]
        if kind_of(literal) == "string":
            folded = fold_case(literal)
            return [
                fold_case(value) == folded if type(value) is str else loose_equal(value, literal)
                for value in values
            ]
        if kind_of(literal) == "number":
            number = as_float(literal)  # NaN equals nothing, as in Python
            return [
                as_float(value) == number if type(value) in (int, float) else loose_equal(value, literal)
                for value in values
            ]
        return [loose_equal(value, literal) for value in values]


@dataclass(frozen=True)
class Filter:
    """An include or exclude entry: its conditions by the position of the vector they test."""

    conditions: Mapping[int, tuple[Condition, ...]]

    def holds(self, position: int, value: Any) -> bool:
        """Whether `value`, the vector at `position`'s value, meets every condition on that vector."""
        return all(condition.holds(value) for condition in self.conditions.get(position, ()))

    def holds_for_all(self, position: int, values: Sequence[Any]) -> list[bool]:
        """`holds` for each of `values`, the values of the vector at `position`."""
        result = [True] * len(values)
        for condition in self.conditions.get(position, ()):
            result = [
                before and now for before, now in zip(result, condition.holds_for_all(values), strict=True)
            ]
        return result

    @property
    def last_position(self) -> int:
        """The position of the last vector it tests; -1 when it has no condition (and matches everything)."""
        return max(self.conditions, default=-1)


def compile_filter(entry: Mapping[str, Any], vector_names: Sequence[str]) -> Filter:
    """The conditions of `entry`, whose keys must all name vectors (found ignoring case, as GitHub does)."""
    conditions: dict[int, list[Condition]] = {}
    for key, value in entry.items():
        position = vector_position(vector_names, key)
        for path, leaf in _leaves(value, ()):
            conditions.setdefault(position, []).append(Condition(path, filter_literal(leaf)))
    return Filter({position: tuple(found) for position, found in conditions.items()})


def vector_position(vector_names: Sequence[str], key: str) -> int:
    """Where the vector `key` names is (names compared ignoring case: GitHub's dictionaries ignore case)."""
    if key in vector_names:
        return vector_names.index(key)
    for position, name in enumerate(vector_names):
        if equal_ignoring_case(name, key):
            return position
    raise ValueError(f"{key!r} names no vector")


def filter_literal(value: Any) -> Any:
    """A leaf value as its filter expression reads it back: numbers through their "G15" text."""
    return parse_number(number_text(value)) if kind_of(value) == "number" else value


def _leaves(value: Any, path: tuple[_Step, ...]) -> list[tuple[tuple[_Step, ...], Any]]:
    # MappingState and SequenceState walk depth first: keys as strings, positions as numbers
    if isinstance(value, Mapping):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, str(key)))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, (*path, float(index)))]
    return [(path, value)]
