"""The headline numbers of a view (one workflow, or the whole pipeline) and their text forms."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from pipekit import files
from pipekit.cost.plan import PipelinePlan, runs_per_month
from pipekit.design.model import TRIGGERS, Trigger
from pipekit.wording import minutes, plural, usd

ZERO = Decimal(0)


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunFigures:
    """One trigger's run of the scope."""

    trigger: Trigger
    jobs: int
    billable_minutes: int
    usd: Decimal
    wall_clock: float
    runs_per_month: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class Figures:
    """`workflow` None means the whole pipeline (every workflow a trigger starts, run together)."""

    workflow: str | None
    runs: tuple[RunFigures, ...]
    usd_per_month: Decimal  # gross: every run of the scope at list price
    to_pay_per_month: Decimal  # the whole pipeline, after the plan's included minutes

    @property
    def scope(self) -> str:
        return files.workflow_file(self.workflow).name if self.workflow else "the pipeline"

    def run(self, trigger: Trigger) -> RunFigures:
        return next(run for run in self.runs if run.trigger == trigger)


def figures(plan: PipelinePlan, workflow: str | None = None) -> Figures:
    """Per-trigger figures of one workflow (file stem, e.g. ``"test"``) or of the whole pipeline."""
    runs: list[RunFigures] = []
    for trigger in TRIGGERS:
        count = runs_per_month(plan.design, trigger, workflow)
        run = plan.trigger(trigger)
        jobs, billable, cost, wall = 0, 0, ZERO, 0.0
        if workflow is None:
            if run.cost.jobs:
                jobs, billable, cost = len(run.cost.jobs), run.cost.billable_minutes, run.cost.usd
                wall = float(run.schedule.wall_clock)
        else:
            for wf in run.workflows:
                if wf.workflow == files.workflow_file(workflow).name:
                    jobs, billable, cost = wf.jobs, wf.cost.billable_minutes, wf.cost.usd
                    wall = float(wf.schedule.wall_clock)
        runs.append(
            RunFigures(
                trigger=trigger,
                jobs=jobs,
                billable_minutes=billable,
                usd=cost,
                wall_clock=wall,
                runs_per_month=count,
            )
        )
    # the whole pipeline's month is the projection's (docs-only pull requests run test.yaml alone)
    month = plan.month.gross_usd if workflow is None else sum((r.usd * r.runs_per_month for r in runs), ZERO)
    return Figures(
        workflow=workflow, runs=tuple(runs), usd_per_month=month, to_pay_per_month=plan.month.overage_usd
    )


def summary_line(figs: Figures, trigger: Trigger) -> str:
    run = figs.run(trigger)
    return (
        f"{figs.scope} on {trigger}: {plural(run.jobs, 'job')}, "
        f"{plural(run.billable_minutes, 'billable minute')}, "
        f"{usd(run.usd)} per run, {minutes(run.wall_clock)} wall-clock; "
        f"{usd(figs.usd_per_month)} a month at list price"
    )


def text_table(figs: Figures) -> str:
    """A fixed-width table of every trigger, then the month, for reports read without widgets."""
    lines = [
        f"{figs.scope}: per run, by trigger",
        f"  {'trigger':<14}{'jobs':>6}{'billable min':>14}{'USD/run':>11}{'wall-clock':>13}"
        f"{'runs/month':>12}",
    ]
    for run in figs.runs:
        lines.append(
            f"  {run.trigger:<14}{run.jobs:>6}{run.billable_minutes:>14}{usd(run.usd):>11}"
            f"{minutes(run.wall_clock):>13}{run.runs_per_month:>12}"
        )
    lines.append(f"  per month at list price: {usd(figs.usd_per_month)}")
    lines.append(f"  the whole pipeline pays per month, after included minutes: {usd(figs.to_pay_per_month)}")
    return "\n".join(lines) + "\n"


def deltas(now: Figures, saved: Figures, trigger: Trigger) -> dict[str, str]:
    """Each headline figure's change from the saved design, as the panel shows it next to the figure
    (``+4``, ``-$1.20``, ``-3.5 min``); empty for a figure that did not change."""
    run, before = now.run(trigger), saved.run(trigger)

    def signed(text: str, negative: bool) -> str:
        return ("-" if negative else "+") + text

    changes: dict[str, str] = {}
    if run.jobs != before.jobs:
        changes["job-count"] = signed(str(abs(run.jobs - before.jobs)), run.jobs < before.jobs)
    if run.billable_minutes != before.billable_minutes:
        difference = run.billable_minutes - before.billable_minutes
        changes["billable-minutes"] = signed(str(abs(difference)), difference < 0)
    if run.usd != before.usd:
        changes["usd-run"] = signed(usd(abs(run.usd - before.usd)), run.usd < before.usd)
    if now.usd_per_month != saved.usd_per_month:
        difference_usd = now.usd_per_month - saved.usd_per_month
        changes["usd-month"] = signed(usd(abs(difference_usd)), difference_usd < 0)
    if run.wall_clock != before.wall_clock:
        wall = run.wall_clock - before.wall_clock
        changes["wall-clock"] = signed(minutes(abs(wall)), wall < 0)
    return changes
