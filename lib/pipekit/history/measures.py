"""What a history job measures: which jobs count, their duration and queue time, and the statistics the
report and the calibration share. The definitions are stated once here and printed with the report."""

from __future__ import annotations

import datetime as dt
import functools
import statistics
from collections.abc import Mapping, Sequence

from pipekit.history.store import Job

FAILED = frozenset(("failure", "timed_out"))
DECIDED = frozenset(("success", "failure", "timed_out"))

DEFINITIONS: Mapping[str, str] = {
    "jobs": "completed jobs that started: skipped jobs, and jobs cancelled before a runner took them, are "
    "left out; every attempt of a run counts",
    "duration": "completed_at - started_at, in minutes",
    "queue": "started_at - created_at, in minutes (jobs without created_at have no queue time)",
    "runs": "the runs in which the job ran at least once (not skipped)",
    "median_minutes": "the median duration",
    "p90_minutes": "nearest rank: the duration at rank ceil(0.9 n) of the n sorted durations",
    "median_queue_minutes": "the median queue time",
    "failure_rate": "jobs that concluded failure or timed_out over jobs that concluded success, failure "
    "or timed_out, across all attempts",
    "flaky_rate": "runs in which the job failed (failure or timed_out) in one attempt and succeeded in a "
    "later attempt of the same run, over the runs in which the job ran",
    "rerun_minutes": "the minutes of the job's attempts after a run's first, each rounded up to the whole "
    "minute",
    "billable_minutes": "each job's duration rounded up to the whole minute, as GitHub bills, summed over "
    "every attempt; 0 where GitHub does not bill (standard runners of public repositories, self-hosted "
    "runners)",
    "usd": "billable minutes at the per-minute price of the job's runner class in the price table in force "
    "on the design's billing.prices_on, before included minutes",
    "week": "the ISO week (from Monday, UTC) of the run's created_at",
}


def counts(job: Job) -> bool:
    """Whether `job` counts in the statistics (see DEFINITIONS["jobs"])."""
    if job.status != "completed" or job.completed_at is None or job.conclusion == "skipped":
        return False
    return not (job.conclusion == "cancelled" and job.runner_name is None)


def moment(text: str) -> dt.datetime:
    """A stored UTC timestamp (``2026-11-02T10:00:00.000000Z``) as an aware datetime."""
    return dt.datetime.fromisoformat(text)


def between(start: str, end: str) -> float:
    """Minutes from `start` to `end`, stored timestamps."""
    return (moment(end) - moment(start)).total_seconds() / 60


def duration_minutes(job: Job) -> float:
    """completed_at - started_at in minutes; only for a job that `counts`."""
    assert job.completed_at is not None
    return max(0.0, between(job.started_at, job.completed_at))


def queue_minutes(job: Job) -> float | None:
    """started_at - created_at in minutes; None when GitHub sent no created_at."""
    if job.created_at is None:
        return None
    return max(0.0, between(job.created_at, job.started_at))


def week_of(text: str) -> str:
    """The Monday (UTC) of the ISO week a stored timestamp falls in, as ``2026-11-02``."""
    return _monday(text[:10])  # stored timestamps are UTC and begin with their date


@functools.cache
def _monday(date: str) -> str:
    day = dt.date.fromisoformat(date)
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def nearest_rank(values: Sequence[float], percent: int) -> float | None:
    """The value at rank ceil(percent / 100 * n) of the sorted values (nearest-rank percentile), the rank
    counted in integers: 0.9 * 70 is 63.00000000000001 in floating point, whose ceiling is 64."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-percent * len(ordered) // 100))
    return float(ordered[rank - 1])
