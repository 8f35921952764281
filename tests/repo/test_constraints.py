"""Python version constraints, asked whether some release of a minor version satisfies them.

PEP 440 specifiers are checked against `packaging`, the reference implementation pip uses, on every final
release 3.x.0 to 3.x.30; Poetry's own operators against its documentation (python-poetry.org/docs/
dependency-specification: "Caret requirements", "Tilde requirements", "Wildcard requirements",
"Multiple requirements")."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from pipekit.repo.constraints import ConstraintError, parse_poetry, parse_specifier

SPECIFIERS = [
    ">=3.11",
    ">3.11",
    ">3.11.4",
    "<3.13",
    "<=3.12",
    "<=3.12.1",
    "==3.12",
    "==3.12.*",
    "!=3.12.*",
    "!=3.12",
    "~=3.10",
    "~=3.10.4",
    ">=3.9,<3.12,!=3.10.*",
    ">=3.10, <4",
    "===3.11.2",
    ">= 3.11",
]


@pytest.mark.parametrize("text", SPECIFIERS)
def test_pep440_agrees_with_packaging(text: str) -> None:
    ours, reference = parse_specifier(text), SpecifierSet(text)
    for minor in range(6, 16):
        for micro in range(31):
            release = (3, minor, micro)
            assert ours.allows(release) == (Version(f"3.{minor}.{micro}") in reference), (text, release)


@pytest.mark.parametrize(
    ("text", "minors"),
    [
        (">=3.11", {"3.11", "3.12", "3.13"}),
        (">3.11", {"3.11", "3.12", "3.13"}),  # 3.11.1 is after 3.11 (3.11.0)
        ("<3.12", {"3.10", "3.11"}),
        ("<=3.12.1", {"3.10", "3.11", "3.12"}),
        ("!=3.12.*", {"3.10", "3.11", "3.13"}),
        ("~=3.11", {"3.11", "3.12", "3.13"}),
        ("~=3.11.2", {"3.11"}),
    ],
)
def test_a_minor_version_is_allowed_when_one_of_its_releases_is(text: str, minors: set[str]) -> None:
    constraint = parse_specifier(text)
    assert {f"3.{m}" for m in range(10, 14) if constraint.allows_minor(f"3.{m}")} == minors


@pytest.mark.parametrize(
    ("text", "minors"),
    [
        ("^3.11", {"3.11", "3.12", "3.13", "3.14"}),  # >=3.11,<4.0.0
        ("~3.11", {"3.11"}),  # >=3.11,<3.12
        ("~3.11.2", {"3.11"}),
        ("~3", {"3.10", "3.11", "3.12", "3.13", "3.14"}),
        ("3.12.*", {"3.12"}),
        ("3.12", {"3.12"}),
        ("*", {"3.10", "3.11", "3.12", "3.13", "3.14"}),
        (">=3.11 <3.13", {"3.11", "3.12"}),
        (">=3.11,<3.13", {"3.11", "3.12"}),
        ("~3.10 || ^3.13", {"3.10", "3.13", "3.14"}),
        (">= 3.12", {"3.12", "3.13", "3.14"}),
        ("!=3.12.*,>=3.11", {"3.11", "3.13", "3.14"}),
    ],
)
def test_poetry_constraints(text: str, minors: set[str]) -> None:
    constraint = parse_poetry(text)
    assert {f"3.{m}" for m in range(10, 15) if constraint.allows_minor(f"3.{m}")} == minors


@pytest.mark.parametrize("text", ["^3.11", "~3.11", "3.*", "3.11", "banana"])
def test_poetry_syntax_is_not_pep440(text: str) -> None:
    with pytest.raises(ConstraintError):
        parse_specifier(text)


@pytest.mark.parametrize("text", ["banana", ">=3.*", "^3.*"])
def test_unreadable_poetry_constraints(text: str) -> None:
    with pytest.raises(ConstraintError):
        parse_poetry(text)
