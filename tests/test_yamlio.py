"""Reading YAML as GitHub does, rejecting broken files, and writing YAML that reads back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipekit import yamlio
from pipekit.errors import InputFileError
from pipekit.yamlio import Commented, dumps, loads, plain


def test_yaml_1_2_scalars_as_github_reads_them() -> None:
    data = loads("on: [push]\nv: [3.10, '3.10', 1:30, yes, off, 0o17, 0x1f, ~, .inf]\n")
    assert data == {"on": ["push"], "v": [3.1, "3.10", "1:30", "yes", "off", 15, 31, None, float("inf")]}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: 1\na: 2\n", "line 2, column 1: duplicate key 'a'"),
        ("a: [1\n", "YAML syntax error at line 2, column 1"),
        ("a: 1\n---\nb: 2\n", "several YAML documents in one file"),
        ("a: *missing\n", "YAML syntax error at line 1"),
        ("a: !!python/object:os.system x\n", "YAML syntax error"),
    ],
)
def test_broken_yaml_names_the_problem(text: str, fragment: str) -> None:
    with pytest.raises(InputFileError, match=r"^x\.yaml: ") as error:
        loads(text, "x.yaml")
    assert fragment in str(error.value)
    assert "\n" not in str(error.value)


def test_alias_bomb_is_refused_without_expanding_it() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(InputFileError, match="alias bomb"):
        loads("\n".join(lines) + "\n", "bomb.yaml")


def test_file_limits(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (yamlio.MAX_FILE_BYTES + 1))
    with pytest.raises(InputFileError, match="over the 1,000,000-byte limit"):
        yamlio.load_file(big)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(InputFileError, match="byte 9 is not valid UTF-8"):
        yamlio.load_file(latin)
    with pytest.raises(InputFileError, match="no such file"):
        yamlio.load_file(tmp_path / "missing.yaml")
    with pytest.raises(InputFileError, match="is a directory"):
        yamlio.load_file(tmp_path)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert yamlio.load_file(empty) is None


TRICKY = [
    "3.10",
    "3.1",
    "on",
    "off",
    "yes",
    "no",
    "true",
    "null",
    "~",
    "",
    "a: b",
    "a #b",
    "*star",
    "&amp",
    "!bang",
    "{brace",
    "[bracket",
    "%pct",
    "@at",
    "`tick",
    "0o17",
    "1e3",
    "1:30",
    "- dash",
    "'quoted'",
    '"double"',
    "trailing ",
    " leading",
    "multi\nline\n",
    "multi\nno newline",
    "tab\tinside\n",
    "${{ github.event.issue.title }}",
]


@pytest.mark.parametrize("value", TRICKY)
def test_strings_stay_strings_for_yaml_1_1_and_1_2_readers(value: str) -> None:
    text = dumps({"key": value, "list": [value], "nested": {"run": value}})
    assert loads(text) == {"key": value, "list": [value], "nested": {"run": value}}
    assert yaml.safe_load(text) == {"key": value, "list": [value], "nested": {"run": value}}


def test_layout_comments_and_block_scalars() -> None:
    data = {
        "name": "CI",
        "on": {"push": {"branches": ["main"]}},
        "permissions": {},
        "jobs": {
            "a": {
                "permissions": {"contents": Commented("read", "check out")},
                "steps": [{"uses": Commented("actions/checkout@abc", "v1.2.3")}, {"run": "echo 1\necho 2\n"}],
            }
        },
    }
    text = dumps(data, header="made by a test")
    assert text.startswith("# made by a test\n\nname: CI\n\non:\n")
    assert "      contents: read # check out\n" in text
    assert "      - uses: actions/checkout@abc # v1.2.3\n" in text
    assert "      - run: |\n          echo 1\n          echo 2\n" in text
    assert "permissions: {}\n" in text
    assert loads(text) == plain(data)


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.text(max_size=30), st.floats(allow_nan=False)
)
keys = st.text(min_size=1, max_size=12)
documents = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, documents, min_size=1, max_size=5))
def test_any_data_reads_back_exactly(data: dict[str, object]) -> None:
    text = dumps(data)
    assert loads(text) == data
    assert dumps(data) == text


@settings(max_examples=500, deadline=None)
@given(st.from_regex(r"[A-Za-z_][A-Za-z0-9_./@-]{0,12}", fullmatch=True))
def test_words_written_plain_are_what_the_emitter_writes(word: str) -> None:
    # The writer skips PyYAML's emitter for name-like words; it must write exactly what the emitter would.
    assert yamlio._scalar(word) == yamlio._string_scalar(word)
    assert loads(f"k: {yamlio._scalar(word)}\n") == {"k": word}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=40))
def test_ascii_printable_check_agrees_with_the_general_rule(text: str) -> None:
    general = all(ch in "\t\n" or ch.isprintable() for ch in text)
    assert yamlio._printable(text) is general
