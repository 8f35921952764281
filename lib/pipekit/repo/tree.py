"""The files of a repository: what git tracks (and untracked files it does not ignore), or, outside git,
every file below the folder except tool and environment folders."""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

from pipekit.errors import InputFileError

# Never the project's own files: virtual environments, caches, build output, other tools' state.
SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "build",
        "dist",
        "site-packages",
        ".eggs",
    }
)
MAX_TEXT_BYTES = 2_000_000


class Tree:
    """A repository folder and its files as relative POSIX paths, sorted."""

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise InputFileError(f"{root}: --repo must be a folder")
        self.root = root

    @functools.cached_property
    def files(self) -> tuple[str, ...]:
        listed = _git_files(self.root)
        return tuple(sorted(listed if listed is not None else _walk(self.root)))

    def exists(self, relative: str) -> bool:
        return (self.root / relative).exists()

    def is_file(self, relative: str) -> bool:
        return (self.root / relative).is_file()

    def is_dir(self, relative: str) -> bool:
        return (self.root / relative).is_dir()

    def text(self, relative: str) -> str | None:
        """The file's text (undecodable bytes replaced), or None when it is missing, unreadable or huge."""
        path = self.root / relative
        try:
            if not path.is_file() or path.stat().st_size > MAX_TEXT_BYTES:
                return None
            return path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return None

    def python_files(self, under: str = ".") -> list[str]:
        """The ``.py`` files below the folder `under` (``.``: all of them)."""
        prefix = "" if under in (".", "") else under.rstrip("/") + "/"
        return [name for name in self.files if name.endswith(".py") and name.startswith(prefix)]


def _git_files(root: Path) -> list[str] | None:
    """What git lists for the folder, or None when it is not in a git work tree (or git is missing)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    names = [name for name in done.stdout.decode("utf-8", errors="replace").split("\0") if name]
    # A file deleted but not yet committed is still in the index.
    return sorted({name for name in names if (root / name).is_file()})


def _walk(root: Path) -> list[str]:
    found: list[str] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED_FOLDERS)
        base = Path(folder).relative_to(root)
        found += [(base / name).as_posix() for name in names]
    return found
