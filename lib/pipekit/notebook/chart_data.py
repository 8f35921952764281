"""What the notebook charts show, as plain frozen data: the monthly cost stacked by runner OS, one run's
schedule with the macOS slots it uses, and the test matrix's legs.

Each chart is drawn from one of these values and from nothing else, so a value is also the key of the
chart's cache: equal data, equal picture. Nothing here imports matplotlib or pandas: the Gantt rows are
the plan's schedule as `cost.frames.gantt_frame` tabulates it, read without building a DataFrame on
every widget change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal, TypeAlias

from pipekit import files
from pipekit.cost.billing import JobCost
from pipekit.cost.plan import PipelinePlan, runs_per_month
from pipekit.cost.schedule import Schedule, ScheduledJob
from pipekit.design.model import AXES, TRIGGERS, Design, Trigger
from pipekit.github.matrix import expand_matrix, expand_matrix_legs
from pipekit.wording import plural

OS_ORDER = ("linux", "windows", "macos")
ZERO = Decimal(0)

# ------------------------------------------------------------------------------ cost per month, by OS


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostBar:
    """One bar: USD a month at list price, split by runner OS (OS_ORDER, only those with a cost)."""

    label: str
    by_os: tuple[tuple[str, Decimal], ...]

    @property
    def total(self) -> Decimal:
        return sum((usd for _, usd in self.by_os), ZERO)


@dataclasses.dataclass(frozen=True, kw_only=True)
class MonthlyCost:
    """The overview: one bar per workflow; a workflow's page: one bar per trigger of that workflow."""

    title: str
    bars: tuple[CostBar, ...]

    @property
    def total(self) -> Decimal:
        return sum((bar.total for bar in self.bars), ZERO)


def _bar(label: str, jobs: Sequence[tuple[JobCost, int]]) -> CostBar:
    """A bar of `jobs`, each with how many runs a month start it."""
    by_os: dict[str, Decimal] = {}
    for job, runs in jobs:
        by_os[job.runner.os] = by_os.get(job.runner.os, ZERO) + job.usd * runs
    return CostBar(label=label, by_os=tuple((os, by_os[os]) for os in OS_ORDER if by_os.get(os)))


def monthly_cost(plan: PipelinePlan, workflow: str | None = None) -> MonthlyCost:
    """USD a month at list price of the pipeline by workflow (`workflow` None) or of one workflow (its
    stem) by trigger; runs a month as `runs_per_month` counts them for that workflow."""
    design = plan.design
    where = f"{design.billing.visibility} repository"  # list prices are the same on every plan
    if workflow is None:
        bars = []
        for stem in files.WORKFLOWS:
            name = files.workflow_file(stem).name
            jobs = [
                (job, runs_per_month(design, run.trigger, stem))
                for run in plan.triggers
                for job in run.cost.jobs
                if job.job.workflow == name
            ]
            if jobs:
                bars.append(_bar(name, jobs))
        title = f"USD a month at list price, by workflow and runner OS ({where})"
        return MonthlyCost(title=title, bars=tuple(bars))
    name = files.workflow_file(workflow).name
    bars = []
    for trigger in TRIGGERS:
        runs = runs_per_month(design, trigger, workflow)
        jobs = [(job, runs) for job in plan.trigger(trigger).cost.jobs if job.job.workflow == name]
        bars.append(_bar(f"{trigger}: {plural(runs, 'run')}", jobs))
    title = f"{name}: USD a month at list price, by trigger and runner OS ({where})"
    return MonthlyCost(title=title, bars=tuple(bars))


# ------------------------------------------------------------------------------------ one run's Gantt


@dataclasses.dataclass(frozen=True, kw_only=True)
class GanttRow:
    """One job instance: queued from `ready` to `start` (waiting for a free slot), running to `end`."""

    label: str
    os: str
    ready: float
    start: float
    end: float
    critical: bool  # on the chain that ends last


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunGantt:
    """The jobs of the scope in one run of `trigger`, as the whole run schedules them, and the macOS
    jobs running over time in the whole run (the plan's macOS limit holds for the whole run)."""

    trigger: Trigger
    scope: str  # "the pipeline" or a workflow file name
    rows: tuple[GanttRow, ...]
    wall_clock: float  # of the whole run
    scope_wall_clock: float  # when the scope's last job ends
    plan_name: str
    concurrent_jobs: int
    macos_limit: int
    macos_running: tuple[tuple[float, int], ...]  # (time, count from then on), starting at time 0


def macos_running(schedule: Schedule) -> tuple[tuple[float, int], ...]:
    """How many jobs run on GitHub-hosted macOS runners, as steps: (time, count from then on). A job that
    ends frees its slot before one that starts at the same time takes it, as the scheduler does."""
    events: dict[float, int] = {0.0: 0}
    for item in schedule.jobs:
        if item.runner.os == "macos" and not item.runner.self_hosted and item.end > item.start:
            events[item.start] = events.get(item.start, 0) + 1
            events[item.end] = events.get(item.end, 0) - 1
    steps: list[tuple[float, int]] = []
    count = 0
    for time in sorted(events):
        count += events[time]
        if not steps or steps[-1][1] != count:
            steps.append((time, count))
    return tuple(steps)


def _row(item: ScheduledJob, critical: bool, *, prefix: bool) -> GanttRow:
    label = f"{item.job.workflow}: {item.job.name}" if prefix else item.job.name
    return GanttRow(
        label=label, os=item.runner.os, ready=item.ready, start=item.start, end=item.end, critical=critical
    )


def run_gantt(plan: PipelinePlan, trigger: Trigger, workflow: str | None = None) -> RunGantt:
    """One `trigger` run of the whole pipeline (`workflow` None) or of one workflow's jobs (its stem),
    scheduled as they are in the whole run."""
    schedule = plan.trigger(trigger).schedule
    on_path = {item.index for item in schedule.critical_path}
    name = files.workflow_file(workflow).name if workflow else None
    chosen = [item for item in schedule.jobs if name is None or item.job.workflow == name]
    limits = plan.month.plan
    return RunGantt(
        trigger=trigger,
        scope=name or "the pipeline",
        rows=tuple(_row(item, item.index in on_path, prefix=name is None) for item in chosen),
        wall_clock=float(schedule.wall_clock),
        scope_wall_clock=max((item.end for item in chosen), default=0.0),
        plan_name=limits.name,
        concurrent_jobs=limits.concurrent_jobs,
        macos_limit=limits.concurrent_macos_jobs,
        macos_running=macos_running(schedule),
    )


# ------------------------------------------------------------------------------------ the test matrix

MATRIX_WORKFLOW = "test"  # the workflow that runs the test matrix
LegKind: TypeAlias = Literal["leg", "included", "excluded"]
Measure: TypeAlias = Literal["USD", "minutes"]
Triple: TypeAlias = tuple[str, str, str]  # (python-version, os, mode)


@dataclasses.dataclass(frozen=True, kw_only=True)
class MatrixCell:
    """A leg of the test matrix (`kind` "leg", or "included": a leg an include entry adds), or a
    combination of the axes that exclude removes ("excluded": no leg, no value)."""

    python: str
    os: str
    mode: str
    kind: LegKind
    value: float | None  # USD or minutes of the leg in one run; None when excluded or not run


@dataclasses.dataclass(frozen=True, kw_only=True)
class MatrixGrid:
    """Rows are Python versions, columns runner labels by mode; one cell per leg, and one per
    combination exclude removes. Axis values only an include entry brings come after the axes' own."""

    trigger: Trigger
    pythons: tuple[str, ...]
    oses: tuple[str, ...]
    modes: tuple[str, ...]
    cells: tuple[MatrixCell, ...]
    measure: Measure
    runs: bool  # whether `trigger` starts the test job

    @property
    def legs(self) -> tuple[MatrixCell, ...]:
        return tuple(cell for cell in self.cells if cell.kind != "excluded")


def _triple(matrix: Any) -> Triple:
    python, os, mode = (str(matrix[axis]) for axis in AXES)
    return python, os, mode


def _in_order(*groups: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for group in groups for value in group))


def matrix_grid(plan: PipelinePlan, trigger: Trigger) -> MatrixGrid:
    """The test matrix as the plan expands it, each leg valued by its cost (or, when every leg is free,
    its estimated minutes) in one run of `trigger`."""
    design: Design = plan.design
    axes = design.test.matrix
    strategy = axes.strategy()
    legs = [leg.matrix for leg in expand_matrix_legs(strategy, job="test")]
    # the combinations left after exclude, before include adds its own legs
    kept = {_triple(combination) for combination in expand_matrix({**strategy, "include": []}, job="test")}
    test_file = files.workflow_file(MATRIX_WORKFLOW).name
    costs = [
        job
        for job in plan.trigger(trigger).cost.jobs
        if (job.job.workflow, job.job.job) == (test_file, "test")
    ]
    runs = bool(costs)
    assert not runs or [dict(job.job.matrix) for job in costs] == legs, "the plan expands the same matrix"
    measure: Measure = "USD" if any(job.usd for job in costs) else "minutes"
    cells: list[MatrixCell] = []
    for index, leg in enumerate(legs):
        python, os, mode = _triple(leg)
        value: float | None = None
        if runs:
            job = costs[index]
            value = float(job.usd) if measure == "USD" else float(job.minutes)
        kind: LegKind = "leg" if (python, os, mode) in kept else "included"
        cells.append(MatrixCell(python=python, os=os, mode=mode, kind=kind, value=value))
    present = {(cell.python, cell.os, cell.mode) for cell in cells}
    for python in axes.python_version:
        for os in axes.os:
            for mode in axes.mode:
                if (python, os, mode) not in present:
                    cells.append(MatrixCell(python=python, os=os, mode=mode, kind="excluded", value=None))
    return MatrixGrid(
        trigger=trigger,
        pythons=_in_order(axes.python_version, [cell.python for cell in cells]),
        oses=_in_order(axes.os, [cell.os for cell in cells]),
        modes=_in_order(axes.mode, [cell.mode for cell in cells]),
        cells=tuple(cells),
        measure=measure,
        runs=runs,
    )


# ------------------------------------------------------------------------------------- a page's charts

ChartKind: TypeAlias = Literal["gantt", "cost", "matrix"]
ChartData: TypeAlias = RunGantt | MonthlyCost | MatrixGrid


def page_charts(workflow: str | None) -> tuple[ChartKind, ...]:
    """The charts of a page whose figures cover `workflow` (None: the pipeline): one run's Gantt, the
    monthly cost, and on the page of the test matrix's workflow, the matrix."""
    return ("gantt", "cost", "matrix") if workflow == MATRIX_WORKFLOW else ("gantt", "cost")


def build(kind: ChartKind, plan: PipelinePlan, trigger: Trigger, workflow: str | None) -> ChartData:
    """The data of chart `kind` for a page covering `workflow`, with the Gantt and matrix of `trigger`."""
    if kind == "gantt":
        return run_gantt(plan, trigger, workflow)
    if kind == "cost":
        return monthly_cost(plan, workflow)
    return matrix_grid(plan, trigger)


def nothing_to_draw(data: ChartData) -> str | None:
    """Why a chart has nothing to show (a run in which the scope starts no job), or None."""
    if isinstance(data, RunGantt) and not data.rows:
        return f"{data.scope} starts no job on {data.trigger}."
    return None
