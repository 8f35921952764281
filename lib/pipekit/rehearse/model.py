"""What a rehearsal passes around: the places it works in, a call of an action's stand-in and its result.

A rehearsal runs a workflow's Linux jobs on this machine, in a temporary copy of the repository. `run:`
steps run as GitHub runs them; `uses:` steps go to a stand-in (one module each under
`pipekit.rehearse.actions`), which does here what the action does on GitHub, or says why it cannot.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

# A job run is `partial` when its rehearsed steps passed and some were not rehearsed: never `success`,
# since part of it did not run.
Outcome = Literal["success", "failure", "not_rehearsed", "skipped", "partial"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Places:
    """The folders of one rehearsal.

    `workspace` is the copy of the repository (GITHUB_WORKSPACE); `temp` is RUNNER_TEMP, emptied per job;
    `artifacts` holds what upload-artifact keeps, one folder per artifact name, shared by the jobs of the
    rehearsal as GitHub shares them within a run; `tools` is a cache kept between rehearsals (tool venvs
    such as a pinned Poetry or uv, keyed by name and version), so a second rehearsal installs nothing;
    `bin` is a folder at the front of PATH for the runner image's own commands (`pipx`)."""

    workspace: Path
    temp: Path
    artifacts: Path
    tools: Path
    bin: Path


@dataclasses.dataclass(frozen=True, kw_only=True)
class ActionCall:
    """One `uses:` step, its `with:` inputs already evaluated and the action's declared defaults applied
    (every input is text, as actions receive them)."""

    action: str  # owner/name or owner/name/path, without the @ref
    inputs: Mapping[str, str]
    env: Mapping[str, str]  # the step's whole environment: workflow, job and step env over the runner's
    places: Places
    step_name: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ActionResult:
    """What a stand-in did.

    `not_rehearsed` means the action's work cannot be done here (`reason` says why); the runner then
    reports the rest of the job as not rehearsed too, since later steps may rest on what it would have
    made. `failure` means the action would fail on GitHub as well (`reason` is its error). `outputs` are
    the step's outputs; `path` entries go to the front of PATH one after another, as an action's
    core.addPath calls do (the last one ends up first), and `env` into the environment of later steps, as
    core.exportVariable does."""

    outcome: Literal["success", "failure", "not_rehearsed"]
    reason: str = ""
    outputs: Mapping[str, str] = dataclasses.field(default_factory=dict)
    path: tuple[str, ...] = ()
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    log: str = ""


def success(
    log: str = "",
    *,
    outputs: Mapping[str, str] | None = None,
    path: tuple[str, ...] = (),
    env: Mapping[str, str] | None = None,
) -> ActionResult:
    return ActionResult(outcome="success", outputs=outputs or {}, path=path, env=env or {}, log=log)


def failure(reason: str, log: str = "") -> ActionResult:
    return ActionResult(outcome="failure", reason=reason, log=log)


def not_rehearsed(reason: str) -> ActionResult:
    return ActionResult(outcome="not_rehearsed", reason=reason)
