"""What a workflow run, and a month of runs, costs on GitHub-hosted runners.

Per run (`cost_run`): each job instance's time is rounded up to the whole minute and priced at its
runner class's per-minute rate from the price table in force on ``prices_on``. Standard runners are
free in public repositories, self-hosted runners are always free, larger runners are always billed
and never use included minutes. A job on a standard runner in a private repository uses included
minutes at its OS multiplier (Linux 1, Windows 2, macOS 10): ``included_minutes_consumed``.

Per month (`project_month`), the rule is:

1. The plan's included minutes form one pool counted in multiplied minutes.
2. Runs draw on it in a fixed order: triggers in the order given, each trigger's runs one after
   another, and within a run the jobs in input order.
3. A job that uses included minutes takes ``billable x multiplier`` from the pool. Whatever the pool
   cannot cover, ``u`` multiplied minutes, is billed as ``u / multiplier`` minutes at the job's rate.
4. Larger runners are billed in full and do not touch the pool; free jobs cost nothing.

Because Linux, Windows and macOS minutes have different prices per multiplied minute, the overage
depends slightly on that order; listing triggers in the order they typically run keeps it realistic.

Dollars are `Decimal` and never rounded here; round only for display.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, TypeAlias

from pipekit.catalog import INCLUDED_BASIS, Catalog, CustomRunner, Plan, PriceTable, RunnerType
from pipekit.errors import DesignError
from pipekit.jobrun import JobRun

if TYPE_CHECKING:
    import pandas as pd

Visibility: TypeAlias = Literal["public", "private"]
FreeReason: TypeAlias = Literal["public repository", "self-hosted"]

ZERO = Decimal(0)


def resolve_runner(
    job: JobRun, catalog: Catalog, custom: Mapping[str, CustomRunner] | None = None
) -> RunnerType:
    """The runner type of a job instance, with its estimate checked; errors name workflow and job."""
    try:
        runner = catalog.runner(job.runner, custom, path=f"jobs.{job.job}.runs-on")
    except DesignError as error:
        raise error.with_source(job.workflow) from None
    minutes = job.minutes
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or not math.isfinite(minutes):
        raise DesignError(
            f"jobs.{job.job}", f"estimated minutes must be a number, got {minutes!r}", job.workflow
        )
    if minutes < 0:
        raise DesignError(f"jobs.{job.job}", f"estimated minutes must be >= 0, got {minutes}", job.workflow)
    if not runner.self_hosted and minutes > catalog.max_job_minutes:
        raise DesignError(
            f"jobs.{job.job}",
            f"{job.name} is estimated at {minutes:g} minutes, over the {catalog.max_job_minutes}-minute "
            "limit for jobs on GitHub-hosted runners; split the job or run it on a self-hosted runner",
            job.workflow,
        )
    return runner


@dataclass(frozen=True, kw_only=True)
class JobCost:
    """The cost of one job instance in one run."""

    job: JobRun
    runner: RunnerType
    minutes: float  # the estimate
    rounded_minutes: int  # rounded up to the whole minute, as GitHub bills
    billable_minutes: int  # rounded_minutes, or 0 when free
    usd_per_minute: Decimal  # 0 when free
    usd: Decimal  # billable_minutes x usd_per_minute, before any included minutes
    multiplier: int  # the OS's included-minute multiplier
    included_minutes_consumed: int  # billable_minutes x multiplier; 0 if this job never uses them
    free_reason: FreeReason | None


@dataclass(frozen=True, kw_only=True)
class RunCost:
    """One run of one or more workflows; totals are exact sums over `jobs`."""

    jobs: tuple[JobCost, ...]
    plan: Plan
    visibility: Visibility
    price_table: PriceTable
    included_basis: str  # how included minutes are counted: "minute-multipliers"

    @property
    def billable_minutes(self) -> int:
        return sum(job.billable_minutes for job in self.jobs)

    @property
    def rounded_minutes(self) -> int:
        """All rounded job minutes, free jobs included."""
        return sum(job.rounded_minutes for job in self.jobs)

    @property
    def usd(self) -> Decimal:
        """Dollars of the run if no included minutes remained."""
        return sum((job.usd for job in self.jobs), ZERO)

    @property
    def included_minutes(self) -> int:
        """Included (multiplied) minutes the run would use."""
        return sum(job.included_minutes_consumed for job in self.jobs)

    def to_frame(self) -> pd.DataFrame:
        return run_frame(self)


def cost_run(
    jobs: Sequence[JobRun],
    *,
    catalog: Catalog,
    plan: Plan,
    visibility: Visibility,
    custom_runners: Mapping[str, CustomRunner] | None = None,
    prices_on: datetime.date | None = None,
) -> RunCost:
    """Cost one run; ``prices_on`` picks the price table (default: the catalog's current prices)."""
    if visibility not in ("public", "private"):
        raise DesignError("visibility", f"expected 'public' or 'private', got {visibility!r}")
    table = catalog.price_table(prices_on)
    costs: list[JobCost] = []
    for job in jobs:
        runner = resolve_runner(job, catalog, custom_runners)
        rounded = math.ceil(job.minutes)
        multiplier = catalog.multipliers[runner.os]
        free_reason: FreeReason | None = None
        if runner.self_hosted:
            free_reason = "self-hosted"
        elif visibility == "public" and not runner.larger:
            free_reason = "public repository"
        if free_reason is not None or runner.price_class is None:
            rate, billable, consumed = ZERO, 0, 0
        else:
            rate = table.rate(runner.price_class)
            billable = rounded
            consumed = 0 if runner.larger else billable * multiplier
        costs.append(
            JobCost(
                job=job,
                runner=runner,
                minutes=job.minutes,
                rounded_minutes=rounded,
                billable_minutes=billable,
                usd_per_minute=rate,
                usd=rate * billable,
                multiplier=multiplier,
                included_minutes_consumed=consumed,
                free_reason=free_reason,
            )
        )
    return RunCost(
        jobs=tuple(costs),
        plan=plan,
        visibility=visibility,
        price_table=table,
        included_basis=catalog.included_basis,
    )


@dataclass(frozen=True, kw_only=True)
class TriggerCost:
    """One row of a monthly projection: a trigger, how often it runs, and what that costs."""

    trigger: str
    runs: int
    run: RunCost
    billable_minutes: int
    included_minutes_needed: int  # multiplied minutes if nothing were left over
    included_minutes_used: int  # what the pool actually covered
    gross_usd: Decimal  # before included minutes
    overage_usd: Decimal  # what is paid after included minutes


@dataclass(frozen=True, kw_only=True)
class MonthCost:
    """A month of runs on one plan; see the module docstring for the rule."""

    plan: Plan
    triggers: tuple[TriggerCost, ...]
    included_basis: str  # how included minutes were counted: "minute-multipliers"

    @property
    def billable_minutes(self) -> int:
        return sum(row.billable_minutes for row in self.triggers)

    @property
    def included_minutes_used(self) -> int:
        return sum(row.included_minutes_used for row in self.triggers)

    @property
    def included_minutes_remaining(self) -> int:
        return self.plan.included_minutes - self.included_minutes_used

    @property
    def gross_usd(self) -> Decimal:
        return sum((row.gross_usd for row in self.triggers), ZERO)

    @property
    def overage_usd(self) -> Decimal:
        return sum((row.overage_usd for row in self.triggers), ZERO)

    def to_frame(self) -> pd.DataFrame:
        return month_frame(self)


def project_month(runs: Sequence[tuple[str, int, RunCost]], *, plan: Plan) -> MonthCost:
    """Project a month from (trigger name, runs per month, cost of one run) rows, in that order."""
    pool = plan.included_minutes
    rows: list[TriggerCost] = []
    for trigger, count, run in runs:
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise DesignError(
                f"triggers.{trigger}", f"runs per month must be a whole number >= 0, got {count!r}"
            )
        need = run.included_minutes
        # Whole runs the pool covers, then at most one partly covered run, then runs paid in full.
        covered = count if need == 0 else min(count, pool // need)
        pool -= covered * need
        always_billed = sum((job.usd for job in run.jobs if job.included_minutes_consumed == 0), ZERO)
        overage = always_billed * covered
        used = covered * need
        if covered < count:
            partial_usd, partial_used = _partly_covered(run, pool)
            pool -= partial_used
            used += partial_used
            overage += partial_usd + run.usd * (count - covered - 1)
        rows.append(
            TriggerCost(
                trigger=trigger,
                runs=count,
                run=run,
                billable_minutes=run.billable_minutes * count,
                included_minutes_needed=need * count,
                included_minutes_used=used,
                gross_usd=run.usd * count,
                overage_usd=overage,
            )
        )
    return MonthCost(plan=plan, triggers=tuple(rows), included_basis=INCLUDED_BASIS)


def _partly_covered(run: RunCost, pool: int) -> tuple[Decimal, int]:
    """Dollars paid and included minutes used by one run that the pool covers only in part."""
    paid = ZERO
    used = 0
    for job in run.jobs:
        if job.included_minutes_consumed == 0:
            paid += job.usd
            continue
        take = min(pool - used, job.included_minutes_consumed)
        used += take
        uncovered = job.included_minutes_consumed - take
        paid += job.usd_per_minute * uncovered / job.multiplier
    return paid, used


def run_frame(cost: RunCost) -> pd.DataFrame:
    """One row per job instance, for notebooks. USD columns are floats of the exact values."""
    import pandas as pd

    columns = [
        "workflow",
        "job",
        "name",
        "runner",
        "os",
        "kind",
        "price_class",
        "minutes",
        "billable_minutes",
        "usd_per_minute",
        "usd",
        "included_minutes",
        "free_reason",
    ]
    rows = [
        {
            "workflow": item.job.workflow,
            "job": item.job.job,
            "name": item.job.name,
            "runner": item.runner.label,
            "os": item.runner.os,
            "kind": item.runner.kind,
            "price_class": item.runner.price_class,
            "minutes": item.minutes,
            "billable_minutes": item.billable_minutes,
            "usd_per_minute": float(item.usd_per_minute),
            "usd": float(item.usd),
            "included_minutes": item.included_minutes_consumed,
            "free_reason": item.free_reason,
        }
        for item in cost.jobs
    ]
    return pd.DataFrame(rows, columns=columns)


def month_frame(month: MonthCost) -> pd.DataFrame:
    """One row per trigger, for notebooks. USD columns are floats of the exact values."""
    import pandas as pd

    columns = [
        "trigger",
        "runs",
        "billable_minutes",
        "included_minutes_needed",
        "included_minutes_used",
        "gross_usd",
        "overage_usd",
    ]
    rows = [
        {
            "trigger": row.trigger,
            "runs": row.runs,
            "billable_minutes": row.billable_minutes,
            "included_minutes_needed": row.included_minutes_needed,
            "included_minutes_used": row.included_minutes_used,
            "gross_usd": float(row.gross_usd),
            "overage_usd": float(row.overage_usd),
        }
        for row in month.triggers
    ]
    return pd.DataFrame(rows, columns=columns)


def to_frame(cost: RunCost | MonthCost) -> pd.DataFrame:
    """A DataFrame of a run (one row per job instance) or a month (one row per trigger)."""
    return run_frame(cost) if isinstance(cost, RunCost) else month_frame(cost)
