"""The files a check is given: one path or many, each of which must be a file."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from pipekit.errors import InputFileError

PathArg = str | os.PathLike[str]


def as_paths(path_or_paths: PathArg | Iterable[PathArg]) -> list[Path]:
    """One path or an iterable of them, as a list of Paths."""
    if isinstance(path_or_paths, str | os.PathLike):
        return [Path(path_or_paths)]
    return [Path(path) for path in path_or_paths]


def require_files(paths: Iterable[Path]) -> None:
    """Refuse a path that is not a file before any tool runs, so a typo never passes as 'nothing found'."""
    for path in paths:
        if not path.is_file():
            raise InputFileError(f"{path}: no such file")
