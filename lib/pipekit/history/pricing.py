"""What the jobs of a run history cost at a design's prices, with the cost model's own billing rules.

Each job's labels are resolved to a runner through the catalogue the plan uses (the design's `runners`
first), and `pipekit.cost.billing.cost_run` prices it: its time rounded up to the whole minute, standard
runners free in public repositories, self-hosted runners free, the price table in force on the design's
`billing.prices_on`. Dollars are list price, before any included minutes: the plan's included minutes
are an account's monthly pool, which a repository's history cannot apportion.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pipekit.cost import billing
from pipekit.design.model import Design
from pipekit.errors import PipekitError
from pipekit.facts.runners import OS, OS_VALUES, CustomRunner, load_catalog
from pipekit.pipeline.instances import JobRun

SELF_HOSTED = "self-hosted"  # the label GitHub gives every self-hosted runner


@dataclass(frozen=True, kw_only=True)
class JobPrice:
    """One history job as GitHub bills it."""

    rounded_minutes: int  # its duration rounded up to the whole minute
    billable_minutes: int  # rounded_minutes, or 0 when free
    usd: Decimal  # billable_minutes at its runner's rate


@dataclass(frozen=True, kw_only=True)
class PricedJob:
    """What `price_jobs` needs of a job: where it ran and for how long."""

    workflow: str
    name: str
    labels: tuple[str, ...]
    minutes: float


def price_jobs(design: Design, jobs: Sequence[PricedJob]) -> list[JobPrice]:
    """The price of each job, in order, at `design`'s prices and visibility.

    A job's price depends only on its runner and its whole minutes, so each distinct pair is priced once
    (a long history has thousands of jobs and a few hundred such pairs)."""
    catalog = load_catalog()
    custom: dict[str, CustomRunner] = dict(design.runners)
    labels = {job.labels: runner_label(job, catalog.labels, custom) for job in jobs}
    keys = [(labels[job.labels], math.ceil(job.minutes)) for job in jobs]
    distinct = list(dict.fromkeys(keys))
    cost = billing.cost_run(
        [JobRun(workflow="", job=label, runner=label, minutes=minutes) for label, minutes in distinct],
        catalog=catalog,
        plan=catalog.plan(design.billing.plan),
        visibility=design.billing.visibility,
        custom_runners=custom,
        prices_on=dt.date.fromisoformat(design.billing.prices_on),
    )
    prices = {
        key: JobPrice(rounded_minutes=job.rounded_minutes, billable_minutes=job.billable_minutes, usd=job.usd)
        for key, job in zip(distinct, cost.jobs, strict=True)
    }
    return [prices[key] for key in keys]


def runner_label(job: PricedJob, known: Mapping[str, object], custom: dict[str, CustomRunner]) -> str:
    """The label of `job.labels` that names its runner: one the design declares, else one of GitHub's.
    A self-hosted runner GitHub lists as ``[self-hosted, linux, x64]`` is entered into `custom` as a
    self-hosted runner of that OS (never billed)."""
    for label in job.labels:
        if label in custom or label in known:
            return label
    if SELF_HOSTED in job.labels:
        lowered = {label.lower() for label in job.labels}
        os: OS = next((name for name in OS_VALUES if name in lowered), "linux")
        custom.setdefault(SELF_HOSTED, CustomRunner(kind="self-hosted", os=os))
        return SELF_HOSTED
    raise PipekitError(
        f"{job.workflow}: job {job.name!r} ran on {list(job.labels)}, a runner neither GitHub's catalogue "
        "nor the design knows; declare its label under `runners` in the design (self-hosted, or larger "
        "with its price class)"
    )
