"""GitHub's expression values, each rule against the runner source it comes from (actions/runner
src/Sdk/Expressions: EvaluationResult.cs, Sdk/ExpressionUtility.cs, Sdk/Operators/Index.cs)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from pipekit.github.values import (
    as_number,
    greater_than,
    index_value,
    is_truthy,
    less_than,
    loose_equal,
    number_text,
    parse_number,
    to_text,
    trim,
)

SAME_LIST: list[Any] = ["a"]
SAME_OBJECT: dict[str, Any] = {"a": 1}

# EvaluationResult.IsFalsy (lines 51-72): null, false, 0, NaN and '' are falsy; everything else is truthy
TRUTHINESS = [
    (None, False),
    (False, False),
    (0, False),
    (-0.0, False),
    (math.nan, False),
    ("", False),
    (True, True),
    (0.5, True),
    (math.inf, True),
    ("0", True),
    ("false", True),
    (" ", True),
    ([], True),
    ({}, True),
]


@pytest.mark.parametrize(("value", "truthy"), TRUTHINESS)
def test_truthiness(value: Any, truthy: bool) -> None:
    assert is_truthy(value) is truthy


# EvaluationResult.AbstractEqual (lines 233-278) after CoerceTypes (lines 366-403): strings ignore case
# (OrdinalIgnoreCase, one character at a time); a number and a string compare as numbers; booleans and null
# become numbers; arrays and objects equal only themselves
EQUALITY = [
    ("abc", "ABC", True),
    ("ß", "SS", False),
    ("straße", "STRAßE", True),
    ("3.10", 3.1, True),
    (3.1, "3.10", True),
    (" 5 ", 5, True),
    ("0x10", 16, True),
    ("0o17", 15, True),
    ("1e3", 1000, True),
    ("1_000", 1000, False),
    ("", 0, True),
    ("abc", math.nan, False),
    (math.nan, math.nan, False),
    (math.inf, "Infinity", True),
    (None, None, True),
    (None, 0, True),
    (None, "", True),
    (None, False, True),
    (True, 1, True),
    (True, "1", True),
    (True, "true", False),
    (False, "", True),
    ([], [], False),
    (SAME_LIST, SAME_LIST, True),
    (SAME_OBJECT, SAME_OBJECT, True),
    ({}, "Object", False),
    ([], 0, False),
]


@pytest.mark.parametrize(("left", "right", "equal"), EQUALITY)
def test_loose_equality(left: Any, right: Any, equal: bool) -> None:
    assert loose_equal(left, right) is equal
    assert loose_equal(right, left) is equal


# AbstractGreaterThan / AbstractLessThan (lines 284-362): same coercion; strings by OrdinalIgnoreCase order
ORDER = [
    ("b", "A", True, False),
    ("a", "B", False, True),
    ("abc", "ABD", False, True),
    (2, "10", False, True),
    (True, False, True, False),
    (None, -1, True, False),
    ("a", 1, False, False),  # NaN compares false both ways
    ([], [], False, False),
]


@pytest.mark.parametrize(("left", "right", "greater", "less"), ORDER)
def test_order(left: Any, right: Any, greater: bool, less: bool) -> None:
    assert greater_than(left, right) is greater
    assert less_than(left, right) is less


# ExpressionUtility.ParseNumber: JavaScript's Number() with .NET parsing; 0x and 0o are Int32
PARSED = [
    ("", 0.0),
    ("  12  ", 12.0),
    ("+5", 5.0),
    ("-.5e1", -5.0),
    ("5.", 5.0),
    ("0x1F", 31.0),
    ("0xFFFFFFFF", -1.0),
    ("0x7FFFFFFF", 2147483647.0),
    ("0o37777777777", -1.0),
    ("Infinity", math.inf),
    ("-Infinity", -math.inf),
    ("1e400", math.inf),
]


@pytest.mark.parametrize(("text", "number"), PARSED)
def test_parse_number(text: str, number: float) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["abc", "1_000", "0x100000000", "0X1F", "0x", "1e", "١٢"])
def test_parse_number_gives_nan(text: str) -> None:
    assert math.isnan(parse_number(text))


# ExpressionConstants.NumberFormat "G15" (NumberExpressionData.ToString); ConvertToString writes any zero "0"
NUMBER_TEXTS = [
    (3.0, "3", "3"),
    (3.1, "3.1", "3.1"),
    (1e20, "1E+20", "1E+20"),
    (1e-5, "1E-05", "1E-05"),
    (0.0001, "0.0001", "0.0001"),
    (0.1234567890123456, "0.123456789012346", "0.123456789012346"),
    (123456789012345678, "1.23456789012346E+17", "1.23456789012346E+17"),
    (-0.0, "-0", "0"),
    (math.nan, "NaN", "NaN"),
    (math.inf, "Infinity", "Infinity"),
    (-math.inf, "-Infinity", "-Infinity"),
]


@pytest.mark.parametrize(("number", "g15", "text"), NUMBER_TEXTS)
def test_number_text(number: float, g15: str, text: str) -> None:
    assert number_text(number) == g15
    assert to_text(number) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (True, "true"), (False, "false"), ("x", "x"), ([1], "Array"), ({}, "Object")],
)
def test_to_text(value: Any, text: str) -> None:
    # EvaluationResult.ConvertToString (lines 137-161)
    assert to_text(value) == text


# Index.cs IndexHelper: an object by the index's text (ignoring case), an array by the number rounded down
INDEXING = [
    ({"OS": "linux"}, "os", "linux"),
    ({"1": "one"}, 1, "one"),
    ({"true": "yes"}, True, "yes"),
    ({"": "empty"}, None, "empty"),
    ({"a": 1}, ["a"], None),
    (["a", "b"], 1, "b"),
    (["a", "b"], 1.9, "b"),
    (["a", "b"], "1", "b"),
    (["a", "b"], 2, None),
    (["a", "b"], -1, None),
    (["a", "b"], "x", None),
    ("abc", 0, None),
]


@pytest.mark.parametrize(("container", "index", "value"), INDEXING)
def test_index_value(container: Any, index: Any, value: Any) -> None:
    assert index_value(container, index) == value


def test_as_number_keeps_ints_where_a_double_is_integral() -> None:
    # NumberExpressionData.ToJToken writes integral doubles within Int64 as integers
    assert [type(as_number(x)) for x in (3.0, 1e18, 1e19, 0.5, -0.0, math.inf)] == [
        int,
        int,
        float,
        float,
        float,
        float,
    ]
    assert math.copysign(1, as_number(-0.0)) == -1


def test_trim_is_dotnet_white_space() -> None:
    # .NET's Char.IsWhiteSpace has no \\x1c-\\x1f, which Python's str.isspace has
    assert trim("\u2003\t x \n\xa0") == "x"
    assert trim("\x1cx") == "\x1cx"
