"""``${{ }}`` templates evaluated as GitHub's runner evaluates them (actions/runner src/Sdk/Expressions:
Tokens/LexicalAnalyzer.cs, ExpressionParser.cs, Sdk/Operators, Sdk/Functions; WorkflowParser
ObjectTemplating/TemplateReader.cs for templates), for one job run with a known matrix and strategy."""

from __future__ import annotations

import math
from typing import Any

import pytest

from pipekit.errors import InputFileError
from pipekit.github.expression_evaluation import NotKnown
from pipekit.github.expressions import (
    RUNS_ON_CONTEXTS,
    find_expression,
    is_expression,
    job_contexts,
    resolve,
    resolve_tree,
    substitute,
)

MATRIX: dict[str, Any] = {
    "os": "ubuntu-latest",
    "buildplat": ["ubuntu-22.04", "manylinux_x86_64"],
    "a": {"b": {"c": "deep"}},
    "python": 3.1,
    "n": 2,
    "empty": "",
    "cfg": {"labels": ["x", "y"], "group": "g1"},
    "configs": [{"os": "linux", "arch": "x64"}, {"os": "mac"}],
}
STRATEGY = {"fail-fast": True, "job-index": 3, "job-total": 5, "max-parallel": 5}
CONTEXTS = job_contexts(MATRIX, STRATEGY)


def value_of(template: str) -> Any:
    return resolve(template, CONTEXTS, RUNS_ON_CONTEXTS).value


# template -> the value GitHub gives it for MATRIX and STRATEGY
KNOWN = [
    # references: index, bracket, any case, deep paths (Index.cs, LexicalAnalyzer.ReadKeywordToken)
    ("${{ matrix.buildplat[0] }}", "ubuntu-22.04"),
    ("${{ matrix.buildplat['1'] }}", "manylinux_x86_64"),
    ("${{ matrix['os'] }}", "ubuntu-latest"),
    ("${{ MATRIX.OS }}", "ubuntu-latest"),
    ("${{ matrix.a.b.c }}", "deep"),
    ("${{ matrix.A['B'].C }}", "deep"),
    ("${{ matrix.missing }}", None),
    ("${{ matrix.os.length }}", None),
    ("${{ matrix.buildplat[5] }}", None),
    ("${{ matrix.configs.*.os }}", ["linux", "mac"]),  # a filter leaves out items without the key
    ("${{ matrix.configs.*.arch }}", ["x64"]),
    ("${{ matrix.cfg.* }}", [["x", "y"], "g1"]),
    ("${{ strategy.job-index }}", 3),
    ("${{ strategy['job-total'] }}", 5),
    # literals (LexicalAnalyzer.ReadNumberToken, ReadStringToken)
    ("${{ 'it''s' }}", "it's"),
    ("${{ 0x10 }}", 16),
    ("${{ -1.5e1 }}", -15),
    ("${{ .5 }}", 0.5),
    ("${{ NaN }}", math.nan),
    ("${{ -Infinity }}", -math.inf),
    ("${{ null }}", None),
    # operators: || and && give the deciding operand (Or.cs, And.cs), ! a boolean (Not.cs)
    ("${{ matrix.empty || 'ubuntu-latest' }}", "ubuntu-latest"),
    ("${{ matrix.os || 'other' }}", "ubuntu-latest"),
    ("${{ matrix.os == 'UBUNTU-LATEST' && 'big' || 'small' }}", "big"),
    ("${{ matrix.os != 'ubuntu-latest' && 'big' || 'small' }}", "small"),
    ("${{ matrix.empty && 'x' }}", ""),
    ("${{ !matrix.empty }}", True),
    ("${{ !matrix.cfg }}", False),
    ("${{ matrix.python == '3.10' }}", True),
    ("${{ matrix.n > 1 }}", True),
    ("${{ matrix.n >= '2' }}", True),
    ("${{ matrix.n < 2 }}", False),
    ("${{ 'a' <= 'B' }}", True),
    ("${{ !(matrix.n == 2) }}", False),
    ("${{ 1 == 1 == true }}", True),  # (1 == 1) == true: left to right
    ("${{ !matrix.n == false }}", True),  # ! binds tighter than ==
    ("${{ false || 1 == 1 && 'x' }}", "x"),  # && before ||
    ("${{ matrix.cfg == matrix.cfg }}", True),  # the same object
    # functions (Sdk/Functions)
    ("${{ format('{0}-{1}', matrix.os, matrix.n) }}", "ubuntu-latest-2"),
    ("${{ format('{{{0}}}', matrix.python) }}", "{3.1}"),
    ("${{ format('{0}', matrix.os, github.sha) }}", "ubuntu-latest"),  # an argument never read
    ("${{ contains(matrix.buildplat, 'MANYLINUX_X86_64') }}", True),
    ("${{ contains(matrix.os, 'LATEST') }}", True),
    ("${{ contains(matrix.cfg, 'x') }}", False),
    ("${{ startsWith(matrix.os, 'Ubuntu') }}", True),
    ("${{ endsWith(matrix.os, 'LATEST') }}", True),
    ("${{ join(matrix.buildplat, '/') }}", "ubuntu-22.04/manylinux_x86_64"),
    ("${{ join(matrix.buildplat) }}", "ubuntu-22.04,manylinux_x86_64"),
    ("${{ join(matrix.os, github.sha) }}", "ubuntu-latest"),
    ("${{ toJSON(matrix.cfg.labels) }}", '[\n  "x",\n  "y"\n]'),
    ("${{ fromJSON('{\"a\": [1, 2.5]}').a[1] }}", 2.5),
    ("${{ fromJSON(toJSON(matrix.n)) }}", 2),
    ("${{ case(matrix.n == 1, 'one', matrix.n == 2, 'two', 'many') }}", "two"),
    # templates with text: format() of the pieces, each expression as its text (TemplateReader.ParseScalar)
    ("big-${{ matrix.os }}-${{ matrix.n }}", "big-ubuntu-latest-2"),
    ("x ${{ matrix.cfg }}", "x Object"),
    ("${{ matrix.buildplat }}", ["ubuntu-22.04", "manylinux_x86_64"]),
    ("${{ matrix.python }}", 3.1),
    ("v${{ matrix.python }}", "v3.1"),
    ("${{ '}}' }}", "}}"),  # the expression ends at the first }} outside a string
    ("plain text", "plain text"),
]


@pytest.mark.parametrize(("template", "expected"), KNOWN)
def test_known_values(template: str, expected: Any) -> None:
    value = value_of(template)
    if isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(value)
    else:
        assert value == expected
        assert type(value) is not bool or type(expected) is bool


# template -> the context GitHub alone knows, and the text pipekit shows
NOT_KNOWN = [
    ("${{ github.ref }}", "github", "${{ github.ref }}"),
    ("${{ inputs.runner }}", "inputs", "${{ inputs.runner }}"),
    ("${{ vars.RUNNER || 'ubuntu-latest' }}", "vars", "${{ vars.RUNNER || 'ubuntu-latest' }}"),
    ("${{ matrix.empty || needs.a.outputs.b }}", "needs", "${{ matrix.empty || needs.a.outputs.b }}"),
    ("${{ matrix.os == github.ref }}", "github", "${{ matrix.os == github.ref }}"),
    ("${{ format('{0}', github.sha) }}", "github", "${{ format('{0}', github.sha) }}"),
    ("${{ toJSON(github) }}", "github", "${{ toJSON(github) }}"),
    (
        "${{ contains(matrix.buildplat, inputs.plat) }}",
        "inputs",
        "${{ contains(matrix.buildplat, inputs.plat) }}",
    ),
    ("${{ matrix.os }}-${{ inputs.x }}", "inputs", "ubuntu-latest-${{ inputs.x }}"),
]


@pytest.mark.parametrize(("template", "source", "text"), NOT_KNOWN)
def test_values_only_github_knows(template: str, source: str, text: str) -> None:
    resolved = resolve(template, CONTEXTS, RUNS_ON_CONTEXTS)
    assert resolved.value == NotKnown(source)
    assert resolved.text == text


@pytest.mark.parametrize(
    "template",
    [
        "${{ matrix.os || github.ref }}",  # || stops at the first truthy operand
        "${{ matrix.empty && github.ref }}",  # && stops at the first falsy one
        "${{ !matrix.os && inputs.x }}",
        "${{ join(matrix.os, inputs.separator) }}",  # one item: the separator is never read
    ],
)
def test_short_circuits_are_known(template: str) -> None:
    assert not isinstance(value_of(template), NotKnown)


# template -> GitHub's error (ParseException, the function's exception, TemplateStrings)
REFUSED = [
    ("${{ matrix.os == }}", "Unexpected end of expression: '=='. Located at position 11 within expression"),
    ("${{ matrix. }}", "Unexpected end of expression: '.'"),
    ("${{ (matrix.os }}", "Unexpected end of expression: 'os'"),
    ("${{ matrix.os) }}", "Unexpected symbol: ')'"),
    ("${{ matrix.os = 'a' }}", "Unexpected symbol: '='"),
    ('${{ "linux" }}', "Unexpected symbol: '\"linux\"'"),
    ("${{ 'linux'[0] }}", "Unexpected symbol: '['"),
    ("${{ matrix..os }}", "Unexpected symbol: '.'"),
    ("${{ 1-2 }}", "Unexpected symbol: '1-2'"),
    ("${{ 'open }}", "The expression is not closed"),
    (
        "${{ env.RUNNER }}",
        "Unrecognized named-value: 'env'. Located at position 1 within expression: env.RUNNER",
    ),
    ("${{ secrets.TOKEN }}", "Unrecognized named-value: 'secrets'"),
    ("${{ hashFiles('x') }}", "Unrecognized function: 'hashFiles'"),
    ("${{ contains(matrix.os) }}", "Too few parameters supplied: '('"),
    ("${{ join(1, 2, 3) }}", "Too many parameters supplied: '('"),
    ("${{ case(true, 1, false, 2) }}", "Even number of parameters supplied"),
    ("${{ " + "!" * 50 + "true }}", "Exceeded max expression depth 50"),
    ("${{ '" + "x" * 21000 + "' }}", "Exceeded max expression length 21000"),
    ("${{ }}", "An expression was expected"),
    ("${{ matrix.os", "The expression is not closed"),
    ("${{ format('{0') }}", "The following format string is invalid: {0"),
    ("${{ format('{1}', 'a') }}", "references more arguments than were supplied"),
    ("${{ format('{0:x}', 1) }}", "The format specifiers 'x' are not valid for objects of type 'Number'"),
    ("${{ fromJSON('not json') }}", "Error parsing fromJson"),
    ("${{ case('yes', 1, 2) }}", "case predicate must evaluate to a boolean value"),
]


@pytest.mark.parametrize(("template", "message"), REFUSED)
def test_refused(template: str, message: str) -> None:
    with pytest.raises(InputFileError) as info:
        resolve(template, CONTEXTS, RUNS_ON_CONTEXTS)
    assert message in str(info.value)


def test_depth_limit_counts_nodes_not_parentheses() -> None:
    # ExpressionParser.CheckMaxDepth measures the tree: grouping makes no node, however deep
    assert value_of("${{ " + "(" * 500 + "matrix.n" + ")" * 500 + " }}") == 2
    assert value_of("${{ " + "!" * 49 + "true }}") is False


def test_strategy_reads_no_matrix() -> None:
    # workflow-v1.0.json: strategy may read github, inputs, vars and needs
    with pytest.raises(InputFileError, match="Unrecognized named-value: 'matrix'"):
        resolve("${{ matrix.os }}", {}, ("github", "inputs", "vars", "needs"))


def test_a_run_without_combination_has_a_null_matrix() -> None:
    # WorkflowTemplateEvaluator.EvaluateStrategy: matrix is null, not an empty object
    contexts = job_contexts({})
    assert resolve("${{ matrix || 'none' }}", contexts, RUNS_ON_CONTEXTS).value == "none"
    assert resolve("${{ toJSON(matrix) }}", contexts, RUNS_ON_CONTEXTS).value == "null"


def test_resolve_tree_keeps_what_only_github_knows() -> None:
    tree = {"labels": ["${{ matrix.os }}", "${{ inputs.x }}"], "${{ matrix.n }}": "${{ fromJSON('[1, 2]') }}"}
    resolved, unknown = resolve_tree(tree, CONTEXTS, RUNS_ON_CONTEXTS)
    assert resolved == {"labels": ["ubuntu-latest", "${{ inputs.x }}"], "2": [1, 2]}
    assert unknown == ["inputs"]


def test_substitute_is_runs_on_for_one_leg() -> None:
    assert substitute("${{ matrix.os }}", {"os": "macos-14"}) == "macos-14"
    assert substitute("pool-${{ matrix.n }}", {"n": 2.0}) == "pool-2"
    assert substitute("${{ inputs.runner }}", {"os": "x"}) == "${{ inputs.runner }}"
    assert substitute("${{ matrix.os }}", {}) == ""


def test_is_expression_and_find_expression() -> None:
    assert is_expression("${{ matrix.os }}")
    assert is_expression("prefix-${{matrix.os}}")
    assert not is_expression("ubuntu-latest")
    assert not is_expression("$ {{ not one }}")
    assert not is_expression(["${{ matrix.os }}"])
    assert not is_expression(None)
    assert find_expression({"a": [1, {"b": "${{ x }}"}]}, "m") == "m.a[1].b"
    assert find_expression({"${{ k }}": 1}, "m") == "m key '${{ k }}'"
    assert find_expression({"a": [1]}, "m") is None
