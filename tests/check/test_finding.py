"""Finding: what a check reports, printed the way compilers and editors print a location."""

from __future__ import annotations

from pipekit.check.finding import Finding


def test_str_names_file_line_column_message_and_rule() -> None:
    finding = Finding(file="a.yml", line=3, column=7, rule="schema", message="$.on: bad")
    assert str(finding) == "a.yml:3:7: $.on: bad [schema]"


def test_str_leaves_out_what_the_authority_does_not_say() -> None:
    assert str(Finding(file="a.yml", line=3, column=None, rule="r", message="m")) == "a.yml:3: m [r]"
    assert str(Finding(file="a.yml", line=None, column=None, rule="r", message="m")) == "a.yml: m [r]"
    # a column alone locates nothing
    assert str(Finding(file="a.yml", line=None, column=4, rule="r", message="m")) == "a.yml: m [r]"
