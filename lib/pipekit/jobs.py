"""The pipeline's job graph: every workflow's jobs, their runners, matrices, needs and triggers.

Renderers and the cost model both start here, so the plan always describes the YAML that is written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from pipekit.design import Design, Estimates, Trigger
from pipekit.errors import DesignError, MatrixError
from pipekit.jobrun import JobRun
from pipekit.matrix import expand_matrix
from pipekit.schema import did_you_mean

WORKFLOWS: tuple[str, ...] = ("test", "build", "security", "license-compliance", "deploy")
ON_CHANGE: frozenset[Trigger] = frozenset(("pull_request", "push"))
ALWAYS: frozenset[Trigger] = frozenset(("pull_request", "push", "schedule"))
PULL_REQUEST_ONLY: frozenset[Trigger] = frozenset(("pull_request",))
PUSH_ONLY: frozenset[Trigger] = frozenset(("push",))


@dataclasses.dataclass(frozen=True, kw_only=True)
class JobSpec:
    """One job of one workflow, before matrix expansion."""

    workflow: str  # file stem: "test" for test.yaml
    id: str
    runner: str  # label, or "${{ matrix.os }}" for the test matrix
    triggers: frozenset[Trigger]
    matrix: Mapping[str, Any] | None = None  # GitHub strategy.matrix
    needs: tuple[str, ...] = ()
    max_parallel: int | None = None

    @property
    def file(self) -> str:
        return f"{self.workflow}.yaml"


def test_matrix(design: Design) -> dict[str, Any]:
    """The test job's strategy.matrix, as written in test.yaml."""
    matrix = design.test.matrix
    result: dict[str, Any] = {
        "python-version": list(matrix.python_version),
        "os": list(matrix.os),
        "mode": list(matrix.mode),
    }
    if matrix.exclude:
        result["exclude"] = [dict(entry) for entry in matrix.exclude]
    if matrix.include:
        result["include"] = [dict(entry) for entry in matrix.include]
    return result


def report_leg(design: Design) -> dict[str, Any]:
    """The test matrix leg that uploads coverage and whose mode the benchmark uses.

    The design's choice, else the last leg on a Linux runner (newest Python, fullest mode), else the last.
    """
    chosen = design.test.coverage.report_leg
    legs = expand_matrix(test_matrix(design), job="test")
    if chosen:
        if not any(all(leg.get(key) == value for key, value in chosen.items()) for leg in legs):
            raise DesignError(
                "test.coverage.report_leg",
                "no leg of the test matrix has these values (is it excluded?); pick a leg that runs",
            )
        return dict(chosen)
    linux = [leg for leg in legs if str(leg.get("os", "")).startswith("ubuntu")]
    leg = (linux or legs)[-1]
    return {key: leg[key] for key in ("python-version", "os", "mode") if key in leg}


def pipeline_jobs(design: Design) -> list[JobSpec]:
    """Every job the design's workflows contain, in workflow then job order."""
    jobs: list[JobSpec] = []
    test, py_runner = design.test, "ubuntu-latest"
    if test.lint.ruff_format or test.lint.ruff_check or test.lint.mypy:
        jobs.append(JobSpec(workflow="test", id="lint", runner=py_runner, triggers=ON_CHANGE))
    jobs.append(
        JobSpec(
            workflow="test",
            id="test",
            runner="${{ matrix.os }}",
            triggers=ON_CHANGE,
            matrix=MappingProxyType(test_matrix(design)),
            max_parallel=test.max_parallel,
        )
    )
    if test.benchmark.enabled:
        jobs.append(
            JobSpec(workflow="test", id="benchmark", runner=test.benchmark.runner, triggers=ON_CHANGE)
        )
    if test.dependency_audit:
        jobs.append(JobSpec(workflow="test", id="dependency-audit", runner=py_runner, triggers=ON_CHANGE))

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
            jobs.append(JobSpec(workflow="security", id=job_id, runner=py_runner, triggers=triggers))

    if design.license.enabled:
        for job_id, needs in (("headers", ()), ("dependencies", ()), ("report", ("headers", "dependencies"))):
            jobs.append(
                JobSpec(
                    workflow="license-compliance",
                    id=job_id,
                    runner=py_runner,
                    triggers=ON_CHANGE,
                    needs=needs,
                )
            )

    deploy = design.deploy
    if deploy.enabled:
        if deploy.preview is not None:
            jobs.append(
                JobSpec(workflow="deploy", id="preview", runner=py_runner, triggers=PULL_REQUEST_ONLY)
            )
        jobs.append(JobSpec(workflow="deploy", id="staging", runner=py_runner, triggers=PUSH_ONLY))
        jobs.append(
            JobSpec(
                workflow="deploy",
                id="production",
                runner=py_runner,
                triggers=PUSH_ONLY,
                needs=("staging",),
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


def check_estimates(design: Design, jobs: Sequence[JobSpec]) -> None:
    """Every estimate names a workflow and job that exist (a typo would silently be ignored)."""
    known: dict[str, set[str]] = {}
    for spec in jobs:
        known.setdefault(spec.workflow, set()).add(spec.id)
    all_ids = {wf: set(ids) for wf, ids in Estimates().minutes.items()}
    for wf, ids in known.items():
        all_ids.setdefault(wf, set()).update(ids)
    for workflow, minutes in design.estimates.minutes.items():
        if workflow not in all_ids:
            raise DesignError(
                f"estimates.minutes.{workflow}",
                f"unknown workflow{did_you_mean(workflow, all_ids)} (workflows: {', '.join(WORKFLOWS)})",
            )
        for job in minutes:
            if job not in all_ids[workflow]:
                raise DesignError(
                    f"estimates.minutes.{workflow}.{job}",
                    f"unknown job{did_you_mean(job, all_ids[workflow])} "
                    f"(jobs of {workflow}: {', '.join(sorted(all_ids[workflow]))})",
                )
    for i, override in enumerate(design.estimates.overrides):
        if override.workflow not in all_ids:
            raise DesignError(
                f"estimates.overrides[{i}].workflow",
                f"unknown workflow {override.workflow!r}{did_you_mean(override.workflow, all_ids)}",
            )
        if override.job not in all_ids[override.workflow]:
            raise DesignError(
                f"estimates.overrides[{i}].job",
                f"unknown job {override.job!r}{did_you_mean(override.job, all_ids[override.workflow])}",
            )


def base_minutes(design: Design, workflow: str, job: str) -> float:
    """Linux minutes of a job: the design's figure, else the default table's."""
    configured = design.estimates.minutes.get(workflow, {})
    if job in configured:
        return configured[job]
    return Estimates().minutes.get(workflow, {}).get(job, 5.0)


def substitute_matrix(text: str, combination: Mapping[str, Any]) -> str:
    for key, value in combination.items():
        text = text.replace(f"${{{{ matrix.{key} }}}}", str(value))
    return text


def estimate_minutes(design: Design, job: JobSpec, combination: Mapping[str, Any], os_family: str) -> float:
    """Estimated minutes of one job instance: an exact override, else base x OS factor x mode factor."""
    estimates = design.estimates
    for override in estimates.overrides:
        if (
            override.workflow == job.workflow
            and override.job == job.id
            and all(combination.get(key) == value for key, value in override.match.items())
        ):
            return override.minutes
    minutes = base_minutes(design, job.workflow, job.id)
    minutes *= dict(estimates.os_factor).get(os_family, 1.0)  # type: ignore[call-overload]
    mode = combination.get("mode")
    if isinstance(mode, str):
        minutes *= estimates.mode_factor.get(mode, 1.0)
    return float(minutes)


# The design key of each job's runner label (jobs not listed here run on ubuntu-latest).
_RUNNER_KEYS = {"benchmark": "test.benchmark.runner", "image": "build.runner"}


def job_runs(
    design: Design, trigger: Trigger, *, os_of: Any, workflows: Sequence[str] = WORKFLOWS
) -> list[JobRun]:
    """The job instances one `trigger` event starts, matrices expanded, with estimated minutes.

    `os_of(label, path)` returns a runner label's OS family ("linux", "windows", "macos").
    """
    runs: list[JobRun] = []
    jobs = pipeline_jobs(design)
    check_estimates(design, jobs)
    for job in jobs:
        if trigger not in job.triggers or job.workflow not in workflows:
            continue
        try:
            combinations = expand_matrix(job.matrix, job=job.id) if job.matrix else [{}]
        except MatrixError as error:
            raise DesignError("test.matrix", str(error)) from None
        for index, combination in enumerate(combinations):
            runner = substitute_matrix(job.runner, combination)
            if job.matrix:
                path = f"test.matrix.os (leg {index + 1})"
            else:
                path = _RUNNER_KEYS.get(job.id, f"{job.workflow}.runner")
            os_family = os_of(runner, path)
            runs.append(
                JobRun(
                    workflow=job.file,
                    job=job.id,
                    matrix=combination,
                    runner=runner,
                    minutes=estimate_minutes(design, job, combination, os_family),
                    needs=job.needs,
                    max_parallel=job.max_parallel,
                )
            )
    return runs
