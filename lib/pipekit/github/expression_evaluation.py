"""Evaluate a parsed GitHub expression for what is known before a run starts.

The operators and functions behave as in GitHub's runner, actions/runner src/Sdk/Expressions: Sdk/Operators
(And.cs and Or.cs return the deciding operand and stop there, Not.cs, Equal.cs and the comparisons, Index.cs
with its ``*`` filters) and Sdk/Functions (Case, Contains, EndsWith, Format, FromJson, Join, StartsWith,
ToJson). A context only GitHub knows (github, inputs, vars, needs) evaluates to NotKnown, and so does
everything that depends on it; what an operator decides without it stays known: ``matrix.os || github.x``
is known when matrix.os is truthy.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipekit.errors import InputFileError
from pipekit.github.expression_syntax import (
    And,
    Call,
    Comparison,
    ContextReference,
    Index,
    Literal,
    Node,
    Not,
    Or,
    Wildcard,
)
from pipekit.github.json_form import to_json_text
from pipekit.github.values import (
    array_position,
    as_number,
    find_key,
    fold_case,
    greater_than,
    index_value,
    is_primitive,
    is_truthy,
    kind_of,
    less_than,
    loose_equal,
    to_text,
)


@dataclass(frozen=True)
class NotKnown:
    """A value GitHub alone knows, when the job starts; `source` names the context it comes from."""

    source: str


class FilteredArray(list[Any]):
    """The array a ``*`` filter makes: a further index applies to each of its items (Index.cs)."""


Thunk = Callable[[], Any]


def evaluate(node: Node, contexts: Mapping[str, Any]) -> Any:
    """The value of `node`, or NotKnown. `contexts` maps context names (lower case) to their values; a name
    the parser allowed but `contexts` lacks is known only to GitHub."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, ContextReference):
        return contexts.get(node.name, NotKnown(node.name))
    if isinstance(node, Index):
        return _index(node, contexts)
    if isinstance(node, Not):
        operand = evaluate(node.operand, contexts)
        return operand if isinstance(operand, NotKnown) else not is_truthy(operand)
    if isinstance(node, Comparison):
        left, right = evaluate(node.left, contexts), evaluate(node.right, contexts)
        for side in (left, right):
            if isinstance(side, NotKnown):
                return side
        return _compare(node.operator, left, right)
    if isinstance(node, And | Or):
        return _and_or(node, contexts)
    if isinstance(node, Call):
        thunks = [_thunk(argument, contexts) for argument in node.arguments]
        return _FUNCTIONS[node.name](thunks)
    return "*"  # Wildcard.cs: only ever read as an index, where it means "every item"


def _thunk(node: Node, contexts: Mapping[str, Any]) -> Thunk:
    # functions evaluate their parameters lazily (format reads only the arguments it refers to)
    return lambda: evaluate(node, contexts)


def _compare(operator: str, left: Any, right: Any) -> bool:
    if operator == "==":
        return loose_equal(left, right)
    if operator == "!=":
        return not loose_equal(left, right)
    if operator == "<":
        return less_than(left, right)
    if operator == ">":
        return greater_than(left, right)
    if operator == "<=":
        return loose_equal(left, right) or less_than(left, right)
    return loose_equal(left, right) or greater_than(left, right)  # >=


def _and_or(node: And | Or, contexts: Mapping[str, Any]) -> Any:
    # && returns the first falsy operand, || the first truthy one; both the last when none decides
    stop_when_truthy = isinstance(node, Or)
    value: Any = None
    for operand in node.operands:
        value = evaluate(operand, contexts)
        if isinstance(value, NotKnown) or is_truthy(value) == stop_when_truthy:
            return value
    return value


def _index(node: Index, contexts: Mapping[str, Any]) -> Any:
    target = evaluate(node.target, contexts)
    wildcard = isinstance(node.index, Wildcard)
    if isinstance(target, NotKnown):
        return target
    if not isinstance(target, Mapping | list):
        return FilteredArray() if wildcard else None  # the index is not even evaluated
    index = None if wildcard else evaluate(node.index, contexts)
    if isinstance(index, NotKnown):
        return index
    if isinstance(target, FilteredArray):
        return _index_each(target, index, wildcard)
    if wildcard:
        return FilteredArray(target.values() if isinstance(target, Mapping) else target)
    return index_value(target, index)


def _index_each(items: FilteredArray, index: Any, wildcard: bool) -> Any:
    """Index.cs HandleFilteredArray: the index applied to each item; what it finds nothing in is left out."""
    found = FilteredArray()
    for item in items:
        if isinstance(item, NotKnown):
            return item
        if isinstance(item, Mapping):
            if wildcard:
                found.extend(item.values())
            elif is_primitive(index):
                key = find_key(item, to_text(index))
                if key is not None:
                    found.append(item[key])
        elif isinstance(item, list):
            if wildcard:
                found.extend(item)
            elif (position := array_position(index, len(item))) is not None:
                found.append(item[position])
    return found


def _first_not_known(value: Any) -> NotKnown | None:
    """The first NotKnown inside `value` (a context may be partly known), or None."""
    if isinstance(value, NotKnown):
        return value
    items = value.values() if isinstance(value, Mapping) else value if isinstance(value, list) else ()
    for item in items:
        found = _first_not_known(item)
        if found is not None:
            return found
    return None


# --- functions (Sdk/Functions) ---


def _contains(arguments: Sequence[Thunk]) -> Any:
    search = arguments[0]()
    if isinstance(search, NotKnown):
        return search
    if is_primitive(search):
        item = arguments[1]()
        if isinstance(item, NotKnown) or not is_primitive(item):
            return item if isinstance(item, NotKnown) else False
        return fold_case(to_text(item)) in fold_case(to_text(search))
    if isinstance(search, list) and search:
        item = arguments[1]()
        if isinstance(item, NotKnown):
            return item
        unknown: NotKnown | None = None
        for element in search:
            if isinstance(element, NotKnown):
                unknown = unknown or element
            elif loose_equal(item, element):
                return True
        return unknown or False
    return False


def _starts_or_ends_with(ends: bool) -> Callable[[Sequence[Thunk]], Any]:
    def function(arguments: Sequence[Thunk]) -> Any:
        text = arguments[0]()
        if isinstance(text, NotKnown) or not is_primitive(text):
            return text if isinstance(text, NotKnown) else False
        part = arguments[1]()
        if isinstance(part, NotKnown) or not is_primitive(part):
            return part if isinstance(part, NotKnown) else False
        folded_text, folded_part = fold_case(to_text(text)), fold_case(to_text(part))
        return folded_text.endswith(folded_part) if ends else folded_text.startswith(folded_part)

    return function


def _join(arguments: Sequence[Thunk]) -> Any:
    items = arguments[0]()
    if isinstance(items, NotKnown):
        return items
    if isinstance(items, list) and items:
        for item in items:  # an array or object item reads as 'Array' or 'Object', whatever it holds
            if isinstance(item, NotKnown):
                return item
        separator = ","
        if len(items) > 1 and len(arguments) > 1:  # the separator is read only when it is needed
            given = arguments[1]()
            if isinstance(given, NotKnown):
                return given
            if is_primitive(given):
                separator = to_text(given)
        return separator.join(to_text(item) for item in items)
    return to_text(items) if is_primitive(items) else ""


def _to_json(arguments: Sequence[Thunk]) -> Any:
    value = arguments[0]()
    return _first_not_known(value) or to_json_text(value)


def _from_json(arguments: Sequence[Thunk]) -> Any:
    text = arguments[0]()
    if isinstance(text, NotKnown):
        return text
    # GitHub reads with Newtonsoft.Json, which also accepts some text that is not JSON (comments, single
    # quotes); we read standard JSON only and refuse the rest
    try:
        return json.loads(
            to_text(text),
            object_pairs_hook=_json_object,
            parse_float=lambda number: as_number(float(number)),
            parse_int=lambda number: as_number(float(number)),
        )
    except (ValueError, RecursionError) as error:
        raise InputFileError(f"Error parsing fromJson: {error}") from None


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # JTokenExtensions.ToExpressionData stores keys in a dictionary that ignores case: a later key that
    # differs only in case replaces the value and keeps the first spelling
    result: dict[str, Any] = {}
    for key, value in pairs:
        found = find_key(result, key)
        result[key if found is None else found] = value
    return result


def _case(arguments: Sequence[Thunk]) -> Any:
    for position in range(0, len(arguments) - 1, 2):
        predicate = arguments[position]()
        if isinstance(predicate, NotKnown):
            return predicate
        if kind_of(predicate) != "boolean":
            raise InputFileError("case predicate must evaluate to a boolean value")
        if predicate:
            return arguments[position + 1]()
    return arguments[-1]()


def _format(arguments: Sequence[Thunk]) -> Any:
    """Format.cs: {0} {1} ... replaced by the arguments' text, {{ and }} escape braces."""
    template = arguments[0]()
    if isinstance(template, NotKnown):
        return template
    text = to_text(template)
    pieces: list[str | tuple[int, str]] = []  # text, or (argument, format specifiers)
    index = 0
    while index < len(text):
        left, right = text.find("{", index), text.find("}", index)
        if left >= 0 and (right < 0 or right > left):
            if text[left + 1 : left + 2] == "{":
                pieces.append(text[index : left + 1])
                index = left + 2
                continue
            argument = _format_argument(text, left)
            if argument is None:
                raise InputFileError(f"The following format string is invalid: {text}")
            number, specifiers, right = argument
            if number > len(arguments) - 2:
                raise InputFileError(
                    f"The following format string references more arguments than were supplied: {text}"
                )
            pieces.extend([text[index:left], (number, specifiers)])
            index = right + 1
        elif right >= 0:
            if text[right + 1 : right + 2] != "}":
                raise InputFileError(f"The following format string is invalid: {text}")
            pieces.append(text[index : right + 1])
            index = right + 2
        else:
            pieces.append(text[index:])
            break
    return _join_pieces(pieces, arguments)


def _format_argument(text: str, left: int) -> tuple[int, str, int] | None:
    """After '{' at `left`: the argument number, its format specifiers and the closing '}' position."""
    digits = left + 1
    end = digits
    while end < len(text) and unicodedata.category(text[end]) == "Nd":  # .NET Char.IsDigit
        end += 1
    number_text = text[digits:end]
    # Byte.TryParse: ASCII digits only, at most 255
    if not number_text or not number_text.isascii() or int(number_text) > 255:
        return None
    if text[end : end + 1] == "}":
        return int(number_text), "", end
    if text[end : end + 1] != ":":
        return None
    specifiers: list[str] = []
    position = end + 1
    while position < len(text):
        if text[position] != "}":
            specifiers.append(text[position])
            position += 1
        elif text[position + 1 : position + 2] == "}":
            specifiers.append("}")
            position += 2
        else:
            return int(number_text), "".join(specifiers), position
    return None


def _join_pieces(pieces: Sequence[str | tuple[int, str]], arguments: Sequence[Thunk]) -> Any:
    cache: dict[int, Any] = {}
    parts: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(piece)
            continue
        number, specifiers = piece
        if number not in cache:
            cache[number] = arguments[number + 1]()
        value = cache[number]
        if isinstance(value, NotKnown):
            return value
        if specifiers:
            kind = kind_of(value).capitalize()
            raise InputFileError(
                f"The format specifiers '{specifiers}' are not valid for objects of type '{kind}'"
            )
        parts.append(to_text(value))
    return "".join(parts)


_FUNCTIONS: dict[str, Callable[[Sequence[Thunk]], Any]] = {
    "case": _case,
    "contains": _contains,
    "endswith": _starts_or_ends_with(ends=True),
    "format": _format,
    "fromjson": _from_json,
    "join": _join,
    "startswith": _starts_or_ends_with(ends=False),
    "tojson": _to_json,
}
