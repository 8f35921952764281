"""The pipeline's job graph: every workflow's jobs, their runners, matrices, needs and triggers.

Renderers and the cost model both start here, so the plan always describes the YAML that is written.
The design is valid by the time it gets here (`design.rules`); nothing in this module checks it again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pipekit import files
from pipekit.design.model import AXES, Design, Trigger
from pipekit.facts.runners import load_catalog
from pipekit.github.matrix import MatrixLeg, expand_matrix_legs

ON_CHANGE: frozenset[Trigger] = frozenset(("pull_request", "push"))
ALWAYS: frozenset[Trigger] = frozenset(("pull_request", "push", "schedule"))
PULL_REQUEST_ONLY: frozenset[Trigger] = frozenset(("pull_request",))
PUSH_ONLY: frozenset[Trigger] = frozenset(("push",))
MATRIX_RUNNER = "${{ matrix.os }}"


@dataclasses.dataclass(frozen=True, kw_only=True)
class JobSpec:
    """One job of one workflow, before matrix expansion: what every renderer builds a job from."""

    workflow: str  # file stem: "test" for test.yaml
    id: str
    runner: str  # runs-on label, or "${{ matrix.os }}" for the test matrix
    triggers: frozenset[Trigger]
    matrix: Mapping[str, Any] | None = None  # GitHub strategy.matrix
    needs: tuple[str, ...] = ()
    max_parallel: int | None = None

    @property
    def file(self) -> str:
        return files.workflow_file(self.workflow).name


@dataclasses.dataclass(frozen=True, kw_only=True)
class Leg:
    """One instance of a job in a run: a matrix leg (or the job itself), with its runner resolved."""

    matrix: Mapping[str, Any]  # {} for a job without a matrix
    runner: str  # runs-on after matrix substitution
    name: str  # GitHub's display name: ``test (3.12, ubuntu-latest, basic)``


def expand_job(job: JobSpec) -> list[Leg]:
    """The instances GitHub starts for `job`, in GitHub's order, with GitHub's display names."""
    legs = expand_matrix_legs(job.matrix, job=job.id) if job.matrix else [MatrixLeg({}, ())]
    return [
        Leg(matrix=leg.matrix, runner=_runner(job, leg.matrix), name=leg.display_name(job.id)) for leg in legs
    ]


def _runner(job: JobSpec, leg: Mapping[str, Any]) -> str:
    """The label a leg runs on. The design writes only plain labels and ``${{ matrix.os }}``, whose value
    is the leg's os (the rules make it a known label); what GitHub's evaluator makes of the written file is
    held to this by a property test against `pipekit expand`."""
    return str(leg["os"]) if job.runner == MATRIX_RUNNER else job.runner


def report_leg(design: Design) -> dict[str, Any]:
    """The test matrix leg that uploads coverage and whose mode the benchmark uses.

    The design's choice, else the last leg on a Linux runner (newest Python, fullest mode), else the last.
    """
    chosen = design.test.coverage.report_leg
    if chosen:
        return dict(chosen)
    catalog = load_catalog()
    legs = expand_matrix_legs(design.test.matrix.strategy(), job="test")
    linux = [leg for leg in legs if catalog.runner(leg.matrix["os"], design.runners).os == "linux"]
    leg = (linux or legs)[-1]
    return {axis: leg.matrix[axis] for axis in AXES}


def pipeline_jobs(design: Design) -> list[JobSpec]:
    """Every job the design's workflows contain, in workflow then job order."""
    jobs: list[JobSpec] = []
    test, default = design.test, files.DEFAULT_RUNNER
    if test.lint.ruff_format or test.lint.ruff_check or test.lint.mypy:
        jobs.append(JobSpec(workflow="test", id="lint", runner=default, triggers=ON_CHANGE))
    jobs.append(
        JobSpec(
            workflow="test",
            id="test",
            runner=MATRIX_RUNNER,
            triggers=ON_CHANGE,
            matrix=MappingProxyType(test.matrix.strategy()),
            max_parallel=test.max_parallel,
        )
    )
    if test.benchmark.enabled:
        jobs.append(
            JobSpec(workflow="test", id="benchmark", runner=test.benchmark.runner, triggers=ON_CHANGE)
        )
    if test.dependency_audit:
        jobs.append(JobSpec(workflow="test", id="dependency-audit", runner=default, triggers=ON_CHANGE))

    if design.build.enabled:
        jobs.append(JobSpec(workflow="build", id="image", runner=design.build.runner, triggers=ON_CHANGE))

    security = design.security
    for job_id, enabled, triggers in (
        ("gitleaks", security.gitleaks.enabled, ALWAYS),
        ("trivy", security.trivy.enabled, ALWAYS),
        ("bandit", security.bandit.enabled, ALWAYS),
        ("pip-audit", security.pip_audit.enabled, ALWAYS),
        ("dependency-review", security.dependency_review.enabled, PULL_REQUEST_ONLY),
        ("sbom", security.sbom.enabled, ALWAYS),
    ):
        if enabled:
            jobs.append(JobSpec(workflow="security", id=job_id, runner=default, triggers=triggers))

    if design.license.enabled:
        for job_id, needs in (("headers", ()), ("dependencies", ()), ("report", ("headers", "dependencies"))):
            jobs.append(
                JobSpec(
                    workflow="license-compliance", id=job_id, runner=default, triggers=ON_CHANGE, needs=needs
                )
            )

    deploy = design.deploy
    if deploy.enabled:
        if deploy.preview is not None:
            jobs.append(JobSpec(workflow="deploy", id="preview", runner=default, triggers=PULL_REQUEST_ONLY))
        jobs.append(JobSpec(workflow="deploy", id="staging", runner=default, triggers=PUSH_ONLY))
        jobs.append(
            JobSpec(
                workflow="deploy", id="production", runner=default, triggers=PUSH_ONLY, needs=("staging",)
            )
        )
    return jobs


def workflow_jobs(design: Design, workflow: str) -> list[JobSpec]:
    return [job for job in pipeline_jobs(design) if job.workflow == workflow]


def workflow_triggers(design: Design, workflow: str) -> frozenset[Trigger]:
    """The triggers a workflow listens to: the union of its jobs' triggers."""
    triggers: set[Trigger] = set()
    for job in workflow_jobs(design, workflow):
        triggers |= job.triggers
    return frozenset(triggers)
