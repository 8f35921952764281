"""The Python versions `pipekit init` proposes: trove classifiers first, else requires-python (or Poetry's
python dependency) intersected with what CPython supports on the design's date."""

from __future__ import annotations

import datetime as dt
import tomllib

from pipekit.repo.pyproject import Pyproject
from pipekit.repo.python import python_versions

DAY = dt.date(2026, 11, 27)


def pyproject(text: str) -> Pyproject:
    return Pyproject(tomllib.loads(text), exists=True)


def test_classifiers_come_first() -> None:
    found = python_versions(
        pyproject(
            '[project]\nrequires-python = ">=3.10"\nclassifiers = [\n'
            '  "Programming Language :: Python :: 3",\n'
            '  "Programming Language :: Python :: 3.12",\n'
            '  "Programming Language :: Python :: 3.11",\n'
            '  "Programming Language :: Python :: 3 :: Only",\n]\n'
        ),
        DAY,
    )
    assert found.versions.value == ("3.11", "3.12")
    assert found.versions.comment == "from pyproject.toml [project] classifiers"
    assert found.remarks == ()


def test_poetry_classifiers_and_an_ended_version() -> None:
    found = python_versions(
        pyproject(
            '[tool.poetry]\nclassifiers = ["Programming Language :: Python :: 3.10", '
            '"Programming Language :: Python :: 3.11"]\n'
            '[tool.poetry.dependencies]\npython = "^3.10"\n'
        ),
        DAY,
    )
    assert found.versions.value == ("3.10", "3.11")
    assert found.versions.source == "pyproject.toml [tool.poetry] classifiers"
    assert found.remarks == ("3.10 reached end of life before 2026-11-27; keep or drop them",)


def test_classifiers_the_constraint_excludes_are_left_out() -> None:
    found = python_versions(
        pyproject(
            '[project]\nrequires-python = ">=3.11"\nclassifiers = ["Programming Language :: Python :: 3.10", '
            '"Programming Language :: Python :: 3.11"]\n'
        ),
        DAY,
    )
    assert found.versions.value == ("3.11",)
    assert found.remarks == (
        "classifiers name 3.10, which pyproject.toml [project] requires-python (>=3.11) excludes; left out",
    )


def test_requires_python_meets_the_supported_versions() -> None:
    found = python_versions(pyproject('[project]\nrequires-python = ">=3.12"\n'), DAY)
    assert found.versions.value == ("3.12", "3.13", "3.14")
    assert found.versions.comment == (
        "from pyproject.toml [project] requires-python '>=3.12' "
        "and CPython's supported versions on 2026-11-27"
    )


def test_poetry_python_dependency_without_classifiers() -> None:
    found = python_versions(pyproject('[tool.poetry.dependencies]\npython = ">=3.11,<3.13"\n'), DAY)
    assert found.versions.value == ("3.11", "3.12")
    assert found.versions.source.startswith("pyproject.toml [tool.poetry.dependencies] python '>=3.11,<3.13'")


def test_no_constraint_proposes_every_supported_version() -> None:
    found = python_versions(Pyproject(), DAY)
    assert found.versions.value == ("3.11", "3.12", "3.13", "3.14")
    assert (
        found.versions.comment
        == "CPython's supported versions on 2026-11-27; the project sets no requires-python"
    )


def test_a_constraint_only_ended_versions_meet() -> None:
    found = python_versions(pyproject('[project]\nrequires-python = ">=3.8,<3.10"\n'), DAY)
    assert found.versions.value == ("3.8", "3.9")
    assert found.remarks == (
        "no version pyproject.toml [project] requires-python allows is supported on 2026-11-27",
    )


def test_an_unreadable_constraint_is_a_remark() -> None:
    found = python_versions(pyproject('[project]\nrequires-python = "3.12 or so"\n'), DAY)
    assert found.versions.value == ("3.11", "3.12", "3.13", "3.14")
    assert found.remarks[0].startswith("cannot read the Python constraint")


def test_ended_versions_the_constraint_allows_are_named() -> None:
    found = python_versions(pyproject('[project]\nrequires-python = ">=3.9"\n'), DAY)
    assert found.versions.value == ("3.11", "3.12", "3.13", "3.14")
    assert found.remarks == (
        "pyproject.toml [project] requires-python also allows 3.9, 3.10, which reached end of life before "
        "2026-11-27: not proposed",
    )
