from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from pipekit.cost.billing import cost_run, project_month
from pipekit.cost.frames import to_frame
from pipekit.facts.runners import CustomRunner, load_catalog
from pipekit.pipeline.instances import JobRun

CATALOG = load_catalog()
FREE = CATALOG.plan("free")
TEAM = CATALOG.plan("team")
MINUTES = {"ubuntu-latest": 4.2, "macos-latest": 5.5, "windows-latest": 6.1}
LARGER = {"linux-8core": CustomRunner(kind="larger", os="linux", price_class="linux-x64-8core")}
SELF_HOSTED = {"build-farm": CustomRunner(kind="self-hosted", os="linux")}


def matrix_18() -> list[JobRun]:
    """python 3.11/3.12 x ubuntu/macos/windows x 3 modes, in matrix order."""
    return [
        JobRun(
            workflow="test.yaml",
            job="test",
            name=f"test ({python}, {label}, {mode})",
            matrix={"python": python, "os": label, "mode": mode},
            runner=label,
            minutes=MINUTES[label],
        )
        for python in ("3.11", "3.12")
        for label in ("ubuntu-latest", "macos-latest", "windows-latest")
        for mode in ("basic", "full", "slow")
    ]


def larger_job(minutes: float = 10.5) -> JobRun:
    return JobRun(workflow="build.yaml", job="build", runner="linux-8core", minutes=minutes)


def test_private_run_rounds_each_job_up() -> None:
    run = cost_run(matrix_18(), catalog=CATALOG, plan=TEAM, visibility="private")
    by_os = {job.runner.os: job for job in run.jobs}
    # ceil(4.2) = 5 on Linux, ceil(6.1) = 7 on Windows, ceil(5.5) = 6 on macOS
    assert (by_os["linux"].billable_minutes, by_os["windows"].billable_minutes) == (5, 7)
    assert by_os["macos"].billable_minutes == 6
    # 6 jobs per OS: 6x5 + 6x7 + 6x6 = 30 + 42 + 36 = 108
    assert run.billable_minutes == 6 * 5 + 6 * 7 + 6 * 6 == 108
    # 6x5x0.006 + 6x7x0.010 + 6x6x0.062 = 0.18 + 0.42 + 2.232 = 2.832
    assert run.usd == Decimal("6") * 5 * Decimal("0.006") + 6 * 7 * Decimal("0.010") + 6 * 6 * Decimal(
        "0.062"
    )
    assert run.usd == Decimal("2.832")
    # multipliers Linux 1, Windows 2, macOS 10: 30x1 + 42x2 + 36x10 = 30 + 84 + 360 = 474
    assert run.included_minutes == 474
    assert by_os["macos"].included_minutes_consumed == 60
    assert all(job.free_reason is None for job in run.jobs)
    assert run.included_basis == "minute-multipliers"
    assert run.price_table.effective_from == datetime.date(2026, 1, 1)


def test_public_repo_is_free_on_standard_runners_but_larger_is_billed() -> None:
    jobs = [*matrix_18(), larger_job()]
    run = cost_run(jobs, catalog=CATALOG, plan=TEAM, visibility="public", custom_runners=LARGER)
    standard, larger = run.jobs[:18], run.jobs[18]
    assert all(job.usd == 0 and job.free_reason == "public repository" for job in standard)
    assert all(job.billable_minutes == 0 and job.included_minutes_consumed == 0 for job in standard)
    assert standard[0].rounded_minutes == 5  # still shown, just not billed
    # larger runner: ceil(10.5) = 11 minutes x 0.022 = 0.242, never from included minutes
    assert larger.free_reason is None
    assert (larger.billable_minutes, larger.usd, larger.included_minutes_consumed) == (
        11,
        Decimal("0.242"),
        0,
    )
    assert (run.billable_minutes, run.usd, run.included_minutes) == (11, Decimal("0.242"), 0)
    assert run.rounded_minutes == 108 + 11


def test_larger_runner_in_private_repo_uses_no_included_minutes() -> None:
    run = cost_run([larger_job()], catalog=CATALOG, plan=TEAM, visibility="private", custom_runners=LARGER)
    assert (run.usd, run.included_minutes) == (Decimal("0.242"), 0)


def test_self_hosted_is_free() -> None:
    job = JobRun(workflow="test.yaml", job="soak", runner="build-farm", minutes=400.0)  # no 360-minute limit
    run = cost_run([job], catalog=CATALOG, plan=TEAM, visibility="private", custom_runners=SELF_HOSTED)
    only = run.jobs[0]
    assert only.free_reason == "self-hosted"
    assert (only.usd, only.billable_minutes, only.included_minutes_consumed) == (Decimal(0), 0, 0)
    assert only.rounded_minutes == 400


def test_older_price_table_on_a_2025_date() -> None:
    run = cost_run(
        matrix_18(), catalog=CATALOG, plan=TEAM, visibility="private", prices_on=datetime.date(2025, 6, 1)
    )
    # 30 x 0.008 + 42 x 0.016 + 36 x 0.08 = 0.24 + 0.672 + 2.88 = 3.792
    assert run.usd == Decimal("3.792")
    assert run.price_table.effective_until == datetime.date(2026, 1, 1)
    assert run.billable_minutes == 108


def test_older_table_needs_no_rate_for_free_jobs() -> None:
    # the 2025 table has no arm64 rate; a public repository runs standard runners free, so none is needed
    # (the design rules refuse a private design that would need one: tests/design/test_rules.py)
    arm = JobRun(workflow="test.yaml", job="arm", runner="ubuntu-24.04-arm", minutes=3.0)
    public = cost_run(
        [arm], catalog=CATALOG, plan=TEAM, visibility="public", prices_on=datetime.date(2025, 6, 1)
    )
    assert public.usd == 0
    assert public.jobs[0].free_reason == "public repository"


def test_arm_and_slim_prices() -> None:
    jobs = [
        JobRun(workflow="a.yaml", job="arm", runner="ubuntu-24.04-arm", minutes=2.0),  # 2 x 0.005 = 0.010
        JobRun(workflow="a.yaml", job="slim", runner="ubuntu-slim", minutes=0.5),  # 1 x 0.002 = 0.002
        JobRun(workflow="a.yaml", job="win", runner="windows-11-arm", minutes=1.0),  # 1 x 0.010 = 0.010
    ]
    run = cost_run(jobs, catalog=CATALOG, plan=TEAM, visibility="private")
    assert run.usd == Decimal("0.022")
    assert run.included_minutes == 2 + 1 + 2


def test_month_on_free_with_overage() -> None:
    push = cost_run(matrix_18(), catalog=CATALOG, plan=FREE, visibility="private")
    nightly = cost_run(
        [larger_job()], catalog=CATALOG, plan=FREE, visibility="private", custom_runners=LARGER
    )
    month = project_month([("push", 5, push), ("schedule", 30, nightly)], plan=FREE)
    push_row, nightly_row = month.triggers
    # push needs 474 included minutes a run; the pool of 2000 covers 4 runs (1896), leaving 104.
    # Run 5 in job order: 3 Linux x 5 = 15 (89 left), macOS #1 takes 60 (29 left), macOS #2 gets 29
    # and pays 31 multiplied minutes = 3.1 minutes x 0.062 = 0.1922, then everything else is paid:
    #   macOS #3 6 x 0.062 = 0.372, 3 Windows 3 x 7 x 0.010 = 0.21,
    #   python 3.12: Linux 3 x 5 x 0.006 = 0.09, macOS 3 x 6 x 0.062 = 1.116, Windows 0.21
    # = 0.1922 + 0.372 + 0.21 + 0.09 + 1.116 + 0.21 = 2.1902
    assert push_row.included_minutes_needed == 5 * 474 == 2370
    assert push_row.included_minutes_used == 2000
    assert push_row.overage_usd == Decimal("2.1902")
    assert push_row.gross_usd == 5 * Decimal("2.832") == Decimal("14.160")
    # the larger runner never uses included minutes: 30 x 11 x 0.022 = 7.26
    assert nightly_row.included_minutes_used == 0
    assert nightly_row.overage_usd == nightly_row.gross_usd == Decimal("7.26")
    assert month.overage_usd == Decimal("9.4502")
    assert month.gross_usd == Decimal("21.42")
    assert (month.included_minutes_used, month.included_minutes_remaining) == (2000, 0)
    assert month.billable_minutes == 5 * 108 + 30 * 11 == 870
    assert month.included_basis == "minute-multipliers"


def test_month_within_included_minutes() -> None:
    push = cost_run(matrix_18(), catalog=CATALOG, plan=TEAM, visibility="private")
    month = project_month([("push", 6, push)], plan=TEAM)
    # 6 x 474 = 2844 of Team's 3000
    assert (month.included_minutes_used, month.included_minutes_remaining) == (2844, 156)
    assert month.overage_usd == 0
    assert month.gross_usd == Decimal("16.992")


def test_month_public_repo_costs_only_larger_runners() -> None:
    run = cost_run(
        [*matrix_18(), larger_job()], catalog=CATALOG, plan=FREE, visibility="public", custom_runners=LARGER
    )
    month = project_month([("push", 100, run)], plan=FREE)
    assert month.overage_usd == month.gross_usd == Decimal("24.2")
    assert month.included_minutes_remaining == 2000


def test_frames() -> None:
    run = cost_run(
        [*matrix_18(), larger_job()], catalog=CATALOG, plan=TEAM, visibility="private", custom_runners=LARGER
    )
    frame = to_frame(run)
    assert len(frame) == 19
    assert list(frame.columns[:9]) == [
        "workflow",
        "job",
        "name",
        "runner",
        "os",
        "kind",
        "price_class",
        "minutes",
        "billable_minutes",
    ]
    assert frame.loc[0, "name"] == "test (3.11, ubuntu-latest, basic)"
    assert frame["billable_minutes"].sum() == 108 + 11
    assert frame["included_minutes"].sum() == 474
    assert frame["usd"].sum() == pytest.approx(2.832 + 0.242)
    month = project_month([("push", 2, run)], plan=TEAM)
    rows = to_frame(month)
    assert list(rows["trigger"]) == ["push"]
    assert rows.loc[0, "gross_usd"] == pytest.approx(2 * 3.074)
