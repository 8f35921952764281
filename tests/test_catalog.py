from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from pipekit.catalog import CustomRunner, load_catalog, parse_catalog, read_catalog
from pipekit.errors import DataError, DesignError
from pipekit.yamlio import load_file


def raw_data() -> Any:
    with resources.as_file(resources.files("pipekit") / "data" / "runners.yaml") as path:
        return load_file(path)


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
    runner = load_catalog().runner(label)
    assert (runner.label, runner.os, runner.arch, runner.price_class) == (label, os, arch, price_class)
    assert not runner.larger and not runner.self_hosted
    assert runner.kind == "standard"


def test_every_class_has_a_current_price() -> None:
    catalog = load_catalog()
    table = catalog.price_table()
    assert set(table.usd_per_minute) == set(catalog.price_classes)


def test_current_prices_are_exact_decimals() -> None:
    rates = load_catalog().price_table().usd_per_minute
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
    assert catalog.price_table().effective_from == datetime.date(2026, 1, 1)
    assert catalog.price_table(datetime.date(2026, 1, 1)) is catalog.price_table()
    old = catalog.price_table(datetime.date(2025, 12, 31))
    assert old.effective_until == datetime.date(2026, 1, 1)
    assert old.rate("linux-2core") == Decimal("0.008")
    assert old.rate("windows-2core") == Decimal("0.016")
    assert old.rate("macos") == Decimal("0.08")


def test_old_table_refuses_unrecorded_class() -> None:
    old = load_catalog().price_table(datetime.date(2025, 6, 1))
    with pytest.raises(DesignError, match="no rate for runner class 'linux-x64-8core'"):
        old.rate("linux-x64-8core")


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


def test_unknown_plan() -> None:
    with pytest.raises(DesignError, match="unknown plan 'gold'; use one of free, pro, team, enterprise"):
        load_catalog().plan("gold")


def test_every_table_names_a_source_and_date() -> None:
    data = raw_data()
    tables = [data["price_classes"], data["labels"], *data["price_tables"], data["included_minutes"]]
    tables += [data["plans"], data["limits"]]
    for table in tables:
        assert table["source"].startswith("https://docs.github.com/")
        datetime.date.fromisoformat(table["recorded"])


def test_unknown_label_suggests_the_closest() -> None:
    with pytest.raises(DesignError) as caught:
        load_catalog().runner("ubunto-latest", path="jobs.test.runs-on")
    assert str(caught.value) == (
        "jobs.test.runs-on: unknown runner label 'ubunto-latest'; did you mean 'ubuntu-latest'? "
        "Declare self-hosted or larger runners under `runners` in the design"
    )
    assert caught.value.path == "jobs.test.runs-on"


def test_unknown_label_without_a_close_match() -> None:
    with pytest.raises(DesignError, match="unknown runner label 'gpu-box'; use a GitHub-hosted label"):
        load_catalog().runner("gpu-box")


def test_unknown_label_suggests_custom_labels_too() -> None:
    custom = {"build-farm": CustomRunner(label="build-farm", kind="self-hosted", os="linux")}
    with pytest.raises(DesignError, match="did you mean 'build-farm'"):
        load_catalog().runner("build-farn", custom)


def test_custom_self_hosted() -> None:
    custom = {"build-farm": CustomRunner(label="build-farm", kind="self-hosted", os="linux")}
    runner = load_catalog().runner("build-farm", custom)
    assert runner.self_hosted and runner.price_class is None and runner.kind == "self-hosted"
    assert runner.os == "linux"


def test_custom_larger() -> None:
    custom = {
        "linux-8core": CustomRunner(
            label="linux-8core", kind="larger", os="linux", price_class="linux-x64-8core"
        )
    }
    runner = load_catalog().runner("linux-8core", custom)
    assert runner.larger and not runner.self_hosted and runner.kind == "larger"
    assert (runner.os, runner.arch, runner.price_class) == ("linux", "x64", "linux-x64-8core")


@pytest.mark.parametrize(
    ("runner", "message"),
    [
        (CustomRunner(label="big", kind="larger", os="linux"), "a larger runner needs a larger price class"),
        (
            CustomRunner(label="big", kind="larger", os="linux", price_class="linux-2core"),
            "a larger runner needs a larger price class, got 'linux-2core'",
        ),
        (
            CustomRunner(label="big", kind="larger", os="windows", price_class="linux-x64-8core"),
            "is for linux, but the runner says windows",
        ),
        (
            CustomRunner(label="big", kind="self-hosted", os="linux", price_class="linux-2core"),
            "self-hosted runners are not billed by GitHub",
        ),
        (
            CustomRunner(label="other", kind="self-hosted", os="linux"),
            "declared under 'big' but labelled 'other'",
        ),
    ],
)
def test_bad_custom_runner(runner: CustomRunner, message: str) -> None:
    with pytest.raises(DesignError, match=message) as caught:
        load_catalog().runner("big", {"big": runner})
    assert caught.value.path.startswith("runners.custom.big")
    with pytest.raises(DesignError, match=message):
        load_catalog().check_custom({"big": runner})


def test_custom_cannot_shadow_a_standard_label() -> None:
    custom = {"ubuntu-latest": CustomRunner(label="ubuntu-latest", kind="self-hosted", os="linux")}
    with pytest.raises(DesignError, match="is a GitHub-hosted label"):
        load_catalog().runner("ubuntu-latest", custom)


def test_price_table_gap() -> None:
    data = raw_data()
    data["price_tables"][1]["effective_from"] = "2020-01-01"
    catalog = parse_catalog(data)
    with pytest.raises(DesignError, match="no runner price table covers 2019-06-01"):
        catalog.price_table(datetime.date(2019, 6, 1))


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
        (("schema",), 2, "schema: expected 1"),
        (
            ("price_tables", 0, "usd_per_minute", "linux-2core"),
            "cheap",
            r"price_tables\[0\].usd_per_minute.linux-2core",
        ),
        (("price_tables", 0, "usd_per_minute", "linux-2core"), -0.5, "expected a price >= 0"),
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
            r"price_tables\[0\].source: expected an https:// URL",
        ),
        (
            ("labels", "runners", "ubuntu-latest", "price_class"),
            "linux-9core",
            "ubuntu-latest.price_class: unknown",
        ),
        (("labels", "runners", "ubuntu-latest", "price_class"), "linux-x64-4core", "larger-runner class"),
        (("labels", "recorded"), KeyError, "labels.recorded: missing"),
        (
            ("price_classes", "classes", "macos", "os"),
            "darwin",
            "price_classes.classes.macos.os: expected one of",
        ),
        (
            ("plans", "plans", "team", "concurrent_jobs"),
            0,
            "plans.plans.team.concurrent_jobs: expected a whole",
        ),
        (("plans", "plans", "free"), KeyError, "plans.plans.free: missing"),
        (("plans", "plans", "gold"), {"included_minutes": 1}, "plans.plans.gold: unknown plan"),
        (("included_minutes", "multipliers", "macos"), 10.5, "included_minutes.multipliers.macos"),
        (("included_minutes", "basis"), "dollars", "only 'minute-multipliers' is implemented"),
        (("limits", "max_job_minutes"), "6h", "limits.max_job_minutes: expected a whole number"),
        (("default_prices_on",), "soon", "default_prices_on: expected a date like 2026-01-01"),
    ],
)
def test_malformed_data_names_the_key_path(path: tuple[Any, ...], value: Any, message: str) -> None:
    data = copy.deepcopy(raw_data())
    _set(data, path, value)
    with pytest.raises(DataError, match=message) as caught:
        parse_catalog(data)
    assert str(caught.value).startswith("runners.yaml: ")


def test_unreadable_data_file(tmp_path: Path) -> None:
    broken = tmp_path / "runners.yaml"
    broken.write_text("schema: [1\n", encoding="utf-8")
    with pytest.raises(DataError, match="YAML syntax error"):
        read_catalog(broken)
