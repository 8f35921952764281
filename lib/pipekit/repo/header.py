"""The license header: the leading comment lines that at least 80% of the source files share, when they
speak of a copyright or a license (a shared ``# noqa`` or editor line is no header).

A file's leading comment starts after a shebang and an encoding declaration (PEP 263 allows both on the
first two lines), so a header below them still counts.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pipekit.render.scripts import license_headers
from pipekit.repo.found import Found
from pipekit.repo.tree import Tree

SHARE = 0.8
_ENCODING = re.compile(r"[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")  # PEP 263
_LICENSE_WORDS = re.compile(r"(?i)copyright|\(c\)|©|licen[cs]e|spdx|all rights reserved")


def leading_comment(text: str) -> list[str]:
    """The comment lines a file begins with, after a shebang and an encoding declaration."""
    lines = text.splitlines()
    start = 0
    if lines and lines[0].startswith("#!"):
        start = 1
    if len(lines) > start and start < 2 and _ENCODING.match(lines[start]):
        start += 1
    block = []
    for line in lines[start:]:
        if not line.startswith("#"):
            break
        block.append(line)
    return block


def lacks_header(tree: Tree, name: str, header: str) -> bool:
    """Whether the file does not begin with `header`, as the generated header check decides it (the same
    function: render/scripts/license_headers.py, which reads only the top of each file)."""
    return license_headers.lacks_header(str(tree.root / name), header.encode())


@dataclass(frozen=True)
class Header:
    """The header text, how many files have it, and those that do not."""

    text: Found[str]
    files: int
    missing: tuple[str, ...]


def shared_header(texts: Sequence[str]) -> list[str]:
    """The longest run of leading comment lines at least `SHARE` of `texts` begin with ([] for none)."""
    blocks = [leading_comment(text) for text in texts]
    need = max(1, math.ceil(SHARE * len(blocks)))
    best: list[str] = []
    for length in range(1, max((len(block) for block in blocks), default=0) + 1):
        prefixes = Counter(tuple(block[:length]) for block in blocks if len(block) >= length)
        prefix, count = prefixes.most_common(1)[0]
        if count < need:
            break
        best = list(prefix)  # more than half share it, so it extends the shorter one
    return best


def find_header(tree: Tree, source_dirs: Sequence[str]) -> Header | None:
    """The header the project's Python source files share, or None."""
    names = sorted({name for folder in source_dirs for name in tree.python_files(folder)})
    texts = {name: tree.text(name) or "" for name in names}
    lines = shared_header(list(texts.values()))
    if not lines or not any(_LICENSE_WORDS.search(line) for line in lines):
        return None
    text = "\n".join(lines) + "\n"
    missing = tuple(name for name in names if lacks_header(tree, name, text))
    having = len(names) - len(missing)
    source = f"the first {len(lines)} comment line(s) of {having} of {len(names)} source files"
    return Header(Found(text, source), having, missing)


def header_globs(source_dirs: Sequence[str]) -> tuple[str, ...]:
    """The globs the header check covers: every Python file below each source folder."""
    return tuple(
        "**/*.py" if folder in (".", "") else f"{folder.rstrip('/')}/**/*.py" for folder in source_dirs
    )
