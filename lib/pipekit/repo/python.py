"""The Python versions a project supports: its trove classifiers first, else its Python constraint
(``requires-python``, or Poetry's ``python`` dependency) intersected with the CPython versions supported
on the design's date (data/python-versions.yaml)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pipekit.facts.python_versions import load_python_releases
from pipekit.repo.constraints import Constraint, ConstraintError, parse_poetry, parse_specifier
from pipekit.repo.found import Found, assumed, derived
from pipekit.repo.pyproject import Pyproject

_CLASSIFIER = re.compile(r"Programming Language :: Python :: (3\.[0-9]+)")


@dataclass(frozen=True)
class PythonConstraint:
    """The project's constraint, where it is written (``pyproject.toml [project] requires-python``)."""

    constraint: Constraint
    source: str


def python_constraint(pyproject: Pyproject) -> PythonConstraint | None:
    """[project] requires-python, else [tool.poetry.dependencies] python; None when neither is written.

    ConstraintError when the text cannot be read.
    """
    requires = pyproject.value("project", "requires-python")
    if isinstance(requires, str) and requires.strip():
        return PythonConstraint(parse_specifier(requires), "pyproject.toml [project] requires-python")
    poetry = pyproject.value("tool", "poetry", "dependencies", "python")
    if isinstance(poetry, str) and poetry.strip():
        return PythonConstraint(parse_poetry(poetry), "pyproject.toml [tool.poetry.dependencies] python")
    return None


def _sorted(versions: set[str]) -> tuple[str, ...]:
    return tuple(sorted(versions, key=lambda version: int(version.split(".")[1])))


@dataclass(frozen=True)
class PythonVersions:
    """The versions to test (oldest first) and remarks for the summary (dropped or unsupported ones)."""

    versions: Found[tuple[str, ...]]
    remarks: tuple[str, ...] = ()


def python_versions(pyproject: Pyproject, day: dt.date) -> PythonVersions:
    """The versions the project says it supports, as `pipekit init` proposes them for the test matrix."""
    releases = load_python_releases()
    remarks: list[str] = []
    try:
        constraint = python_constraint(pyproject)
    except ConstraintError as error:
        remarks.append(f"cannot read the Python constraint ({error}); it was left out")
        constraint = None
    for table in ("project", "tool.poetry"):
        classifiers = pyproject.strings(*table.split("."), "classifiers")
        declared = {m.group(1) for text in classifiers if (m := _CLASSIFIER.fullmatch(text.strip()))}
        if not declared:
            continue
        kept = {v for v in declared if constraint is None or constraint.constraint.allows_minor(v)}
        dropped = _sorted(declared - kept)
        if dropped and constraint is not None:
            remarks.append(
                f"classifiers name {', '.join(dropped)}, which {constraint.source} "
                f"({constraint.constraint.text}) excludes; left out"
            )
        if kept:
            ended = [v for v in _sorted(kept) if (r := releases.release(v)) and day >= r.end_of_life]
            if ended:
                remarks.append(f"{', '.join(ended)} reached end of life before {day}; keep or drop them")
            return PythonVersions(
                Found(_sorted(kept), f"pyproject.toml [{table}] classifiers"), tuple(remarks)
            )
    supported = releases.supported_on(day)
    if constraint is None:
        source = f"CPython's supported versions on {day}; the project sets no requires-python"
        return PythonVersions(derived(supported, source), tuple(remarks))
    allowed = {v for v in supported if constraint.constraint.allows_minor(v)}
    source = f"{constraint.source} {constraint.constraint.text!r} and CPython's supported versions on {day}"
    if allowed:
        oldest = min(int(v.split(".")[1]) for v in allowed)
        ended = [
            r.version
            for r in releases.releases
            if r.released
            and r.minor < oldest
            and day >= r.end_of_life
            and constraint.constraint.allows_minor(r.version)
        ]
        if ended:
            remarks.append(
                f"{constraint.source} also allows {', '.join(ended)}, which reached end of life before "
                f"{day}: not proposed"
            )
        return PythonVersions(Found(_sorted(allowed), source), tuple(remarks))
    # Nothing allowed is supported any more: test the newest releases the constraint allows.
    ever = [
        r.version for r in releases.releases if r.released and constraint.constraint.allows_minor(r.version)
    ]
    remarks.append(f"no version {constraint.source} allows is supported on {day}")
    if not ever:
        fallback = supported[-2:]
        remarks.append(f"no released CPython version fits it either; proposing {', '.join(fallback)}")
        return PythonVersions(assumed(fallback, "no released version fits the constraint"), tuple(remarks))
    constraint_source = f"{constraint.source} {constraint.constraint.text!r}"
    return PythonVersions(Found(tuple(ever[-2:]), constraint_source), tuple(remarks))
