"""A value read from a repository, with where it was read: the comment `pipekit init` writes beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

T = TypeVar("T")
U = TypeVar("U")

Kind = Literal["read", "assumed", "derived"]


@dataclass(frozen=True)
class Found(Generic[T]):
    """`value` and its `source`: a file and the place in it (``pyproject.toml [tool.poetry] packages``,
    ``git: origin/HEAD``) for a value read; why, for one assumed or derived from other values."""

    value: T
    source: str
    kind: Kind = "read"

    def with_value(self, value: U) -> Found[U]:
        """The same source for `value` (a list for a tuple, as a design file holds it)."""
        return Found(value, self.source, self.kind)

    @property
    def assumed(self) -> bool:
        return self.kind == "assumed"

    @property
    def comment(self) -> str:
        """The YAML comment: ``from <file>``, ``assumed: <why>``, or the reason itself."""
        return {"read": f"from {self.source}", "assumed": f"assumed: {self.source}", "derived": self.source}[
            self.kind
        ]


def assumed(value: T, why: str) -> Found[T]:
    """A value no file gives."""
    return Found(value, why, "assumed")


def derived(value: T, why: str) -> Found[T]:
    """A value that follows from others, or from a file's absence (``no Dockerfile in the repository``)."""
    return Found(value, why, "derived")
