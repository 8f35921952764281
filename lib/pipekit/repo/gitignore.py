"""What pipekit keeps in a repository but never commits, added to its ``.gitignore``: ``.pipekit/``,
where `pipekit history fetch` puts the run-history database.

A line that already ignores the folder (``.pipekit``, ``/.pipekit/``, ``.pipekit/*`` ...) is left as it
is and nothing is added twice; the file is replaced atomically, in its own line endings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipekit.errors import OutputError
from pipekit.write import replace_file

IGNORED: tuple[str, ...] = (".pipekit/",)
COMMENT = "# pipekit's local data (the run-history database)"


def _forms(entry: str) -> set[str]:
    """The lines that ignore the folder `entry` (``.pipekit/``) at the repository's root."""
    name = entry.strip("/")
    return {f"{lead}{name}{tail}" for lead in ("", "/") for tail in ("", "/", "/*", "/**")}


def missing(text: str, entries: Sequence[str] = IGNORED) -> list[str]:
    lines = {line.strip() for line in text.splitlines()}
    return [entry for entry in entries if not lines & _forms(entry)]


def ensure_ignored(root: Path, entries: Sequence[str] = IGNORED) -> list[str]:
    """Add the `entries` the repository's ``.gitignore`` lacks (creating the file); the lines added."""
    path = root / ".gitignore"
    try:
        text = path.read_bytes().decode("utf-8") if path.exists() else ""  # line endings as they are
    except UnicodeDecodeError:
        raise OutputError(f"{path}: not UTF-8 text; add {' '.join(entries)} to it by hand") from None
    except OSError as error:
        raise OutputError(f"{path}: cannot read it ({error.strerror})") from None
    wanted = missing(text, entries)
    if not wanted:
        return []
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith(("\n", "\r")):
        text += newline
    if text:
        text += newline
    text += newline.join([COMMENT, *wanted]) + newline
    try:
        replace_file(path, text)
    except OSError as error:
        raise OutputError(f"{path}: cannot write it ({error.strerror}); nothing was changed") from None
    return wanted
