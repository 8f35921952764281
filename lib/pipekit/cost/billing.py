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
from typing import Literal, TypeAlias

from pipekit.facts.runners import INCLUDED_BASIS, Catalog, CustomRunner, Plan, PriceTable, RunnerType
from pipekit.pipeline.instances import JobRun

Visibility: TypeAlias = Literal["public", "private"]
FreeReason: TypeAlias = Literal["public repository", "self-hosted"]

ZERO = Decimal(0)


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


def cost_run(
    jobs: Sequence[JobRun],
    *,
    catalog: Catalog,
    plan: Plan,
    visibility: Visibility,
    custom_runners: Mapping[str, CustomRunner] | None = None,
    prices_on: datetime.date | None = None,
) -> RunCost:
    """Cost one run; ``prices_on`` picks the price table (default: the catalogue's newest prices).

    The design rules have made sure every runner is known and priced on that day.
    """
    table = catalog.price_table(prices_on)
    assert table is not None, f"no price table covers {prices_on}"
    costs: list[JobCost] = []
    for job in jobs:
        runner = catalog.runner(job.runner, custom_runners or {})
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
            rate = table.usd_per_minute[runner.price_class]
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


def project_month(runs: Sequence[tuple[str, int, RunCost]], *, plan: Plan) -> MonthCost:
    """Project a month from (trigger name, runs per month, cost of one run) rows, in that order."""
    pool = plan.included_minutes
    rows: list[TriggerCost] = []
    for trigger, count, run in runs:
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
