"""What a design costs and how long it takes: per trigger, per workflow, per month.

design -> job instances (jobs.job_runs) -> cost (billing) and schedule (schedule) -> month projection.
A pull request and a push to the default branch start different jobs (build platforms, deploys,
dependency review), so every figure is per trigger.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pandas as pd

from pipekit import billing, catalog, jobs, schedule
from pipekit.design import TRIGGERS, Design, Trigger
from pipekit.jobrun import JobRun

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


def custom_runners(design: Design) -> dict[str, catalog.CustomRunner]:
    return {
        label: catalog.CustomRunner(label=label, kind=spec.kind, os=spec.os, price_class=spec.price_class)
        for label, spec in design.runners.items()
    }


def plan_design(design: Design) -> PipelinePlan:
    """Cost and schedule every trigger of the design, and project a month."""
    cat = catalog.load_catalog()
    plan = cat.plan(design.billing.plan, path="billing.plan")
    custom = custom_runners(design)
    cat.check_custom(custom)
    prices_on = dt.date.fromisoformat(design.billing.prices_on)

    def os_of(label: str, path: str) -> str:
        return cat.runner(label, custom, path=path).os

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
        runs = jobs.job_runs(design, trigger, os_of=os_of)
        per_workflow: list[WorkflowRun] = []
        for workflow in jobs.WORKFLOWS:
            mine = [run for run in runs if run.workflow == f"{workflow}.yaml"]
            if mine:
                per_workflow.append(
                    WorkflowRun(
                        workflow=f"{workflow}.yaml",
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
    month = billing.project_month(
        [(run.trigger, design.billing.runs_per_month.get(run.trigger, 0), run.cost) for run in triggers],
        plan=plan,
    )
    return PipelinePlan(design=design, triggers=tuple(triggers), month=month)


# ------------------------------------------------------------------------------------------- tables


def workflows_frame(plan: PipelinePlan) -> pd.DataFrame:
    """One row per trigger and workflow: jobs, billable minutes, USD per run, wall-clock."""
    rows = [
        {
            "trigger": run.trigger,
            "workflow": wf.workflow,
            "jobs": wf.jobs,
            "billable_minutes": wf.cost.billable_minutes,
            "usd_per_run": float(wf.cost.usd),
            "wall_clock_minutes": float(wf.schedule.wall_clock),
        }
        for run in plan.triggers
        for wf in run.workflows
    ]
    return pd.DataFrame(
        rows, columns=["trigger", "workflow", "jobs", "billable_minutes", "usd_per_run", "wall_clock_minutes"]
    )


def jobs_frame(plan: PipelinePlan, trigger: Trigger) -> pd.DataFrame:
    """One row per job instance started by `trigger`, with its cost."""
    return plan.trigger(trigger).cost.to_frame()


def month_frame(plan: PipelinePlan) -> pd.DataFrame:
    return plan.month.to_frame()


def gantt_frame(plan: PipelinePlan, trigger: Trigger) -> pd.DataFrame:
    return plan.trigger(trigger).schedule.to_frame()


# --------------------------------------------------------------------------------------------- output


def _usd(value: Decimal) -> str:
    return f"${value.quantize(Decimal('0.01')):,}"


def _minutes(value: float) -> str:
    return f"{float(value):.1f} min"


def format_text(plan: PipelinePlan) -> str:
    """The report `pipekit plan` prints."""
    design = plan.design
    lines: list[str] = [
        f"pipekit plan: {design.project.name} on the {design.billing.plan} plan, "
        f"{design.billing.visibility} repository, prices in force on {design.billing.prices_on}",
    ]
    for run in plan.triggers:
        if not run.workflows:
            continue
        lines += ["", f"On {TRIGGER_TITLES[run.trigger]} ({run.trigger}):"]
        lines.append(f"  {'workflow':<26}{'jobs':>6}{'billable min':>14}{'USD/run':>11}{'wall-clock':>13}")
        for wf in run.workflows:
            lines.append(
                f"  {wf.workflow:<26}{wf.jobs:>6}{wf.cost.billable_minutes:>14}"
                f"{_usd(wf.cost.usd):>11}{_minutes(wf.schedule.wall_clock):>13}"
            )
        lines.append(
            f"  {'all workflows together':<26}{len(run.cost.jobs):>6}{run.cost.billable_minutes:>14}"
            f"{_usd(run.cost.usd):>11}{_minutes(run.schedule.wall_clock):>13}"
        )
    test_runs = [job for job in plan.trigger("push").cost.jobs if job.job.workflow == "test.yaml"]
    matrix_jobs = [job for job in test_runs if job.job.job == "test"]
    if matrix_jobs:
        lines += ["", f"Test matrix ({len(matrix_jobs)} jobs):"]
        for job in matrix_jobs:
            lines.append(
                f"  {job.job.name:<44}{job.runner.label:<16}{job.minutes:>6.1f} min"
                f"{job.billable_minutes:>4} billable{_usd(job.usd):>8}"
            )
    month = plan.month
    lines += ["", f"Per month ({month.plan.name} plan, {month.plan.included_minutes:,} included minutes):"]
    for row in month.triggers:
        lines.append(
            f"  {row.trigger:<14}{row.runs:>5} runs{row.billable_minutes:>9} billable min"
            f"{row.included_minutes_used:>9} included{_usd(row.gross_usd):>12} gross"
            f"{_usd(row.overage_usd):>12} to pay"
        )
    lines.append(
        f"  total: {month.billable_minutes:,} billable minutes, "
        f"{month.included_minutes_used:,} included minutes used ({month.included_basis}), "
        f"{_usd(month.gross_usd)} gross, {_usd(month.overage_usd)} to pay"
    )
    return "\n".join(lines) + "\n"


def to_json(plan: PipelinePlan) -> dict[str, Any]:
    """Machine-readable plan: per trigger and workflow, each job instance, and the month."""

    def job_row(cost: billing.JobCost, sched: schedule.ScheduledJob | None) -> dict[str, Any]:
        row: dict[str, Any] = {
            "workflow": cost.job.workflow,
            "job": cost.job.job,
            "name": cost.job.name,
            "matrix": dict(cost.job.matrix),
            "runs_on": cost.runner.label,
            "os": cost.runner.os,
            "minutes": round(cost.minutes, 4),
            "billable_minutes": cost.billable_minutes,
            "usd": str(cost.usd),
            "included_minutes": cost.included_minutes_consumed,
        }
        if sched is not None:
            row["start"] = round(float(sched.start), 4)
            row["end"] = round(float(sched.end), 4)
        return row

    triggers = []
    for run in plan.triggers:
        triggers.append(
            {
                "trigger": run.trigger,
                "jobs": len(run.cost.jobs),
                "billable_minutes": run.cost.billable_minutes,
                "usd": str(run.cost.usd),
                "wall_clock_minutes": round(float(run.schedule.wall_clock), 4),
                "workflows": [
                    {
                        "workflow": wf.workflow,
                        "jobs": wf.jobs,
                        "billable_minutes": wf.cost.billable_minutes,
                        "usd": str(wf.cost.usd),
                        "wall_clock_minutes": round(float(wf.schedule.wall_clock), 4),
                    }
                    for wf in run.workflows
                ],
                "job_runs": [
                    job_row(cost, sched) for cost, sched in zip(run.cost.jobs, run.schedule.jobs, strict=True)
                ],
            }
        )
    month = plan.month
    return {
        "plan": month.plan.name,
        "visibility": plan.design.billing.visibility,
        "prices_on": plan.design.billing.prices_on,
        "triggers": triggers,
        "month": {
            "included_minutes": month.plan.included_minutes,
            "included_basis": month.included_basis,
            "billable_minutes": month.billable_minutes,
            "included_minutes_used": month.included_minutes_used,
            "gross_usd": str(month.gross_usd),
            "overage_usd": str(month.overage_usd),
            "triggers": [
                {
                    "trigger": row.trigger,
                    "runs": row.runs,
                    "billable_minutes": row.billable_minutes,
                    "included_minutes_used": row.included_minutes_used,
                    "gross_usd": str(row.gross_usd),
                    "overage_usd": str(row.overage_usd),
                }
                for row in month.triggers
            ],
        },
    }
