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
# Jobs none of the counted triggers (pull-request pushes, pushes, schedules) starts: a rollback runs only
# after its deploy failed or was cancelled, a teardown when a pull request closes, a manual promotion when
# someone starts it. The cost model leaves them out.
UNCOUNTED: frozenset[Trigger] = frozenset()
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
    # workflows (file stems) whose runs of the same commit must complete first: a workflow_run start
    after_workflows: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        return files.workflow_file(self.workflow).name


@dataclasses.dataclass(frozen=True, kw_only=True)
class Leg:
    """One instance of a job in a run: a matrix leg (or the job itself), with its runner resolved."""

    matrix: Mapping[str, Any]  # {} for a job without a matrix
    runner: str  # runs-on after matrix substitution
    name: str  # GitHub's display name: ``test (3.12, ubuntu-latest, basic)``


def expand_job(job: JobSpec, name: str | None = None) -> list[Leg]:
    """The instances GitHub starts for `job`, in GitHub's order, with GitHub's display names: from the
    job's `name:` when given, else from its id."""
    legs = expand_matrix_legs(job.matrix, job=job.id) if job.matrix else [MatrixLeg({}, ())]
    return [
        Leg(matrix=leg.matrix, runner=_runner(job, leg.matrix), name=leg.display_name(name or job.id))
        for leg in legs
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
    if test.design_check.enabled:
        jobs.append(JobSpec(workflow="test", id="design", runner=default, triggers=ON_CHANGE))
    # One job to require in branch protection: it passes only when every other test.yaml job did.
    others = tuple(job.id for job in jobs if job.workflow == "test")
    jobs.append(JobSpec(workflow="test", id="passed", runner=default, triggers=ON_CHANGE, needs=others))
    if test.report.enabled:
        # The run's report comes last, after `passed` too, so it can show every job's result and time.
        jobs.append(
            JobSpec(
                workflow="test", id="report", runner=default, triggers=ON_CHANGE, needs=(*others, "passed")
            )
        )

    if design.build.enabled:
        jobs.append(JobSpec(workflow="build", id="image", runner=design.build.runner, triggers=ON_CHANGE))

    security = design.security
    for job_id, enabled, triggers in (
        ("gitleaks", security.gitleaks.enabled, ALWAYS),
        ("trivy", security.trivy.enabled, ALWAYS),
        ("bandit", security.bandit.enabled, ALWAYS),
        ("pip-audit", security.pip_audit.enabled, ALWAYS),
        (
            "dependency-review",
            security.dependency_review.enabled and code_security(design),
            PULL_REQUEST_ONLY,
        ),
        ("sbom", security.sbom.enabled, ALWAYS),
    ):
        if enabled:
            jobs.append(JobSpec(workflow="security", id=job_id, runner=default, triggers=triggers))

    if design.license.enabled:
        checks = ("headers", "dependencies") if design.license.header is not None else ("dependencies",)
        for job_id in checks:
            jobs.append(JobSpec(workflow="license-compliance", id=job_id, runner=default, triggers=ON_CHANGE))
        jobs.append(
            JobSpec(
                workflow="license-compliance", id="report", runner=default, triggers=ON_CHANGE, needs=checks
            )
        )

    if design.deploy.enabled:
        jobs += deploy_jobs(design)
    return jobs


def deploy_jobs(design: Design) -> list[JobSpec]:
    """deploy.yaml's jobs. GitHub starts the gate, staging and (behind required reviewers) production
    with workflow_run once a push's test.yaml and build.yaml runs complete, so they count per push, the
    gate once although it runs once per completed workflow. A preview counts per pull-request push.
    Rollbacks, the teardown and a manual promotion count for no trigger (UNCOUNTED)."""
    deploy = design.deploy

    def job(job_id: str, triggers: frozenset[Trigger], needs: tuple[str, ...] = ()) -> JobSpec:
        return JobSpec(
            workflow="deploy", id=job_id, runner=files.DEFAULT_RUNNER, triggers=triggers, needs=needs
        )

    jobs = []
    if deploy.preview is not None:
        jobs += [
            job("preview", PULL_REQUEST_ONLY),
            job("preview-rollback", UNCOUNTED, ("preview",)),
            job("preview-teardown", UNCOUNTED),
        ]
    reviewed = deploy.production_approval == "reviewers"
    # The gate starts when the push's test.yaml and build.yaml runs complete (workflow_run): a push's
    # deploy waits for the image, so the run's wall-clock includes the build.
    awaited = ("test", "build") if design.build.enabled else ("test",)
    jobs += [
        dataclasses.replace(job("gate", PUSH_ONLY), after_workflows=awaited),
        job("staging", PUSH_ONLY, ("gate",)),
        job("staging-rollback", UNCOUNTED, ("gate", "staging")),
        job(
            "production", PUSH_ONLY if reviewed else UNCOUNTED, ("gate", "staging") if reviewed else ("gate",)
        ),
        job("production-rollback", UNCOUNTED, ("gate", "production")),
    ]
    return jobs


def code_security(design: Design) -> bool:
    """Whether code scanning and dependency review are available: public repositories have them, private
    ones with GitHub Code Security (security.code_security)."""
    return design.billing.visibility == "public" or design.security.code_security


def workflow_jobs(design: Design, workflow: str) -> list[JobSpec]:
    return [job for job in pipeline_jobs(design) if job.workflow == workflow]


def workflow_triggers(design: Design, workflow: str) -> frozenset[Trigger]:
    """The triggers a workflow listens to: the union of its jobs' triggers."""
    triggers: set[Trigger] = set()
    for job in workflow_jobs(design, workflow):
        triggers |= job.triggers
    return frozenset(triggers)
