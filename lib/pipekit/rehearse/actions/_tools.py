"""Tools installed once into `places.tools` and reused by every later rehearsal.

A tool (a pinned uv, an interpreter's seed of pip) is installed into its own folder under a lock, and a
marker file written last says the install finished: a rehearsal stopped half-way leaves no marker, so the
next one starts that folder again instead of using a broken tool. Jobs of one rehearsal may run at once,
hence the lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

DONE = ".pipekit-installed"  # written last into a finished tool folder; holds what was installed


@contextlib.contextmanager
def locked(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_file` (created if missing) for the block."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def installed_once(folder: Path, what: str, install: Callable[[Path], None]) -> bool:
    """Make `folder` with `install(folder)` unless a finished install of `what` is there already.

    Returns whether it installed now (False: reused). A folder without the marker, or whose marker names
    something else, is removed and made again."""
    marker = folder / DONE
    if _finished(marker, what):
        return False
    with locked(folder.with_name(folder.name + ".lock")):
        if _finished(marker, what):
            return False
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        try:
            install(folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        marker.write_text(what + "\n", encoding="utf-8")
    return True


def _finished(marker: Path, what: str) -> bool:
    try:
        return marker.read_text(encoding="utf-8").strip() == what
    except OSError:
        return False
