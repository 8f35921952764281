"""``${{ }}`` in workflow values, evaluated the way GitHub does for what is known before a run starts.

A string holding ``${{ }}`` is a template (TemplateReader.cs ParseScalar): one expression alone gives that
expression's value, which may be an array or an object; expressions mixed with text give a string, each
expression written as its text (``format('os-{0}', matrix.os)``). An expression may read only the contexts the
workflow schema allows where it stands (workflow-v1.0.json: runs-on reads github, inputs, vars, needs,
strategy and matrix; strategy reads github, inputs, vars and needs); GitHub refuses any other name.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from pipekit.errors import InputFileError
from pipekit.github.values import as_float, as_number, is_white_space, kind_of, to_text, trim

RUNS_ON_CONTEXTS = ("github", "inputs", "vars", "needs", "strategy", "matrix")
STRATEGY_CONTEXTS = ("github", "inputs", "vars", "needs")

_OPEN = "${{"


@dataclass(frozen=True)
class Resolved:
    """A template's value (NotKnown when GitHub alone knows it), and its text: each expression that is
    known written as its text, each one that is not kept as written."""

    value: Any
    text: str


@dataclass(frozen=True)
class TemplateExpression:
    """One ``${{ }}`` of a template, as `segments` cuts it out."""

    written: str  # "${{ ... }}" as in the template
    inner: str  # what is between the braces


def resolve(template: str, contexts: Mapping[str, Any], allowed: Collection[str]) -> Resolved:
    """Evaluate every ``${{ }}`` in `template` with `contexts` (see expression_evaluation.evaluate); the
    expressions may name the contexts in `allowed`. Raises InputFileError for what GitHub refuses to read."""
    # The parser and evaluator load on first use: most callers only ask whether there is an expression.
    from pipekit.github.expression_evaluation import NotKnown, evaluate
    from pipekit.github.expression_syntax import parse

    parts = segments(template)
    values: list[Any] = []
    for segment in parts:
        if isinstance(segment, str):
            values.append(segment)
        else:
            values.append(evaluate(parse(expression_text(segment), allowed), contexts))
    if len(parts) == 1 and isinstance(parts[0], TemplateExpression):
        value = values[0]
        return Resolved(value, template if isinstance(value, NotKnown) else to_text(value))
    texts = [
        segment.written
        if isinstance(value, NotKnown) and isinstance(segment, TemplateExpression)
        else to_text(value)
        for segment, value in zip(parts, values, strict=True)
    ]
    unknown = next((value for value in values if isinstance(value, NotKnown)), None)
    return Resolved(unknown or "".join(texts), "".join(texts))


def resolve_tree(value: Any, contexts: Mapping[str, Any], allowed: Collection[str]) -> tuple[Any, list[str]]:
    """`value` (workflow data) with every template in it, keys included, replaced by its value; a template
    GitHub alone can evaluate is kept as text, and the contexts it needs are listed (each once, in order)."""
    from pipekit.github.expression_evaluation import NotKnown

    unknown: list[str] = []

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            if _OPEN not in item:
                return item
            resolved = resolve(item, contexts, allowed)
            if isinstance(resolved.value, NotKnown):
                if resolved.value.source not in unknown:
                    unknown.append(resolved.value.source)
                return resolved.text
            return _as_data(resolved.value)
        if isinstance(item, list):
            return [walk(element) for element in item]
        if isinstance(item, Mapping):
            # a key is text: an expression in it gives its value's text (TemplateEvaluator)
            return {_key_text(walk(key)): walk(element) for key, element in item.items()}
        return item

    return walk(value), unknown


def _as_data(value: Any) -> Any:
    """An expression's value as workflow data: plain lists, and numbers as the reader makes them."""
    if isinstance(value, Mapping):
        return {key: _as_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_data(item) for item in value]
    if kind_of(value) == "number":
        return as_number(as_float(value))
    return value


def is_expression(value: Any) -> bool:
    """True for a string holding a ``${{ }}`` expression."""
    return isinstance(value, str) and _OPEN in value


def find_expression(value: Any, path: str) -> str | None:
    """The key path below `path` of the first ``${{ }}`` expression in `value` (keys included), or None."""
    if is_expression(value):
        return path
    if isinstance(value, Mapping):
        for key, item in value.items():
            if is_expression(key):
                return f"{path} key {key!r}"
            found = find_expression(item, f"{path}.{key}")
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = find_expression(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _key_text(key: Any) -> str:
    return key if isinstance(key, str) else to_text(key)


def substitute(text: str, matrix: Mapping[str, Any]) -> str:
    """A runs-on label for one matrix leg: each ``${{ }}`` the matrix decides replaced by its text, the
    others (e.g. ``${{ inputs.runner }}``) kept as written."""
    return resolve(text, job_contexts(matrix), RUNS_ON_CONTEXTS).text


def job_contexts(matrix: Mapping[str, Any], strategy: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The contexts pipekit knows for one job run: its matrix and, when given, its strategy.

    A run without matrix values (a job without a matrix, or one whose exclude removed every combination)
    sees a null matrix, not an empty one (WorkflowTemplateEvaluator.EvaluateStrategy); a matrix combination
    is never empty. github, inputs, vars and needs are known only to GitHub.
    """
    contexts: dict[str, Any] = {"matrix": dict(matrix) if matrix else None}
    if strategy is not None:
        contexts["strategy"] = dict(strategy)
    return contexts


def segments(template: str) -> list[str | TemplateExpression]:
    """The template cut into text and expressions (TemplateReader.cs ParseScalar): an expression ends at
    the first ``}}`` outside a quoted string."""
    result: list[str | TemplateExpression] = []
    start = template.find(_OPEN)
    position = 0
    while position < len(template):
        if start < 0:
            result.append(template[position:])
            break
        if position < start:
            result.append(template[position:start])
            position = start
            continue
        end, in_string = -1, False
        scan = start + len(_OPEN)
        while scan < len(template):
            char = template[scan]
            if char == "'":
                in_string = not in_string  # '' inside a string toggles twice: still inside
            elif not in_string and char == "}" and template[scan - 1] == "}":
                end = scan
                break
            scan += 1
        if end < 0:
            raise InputFileError(
                "The expression is not closed. An unescaped ${{ sequence was found, but the closing }} "
                "sequence was not found."
            )
        result.append(TemplateExpression(template[start : end + 1], template[start + len(_OPEN) : end - 1]))
        position = end + 1
        start = template.find(_OPEN, position)
    return result


def expression_text(segment: TemplateExpression) -> str:
    """The expression to parse (TemplateReader.cs ParseExpression), refusing what GitHub refuses there."""
    text = trim(segment.inner)
    if not text:
        raise InputFileError("An expression was expected")
    if text.startswith("insert") and (len(text) == 6 or is_white_space(text[6])):
        raise InputFileError(f"{segment.written}: the insert directive is allowed only as a mapping key")
    return text
