"""How often a workflow's `on.schedule` cron fires in a month, counted with croniter.

GitHub reads the five POSIX cron fields in UTC; when both day-of-month and day-of-week are restricted
a day matching either runs (POSIX cron, and croniter's default). A month here is a twelfth of the 365
days from the design's `billing.prices_on` day, so a weekly schedule runs 52 or 53 times a year, 4 a
month, and `*/5 * * * *` runs 8,760 times.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from croniter import CroniterBadCronError, CroniterBadDateError, croniter

from pipekit.errors import DesignError

YEAR = dt.timedelta(days=365)


@functools.lru_cache(maxsize=64)
def runs_per_month(expression: str, start: dt.date) -> int:
    """Fires of `expression` in the 365 days from `start` (UTC midnight), divided by 12, rounded half
    up. Days are counted by croniter from the day fields; each matching day fires once per minute and
    hour the first two fields expand to."""
    fields = expression.split()
    try:
        if len(fields) != 5:
            raise ValueError(f"{len(fields)} fields, expected 5 (minute hour day month weekday)")
        expanded, _ = croniter.expand(expression)
        # croniter yields fires after the time it starts from: start a second before midnight
        begin = dt.datetime.combine(start, dt.time(), dt.UTC)
        days = croniter(" ".join(["0", "0", *fields[2:]]), begin - dt.timedelta(seconds=1))
    except (CroniterBadCronError, ValueError) as error:
        raise DesignError("security.schedule", f"not a cron expression GitHub accepts: {error}") from None
    per_day = _count(expanded[0], 60) * _count(expanded[1], 24)
    matching = 0
    try:
        while days.get_next(dt.datetime) < begin + YEAR:
            matching += 1
    except CroniterBadDateError:  # no date ever matches the day fields
        raise DesignError(
            "security.schedule", f"{expression!r} never fires (no day matches it); the scan would never run"
        ) from None
    return (matching * per_day + 6) // 12


def _count(values: Sequence[int | str], every: int) -> int:
    return every if values == ["*"] else len(values)
