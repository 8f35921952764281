"""The report `pipekit plan` prints, as text or as JSON."""

from __future__ import annotations

from typing import Any

from pipekit import files
from pipekit.cost import billing, schedule
from pipekit.cost.plan import TRIGGER_TITLES, PipelinePlan
from pipekit.wording import minutes, plural, usd


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
                f"{usd(wf.cost.usd):>11}{minutes(wf.schedule.wall_clock):>13}"
            )
        lines.append(
            f"  {'all workflows together':<26}{len(run.cost.jobs):>6}{run.cost.billable_minutes:>14}"
            f"{usd(run.cost.usd):>11}{minutes(run.schedule.wall_clock):>13}"
        )
    test_file = files.workflow_file("test").name
    test_runs = [job for job in plan.trigger("push").cost.jobs if job.job.workflow == test_file]
    matrix_jobs = [job for job in test_runs if job.job.job == "test"]
    if matrix_jobs:
        lines += ["", f"Test matrix ({plural(len(matrix_jobs), 'job')}):"]
        for job in matrix_jobs:
            lines.append(
                f"  {job.job.name:<44}{job.runner.label:<16}{job.minutes:>6.1f} min"
                f"{job.billable_minutes:>4} billable{usd(job.usd):>8}"
            )
    deploy = design.deploy
    if deploy.enabled:
        how = (
            "after the production environment's required reviewers approve"
            if deploy.production_approval == "reviewers"
            else "when someone starts the promotion by hand (workflow_dispatch); required reviewers on "
            "environments need a public repository or GitHub Enterprise"
        )
        lines += ["", f"Production deploys {how}."]
    month = plan.month
    lines += ["", f"Per month ({month.plan.name} plan, {month.plan.included_minutes:,} included minutes):"]
    width = max(14, *(len(row.trigger) + 1 for row in month.triggers))
    for row in month.triggers:
        lines.append(
            f"  {row.trigger:<{width}}{row.runs:>5} runs{row.billable_minutes:>9} billable min"
            f"{row.included_minutes_used:>9} included{usd(row.gross_usd):>12} gross"
            f"{usd(row.overage_usd):>12} to pay"
        )
    lines.append(
        f"  total: {month.billable_minutes:,} billable minutes, "
        f"{month.included_minutes_used:,} included minutes used ({month.included_basis}), "
        f"{usd(month.gross_usd)} gross, {usd(month.overage_usd)} to pay"
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
