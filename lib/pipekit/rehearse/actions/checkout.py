"""actions/checkout: the workspace already is the copy of the repository, so there is nothing to fetch.

What the inputs still change is done on the copy: ``path`` puts a copy of the workspace at that folder
(which must be under the workspace, as src/input-helper.ts requires), and ``ref`` checks out that commit
there, detached and forced, as the action does; a ref the copy does not have fails the step, as a fetch
of a missing ref fails on GitHub. The copy has the repository's full history and no credentials, so
``fetch-depth``, ``fetch-tags``, ``persist-credentials``, ``token`` and the SSH inputs change nothing.
Another ``repository`` is not in the copy: such a step is not rehearsed.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from pipekit.rehearse.actions import _core
from pipekit.rehearse.model import ActionCall, ActionResult, failure, not_rehearsed, success

_SHA = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
_NOT_COPIED = ("sparse-checkout", "filter", "lfs", "submodules")  # the copy holds what it holds


def checkout(call: ActionCall) -> ActionResult:
    """Place the copy where ``path`` asks and check out ``ref`` in it."""
    workspace = call.places.workspace.resolve()
    repository = _core.get_input(call, "repository")
    this = call.env.get("GITHUB_REPOSITORY", "")
    if repository and this and repository.lower() != this.lower():
        return not_rehearsed(
            f"checks out another repository ({repository}); a rehearsal has only the copy of {this}"
        )
    target = Path(os.path.normpath(workspace / (_core.get_input(call, "path") or ".")))
    if not (str(target) + os.sep).startswith(str(workspace) + os.sep):
        return failure(f"Repository path '{target}' is not under '{workspace}'")
    ref = call.inputs.get("ref", "").strip(" \t\n\v\f\r")  # only ASCII whitespace, as input-helper.ts
    log: list[str] = []
    try:
        if target != workspace:
            _copy_workspace(workspace, target)
            log.append(f"Copied the repository to {target}")
        else:
            log.append(f"The workspace {workspace} already is a copy of the repository")
        if ref:
            commit = _commit_of(target, ref)
            if commit is None:
                return failure(f"ref {ref} is not in the copy", "\n".join(log))
            _git(target, "-c", "core.hooksPath=/dev/null", "checkout", "--force", "--detach", commit)
            log.append(f"Checked out {ref} ({commit}) at {target}")
        commit = _commit_of(target, "HEAD") or ""
    except (_core.CommandError, OSError) as error:
        return failure(str(error), "\n".join(log))
    for name in _NOT_COPIED:
        if _core.get_input(call, name) not in ("", "false", "null"):
            log.append(f"{name}: the copy is used as it is")
    return success("\n".join(log), outputs={"ref": _ref_output(call, ref), "commit": commit})


def _ref_output(call: ActionCall, ref: str) -> str:
    """main.ts sets ``ref`` to the settings' ref: the given one, none for a commit SHA, and for the
    default checkout the event's ref (qualified as refs/heads/... when it is not)."""
    if ref:
        return "" if _SHA.fullmatch(ref) else ref
    event_ref = call.env.get("GITHUB_REF", "")
    if event_ref and not event_ref.startswith("refs/"):
        return f"refs/heads/{event_ref}"
    return event_ref


def _copy_workspace(workspace: Path, target: Path) -> None:
    """A copy of the workspace at `target` (a folder inside it), leaving out `target` itself; what was at
    `target` is replaced, as the action empties a folder that holds another repository."""
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)

    def skip(folder: str, names: list[str]) -> set[str]:
        here = Path(folder).resolve()
        return {name for name in names if here / name == target}

    shutil.copytree(workspace, target, symlinks=True, ignore=skip)


def _commit_of(folder: Path, ref: str) -> str | None:
    """The commit `ref` names in the repository at `folder` (a remote-tracking branch too), or None."""
    if not (folder / ".git").exists():
        return None
    for candidate in (ref, f"refs/remotes/origin/{ref.removeprefix('refs/heads/')}"):
        try:
            return _git(folder, "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}").strip()
        except _core.CommandError:
            continue
    return None


def _git(folder: Path, *args: str) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    return _core.run(["git", "-C", folder, *args], env=env, timeout=300)
