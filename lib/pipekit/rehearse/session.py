"""One rehearsal from start to end: render the design in memory, copy the repository with the rendered
files in it, play the event, and remove the copy unless asked to keep it."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from pipekit.design.model import Design
from pipekit.errors import PipekitError
from pipekit.facts.runners import load_catalog
from pipekit.files import FILES, repo_paths
from pipekit.rehearse.actions import install_shims
from pipekit.rehearse.events import Event, github_context, repository_name
from pipekit.rehearse.expressions import Evaluator
from pipekit.rehearse.model import Places
from pipekit.rehearse.report import Report
from pipekit.rehearse.runner import Selection, Setting, rehearse
from pipekit.rehearse.workspace import make_copy
from pipekit.render import render_all


def tools_folder() -> Path:
    """Where tools installed for rehearsals are kept between them: PIPEKIT_CACHE_DIR, else the user's
    cache folder (XDG_CACHE_HOME or ~/.cache), under pipekit/rehearse."""
    explicit = os.environ.get("PIPEKIT_CACHE_DIR")
    if explicit:
        return Path(explicit) / "rehearse"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "pipekit" / "rehearse"


def check_selection(design: Design, rendered: Mapping[str, str], selection: Selection) -> None:
    """Refuse names the design does not render, with the ones it does."""
    workflows = [file.name for file in FILES if file.workflow and file.name in rendered]
    if selection.workflows is not None:
        for name in sorted(selection.workflows):
            if name not in workflows:
                raise PipekitError(f"--workflow {name}: the design renders {', '.join(workflows)}")
    if selection.jobs is not None:
        chosen = selection.workflows if selection.workflows is not None else set(workflows)
        known = sorted({job for file in FILES if file.name in chosen for job in file.jobs})
        for job in sorted(selection.jobs):
            if job not in known:
                raise PipekitError(f"--job {job}: the rehearsed workflows have the jobs {', '.join(known)}")


def run(
    repo: Path,
    design: Design,
    design_name: str,
    event: Event,
    selection: Selection,
    *,
    keep: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Report:
    rendered = render_all(design, design_name)
    check_selection(design, rendered, selection)
    targets = repo_paths(Path("."))
    folder = Path(tempfile.mkdtemp(prefix="pipekit-rehearse-"))
    try:
        workspace = folder / "repo"
        commits = make_copy(
            repo,
            workspace,
            design.project.default_branch,
            {targets[name]: text for name, text in rendered.items()},
        )
        github = github_context(
            event,
            commits,
            repository=repository_name(workspace, design.project.name),
            default_branch=design.project.default_branch,
            workspace=workspace,
            run_id=os.getpid(),
        )
        (folder / "event.json").write_text(json.dumps(github["event"], indent=2), encoding="utf-8")
        tools = tools_folder()
        tools.mkdir(parents=True, exist_ok=True)
        places = Places(
            workspace=workspace,
            temp=folder / "temp",
            artifacts=folder / "artifacts",
            tools=tools,
            bin=folder / "bin",
        )
        places.bin.mkdir()
        install_shims(places)
        setting = Setting(
            folder=folder,
            workspace=workspace,
            tools=tools,
            event=event,
            github=github,
            default_branch=design.project.default_branch,
            catalog=load_catalog(),
            custom_runners=design.runners,
            progress=progress or (lambda line: print(line, file=sys.stderr, flush=True)),
        )
        workflow_files = [
            workspace / targets[file.name] for file in FILES if file.workflow and file.name in rendered
        ]
        with Evaluator() as evaluator:
            report = rehearse(setting, workflow_files, selection, evaluator)
        if keep:
            report.kept = str(folder)
        return report
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
