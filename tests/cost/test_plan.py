"""Plan figures against hand-computed examples, and totals against the sum of their jobs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipekit.cost.frames import workflows_frame
from pipekit.cost.plan import PipelinePlan, plan_design
from pipekit.cost.report import format_text, to_json
from pipekit.design.model import Trigger
from pipekit.errors import DesignError
from pipekit.pipeline import graph as jobs

from ..designs import reference


def test_default_test_matrix_costs_by_hand() -> None:
    plan = plan_design(reference({}))
    push = plan.trigger("push")
    legs = [job for job in push.cost.jobs if job.job.job == "test"]
    assert len(legs) == 18
    # Linux 6.0 min x mode factors 1.0/1.2/1.4 = 6.0, 7.2, 8.4 -> 6, 8, 9 billable (rounded up per job)
    # macOS x1.3: 7.8, 9.36, 10.92 -> 8, 10, 11; Windows x1.6: 9.6, 11.52, 13.44 -> 10, 12, 14
    by_os = {"ubuntu-latest": [6, 8, 9], "macos-latest": [8, 10, 11], "windows-latest": [10, 12, 14]}
    for job in legs:
        modes = ["basic", "enhanced", "production"]
        assert job.billable_minutes == by_os[job.job.runner][modes.index(job.job.matrix["mode"])]
    assert sum(job.billable_minutes for job in legs) == 2 * (23 + 29 + 36)
    # USD: Linux 46 min x $0.006 + macOS 58 x $0.062 + Windows 72 x $0.010 (prices from 2026-01-01)
    expected = (
        Decimal("46") * Decimal("0.006") + Decimal("58") * Decimal("0.062") + Decimal("72") * Decimal("0.010")
    )
    assert sum((job.usd for job in legs), Decimal(0)) == expected == Decimal("4.592")


def test_pull_request_and_push_start_different_jobs() -> None:
    # dependency review needs code scanning (public, or Code Security); previews need a teardown
    changes = {
        "security": {"code_security": True},
        "deploy": {"preview": {}, "commands": {"teardown": "true"}},
    }
    plan = plan_design(reference(changes))
    pr = {(j.job.workflow, j.job.job) for j in plan.trigger("pull_request").cost.jobs}
    push = {(j.job.workflow, j.job.job) for j in plan.trigger("push").cost.jobs}
    assert ("security.yaml", "dependency-review") in pr - push
    assert ("deploy.yaml", "preview") in pr - push
    # production is promoted by hand in the reference design, so a push deploys staging (after the gate)
    assert {("deploy.yaml", "gate"), ("deploy.yaml", "staging")} <= push - pr
    assert ("deploy.yaml", "production") not in push
    schedule = {j.job.workflow for j in plan.trigger("schedule").cost.jobs}
    assert schedule == {"security.yaml"}


def test_dependency_review_runs_only_where_github_offers_it() -> None:
    def jobs(changes: dict[str, object]) -> set[str]:
        return {j.job.job for j in plan_design(reference(changes)).trigger("pull_request").cost.jobs}

    assert "dependency-review" not in jobs({})  # private, without Code Security
    assert "dependency-review" in jobs({"billing": {"visibility": "public"}})
    assert "dependency-review" in jobs({"security": {"code_security": True}})


def test_totals_equal_the_sum_of_their_jobs() -> None:
    plan = plan_design(reference({}))
    for run in plan.triggers:
        assert run.cost.billable_minutes == sum(wf.cost.billable_minutes for wf in run.workflows)
        assert run.cost.usd == sum((wf.cost.usd for wf in run.workflows), Decimal(0))
        # workflows run side by side, but deploy.yaml starts after test.yaml and build.yaml complete
        walls = {wf.workflow: wf.schedule.wall_clock for wf in run.workflows}
        awaited = max(walls.get("test.yaml", 0), walls.get("build.yaml", 0))
        expected = max([wall for name, wall in walls.items() if name != "deploy.yaml"], default=0)
        if "deploy.yaml" in walls:
            expected = max(expected, awaited + walls["deploy.yaml"])
        assert run.schedule.wall_clock == pytest.approx(expected)
    frame = workflows_frame(plan)
    assert frame["jobs"].sum() == sum(len(run.cost.jobs) for run in plan.triggers)
    data = to_json(plan)
    for trigger in data["triggers"]:
        assert trigger["billable_minutes"] == sum(j["billable_minutes"] for j in trigger["job_runs"])
        assert Decimal(trigger["usd"]) == sum(Decimal(j["usd"]) for j in trigger["job_runs"])
    month = plan.month
    runs = {**plan.design.billing.runs_per_month, "schedule": 4}  # '17 3 * * 1': 52 or 53 Mondays a year
    assert month.billable_minutes == sum(
        run.cost.billable_minutes * runs[run.trigger] for run in plan.triggers
    )


def test_macos_concurrency_limit_sets_the_wall_clock() -> None:
    # Team plan: 5 concurrent macOS jobs; 6 macOS legs -> the sixth waits for the first to end.
    plan = plan_design(reference({}))
    test_run = next(wf for wf in plan.trigger("push").workflows if wf.workflow == "test.yaml")
    macos = sorted(
        (item for item in test_run.schedule.jobs if item.runner.os == "macos"), key=lambda item: item.start
    )
    assert [float(item.start) for item in macos[:5]] == [0.0] * 5
    assert float(macos[5].start) == pytest.approx(min(float(item.end) for item in macos[:5]))
    # then the `passed` job (0.2 min) once every test job has finished, and the report (0.5 min) after it
    assert float(test_run.schedule.wall_clock) == pytest.approx(7.8 + 10.92 + 0.2 + 0.5)


def test_public_repository_pays_nothing_on_standard_runners() -> None:
    plan = plan_design(reference({"billing": {"visibility": "public"}}))
    assert all(run.cost.usd == 0 for run in plan.triggers)
    assert plan.month.overage_usd == 0


def test_larger_runner_is_billed_even_when_public() -> None:
    design = reference(
        {
            "billing": {"visibility": "public"},
            "runners": {"linux-16": {"kind": "larger", "os": "linux", "price_class": "linux-x64-16core"}},
            "build": {"runner": "linux-16", "platforms_push": ["linux/amd64"]},  # native: no emulation
        }
    )
    plan = plan_design(design)
    image = next(job for job in plan.trigger("push").cost.jobs if job.job.job == "image")
    assert image.billable_minutes == 11
    assert image.usd == Decimal("11") * Decimal("0.042")


def test_overrides_and_unknown_estimates() -> None:
    design = reference(
        {
            "estimates": {
                "overrides": [
                    {"workflow": "test", "job": "test", "match": {"os": "windows-latest"}, "minutes": 20}
                ]
            }
        }
    )
    legs = [j for j in plan_design(design).trigger("push").cost.jobs if j.job.runner == "windows-latest"]
    assert {job.minutes for job in legs} == {20}
    with pytest.raises(
        DesignError, match=r"estimates.minutes.test.tests: unknown job; did you mean 'test'\?"
    ):
        plan_design(reference({"estimates": {"minutes": {"test": {"tests": 3}}}}))


def test_unknown_runner_label_has_did_you_mean() -> None:
    with pytest.raises(DesignError, match="did you mean 'ubuntu-latest'"):
        plan_design(reference({"test": {"matrix": {"os": ["ubunto-latest"]}}}))


def test_report_lists_the_18_job_matrix_with_costs() -> None:
    text = format_text(plan_design(reference({})))
    assert "Test matrix (18 jobs):" in text
    assert "test (3.11, macos-latest, production)" in text
    assert "$0.68" in text  # 11 billable macOS minutes x $0.062


def test_report_leg_defaults_to_the_last_linux_leg() -> None:
    assert jobs.report_leg(reference({})) == {
        "python-version": "3.12",
        "os": "ubuntu-latest",
        "mode": "production",
    }


def test_ignored_paths_skip_runs_but_never_the_required_check() -> None:
    changes = {
        "project": {"paths_ignore": ["docs/**"]},
        "billing": {"ignored_share": 0.25, "runs_per_month": {"pull_request": 100, "push": 40}},
    }
    plan = plan_design(reference(changes))
    rows = {row.trigger: row for row in plan.month.triggers}
    assert rows["push"].runs == 30  # a docs-only push starts no workflow
    assert rows["pull_request"].runs == 75
    # a docs-only pull request still runs test.yaml: it holds the check branch protection requires
    docs_only = rows["pull_request (ignored paths only)"]
    test_yaml = next(wf for wf in plan.trigger("pull_request").workflows if wf.workflow == "test.yaml")
    assert docs_only.runs == 25
    assert docs_only.gross_usd == test_yaml.cost.usd * 25
    assert plan.month.gross_usd == sum((row.gross_usd for row in plan.month.triggers), Decimal(0))


def test_a_push_deploys_after_its_test_and_build_runs_complete() -> None:
    plan = plan_design(reference({}))
    jobs = plan.trigger("push").schedule.jobs
    awaited_end = max(job.end for job in jobs if job.job.workflow in ("test.yaml", "build.yaml"))
    gate = next(job for job in jobs if job.job.workflow == "deploy.yaml" and job.job.job == "gate")
    assert gate.ready == gate.start == awaited_end
    staging = next(job for job in jobs if job.job.job == "staging")
    assert staging.start == gate.end
    # the build is on the critical path of the push run: the deploy waits for the image
    assert "build.yaml" in {job.job.workflow for job in plan.trigger("push").schedule.critical_path}


def test_pull_requests_run_no_deploy_gate_so_nothing_waits_for_the_build() -> None:
    plan = plan_design(reference({}))
    jobs = plan.trigger("pull_request").schedule.jobs
    assert not any(job.job.job == "gate" for job in jobs)


def test_emulated_platforms_lengthen_the_image_build() -> None:
    native = plan_design(reference({"build": {"platforms_push": ["linux/amd64"]}}))
    three = plan_design(
        reference({"build": {"platforms_push": ["linux/amd64", "linux/arm/v7", "linux/s390x"]}})
    )
    mine = plan_design(
        reference(
            {
                "build": {"platforms_push": ["linux/amd64", "linux/arm/v7", "linux/s390x"]},
                "estimates": {"platform_factor": {"linux/arm/v7": 2.0, "linux/s390x": 3.0}},
            }
        )
    )

    def image_minutes(plan: PipelinePlan, trigger: Trigger = "push") -> float:
        return next(job.minutes for job in plan.trigger(trigger).cost.jobs if job.job.job == "image")

    assert image_minutes(native) == 11.0
    assert image_minutes(three) == 11.0 * (1 + 4.0 + 4.0)  # data/build-platforms.yaml's assumed factors
    assert image_minutes(mine) == 11.0 * (1 + 2.0 + 3.0)
    assert image_minutes(three, "pull_request") == 11.0  # pull requests build linux/amd64 alone


def test_an_emulated_build_over_the_job_limit_is_a_design_error() -> None:
    with pytest.raises(DesignError, match=r"estimates\.minutes\.build\.image: .*over the 360-minute limit"):
        reference(
            {
                "build": {"platforms_push": ["linux/amd64", "linux/arm64"]},
                "estimates": {"minutes": {"build": {"image": 100}}},
            }
        )
