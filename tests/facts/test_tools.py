"""Python tools the workflows install: each pinned to exactly one release."""

from __future__ import annotations

import re

import pytest

from pipekit.errors import DataError
from pipekit.facts import tools


@pytest.mark.parametrize(
    ("tool", "requirement"),
    [
        ("pip-audit", "pip-audit==2.10.1"),
        ("bandit", "bandit[sarif]==1.9.4"),
        ("pip-licenses", "pip-licenses==5.5.5"),
    ],
)
def test_each_tool_is_pinned_to_one_release(tool: str, requirement: str) -> None:
    assert tools.requirement(tool) == requirement
    assert re.fullmatch(r"[a-z-]+(\[[a-z]+\])?==[0-9.]+", requirement)


def test_unknown_tool_is_a_data_error() -> None:
    with pytest.raises(DataError, match="no pin for semgrep"):
        tools.requirement("semgrep")
