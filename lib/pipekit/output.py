"""Writing generated files: all or nothing, atomically, only the files pipekit owns."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from pipekit.errors import OutputError

OWNED_FILES: tuple[str, ...] = (
    "test.yaml",
    "build.yaml",
    "security.yaml",
    "license-compliance.yaml",
    "deploy.yaml",
    ".gitleaks.toml",
)


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
    if name not in OWNED_FILES or Path(name).name != name:
        raise OutputError(f"{name}: pipekit only writes its own files ({', '.join(OWNED_FILES)})")
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
    """Write every file or none: temporaries first, then one rename each (atomic on POSIX).

    Returns the paths written. On any error before the renames, existing files are untouched.
    """
    out_dir = check_out_dir(out_dir)
    targets = {name: _target(out_dir, name) for name in files}
    staged: list[tuple[Path, Path]] = []
    try:
        for name, text in files.items():
            target = targets[name]
            with tempfile.NamedTemporaryFile(
                "w",
                encoding="utf-8",
                newline="\n",
                dir=out_dir,
                prefix=f".{name}.",
                suffix=".tmp",
                delete=False,
            ) as handle:
                temp = Path(handle.name)
                staged.append((temp, target.resolve() if target.is_symlink() else target))
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            temp.chmod(target.stat().st_mode & 0o777 if target.exists() else 0o644)
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
