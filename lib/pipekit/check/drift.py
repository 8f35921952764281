"""Drift: the generated files on disk against what the design renders, as unified diffs."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

from pipekit import files
from pipekit.errors import InputFileError


def drift(expected: Mapping[str, str], folder: Path) -> list[str]:
    """Unified diffs (or one-line notes) for every generated file that differs from what the design
    renders."""
    problems: list[str] = []
    for name in files.NAMES:
        path = folder / name
        want = expected.get(name)
        try:
            # Undecodable bytes cannot match what the design renders: they show up in the diff.
            have = path.read_bytes().decode("utf-8", errors="replace") if path.is_file() else None
        except OSError as error:
            raise InputFileError(f"{path}: cannot read ({error.strerror})") from None
        if want == have:
            continue
        if have is None:
            problems.append(f"{path}: missing; run `pipekit render` to write it\n")
        elif want is None:
            problems.append(f"{path}: the design no longer produces this file; delete it\n")
        else:
            diff = difflib.unified_diff(
                have.splitlines(keepends=True),
                want.splitlines(keepends=True),
                fromfile=f"{path} (on disk)",
                tofile=f"{path} (from the design)",
            )
            problems.append("".join(diff))
    return problems
