"""Expand a job's ``strategy.matrix`` into the job runs GitHub starts, with GitHub's display names.

The rules are those of GitHub's workflow parser (actions/runner src/Sdk/WorkflowParser):

* WorkflowTemplateConverter.ConvertToStrategy (lines 855-990 of WorkflowTemplateConverter.cs): the matrix is
  a mapping; ``include`` and ``exclude`` are lists of mappings and every other key is a vector, a non-empty
  list; there must be a vector or an include entry.
* MatrixBuilder.Build (MatrixBuilder.cs lines 116-176): the cross product of the vectors in the order
  written, the first varying slowest; an exclude entry removes every combination it matches; each kept
  combination gets the non-vector values of every include entry whose vector values match it (a later entry
  overwrites what an earlier one added); an include entry that matches no kept combination becomes one of
  its own, its vector keys first (lines 353-377). Matching is matrix_filters'; the walk, matrix_product's.
* WorkflowTemplateEvaluator.EvaluateStrategy (lines 166-196): when no combination is left, the job still
  runs once, with a null matrix.
* MatrixBuilder.CreateConfiguration (lines 178-227) and JobNameBuilder.cs: the display name.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pipekit.errors import MatrixError
from pipekit.github.expressions import find_expression, is_expression
from pipekit.github.matrix_filters import Filter, compile_filter, vector_position
from pipekit.github.matrix_product import MAX_STATES, KeptCombinations
from pipekit.github.values import INT32_MAX, find_key, is_primitive, kind_of, number_text, to_text
from pipekit.wording import describe

MAX_JOBS = 256  # GitHub's limit on the jobs one matrix may start, counted after exclude and include
MAX_NAME_LENGTH = 100  # JobNameBuilder: longer display names are cut to 97 characters and "..."


@dataclass(frozen=True)
class MatrixLeg:
    """One job run of a matrix: its matrix values, and which of its keys GitHub shows in the display name."""

    matrix: dict[str, Any]
    name_keys: tuple[str, ...]  # the vectors for a combination of the product; every key for an include's own

    def display_name(self, job: str) -> str:
        """GitHub's display name, ``test (3.11, ubuntu-latest)``: the values of `name_keys` depth first, so
        values include adds to a combination are not shown; null and empty values add nothing."""
        segments = [segment for key in self.name_keys for segment in _name_segments(self.matrix[key])]
        name = f"{job} ({', '.join(segments)})" if segments else job
        return _truncated(name)


def expand_matrix(matrix: Any, *, job: str = "job") -> list[dict[str, Any]]:
    """The matrix's combinations in GitHub's order (MatrixBuilder.Build), each a dict with keys in GitHub's
    order; empty when exclude removes every one.

    Raises MatrixError (naming `job` and the key path) for anything GitHub would reject, for more than
    MAX_JOBS combinations, and for ``${{ }}`` expressions ("not statically expandable": never guessed).
    """
    return [leg.matrix for leg in _configurations(matrix, job)]


def expand_matrix_legs(matrix: Any, *, job: str = "job") -> list[MatrixLeg]:
    """The job runs GitHub starts for `matrix`, never none: when exclude removes every combination, the job
    runs once with an empty matrix (see `expand_matrix` for the errors)."""
    return _configurations(matrix, job) or [MatrixLeg({}, ())]


@dataclass(frozen=True)
class _Include:
    filter: Filter  # the conditions of the entry's vector keys
    filter_values: dict[str, Any]  # the entry's vector keys, in entry order
    extra: dict[str, Any]  # the entry's other keys, in entry order


@dataclass(frozen=True)
class _Matrix:
    names: list[str]  # the vectors, in the order written
    values: list[list[Any]]  # their values
    includes: list[_Include]
    excludes: list[Filter]


def _configurations(matrix: Any, job: str) -> list[MatrixLeg]:
    """MatrixBuilder.Build: the job runs of the matrix, none when exclude removes every combination."""
    parsed = _parse_matrix(matrix, job)
    kept = _kept_combinations(parsed, job)
    legs: list[MatrixLeg] = []
    matched = [False] * len(parsed.includes)
    for positions in kept.walk() if parsed.values else iter(()):
        chosen = [vector[position] for vector, position in zip(parsed.values, positions, strict=True)]
        extra: dict[str, Any] = {}
        for index, include in enumerate(parsed.includes):
            if all(include.filter.holds(vector, value) for vector, value in enumerate(chosen)):
                matched[index] = True
                for key, value in include.extra.items():
                    _set_ignoring_case(extra, key, value)
        combination = dict(zip(parsed.names, chosen, strict=True))
        legs.append(MatrixLeg(copy.deepcopy({**combination, **extra}), name_keys=tuple(parsed.names)))
    for include, was_matched in zip(parsed.includes, matched, strict=True):
        if not was_matched:
            appended = copy.deepcopy({**include.filter_values, **include.extra})
            legs.append(MatrixLeg(appended, name_keys=tuple(appended)))
    if len(legs) > MAX_JOBS:
        raise _too_many(job, f"{len(legs):,}")
    return legs


def _parse_matrix(matrix: Any, job: str) -> _Matrix:
    """The vectors, include and exclude entries, refusing what ConvertToStrategy and MatrixBuilder refuse."""
    where = f"job {job!r}: strategy.matrix"
    if is_expression(matrix):
        raise MatrixError(f"{where} is a ${{{{ }}}} expression: not statically expandable")
    if not isinstance(matrix, Mapping):
        raise MatrixError(f"{where} must be a mapping of vectors (key: [values]), got {describe(matrix)}")
    expression_at = find_expression(matrix, "strategy.matrix")
    if expression_at is not None:
        raise MatrixError(
            f"job {job!r}: {expression_at} is a ${{{{ }}}} expression: not statically expandable"
        )
    _check_keys(matrix, where)
    vectors = {
        key: _parse_vector(value, f"{where}.{key}")
        for key, value in matrix.items()
        if key not in ("include", "exclude")
    }
    names = list(vectors)
    # include and exclude may be written before the vectors: read them once every vector is known
    includes = [_parse_include(entry, names) for entry in _entries(matrix, "include", where)]
    excludes = [
        _parse_exclude(entry, f"{where}.exclude[{index}]", names)
        for index, entry in enumerate(_entries(matrix, "exclude", where))
    ]
    if not vectors and not includes:
        raise MatrixError(
            f"{where} has no vectors and no include entries; GitHub needs at least one, "
            "e.g. os: [ubuntu-latest]"
        )
    return _Matrix(names, list(vectors.values()), includes, excludes)


def _kept_combinations(matrix: _Matrix, job: str) -> KeptCombinations:
    """The combinations exclude keeps, counted; refused past the limits GitHub applies to them."""
    product = math.prod(len(vector) for vector in matrix.values) if matrix.values else 0
    if product > INT32_MAX:
        # MatrixBuilder.Build multiplies the vector lengths in a `checked` Int32 (lines 122-135)
        raise MatrixError(
            f"job {job!r}: the matrix cross product has {product:,} combinations; GitHub counts them in a "
            f"32-bit integer, which fails past {INT32_MAX:,} before exclude is applied; use fewer values"
        )
    excludes = matrix.excludes
    kept = KeptCombinations(
        _removal_masks(excludes, matrix.values), [exclude.last_position for exclude in excludes]
    )
    kept_count = kept.count() if matrix.values else 0
    if kept_count is None:
        raise MatrixError(
            f"job {job!r}: strategy.matrix: its exclude entries are too intricate to count here (over "
            f"{MAX_STATES:,} partial combinations): not statically expandable"
        )
    if kept_count > MAX_JOBS:
        raise _too_many(job, _job_count_text(kept, kept_count, matrix))
    return kept


def _removal_masks(excludes: list[Filter], values: list[list[Any]]) -> list[list[int]]:
    """For each vector and value, the exclude entries (as bits) whose conditions on that vector hold for the
    value (all of them for an entry without a condition on the vector)."""
    all_masks: list[list[int]] = []
    for position, vector in enumerate(values):
        masks = [0] * len(vector)
        for entry, exclude in enumerate(excludes):
            bit = 1 << entry
            holds = exclude.holds_for_all(position, vector)
            masks = [mask | bit if ok else mask for mask, ok in zip(masks, holds, strict=True)]
        all_masks.append(masks)
    return all_masks


def _job_count_text(kept: KeptCombinations, kept_count: int, matrix: _Matrix) -> str:
    """The number of jobs when more than MAX_JOBS combinations are kept: those and the include entries
    that match none of them."""
    unmatched = 0
    for include in matrix.includes:
        allowed = [
            [index for index, value in enumerate(vector) if include.filter.holds(position, value)]
            for position, vector in enumerate(matrix.values)
        ]
        matching = kept.count(allowed)
        if matching is None:
            return f"at least {kept_count:,}"
        unmatched += matching == 0
    return f"{kept_count + unmatched:,}"


def _too_many(job: str, count: str) -> MatrixError:
    return MatrixError(
        f"job {job!r}: the matrix yields {count} jobs; GitHub allows at most {MAX_JOBS} per workflow run; "
        "exclude combinations or split the matrix over several jobs"
    )


def _entries(matrix: Mapping[str, Any], key: str, where: str) -> Iterator[Mapping[str, Any]]:
    if key not in matrix:
        return
    value, where = matrix[key], f"{where}.{key}"
    if not isinstance(value, list):
        raise MatrixError(f"{where} must be a list of mappings, got {describe(value)}")
    for index, entry in enumerate(value):
        if not isinstance(entry, Mapping):
            raise MatrixError(
                f"{where}[{index}] must be a mapping of matrix keys to values, got {describe(entry)}"
            )
        if not entry:
            raise MatrixError(f"{where}[{index}] is empty; an entry needs at least one key: value")
        _check_keys(entry, f"{where}[{index}]")
        yield entry


def _parse_vector(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        example = to_text(value) if is_primitive(value) and to_text(value) else "value1, value2"
        raise MatrixError(
            f"{where} must be a list of values, got {describe(value)}; write it as a list, e.g. [{example}]"
        )
    if not value:
        raise MatrixError(f"{where} is an empty list; a matrix vector needs at least one value")
    return value


def _parse_include(entry: Mapping[str, Any], names: list[str]) -> _Include:
    # MatrixInclude: keys naming a vector filter, the others are added (MatrixBuilder.cs lines 242-271)
    filter_values = {key: value for key, value in entry.items() if _names_vector(names, key)}
    extra = {key: value for key, value in entry.items() if key not in filter_values}
    return _Include(compile_filter(filter_values, names), filter_values, extra)


def _parse_exclude(entry: Mapping[str, Any], where: str, names: list[str]) -> Filter:
    for key in entry:
        if not _names_vector(names, key):
            known = ", ".join(names) or "none"
            raise MatrixError(
                f"{where}.{key}: {key!r} is not a vector of the matrix (vectors: {known}); "
                "GitHub rejects exclude keys that match no vector"
            )
    return compile_filter(entry, names)


def _names_vector(names: list[str], key: str) -> bool:
    try:
        vector_position(names, key)
    except ValueError:
        return False
    return True


def _check_keys(mapping: Mapping[Any, Any], where: str) -> None:
    seen: dict[str, None] = {}
    for key in mapping:
        if not isinstance(key, str):
            raise MatrixError(f"{where}: key {key!r} must be a string; quote it")
        if not key:
            raise MatrixError(f"{where}: a key is empty; GitHub needs a name for every matrix key")
        found = find_key(seen, key)
        if found is not None:
            raise MatrixError(
                f"{where}: keys {found!r} and {key!r} differ only in case; GitHub treats them as one key"
            )
        seen[key] = None


def _set_ignoring_case(mapping: dict[str, Any], key: str, value: Any) -> None:
    # DictionaryExpressionData's indexer: an existing key keeps its spelling and place
    found = find_key(mapping, key)
    mapping[key if found is None else found] = value


# --- display names ---


def _name_segments(value: Any) -> Iterator[str]:
    """CreateConfiguration: the matrix traversed depth first, keys left out; each boolean, number and string
    written as its ToString() ("G15" numbers, so -0 stays "-0") unless that is empty."""
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _name_segments(item)
    elif isinstance(value, list):
        for item in value:
            yield from _name_segments(item)
    elif kind_of(value) == "number":
        yield number_text(value)
    elif value is not None and to_text(value):
        yield to_text(value)


def _truncated(name: str) -> str:
    """JobNameBuilder.Build: over 100 UTF-16 code units, the first 97 and "...". A cut through a character
    outside the BMP leaves half of it, which no text encoding can hold: it is written as U+FFFD."""
    units = name.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * MAX_NAME_LENGTH:
        return name
    return units[: 2 * (MAX_NAME_LENGTH - 3)].decode("utf-16-le", "replace") + "..."
