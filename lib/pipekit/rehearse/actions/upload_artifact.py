"""actions/upload-artifact: the files the action would upload, kept in `places.artifacts/<name>/`.

The files are chosen as the action chooses them (src/shared/search.ts over @actions/glob, see `_glob`):
directories are dropped, hidden files too unless ``include-hidden-files``, and paths inside the
artifact are relative to the least common ancestor of the patterns' search paths (a lone file named
without a wildcard lands at the artifact's top). The action's refusals are kept: nothing found with
``if-no-files-found: error``, a name or file path with a character the artifact service refuses, an
existing artifact of the name without ``overwrite`` (the service answers 409), several files with
``archive: false``. Copies carry no permission bits, as an artifact's zip restores none.
Outputs are local stand-ins (see `_artifacts`).
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil

from pipekit.rehearse.actions import _artifacts, _core, _glob
from pipekit.rehearse.model import ActionCall, ActionResult, failure, not_rehearsed, success

_NO_FILE_OPTIONS = ("warn", "error", "ignore")
# path-and-artifact-name-validation.ts: characters the artifact service refuses
_BAD_IN_PATHS = {
    '"': "Double quote",
    ":": "Colon",
    "<": "Less than",
    ">": "Greater than",
    "|": "Vertical bar",
    "*": "Asterisk",
    "?": "Question mark",
    "\r": "Carriage return",
    "\n": "Line feed",
}
_BAD_IN_NAMES = {**_BAD_IN_PATHS, "\\": "Backslash", "/": "Forward slash"}
CONFLICT = (
    "Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: "
    "an artifact with this name already exists on the workflow run"
)


class _Refused(Exception):
    """What the action fails with while uploading."""


def upload_artifact(call: ActionCall) -> ActionResult:
    """Copy the matched files into the rehearsal's artifact folder of that name."""
    log: list[str] = []
    problems: list[str] = []  # core.setFailed during input reading: the action fails but goes on
    try:
        name = _core.get_input(call, "name")
        search = _core.get_input(call, "path", required=True)
        overwrite = _core.get_bool(call, "overwrite")
        include_hidden = _core.get_bool(call, "include-hidden-files")
        archive = _core.get_bool(call, "archive", default=True)
    except _core.InputError as error:
        return failure(str(error))
    if_none = _core.get_input(call, "if-no-files-found") or "warn"
    if if_none not in _NO_FILE_OPTIONS:
        problems.append(
            f"Unrecognized if-no-files-found input. Provided: {if_none}. Available options: warn,error,ignore"
        )
    problems.extend(_number_problems(call))

    try:
        files, root = find_files(call, search, include_hidden=include_hidden)
    except (_glob.PatternError, OSError) as error:
        return failure(str(error))
    if not files:
        message = f"No files were found with the provided path: {search}. No artifacts will be uploaded."
        if if_none == "error":
            return failure(message)
        log.append(("Warning: " if if_none == "warn" else "") + message)
        return _finish(log, problems, {})
    plural = "" if len(files) == 1 else "s"
    log.append(f"With the provided path, there will be {len(files)} file{plural} uploaded")
    if not archive and len(files) > 1:
        return failure(
            "When 'archive' is set to false, only a single file can be uploaded. "
            f"Found {len(files)} files to upload."
        )
    if not archive:
        name = posixpath.basename(files[0])
    try:
        _check_name(name)
        folder = _artifacts.folder(call.places.artifacts, name)
        if folder is None:
            return not_rehearsed(f"an artifact named {name!r} cannot be kept as a folder of its own here")
        plan = _plan(files, root, log)
        if folder.exists():
            if not overwrite:
                raise _Refused(CONFLICT)
            shutil.rmtree(folder)
            log.append(f"Deleted the earlier artifact {name!r} (overwrite: true)")
        for source, inside in plan:
            target = folder / inside
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    except (_Refused, OSError) as error:
        return failure(str(error))
    number = _artifacts.artifact_id(name)
    outputs = {
        "artifact-id": str(number),
        "artifact-url": folder.as_uri(),
        "artifact-digest": _artifacts.digest(folder),
    }
    log.append(f"Artifact {name} has been successfully uploaded! Artifact ID is {number} (kept at {folder})")
    return _finish(log, problems, outputs)


def _finish(log: list[str], problems: list[str], outputs: dict[str, str]) -> ActionResult:
    if problems:
        return failure(problems[0], "\n".join(log))
    return success("\n".join(log), outputs=outputs)


def _number_problems(call: ActionCall) -> list[str]:
    """retention-days and compression-level as input-helper.ts parses them (JavaScript parseInt)."""
    problems: list[str] = []
    retention = _core.get_input(call, "retention-days")
    if retention and _parse_int(retention) is None:
        problems.append("Invalid retention-days")
    level_text = _core.get_input(call, "compression-level")
    if level_text:
        level = _parse_int(level_text)
        if level is None:
            problems.append("Invalid compression-level")
        elif not 0 <= level <= 9:
            problems.append("Invalid compression-level. Valid values are 0-9")
    return problems


def _parse_int(text: str) -> int | None:
    found = re.match(r"\s*([+-]?\d+)", text)
    return int(found[1]) if found else None


def find_files(call: ActionCall, search: str, *, include_hidden: bool) -> tuple[list[str], str]:
    """findFilesToUpload: the files to upload and the root directory their artifact paths start at."""
    globber = _glob.Globber.create(
        search, cwd=call.places.workspace, home=_core.home(call), exclude_hidden=not include_hidden
    )
    files = [path for path in globber.glob() if not os.path.isdir(path)]
    search_paths = globber.search_paths()
    if len(search_paths) > 1:
        return files, os.path.commonpath(search_paths)
    if len(files) == 1 and search_paths and search_paths[0] == files[0]:
        return files, posixpath.dirname(files[0])
    return files, search_paths[0] if search_paths else str(call.places.workspace)


def _check_name(name: str) -> None:
    if not name:
        raise _Refused("Provided artifact name input during validation is empty")
    for char, what in _BAD_IN_NAMES.items():
        if char in name:
            raise _Refused(
                f"The artifact name is not valid: {name}. Contains the following character: {what}"
            )


def _plan(files: list[str], root: str, log: list[str]) -> list[tuple[str, str]]:
    """getUploadZipSpecification: each file and its path inside the artifact."""
    root = os.path.normpath(root)
    if not os.path.isdir(root):
        raise _Refused(f"The provided rootDirectory {root} does not exist")
    plan: list[tuple[str, str]] = []
    lowered: set[str] = set()
    for file in files:
        file = os.path.normpath(file)
        if not file.startswith(root):
            raise _Refused(f"The rootDirectory: {root} is not a parent directory of the file: {file}")
        inside = file.replace(root, "", 1)
        for char, what in _BAD_IN_PATHS.items():
            if char in inside:
                raise _Refused(
                    f"The path for one of the files in artifact is not valid: {inside}. "
                    f"Contains the following character: {what}"
                )
        if inside.lower() in lowered:
            log.append(
                f"Uploads are case insensitive: {file} was detected that it will be overwritten by another "
                "file with the same path"
            )
        lowered.add(inside.lower())
        plan.append((file, inside.lstrip("/")))
    return plan
