"""The runner catalogue: the packaged data file read into labels, price tables, plans and limits.

Figures are checked against the pricing and limits pages the data file names (recorded 2026-11-27).
"""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest
import yaml

from pipekit.errors import DataError, DesignError
from pipekit.facts.runners import CustomRunner, load_catalog, parse_catalog
from pipekit.yamlio import loads

EMPTY: dict[str, CustomRunner] = {}


def raw_text() -> str:
    return resources.files("pipekit").joinpath("data", "runners.yaml").read_text(encoding="utf-8")


def raw_data() -> Any:
    return loads(raw_text())


def from_data(data: Any) -> Any:
    return parse_catalog(yaml.safe_dump(data, sort_keys=False))


def test_load_catalog_is_cached() -> None:
    assert load_catalog() is load_catalog()


@pytest.mark.parametrize(
    ("label", "os", "arch", "price_class"),
    [
        ("ubuntu-latest", "linux", "x64", "linux-2core"),
        ("ubuntu-26.04", "linux", "x64", "linux-2core"),
        ("ubuntu-24.04", "linux", "x64", "linux-2core"),
        ("ubuntu-22.04", "linux", "x64", "linux-2core"),
        ("ubuntu-26.04-arm", "linux", "arm64", "linux-arm64-2core"),
        ("ubuntu-24.04-arm", "linux", "arm64", "linux-arm64-2core"),
        ("ubuntu-22.04-arm", "linux", "arm64", "linux-arm64-2core"),
        ("ubuntu-slim", "linux", "x64", "linux-slim"),
        ("windows-latest", "windows", "x64", "windows-2core"),
        ("windows-2025", "windows", "x64", "windows-2core"),
        ("windows-2022", "windows", "x64", "windows-2core"),
        ("windows-11-arm", "windows", "arm64", "windows-arm64-2core"),
        ("macos-latest", "macos", "arm64", "macos"),
        ("macos-26", "macos", "arm64", "macos"),
        ("macos-15", "macos", "arm64", "macos"),
        ("macos-26-intel", "macos", "x64", "macos"),
        ("macos-15-intel", "macos", "x64", "macos"),
    ],
)
def test_standard_labels(label: str, os: str, arch: str, price_class: str) -> None:
    runner = load_catalog().runner(label, EMPTY)
    assert (runner.label, runner.os, runner.arch, runner.price_class) == (label, os, arch, price_class)
    assert not runner.larger and not runner.self_hosted
    assert runner.kind == "standard"


def test_every_class_has_a_current_price() -> None:
    catalog = load_catalog()
    table = catalog.price_table()
    assert table is not None
    assert set(table.usd_per_minute) == set(catalog.price_classes)


def test_current_prices_are_exact_decimals() -> None:
    table = load_catalog().price_table()
    assert table is not None
    rates = table.usd_per_minute
    assert rates["linux-2core"] == Decimal("0.006")
    assert rates["linux-slim"] == Decimal("0.002")
    assert rates["linux-arm64-2core"] == Decimal("0.005")
    assert rates["windows-2core"] == Decimal("0.010")
    assert rates["macos"] == Decimal("0.062")
    assert rates["linux-x64-64core"] == Decimal("0.162")
    assert rates["windows-x64-64core"] == Decimal("0.322")
    assert rates["macos-12core"] == Decimal("0.077")
    assert rates["macos-m2pro-5core"] == Decimal("0.102")


def test_price_table_by_date() -> None:
    catalog = load_catalog()
    current = catalog.price_table()
    assert current is not None and current.effective_from == datetime.date(2026, 1, 1)
    assert catalog.default_prices_on == datetime.date(2026, 11, 27)
    assert catalog.price_table(datetime.date(2026, 1, 1)) is current
    old = catalog.price_table(datetime.date(2025, 12, 31))
    assert old is not None and old.effective_until == datetime.date(2026, 1, 1)
    assert old.usd_per_minute["linux-2core"] == Decimal("0.008")
    assert old.usd_per_minute["windows-2core"] == Decimal("0.016")
    assert old.usd_per_minute["macos"] == Decimal("0.08")
    # only the standard classes were recorded before 2026: the design rules refuse the others then
    assert "linux-x64-8core" not in old.usd_per_minute


def test_plans_multipliers_and_limits() -> None:
    catalog = load_catalog()
    free, pro, team, enterprise = (catalog.plan(name) for name in ("free", "pro", "team", "enterprise"))
    assert (free.included_minutes, free.concurrent_jobs, free.concurrent_macos_jobs) == (2000, 20, 5)
    assert (pro.included_minutes, pro.concurrent_jobs, pro.concurrent_macos_jobs) == (3000, 40, 5)
    assert (team.included_minutes, team.concurrent_jobs, team.concurrent_macos_jobs) == (3000, 60, 5)
    assert (enterprise.included_minutes, enterprise.concurrent_jobs, enterprise.concurrent_macos_jobs) == (
        50000,
        500,
        50,
    )
    assert dict(catalog.multipliers) == {"linux": 1, "windows": 2, "macos": 10}
    assert catalog.included_basis == "minute-multipliers"
    assert "dollars" in catalog.dollar_basis
    assert catalog.max_job_minutes == 360


def test_every_table_names_a_source_and_date() -> None:
    data = raw_data()
    tables = [data["price_classes"], data["labels"], *data["price_tables"], data["included_minutes"]]
    tables += [data["plans"], data["limits"]]
    for table in tables:
        assert table["source"].startswith("https://docs.github.com/")
        datetime.date.fromisoformat(table["recorded"])


def test_unknown_label_suggests_the_closest() -> None:
    with pytest.raises(DesignError) as caught:
        load_catalog().runner("ubunto-latest", EMPTY, path="test.benchmark.runner")
    assert str(caught.value) == (
        "test.benchmark.runner: unknown runner label 'ubunto-latest'; did you mean 'ubuntu-latest'? "
        "Declare self-hosted or larger runners under `runners` in the design"
    )
    assert caught.value.path == "test.benchmark.runner"


def test_unknown_label_without_a_close_match() -> None:
    with pytest.raises(DesignError, match="unknown runner label 'gpu-box'; use a GitHub-hosted label"):
        load_catalog().runner("gpu-box", EMPTY)


def test_unknown_label_suggests_custom_labels_too() -> None:
    custom = {"build-farm": CustomRunner(kind="self-hosted", os="linux")}
    with pytest.raises(DesignError, match="did you mean 'build-farm'"):
        load_catalog().runner("build-farn", custom)


def test_custom_self_hosted() -> None:
    custom = {"build-farm": CustomRunner(kind="self-hosted", os="linux")}
    runner = load_catalog().runner("build-farm", custom)
    assert runner.self_hosted and runner.price_class is None and runner.kind == "self-hosted"
    assert runner.os == "linux"


def test_custom_larger() -> None:
    custom = {"linux-8core": CustomRunner(kind="larger", os="linux", price_class="linux-x64-8core")}
    runner = load_catalog().runner("linux-8core", custom)
    assert runner.larger and not runner.self_hosted and runner.kind == "larger"
    assert (runner.os, runner.arch, runner.price_class) == ("linux", "x64", "linux-x64-8core")


def test_price_table_gap() -> None:
    data = raw_data()
    data["price_tables"][1]["effective_from"] = "2020-01-01"
    catalog = from_data(data)
    assert catalog.price_table(datetime.date(2019, 6, 1)) is None


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        data = data[step]
    if value is KeyError:
        del data[path[-1]]
    else:
        data[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("schema",), 2, "schema: expected one of 1"),
        (
            ("price_tables", 0, "usd_per_minute", "linux-2core"),
            "cheap",
            r"price_tables\[0\].usd_per_minute.linux-2core",
        ),
        (("price_tables", 0, "usd_per_minute", "linux-2core"), -0.5, "linux-2core: expected at least 0"),
        (
            ("price_tables", 0, "usd_per_minute", "linux-4core"),
            0.01,
            "usd_per_minute.linux-4core: unknown price class",
        ),
        (
            ("price_tables", 0, "effective_from"),
            "next year",
            r"price_tables\[0\].effective_from: expected a date",
        ),
        (
            ("price_tables", 1, "effective_until"),
            "2026-02-01",
            r"price_tables\[1\]: effective period overlaps",
        ),
        (
            ("price_tables", 0, "source"),
            "docs.github.com",
            r"price_tables\[0\].source: expected a value matching",
        ),
        (
            ("labels", "runners", "ubuntu-latest", "price_class"),
            "linux-9core",
            "ubuntu-latest.price_class: unknown",
        ),
        (("labels", "runners", "ubuntu-latest", "price_class"), "linux-x64-4core", "larger-runner class"),
        (("labels", "recorded"), KeyError, "labels.recorded: is required here, but missing"),
        (
            ("price_classes", "classes", "macos", "os"),
            "darwin",
            "price_classes.classes.macos.os: expected one of",
        ),
        (
            ("plans", "plans", "team", "concurrent_jobs"),
            0,
            "plans.plans.team.concurrent_jobs: expected at least 1, got 0",
        ),
        (("plans", "plans", "free"), KeyError, "plans.plans.free: missing"),
        (("plans", "plans", "gold"), {"included_minutes": 1}, "plans.plans.gold: unknown key"),
        (("included_minutes", "multipliers", "macos"), 10.5, "included_minutes.multipliers.macos"),
        (("included_minutes", "basis"), "dollars", "basis: expected one of 'minute-multipliers'"),
        (("limits", "max_job_minutes"), "6h", "limits.max_job_minutes: expected a whole number"),
        (("default_prices_on",), "soon", "default_prices_on: expected a date YYYY-MM-DD"),
        # the default date must price every class: the old table lacks the newer ones
        (("default_prices_on",), "2020-01-01", "price_tables.before-2026-01: no rate for linux-arm64-2core"),
    ],
)
def test_malformed_data_names_the_key_path(path: tuple[Any, ...], value: Any, message: str) -> None:
    data = copy.deepcopy(raw_data())
    _set(data, path, value)
    with pytest.raises(DataError, match=message) as caught:
        from_data(data)
    assert str(caught.value).startswith("packaged data file runners.yaml: ")


def test_unreadable_data_file() -> None:
    with pytest.raises(DataError, match="YAML syntax error"):
        parse_catalog("schema: [1\n")
