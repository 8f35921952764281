"""actions/download-artifact: copies of the artifacts upload-artifact kept earlier in this rehearsal.

Selection and placement follow src/download-artifact.ts: ``name`` takes one artifact (missing: the
action's "Artifact not found" failure), ``artifact-ids`` takes those IDs, otherwise every artifact of
the run, filtered by the minimatch ``pattern``. One artifact, ``name`` or ``merge-multiple`` put the files
straight into ``path`` (the workspace by default); otherwise each artifact gets a folder of its name.
Artifacts of another run or repository (a ``github-token`` with another ``run-id`` or ``repository``)
are not here, so such a step is not rehearsed.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from pipekit.rehearse.actions import _artifacts, _core, _glob
from pipekit.rehearse.model import ActionCall, ActionResult, failure, not_rehearsed, success

_DIGEST_MISMATCH = ("ignore", "info", "warn", "error")
_PREFIX = "Unable to download artifact(s): "  # how the action words any failure of its run()


def download_artifact(call: ActionCall) -> ActionResult:
    """Copy the selected artifacts from the rehearsal's artifact folder to ``path``."""
    try:
        name = _core.get_input(call, "name")
        ids_text = _core.get_input(call, "artifact-ids")
        pattern = _core.get_input(call, "pattern")
        merge = _core.get_bool(call, "merge-multiple")
        skip_decompress = _core.get_bool(call, "skip-decompress")
    except _core.InputError as error:
        return failure(_PREFIX + str(error))
    mismatch = _core.get_input(call, "digest-mismatch") or "error"
    if mismatch not in _DIGEST_MISMATCH:
        return failure(
            f"{_PREFIX}Invalid value for 'digest-mismatch': '{mismatch}'. "
            f"Valid options are: {', '.join(_DIGEST_MISMATCH)}"
        )
    if name and ids_text:
        return failure(
            f"{_PREFIX}Inputs 'name' and 'artifact-ids' cannot be used together. Please specify only one."
        )
    elsewhere = _another_run(call)
    if elsewhere:
        return not_rehearsed(f"downloads artifacts of {elsewhere}, which a rehearsal does not have")
    destination = _core.resolve(call, _core.get_input(call, "path") or str(call.places.workspace))

    log: list[str] = []
    available = _artifacts.names(call.places.artifacts)
    if name:
        if name not in available:
            return failure(f"{_PREFIX}Artifact not found for name: {name}")
        chosen = [name]
    elif ids_text:
        try:
            chosen = _by_ids(ids_text, available, log)
        except ValueError as error:
            return failure(_PREFIX + str(error))
    else:
        chosen = [entry for entry in available if not pattern or _glob.minimatch(pattern, entry)]
        log.append(
            f"Filtering artifacts by pattern '{pattern}'"
            if pattern
            else "No input name, artifact-ids or pattern filtered specified, downloading all artifacts"
        )
    flat = bool(name) or merge or len(chosen) == 1
    try:
        for artifact in chosen:
            source = call.places.artifacts / artifact
            target = destination if flat else destination / artifact
            target.mkdir(parents=True, exist_ok=True)
            if skip_decompress:
                _zip(source, target / f"{artifact}.zip")
            else:
                shutil.copytree(source, target, dirs_exist_ok=True)
            log.append(f"Downloaded {artifact} to {target}")
    except OSError as error:
        return failure(_PREFIX + str(error))
    log.append(f"Total of {len(chosen)} artifact(s) downloaded")
    return success("\n".join(log), outputs={"download-path": str(destination)})


def _another_run(call: ActionCall) -> str:
    """With a token the action looks artifacts up by repository and run; say which, when not this one."""
    if not _core.get_input(call, "github-token"):
        return ""
    repository = _core.get_input(call, "repository")
    run_id = _core.get_input(call, "run-id")
    this_repository = call.env.get("GITHUB_REPOSITORY", "")
    this_run = call.env.get("GITHUB_RUN_ID", "")
    if repository and repository.lower() != this_repository.lower():
        return f"repository {repository}"
    if run_id and run_id != this_run:
        return f"workflow run {run_id}"
    return ""


def _by_ids(text: str, available: list[str], log: list[str]) -> list[str]:
    listed = [part.strip() for part in text.split(",") if part.strip()]
    if not listed:
        raise ValueError("No valid artifact IDs provided in 'artifact-ids' input")
    wanted: list[int] = []
    for part in listed:
        found = re.match(r"\s*([+-]?\d+)", part)
        if not found:
            raise ValueError(f"Invalid artifact ID: '{part}'. Must be a number.")
        wanted.append(int(found[1]))
    chosen = [entry for entry in available if _artifacts.artifact_id(entry) in wanted]
    if not chosen:
        raise ValueError("None of the provided artifact IDs were found")
    missing = set(wanted) - {_artifacts.artifact_id(entry) for entry in chosen}
    if missing:
        log.append(f"Could not find the following artifact IDs: {', '.join(map(str, sorted(missing)))}")
    return chosen


def _zip(folder: Path, archive: Path) -> None:
    """skip-decompress: the artifact as the zip the service stores."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            handle.write(path, path.relative_to(folder).as_posix())
