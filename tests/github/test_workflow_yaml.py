"""Workflow files read as GitHub's workflow parser reads them: scalars by YamlObjectReader.cs, keys by
TemplateReader.cs (actions/runner src/Sdk/WorkflowParser)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from pipekit.errors import InputFileError
from pipekit.github.workflow_yaml import load_workflow


def read(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "ci.yml"
    path.write_text(text, encoding="utf-8")
    return load_workflow(str(path))


def read_value(tmp_path: Path, written: str) -> Any:
    return read(tmp_path, f"value: {written}\n")["value"]


# written -> value (YamlObjectReader.AllowLiteral, MatchNull, MatchBoolean, MatchInteger, MatchFloat)
SCALARS = [
    ("~", None),
    ("null", None),
    ("NULL", None),
    ("", None),
    ("nULL", "nULL"),
    ("true", True),
    ("TRUE", True),
    ("False", False),
    ("yes", "yes"),
    ("on", "on"),
    ("off", "off"),
    ("y", "y"),
    ("007", 7),
    ("+12", 12),
    ("-0", -0.0),
    ("0x1F", 31),
    ("0xFFFFFFFF", -1),  # Int32.TryParse(AllowHexSpecifier): two's complement
    ("0x7FFFFFFF", 2147483647),
    ("0o17", 15),
    ("0o37777777777", -1),  # Convert.ToInt32(text, 8)
    ("0X1F", "0X1F"),
    ("0x", "0x"),
    ("0b101", "0b101"),
    ("1_000", "1_000"),
    ("3.10", 3.1),
    ("1.", 1),
    (".5", 0.5),
    ("-.5e-1", -0.05),
    ("1e3", 1000),
    ("1E+20", 1e20),
    ("1e", "1e"),
    ("1:30", "1:30"),
    (".inf", math.inf),
    ("+.Inf", math.inf),
    ("-.INF", -math.inf),
    ("12345678901234567890", 12345678901234567890.0),  # a double, not the integer written
    ("9" * 400, math.inf),  # .NET Core's Double.TryParse: beyond the double range is infinite
    ("'007'", "007"),
    ('"true"', "true"),
    ("!!str 007", "007"),
    ("!!str", ""),
    ("!!float 1", 1),
    ("!!int 0x10", 16),
    ("!!bool TRUE", True),
    ("!!null ~", None),
    ("!<tag:yaml.org,2002:str> 5", "5"),
    ("|\n  text\n", "text\n"),
]


@pytest.mark.parametrize(("written", "value"), SCALARS)
def test_scalars(tmp_path: Path, written: str, value: Any) -> None:
    read_back = read_value(tmp_path, written)
    assert read_back == value
    assert type(read_back) is type(value)


def test_nan(tmp_path: Path) -> None:
    assert math.isnan(read_value(tmp_path, ".NaN"))
    assert read_value(tmp_path, "-.nan") == "-.nan"


def test_minus_zero_keeps_its_sign(tmp_path: Path) -> None:
    assert math.copysign(1, read_value(tmp_path, "-0")) == -1


# written -> the error: YamlObjectReader refuses other tags on a value, a typed tag on a quoted value, a
# value its tag does not match, and hex or octal past 32 bits (ThrowInvalidValue)
REFUSED_SCALARS = [
    ("!!binary aGVsbG8=", "GitHub does not accept the tag !!binary on a value"),
    ("!!timestamp 2026-02-01", "GitHub does not accept the tag !!timestamp on a value"),
    ("!custom x", "GitHub does not accept the tag !custom on a value"),
    ("!!python/name:os.system ''", "GitHub does not accept the tag !!python/name:os.system on a value"),
    ('!!int "5"', "the tag !!int needs a plain value"),
    ("!!int 1.5", "'1.5' is not a valid !!int value"),
    ("!!bool yes", "'yes' is not a valid !!bool value"),
    ("!!null 0", "'0' is not a valid !!null value"),
    ("!!float 0x10", "'0x10' is not a valid !!float value"),
    ("0x100000000", "'0x100000000' is not a valid !!int value: GitHub reads it as a 32-bit integer"),
    ("0o40000000000", "'0o40000000000' is not a valid !!int value"),
]


@pytest.mark.parametrize(("written", "message"), REFUSED_SCALARS)
def test_refused_scalars(tmp_path: Path, written: str, message: str) -> None:
    with pytest.raises(InputFileError) as info:
        read_value(tmp_path, written)
    assert f"ci.yml: line 1, column 8: {message}" in str(info.value)


def test_tags_on_mappings_and_sequences_are_ignored(tmp_path: Path) -> None:
    text = "a: !!set {x, y}\nb: !!omap [{k: 1}, {j: 2}]\nc: !custom [1]\nd: !!map {e: f}\n"
    assert read(tmp_path, text) == {
        "a": {"x": None, "y": None},
        "b": [{"k": 1}, {"j": 2}],
        "c": [1],
        "d": {"e": "f"},
    }


def test_keys_become_text(tmp_path: Path) -> None:
    # TemplateReader (lines 209-213): a key that is not a string becomes its ToString(): NumberToken "G15",
    # BooleanToken true/false, NullToken ''
    data = read(tmp_path, "1: a\ntrue: b\n3.10: c\n~: d\n1e3: e\n0x10: f\n-0: g\n.inf: h\n")
    assert list(data.items()) == [
        ("1", "a"),
        ("true", "b"),
        ("3.1", "c"),
        ("", "d"),
        ("1000", "e"),
        ("16", "f"),
        ("-0", "g"),
        ("Infinity", "h"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "os: a\nOS: b\n",
            "line 2, column 1: duplicate key 'OS' (GitHub ignores case: it is 'os' of line 1)",
        ),
        ("a: 1\na: 2\n", "line 2, column 1: duplicate key 'a'; YAML keeps only the last one"),
        ("1: a\n'1': b\n", "line 2, column 1: duplicate key '1'"),
        ("3.10: a\n3.1: b\n", "line 2, column 1: duplicate key '3.1'"),
        ("true: a\nTrue: b\n", "duplicate key 'true'"),
        (
            "ß: a\nSS: b\nss: c\n",
            "line 3, column 1: duplicate key 'ss' (GitHub ignores case: it is 'SS' of line 2)",
        ),
        ("? [a]\n: b\n", "line 1, column 3: a mapping key must be a single value"),
    ],
)
def test_refused_keys(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputFileError) as info:
        read(tmp_path, text)
    assert message in str(info.value)


def test_expression_keys_are_not_folded(tmp_path: Path) -> None:
    # TemplateReader keeps every key that holds an expression: only literal keys can clash
    assert list(read(tmp_path, "${{ a }}: 1\n${{ A }}: 2\n")) == ["${{ a }}", "${{ A }}"]


def test_merge_keys_are_ordinary_keys(tmp_path: Path) -> None:
    # YamlDotNet's parser reads anchors and aliases but gives `<<` no meaning
    assert read(tmp_path, "base: &b {x: 1}\nuse:\n  <<: *b\n") == {"base": {"x": 1}, "use": {"<<": {"x": 1}}}


@pytest.mark.parametrize(("extra", "refused"), [(1, False), (2, True)])
def test_event_limit_counts_what_aliases_repeat(tmp_path: Path, extra: int, refused: bool) -> None:
    # YamlObjectReader.MoveNext (lines 420-425): more than 50,000 events is an error. Here: stream and
    # document start and end (4), the mapping (2), its key (1), the outer sequence (2), the inner one (2 and
    # its 24,993 scalars) twice through the alias, and `extra` scalars: 50,000 with one, 50,001 with two
    text = "k: [&a [" + ",".join(["1"] * 24_993) + "], *a" + ",1" * extra + "]\n"
    path = tmp_path / "ci.yml"
    path.write_text(text, encoding="utf-8")
    if refused:
        with pytest.raises(InputFileError, match="50,001 YAML events once anchors are expanded"):
            load_workflow(str(path))
    else:
        assert len(load_workflow(str(path))["k"]) == 2 + extra
