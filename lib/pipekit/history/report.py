"""`pipekit history report`: per workflow and job, how long it runs and waits, how often it fails or is
flaky, what its re-runs took, and what it costs; and the spend per week.

A job is what GitHub names it, so each matrix leg ("Test (3.12, ubuntu-latest, basic)") is its own row.
The definitions are in `pipekit.history.measures.DEFINITIONS`, printed with the JSON.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from pipekit.design.model import Design
from pipekit.history import measures
from pipekit.history.pricing import JobPrice, PricedJob, price_jobs
from pipekit.history.store import Job, Run
from pipekit.wording import plural, usd

P90 = 90


@dataclasses.dataclass(frozen=True, kw_only=True)
class JobStats:
    """One row of the report: one job name of one workflow."""

    workflow: str  # the run's path, ".github/workflows/test.yaml"
    job: str  # GitHub's name of the job
    runs: int
    jobs: int  # counted jobs, every attempt
    median_minutes: float
    p90_minutes: float
    median_queue_minutes: float | None
    failure_rate: float | None  # None when no job concluded success, failure or timed_out
    flaky_rate: float
    rerun_minutes: int
    billable_minutes: int
    usd: Decimal


@dataclasses.dataclass(frozen=True, kw_only=True)
class WeekStats:
    """The runs created in one ISO week and what their jobs cost."""

    week: str  # its Monday, "2026-11-02"
    runs: int
    jobs: int
    billable_minutes: int
    rerun_minutes: int
    usd: Decimal


@dataclasses.dataclass(frozen=True, kw_only=True)
class HistoryReport:
    jobs: tuple[JobStats, ...]
    weeks: tuple[WeekStats, ...]
    runs: int
    first: str | None  # created_at of the first and last run
    last: str | None
    prices_on: str
    visibility: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class MeasuredJob:
    """A counted job with its run, its measures and its price: what every figure is summed from."""

    job: Job
    run: Run
    minutes: float
    queue: float | None
    price: JobPrice

    @property
    def workflow(self) -> str:
        return self.run.path


def measure(design: Design, runs: Iterable[Run], jobs: Iterable[Job]) -> list[MeasuredJob]:
    """The jobs that count (see `measures.counts`), each with its run, duration, queue time and price.
    A job whose run is not among `runs` is left out."""
    by_id = {run.id: run for run in runs}
    kept = [(job, by_id[job.run_id]) for job in jobs if job.run_id in by_id and measures.counts(job)]
    durations = [measures.duration_minutes(job) for job, _ in kept]
    prices = price_jobs(
        design,
        [
            PricedJob(workflow=run.path, name=job.name, labels=job.labels, minutes=minutes)
            for (job, run), minutes in zip(kept, durations, strict=True)
        ],
    )
    return [
        MeasuredJob(job=job, run=run, minutes=minutes, queue=measures.queue_minutes(job), price=price)
        for (job, run), minutes, price in zip(kept, durations, prices, strict=True)
    ]


def build_report(design: Design, runs: Sequence[Run], jobs: Iterable[Job]) -> HistoryReport:
    """The report of `runs` and their `jobs` at `design`'s prices."""
    measured = measure(design, runs, jobs)
    groups: dict[tuple[str, str], list[MeasuredJob]] = defaultdict(list)
    for item in measured:
        groups[(item.workflow, item.job.name)].append(item)
    rows = tuple(job_stats(workflow, name, groups[(workflow, name)]) for workflow, name in sorted(groups))
    return HistoryReport(
        jobs=rows,
        weeks=week_stats(runs, measured),
        runs=len(runs),
        first=runs[0].created_at if runs else None,
        last=runs[-1].created_at if runs else None,
        prices_on=design.billing.prices_on,
        visibility=design.billing.visibility,
    )


def job_stats(workflow: str, name: str, items: Sequence[MeasuredJob]) -> JobStats:
    durations = [item.minutes for item in items]
    queues = [item.queue for item in items if item.queue is not None]
    conclusions = [item.job.conclusion for item in items]
    decided = sum(conclusion in measures.DECIDED for conclusion in conclusions)
    failed = sum(conclusion in measures.FAILED for conclusion in conclusions)
    attempts: dict[int, list[tuple[int, str | None]]] = defaultdict(list)
    for item in items:
        attempts[item.run.id].append((item.job.run_attempt, item.job.conclusion))
    flaky = sum(is_flaky(outcomes) for outcomes in attempts.values())
    median = measures.median(durations)
    p90 = measures.nearest_rank(durations, P90)
    assert median is not None and p90 is not None  # a group has at least one job
    return JobStats(
        workflow=workflow,
        job=name,
        runs=len(attempts),
        jobs=len(items),
        median_minutes=median,
        p90_minutes=p90,
        median_queue_minutes=measures.median(queues),
        failure_rate=failed / decided if decided else None,
        flaky_rate=flaky / len(attempts),
        rerun_minutes=sum(item.price.rounded_minutes for item in items if item.job.run_attempt > 1),
        billable_minutes=sum(item.price.billable_minutes for item in items),
        usd=sum((item.price.usd for item in items), Decimal(0)),
    )


def is_flaky(outcomes: Sequence[tuple[int, str | None]]) -> bool:
    """Whether, among one run's (attempt, conclusion) of a job, a failure is followed by a success in a
    later attempt."""
    failed = [attempt for attempt, conclusion in outcomes if conclusion in measures.FAILED]
    passed = [attempt for attempt, conclusion in outcomes if conclusion == "success"]
    return bool(failed and passed and max(passed) > min(failed))


def week_stats(runs: Sequence[Run], measured: Sequence[MeasuredJob]) -> tuple[WeekStats, ...]:
    created: dict[str, int] = defaultdict(int)
    for run in runs:
        created[measures.week_of(run.created_at)] += 1
    jobs: dict[str, list[MeasuredJob]] = defaultdict(list)
    for item in measured:
        jobs[measures.week_of(item.run.created_at)].append(item)
    return tuple(
        WeekStats(
            week=week,
            runs=created[week],
            jobs=len(jobs[week]),
            billable_minutes=sum(item.price.billable_minutes for item in jobs[week]),
            rerun_minutes=sum(item.price.rounded_minutes for item in jobs[week] if item.job.run_attempt > 1),
            usd=sum((item.price.usd for item in jobs[week]), Decimal(0)),
        )
        for week in sorted(created)
    )


# ------------------------------------------------------------------------------------------ output


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def to_json(report: HistoryReport) -> dict[str, Any]:
    """The stable JSON form (`pipekit history report --json`); dollars are decimal strings."""
    return {
        "prices_on": report.prices_on,
        "visibility": report.visibility,
        "definitions": dict(measures.DEFINITIONS),
        "jobs": [
            {
                "workflow": row.workflow,
                "job": row.job,
                "runs": row.runs,
                "jobs": row.jobs,
                "median_minutes": _rounded(row.median_minutes),
                "p90_minutes": _rounded(row.p90_minutes),
                "median_queue_minutes": _rounded(row.median_queue_minutes),
                "failure_rate": _rounded(row.failure_rate),
                "flaky_rate": _rounded(row.flaky_rate),
                "rerun_minutes": row.rerun_minutes,
                "billable_minutes": row.billable_minutes,
                "usd": str(row.usd),
            }
            for row in report.jobs
        ],
        "weeks": [
            {
                "week": week.week,
                "runs": week.runs,
                "jobs": week.jobs,
                "billable_minutes": week.billable_minutes,
                "rerun_minutes": week.rerun_minutes,
                "usd": str(week.usd),
            }
            for week in report.weeks
        ],
    }


def format_json(report: HistoryReport) -> str:
    return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _minutes(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def format_text(report: HistoryReport) -> str:
    """The report `pipekit history report` prints."""
    if not report.runs:
        return "pipekit history report: no runs in the database for this window\n"
    assert report.first is not None and report.last is not None
    counted = sum(row.jobs for row in report.jobs)
    lines = [
        f"pipekit history report: {plural(counted, 'job')} of {plural(report.runs, 'run')} created "
        f"{report.first[:10]} to {report.last[:10]}; prices in force on {report.prices_on}, "
        f"{report.visibility} repository",
    ]
    width = max((len(row.job) for row in report.jobs), default=20) + 2
    header = (
        f"  {'job':<{width}}{'runs':>5}{'median':>8}{'p90':>7}{'queue':>7}{'fail':>8}{'flaky':>8}"
        f"{'re-run min':>11}{'billable min':>13}{'USD':>11}"
    )
    workflow = None
    for row in report.jobs:
        if row.workflow != workflow:
            workflow = row.workflow
            lines += ["", workflow, header]
        lines.append(
            f"  {row.job:<{width}}{row.runs:>5}{_minutes(row.median_minutes):>8}"
            f"{_minutes(row.p90_minutes):>7}{_minutes(row.median_queue_minutes):>7}{_percent(row.failure_rate):>8}"
            f"{_percent(row.flaky_rate):>8}{row.rerun_minutes:>11}{row.billable_minutes:>13}{usd(row.usd):>11}"
        )
    lines += ["", "Per week (ISO weeks from Monday, by the run's creation, UTC):"]
    lines.append(f"  {'week of':<12}{'runs':>6}{'jobs':>7}{'billable min':>14}{'re-run min':>12}{'USD':>11}")
    for week in report.weeks:
        lines.append(
            f"  {week.week:<12}{week.runs:>6}{week.jobs:>7}{week.billable_minutes:>14}"
            f"{week.rerun_minutes:>12}{usd(week.usd):>11}"
        )
    lines += ["", "Minutes; queue = median queue time; fail = failure rate; flaky = flaky rate. Definitions:"]
    lines += [f"  {name}: {text}" for name, text in measures.DEFINITIONS.items()]
    return "\n".join(lines) + "\n"
