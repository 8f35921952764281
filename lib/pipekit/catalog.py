"""The runner catalog: labels, price tables, plans and limits from the packaged ``data/runners.yaml``.

The file is validated once and cached (`load_catalog`). Prices are `Decimal` so that sums of many
small per-minute rates stay exact. A malformed data file is a pipekit bug and raises `DataError`
naming the key path; a bad label or custom runner in a design raises `DesignError`.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeAlias, cast, get_args

from pipekit.errors import DataError, DesignError, InputFileError
from pipekit.yamlio import load_file

OS: TypeAlias = Literal["linux", "windows", "macos"]
PlanName: TypeAlias = Literal["free", "pro", "team", "enterprise"]
CustomKind: TypeAlias = Literal["self-hosted", "larger"]

OS_VALUES: tuple[OS, ...] = get_args(OS)
PLAN_NAMES: tuple[PlanName, ...] = get_args(PlanName)
DATA_FILE = "runners.yaml"
SCHEMA = 1
# The included-minutes rule billing implements; the data file must say it describes the same one.
INCLUDED_BASIS = "minute-multipliers"


@dataclass(frozen=True, kw_only=True)
class PriceClass:
    """What GitHub bills by: OS, architecture and size (e.g. ``linux-2core``)."""

    name: str
    os: OS
    arch: str
    larger: bool
    description: str


@dataclass(frozen=True, kw_only=True)
class RunnerType:
    """A resolved ``runs-on`` label.

    ``price_class`` is None only for self-hosted runners, which GitHub does not bill.
    """

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


@dataclass(frozen=True, kw_only=True)
class CustomRunner:
    """A runner a design declares under ``runners.custom``: self-hosted, or a larger runner.

    Self-hosted runners cost nothing and use no included minutes; a larger runner must name a
    larger price class (e.g. ``linux-x64-8core``), since its label is chosen per organization.
    """

    label: str
    kind: CustomKind
    os: OS
    price_class: str | None = None


@dataclass(frozen=True, kw_only=True)
class PriceTable:
    """Per-minute USD rates in force from ``effective_from`` (inclusive) to ``effective_until``
    (exclusive); None means open-ended on that side."""

    name: str
    effective_from: datetime.date | None
    effective_until: datetime.date | None
    usd_per_minute: Mapping[str, Decimal]
    source: str
    recorded: datetime.date

    def covers(self, on: datetime.date) -> bool:
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

    def rate(self, price_class: str, path: str = "prices_on") -> Decimal:
        """USD per minute for a price class; DesignError if this table has no figure for it."""
        try:
            return self.usd_per_minute[price_class]
        except KeyError:
            raise DesignError(
                path,
                f"the price table in force {self.period} ({self.name}) has no rate for runner class "
                f"{price_class!r}; estimate with a later date",
            ) from None


@dataclass(frozen=True, kw_only=True)
class Plan:
    """A GitHub plan's Actions allowance and concurrency limits."""

    name: PlanName
    included_minutes: int
    concurrent_jobs: int
    concurrent_macos_jobs: int


@dataclass(frozen=True, kw_only=True)
class Catalog:
    """Everything pipekit knows about GitHub-hosted runners, as loaded from ``runners.yaml``."""

    labels: Mapping[str, RunnerType]
    price_classes: Mapping[str, PriceClass]
    price_tables: tuple[PriceTable, ...]
    default_prices_on: datetime.date
    plans: Mapping[PlanName, Plan]
    multipliers: Mapping[OS, int]
    included_basis: str  # which rule included-minute estimates use ("minute-multipliers")
    dollar_basis: str  # the newer docs' dollar wording of the same allowance, for reference
    max_job_minutes: int

    def plan(self, name: str, path: str = "plan") -> Plan:
        """The plan called ``name``; DesignError naming the choices otherwise."""
        if name in self.plans:
            return self.plans[cast(PlanName, name)]
        raise DesignError(path, f"unknown plan {name!r}; use one of {', '.join(PLAN_NAMES)}")

    def price_table(self, on: datetime.date | None = None) -> PriceTable:
        """The table in force on ``on`` (default: ``default_prices_on``, the 2026-01-01 prices)."""
        day = self.default_prices_on if on is None else on
        for table in self.price_tables:
            if table.covers(day):
                return table
        raise DesignError("prices_on", f"no runner price table covers {day.isoformat()}")

    def runner(
        self, label: str, custom: Mapping[str, CustomRunner] | None = None, *, path: str = "runs-on"
    ) -> RunnerType:
        """Resolve a ``runs-on`` label: a standard GitHub label or one declared in ``custom``.

        ``path`` is the design key path of the label, used in the error for an unknown label.
        """
        if custom and label in custom:
            return self._custom(label, custom[label])
        if label in self.labels:
            return self.labels[label]
        known = sorted({*self.labels, *(custom or {})})
        close = difflib.get_close_matches(label, known, n=1, cutoff=0.6)
        hint = "Declare self-hosted or larger runners under `runners` in the design"
        if close:
            problem = f"unknown runner label {label!r}; did you mean {close[0]!r}? {hint}"
        else:
            problem = (
                f"unknown runner label {label!r}; use a GitHub-hosted label such as 'ubuntu-latest'. {hint}"
            )
        raise DesignError(path, problem)

    def check_custom(self, custom: Mapping[str, CustomRunner]) -> None:
        """Validate every declared custom runner (resolving a label checks only that one)."""
        for label, runner in custom.items():
            self._custom(label, runner)

    def _custom(self, key: str, runner: CustomRunner) -> RunnerType:
        path = f"runners.custom.{key}"
        if runner.label != key:
            raise DesignError(path, f"declared under {key!r} but labelled {runner.label!r}")
        if key in self.labels:
            raise DesignError(
                path, f"{key!r} is a GitHub-hosted label; give the custom runner a label of its own"
            )
        if runner.os not in OS_VALUES:
            raise DesignError(f"{path}.os", f"unknown OS {runner.os!r}; use one of {', '.join(OS_VALUES)}")
        if runner.kind == "self-hosted":
            if runner.price_class is not None:
                raise DesignError(
                    f"{path}.price_class", "self-hosted runners are not billed by GitHub; remove price_class"
                )
            return RunnerType(
                label=key,
                os=runner.os,
                arch="unspecified",
                price_class=None,
                larger=False,
                description=f"self-hosted {runner.os}",
                self_hosted=True,
            )
        if runner.kind != "larger":
            raise DesignError(f"{path}.kind", f"unknown kind {runner.kind!r}; use 'self-hosted' or 'larger'")
        larger_classes = sorted(name for name, cls in self.price_classes.items() if cls.larger)
        if runner.price_class not in larger_classes:
            raise DesignError(
                f"{path}.price_class",
                f"a larger runner needs a larger price class, got {runner.price_class!r}; "
                f"use one of {', '.join(larger_classes)}",
            )
        cls = self.price_classes[runner.price_class]
        if cls.os != runner.os:
            raise DesignError(
                f"{path}.os", f"price class {cls.name!r} is for {cls.os}, but the runner says {runner.os}"
            )
        return RunnerType(
            label=key,
            os=cls.os,
            arch=cls.arch,
            price_class=cls.name,
            larger=True,
            description=cls.description,
        )


@functools.cache
def load_catalog() -> Catalog:
    """The packaged catalog, read and validated on first use."""
    with resources.as_file(resources.files("pipekit") / "data" / DATA_FILE) as path:
        return read_catalog(path)


def read_catalog(path: Path) -> Catalog:
    """Read and validate a catalog file (uncached; `load_catalog` is the usual entry point)."""
    try:
        data = load_file(path)
    except InputFileError as error:
        raise DataError(f"packaged data file {error.message}") from None
    return parse_catalog(data, DATA_FILE)


def parse_catalog(data: Any, source: str = DATA_FILE) -> Catalog:
    """Build a Catalog from parsed YAML; DataError naming ``source`` and the key path otherwise."""
    return _Parser(source).catalog(data)


class _Parser:
    """Typed accessors that name the key path of whatever is wrong."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, problem: str) -> DataError:
        return DataError(f"{self.source}: {path or '<top level>'}: {problem}")

    def mapping(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
            raise self.fail(path, f"expected a mapping with text keys, got {type(value).__name__}")
        return value

    def key(self, parent: Mapping[str, Any], name: str, path: str) -> Any:
        if name not in parent:
            raise self.fail(f"{path}.{name}" if path else name, "missing")
        return parent[name]

    def text(self, parent: Mapping[str, Any], name: str, path: str) -> str:
        value = self.key(parent, name, path)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{path}.{name}", f"expected non-empty text, got {value!r}")
        return value

    def url(self, parent: Mapping[str, Any], name: str, path: str) -> str:
        value = self.text(parent, name, path)
        if not value.startswith("https://"):
            raise self.fail(f"{path}.{name}", f"expected an https:// URL, got {value!r}")
        return value

    def date(self, value: Any, path: str) -> datetime.date:
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(path, f"expected a date like 2026-01-01, got {value!r}")

    def optional_date(self, parent: Mapping[str, Any], name: str, path: str) -> datetime.date | None:
        value = self.key(parent, name, path)
        return None if value is None else self.date(value, f"{path}.{name}")

    def count(self, parent: Mapping[str, Any], name: str, path: str, minimum: int = 0) -> int:
        value = self.key(parent, name, path)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(f"{path}.{name}", f"expected a whole number >= {minimum}, got {value!r}")
        return value

    def usd(self, value: Any, path: str) -> Decimal:
        # repr of a float read from YAML is the shortest literal that round-trips, i.e. what was written
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(path, f"expected a price in USD per minute, got {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(path, f"expected a finite price, got {value!r}")
        try:
            amount = Decimal(repr(value) if isinstance(value, float) else str(value))
        except ArithmeticError:
            raise self.fail(path, f"expected a price in USD per minute, got {value!r}") from None
        if not amount.is_finite() or amount < 0:
            raise self.fail(path, f"expected a price >= 0, got {value!r}")
        return amount

    def os(self, parent: Mapping[str, Any], name: str, path: str) -> OS:
        value = self.key(parent, name, path)
        if value not in OS_VALUES:
            raise self.fail(f"{path}.{name}", f"expected one of {', '.join(OS_VALUES)}, got {value!r}")
        return cast(OS, value)

    def table_header(self, table: Mapping[str, Any], path: str) -> tuple[str, datetime.date]:
        return self.url(table, "source", path), self.date(
            self.key(table, "recorded", path), f"{path}.recorded"
        )

    def catalog(self, data: Any) -> Catalog:
        root = self.mapping(data, "")
        if self.key(root, "schema", "") != SCHEMA:
            raise self.fail("schema", f"expected {SCHEMA}, got {root.get('schema')!r}")
        classes = self.price_classes(self.mapping(self.key(root, "price_classes", ""), "price_classes"))
        labels = self.labels(self.mapping(self.key(root, "labels", ""), "labels"), classes)
        tables = self.price_tables(self.key(root, "price_tables", ""), classes)
        default_on = self.date(self.key(root, "default_prices_on", ""), "default_prices_on")
        if not any(table.covers(default_on) for table in tables):
            raise self.fail("default_prices_on", f"no price table covers {default_on.isoformat()}")
        included = self.mapping(self.key(root, "included_minutes", ""), "included_minutes")
        self.table_header(included, "included_minutes")
        basis = self.text(included, "basis", "included_minutes")
        if basis != INCLUDED_BASIS:
            raise self.fail(
                "included_minutes.basis", f"only {INCLUDED_BASIS!r} is implemented, got {basis!r}"
            )
        raw_multipliers = self.mapping(
            self.key(included, "multipliers", "included_minutes"), "included_minutes.multipliers"
        )
        multipliers = {
            os: self.count(raw_multipliers, os, "included_minutes.multipliers", 1) for os in OS_VALUES
        }
        extra = set(raw_multipliers) - set(OS_VALUES)
        if extra:
            raise self.fail("included_minutes.multipliers", f"unknown OS {sorted(extra)[0]!r}")
        limits = self.mapping(self.key(root, "limits", ""), "limits")
        self.table_header(limits, "limits")
        return Catalog(
            labels=labels,
            price_classes=classes,
            price_tables=tables,
            default_prices_on=default_on,
            plans=self.plans(self.mapping(self.key(root, "plans", ""), "plans")),
            multipliers=multipliers,
            included_basis=basis,
            dollar_basis=self.text(included, "dollar_basis", "included_minutes"),
            max_job_minutes=self.count(limits, "max_job_minutes", "limits", 1),
        )

    def price_classes(self, section: Mapping[str, Any]) -> dict[str, PriceClass]:
        self.table_header(section, "price_classes")
        entries = self.mapping(self.key(section, "classes", "price_classes"), "price_classes.classes")
        classes: dict[str, PriceClass] = {}
        for name, raw in entries.items():
            path = f"price_classes.classes.{name}"
            entry = self.mapping(raw, path)
            larger = self.key(entry, "larger", path)
            if not isinstance(larger, bool):
                raise self.fail(f"{path}.larger", f"expected true or false, got {larger!r}")
            classes[name] = PriceClass(
                name=name,
                os=self.os(entry, "os", path),
                arch=self.text(entry, "arch", path),
                larger=larger,
                description=self.text(entry, "description", path),
            )
        if not classes:
            raise self.fail("price_classes.classes", "no price classes")
        return classes

    def labels(self, section: Mapping[str, Any], classes: Mapping[str, PriceClass]) -> dict[str, RunnerType]:
        self.table_header(section, "labels")
        entries = self.mapping(self.key(section, "runners", "labels"), "labels.runners")
        labels: dict[str, RunnerType] = {}
        for label, raw in entries.items():
            path = f"labels.runners.{label}"
            entry = self.mapping(raw, path)
            class_name = self.text(entry, "price_class", path)
            cls = classes.get(class_name)
            if cls is None:
                raise self.fail(f"{path}.price_class", f"unknown price class {class_name!r}")
            if cls.larger:
                raise self.fail(
                    f"{path}.price_class", f"{class_name!r} is a larger-runner class; labels are standard"
                )
            labels[label] = RunnerType(
                label=label,
                os=cls.os,
                arch=self.text(entry, "arch", path),
                price_class=class_name,
                larger=False,
                description=self.text(entry, "description", path),
            )
        if not labels:
            raise self.fail("labels.runners", "no labels")
        return labels

    def price_tables(self, value: Any, classes: Mapping[str, PriceClass]) -> tuple[PriceTable, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("price_tables", "expected a non-empty list of tables")
        tables: list[PriceTable] = []
        for index, raw in enumerate(value):
            path = f"price_tables[{index}]"
            entry = self.mapping(raw, path)
            source, recorded = self.table_header(entry, path)
            start = self.optional_date(entry, "effective_from", path)
            end = self.optional_date(entry, "effective_until", path)
            if start and end and start >= end:
                raise self.fail(path, f"effective_from {start} is not before effective_until {end}")
            rates_raw = self.mapping(self.key(entry, "usd_per_minute", path), f"{path}.usd_per_minute")
            rates: dict[str, Decimal] = {}
            for class_name, amount in rates_raw.items():
                rate_path = f"{path}.usd_per_minute.{class_name}"
                if class_name not in classes:
                    raise self.fail(rate_path, "unknown price class")
                rates[class_name] = self.usd(amount, rate_path)
            table = PriceTable(
                name=self.text(entry, "name", path),
                effective_from=start,
                effective_until=end,
                usd_per_minute=rates,
                source=source,
                recorded=recorded,
            )
            for other_index, other in enumerate(tables):
                if _overlap(table, other):
                    raise self.fail(path, f"effective period overlaps price_tables[{other_index}]")
            tables.append(table)
        return tuple(tables)

    def plans(self, section: Mapping[str, Any]) -> dict[PlanName, Plan]:
        path = "plans"
        self.table_header(section, path)
        self.url(section, "minutes_source", path)
        entries = self.mapping(self.key(section, "plans", path), "plans.plans")
        extra = set(entries) - set(PLAN_NAMES)
        if extra:
            raise self.fail(
                f"plans.plans.{sorted(extra)[0]}", f"unknown plan; use one of {', '.join(PLAN_NAMES)}"
            )
        plans: dict[PlanName, Plan] = {}
        for name in PLAN_NAMES:
            entry_path = f"plans.plans.{name}"
            entry = self.mapping(self.key(entries, name, "plans.plans"), entry_path)
            plans[name] = Plan(
                name=name,
                included_minutes=self.count(entry, "included_minutes", entry_path),
                concurrent_jobs=self.count(entry, "concurrent_jobs", entry_path, 1),
                concurrent_macos_jobs=self.count(entry, "concurrent_macos_jobs", entry_path, 1),
            )
        return plans


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
