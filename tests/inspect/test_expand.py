"""Expanding real-world style workflow files (tests/inspect/data/workflows) into one row per job run.

Every expected job list below is derived by hand from GitHub's documented matrix rules: the cross product
in written order with the first vector varying slowest, exclude removing partial matches, include adding
its non-vector keys to the legs whose original values it matches, and unmatched include entries appended.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipekit.errors import InputFileError, MatrixError
from pipekit.inspect.expand import ExpandResult, expand_workflow_files, format_json, format_text

DATA = Path(__file__).parent / "data" / "workflows"


@pytest.fixture(autouse=True)
def in_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)


def jobs_of(result: ExpandResult, job: str) -> list[tuple[dict[str, Any], str]]:
    return [(row["matrix"], row["runs_on"]) for row in result.rows if row["job"] == job]


def names_of(result: ExpandResult, job: str) -> list[str]:
    return [name for row, name in zip(result.rows, result.names, strict=True) if row["job"] == job]


def test_cpython_style_matrix_with_include_and_exclude() -> None:
    result = expand_workflow_files(["cpython-tests.yml"])
    assert result.problems == []
    assert jobs_of(result, "lint") == [({}, "ubuntu-latest")]
    # python (4) x os (3) = 12 legs, python slowest.
    # exclude: 3.10/macos-14; and 3.11/windows-2022 (the number 3.11 equals "3.11" under GitHub's ==).
    # include 1 (os only) adds coverage: true to every ubuntu leg; include 2 then overwrites the value it
    # added on 3.12/ubuntu; include 3 (3.14-dev) matches no original python value, so it is appended.
    ubuntu, macos, windows = "ubuntu-24.04", "macos-14", "windows-2022"
    assert jobs_of(result, "tests") == [
        ({"python": "3.10", "os": ubuntu, "coverage": True}, ubuntu),
        ({"python": "3.10", "os": windows}, windows),
        ({"python": "3.11", "os": ubuntu, "coverage": True}, ubuntu),
        ({"python": "3.11", "os": macos}, macos),
        ({"python": "3.12", "os": ubuntu, "coverage": False}, ubuntu),
        ({"python": "3.12", "os": macos}, macos),
        ({"python": "3.12", "os": windows}, windows),
        ({"python": "3.13", "os": ubuntu, "coverage": True}, ubuntu),
        ({"python": "3.13", "os": macos}, macos),
        ({"python": "3.13", "os": windows}, windows),
        ({"python": "3.14-dev", "os": ubuntu, "experimental": True}, ubuntu),
    ]
    # GitHub names a base leg by its vector values only; an appended include leg by all of its values
    assert names_of(result, "tests")[:2] == ["tests (3.10, ubuntu-24.04)", "tests (3.10, windows-2022)"]
    assert names_of(result, "tests")[-1] == "tests (3.14-dev, ubuntu-24.04, true)"
    assert list(result.rows[-1]["matrix"]) == ["python", "os", "experimental"]


def test_node_matrix_with_object_values() -> None:
    result = expand_workflow_files(["node-objects.yml"])
    # config (4) x registry (2) = 8; exclude {config: {os: windows-2022}, registry: github} removes one
    # leg (a filter on an object matches the keys it names); include {config: {node: 22}} adds
    # label: latest to both macos legs. runs-on: ${{matrix.config.os}} reads the object's os.
    u18 = {"os": "ubuntu-22.04", "node": 18}
    u20 = {"os": "ubuntu-22.04", "node": 20}
    w20 = {"os": "windows-2022", "node": 20}
    m22 = {"os": "macos-14", "node": 22}
    assert jobs_of(result, "build") == [
        ({"config": u18, "registry": "npm"}, "ubuntu-22.04"),
        ({"config": u18, "registry": "github"}, "ubuntu-22.04"),
        ({"config": u20, "registry": "npm"}, "ubuntu-22.04"),
        ({"config": u20, "registry": "github"}, "ubuntu-22.04"),
        ({"config": w20, "registry": "npm"}, "windows-2022"),
        ({"config": m22, "registry": "npm", "label": "latest"}, "macos-14"),
        ({"config": m22, "registry": "github", "label": "latest"}, "macos-14"),
    ]
    assert names_of(result, "build")[0] == "build (ubuntu-22.04, 18, npm)"
    assert jobs_of(result, "publish") == [({}, "ubuntu-22.04")]


def test_numpy_style_list_values_and_runner_expressions() -> None:
    result = expand_workflow_files(["numpy-wheels.yml"])
    assert result.problems == []
    # buildplat (5) x python (3) = 15; each exclude names a whole list value, compared item by item
    # (MatrixBuilder MatrixFilter), and removes one combination: 12 remain. runs-on is buildplat[0].
    runners = [row["runs_on"] for row in result.rows if row["job"] == "build_wheels"]
    assert runners == ["ubuntu-22.04"] * 5 + ["macos-13"] * 3 + ["macos-14"] * 2 + ["windows-2019"] * 2
    # display names: the list's items, the empty one adding nothing
    assert names_of(result, "build_wheels")[:2] == [
        "build_wheels (ubuntu-22.04, manylinux_x86_64, cp311)",
        "build_wheels (ubuntu-22.04, manylinux_x86_64, cp312)",
    ]
    assert names_of(result, "build_wheels")[-1] == "build_wheels (windows-2019, win_amd64, cp312)"
    # startsWith, && and || and format(), all decided by the matrix
    assert jobs_of(result, "tests") == [
        ({"os": "ubuntu", "shard": 1}, "ubuntu-24.04"),
        ({"os": "ubuntu", "shard": 2}, "ubuntu-24.04"),
        ({"os": "windows", "shard": 1}, "windows-2022"),
        ({"os": "windows", "shard": 2}, "windows-2022"),
    ]


def test_reusable_workflow_jobs_have_no_runner() -> None:
    result = expand_workflow_files(["reusable-calls.yml"])
    # the called workflow's matrix still expands: target has 2 values
    assert [(row["job"], row["matrix"], row["runs_on"]) for row in result.rows] == [
        ("call-tests", {"target": "linux"}, "uses: ./.github/workflows/tests.yml"),
        ("call-tests", {"target": "windows"}, "uses: ./.github/workflows/tests.yml"),
        ("deploy", {}, "uses: octo-org/shared-workflows/.github/workflows/deploy.yml@v2"),
        ("announce", {}, "ubuntu-latest"),
    ]


def test_anchors_and_aliases_are_resolved() -> None:
    result = expand_workflow_files(["go-anchors.yml"])
    # both jobs share one matrix through an alias: go (2) x tags (2) = 4 legs each
    expected = [
        ({"go": "1.22", "tags": "default"}, "ubuntu-24.04"),
        ({"go": "1.22", "tags": "netgo"}, "ubuntu-24.04"),
        ({"go": "1.23", "tags": "default"}, "ubuntu-24.04"),
        ({"go": "1.23", "tags": "netgo"}, "ubuntu-24.04"),
    ]
    assert jobs_of(result, "unit") == expected
    assert jobs_of(result, "race") == expected


def test_expression_matrices_are_reported_and_skipped() -> None:
    result = expand_workflow_files(["dynamic-matrix.yml"])
    assert result.problems == [
        "dynamic-matrix.yml: job 'test': strategy.matrix is a ${{ }} expression: "
        "not statically expandable; skipped",
        "dynamic-matrix.yml: job 'lint': strategy.matrix.package is a ${{ }} expression: "
        "not statically expandable; skipped",
    ]
    assert [row["job"] for row in result.rows] == ["plan", "summary"]


def test_list_and_group_runs_on() -> None:
    result = expand_workflow_files(["self-hosted.yml"])
    assert [(row["job"], row["runs_on"]) for row in result.rows] == [
        ("build", "self-hosted,linux,x64"),
        ("build", "self-hosted,linux,arm64"),
        ("gpu-tests", "group=gpu-runners,labels=linux,cuda-12"),
        ("hil", "ubuntu-latest"),
        # runs-on: ${{ matrix.runner }} where the value is a list of labels
        ("hil", "self-hosted,lab,board-rev-b"),
        ("large", "group=large-runners"),
    ]
    assert names_of(result, "hil") == ["hil (ubuntu-latest)", "hil (self-hosted, lab, board-rev-b)"]


def test_rows_follow_file_order_and_keep_paths_as_given() -> None:
    result = expand_workflow_files(["./reusable-calls.yml", "go-anchors.yml"])
    assert [row["workflow"] for row in result.rows] == ["./reusable-calls.yml"] * 4 + ["go-anchors.yml"] * 8
    assert len(result.names) == len(result.rows)


def test_json_format() -> None:
    result = expand_workflow_files(["reusable-calls.yml"])
    text = format_json(result)
    assert text.endswith("]\n")
    rows = json.loads(text)
    assert rows == result.rows
    assert all(list(row) == ["workflow", "job", "matrix", "runs_on"] for row in rows)
    assert text.startswith('[\n  {\n    "workflow": "reusable-calls.yml",\n    "job": "call-tests",\n')
    # matrix keys keep GitHub's order, not sorted
    cpython = json.loads(format_json(expand_workflow_files(["cpython-tests.yml"])))
    assert list(cpython[-1]["matrix"]) == ["python", "os", "experimental"]


def test_text_format() -> None:
    result = expand_workflow_files(["reusable-calls.yml", "self-hosted.yml"])
    assert format_text(result) == (
        "reusable-calls.yml\n"
        "  call-tests: 2 jobs\n"
        "    call-tests (linux) -> uses: ./.github/workflows/tests.yml\n"
        "    call-tests (windows) -> uses: ./.github/workflows/tests.yml\n"
        "  deploy: 1 job\n"
        "    deploy -> uses: octo-org/shared-workflows/.github/workflows/deploy.yml@v2\n"
        "  announce: 1 job\n"
        "    announce -> ubuntu-latest\n"
        "\n"
        "self-hosted.yml\n"
        "  build: 2 jobs\n"
        "    build (x64) -> self-hosted,linux,x64\n"
        "    build (arm64) -> self-hosted,linux,arm64\n"
        "  gpu-tests: 1 job\n"
        "    gpu-tests -> group=gpu-runners,labels=linux,cuda-12\n"
        "  hil: 2 jobs\n"
        "    hil (ubuntu-latest) -> ubuntu-latest\n"
        "    hil (self-hosted, lab, board-rev-b) -> self-hosted,lab,board-rev-b\n"
        "  large: 1 job\n"
        "    large -> group=large-runners\n"
    )
    assert format_text(ExpandResult()) == ""


# --- workflows written on the fly ---


def write(tmp_path: Path, text: str, name: str = "ci.yml") -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return name


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


MATRIX_WORKFLOW = (
    "jobs:\n"
    "  build:\n"
    "    runs-on: {runs_on}\n"
    "    strategy:\n"
    "      matrix:\n"
    "        os: [linux, mac]\n"
    "        n: [2.0]\n"
    "        cfg: [{{group: g1, labels: fast}}]\n"
)


# runs-on -> the runner of each of the two job runs (os linux, then mac); the expressions are GitHub's
# (see tests/github/test_expressions.py), the runs-on forms WorkflowTemplateConverter.ConvertToRunsOn's
@pytest.mark.parametrize(
    ("runs_on", "expected"),
    [
        ("${{ matrix.os }}", ["linux", "mac"]),
        ("${{matrix.os}}", ["linux", "mac"]),
        ("'${{   matrix.os   }}'", ["linux", "mac"]),
        ("${{ matrix.OS }}", ["linux", "mac"]),  # contexts and properties ignore case
        ("${{ MATRIX['Os'] }}", ["linux", "mac"]),
        ("big-${{ matrix.os }}-${{ matrix.n }}", ["big-linux-2", "big-mac-2"]),  # 2.0 prints as 2
        ("${{ matrix.cfg.labels }}", ["fast", "fast"]),
        ("${{ matrix.missing || 'fallback' }}", ["fallback", "fallback"]),
        ("${{ matrix.os == 'LINUX' && 'big' || 'small' }}", ["big", "small"]),
        ("${{ format('{0}-{1}', matrix.os, strategy.job-index) }}", ["linux-0", "mac-1"]),
        (
            "${{ strategy.job-total }}-${{ strategy.max-parallel }}-${{ strategy.fail-fast }}",
            ["2-2-true"] * 2,
        ),
        ("${{ matrix.cfg }}", ["group=g1,labels=fast"] * 2),  # a whole runs-on mapping from the matrix
        ('${{ fromJSON(\'["self-hosted", "gpu"]\') }}', ["self-hosted,gpu"] * 2),
        ("[self-hosted, '${{ matrix.os }}']", ["self-hosted,linux", "self-hosted,mac"]),
        ("[self-hosted, 3]", ["self-hosted,3"] * 2),  # a number label is read as its text
        (
            "{group: 'pool-${{ matrix.os }}', labels: x64}",
            ["group=pool-linux,labels=x64", "group=pool-mac,labels=x64"],
        ),
    ],
)
def test_runs_on_is_evaluated_for_each_run(in_tmp: Path, runs_on: str, expected: list[str]) -> None:
    name = write(in_tmp, MATRIX_WORKFLOW.format(runs_on=runs_on))
    result = expand_workflow_files([name])
    assert [row["runs_on"] for row in result.rows] == expected
    assert result.problems == []


@pytest.mark.parametrize(
    ("runs_on", "expected", "reads"),
    [
        ("${{ inputs.runner }}", ["${{ inputs.runner }}"] * 2, "inputs"),
        (
            "${{ matrix.os }}-${{ vars.SUFFIX }}",
            ["linux-${{ vars.SUFFIX }}", "mac-${{ vars.SUFFIX }}"],
            "vars",
        ),
        ("[self-hosted, '${{ github.repository }}']", ["self-hosted,${{ github.repository }}"] * 2, "github"),
    ],
)
def test_runs_on_only_github_knows_is_shown_as_written(
    in_tmp: Path, runs_on: str, expected: list[str], reads: str
) -> None:
    name = write(in_tmp, MATRIX_WORKFLOW.format(runs_on=runs_on))
    result = expand_workflow_files([name])
    assert [row["runs_on"] for row in result.rows] == expected
    assert result.problems == [
        f"ci.yml: job 'build': runs-on is not statically known (it reads {reads}); shown as written"
    ]


def test_runs_on_known_when_a_short_circuit_decides(in_tmp: Path) -> None:
    # Or.cs stops at the first truthy operand: github.ref is never read
    name = write(in_tmp, MATRIX_WORKFLOW.format(runs_on="${{ matrix.os || github.ref }}"))
    result = expand_workflow_files([name])
    assert [row["runs_on"] for row in result.rows] == ["linux", "mac"]
    assert result.problems == []


@pytest.mark.parametrize(
    ("runs_on", "message"),
    [
        (
            "${{ matrix.missing }}",
            "ci.yml: jobs.build.runs-on: is empty once '${{ matrix.missing }}' is evaluated; name a runner",
        ),
        ("${{ matrix.os == }}", "ci.yml: jobs.build.runs-on: Unexpected end of expression: '=='"),
        ("${{ env.RUNNER }}", "ci.yml: jobs.build.runs-on: Unrecognized named-value: 'env'"),
        ("${{ hashFiles('x') }}", "ci.yml: jobs.build.runs-on: Unrecognized function: 'hashFiles'"),
        ("[a, [b]]", "ci.yml: jobs.build.runs-on: a runner label must be text, got a list"),
        (
            "{group: g, label: x}",
            "ci.yml: jobs.build.runs-on: unknown key 'label'; GitHub allows group and labels",
        ),
    ],
)
def test_runs_on_github_refuses(in_tmp: Path, runs_on: str, message: str) -> None:
    name = write(in_tmp, MATRIX_WORKFLOW.format(runs_on=runs_on))
    with pytest.raises(InputFileError) as info:
        expand_workflow_files([name])
    assert str(info.value).startswith(message)


def test_everything_excluded_runs_the_job_once(in_tmp: Path) -> None:
    # WorkflowTemplateEvaluator.EvaluateStrategy (lines 166-196): one run, matrix null, the job's own name
    name = write(
        in_tmp,
        "jobs:\n  t:\n    runs-on: ${{ matrix.os || 'x' }}\n    strategy:\n      matrix:\n        os: [a]\n"
        "        exclude: [{os: A}]\n",
    )
    result = expand_workflow_files([name])
    assert result.rows == [{"workflow": "ci.yml", "job": "t", "matrix": {}, "runs_on": "x"}]
    assert result.names == ["t"]
    assert result.problems == []


def test_strategy_context_of_a_run_without_matrix(in_tmp: Path) -> None:
    # EvaluateStrategy: job-index 0, job-total 1, max-parallel 1, fail-fast as written
    runs_on = "${{ strategy.job-index }}-${{ strategy.job-total }}-${{ strategy.max-parallel }}"
    runs_on += "-${{ strategy.fail-fast }}"
    name = write(in_tmp, f"jobs:\n  t:\n    runs-on: {runs_on}\n    strategy:\n      fail-fast: false\n")
    assert [row["runs_on"] for row in expand_workflow_files([name]).rows] == ["0-1-1-false"]


def test_strategy_context_max_parallel(in_tmp: Path) -> None:
    # ConvertToStrategy (WorkflowTemplateConverter.cs lines 1005-1040): max-parallel as written when above 0
    name = write(
        in_tmp,
        "jobs:\n  t:\n    runs-on: r${{ strategy.max-parallel }}\n    strategy:\n      max-parallel: 1.9\n"
        "      matrix:\n        os: [a, b, c]\n",
    )
    assert [row["runs_on"] for row in expand_workflow_files([name]).rows] == ["r1"] * 3


def test_statically_known_strategy_expressions_are_evaluated(in_tmp: Path) -> None:
    name = write(
        in_tmp,
        "jobs:\n"
        "  t:\n"
        "    runs-on: ${{ matrix.os }}\n"
        "    strategy:\n"
        "      matrix:\n"
        '        os: ${{ fromJSON(\'["a", "b"]\') }}\n'
        "        ${{ 'n' }}: ['${{ 1 }}']\n"
        "  u:\n"
        "    runs-on: x\n"
        "    strategy: >-\n"
        '      ${{ fromJSON(\'{"matrix": {"v": [1, 2]}}\') }}\n',
    )
    result = expand_workflow_files([name])
    assert [(row["job"], row["matrix"]) for row in result.rows] == [
        ("t", {"os": "a", "n": 1}),
        ("t", {"os": "b", "n": 1}),
        ("u", {"v": 1}),
        ("u", {"v": 2}),
    ]
    assert result.problems == []


def test_keys_that_are_not_strings(in_tmp: Path) -> None:
    # TemplateReader: 1 and true are two keys, 3.10 is "3.1"; the JSON keeps them as text
    name = write(
        in_tmp, "jobs:\n  t:\n    runs-on: x\n    strategy:\n      matrix: {1: [a], true: [b], 3.10: [c]}\n"
    )
    rows = json.loads(format_json(expand_workflow_files([name])))
    assert [list(row["matrix"].items()) for row in rows] == [[("1", "a"), ("true", "b"), ("3.1", "c")]]


def test_json_is_valid_for_infinity_and_nan(in_tmp: Path) -> None:
    name = write(
        in_tmp, "jobs:\n  t:\n    runs-on: x\n    strategy:\n      matrix:\n        n: [.inf, -.inf, .nan]\n"
    )
    result = expand_workflow_files([name])
    assert result.names == ["t (Infinity)", "t (-Infinity)", "t (NaN)"]

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    rows = json.loads(format_json(result), parse_constant=refuse)
    assert [row["matrix"] for row in rows] == [{"n": "Infinity"}, {"n": "-Infinity"}, {"n": "NaN"}]


def test_strategy_expression_is_a_problem(in_tmp: Path) -> None:
    name = write(in_tmp, "jobs:\n  t:\n    runs-on: x\n    strategy: ${{ fromJSON(inputs.strategy) }}\n")
    result = expand_workflow_files([name])
    assert result.problems == [
        "ci.yml: job 't': strategy is a ${{ }} expression: not statically expandable; skipped"
    ]


def test_strategy_without_matrix(in_tmp: Path) -> None:
    name = write(in_tmp, "jobs:\n  t:\n    runs-on: x\n    strategy:\n      fail-fast: false\n")
    assert expand_workflow_files([name]).rows == [
        {"workflow": "ci.yml", "job": "t", "matrix": {}, "runs_on": "x"}
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "ci.yml: expected a workflow mapping (on:, jobs:), got a list"),
        ("", "ci.yml: expected a workflow mapping (on:, jobs:), got nothing"),
        ("on: push\n", "ci.yml: no jobs mapping; a workflow lists its jobs under jobs:"),
        ("jobs: [build]\n", "ci.yml: jobs: expected a mapping of job ids to jobs, got a list"),
        ("jobs:\n  build: [a]\n", "ci.yml: jobs.build: expected a mapping with runs-on or uses, got a list"),
        ("jobs:\n  build:\n    steps: []\n", "ci.yml: jobs.build: runs-on is missing"),
        ("jobs:\n  build:\n    runs-on:\n", "ci.yml: jobs.build.runs-on: is empty"),
        (
            "jobs:\n  build:\n    runs-on: x\n    strategy: {fail-fast: 'no'}\n",
            "ci.yml: jobs.build.strategy.fail-fast: expected true or false, got the string 'no'",
        ),
        (
            "jobs:\n  build:\n    runs-on: x\n    strategy: {max-parallel: two}\n",
            "ci.yml: jobs.build.strategy.max-parallel: expected a number, got the string 'two'",
        ),
        (
            "jobs:\n  build:\n    runs-on: x\n    strategy: {matrix: {os: [a]}, Matrix: {}}\n",
            "ci.yml: line 4, column 35: duplicate key 'Matrix' (GitHub ignores case: it is 'matrix' of",
        ),
        (
            "jobs:\n  build:\n    runs-on: x\n    strategy: fast\n",
            "ci.yml: jobs.build.strategy: expected a mapping (matrix, fail-fast, max-parallel), "
            "got the string 'fast'",
        ),
    ],
)
def test_malformed_workflows(in_tmp: Path, text: str, message: str) -> None:
    name = write(in_tmp, text)
    with pytest.raises(InputFileError) as info:
        expand_workflow_files([name])
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_unreadable_files(in_tmp: Path) -> None:
    with pytest.raises(InputFileError, match=r"missing\.yml: no such file"):
        expand_workflow_files(["missing.yml"])
    name = write(in_tmp, "jobs:\n  a: {runs-on: x}\n  a: {runs-on: y}\n")
    with pytest.raises(InputFileError, match=r"ci\.yml: line 3, column 3: duplicate key 'a'"):
        expand_workflow_files([name])


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ("{os: []}", "ci.yml: job 'big': strategy.matrix.os is an empty list"),
        (
            "{a: [" + ",".join(map(str, range(20))) + "], b: [" + ",".join(map(str, range(15))) + "]}",
            "ci.yml: job 'big': the matrix yields 300 jobs; GitHub allows at most 256 per workflow run",
        ),
    ],
)
def test_matrix_errors_name_the_file(in_tmp: Path, matrix: str, message: str) -> None:
    name = write(in_tmp, f"jobs:\n  big:\n    runs-on: x\n    strategy:\n      matrix: {matrix}\n")
    with pytest.raises(MatrixError) as info:
        expand_workflow_files([name])
    assert str(info.value).startswith(message)
