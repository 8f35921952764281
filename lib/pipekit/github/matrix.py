"""Expand a job's ``strategy.matrix`` into its combinations exactly the way GitHub does.

The rules follow GitHub's workflow parser (its MatrixBuilder), which the documentation describes:

* the base matrix is the cross product of the vectors in the order they are written, the first vector
  varying slowest;
* an ``exclude`` entry removes every base combination it matches (a partial match is enough);
* an ``include`` entry is matched against the ORIGINAL values of each remaining combination only: its keys
  that are vectors act as a filter, its other keys are added to every combination the filter matches
  (a later entry overwrites what an earlier entry added); an entry that matches nothing becomes a new
  combination, appended after the base ones.

Include and exclude filters compare leaf by leaf with GitHub's expression ``==``: strings ignore case,
a number equals a string that parses to it (``3.10`` in YAML is the number 3.1, which equals ``"3.10"``),
and a filter on an object value matches when the keys it names match.
"""

from __future__ import annotations

import copy
import itertools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipekit.errors import MatrixError

MAX_JOBS = 256  # GitHub's limit on the jobs one matrix may generate in a workflow run
MAX_PRODUCT = MAX_JOBS * MAX_JOBS  # we refuse to walk a larger cross product: it cannot be a real design
MAX_NAME_LENGTH = 100  # GitHub truncates job display names to this many characters

_Path = tuple[str | int, ...]
_Leaf = tuple[_Path, Any]


@dataclass(frozen=True)
class MatrixLeg:
    """One combination of a matrix, and which of its keys GitHub shows in the job's display name."""

    matrix: dict[str, Any]
    name_keys: tuple[str, ...]  # the vectors for a base combination; every key for an appended include

    def display_name(self, job: str) -> str:
        """``test (3.11, ubuntu-latest)``: values added by ``include`` to a base combination are not shown."""
        segments: list[str] = []
        for key in self.name_keys:
            segments.extend(_name_segments(self.matrix[key]))
        name = f"{job} ({', '.join(segments)})" if segments else job
        if len(name) > MAX_NAME_LENGTH:
            name = name[: MAX_NAME_LENGTH - 3] + "..."
        return name


def is_expression(value: Any) -> bool:
    """True for a string holding a ``${{ }}`` expression, which only GitHub can evaluate."""
    return isinstance(value, str) and "${{" in value


def expand_matrix(matrix: Mapping[str, Any], *, job: str = "job") -> list[dict[str, Any]]:
    """The combinations of `matrix` in GitHub's order, each a dict with keys in GitHub's order.

    Raises MatrixError (naming `job` and the key path) for anything GitHub would reject, for more than
    MAX_JOBS combinations, and for expressions ("not statically expandable": we never guess their value).
    """
    return [leg.matrix for leg in expand_matrix_legs(matrix, job=job)]


def expand_matrix_legs(matrix: Mapping[str, Any], *, job: str = "job") -> list[MatrixLeg]:
    """Like `expand_matrix`, keeping what is needed for GitHub's job display names."""
    where = f"job {job!r}: strategy.matrix"
    if is_expression(matrix):
        raise MatrixError(f"{where} is a ${{{{ }}}} expression: not statically expandable")
    if not isinstance(matrix, Mapping):
        raise MatrixError(f"{where} must be a mapping of vectors (key: [values]), got {_describe(matrix)}")
    expression_at = _find_expression(matrix, "strategy.matrix")
    if expression_at is not None:
        raise MatrixError(
            f"job {job!r}: {expression_at} is a ${{{{ }}}} expression: not statically expandable"
        )
    _check_keys(matrix, where)

    vectors: dict[str, list[Any]] = {}
    includes: list[_Include] = []
    excludes: list[list[_Leaf]] = []
    for key, value in matrix.items():
        if key not in ("include", "exclude"):
            vectors[key] = _parse_vector(value, f"{where}.{key}")
    # include and exclude may be written before the vectors: read them once every vector is known
    if "include" in matrix:
        includes = [
            _parse_include(entry, vectors) for entry in _entries(matrix["include"], f"{where}.include")
        ]
    if "exclude" in matrix:
        excludes = [
            _parse_exclude(entry, f"{where}.exclude[{i}]", vectors)
            for i, entry in enumerate(_entries(matrix["exclude"], f"{where}.exclude"))
        ]
    if not vectors and not includes:
        raise MatrixError(
            f"{where} has no vectors and no include entries; GitHub needs at least one, "
            "e.g. os: [ubuntu-latest]"
        )

    product_size = math.prod(len(values) for values in vectors.values()) if vectors else 0
    if product_size > MAX_PRODUCT:
        raise MatrixError(
            f"job {job!r}: the matrix cross product has {product_size:,} combinations before exclude; "
            f"GitHub allows at most {MAX_JOBS} jobs per workflow run"
        )

    keys = tuple(vectors)
    legs: list[MatrixLeg] = []
    matched = [False] * len(includes)
    kept = 0
    # without vectors there is no cross product at all (itertools would yield one empty combination)
    for values in itertools.product(*vectors.values()) if vectors else ():
        combination = dict(zip(keys, values, strict=True))
        if any(_matches(leaves, combination) for leaves in excludes):
            continue
        extra: dict[str, Any] = {}
        for index, include in enumerate(includes):
            if _matches(include.filter, combination):
                matched[index] = True
                for extra_key, extra_value in include.extra.items():
                    _set_ignoring_case(extra, extra_key, extra_value)
        kept += 1
        if kept <= MAX_JOBS:  # past the limit we only count, for the error message
            legs.append(MatrixLeg(copy.deepcopy({**combination, **extra}), name_keys=keys))
    for index, include in enumerate(includes):
        if not matched[index]:
            appended = copy.deepcopy({**include.filter_values, **include.extra})
            legs.append(MatrixLeg(appended, name_keys=tuple(appended)))
    total = kept + matched.count(False)
    if total > MAX_JOBS:
        raise MatrixError(
            f"job {job!r}: the matrix yields {total} jobs; GitHub allows at most {MAX_JOBS} per workflow run"
        )
    return legs


@dataclass(frozen=True)
class _Include:
    filter: list[_Leaf]  # leaf comparisons on the vector keys of the entry
    filter_values: dict[str, Any]  # the entry's vector keys, in entry order
    extra: dict[str, Any]  # the entry's other keys, in entry order


def _entries(value: Any, where: str) -> Iterator[Mapping[str, Any]]:
    if not isinstance(value, list):
        raise MatrixError(f"{where} must be a list of mappings, got {_describe(value)}")
    for index, entry in enumerate(value):
        if not isinstance(entry, Mapping):
            raise MatrixError(
                f"{where}[{index}] must be a mapping of matrix keys to values, got {_describe(entry)}"
            )
        if not entry:
            raise MatrixError(f"{where}[{index}] is empty; an entry needs at least one key: value")
        _check_keys(entry, f"{where}[{index}]")
        yield entry


def _parse_vector(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise MatrixError(
            f"{where} must be a list of values, got {_describe(value)}; "
            f"write it as a list, e.g. [{_example(value)}]"
        )
    if not value:
        raise MatrixError(f"{where} is an empty list; a matrix vector needs at least one value")
    return value


def _parse_include(entry: Mapping[str, Any], vectors: Mapping[str, Any]) -> _Include:
    filter_values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in entry.items():
        if _find_key(vectors, key) is not None:
            filter_values[key] = value
        else:
            extra[key] = value
    return _Include(filter=_leaves(filter_values, ()), filter_values=filter_values, extra=extra)


def _parse_exclude(entry: Mapping[str, Any], where: str, vectors: Mapping[str, Any]) -> list[_Leaf]:
    for key in entry:
        if _find_key(vectors, key) is None:
            known = ", ".join(vectors) or "none"
            raise MatrixError(
                f"{where}.{key}: {key!r} is not a vector of the matrix (vectors: {known}); "
                "GitHub rejects exclude keys that match no vector"
            )
    return _leaves(entry, ())


def _check_keys(mapping: Mapping[Any, Any], where: str) -> None:
    seen: dict[str, str] = {}
    for key in mapping:
        if not isinstance(key, str):
            raise MatrixError(f"{where}: key {key!r} must be a string; quote it")
        folded = key.casefold()
        if folded in seen:
            raise MatrixError(
                f"{where}: keys {seen[folded]!r} and {key!r} differ only in case; "
                "GitHub treats them as one key"
            )
        seen[folded] = key


def _find_expression(value: Any, path: str) -> str | None:
    """Key path of the first ``${{ }}`` expression in `value` (keys included), or None."""
    if is_expression(value):
        return path
    if isinstance(value, Mapping):
        for key, item in value.items():
            if is_expression(key):
                return f"{path} key {key!r}"
            found = _find_expression(item, f"{path}.{key}")
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_expression(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


# --- filters: GitHub turns each leaf of an include/exclude entry into `matrix[path] == literal` ---


def _leaves(value: Any, path: _Path) -> list[_Leaf]:
    if isinstance(value, Mapping):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, str(key)))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, (*path, index))]
    return [(path, value)]


def _matches(leaves: Sequence[_Leaf], combination: Mapping[str, Any]) -> bool:
    # no leaves (e.g. an include entry without vector keys) matches every combination
    return all(_loose_equal(_resolve(combination, path), literal) for path, literal in leaves)


def _resolve(value: Any, path: _Path) -> Any:
    for step in path:
        if isinstance(value, Mapping):
            name = step if isinstance(step, str) else _format_number(step)
            found = _find_key(value, name)
            value = value[found] if found is not None else None
        elif isinstance(value, list):
            number = float(step) if isinstance(step, int) else _to_number(step)
            if math.isnan(number) or number < 0 or math.floor(number) >= len(value):
                return None
            value = value[math.floor(number)]
        else:
            return None
    return value


def _find_key(mapping: Mapping[Any, Any], name: str) -> Any:
    """The key of `mapping` equal to `name` ignoring case (GitHub's dictionaries ignore case), or None."""
    if name in mapping:
        return name
    for key in mapping:
        if isinstance(key, str) and _equal_ignoring_case(key, name):
            return key
    return None


def _set_ignoring_case(mapping: dict[str, Any], key: str, value: Any) -> None:
    found = _find_key(mapping, key)
    mapping[key if found is None else found] = value  # an existing key keeps its casing and position


def _equal_ignoring_case(left: str, right: str) -> bool:
    # .NET OrdinalIgnoreCase: character by character, so "ß" never equals "SS"
    return len(left) == len(right) and all(
        a == b or a.upper() == b.upper() for a, b in zip(left, right, strict=True)
    )


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"  # mappings and lists: only equal to themselves, never to a literal


def _loose_equal(left: Any, right: Any) -> bool:
    """GitHub's expression ``==``: JavaScript-like coercion, strings compared ignoring case."""
    left_kind, right_kind = _kind(left), _kind(right)
    while left_kind != right_kind:
        if left_kind in ("boolean", "null") or (left_kind == "string" and right_kind == "number"):
            left, left_kind = _to_number(left), "number"
        elif right_kind in ("boolean", "null") or (right_kind == "string" and left_kind == "number"):
            right, right_kind = _to_number(right), "number"
        else:
            return False
    if left_kind == "null":
        return True
    if left_kind == "number":
        return not (math.isnan(left) or math.isnan(right)) and float(left) == float(right)
    if left_kind == "string":
        return _equal_ignoring_case(left, right)
    if left_kind == "boolean":
        return bool(left == right)
    return left is right


_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _to_number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return _parse_number(value)
    return math.nan


def _parse_number(text: str) -> float:
    """GitHub's string-to-number rule (JavaScript's Number()): '' is 0, junk is NaN, 0x/0o are 32-bit ints."""
    text = text.strip()
    if not text:
        return 0.0
    if _DECIMAL.fullmatch(text):
        return float(text)
    for prefix, base, digits in (("0x", 16, "0123456789abcdefABCDEF"), ("0o", 8, "01234567")):
        body = text[2:]
        if text.startswith(prefix) and body and all(c in digits for c in body):
            number = int(body, base)
            if number >= 2**32:
                return math.nan
            return float(number - 2**32 if number >= 2**31 else number)  # .NET reads them as two's complement
    if text == "Infinity":
        return math.inf
    if text == "-Infinity":
        return -math.inf
    return math.nan


# --- display names and text ---


def _format_number(value: float) -> str:
    """A number as GitHub prints it (.NET "G15"): 3.0 is "3", 1e20 is "1E+20"."""
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    mantissa, _, exponent = format(number, ".15g").partition("e")
    return f"{mantissa}E{exponent}" if exponent else mantissa


def scalar_text(value: Any) -> str | None:
    """A scalar matrix value as GitHub writes it into a string; None for mappings and lists."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        text = _format_number(value)
        return "0" if text == "-0" else text
    if isinstance(value, str):
        return value
    return None


def _name_segments(value: Any) -> Iterator[str]:
    # depth first, values only; nulls and empty strings add nothing
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _name_segments(item)
    elif isinstance(value, list):
        for item in value:
            yield from _name_segments(item)
    elif value is not None:
        text = _format_number(value) if _kind(value) == "number" else scalar_text(value)
        if text:
            yield text


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if isinstance(value, int | float):
        return f"a number ({_format_number(value)})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _example(value: Any) -> str:
    text = scalar_text(value)
    return text if text else "value1, value2"
