"""The files worth keeping from an artifact's zip: the reports a generated pipeline uploads.

A file is kept when its name or its first bytes say it is one of four kinds: ``junit`` (JUnit XML,
``pytest --junitxml``), ``coverage`` (Cobertura XML, ``--cov-report=xml``), ``benchmark``
(pytest-benchmark's JSON) or ``sarif`` (a scanner's SARIF 2.1.0). Everything else (an HTML coverage
report, an image record) is left out. The zip is read in memory with limits, never unpacked to disk.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

from pipekit.history.store import ArtifactFile

KINDS = ("junit", "coverage", "benchmark", "sarif")
MAX_FILE_BYTES = 64 * 1024 * 1024  # one report; a larger file is left out
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # everything read from one zip (a zip bomb stops here)
SNIFF_BYTES = 4096

# The first element after the XML prolog, comments and doctype.
_XML_ROOT = re.compile(rb"<(?![?!])\s*(?:[\w.-]+:)?([\w.-]+)")


def kind_of(path: str, head: bytes) -> str | None:
    """The kind of report the file at `path` (inside the zip) is, from its name and first bytes."""
    name = path.rsplit("/", 1)[-1].lower()
    if name.endswith(".sarif") or name.endswith(".sarif.json"):
        return "sarif"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.endswith(".xml") or text.startswith(b"<"):
        match = _XML_ROOT.search(text)
        root = match.group(1).decode("ascii", "replace") if match else ""
        if root in {"testsuites", "testsuite"}:
            return "junit"
        if root == "coverage":
            return "coverage"
        return None
    if name.endswith(".json") or text.startswith(b"{"):
        if b'"machine_info"' in text and (b'"benchmarks"' in text or name.startswith("benchmark")):
            return "benchmark"
        if re.search(rb'"\$schema"\s*:\s*"[^"]*sarif', text) or (
            b'"version"' in text and b'"2.1.0"' in text and b'"runs"' in text
        ):
            return "sarif"
    return None


def report_files(archive: bytes) -> tuple[ArtifactFile, ...]:
    """The reports in a zip, by path; not a zip, or a damaged one, gives none."""
    try:
        zipped = zipfile.ZipFile(io.BytesIO(archive))
    except zipfile.BadZipFile:
        return ()
    kept: list[ArtifactFile] = []
    total = 0
    with zipped:
        for info in zipped.infolist():
            if info.is_dir() or info.file_size > MAX_FILE_BYTES:
                continue
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                break
            try:
                with zipped.open(info) as handle:
                    head = handle.read(SNIFF_BYTES)
                    kind = kind_of(info.filename, head)
                    if kind is None:
                        continue
                    content = head + handle.read(MAX_FILE_BYTES + 1 - len(head))
            except (zipfile.BadZipFile, OSError, NotImplementedError):
                continue
            if len(content) <= MAX_FILE_BYTES and _whole(kind, content):
                kept.append(ArtifactFile(path=info.filename, kind=kind, content=content))
    return tuple(kept)


def _whole(kind: str, content: bytes) -> bool:
    """JSON reports must parse: a truncated benchmark file would break whoever reads it later."""
    if kind not in {"benchmark", "sarif"}:
        return True
    try:
        json.loads(content)
    except ValueError:
        return False
    return True
