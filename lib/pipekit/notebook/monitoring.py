"""The monitoring notebook's content: the run history as tables and charts, from `pipekit.history`.

Tables are pandas frames rounded for reading (the same text every run, for nbval); charts are matplotlib
figures drawn without pyplot and shown as PNGs without software metadata, so re-running gives the same
bytes. The notebook reads a history database, or builds one in memory from a recorded history.
"""

from __future__ import annotations

import dataclasses
import io
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from pipekit.cost.plan import PipelinePlan, plan_design
from pipekit.design.load import load_design
from pipekit.design.model import Design
from pipekit.errors import InputFileError
from pipekit.history import measures, trends
from pipekit.history.recorded import load_recorded, read_recorded
from pipekit.history.report import HistoryReport, MeasuredJob, build_report, measure
from pipekit.history.store import Artifact, ArtifactFile, Job, Run, open_store

CONCLUSION_COLOURS = {
    "success": "#4c9a5b",
    "failure": "#c8453b",
    "cancelled": "#9a9a9a",
    "skipped": "#d9d9d9",
    "other": "#e8a33d",
}
WEEKS_A_MONTH = Decimal(52) / Decimal(12)


@dataclasses.dataclass(frozen=True, kw_only=True)
class History:
    """Everything the notebook shows, read once."""

    design: Design
    runs: tuple[Run, ...]
    jobs: tuple[Job, ...]
    measured: tuple[MeasuredJob, ...]
    report: HistoryReport
    plan: PipelinePlan
    files: dict[str, tuple[tuple[Artifact, ArtifactFile], ...]]  # by kind


def load(
    database: str | None,
    recorded: str | None,
    design: str,
    since: str | None = None,
    until: str | None = None,
) -> History:
    """The history of runs created in [since, until): from `database`, or, when it is None, from the
    `recorded` history loaded into a database in memory."""
    if database is None and recorded is None:
        raise InputFileError(
            "monitoring: set `database` (a history database) or `recorded` (a recorded history)"
        )
    if database is not None and not Path(database).is_file():
        raise InputFileError(f"{database}: no history database here; run `pipekit history fetch` first")
    chosen = load_design(design)
    # SQLite's ":memory:" is a database that lives as long as the connection, never a file
    with open_store(database if database is not None else ":memory:") as store:
        if database is None:
            assert recorded is not None
            load_recorded(store, read_recorded(recorded))
        runs, jobs = store.runs(since, until), store.jobs(since, until)
        files = {kind: tuple(store.artifact_files(kind)) for kind in ("coverage", "benchmark", "sarif")}
    return History(
        design=chosen,
        runs=tuple(runs),
        jobs=tuple(jobs),
        measured=tuple(measure(chosen, runs, jobs)),
        report=build_report(chosen, runs, jobs),
        plan=plan_design(chosen),
        files=files,
    )


def summary(history: History) -> str:
    runs = history.runs
    if not runs:
        return "No runs in this window."
    workflows = len({run.path for run in runs})
    return (
        f"{len(runs)} runs of {workflows} workflows created {runs[0].created_at[:10]} to "
        f"{runs[-1].created_at[:10]}: {len(history.measured)} jobs that ran, "
        f"{sum(row.billable_minutes for row in history.report.jobs):,} billable minutes, "
        f"${sum((row.usd for row in history.report.jobs), Decimal(0)):,.2f} at the design's prices "
        f"({history.design.billing.prices_on}, {history.design.billing.visibility} repository)."
    )


# ------------------------------------------------------------------------------------------- charts


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=96)
    FigureCanvasAgg(figure)
    return figure


def png(figure: Figure) -> bytes:
    """PNG bytes of a figure, without the metadata that changes between matplotlib versions."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def show(figure: Figure) -> None:
    from IPython import display

    display.display(display.Image(data=png(figure)))  # type: ignore[no-untyped-call]


def _weeks(history: History) -> list[str]:
    return sorted({measures.week_of(run.created_at) for run in history.runs})


def status_chart(history: History) -> Figure:
    """Per workflow, its runs per week stacked by conclusion."""
    weeks = _weeks(history)
    workflows = sorted({run.path for run in history.runs})
    figure = _figure(9, 1.9 * max(1, len(workflows)) + 0.6)
    for index, workflow in enumerate(workflows):
        axes = figure.add_subplot(len(workflows), 1, index + 1)
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for run in history.runs:
            if run.path == workflow:
                kind = run.conclusion if run.conclusion in CONCLUSION_COLOURS else "other"
                counts[kind][measures.week_of(run.created_at)] += 1
        bottom = [0] * len(weeks)
        for kind, colour in CONCLUSION_COLOURS.items():
            values = [counts[kind][week] for week in weeks]
            if any(values):
                axes.bar(weeks, values, bottom=bottom, color=colour, label=kind)
                bottom = [low + value for low, value in zip(bottom, values, strict=True)]
        axes.set_ylabel("runs")
        axes.set_title(workflow, fontsize=9, loc="left")
        axes.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        axes.tick_params(labelsize=7)
    figure.suptitle("Runs per week by conclusion (weeks from Monday, UTC)", fontsize=10)
    figure.tight_layout()
    return figure


def costliest_jobs(history: History, count: int) -> list[tuple[str, str]]:
    """(workflow, job) of the `count` jobs with the most billable minutes."""
    rows = sorted(history.report.jobs, key=lambda row: (-row.billable_minutes, row.workflow, row.job))
    return [(row.workflow, row.job) for row in rows[:count]]


def trend_chart(history: History, jobs: Sequence[tuple[str, str]], *, queue: bool = False) -> Figure:
    """Per job, the weekly median duration (or queue time) with the band up to the weekly p90."""
    weeks = _weeks(history)
    figure = _figure(9, 3.6)
    axes = figure.add_subplot()
    for workflow, name in jobs:
        by_week: dict[str, list[float]] = defaultdict(list)
        for item in history.measured:
            if (item.workflow, item.job.name) == (workflow, name):
                value = item.queue if queue else item.minutes
                if value is not None:
                    by_week[measures.week_of(item.run.created_at)].append(value)
        shown = [week for week in weeks if by_week[week]]
        medians = [measures.median(by_week[week]) or 0.0 for week in shown]
        p90s = [measures.nearest_rank(by_week[week], 90) or 0.0 for week in shown]
        (line,) = axes.plot(shown, medians, marker="o", label=name)
        axes.fill_between(shown, medians, p90s, color=line.get_color(), alpha=0.15)
    axes.set_ylabel("queue minutes" if queue else "minutes")
    what = "queue time" if queue else "duration"
    axes.set_title(f"Weekly median {what}, shaded up to the weekly p90", fontsize=10)
    axes.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes.tick_params(labelsize=7)
    figure.tight_layout()
    return figure


def spend_chart(history: History) -> Figure:
    """USD per week at the design's prices against the plan's projection of a week."""
    frame = spend(history)
    figure = _figure(9, 3.2)
    axes = figure.add_subplot()
    axes.bar(frame["week"], frame["usd"], color="#3d7be8", label="actual (list price)")
    axes.axhline(float(frame["plan_usd"].iloc[0]) if len(frame) else 0.0, color="#c8453b", linestyle="--",
                 label="the plan's projection")  # fmt: skip
    axes.set_ylabel("USD per week")
    axes.set_title("Spend per week against the plan (before included minutes)", fontsize=10)
    axes.legend(frameon=False, fontsize=8)
    axes.tick_params(labelsize=7)
    figure.tight_layout()
    return figure


def quality_chart(history: History) -> Figure:
    """Coverage and each benchmark's mean over time, one panel each, regressions ringed."""
    coverage = trends.coverage_points(history.runs, history.files["coverage"])
    benchmarks = trends.benchmark_points(history.runs, history.files["benchmark"])
    names = sorted({point.name for point in benchmarks})
    figure = _figure(9, 2.2 * (1 + len(names)) + 0.4)
    panels = [("coverage", coverage, "percent")] + [
        (name, [point for point in benchmarks if point.name == name], "mean ms") for name in names
    ]
    for index, (title, points, unit) in enumerate(panels):
        axes = figure.add_subplot(len(panels), 1, index + 1)
        scale = 1000.0 if unit == "mean ms" else 1.0
        days = [point.created_at[:10] for point in points]
        axes.plot(days, [point.value * scale for point in points], marker=".", color="#3d7be8")
        axes.set_title(title, fontsize=9, loc="left")
        axes.set_ylabel(unit, fontsize=8)
        axes.tick_params(labelsize=6, axis="x", labelrotation=45)
    figure.tight_layout()
    return figure


# ------------------------------------------------------------------------------------------- tables


def _frame(rows: Sequence[Mapping[str, object]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def slowest_legs(history: History, count: int = 10) -> pd.DataFrame:
    """The jobs with the longest p90 duration."""
    rows = sorted(history.report.jobs, key=lambda row: (-row.p90_minutes, row.workflow, row.job))[:count]
    return _frame(
        [
            {
                "workflow": row.workflow.rsplit("/", 1)[-1],
                "job": row.job,
                "runs": row.runs,
                "median min": round(row.median_minutes, 1),
                "p90 min": round(row.p90_minutes, 1),
                "median queue min": None
                if row.median_queue_minutes is None
                else round(row.median_queue_minutes, 1),
            }
            for row in rows
        ],
        ["workflow", "job", "runs", "median min", "p90 min", "median queue min"],
    )


def failing_jobs(history: History) -> pd.DataFrame:
    """Jobs that failed or timed out, most failures first, with their failure and flaky rates."""
    failures: Counter[tuple[str, str]] = Counter()
    for item in history.measured:
        if item.job.conclusion in measures.FAILED:
            failures[(item.workflow, item.job.name)] += 1
    by_key = {(row.workflow, row.job): row for row in history.report.jobs}
    rows = []
    for (workflow, name), count in sorted(failures.items(), key=lambda entry: (-entry[1], entry[0])):
        row = by_key[(workflow, name)]
        rows.append(
            {
                "workflow": workflow.rsplit("/", 1)[-1],
                "job": name,
                "failures": count,
                "failure rate %": None if row.failure_rate is None else round(100 * row.failure_rate, 1),
                "flaky rate %": round(100 * row.flaky_rate, 1),
            }
        )
    return _frame(rows, ["workflow", "job", "failures", "failure rate %", "flaky rate %"])


def failing_steps(history: History) -> pd.DataFrame:
    """The steps that failed, most often first: where the failing jobs stopped."""
    steps: Counter[tuple[str, str, str]] = Counter()
    for item in history.measured:
        if item.job.conclusion in measures.FAILED:
            for step in item.job.steps:
                if step.conclusion in ("failure", "cancelled"):
                    steps[(item.workflow.rsplit("/", 1)[-1], item.job.name, step.name)] += 1
    rows = [
        {"workflow": workflow, "job": job, "step": step, "failures": count}
        for (workflow, job, step), count in sorted(steps.items(), key=lambda entry: (-entry[1], entry[0]))
    ]
    return _frame(rows, ["workflow", "job", "step", "failures"])


def flaky_legs(history: History) -> pd.DataFrame:
    """Jobs that failed and then passed in a later attempt of the same run."""
    rows = [
        {"workflow": row.workflow.rsplit("/", 1)[-1], "job": row.job, "runs": row.runs,
         "flaky runs": round(row.flaky_rate * row.runs), "flaky rate %": round(100 * row.flaky_rate, 1)}
        for row in history.report.jobs
        if row.flaky_rate > 0
    ]  # fmt: skip
    rows.sort(key=lambda row: (-float(str(row["flaky rate %"])), str(row["job"])))
    return _frame(rows, ["workflow", "job", "runs", "flaky runs", "flaky rate %"])


def reruns(history: History) -> pd.DataFrame:
    """Minutes spent in attempts after a run's first, and what they cost at the design's prices."""
    minutes: Counter[tuple[str, str]] = Counter()
    cost: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for item in history.measured:
        if item.job.run_attempt > 1:
            key = (item.workflow.rsplit("/", 1)[-1], item.job.name)
            minutes[key] += item.price.rounded_minutes
            cost[key] += item.price.usd
    rows = [
        {
            "workflow": workflow,
            "job": job,
            "re-run minutes": value,
            "USD": float(round(cost[(workflow, job)], 2)),
        }
        for (workflow, job), value in sorted(minutes.items(), key=lambda entry: (-entry[1], entry[0]))
    ]
    return _frame(rows, ["workflow", "job", "re-run minutes", "USD"])


def spend(history: History) -> pd.DataFrame:
    """Per week: billable minutes and USD at the design's prices, and the plan's projection of a week
    (its month before included minutes, over 52/12 weeks)."""
    weekly_plan = history.plan.month.gross_usd / WEEKS_A_MONTH
    rows = [
        {
            "week": week.week,
            "runs": week.runs,
            "billable minutes": week.billable_minutes,
            "re-run minutes": week.rerun_minutes,
            "usd": float(round(week.usd, 2)),
            "plan_usd": float(round(weekly_plan, 2)),
            "vs plan %": round(100 * float(week.usd / weekly_plan - 1), 1) if weekly_plan else None,
        }
        for week in history.report.weeks
    ]
    return _frame(
        rows, ["week", "runs", "billable minutes", "re-run minutes", "usd", "plan_usd", "vs plan %"]
    )


def findings(history: History) -> pd.DataFrame:
    """Security findings per week, by scanner and SARIF level (the most a run of that week reported)."""
    points = trends.finding_points(history.runs, history.files["sarif"])
    most: dict[tuple[str, str], float] = defaultdict(float)
    for point in points:
        key = (measures.week_of(point.created_at), point.name)
        most[key] = max(most[key], point.value)
    frame = pd.DataFrame(
        [
            {"week": week, "scanner: level": name, "findings": int(value)}
            for (week, name), value in most.items()
        ]
    )
    if frame.empty:
        return frame
    table = frame.pivot_table(index="scanner: level", columns="week", values="findings", aggfunc="max")
    table = table.loc[(table > 0).any(axis=1)].fillna(0).astype(int)
    return table.sort_index()


def quality_flags(history: History, regression_threshold: float, coverage_drop: float) -> pd.DataFrame:
    """Benchmark means more than `regression_threshold` above the earlier runs' median, and coverage more
    than `coverage_drop` points below it."""
    benchmarks = trends.benchmark_points(history.runs, history.files["benchmark"])
    coverage = trends.coverage_points(history.runs, history.files["coverage"])
    rows = [
        {"day": flag.point.created_at[:10], "what": f"benchmark {flag.point.name}",
         "value": f"{1000 * flag.point.value:.3f} ms", "earlier median": f"{1000 * flag.baseline:.3f} ms",
         "change": f"{100 * flag.change:+.1f}%"}
        for flag in trends.regressions(benchmarks, regression_threshold)
    ] + [
        {"day": flag.point.created_at[:10], "what": "coverage", "value": f"{flag.point.value:.1f}%",
         "earlier median": f"{flag.baseline:.1f}%", "change": f"{flag.change:+.1f} points"}
        for flag in trends.coverage_drops(coverage, coverage_drop)
    ]  # fmt: skip
    rows.sort(key=lambda row: (row["day"], row["what"]))
    return _frame(rows, ["day", "what", "value", "earlier median", "change"])
