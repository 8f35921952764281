"""The CPython release table (data/python-versions.yaml): dates as the Python release cycle gives them
(peps.python.org/api/release-cycle.json, recorded 2026-11-29), and which versions are supported on a day."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from pipekit.errors import DataError
from pipekit.facts.packaged import data_yaml
from pipekit.facts.python_versions import load_python_releases, minor_of, parse_python_releases


def raw() -> Any:
    return copy.deepcopy(data_yaml("python-versions.yaml"))


def test_the_table_reads_and_names_its_source() -> None:
    table = load_python_releases()
    assert table.source == "https://peps.python.org/api/release-cycle.json"
    assert table.known()[:2] == ("3.7", "3.8")
    eleven = table.release("3.11")
    assert eleven is not None
    assert (eleven.pep, eleven.first_release, eleven.end_of_life_text) == (
        664,
        dt.date(2022, 10, 24),
        "2027-10",
    )


@pytest.mark.parametrize(
    ("day", "supported"),
    [
        # 3.9's end of life was 2025-10-31; 3.14 came out on 2025-10-07.
        (dt.date(2025, 10, 30), ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14")),
        (dt.date(2025, 10, 31), ("3.10", "3.11", "3.12", "3.13", "3.14")),
        # 3.10's end of life is given as a month (2026-10): not proposed from its first day.
        (dt.date(2026, 10, 1), ("3.11", "3.12", "3.13", "3.14")),
        # 3.15 was scheduled for 2026-10-01 but listed as a prerelease when the table was read.
        (dt.date(2026, 11, 27), ("3.11", "3.12", "3.13", "3.14")),
    ],
)
def test_supported_on_a_day(day: dt.date, supported: tuple[str, ...]) -> None:
    assert load_python_releases().supported_on(day) == supported


@pytest.mark.parametrize(
    ("version", "minor"), [("3.12", "3.12"), ("3.12.4", "3.12"), ("pypy3.10", "3.10"), ("3.14-dev", "3.14")]
)
def test_minor_of_a_design_version(version: str, minor: str) -> None:
    assert minor_of(version) == minor


def test_a_malformed_entry_names_its_key_path() -> None:
    data = raw()
    data["versions"]["3.12"]["end_of_life"] = "soon"
    with pytest.raises(
        DataError, match=r"versions\.3\.12\.end_of_life: expected a date YYYY-MM-DD or a month"
    ):
        parse_python_releases(data)


def test_an_end_before_the_start_is_refused() -> None:
    data = raw()
    data["versions"]["3.12"]["end_of_life"] = "2020-01-01"
    with pytest.raises(DataError, match=r"versions\.3\.12\.end_of_life: 2020-01-01 is not after"):
        parse_python_releases(data)


def test_versions_must_be_listed_oldest_first() -> None:
    data = raw()
    data["versions"] = dict(reversed(list(data["versions"].items())))
    with pytest.raises(DataError, match="oldest first"):
        parse_python_releases(data)
