"""GitHub values written as JSON: the text toJSON() makes, and data that any JSON reader accepts."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pipekit.github.values import as_float, kind_of, to_text

# Newtonsoft's JsonConvert.ToString escapes (the serializer is not in the runner source): quote, backslash,
# the C0 controls and the three characters JavaScript reads as line breaks
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_LONG_ESCAPES = frozenset(chr(code) for code in range(0x20)) | {"\x85", "\u2028", "\u2029"}


def to_json_text(value: Any) -> str:
    """toJSON() as GitHub's runner writes it (Sdk/Functions/ToJson.cs): two-space indent, ``"key": value``,
    numbers in their "G15" text, so NaN and Infinity come out bare."""
    out: list[str] = []
    _write(value, 0, out)
    return "".join(out)


def _write(value: Any, level: int, out: list[str]) -> None:
    indent = "\n" + "  " * (level + 1)
    if isinstance(value, list):
        if not value:
            out.append("[]")
            return
        out.append("[")
        for position, item in enumerate(value):
            out.append(("," if position else "") + indent)
            _write(item, level + 1, out)
        out.append("\n" + "  " * level + "]")
    elif isinstance(value, Mapping):
        if not value:
            out.append("{}")
            return
        out.append("{")
        for position, (key, item) in enumerate(value.items()):
            out.append(("," if position else "") + indent + _json_string(to_text(key)) + ": ")
            _write(item, level + 1, out)
        out.append("\n" + "  " * level + "}")
    elif kind_of(value) == "string":
        out.append(_json_string(value))
    elif kind_of(value) == "null":
        out.append("null")
    else:
        out.append(to_text(value))  # booleans and numbers


def _json_string(text: str) -> str:
    escaped = (
        _SHORT_ESCAPES.get(char) or (f"\\u{ord(char):04x}" if char in _LONG_ESCAPES else char)
        for char in text
    )
    return '"' + "".join(escaped) + '"'


def to_json_data(value: Any) -> Any:
    """`value` as data any JSON reader accepts. JSON has no infinite or NaN numbers; the runner source
    does not say how GitHub would hand them to one, so they become the text GitHub writes for them in a
    string (EvaluationResult.ConvertToString): "Infinity", "-Infinity", "NaN"."""
    if isinstance(value, Mapping):
        return {key: to_json_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json_data(item) for item in value]
    if kind_of(value) == "number" and not math.isfinite(as_float(value)):
        return to_text(value)
    return value
