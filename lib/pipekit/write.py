"""Writing files atomically: the generated files all or nothing, and a single file such as the design (a
temporary beside it, then one rename, so it is never half-written).

Two layouts. `write_files` fills one folder that holds only pipekit's files (`pipekit render --out`).
`write_repo` puts each file where a repository keeps it (`pipekit render --repo`), among the team's own
files: there it never overwrites a file pipekit did not generate (its header says who did) unless forced,
and it removes a generated file the design no longer produces, never anyone else's.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipekit.errors import OutputError
from pipekit.files import NAMES

HEADER_BYTES = 4096  # the header is the first lines; a user's large file need not be read whole


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


def _checked_target(target: Path) -> Path:
    """`target`, refused when writing it would change another file: a link out of its folder or to
    another name, or a folder in its place."""
    folder = target.parent
    if target.is_symlink():
        try:
            resolved = target.resolve()
        except (OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
            raise OutputError(f"{target}: is a symbolic link that loops; remove the link") from None
        if resolved.parent != folder.resolve():
            raise OutputError(
                f"{target}: is a symbolic link to {resolved}, outside the output folder; remove the link"
            )
        if resolved.name != target.name:
            # Writing through it would overwrite the user's file, or another generated file.
            raise OutputError(
                f"{target}: is a symbolic link to {resolved.name}, which pipekit would overwrite "
                "instead; remove the link"
            )
    if target.exists() and target.is_dir():
        raise OutputError(f"{target}: is a folder; pipekit needs to write a file here")
    return target


def _owned_name(name: str) -> str:
    if name not in NAMES or Path(name).name != name:
        raise OutputError(f"{name}: pipekit only writes its own files ({', '.join(NAMES)})")
    return name


def write_files(out_dir: Path, files: Mapping[str, str]) -> list[Path]:
    """Write every file that changed, or none: temporaries first, then one rename each (atomic on POSIX).

    Returns the paths written; a file that already holds its text is left alone (its time stamp too).
    On any error before the renames, existing files are untouched.
    """
    out_dir = check_out_dir(out_dir)
    targets = {_checked_target(out_dir / _owned_name(name)): text for name, text in files.items()}
    written, _ = _commit(out_dir, targets)
    return written


# ---------------------------------------------------------------------------------- into a repository


@dataclass(frozen=True)
class RepoWrite:
    """What `write_repo` did, path by path."""

    written: tuple[Path, ...] = ()
    removed: tuple[Path, ...] = ()  # generated files the design no longer produces
    unchanged: tuple[Path, ...] = ()  # already held what the design produces
    kept: tuple[Path, ...] = ()  # named like a file the design no longer produces, but not pipekit's


@functools.cache
def _header_pattern() -> re.Pattern[bytes]:
    """The header every generated file starts with (render/blocks.header, commented), any design and
    file name in its place; lines may end in CRLF (a checkout with core.autocrlf)."""
    from pipekit.design.model import Design
    from pipekit.render.blocks import header

    design, name = "\x00design\x00", "\x00name\x00"
    lines = [re.escape(f"# {line}".rstrip()) for line in header(Design(), design, name).splitlines()]
    # the third line says who runs `pipekit check`; it changed with test.design_check, and files
    # written by older releases must still count as pipekit's
    lines[2] = r"# [^\r\n]*`pipekit check`[^\r\n]*"
    pattern = r"\r?\n".join(lines) + r"\r?\n"
    pattern = pattern.replace(re.escape(design), r"[^\r\n]+").replace(re.escape(name), r"[^\r\n]+")
    return re.compile(pattern.encode("utf-8"))


def generated_by_pipekit(head: bytes) -> bool:
    """Whether a file starting with `head` carries pipekit's header (so pipekit may replace it)."""
    return _header_pattern().match(head.removeprefix(b"\xef\xbb\xbf")) is not None


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(HEADER_BYTES)


def check_repo_dir(repo: Path) -> Path:
    """The repository's root: an existing folder pipekit may write in."""
    if not repo.exists():
        raise OutputError(f"{repo}: no such folder; --repo takes the root of an existing repository")
    if not repo.is_dir():
        raise OutputError(f"{repo}: --repo must be a folder (the repository's root), but this is a file")
    if not os.access(repo, os.W_OK | os.X_OK):
        raise OutputError(f"{repo}: no permission to write here")
    return repo


def _folders_to_create(repo: Path, target: Path) -> list[Path]:
    """The missing folders between `repo` and `target`, outermost first; refuses a way out of `repo`."""
    missing: list[Path] = []
    folder = target.parent
    while folder != repo and folder != folder.parent and not folder.exists():
        if folder.is_symlink():  # a dangling link: mkdir would follow it wherever it points
            raise OutputError(f"{folder}: is a symbolic link to nothing; remove it or create its target")
        missing.append(folder)
        folder = folder.parent
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file; pipekit needs a folder here")
    root = repo.resolve()
    if folder.resolve() != root and root not in folder.resolve().parents:
        raise OutputError(
            f"{folder}: leads to {folder.resolve()}, outside the repository; pipekit writes only in {repo}"
        )
    return missing[::-1]


def write_repo(
    repo: Path, paths: Mapping[str, Path], files: Mapping[str, str], *, force: bool = False
) -> RepoWrite:
    """Write the design's `files` (name -> text) at their `paths` inside `repo`, all or nothing.

    `paths` places every file pipekit can generate (files.repo_paths). A file already there that
    pipekit did not generate is refused, nothing written, unless `force`; a generated file the design no
    longer produces (not in `files`) is removed; one pipekit did not generate is left alone (`kept`).
    """
    repo = check_repo_dir(repo)
    unknown = set(files) - set(paths)
    if unknown:
        raise OutputError(f"{', '.join(sorted(unknown))}: no place for this file in the repository layout")
    writes: dict[Path, str] = {}
    removals: list[Path] = []
    foreign: list[Path] = []
    kept: list[Path] = []
    unchanged: list[Path] = []
    folders: list[Path] = []
    for name, path in paths.items():
        _owned_name(name)
        missing = _folders_to_create(repo, path)
        text = files.get(name)
        target = _checked_target(path) if text is not None else path
        exists = target.is_file()
        try:
            if text is not None:
                if exists and _holds(target, text):
                    unchanged.append(target)
                    continue
                if exists and not generated_by_pipekit(_head(target)):
                    foreign.append(target)
                writes[target] = text
                folders += [folder for folder in missing if folder not in folders]
            elif target.is_symlink():
                kept.append(target)  # a link is the team's own arrangement, whatever it points at
            elif exists:
                (removals if generated_by_pipekit(_head(target)) else kept).append(target)
        except OSError as error:
            raise OutputError(f"{target}: cannot read ({error.strerror}); nothing was written") from None
    if foreign and not force:
        listed = ", ".join(str(path) for path in foreign)
        them = "it" if len(foreign) == 1 else "them"
        raise OutputError(
            f"{listed}: not generated by pipekit (no pipekit header at the top); nothing was written; "
            f"move {them} aside, or pass --force to overwrite {them}"
        )
    created = _create_folders(repo, folders)
    try:
        written, removed = _commit(repo, writes, removals)
    except OutputError:
        _remove_folders(created)
        raise
    return RepoWrite(
        written=tuple(written), removed=tuple(removed), unchanged=tuple(unchanged), kept=tuple(kept)
    )


def write_into_repo(repo: Path, files: Mapping[Path, str]) -> list[Path]:
    """Write `files` (a path inside `repo` -> text) that changed, or none, creating the folders they
    need inside `repo` (taken back if the write fails); returns the paths written. For files that are
    not generated workflows (the notebooks `pipekit notebooks --init` copies): whether an existing file
    may be replaced is the caller's decision."""
    repo = check_repo_dir(repo)
    targets: dict[Path, str] = {}
    folders: list[Path] = []
    for path, text in files.items():
        missing = _folders_to_create(repo, path)
        targets[_checked_target(path)] = text
        folders += [folder for folder in missing if folder not in folders]
    created = _create_folders(repo, folders)
    try:
        written, _ = _commit(repo, targets)
    except OutputError:
        _remove_folders(created)
        raise
    return written


def _create_folders(repo: Path, folders: Sequence[Path]) -> list[Path]:
    created: list[Path] = []
    for folder in folders:
        try:
            folder.mkdir()
        except OSError as error:
            _remove_folders(created)
            raise OutputError(
                f"{folder}: cannot create the folder ({error.strerror}); nothing was written in {repo}"
            ) from None
        created.append(folder)
    return created


def _remove_folders(created: Sequence[Path]) -> None:
    """Take back folders this write created (innermost first), so a failed write leaves none behind."""
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()


# ------------------------------------------------------------------------------------------ committing


def _commit(
    where: Path, writes: Mapping[Path, str], removals: Sequence[Path] = ()
) -> tuple[list[Path], list[Path]]:
    """Write each changed file and remove each of `removals`, or do nothing: every temporary is staged
    before the first rename. Returns (written, removed)."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, text in writes.items():
            final = target.resolve() if target.is_symlink() else target
            if _holds(final, text):
                continue
            staged.append((_stage(final, text), final))
        _replace_all(staged, removals)
    except OSError as error:
        raise OutputError(
            f"{where}: cannot write ({error.strerror}); existing files were left as they were"
        ) from None
    finally:
        for temp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
    return [target for _, target in staged], list(removals)


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


def _aside(target: Path) -> Path:
    """A fresh, unused name beside `target` to move it to until the whole write has succeeded."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".removed")
    os.close(handle)
    return Path(name)


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


def _replace_all(staged: Sequence[tuple[Path, Path]], removals: Sequence[Path] = ()) -> None:
    """Rename every temporary over its target, then move each removed file aside; if any step fails,
    put every target back as it was. The files moved aside are deleted only once all steps succeeded."""
    previous: list[tuple[Path, bytes | None]] = [
        (target, target.read_bytes() if target.exists() else None) for _, target in staged
    ]
    done = 0
    moved: list[tuple[Path, Path]] = []
    try:
        for temp, target in staged:
            os.replace(temp, target)
            done += 1
        for target in removals:
            aside = _aside(target)
            moved.append((target, aside))
            try:
                os.replace(target, aside)
            except FileNotFoundError:  # removed meanwhile (two notebooks applying at once): done too
                moved.pop()
                aside.unlink(missing_ok=True)
    except OSError:
        for target, aside in reversed(moved):
            if target.exists():  # the rename that failed: the file never moved
                aside.unlink(missing_ok=True)
            else:
                os.replace(aside, target)
        for target, content in previous[:done]:
            if content is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(content)
        raise
    for _, aside in moved:
        with contextlib.suppress(OSError):
            aside.unlink()
