"""What a design costs and how long it takes: per trigger, per workflow, per month.

design -> job instances (pipeline.instances) -> cost (billing) and schedule (schedule) -> the month.
A pull request and a push to the default branch start different jobs (build platforms, deploys,
dependency review), so every figure is per trigger.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from pipekit import files
from pipekit.cost import billing, cron, schedule
from pipekit.design.model import TRIGGERS, Design, Trigger
from pipekit.facts.runners import load_catalog
from pipekit.pipeline.instances import JobRun, job_runs

TRIGGER_TITLES: Mapping[Trigger, str] = {
    "pull_request": "a pull request push",
    "push": "a push to the default branch",
    "schedule": "a scheduled run",
}


@dataclasses.dataclass(frozen=True, kw_only=True)
class WorkflowRun:
    """One workflow started by one trigger: its own cost and its wall-clock when it runs alone."""

    workflow: str
    trigger: Trigger
    cost: billing.RunCost
    schedule: schedule.Schedule

    @property
    def jobs(self) -> int:
        return len(self.cost.jobs)


@dataclasses.dataclass(frozen=True, kw_only=True)
class TriggerRun:
    """Everything one trigger event starts; `schedule` runs all its workflows together."""

    trigger: Trigger
    workflows: tuple[WorkflowRun, ...]
    cost: billing.RunCost
    schedule: schedule.Schedule


@dataclasses.dataclass(frozen=True, kw_only=True)
class PipelinePlan:
    design: Design
    triggers: tuple[TriggerRun, ...]
    month: billing.MonthCost

    def trigger(self, name: Trigger) -> TriggerRun:
        return next(run for run in self.triggers if run.trigger == name)


# The workflow whose pull-request runs ignore project.paths_ignore: it holds the required check, and a
# workflow a path filter skips leaves its required checks pending (GitHub docs, "Troubleshooting required
# status checks"), so a docs-only pull request could never merge.
REQUIRED_CHECK_WORKFLOW = "test"
DOCS_ONLY_PULL_REQUESTS = "pull_request (ignored paths only)"


def runs_per_month(design: Design, trigger: Trigger, workflow: str | None = None) -> int:
    """How often `trigger` starts `workflow` (default: every workflow) in a month: scheduled runs from
    the cron of security.schedule, the others from billing.runs_per_month. Pushes and pull requests that
    change only ignored paths (project.paths_ignore) start none, but for test.yaml's pull requests."""
    if trigger == "schedule":
        return cron.runs_per_month(design.security.schedule, dt.date.fromisoformat(design.billing.prices_on))
    runs = design.billing.runs_per_month.get(trigger, 0)
    if not design.project.paths_ignore:
        return runs
    if trigger == "pull_request" and workflow == REQUIRED_CHECK_WORKFLOW:
        return runs
    return round(runs * (1 - design.billing.ignored_share))


def plan_design(design: Design) -> PipelinePlan:
    """Cost and schedule every trigger of the design, and project a month."""
    cat = load_catalog()
    plan = cat.plan(design.billing.plan)
    custom = design.runners
    prices_on = dt.date.fromisoformat(design.billing.prices_on)

    def cost(runs: list[JobRun]) -> billing.RunCost:
        return billing.cost_run(
            runs,
            catalog=cat,
            plan=plan,
            visibility=design.billing.visibility,
            custom_runners=custom,
            prices_on=prices_on,
        )

    triggers: list[TriggerRun] = []
    for trigger in TRIGGERS:
        runs = job_runs(design, trigger)
        per_workflow: list[WorkflowRun] = []
        for workflow in files.WORKFLOWS:
            name = files.workflow_file(workflow).name
            mine = [run for run in runs if run.workflow == name]
            if mine:
                per_workflow.append(
                    WorkflowRun(
                        workflow=name,
                        trigger=trigger,
                        cost=cost(mine),
                        schedule=schedule.simulate(mine, plan=plan, catalog=cat, custom_runners=custom),
                    )
                )
        triggers.append(
            TriggerRun(
                trigger=trigger,
                workflows=tuple(per_workflow),
                cost=cost(runs),
                schedule=schedule.simulate(runs, plan=plan, catalog=cat, custom_runners=custom),
            )
        )
    rows: list[tuple[str, int, billing.RunCost]] = [
        (run.trigger, runs_per_month(design, run.trigger), run.cost) for run in triggers
    ]
    pull_request = next(run for run in triggers if run.trigger == "pull_request")
    docs_only = runs_per_month(design, "pull_request", REQUIRED_CHECK_WORKFLOW) - runs_per_month(
        design, "pull_request"
    )
    required = files.workflow_file(REQUIRED_CHECK_WORKFLOW).name
    test_only = [wf.cost for wf in pull_request.workflows if wf.workflow == required]
    if docs_only and test_only:
        rows.append((DOCS_ONLY_PULL_REQUESTS, docs_only, test_only[0]))
    month = billing.project_month(rows, plan=plan)
    return PipelinePlan(design=design, triggers=tuple(triggers), month=month)
