"""The job graph of a design: the jobs each workflow holds, their runners, needs and triggers, and the
instances GitHub starts. The registry of generated files (`pipekit.files`) lists every job id it may hold."""

from __future__ import annotations

from typing import Any

import pytest

from pipekit import files
from pipekit.design.rules import runner_label_fields
from pipekit.pipeline.graph import MATRIX_RUNNER, expand_job, pipeline_jobs, report_leg, workflow_triggers
from pipekit.pipeline.instances import job_runs

from ..designs import reference

DESIGNS: dict[str, dict[str, Any]] = {
    "default": {},
    "everything-off": {
        "test": {
            "lint": {"ruff_format": False, "ruff_check": False, "mypy": False},
            "benchmark": {"enabled": False},
            "report": {"enabled": False},
        },
        "build": {"enabled": False},
        "security": {
            name: {"enabled": False}
            for name in ("gitleaks", "trivy", "bandit", "pip_audit", "dependency_review", "sbom")
        },
        "license": {"enabled": False},
        "deploy": {"enabled": False},
    },
    "custom-runners": {
        "runners": {"farm": {"kind": "self-hosted", "os": "linux"}},
        "test": {"benchmark": {"runner": "farm"}, "matrix": {"os": ["ubuntu-24.04-arm", "farm"]}},
        "build": {"runner": "farm"},
        "deploy": {"preview": None},
    },
}


@pytest.mark.parametrize("name", list(DESIGNS))
def test_jobs_are_the_registered_ones_and_needs_stay_in_their_workflow(name: str) -> None:
    design = reference(DESIGNS[name])
    jobs = pipeline_jobs(design)
    registered = files.job_ids()
    for job in jobs:
        assert job.id in registered[job.workflow]
        siblings = {other.id for other in jobs if other.workflow == job.workflow}
        assert set(job.needs) <= siblings - {job.id}
    # the registry's order is the order jobs appear in each workflow
    for workflow, ids in registered.items():
        present = [job.id for job in jobs if job.workflow == workflow]
        assert present == [job_id for job_id in ids if job_id in present]


@pytest.mark.parametrize("name", list(DESIGNS))
def test_every_runner_is_one_the_design_wrote_or_the_default(name: str) -> None:
    design = reference(DESIGNS[name])
    written = {label for _, label in runner_label_fields(design)}
    for job in pipeline_jobs(design):
        assert job.runner in {files.DEFAULT_RUNNER, MATRIX_RUNNER, *written}
        for leg in expand_job(job):
            assert leg.runner in {files.DEFAULT_RUNNER, *written}


def test_the_test_job_legs_carry_github_display_names() -> None:
    design = reference({})
    (test,) = [job for job in pipeline_jobs(design) if job.id == "test"]
    legs = expand_job(test)
    assert len(legs) == 18
    assert legs[0].name == "test (3.11, ubuntu-latest, basic)"
    assert legs[0].runner == "ubuntu-latest"
    runs = [run for run in job_runs(design, "push") if run.job == "test"]
    assert [run.name for run in runs] == [leg.name for leg in legs]


def test_everything_off_leaves_only_the_test_matrix() -> None:
    jobs = pipeline_jobs(reference(DESIGNS["everything-off"]))
    assert [(job.workflow, job.id) for job in jobs] == [("test", "test"), ("test", "passed")]


def test_the_report_comes_after_every_other_test_job() -> None:
    """The run's report needs `passed` too, so it can show every job's result; `passed` does not need
    the report: the required check never waits for it."""
    jobs = {job.id: job for job in pipeline_jobs(reference({})) if job.workflow == "test"}
    assert list(jobs) == ["lint", "test", "benchmark", "passed", "report"]
    assert jobs["report"].needs == ("lint", "test", "benchmark", "passed")
    assert "report" not in jobs["passed"].needs
    assert jobs["report"].triggers == jobs["test"].triggers
    off = reference({"test": {"report": {"enabled": False}}})
    assert "report" not in {job.id for job in pipeline_jobs(off) if job.workflow == "test"}


def test_triggers_follow_the_jobs() -> None:
    design = reference({})
    assert workflow_triggers(design, "security") == {"pull_request", "push", "schedule"}
    assert workflow_triggers(design, "deploy") == {"push"}
    preview = reference({"deploy": {"preview": {}, "commands": {"teardown": "true"}}})
    assert workflow_triggers(preview, "deploy") == {"pull_request", "push"}


def test_report_leg_is_the_last_linux_leg_by_the_catalogue() -> None:
    # ubuntu-24.04-arm is Linux by the runner catalogue, whatever its name starts with
    design = reference({"test": {"matrix": {"os": ["ubuntu-24.04-arm", "macos-latest"]}}})
    assert report_leg(design) == {"python-version": "3.12", "os": "ubuntu-24.04-arm", "mode": "production"}
    farm = reference(DESIGNS["custom-runners"])
    assert report_leg(farm)["os"] == "farm"  # a self-hosted Linux runner is Linux too


# --- deploy.yaml --------------------------------------------------------------------------------------

PREVIEWS = {"deploy": {"preview": {}, "commands": {"teardown": "true"}}}
REVIEWERS = {"billing": {"plan": "enterprise"}, "deploy": {"production_approval": "reviewers"}}


def deploy_jobs(changes: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """deploy.yaml's job ids and their needs."""
    return {job.id: job.needs for job in pipeline_jobs(reference(changes)) if job.workflow == "deploy"}


def counted(changes: dict[str, Any], trigger: Any) -> list[str]:
    return [run.job for run in job_runs(reference(changes), trigger, workflows=("deploy",))]


def test_deploy_jobs_follow_previews_and_the_production_approval() -> None:
    assert deploy_jobs({}) == {
        "gate": (),
        "staging": ("gate",),
        "staging-rollback": ("gate", "staging"),
        "production": ("gate",),  # a manual promotion: its own run, checked by the gate
        "production-rollback": ("gate", "production"),
    }
    reviewed = deploy_jobs(REVIEWERS)
    assert reviewed["production"] == ("gate", "staging")  # after staging, behind the required reviewers
    previews = deploy_jobs(PREVIEWS)
    assert list(previews)[:3] == ["preview", "preview-rollback", "preview-teardown"]
    assert previews["preview-rollback"] == ("preview",)
    assert deploy_jobs({"deploy": {"enabled": False}}) == {}


def test_deploy_jobs_count_for_the_triggers_that_start_them() -> None:
    """workflow_run starts the gate and staging after a push's Test and Build runs: they count per push;
    production too when required reviewers hold it in that run. A preview counts per pull-request push.
    Rollbacks (only after a failure), the teardown (a pull request closing) and a manual promotion count
    for no trigger."""
    assert counted(PREVIEWS, "push") == ["gate", "staging"]
    assert counted(PREVIEWS, "pull_request") == ["preview"]
    assert counted(PREVIEWS, "schedule") == []
    assert counted(REVIEWERS, "push") == ["gate", "staging", "production"]
