"""Matrix expansion against GitHub's documented examples ("Running variations of jobs in a workflow")
and the rules of GitHub's workflow parser (actions/runner src/Sdk/WorkflowParser, MatrixBuilder.cs and
WorkflowTemplateEvaluator.cs), plus property tests."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipekit.errors import MatrixError
from pipekit.github.expressions import is_expression
from pipekit.github.matrix import MAX_JOBS, MatrixLeg, expand_matrix, expand_matrix_legs


def items(jobs: list[dict[str, Any]]) -> list[list[tuple[str, Any]]]:
    """Key order matters: compare the (key, value) pairs in order."""
    return [list(job.items()) for job in jobs]


# --- the documentation's worked examples ---


def test_single_dimension() -> None:
    assert expand_matrix({"version": [10, 12, 14]}) == [{"version": 10}, {"version": 12}, {"version": 14}]


def test_multi_dimension_first_key_varies_slowest() -> None:
    jobs = expand_matrix({"version": [10, 12, 14], "os": ["ubuntu-latest", "windows-latest"]})
    assert items(jobs) == [
        [("version", 10), ("os", "ubuntu-latest")],
        [("version", 10), ("os", "windows-latest")],
        [("version", 12), ("os", "ubuntu-latest")],
        [("version", 12), ("os", "windows-latest")],
        [("version", 14), ("os", "ubuntu-latest")],
        [("version", 14), ("os", "windows-latest")],
    ]


def test_include_fruit_animal_example() -> None:
    matrix = {
        "fruit": ["apple", "pear"],
        "animal": ["cat", "dog"],
        "include": [
            {"color": "green"},
            {"color": "pink", "animal": "cat"},
            {"fruit": "apple", "shape": "circle"},
            {"fruit": "banana"},
            {"fruit": "banana", "animal": "cat"},
        ],
    }
    assert items(expand_matrix(matrix)) == [
        [("fruit", "apple"), ("animal", "cat"), ("color", "pink"), ("shape", "circle")],
        [("fruit", "apple"), ("animal", "dog"), ("color", "green"), ("shape", "circle")],
        [("fruit", "pear"), ("animal", "cat"), ("color", "pink")],
        [("fruit", "pear"), ("animal", "dog"), ("color", "green")],
        [("fruit", "banana")],
        [("fruit", "banana"), ("animal", "cat")],
    ]


def test_exclude_example() -> None:
    # 2 x 3 x 2 = 12; the first exclude removes one leg, the partial second one removes two: 9 remain
    matrix = {
        "os": ["macos-latest", "windows-latest"],
        "version": [12, 14, 16],
        "environment": ["staging", "production"],
        "exclude": [
            {"os": "macos-latest", "version": 12, "environment": "production"},
            {"os": "windows-latest", "version": 16},
        ],
    }
    assert expand_matrix(matrix) == [
        {"os": "macos-latest", "version": 12, "environment": "staging"},
        {"os": "macos-latest", "version": 14, "environment": "staging"},
        {"os": "macos-latest", "version": 14, "environment": "production"},
        {"os": "macos-latest", "version": 16, "environment": "staging"},
        {"os": "macos-latest", "version": 16, "environment": "production"},
        {"os": "windows-latest", "version": 12, "environment": "staging"},
        {"os": "windows-latest", "version": 12, "environment": "production"},
        {"os": "windows-latest", "version": 14, "environment": "staging"},
        {"os": "windows-latest", "version": 14, "environment": "production"},
    ]


def test_expanding_with_include() -> None:
    matrix = {
        "os": ["windows-latest", "ubuntu-latest"],
        "node": [14, 16],
        "include": [{"os": "windows-latest", "node": 16, "npm": 6}],
    }
    assert items(expand_matrix(matrix)) == [
        [("os", "windows-latest"), ("node", 14)],
        [("os", "windows-latest"), ("node", 16), ("npm", 6)],
        [("os", "ubuntu-latest"), ("node", 14)],
        [("os", "ubuntu-latest"), ("node", 16)],
    ]


def test_adding_configurations_with_include() -> None:
    # 3 x 3 = 9, plus one new leg: version 17 matches no original value, so it cannot extend a leg
    matrix: dict[str, Any] = {
        "os": ["macos-latest", "windows-latest", "ubuntu-latest"],
        "version": [12, 14, 16],
        "include": [{"os": "windows-latest", "version": 17}],
    }
    jobs = expand_matrix(matrix)
    assert len(jobs) == 10
    assert jobs[:9] == [{"os": o, "version": v} for o in matrix["os"] for v in (12, 14, 16)]
    assert jobs[9] == {"os": "windows-latest", "version": 17}


def test_include_only_matrix() -> None:
    matrix = {
        "include": [
            {"site": "production", "datacenter": "site-a"},
            {"site": "staging", "datacenter": "site-b"},
        ]
    }
    assert items(expand_matrix(matrix)) == [
        [("site", "production"), ("datacenter", "site-a")],
        [("site", "staging"), ("datacenter", "site-b")],
    ]


# --- GitHub's parser: the rules behind the examples ---


def test_appended_include_lists_vector_keys_first() -> None:
    # GitHub builds a new leg from the entry's vector keys, then its other keys
    jobs = expand_matrix({"os": ["ubuntu-latest"], "include": [{"npm": 6, "os": "macos-latest"}]})
    assert items(jobs) == [[("os", "ubuntu-latest")], [("os", "macos-latest"), ("npm", 6)]]


def test_include_matches_original_values_not_added_ones() -> None:
    # the second entry filters on os only; the value added by the first entry plays no part
    matrix = {
        "os": ["linux", "windows"],
        "include": [{"os": "linux", "shell": "bash"}, {"shell": "pwsh", "os": "windows"}],
    }
    assert expand_matrix(matrix) == [{"os": "linux", "shell": "bash"}, {"os": "windows", "shell": "pwsh"}]


def test_include_is_applied_after_exclude() -> None:
    matrix = {
        "os": ["linux", "windows"],
        "exclude": [{"os": "windows"}],
        "include": [{"os": "windows", "experimental": True}],
    }
    # the windows leg is gone, so the include entry matches nothing and comes back as a new leg
    assert expand_matrix(matrix) == [{"os": "linux"}, {"os": "windows", "experimental": True}]


def test_include_and_exclude_may_precede_vectors() -> None:
    matrix = {"include": [{"os": "linux", "cc": "gcc"}], "exclude": [{"os": "mac"}], "os": ["linux", "mac"]}
    assert expand_matrix(matrix) == [{"os": "linux", "cc": "gcc"}]


def test_exclude_compares_strings_ignoring_case() -> None:
    matrix = {"os": ["ubuntu-latest", "windows-latest"], "exclude": [{"os": "Windows-Latest"}]}
    assert expand_matrix(matrix) == [{"os": "ubuntu-latest"}]


def test_exclude_number_matches_string_that_parses_to_it() -> None:
    # unquoted 3.10 is the number 3.1 under YAML 1.2; GitHub's == turns "3.10" into 3.1 as well
    matrix = {"python": ["3.9", "3.10", "3.11"], "exclude": [{"python": 3.10}]}
    assert expand_matrix(matrix) == [{"python": "3.9"}, {"python": "3.11"}]


def test_exclude_object_value_matches_on_the_keys_it_names() -> None:
    matrix = {
        "config": [
            {"os": "ubuntu", "node": 18},
            {"os": "windows", "node": 18},
            {"os": "windows", "node": 20},
        ],
        "exclude": [{"config": {"os": "windows"}}],
    }
    assert expand_matrix(matrix) == [{"config": {"os": "ubuntu", "node": 18}}]


def test_include_object_filter_and_deep_equal_values() -> None:
    matrix = {
        "config": [{"os": "ubuntu", "node": 18}, {"os": "macos", "node": 22}],
        "include": [{"config": {"os": "macos", "node": 22}, "label": "latest"}],
    }
    assert expand_matrix(matrix)[1] == {"config": {"os": "macos", "node": 22}, "label": "latest"}


def test_boolean_and_null_values() -> None:
    matrix = {
        "experimental": [False, True],
        "extra": [None, "x"],
        "exclude": [{"experimental": True, "extra": None}],
    }
    assert expand_matrix(matrix) == [
        {"experimental": False, "extra": None},
        {"experimental": False, "extra": "x"},
        {"experimental": True, "extra": "x"},
    ]


def test_everything_excluded_still_runs_the_job_once() -> None:
    # MatrixBuilder.Build yields no configuration; WorkflowTemplateEvaluator.EvaluateStrategy (lines 166-196)
    # then adds one with a null matrix, named after the job alone
    matrix = {"os": ["linux"], "exclude": [{"os": "LINUX"}]}
    assert expand_matrix(matrix) == []
    assert expand_matrix_legs(matrix) == [MatrixLeg({}, ())]
    assert expand_matrix_legs(matrix)[0].display_name("test") == "test"


def test_legs_do_not_share_mutable_values() -> None:
    jobs = expand_matrix({"config": [{"os": "linux"}], "n": [1, 2]})
    jobs[0]["config"]["os"] = "changed"
    assert jobs[1]["config"] == {"os": "linux"}


def test_display_names_follow_github() -> None:
    matrix = {
        "python": ["3.12"],
        "config": [{"os": "ubuntu", "node": 20.0}],
        "include": [{"coverage": True}, {"python": "3.13", "experimental": True}],
    }
    names = [leg.display_name("test") for leg in expand_matrix_legs(matrix)]
    # values include adds to a base leg are not in its name; an appended leg shows all of its values
    assert names == ["test (3.12, ubuntu, 20)", "test (3.13, true)"]
    assert expand_matrix_legs({"a": ["x" * 120]})[0].display_name("job") == "job (" + "x" * 92 + "..."
    assert expand_matrix_legs({"a": [None, ""]})[0].display_name("job") == "job"


def test_max_jobs_is_allowed() -> None:
    assert len(expand_matrix({"a": list(range(16)), "b": list(range(16))})) == MAX_JOBS == 256


# --- GitHub's parser, case by case: a matrix and the job runs (matrix, display name of job "t") it starts ---

GITHUB_CASES = [
    # MatrixBuilder.cs lines 594-609: a filter number is written into the expression text with
    # ExpressionUtility.ConvertToParseToken, "G15": 0.1234567890123456 becomes 0.123456789012346 and no
    # longer equals the value it was copied from
    pytest.param(
        {"n": [0.1234567890123456, 0.5], "exclude": [{"n": 0.1234567890123456}, {"n": 0.5}]},
        [({"n": 0.1234567890123456}, "t (0.123456789012346)")],
        id="filter-number-15-digits",
    ),
    pytest.param(
        {"id": [12345678901234567], "exclude": [{"id": 12345678901234567}]},
        [({"id": 12345678901234567}, "t (1.23456789012346E+16)")],
        id="filter-integer-15-digits",
    ),
    # ... while a string holding the 15-digit text equals it (EvaluationResult.CoerceTypes, lines 385-390);
    # nothing is left, so the job runs once (WorkflowTemplateEvaluator.EvaluateStrategy, lines 166-196)
    pytest.param(
        {"n": ["0.123456789012346"], "exclude": [{"n": 0.1234567890123456}]},
        [({}, "t")],
        id="filter-number-equals-its-text",
    ),
    # ExpressionUtility.ParseNumber: hex text is an Int32, so "0xFFFFFFFF" equals -1
    pytest.param(
        {"mask": [-1, 1], "exclude": [{"mask": "0xFFFFFFFF"}]}, [({"mask": 1}, "t (1)")], id="hex-text"
    ),
    # CoerceTypes lines 391-402: null becomes 0, and so do '' and '0'
    pytest.param(
        {"v": ["", "0", "x", None], "exclude": [{"v": None}]}, [({"v": "x"}, "t (x)")], id="null-filter"
    ),
    # a boolean becomes 1 or 0, the string 'true' NaN: true == 'true' is false
    pytest.param(
        {"flag": [True, "true", 1], "exclude": [{"flag": True}]},
        [({"flag": "true"}, "t (true)")],
        id="boolean-filter",
    ),
    # MatrixFilter (lines 527-556): an entry without leaves makes no expression and matches everything
    pytest.param({"os": ["a", "b"], "exclude": [{"os": []}]}, [({}, "t")], id="filter-without-leaves"),
    # SequenceState (lines 667-682): list positions are indexes, cfg[1] == 'C' ignoring case
    pytest.param(
        {"cfg": [["a", "b"], ["a", "c"]], "exclude": [{"cfg": ["A", "C"]}]},
        [({"cfg": ["a", "b"]}, "t (a, b)")],
        id="filter-through-a-list",
    ),
    # MatrixInclude (lines 249-260): vector keys are found ignoring case; a later value replaces an earlier
    # one under the first spelling (DictionaryExpressionData's indexer)
    pytest.param(
        {"os": ["linux"], "include": [{"OS": "LINUX", "Extra": 1}, {"extra": 2}]},
        [({"os": "linux", "Extra": 2}, "t (linux)")],
        id="include-keys-ignore-case",
    ),
    # GetUnmatchedVectors (lines 353-377): an entry of its own, vector keys first, as the entry spells them
    pytest.param(
        {"os": ["linux"], "include": [{"extra": 1, "OS": "mac"}]},
        [({"os": "linux"}, "t (linux)"), ({"OS": "mac", "extra": 1}, "t (mac, 1)")],
        id="include-of-its-own",
    ),
    # CreateConfiguration (lines 189-205): values depth first, keys left out, "G15" numbers (-0 stays),
    # true/false, and nothing for null or ''
    pytest.param(
        {"a": [{"x": 1.0, "y": [True, None, ""], "z": -0.0}]},
        [({"a": {"x": 1.0, "y": [True, None, ""], "z": -0.0}}, "t (1, true, -0)")],
        id="display-name-segments",
    ),
    # JobNameBuilder.Build: over 100 UTF-16 code units, the first 97 and "..."; the cut splits the emoji,
    # whose first half no encoder can write
    pytest.param(
        {"s": ["x" * 93 + "\U0001f600zz"]},
        [({"s": "x" * 93 + "\U0001f600zz"}, "t (" + "x" * 93 + "\ufffd...")],
        id="display-name-cut",
    ),
]


@pytest.mark.parametrize(("matrix", "runs"), GITHUB_CASES)
def test_github_rules(matrix: dict[str, Any], runs: list[tuple[dict[str, Any], str]]) -> None:
    legs = expand_matrix_legs(matrix, job="t")
    assert [(list(leg.matrix.items()), leg.display_name("t")) for leg in legs] == [
        (list(expected.items()), name) for expected, name in runs
    ]


# --- errors ---


def test_empty_vector() -> None:
    with pytest.raises(MatrixError) as info:
        expand_matrix({"os": [], "python": ["3.12"]}, job="test")
    assert str(info.value) == (
        "job 'test': strategy.matrix.os is an empty list; a matrix vector needs at least one value"
    )


@pytest.mark.parametrize(
    ("value", "described"),
    [("ubuntu-latest", "the string 'ubuntu-latest'"), (3.12, "the number 3.12"), (None, "nothing (null)")],
)
def test_vector_must_be_a_list(value: Any, described: str) -> None:
    with pytest.raises(
        MatrixError, match=r"job 'test': strategy\.matrix\.os must be a list of values"
    ) as info:
        expand_matrix({"os": value}, job="test")
    assert described in str(info.value)


def test_too_many_jobs() -> None:
    with pytest.raises(MatrixError) as info:
        expand_matrix({"a": list(range(20)), "b": list(range(15))}, job="test")
    assert str(info.value) == (
        "job 'test': the matrix yields 300 jobs; GitHub allows at most 256 per workflow run; "
        "exclude combinations or split the matrix over several jobs"
    )


def test_include_entries_count_towards_the_limit() -> None:
    matrix = {"a": list(range(16)), "b": list(range(16)), "include": [{"a": 99}]}
    with pytest.raises(MatrixError, match="yields 257 jobs"):
        expand_matrix(matrix, job="test")


def test_excludes_count_before_the_limit() -> None:
    matrix = {"a": list(range(20)), "b": list(range(15)), "exclude": [{"a": a} for a in range(4)]}
    assert len(expand_matrix(matrix)) == 16 * 15


def test_huge_cross_product_is_counted_without_walking_it() -> None:
    with pytest.raises(MatrixError, match="yields 1,000,000,000 jobs"):
        expand_matrix({k: list(range(1000)) for k in "abc"}, job="test")


def test_cross_product_past_int32_is_refused_before_exclude() -> None:
    # MatrixBuilder.Build (lines 122-135) multiplies the vector lengths in a `checked` Int32
    matrix: dict[str, Any] = {k: list(range(100)) for k in "abcde"}
    matrix["exclude"] = [{"a": a} for a in range(1, 100)]
    with pytest.raises(
        MatrixError, match="cross product has 10,000,000,000 combinations; GitHub counts them"
    ):
        expand_matrix(matrix, job="test")
    del matrix["e"]  # 100**4 fits: exclude then leaves 100**3
    with pytest.raises(MatrixError, match="yields 1,000,000 jobs"):
        expand_matrix(matrix, job="test")


def test_the_limit_counts_what_exclude_and_include_leave() -> None:
    # GitHub counts configurations after exclude and include: 2**17 combinations cut to 256 are valid
    matrix: dict[str, Any] = {f"v{i}": [0, 1] for i in range(17)}
    matrix["exclude"] = [{f"v{i}": 1} for i in range(9)]
    legs = expand_matrix_legs(matrix)
    assert len(legs) == 256
    assert legs[1].matrix == {**{f"v{i}": 0 for i in range(16)}, "v16": 1}
    matrix["include"] = [{"v8": 1}]  # matches only removed combinations: a job of its own, the 257th
    with pytest.raises(MatrixError, match="yields 257 jobs"):
        expand_matrix(matrix)
    matrix["exclude"] = matrix["exclude"][:8]  # 512 kept, and the include entry now extends half of them
    with pytest.raises(MatrixError, match="yields 512 jobs"):
        expand_matrix(matrix)


@pytest.mark.parametrize(
    ("matrix", "where"),
    [
        ("${{ fromJSON(needs.setup.outputs.matrix) }}", "strategy.matrix is"),
        ({"os": "${{ fromJSON(inputs.os) }}"}, "strategy.matrix.os is"),
        ({"os": ["ubuntu-latest", "${{ vars.EXTRA_OS }}"]}, "strategy.matrix.os[1] is"),
        ({"os": ["linux"], "include": "${{ fromJSON(inputs.include) }}"}, "strategy.matrix.include is"),
        ({"os": ["linux"], "exclude": [{"os": "${{ inputs.skip }}"}]}, "strategy.matrix.exclude[0].os is"),
        ({"${{ inputs.key }}": ["a"]}, "strategy.matrix key"),
    ],
)
def test_expressions_are_not_statically_expandable(matrix: Any, where: str) -> None:
    with pytest.raises(MatrixError, match="not statically expandable") as info:
        expand_matrix(matrix, job="test")
    assert str(info.value).startswith(f"job 'test': {where}")


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ({"os": ["linux"], "include": {"os": "mac"}}, "strategy.matrix.include must be a list of mappings"),
        (
            {"os": ["linux"], "include": [{"a": 1}, {"b": 2}, "c"]},
            r"strategy.matrix.include\[2\] must be a mapping",
        ),
        ({"os": ["linux"], "exclude": [["linux"]]}, r"strategy.matrix.exclude\[0\] must be a mapping"),
        ({"os": ["linux"], "include": [{}]}, r"strategy.matrix.include\[0\] is empty"),
        (
            {"os": ["linux"], "exclude": [{"arch": "x86"}]},
            r"strategy.matrix.exclude\[0\].arch: 'arch' is not a vector",
        ),
        ({"exclude": [{"os": "linux"}]}, r"strategy.matrix.exclude\[0\].os: 'os' is not a vector"),
        ({}, "strategy.matrix has no vectors and no include entries"),
        ({"include": []}, "strategy.matrix has no vectors and no include entries"),
        (["linux"], "strategy.matrix must be a mapping of vectors"),
        ({"os": ["linux"], "OS": ["mac"]}, "keys 'os' and 'OS' differ only in case"),
        ({3: ["a"]}, "key 3 must be a string"),
    ],
)
def test_malformed_matrices(matrix: Any, message: str) -> None:
    with pytest.raises(MatrixError, match=message) as info:
        expand_matrix(matrix, job="test")
    assert str(info.value).startswith("job 'test': ")


def test_is_expression() -> None:
    assert is_expression("${{ matrix.os }}")
    assert is_expression("prefix-${{matrix.os}}")
    assert not is_expression("ubuntu-latest")
    assert not is_expression("$ {{ not one }}")
    assert not is_expression(["${{ matrix.os }}"])
    assert not is_expression(None)


# --- properties ---

VALUES = st.one_of(st.integers(min_value=0, max_value=3), st.sampled_from(["x", "y", "z"]))
VECTORS = st.dictionaries(
    st.sampled_from(["a", "b", "c"]), st.lists(VALUES, min_size=1, max_size=3, unique=True), min_size=1
)


@st.composite
def matrices(draw: st.DrawFn, with_include: bool) -> dict[str, Any]:
    vectors = draw(VECTORS)
    entry_keys = st.sampled_from([*vectors, "extra", "more"] if with_include else list(vectors))
    entries = st.lists(st.dictionaries(entry_keys, VALUES, min_size=1, max_size=3), max_size=3)
    matrix: dict[str, Any] = dict(vectors)
    matrix["exclude"] = [
        {k: v for k, v in entry.items() if k in vectors} or {next(iter(vectors)): 0}
        for entry in draw(entries)
    ]
    if with_include:
        matrix["include"] = draw(entries)
    return matrix


def base_after_exclude(matrix: dict[str, Any]) -> list[dict[str, Any]]:
    keys = [k for k in matrix if k not in ("include", "exclude")]
    base = [dict(zip(keys, values, strict=True)) for values in itertools.product(*(matrix[k] for k in keys))]
    return [c for c in base if not any(all(c[k] == v for k, v in e.items()) for e in matrix["exclude"])]


@settings(max_examples=150, deadline=None)
@given(matrices(with_include=False))
def test_exclude_keeps_base_order_and_never_adds(matrix: dict[str, Any]) -> None:
    jobs = expand_matrix(matrix)
    assert items(jobs) == items(base_after_exclude(matrix))


@settings(max_examples=150, deadline=None)
@given(matrices(with_include=True))
def test_include_never_overwrites_original_values(matrix: dict[str, Any]) -> None:
    kept = base_after_exclude(matrix)
    jobs = expand_matrix(matrix)
    # the first legs are the kept base combinations, their original values untouched
    assert [{k: job[k] for k in base} for job, base in zip(jobs, kept, strict=False)] == kept
    vector_keys = [k for k in matrix if k not in ("include", "exclude")]
    unmatched = [
        entry
        for entry in matrix["include"]
        if not any(all(c[k] == v for k, v in entry.items() if k in vector_keys) for c in kept)
    ]
    assert len(jobs) == len(kept) + len(unmatched)
    assert jobs[len(kept) :] == unmatched


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.sampled_from(["site", "dc", "tier"]), VALUES, min_size=1), min_size=1, max_size=5
    )
)
def test_include_only_matrix_yields_its_entries(entries: list[dict[str, Any]]) -> None:
    assert items(expand_matrix({"include": entries})) == items(entries)


@settings(max_examples=100, deadline=None)
@given(matrices(with_include=True))
def test_expansion_is_deterministic_and_leaves_input_alone(matrix: dict[str, Any]) -> None:
    before = copy.deepcopy(matrix)
    first = expand_matrix(matrix)
    assert items(expand_matrix(matrix)) == items(first)
    assert matrix == before
