"""Read a workflow file into plain data the way GitHub's workflow parser reads it.

Scalars follow YamlObjectReader.cs (AllowLiteral, MatchNull, MatchBoolean, MatchInteger, MatchFloat): the
YAML 1.2 core schema for plain values, every number a double except hex and octal integers, which are Int32;
``!!str`` makes any value a string, ``!!null`` ``!!bool`` ``!!int`` ``!!float`` must tag a plain value of
their type, and every other tag on a value is refused; tags on mappings and sequences are ignored. Keys follow
TemplateReader.cs (HandleMappingWithWellKnownProperties, HandleMappingWithAllLooseProperties): a key must be
a scalar, a key that is not a string becomes its text (``1``, ``true``, ``3.1`` for ``3.10``, ``''`` for
null) and two keys that differ only in case are the same key.

File limits, anchors and syntax errors are yamlio's; only the conversion of the parsed nodes is GitHub's.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from pipekit import yamlio
from pipekit.errors import InputFileError
from pipekit.github.values import as_number, fold_case, int32_literal, kind_of, number_text, to_text

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_EVENTS = 50_000  # YamlObjectReader.c_maxYamlNodes: parser events read, aliases replayed (lines 420-425)

_PLAIN = "pipekit:plain"  # an untagged plain scalar: its type comes from the core schema
_QUOTED = "pipekit:quoted"  # an untagged quoted or block scalar: always a string
_CORE = "tag:yaml.org,2002:"
_NULLS = frozenset({"", "null", "Null", "NULL", "~"})
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def load_workflow(path: str) -> Any:
    """The workflow file at `path` as GitHub reads it; InputFileError (with line and column) otherwise."""
    return yamlio.load_file(Path(path), loader_class=_WorkflowLoader)


class _WorkflowLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Composes nodes with yaml's parser, marking how each scalar was written, then converts them."""

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        # called for nodes without a tag; yaml's parser also counts the non-specific tag "!" as none
        # (how YamlDotNet reports "!" is not in the runner source)
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else _QUOTED
        return "pipekit:collection"  # GitHub ignores the tags of mappings and sequences

    def construct_document(self, node: yaml.Node) -> Any:
        events = _event_count(node, {})
        if events > MAX_EVENTS:
            raise InputFileError(
                f"{events:,} YAML events once anchors are expanded; GitHub reads at most {MAX_EVENTS:,} "
                "(Maximum YAML nodes exceeded), so write less or use fewer aliases"
            )
        return _value(node)


def _event_count(node: yaml.Node, memo: dict[int, int]) -> int:
    """The parser events YamlObjectReader.MoveNext counts for the document: a scalar is one, a mapping or
    sequence its start, its end and what it holds; an alias counts what it repeats; and the stream and
    document start and end add four."""
    return 4 + _node_events(node, memo, MAX_EVENTS)


def _node_events(node: yaml.Node, memo: dict[int, int], cap: int) -> int:
    if id(node) in memo:
        return memo[id(node)]
    memo[id(node)] = cap + 1  # a node inside itself (a recursive alias) never ends
    total = 1
    if isinstance(node, yaml.SequenceNode):
        total += 1 + sum(_node_events(item, memo, cap) for item in node.value)
    elif isinstance(node, yaml.MappingNode):
        total += 1 + sum(_node_events(k, memo, cap) + _node_events(v, memo, cap) for k, v in node.value)
    memo[id(node)] = min(total, cap + 1)
    return memo[id(node)]


def _value(node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return _mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return [_value(item) for item in node.value]
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    raise _error(node, f"unexpected YAML node {type(node).__name__}")


def _mapping(node: yaml.MappingNode) -> dict[str, Any]:
    result: dict[str, Any] = {}
    seen: dict[str, tuple[str, yaml.Node]] = {}  # key ignoring case -> key as written and its node
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _error(key_node, "a mapping key must be a single value; GitHub reads keys as text")
        raw_key = _scalar(key_node)
        key = raw_key if isinstance(raw_key, str) else _key_text(raw_key)
        # GitHub keeps every key that holds an expression, so only literal keys can clash
        folded = key if "${{" in key else fold_case(key)
        if folded in seen:
            first, first_node = seen[folded]
            same = (
                "" if first == key else f" (GitHub ignores case: it is {first!r} of line {_line(first_node)})"
            )
            raise _error(
                key_node,
                f"duplicate key {key!r}{same}; YAML keeps only the last one, so remove or rename one",
            )
        seen[folded] = (key, key_node)
        result[key] = _value(value_node)
    return result


def _key_text(value: Any) -> str:
    # NumberToken/BooleanToken/NullToken.ToString: "G15" numbers (-0 stays "-0"), true/false, ''
    return number_text(value) if kind_of(value) == "number" else to_text(value)


def _scalar(node: yaml.ScalarNode) -> Any:
    text = str(node.value)
    tag = str(node.tag)
    if tag == _PLAIN:
        return _core_schema(text, node) if node.style in (None, "") else text
    if tag in (_QUOTED, _CORE + "str"):
        return text
    shown = tag.replace(_CORE, "!!")
    matchers = {"null": _match_null, "bool": _match_boolean, "int": _match_integer, "float": _match_float}
    match = matchers.get(tag.removeprefix(_CORE)) if tag.startswith(_CORE) else None
    if match is None:
        raise _error(
            node,
            f"GitHub does not accept the tag {shown} on a value (only !!str, !!null, !!bool, !!int and "
            "!!float); remove the tag",
        )
    if node.style not in (None, ""):
        raise _error(node, f"the tag {shown} needs a plain value; remove the quotes or the tag")
    value = match(text, node)
    if value is _NO_MATCH:
        raise _error(node, f"{_shown(text)} is not a valid {shown} value")
    return value


_NO_MATCH: Any = object()
_DECIMAL_INTEGER = re.compile(r"[-+]?[0-9]+")
_HEX_INTEGER = re.compile(r"0x[0-9a-fA-F]+")
_OCTAL_INTEGER = re.compile(r"0o[0-7]+")
_DECIMAL_FLOAT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    **{f"{sign}{text}": math.inf for sign in ("", "+") for text in (".inf", ".Inf", ".INF")},
    **{f"-{text}": -math.inf for text in (".inf", ".Inf", ".INF")},
    **{text: math.nan for text in (".nan", ".NaN", ".NAN")},
}


def _core_schema(text: str, node: yaml.Node) -> Any:
    """A plain scalar: null, boolean, integer or float (AllowLiteral tries them in this order), else text."""
    for match in (_match_null, _match_boolean, _match_integer, _match_float):
        value = match(text, node)
        if value is not _NO_MATCH:
            return value
    return text


def _match_null(text: str, node: yaml.Node) -> Any:
    return None if text in _NULLS else _NO_MATCH


def _match_boolean(text: str, node: yaml.Node) -> Any:
    return _BOOLEANS.get(text, _NO_MATCH)


def _match_integer(text: str, node: yaml.Node) -> Any:
    """MatchInteger: decimal integers as doubles, 0x and 0o integers as Int32 (refused beyond 32 bits)."""
    if _DECIMAL_INTEGER.fullmatch(text):
        # .NET Core's Double.TryParse makes a decimal beyond the double range infinite, as float() does
        return as_number(float(text))
    for pattern, base in ((_HEX_INTEGER, 16), (_OCTAL_INTEGER, 8)):
        if pattern.fullmatch(text):
            number = int32_literal(text[2:], base)
            if number is None:
                raise _error(
                    node, f"{_shown(text)} is not a valid !!int value: GitHub reads it as a 32-bit integer"
                )
            return number
    return _NO_MATCH


def _match_float(text: str, node: yaml.Node) -> Any:
    """MatchFloat: .inf, .nan and [-+]?(.[0-9]+|[0-9]+(.[0-9]*)?)([eE][-+]?[0-9]+)?, as doubles."""
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    return as_number(float(text)) if _DECIMAL_FLOAT.fullmatch(text) else _NO_MATCH


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _error(node: yaml.Node, problem: str) -> InputFileError:
    mark = node.start_mark
    return InputFileError(f"line {mark.line + 1}, column {mark.column + 1}: {problem}")
