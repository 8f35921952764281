"""The kept combinations counted and listed vector by vector (matrix_product) are exactly those of
GitHub's literal walk (MatrixBuilder.Build, MatrixBuilder.cs lines 116-176): every combination of the
cross product, in order, dropped when some exclude entry matches it, then the include entries applied."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipekit.errors import MatrixError
from pipekit.github.matrix import MAX_JOBS, expand_matrix
from pipekit.github.matrix_filters import compile_filter
from pipekit.github.matrix_product import KeptCombinations

# values whose comparisons coerce: numbers and their text, letters in two cases, a boolean, null
VALUES = st.sampled_from([0, 1, 2, 1.5, "0", "1", "1.5", "a", "A", "", True, False, None])


@st.composite
def matrices(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=4, unique=True))
    matrix: dict[str, Any] = {name: draw(st.lists(VALUES, min_size=1, max_size=5)) for name in names}
    entry_keys = st.sampled_from([*names, "x", "y"])
    matrix["exclude"] = draw(
        st.lists(st.dictionaries(st.sampled_from(names), VALUES, min_size=1, max_size=3), max_size=6)
    )
    matrix["include"] = draw(
        st.lists(st.dictionaries(entry_keys, VALUES, min_size=1, max_size=3), max_size=3)
    )
    return matrix


def github_walk(matrix: dict[str, Any]) -> list[dict[str, Any]]:
    """MatrixBuilder.Build, literally: walk the whole product."""
    names = [key for key in matrix if key not in ("include", "exclude")]
    excludes = [compile_filter(entry, names) for entry in matrix["exclude"]]
    includes = []
    for entry in matrix["include"]:
        vector_keys = {key: value for key, value in entry.items() if key in names}
        extra = {key: value for key, value in entry.items() if key not in names}
        includes.append((compile_filter(vector_keys, names), vector_keys, extra))
    jobs: list[dict[str, Any]] = []
    matched = [False] * len(includes)
    for chosen in itertools.product(*(matrix[name] for name in names)):
        if any(all(exclude.holds(i, value) for i, value in enumerate(chosen)) for exclude in excludes):
            continue
        job = dict(zip(names, chosen, strict=True))
        for index, (include, _, extra) in enumerate(includes):
            if all(include.holds(i, value) for i, value in enumerate(chosen)):
                matched[index] = True
                job.update(extra)
        jobs.append(job)
    jobs += [
        {**vector_keys, **extra}
        for (_, vector_keys, extra), was in zip(includes, matched, strict=True)
        if not was
    ]
    return jobs


@settings(max_examples=300, deadline=None)
@given(matrices())
def test_same_jobs_as_githubs_walk(matrix: dict[str, Any]) -> None:
    expected = github_walk(matrix)
    if len(expected) > MAX_JOBS:
        with pytest.raises(MatrixError, match=f"yields {len(expected):,} jobs"):
            expand_matrix(matrix)
    else:
        assert [list(job.items()) for job in expand_matrix(matrix)] == [list(job.items()) for job in expected]


def test_a_vector_without_values_keeps_nothing() -> None:
    kept = KeptCombinations([[0, 0], []], [])
    assert kept.count() == 0
    assert list(kept.walk()) == []


def test_walk_needs_a_count() -> None:
    with pytest.raises(RuntimeError, match="count"):
        list(KeptCombinations([[0]], []).walk())


def test_too_many_states_gives_up() -> None:
    # entry e tests vector e and the last one, so every choice of the first 19 values is a state of its own
    vectors, everything = 20, (1 << 20) - 1
    masks = [[everything & ~(1 << v), everything] for v in range(vectors - 1)] + [[everything, everything]]
    kept = KeptCombinations(masks, [vectors - 1] * vectors)
    assert kept.count() is None
    assert kept.count([[1]] * vectors) == 0  # one state per vector: countable
