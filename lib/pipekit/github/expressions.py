"""Matrix references in expressions, resolved the way GitHub resolves them for one matrix leg."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipekit.github.matrix import scalar_text

_MISSING = object()  # a matrix reference that names no value of the combination

# ${{ matrix.KEY }} or ${{ matrix.KEY.SUB }}; names as GitHub's expression syntax allows them
_MATRIX_REFERENCE = re.compile(
    r"\$\{\{\s*matrix\.([A-Za-z_][A-Za-z0-9_-]*)(?:\.([A-Za-z_][A-Za-z0-9_-]*))?\s*\}\}"
)


def whole_reference(text: str, matrix: Mapping[str, Any]) -> Any:
    """The matrix value `text` refers to when it is nothing but one reference; None otherwise."""
    whole = _MATRIX_REFERENCE.fullmatch(text.strip())
    if whole is None:
        return None
    value = _lookup(matrix, whole.group(1), whole.group(2))
    return None if value is _MISSING else value


def substitute(text: str, matrix: Mapping[str, Any]) -> str:
    def replace(match: re.Match[str]) -> str:
        value = _lookup(matrix, match.group(1), match.group(2))
        replacement = None if value is _MISSING else scalar_text(value)
        return match.group(0) if replacement is None else replacement  # unknown: keep as written

    return _MATRIX_REFERENCE.sub(replace, text)


def _lookup(matrix: Mapping[str, Any], key: str, sub: str | None) -> Any:
    value = _get_ignoring_case(matrix, key)
    if sub is not None:
        value = _get_ignoring_case(value, sub) if isinstance(value, Mapping) else _MISSING
    return value


def _get_ignoring_case(mapping: Mapping[Any, Any], name: str) -> Any:
    # GitHub's contexts ignore case: matrix.OS is matrix.os
    if name in mapping:
        return mapping[name]
    for key, value in mapping.items():
        if isinstance(key, str) and key.lower() == name.lower():
            return value
    return _MISSING
