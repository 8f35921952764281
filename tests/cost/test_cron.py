"""Scheduled runs a month come from the cron expression: counts checked by hand against a calendar
(the 365 days from 2026-11-27 hold 52 Mondays, 53 Fridays, 261 weekdays and 12 thirteenths, one of
them a Friday)."""

from __future__ import annotations

import datetime as dt

import pytest

from pipekit.cost import cron
from pipekit.design import design_from_data
from pipekit.errors import DesignError

START = dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("expression", "runs"),
    [
        ("17 3 * * 1", 4),  # 52 Mondays / 12 = 4.33
        ("*/5 * * * *", 8760),  # 288 a day * 365 / 12
        ("0 */6 * * *", 122),  # 4 a day * 365 / 12 = 121.67
        ("0 0 1 * *", 1),
        ("30 2 * 2 *", 2),  # the 28 days of February 2027 / 12 = 2.33
        ("0 0 13 * 5", 5),  # day-of-month OR day-of-week: 53 Fridays + 12 thirteenths - 1 = 64, / 12
        ("0 9,17 * * 1-5", 44),  # 2 a day on 261 weekdays = 522, / 12 = 43.5, rounded half up
    ],
)
def test_runs_a_month_follow_the_cron(expression: str, runs: int) -> None:
    assert cron.runs_per_month(expression, START) == runs


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("* * *", "3 fields, expected 5"),
        ("61 * * * *", "out of range"),
        ("0 0 31 2 *", "'0 0 31 2 *' never fires (no day matches it)"),
    ],
)
def test_a_cron_that_cannot_run_is_a_design_error(expression: str, problem: str) -> None:
    with pytest.raises(DesignError, match=r"^security\.schedule: ") as raised:
        cron.runs_per_month(expression, START)
    assert problem in str(raised.value)


def test_the_design_refuses_a_scheduled_run_count_of_its_own() -> None:
    with pytest.raises(DesignError) as raised:
        design_from_data({"version": 1, "billing": {"runs_per_month": {"schedule": 4}}})
    assert str(raised.value) == (
        "billing.runs_per_month.schedule: scheduled runs come from security.schedule ('17 3 * * 1': 4 a "
        "month); remove this key"
    )
