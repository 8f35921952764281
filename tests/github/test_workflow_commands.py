"""Workflow commands escaped as @actions/core's command.ts does, read back as the runner reads them."""

from __future__ import annotations

import pytest

from pipekit.github import workflow_commands
from pipekit.rehearse.runner import _DATA_ESCAPES, _PROPERTY_ESCAPES, _unescape


@pytest.mark.parametrize("text", ["plain", "a:b,c", "50% done", "two\nlines\r\n", "%3A literal"])
def test_a_property_survives_the_runners_unescaping(text: str) -> None:
    # the rehearsal's port of the runner's ActionCommand unescaping
    assert _unescape(workflow_commands.escape_property(text), _PROPERTY_ESCAPES) == text
    assert _unescape(workflow_commands.escape_data(text), _DATA_ESCAPES) == text


def test_an_error_with_a_file_and_a_title() -> None:
    line = workflow_commands.error("x: 1%\nnext", file="a,b.yaml", title="pipekit check")
    assert line == "::error file=a%2Cb.yaml,title=pipekit check::x: 1%25%0Anext"


def test_an_error_without_properties() -> None:
    assert workflow_commands.error("plain") == "::error::plain"
