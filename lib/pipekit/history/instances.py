"""The design's job instances under the names GitHub gives them in a run's history.

GitHub names a job by its `name:` (its id when it has none) and a matrix leg by that name followed by the
leg's values: the design's `test` job, `name: Test`, runs as "Test (3.12, ubuntu-latest, basic)". The
names are read from the workflows the design renders, so they are the ones the committed files give.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from pipekit import files, yamlio
from pipekit.design.model import TRIGGERS, Design, Trigger
from pipekit.facts.runners import load_catalog
from pipekit.pipeline.graph import expand_job, pipeline_jobs
from pipekit.pipeline.instances import JobRun, job_runs


@dataclasses.dataclass(frozen=True, kw_only=True)
class NamedJob:
    """One job instance of the design, one trigger's, with GitHub's name for it."""

    run: JobRun
    name: str  # "Test (3.12, ubuntu-latest, basic)"
    os: str  # the runner's OS: linux, windows or macos
    arch: str
    trigger: Trigger


def job_titles(design: Design) -> dict[tuple[str, str], str]:
    """(workflow file, job id) -> the job's `name:` in the rendered workflow, or its id."""
    from pipekit.render import render_all  # the renderers are only needed here

    titles: dict[tuple[str, str], str] = {}
    workflows = {files.workflow_file(stem).name for stem in files.WORKFLOWS}
    for file_name, text in render_all(design).items():
        if file_name not in workflows:
            continue
        jobs: Mapping[str, Any] = yamlio.loads(text, file_name).get("jobs") or {}
        for job_id, job in jobs.items():
            titles[(file_name, str(job_id))] = str(job.get("name", job_id))
    return titles


def github_name(title: str, job_id: str, leg_name: str) -> str:
    """GitHub's name of a leg whose pipekit name (`JobRun.name`, the id and the matrix values) is
    `leg_name`, for a job titled `title`."""
    return title + leg_name[len(job_id) :] if leg_name.startswith(job_id) else leg_name


def named_jobs(design: Design, titles: Mapping[tuple[str, str], str] | None = None) -> list[NamedJob]:
    """Every job instance each trigger starts, with GitHub's name, trigger by trigger."""
    titles = job_titles(design) if titles is None else titles
    catalog = load_catalog()
    named: list[NamedJob] = []
    for trigger in TRIGGERS:
        for run in job_runs(design, trigger):
            runner = catalog.runner(run.runner, design.runners)
            title = titles.get((run.workflow, run.job), run.job)
            named.append(
                NamedJob(
                    run=run,
                    name=github_name(title, run.job, run.name),
                    os=runner.os,
                    arch=runner.arch,
                    trigger=trigger,
                )
            )
    return named


def workflow_job_names(
    design: Design, workflow: str, titles: Mapping[tuple[str, str], str] | None = None
) -> list[tuple[str, str, Mapping[str, Any], str]]:
    """Every job instance `workflow` (a file name) holds, whatever starts it, in the file's order:
    (job id, GitHub's name, matrix values, runner label). Jobs no counted trigger starts (rollbacks, a
    manual promotion) are here too: a run lists them as skipped."""
    titles = job_titles(design) if titles is None else titles
    found = []
    for job in pipeline_jobs(design):
        if job.file != workflow:
            continue
        title = titles.get((workflow, job.id), job.id)
        for leg in expand_job(job):
            found.append((job.id, github_name(title, job.id, leg.name), leg.matrix, leg.runner))
    return found
