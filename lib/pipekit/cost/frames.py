"""Tables of a plan for notebooks: pandas DataFrames of job costs, months, schedules and workflows.

Only the notebooks import this module (and with it pandas); the command line never does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from pipekit.cost.billing import MonthCost, RunCost
from pipekit.cost.plan import PipelinePlan
from pipekit.cost.schedule import Schedule
from pipekit.design.model import Trigger


def _frame(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A DataFrame with `columns` in that order, also when there are no rows."""
    return pd.DataFrame(list(rows), columns=list(columns))


RUN_COLUMNS = (
    "workflow", "job", "name", "runner", "os", "kind", "price_class", "minutes", "billable_minutes",
    "usd_per_minute", "usd", "included_minutes", "free_reason",
)  # fmt: skip


def run_frame(cost: RunCost) -> pd.DataFrame:
    """One row per job instance, for notebooks. USD columns are floats of the exact values."""
    return _frame(
        (
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
        ),
        RUN_COLUMNS,
    )


MONTH_COLUMNS = (
    "trigger", "runs", "billable_minutes", "included_minutes_needed", "included_minutes_used", "gross_usd",
    "overage_usd",
)  # fmt: skip


def month_frame(month: MonthCost) -> pd.DataFrame:
    """One row per trigger, for notebooks. USD columns are floats of the exact values."""
    return _frame(
        (
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
        ),
        MONTH_COLUMNS,
    )


def to_frame(cost: RunCost | MonthCost) -> pd.DataFrame:
    """A DataFrame of a run (one row per job instance) or a month (one row per trigger)."""
    return run_frame(cost) if isinstance(cost, RunCost) else month_frame(cost)


SCHEDULE_COLUMNS = (
    "label", "workflow", "job", "name", "runner", "os", "kind", "ready", "start", "end", "minutes", "waited",
    "held_by", "critical",
)  # fmt: skip


def schedule_frame(schedule: Schedule) -> pd.DataFrame:
    """One row per instance, ready for a Gantt chart (``barh(y=label, width=minutes, left=start)``)."""
    on_path = {item.index for item in schedule.critical_path}
    return _frame(
        (
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
        ),
        SCHEDULE_COLUMNS,
    )


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
