"""GitHub values as JSON: toJSON() as the runner writes it (Sdk/Functions/ToJson.cs), and data for
`pipekit expand --json` that every JSON reader accepts."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from pipekit.github.json_form import to_json_data, to_json_text

TO_JSON = [
    ({}, "{}"),
    ([], "[]"),
    (None, "null"),
    (True, "true"),
    (2.0, "2"),  # numbers in their "G15" text
    (-0.0, "0"),
    (1e20, "1E+20"),
    (math.inf, "Infinity"),  # bare, as GitHub writes it: not valid JSON
    (
        {"os": "linux", "n": [1, {"a": None}]},
        '{\n  "os": "linux",\n  "n": [\n    1,\n    {\n      "a": null\n    }\n  ]\n}',
    ),
    (
        'quote " slash \\ tab \t nl \n bell \x07 nel \x85 ls \u2028 é',
        '"quote \\" slash \\\\ tab \\t nl \\n bell \\u0007 nel \\u0085 ls \\u2028 é"',
    ),
]


@pytest.mark.parametrize(("value", "text"), TO_JSON)
def test_to_json_text(value: Any, text: str) -> None:
    assert to_json_text(value) == text


def refuse(constant: str) -> None:
    raise AssertionError(f"{constant} is not JSON")


def test_json_data_has_no_infinity_or_nan() -> None:
    matrix = {"limits": [math.inf, -math.inf, math.nan], "n": 2, "x": 0.5, "cfg": {"deep": math.inf}}
    text = json.dumps(to_json_data(matrix), allow_nan=False)
    assert json.loads(text, parse_constant=refuse) == {
        "limits": ["Infinity", "-Infinity", "NaN"],
        "n": 2,
        "x": 0.5,
        "cfg": {"deep": "Infinity"},
    }
