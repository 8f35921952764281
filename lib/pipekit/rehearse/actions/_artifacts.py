"""Where a rehearsal keeps artifacts: `places.artifacts/<name>/`, the files as the artifact's zip holds them.

The IDs, digests and URLs GitHub gives an artifact come from its artifact service; here they are local
stand-ins: the ID is derived from the name (so download-artifact's ``artifact-ids`` finds it again), the
digest is a SHA-256 over the artifact's files and the URL is the folder's file: URL.
"""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

# upload-sarif keeps the SARIF files it checked here, for the rehearsal's report; it is no artifact.
CODE_SCANNING = "code-scanning"


def artifact_id(name: str) -> int:
    """A positive ID that stays the same for a name."""
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF or 1


def folder(artifacts: Path, name: str) -> Path | None:
    """The folder an artifact of `name` is kept in; None for a name that cannot be one folder of
    `artifacts` (``.``, ``..``) or is taken by upload-sarif's folder."""
    if name in (".", "..", CODE_SCANNING) or "/" in name or "\0" in name:
        return None
    return artifacts / name


def names(artifacts: Path) -> list[str]:
    """The artifacts uploaded so far in this rehearsal, by name."""
    if not artifacts.is_dir():
        return []
    return sorted(
        entry.name for entry in artifacts.iterdir() if entry.is_dir() and entry.name != CODE_SCANNING
    )


def digest(folder: Path) -> str:
    """SHA-256 over the folder's files: each relative path and the file's own SHA-256, in order."""
    total = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        total.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        total.update(hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()
