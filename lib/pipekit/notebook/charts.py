"""Matplotlib figures for the overview: monthly cost by workflow and OS, and a Gantt chart of one run.

Figures are drawn without pyplot (no global state, no GUI backend) and turned into PNG bytes without
the software-version metadata, so re-running a notebook gives the same bytes.
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from pipekit import files
from pipekit.cost.frames import gantt_frame
from pipekit.cost.plan import PipelinePlan, runs_per_month
from pipekit.design.model import Trigger

OS_COLOURS = {"linux": "#e8a33d", "windows": "#3d7be8", "macos": "#8a8a8a"}
OS_ORDER = ("linux", "windows", "macos")


def monthly_cost_by_workflow_os(plan: PipelinePlan) -> dict[str, dict[str, Decimal]]:
    """USD a month at list price, per workflow file and runner OS."""
    table: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    stems = {file.name: file.workflow for file in files.FILES if file.workflow}
    for run in plan.triggers:
        for job in run.cost.jobs:
            count = runs_per_month(plan.design, run.trigger, stems[job.job.workflow])
            table[job.job.workflow][job.runner.os] += job.usd * count
    return {workflow: dict(by_os) for workflow, by_os in table.items()}


def cost_chart(plan: PipelinePlan) -> Figure:
    """Stacked bars: each workflow's monthly cost, split by runner OS."""
    table = monthly_cost_by_workflow_os(plan)
    workflows = sorted(table, key=lambda name: -sum(table[name].values()))
    figure = Figure(figsize=(8, 3.6), dpi=96)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    bottom = [0.0] * len(workflows)
    for os_name in OS_ORDER:
        values = [float(table[name].get(os_name, Decimal(0))) for name in workflows]
        if any(values):
            axes.bar(workflows, values, bottom=bottom, label=os_name, color=OS_COLOURS[os_name])
            bottom = [low + value for low, value in zip(bottom, values, strict=True)]
    axes.set_ylabel("USD per month (list price)")
    axes.set_title(f"Monthly cost by workflow and runner OS ({plan.design.billing.plan} plan)")
    axes.legend(frameon=False)
    axes.tick_params(axis="x", labelrotation=15)
    figure.tight_layout()
    return figure


def gantt_chart(plan: PipelinePlan, trigger: Trigger) -> Figure:
    """One run's schedule under the plan's concurrency limits; the critical path is outlined."""
    rows = gantt_frame(plan, trigger)
    limits = plan.month.plan
    height = max(3.0, 0.22 * len(rows) + 1.2)
    figure = Figure(figsize=(9, height), dpi=96)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.barh(
        range(len(rows)),
        rows["minutes"],
        left=rows["start"],
        color=[OS_COLOURS.get(str(os), "#999999") for os in rows["os"]],
        edgecolor=["#b00020" if critical else "none" for critical in rows["critical"]],
        linewidth=1.5,
    )
    axes.set_yticks(range(len(rows)), list(rows["label"]), fontsize=7)
    axes.invert_yaxis()
    wall = plan.trigger(trigger).schedule.wall_clock
    axes.axvline(float(wall), color="#b00020", linestyle=":", linewidth=1)
    axes.set_xlabel("minutes from the start of the run")
    axes.set_title(
        f"One {trigger} run: {float(wall):.1f} min wall-clock\n"
        f"{limits.name} plan: at most {limits.concurrent_jobs} concurrent jobs, "
        f"{limits.concurrent_macos_jobs} on macOS; critical path outlined",
        fontsize=9,
    )
    used = set(rows["os"])
    handles = [Patch(color=OS_COLOURS[name], label=name) for name in OS_ORDER if name in used]
    axes.legend(handles=handles, frameon=False, fontsize=8, loc="lower right")
    figure.tight_layout()
    return figure


def png(figure: Figure) -> bytes:
    """PNG bytes of a figure, without the metadata that changes between matplotlib versions."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
