"""CPython feature releases and their support windows, from the packaged ``data/python-versions.yaml``.

`pipekit init` proposes the versions a project allows that CPython supports on the design's date. The file
is read with the typed-dataclass machinery (`pipekit.typed`), checked and cached; a malformed entry is a
pipekit bug and raises DataError naming the key path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import Any, Literal

from pipekit.errors import DataError, DesignError
from pipekit.facts.packaged import data_yaml
from pipekit.typed import convert, spec

DATA_FILE = "python-versions.yaml"
MINOR = r"3\.[0-9]+"
DAY_OR_MONTH = r"[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?"


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Entry:
    pep: int = spec(minimum=1)
    first_release: str = spec(pattern=DAY_OR_MONTH, expected="a date YYYY-MM-DD or a month YYYY-MM")
    end_of_life: str = spec(pattern=DAY_OR_MONTH, expected="a date YYYY-MM-DD or a month YYYY-MM")
    released: bool = spec()


@dataclasses.dataclass(frozen=True, kw_only=True)
class _File:
    schema: Literal[1] = spec()
    source: str = spec(pattern=r"https://\S+")
    also: str = spec(pattern=r"https://\S+")
    recorded: dt.date = spec()
    versions: Mapping[str, _Entry] = spec(
        min_items=1, key_pattern=MINOR, key_expected="a version like '3.12'"
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class PythonRelease:
    """One CPython feature release (``3.12``) and its support window."""

    version: str
    pep: int
    first_release: dt.date
    end_of_life: dt.date  # for a month alone, the first day of that month
    end_of_life_text: str  # as the source gives it: ``2029-10`` or ``2025-10-31``
    released: bool

    def supported_on(self, day: dt.date) -> bool:
        """Released by `day` and not yet at its end of life."""
        return self.released and self.first_release <= day < self.end_of_life

    @property
    def minor(self) -> int:
        return int(self.version.split(".")[1])


@dataclasses.dataclass(frozen=True, kw_only=True)
class PythonReleases:
    """Every known feature release, oldest first, and where the table comes from."""

    releases: tuple[PythonRelease, ...]
    source: str
    recorded: dt.date

    def supported_on(self, day: dt.date) -> tuple[str, ...]:
        """The versions CPython supports on `day`, oldest first."""
        return tuple(release.version for release in self.releases if release.supported_on(day))

    def release(self, version: str) -> PythonRelease | None:
        return next((release for release in self.releases if release.version == version), None)

    def known(self) -> tuple[str, ...]:
        return tuple(release.version for release in self.releases)


def _day(text: str, path: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    except ValueError:
        raise DesignError(path, f"{text!r} is not a real date") from None


@functools.cache
def load_python_releases() -> PythonReleases:
    """The packaged table, read and checked on first use."""
    return parse_python_releases(data_yaml(DATA_FILE))


def parse_python_releases(data: Any, source: str = DATA_FILE) -> PythonReleases:
    """The table from its data; DataError naming `source` and the key path otherwise."""
    try:
        raw: _File = convert(_File, data, "")
        releases = []
        for version, entry in raw.versions.items():
            path = f"versions.{version}"
            first = _day(entry.first_release, f"{path}.first_release")
            end = _day(entry.end_of_life, f"{path}.end_of_life")
            if end <= first:
                raise DesignError(
                    f"{path}.end_of_life", f"{entry.end_of_life} is not after the first release"
                )
            releases.append(
                PythonRelease(
                    version=version,
                    pep=entry.pep,
                    first_release=first,
                    end_of_life=end,
                    end_of_life_text=entry.end_of_life,
                    released=entry.released,
                )
            )
        ordered = sorted(releases, key=lambda release: release.minor)
        if [release.version for release in ordered] != list(raw.versions):
            raise DesignError("versions", "list the versions oldest first")
        return PythonReleases(releases=tuple(ordered), source=raw.source, recorded=raw.recorded)
    except DesignError as error:
        raise DataError(
            f"packaged data file {source}: {error.path or '<top level>'}: {error.problem}"
        ) from None


def minor_of(version: str) -> str | None:
    """``3.12`` from a design's Python version (``3.12``, ``3.12.4``, ``pypy3.10``, ``3.13-dev``)."""
    match = re.fullmatch(r"(?:pypy)?(3\.[0-9]+)(?:\.[0-9]+)?(?:-dev)?", version)
    return match.group(1) if match else None
