"""yaml_source: a file's data as GitHub reads YAML, and where each value and comment sits."""

from __future__ import annotations

import pytest

from pipekit.check import yaml_source
from pipekit.errors import InputFileError

TEXT = """\
on: push # a comment
jobs:
  build:
    steps:
      - uses: 'actions/checkout@abc' # v1.2.3
      - {uses: x/y@z} #v2
      - run: echo '# not a comment'
"""


def test_data_is_yaml_1_2_and_nodes_know_their_place() -> None:
    source = yaml_source.parse(TEXT, "w.yml")
    assert source.data["on"] == "push"  # YAML 1.1 would read a boolean key
    assert source.root is not None
    assert yaml_source.position(yaml_source.find(source.root, ["jobs", "build"])) == (3, 3)
    step = yaml_source.find(source.root, ["jobs", "build", "steps", 1])
    assert yaml_source.position(step) == (6, 9)


def test_find_stops_at_the_deepest_node_it_reaches() -> None:
    source = yaml_source.parse(TEXT, "w.yml")
    assert source.root is not None
    build = yaml_source.find(source.root, ["jobs", "build"])
    assert yaml_source.find(source.root, ["jobs", "build", "nope", 3]) is build
    steps_key = yaml_source.find(source.root, ["jobs", "build", "steps"])
    assert yaml_source.find(source.root, ["jobs", "build", "steps", 9]) is steps_key
    assert yaml_source.find(source.root, []) is source.root


def test_trailing_comments() -> None:
    source = yaml_source.parse(TEXT, "w.yml")
    _, build = next(yaml_source.jobs(source.root))
    uses = [yaml_source.get(step, "uses") for _, step in yaml_source.steps(build)]
    on = yaml_source.get(source.root, "on")
    assert on is not None and source.trailing_comment(on) == " a comment"
    assert uses[0] is not None and source.trailing_comment(uses[0]) == " v1.2.3"
    assert uses[1] is not None and source.trailing_comment(uses[1]) == "v2"  # after the flow mapping's '}'
    steps = yaml_source.get(yaml_source.get(yaml_source.get(source.root, "jobs"), "build"), "steps")
    run = yaml_source.get(yaml_source.items(steps)[2], "run")
    assert run is not None and source.trailing_comment(run) is None


def test_lines_are_counted_where_yaml_counts_them() -> None:
    # NEL and U+2028 break lines for YAML as for Python
    source = yaml_source.parse("a: 1\x85b: 2\u2028c: 3 # three\r\nd: 4\n", "w.yml")
    c, d = yaml_source.get(source.root, "c"), yaml_source.get(source.root, "d")
    assert c is not None and d is not None
    assert (yaml_source.position(c), yaml_source.position(d)) == ((3, 4), (4, 4))
    assert source.trailing_comment(c) == " three"


def test_refuses_what_pipekit_refuses() -> None:
    with pytest.raises(InputFileError, match="duplicate key"):
        yaml_source.parse("on: push\non: pull_request\n", "w.yml")


def test_error_position() -> None:
    assert yaml_source.error_position("YAML syntax error at line 3, column 1: x") == (3, 1)
    assert yaml_source.error_position("line 7: several YAML documents") == (7, None)
    assert yaml_source.error_position("file is too big") == (None, None)


def test_empty_file() -> None:
    source = yaml_source.parse("", "w.yml")
    assert (source.data, source.root) == (None, None)
    assert list(yaml_source.jobs(source.root)) == []
