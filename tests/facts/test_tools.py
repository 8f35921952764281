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
        ("poetry", "poetry==2.5.1"),
        ("uv", "uv==0.13.9"),
        ("pip", "pip==26.0.1"),
    ],
)
def test_each_tool_is_pinned_to_one_release(tool: str, requirement: str) -> None:
    assert tools.requirement(tool) == requirement
    assert re.fullmatch(r"[a-z-]+(\[[a-z]+\])?==[0-9.]+", requirement)


def test_version_is_the_pinned_release() -> None:
    assert tools.version("uv") == "0.13.9"  # what astral-sh/setup-uv's `version` input gets
    assert tools.version("bandit") == "1.9.4"


def test_the_pinned_pip_installs_dependency_groups() -> None:
    """`pip install --group` (PEP 735) arrived in pip 25.1 (pip's 25.1 release notes); the pin is at
    least that. The pin's own metadata says Requires-Python >=3.9 (pip 26.1 and later need 3.10)."""
    major, minor = (int(part) for part in tools.version("pip").split(".")[:2])
    assert (major, minor) >= (25, 1)
    assert (major, minor) < (26, 1)


def test_unknown_tool_is_a_data_error() -> None:
    with pytest.raises(DataError, match="no pin for semgrep"):
        tools.requirement("semgrep")
