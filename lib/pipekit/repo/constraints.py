"""Python version constraints: PEP 440 specifiers (``requires-python``) and Poetry's constraint syntax
(``python = "^3.11"``), asked one question: does some release of a minor version (``3.12``) satisfy it?

PEP 440 (packaging.python.org, "Version specifiers") defines the operators; Poetry's own syntax (python-
poetry.org/docs/dependency-specification) adds ``^``, ``~``, bare versions, ``*``, spaces or commas for
"and", and ``||`` for "or". Only final releases are candidates, so the pre- and post-release rules of
``<`` and ``>`` never apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Release = tuple[int, ...]

# Micro releases tried per minor version: CPython's longest-lived branches reach about 3.x.20.
MICRO_RANGE = range(100)
_CLAUSE = re.compile(r"\s*(===|==|!=|~=|<=|>=|<|>|\^|~|=)?\s*([0-9]+(?:\.[0-9]+)*(?:\.\*)?|\*)\s*")


class ConstraintError(ValueError):
    """A constraint pipekit cannot read; the message says which part."""


@dataclass(frozen=True)
class Clause:
    operator: str  # a PEP 440 operator after Poetry's are rewritten: == != ~= <= >= < > ===
    version: Release
    wildcard: bool = False  # ``==3.11.*``

    def allows(self, release: Release) -> bool:
        return _OPERATORS[self.operator](release, self)


@dataclass(frozen=True)
class Constraint:
    """Alternatives (or) of clause lists (and), and the text they were read from."""

    text: str
    alternatives: tuple[tuple[Clause, ...], ...]

    def allows(self, release: Release) -> bool:
        return any(all(clause.allows(release) for clause in clauses) for clauses in self.alternatives)

    def allows_minor(self, version: str) -> bool:
        """Whether some final release ``version.N`` satisfies the constraint."""
        major, minor = (int(part) for part in version.split(".")[:2])
        return any(self.allows((major, minor, micro)) for micro in MICRO_RANGE)


def _padded(release: Release, length: int) -> Release:
    return release + (0,) * (length - len(release))


def _compare(release: Release, version: Release) -> int:
    length = max(len(release), len(version))
    left, right = _padded(release, length), _padded(version, length)
    return (left > right) - (left < right)


def _equal(release: Release, clause: Clause) -> bool:
    if clause.wildcard:
        return _padded(release, len(clause.version))[: len(clause.version)] == clause.version
    return _compare(release, clause.version) == 0


def _compatible(release: Release, clause: Clause) -> bool:
    prefix = Clause("==", clause.version[:-1], wildcard=True)
    return _compare(release, clause.version) >= 0 and _equal(release, prefix)


_OPERATORS: dict[str, Callable[[Release, Clause], bool]] = {
    "==": _equal,
    "===": _equal,  # arbitrary equality: the same for plain release numbers
    "!=": lambda release, clause: not _equal(release, clause),
    "~=": _compatible,
    "<=": lambda release, clause: _compare(release, clause.version) <= 0,
    ">=": lambda release, clause: _compare(release, clause.version) >= 0,
    "<": lambda release, clause: _compare(release, clause.version) < 0,
    ">": lambda release, clause: _compare(release, clause.version) > 0,
}


def _release(text: str) -> Release:
    return tuple(int(part) for part in text.split("."))


def _clause(operator: str, version: str, text: str) -> Clause:
    wildcard = version.endswith(".*")
    numbers = _release(version.removesuffix(".*"))
    if wildcard and operator not in ("==", "!="):
        raise ConstraintError(f"{text!r}: a wildcard only goes with == or !=")
    if operator == "~=" and len(numbers) < 2:
        raise ConstraintError(f"{text!r}: ~= needs at least two version parts")
    return Clause(operator, numbers, wildcard)


def parse_specifier(text: str) -> Constraint:
    """A PEP 440 specifier set such as ``>=3.10,!=3.11.*,<4``."""
    clauses = []
    for part in text.split(","):
        if not part.strip():
            continue
        match = _CLAUSE.fullmatch(part)
        if match is None or match.group(1) in (None, "^", "~", "=") or match.group(2) == "*":
            raise ConstraintError(f"{part.strip()!r} is not a PEP 440 version specifier")
        clauses.append(_clause(match.group(1), match.group(2), part.strip()))
    return Constraint(text, (tuple(clauses),))


def parse_poetry(text: str) -> Constraint:
    """A Poetry constraint such as ``^3.11``, ``>=3.9 <3.13`` or ``~3.10 || ^3.12``."""
    alternatives = []
    for alternative in text.split("||"):
        clauses: list[Clause] = []
        rest = alternative.replace(",", " ")
        for match in re.finditer(r"(?:===|==|!=|~=|<=|>=|<|>|\^|~|=)?\s*[^\s]+", rest):
            clauses += _poetry_clauses(match.group(0).strip())
        alternatives.append(tuple(clauses))
    return Constraint(text, tuple(alternatives))


def _poetry_clauses(part: str) -> list[Clause]:
    match = _CLAUSE.fullmatch(part)
    if match is None:
        raise ConstraintError(f"{part!r} is not a Poetry version constraint")
    operator, version = match.group(1) or "", match.group(2)
    if version == "*":
        if operator not in ("", "=", "=="):
            raise ConstraintError(f"{part!r} is not a Poetry version constraint")
        return []
    if operator in ("^", "~"):
        if version.endswith(".*"):
            raise ConstraintError(f"{part!r}: {operator} takes a version without a wildcard")
        numbers = _release(version)
        if operator == "^":
            # The first non-zero part may not change: ^3.11 is >=3.11,<4.0.0.
            index = next((i for i, number in enumerate(numbers) if number != 0), len(numbers) - 1)
        else:
            # ~3.11 and ~3.11.2 allow later micro releases of 3.11; ~3 allows 3.x.
            index = min(1, len(numbers) - 1)
        upper = (*numbers[:index], numbers[index] + 1)
        return [Clause(">=", numbers), Clause("<", upper)]
    return [_clause({"": "==", "=": "=="}.get(operator, operator), version, part)]
