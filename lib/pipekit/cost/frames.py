"""Tables of a plan for notebooks: pandas DataFrames of job costs, months, schedules and workflows.

Only the notebooks import this module (and with it pandas); the command line never does.
"""

from __future__ import annotations

import pandas as pd

from pipekit.cost.billing import MonthCost, RunCost
from pipekit.cost.plan import PipelinePlan
from pipekit.cost.schedule import Schedule
from pipekit.design.model import Trigger


def run_frame(cost: RunCost) -> pd.DataFrame:
    """One row per job instance, for notebooks. USD columns are floats of the exact values."""
    columns = [
        "workflow",
        "job",
        "name",
        "runner",
        "os",
        "kind",
        "price_class",
        "minutes",
        "billable_minutes",
        "usd_per_minute",
        "usd",
        "included_minutes",
        "free_reason",
    ]
    rows = [
        {
            "workflow": item.job.workflow,
            "job": item.job.job,
            "name": item.job.name,
            "runner": item.runner.label,
            "os": item.runner.os,
            "kind": item.runner.kind,
            "price_class": item.runner.price_class,
            "minutes": item.minutes,
            "billable_minutes": item.billable_minutes,
            "usd_per_minute": float(item.usd_per_minute),
            "usd": float(item.usd),
            "included_minutes": item.included_minutes_consumed,
            "free_reason": item.free_reason,
        }
        for item in cost.jobs
    ]
    return pd.DataFrame(rows, columns=columns)


def month_frame(month: MonthCost) -> pd.DataFrame:
    """One row per trigger, for notebooks. USD columns are floats of the exact values."""
    columns = [
        "trigger",
        "runs",
        "billable_minutes",
        "included_minutes_needed",
        "included_minutes_used",
        "gross_usd",
        "overage_usd",
    ]
    rows = [
        {
            "trigger": row.trigger,
            "runs": row.runs,
            "billable_minutes": row.billable_minutes,
            "included_minutes_needed": row.included_minutes_needed,
            "included_minutes_used": row.included_minutes_used,
            "gross_usd": float(row.gross_usd),
            "overage_usd": float(row.overage_usd),
        }
        for row in month.triggers
    ]
    return pd.DataFrame(rows, columns=columns)


def to_frame(cost: RunCost | MonthCost) -> pd.DataFrame:
    """A DataFrame of a run (one row per job instance) or a month (one row per trigger)."""
    return run_frame(cost) if isinstance(cost, RunCost) else month_frame(cost)


def schedule_frame(schedule: Schedule) -> pd.DataFrame:
    """One row per instance, ready for a Gantt chart (``barh(y=label, width=minutes, left=start)``)."""

    on_path = {item.index for item in schedule.critical_path}
    columns = [
        "label",
        "workflow",
        "job",
        "name",
        "runner",
        "os",
        "kind",
        "ready",
        "start",
        "end",
        "minutes",
        "waited",
        "held_by",
        "critical",
    ]
    rows = [
        {
            "label": f"{item.job.workflow}: {item.job.name}",
            "workflow": item.job.workflow,
            "job": item.job.job,
            "name": item.job.name,
            "runner": item.runner.label,
            "os": item.runner.os,
            "kind": item.runner.kind,
            "ready": item.ready,
            "start": item.start,
            "end": item.end,
            "minutes": item.end - item.start,
            "waited": item.waited,
            "held_by": item.held_by,
            "critical": item.index in on_path,
        }
        for item in schedule.jobs
    ]
    return pd.DataFrame(rows, columns=columns)


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
    return run_frame(plan.trigger(trigger).cost)


def gantt_frame(plan: PipelinePlan, trigger: Trigger) -> pd.DataFrame:
    """The schedule of one `trigger` run, for a Gantt chart."""
    return schedule_frame(plan.trigger(trigger).schedule)
