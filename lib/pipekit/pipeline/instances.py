"""Job instances: what one trigger event starts, matrices expanded, each with its estimated minutes.

This is the unit costing and scheduling work on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipekit import files
from pipekit.cost.estimates import estimate_minutes
from pipekit.design.model import Design, Trigger
from pipekit.facts.runners import load_catalog
from pipekit.pipeline.graph import expand_job, pipeline_jobs


@dataclass(frozen=True, kw_only=True)
class JobRun:
    """One job instance in a run: a matrix leg, or a job without a matrix."""

    workflow: str  # generated file name, e.g. "test.yaml"
    job: str  # job id inside the workflow, e.g. "test"
    name: str = ""  # GitHub's display name, e.g. "test (3.11, ubuntu-latest, basic)"; default: the id
    matrix: Mapping[str, Any] = field(default_factory=dict)  # one combination; {} without a matrix
    runner: str  # runs-on label after matrix substitution, e.g. "ubuntu-latest"
    minutes: float  # estimated duration of this instance
    needs: tuple[str, ...] = ()  # job ids (same workflow) that must finish first
    max_parallel: int | None = None  # strategy.max-parallel of the job, if any
    after_workflows: tuple[str, ...] = ()  # workflow files whose jobs in this run must all finish first

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.job)  # GitHub names a job without a matrix by its id


def job_runs(design: Design, trigger: Trigger, *, workflows: Sequence[str] = files.WORKFLOWS) -> list[JobRun]:
    """The job instances one `trigger` event starts, in workflow, job and GitHub's leg order."""
    catalog = load_catalog()
    runs: list[JobRun] = []
    for job in pipeline_jobs(design):
        if trigger not in job.triggers or job.workflow not in workflows:
            continue
        for leg in expand_job(job):
            runner = catalog.runner(leg.runner, design.runners)
            runs.append(
                JobRun(
                    workflow=job.file,
                    job=job.id,
                    name=leg.name,
                    matrix=leg.matrix,
                    runner=leg.runner,
                    minutes=estimate_minutes(
                        design, job, leg.matrix, runner.os, trigger=trigger, arch=runner.arch
                    ),
                    needs=job.needs,
                    max_parallel=job.max_parallel,
                    after_workflows=tuple(files.workflow_file(stem).name for stem in job.after_workflows),
                )
            )
    return runs
