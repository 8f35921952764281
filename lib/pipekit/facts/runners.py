"""The runner catalogue: labels, price tables, plans and limits from the packaged ``data/runners.yaml``.

The file is read with the same typed-dataclass machinery as the design (`pipekit.typed`), checked for
the rules that span its tables, and cached (`load_catalog`). Prices are `Decimal`, so sums of many small
per-minute rates stay exact. A malformed data file is a pipekit bug and raises `DataError` naming the
key path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from typing import Any, Literal, TypeAlias, get_args

from pipekit import yamlio
from pipekit.errors import DataError, DesignError, InputFileError
from pipekit.typed import convert, spec
from pipekit.wording import did_you_mean

OS: TypeAlias = Literal["linux", "windows", "macos"]
PlanName: TypeAlias = Literal["free", "pro", "team", "enterprise"]

OS_VALUES: tuple[OS, ...] = get_args(OS)
PLAN_NAMES: tuple[PlanName, ...] = get_args(PlanName)
DATA_FILE = "runners.yaml"
HTTPS = r"https://\S+"
NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
# The included-minutes rule billing implements; the data file must say it describes the same one.
INCLUDED_BASIS = "minute-multipliers"


@dataclasses.dataclass(frozen=True, kw_only=True)
class CustomRunner:
    """A runner label the catalogue does not know, declared in a design under ``runners.<label>``:
    self-hosted (never billed by GitHub), or a larger runner with its price class (larger runners are
    named per organization, so their labels cannot be in the catalogue)."""

    kind: Literal["self-hosted", "larger"] = spec()
    os: OS = spec()
    price_class: str | None = spec(None, pattern=NAME, expected="a larger-runner price class")


# ------------------------------------------------------------------------------------- the data file


@dataclasses.dataclass(frozen=True, kw_only=True)
class _PriceClassEntry:
    os: OS = spec()
    arch: str = spec()
    larger: bool = spec()
    description: str = spec()


@dataclasses.dataclass(frozen=True, kw_only=True)
class _PriceClasses:
    source: str = spec(pattern=HTTPS)
    recorded: dt.date = spec()
    classes: Mapping[str, _PriceClassEntry] = spec(min_items=1)


@dataclasses.dataclass(frozen=True, kw_only=True)
class _LabelEntry:
    arch: str = spec()
    price_class: str = spec()
    description: str = spec()


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Labels:
    source: str = spec(pattern=HTTPS)
    recorded: dt.date = spec()
    runners: Mapping[str, _LabelEntry] = spec(min_items=1)


@dataclasses.dataclass(frozen=True, kw_only=True)
class _PriceTable:
    name: str = spec()
    source: str = spec(pattern=HTTPS)
    recorded: dt.date = spec()
    effective_from: dt.date | None = spec()
    effective_until: dt.date | None = spec()
    usd_per_minute: Mapping[str, Decimal] = spec(minimum=0, min_items=1)


@dataclasses.dataclass(frozen=True, kw_only=True)
class _IncludedMinutes:
    source: str = spec(pattern=HTTPS)
    recorded: dt.date = spec()
    basis: Literal["minute-multipliers"] = spec()
    multipliers: Mapping[OS, int] = spec(minimum=1)
    dollar_basis: str = spec()


@dataclasses.dataclass(frozen=True, kw_only=True)
class _PlanEntry:
    included_minutes: int = spec(minimum=0)
    concurrent_jobs: int = spec(minimum=1)
    concurrent_macos_jobs: int = spec(minimum=1)


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Plans:
    source: str = spec(pattern=HTTPS)
    minutes_source: str = spec(pattern=HTTPS)
    recorded: dt.date = spec()
    plans: Mapping[PlanName, _PlanEntry] = spec()


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Limits:
    source: str = spec(pattern=HTTPS)
    recorded: dt.date = spec()
    max_job_minutes: int = spec(minimum=1)


@dataclasses.dataclass(frozen=True, kw_only=True)
class _RunnersFile:
    schema: Literal[1] = spec()
    price_classes: _PriceClasses = spec()
    labels: _Labels = spec()
    default_prices_on: dt.date = spec()
    price_tables: tuple[_PriceTable, ...] = spec(min_items=1)
    included_minutes: _IncludedMinutes = spec()
    plans: _Plans = spec()
    limits: _Limits = spec()


# ---------------------------------------------------------------------------------- the catalogue


@dataclasses.dataclass(frozen=True, kw_only=True)
class PriceClass:
    """What GitHub bills by: OS, architecture and size (e.g. ``linux-2core``)."""

    name: str
    os: OS
    arch: str
    larger: bool
    description: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunnerType:
    """A resolved ``runs-on`` label; ``price_class`` is None only for self-hosted runners."""

    label: str
    os: OS
    arch: str
    price_class: str | None
    larger: bool
    description: str
    self_hosted: bool = False

    @property
    def kind(self) -> Literal["standard", "larger", "self-hosted"]:
        if self.self_hosted:
            return "self-hosted"
        return "larger" if self.larger else "standard"


@dataclasses.dataclass(frozen=True, kw_only=True)
class PriceTable:
    """Per-minute USD rates in force from ``effective_from`` (inclusive) to ``effective_until``
    (exclusive); None means open-ended on that side."""

    name: str
    effective_from: dt.date | None
    effective_until: dt.date | None
    usd_per_minute: Mapping[str, Decimal]
    source: str
    recorded: dt.date

    def covers(self, on: dt.date) -> bool:
        after_start = self.effective_from is None or on >= self.effective_from
        before_end = self.effective_until is None or on < self.effective_until
        return after_start and before_end

    @property
    def period(self) -> str:
        start = self.effective_from.isoformat() if self.effective_from else None
        end = self.effective_until.isoformat() if self.effective_until else None
        if start and end:
            return f"from {start} until {end}"
        if end:
            return f"until {end}"
        return f"from {start}" if start else "at all times"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Plan:
    """A GitHub plan's Actions allowance and concurrency limits."""

    name: PlanName
    included_minutes: int
    concurrent_jobs: int
    concurrent_macos_jobs: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class Catalog:
    """Everything pipekit knows about GitHub-hosted runners, as read from ``runners.yaml``."""

    labels: Mapping[str, RunnerType]
    price_classes: Mapping[str, PriceClass]
    price_tables: tuple[PriceTable, ...]
    default_prices_on: dt.date  # the newest prices pipekit knows: the design's default date
    plans: Mapping[PlanName, Plan]
    multipliers: Mapping[OS, int]
    included_basis: str  # which rule included-minute estimates use ("minute-multipliers")
    dollar_basis: str  # the newer docs' dollar wording of the same allowance, for reference
    max_job_minutes: int

    def plan(self, name: PlanName) -> Plan:
        return self.plans[name]

    def price_table(self, on: dt.date | None = None) -> PriceTable | None:
        """The table in force on `on` (default: `default_prices_on`), None when none covers it."""
        day = self.default_prices_on if on is None else on
        return next((table for table in self.price_tables if table.covers(day)), None)

    def larger_classes(self, os: OS | None = None) -> list[str]:
        return sorted(
            name for name, cls in self.price_classes.items() if cls.larger and (os is None or cls.os == os)
        )

    def runner(self, label: str, custom: Mapping[str, CustomRunner], *, path: str = "runs-on") -> RunnerType:
        """Resolve a ``runs-on`` label: one the design declares under ``runners``, else a GitHub label.

        DesignError naming `path` for a label neither knows (the design rules call this for every label
        a design writes, so later stages never see an unknown one).
        """
        declared = custom.get(label)
        if declared is not None:
            return self._custom(label, declared)
        if label in self.labels:
            return self.labels[label]
        hint = did_you_mean(label, sorted({*self.labels, *custom})) or (
            "; use a GitHub-hosted label such as 'ubuntu-latest'."
        )
        raise DesignError(
            path,
            f"unknown runner label {label!r}{hint} Declare self-hosted or larger runners under `runners` "
            "in the design",
        )

    def _custom(self, label: str, runner: CustomRunner) -> RunnerType:
        if runner.kind == "self-hosted" or runner.price_class is None:
            return RunnerType(
                label=label,
                os=runner.os,
                arch="unspecified",
                price_class=None,
                larger=False,
                description=f"self-hosted {runner.os}",
                self_hosted=True,
            )
        cls = self.price_classes[runner.price_class]
        return RunnerType(
            label=label,
            os=cls.os,
            arch=cls.arch,
            price_class=cls.name,
            larger=True,
            description=cls.description,
        )


@functools.cache
def load_catalog() -> Catalog:
    """The packaged catalogue, read and checked on first use."""
    text = resources.files("pipekit").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    return parse_catalog(text)


def parse_catalog(text: str, source: str = DATA_FILE) -> Catalog:
    """A Catalog from the text of a runners file; DataError naming `source` and the key path otherwise."""
    try:
        data: Any = yamlio.loads(text, source)
        raw: _RunnersFile = convert(_RunnersFile, data, "")
        return _build(raw)
    except DesignError as error:
        raise DataError(
            f"packaged data file {source}: {error.path or '<top level>'}: {error.problem}"
        ) from None
    except InputFileError as error:
        raise DataError(f"packaged data file {error.message}") from None


def _build(raw: _RunnersFile) -> Catalog:
    """The catalogue, after the rules that span tables: raised as DesignError with the key path."""
    classes = {
        name: PriceClass(name=name, os=e.os, arch=e.arch, larger=e.larger, description=e.description)
        for name, e in raw.price_classes.classes.items()
    }
    labels: dict[str, RunnerType] = {}
    for label, entry in raw.labels.runners.items():
        path = f"labels.runners.{label}.price_class"
        cls = classes.get(entry.price_class)
        if cls is None:
            raise DesignError(path, f"unknown price class {entry.price_class!r}")
        if cls.larger:
            raise DesignError(path, f"{entry.price_class!r} is a larger-runner class; labels are standard")
        labels[label] = RunnerType(
            label=label,
            os=cls.os,
            arch=entry.arch,
            price_class=cls.name,
            larger=False,
            description=entry.description,
        )
    tables: list[PriceTable] = []
    for index, raw_table in enumerate(raw.price_tables):
        path = f"price_tables[{index}]"
        start, end = raw_table.effective_from, raw_table.effective_until
        if start and end and start >= end:
            raise DesignError(path, f"effective_from {start} is not before effective_until {end}")
        for class_name in raw_table.usd_per_minute:
            if class_name not in classes:
                raise DesignError(f"{path}.usd_per_minute.{class_name}", "unknown price class")
        table = PriceTable(
            name=raw_table.name,
            effective_from=start,
            effective_until=end,
            usd_per_minute=raw_table.usd_per_minute,
            source=raw_table.source,
            recorded=raw_table.recorded,
        )
        for other_index, other in enumerate(tables):
            if _overlap(table, other):
                raise DesignError(path, f"effective period overlaps price_tables[{other_index}]")
        tables.append(table)
    current = next((table for table in tables if table.covers(raw.default_prices_on)), None)
    if current is None:
        raise DesignError("default_prices_on", f"no price table covers {raw.default_prices_on}")
    missing = sorted(set(classes) - set(current.usd_per_minute))
    if missing:
        raise DesignError(f"price_tables.{current.name}", f"no rate for {', '.join(missing)}")
    for os in OS_VALUES:
        if os not in raw.included_minutes.multipliers:
            raise DesignError(f"included_minutes.multipliers.{os}", "missing")
    plans = {}
    for name in PLAN_NAMES:
        entry_plan = raw.plans.plans.get(name)
        if entry_plan is None:
            raise DesignError(f"plans.plans.{name}", "missing")
        plans[name] = Plan(
            name=name,
            included_minutes=entry_plan.included_minutes,
            concurrent_jobs=entry_plan.concurrent_jobs,
            concurrent_macos_jobs=entry_plan.concurrent_macos_jobs,
        )
    return Catalog(
        labels=labels,
        price_classes=classes,
        price_tables=tuple(tables),
        default_prices_on=raw.default_prices_on,
        plans=plans,
        multipliers=raw.included_minutes.multipliers,
        included_basis=raw.included_minutes.basis,
        dollar_basis=raw.included_minutes.dollar_basis,
        max_job_minutes=raw.limits.max_job_minutes,
    )


def _overlap(a: PriceTable, b: PriceTable) -> bool:
    a_before_b = (
        a.effective_until is not None
        and b.effective_from is not None
        and a.effective_until <= b.effective_from
    )
    b_before_a = (
        b.effective_until is not None
        and a.effective_from is not None
        and b.effective_until <= a.effective_from
    )
    return not (a_before_b or b_before_a)
