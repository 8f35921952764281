"""Writing files atomically: the generated files all or nothing (only the ones pipekit owns), and a
single file such as the design (a temporary beside it, then one rename, so it is never half-written)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from pipekit.errors import OutputError
from pipekit.files import NAMES


def check_out_dir(out_dir: Path) -> Path:
    """The output folder, created if its parent exists; an error names what is wrong."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: --out must be a folder, but this is a file")
    if not out_dir.exists():
        if not out_dir.parent.is_dir():
            raise OutputError(
                f"{out_dir}: the parent folder {out_dir.parent} does not exist; create it first"
            )
        try:
            out_dir.mkdir()
        except OSError as error:
            raise OutputError(f"{out_dir}: cannot create the folder ({error.strerror})") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise OutputError(f"{out_dir}: no permission to write here")
    return out_dir


def _target(out_dir: Path, name: str) -> Path:
    if name not in NAMES or Path(name).name != name:
        raise OutputError(f"{name}: pipekit only writes its own files ({', '.join(NAMES)})")
    target = out_dir / name
    if target.is_symlink():
        resolved = target.resolve()
        if resolved.parent != out_dir.resolve():
            raise OutputError(
                f"{target}: is a symbolic link to {resolved}, outside the output folder; remove the link"
            )
        if resolved.name != name:
            # Writing through it would overwrite the user's file, or another generated file.
            raise OutputError(
                f"{target}: is a symbolic link to {resolved.name}, which pipekit would overwrite "
                "instead; remove the link"
            )
    if target.exists() and target.is_dir():
        raise OutputError(f"{target}: is a folder; pipekit needs to write a file here")
    return target


def write_files(out_dir: Path, files: Mapping[str, str]) -> list[Path]:
    """Write every file that changed, or none: temporaries first, then one rename each (atomic on POSIX).

    Returns the paths written; a file that already holds its text is left alone (its time stamp too).
    On any error before the renames, existing files are untouched.
    """
    out_dir = check_out_dir(out_dir)
    targets = {name: _target(out_dir, name) for name in files}
    staged: list[tuple[Path, Path]] = []
    try:
        for name, text in files.items():
            target = targets[name]
            final = target.resolve() if target.is_symlink() else target
            if _holds(final, text):
                continue
            staged.append((_stage(final, text), final))
        _replace_all(staged)
    except OSError as error:
        raise OutputError(
            f"{out_dir}: cannot write ({error.strerror}); existing files were left as they were"
        ) from None
    finally:
        for temp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
    return [target for _, target in staged]


def _holds(path: Path, text: str) -> bool:
    """Whether the regular file at `path` already holds exactly `text` (as UTF-8)."""
    try:
        return path.is_file() and path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def _stage(target: Path, text: str) -> Path:
    """A temporary file beside `target` holding `text`, synced, with `target`'s permissions."""
    with tempfile.NamedTemporaryFile(
        "w",
        encoding="utf-8",
        newline="\n",
        dir=target.parent,
        prefix=f".{target.name}.",
        suffix=".tmp",
        delete=False,
    ) as handle:
        temp = Path(handle.name)
        try:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
            temp.chmod(target.stat().st_mode & 0o777 if target.exists() else 0o644)
        except BaseException:
            handle.close()
            temp.unlink(missing_ok=True)
            raise
    return temp


def replace_file(path: Path, text: str) -> None:
    """Replace the file at `path` (through a link, the file it points at) with `text`, atomically.

    On any error the file is left as it was and OSError is raised.
    """
    target = path.resolve()
    temp = _stage(target, text)
    try:
        os.replace(temp, target)
    except OSError:
        temp.unlink(missing_ok=True)
        raise


def _replace_all(staged: list[tuple[Path, Path]]) -> None:
    """Rename every temporary over its target; if one rename fails, put the earlier targets back."""
    previous: list[tuple[Path, bytes | None]] = [
        (target, target.read_bytes() if target.exists() else None) for _, target in staged
    ]
    done = 0
    try:
        for temp, target in staged:
            os.replace(temp, target)
            done += 1
    except OSError:
        for target, content in previous[:done]:
            if content is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(content)
        raise
