"""`pipekit history calibrate`: the fit's arithmetic on exact durations, the recorded history's plan
predicted within 10% once calibrated, and `--write` changing only the estimates."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import pytest

from pipekit import yamlio
from pipekit.design.load import load_design
from pipekit.design.save import save_design
from pipekit.history import calibrate, recorded, store
from pipekit.history.instances import named_jobs

from ..designs import reference

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "history"


def exact_samples(
    os: list[str], modes: list[str], durations: dict[tuple[str, str], float]
) -> list[calibrate.Sample]:
    """Three runs of each test leg of a one-Python matrix, each leg always taking its `durations`."""
    design = reference({"test": {"matrix": {"python-version": ["3.12"], "os": os, "mode": modes}}})
    samples = []
    for named in named_jobs(design):
        leg = (named.run.matrix.get("os"), named.run.matrix.get("mode"))
        if named.trigger == "push" and named.run.job == "test":
            samples += [calibrate.Sample(instance=named, minutes=durations[leg])] * 3
    return samples


def test_factors_are_ratios_of_medians() -> None:
    samples = exact_samples(
        ["ubuntu-latest", "windows-latest"],
        ["basic", "production"],
        {
            ("ubuntu-latest", "basic"): 5.0,
            ("ubuntu-latest", "production"): 7.0,
            ("windows-latest", "basic"): 10.0,
            ("windows-latest", "production"): 14.0,
        },
    )
    fitted = calibrate.fit(reference(), samples)
    assert fitted.mode_factor["production"] == 1.4  # 7 / 5 on Linux, 14 / 10 on Windows
    assert fitted.mode_factor["basic"] == 1.0  # the matrix's first mode: the reference
    assert fitted.os_factor["windows"] == 2.0  # (10 / 1.0) / (5 / 1.0), and (14 / 1.4) / (7 / 1.4)
    assert fitted.minutes[("test", "test")] == 5.0  # Linux legs with the mode divided out: 5 and 7 / 1.4
    assert fitted.overrides == ()


def test_a_leg_beyond_the_threshold_gets_its_own_minutes() -> None:
    # Linux 5 minutes; Windows 2.0, macOS 1.3; enhanced 1.2, production 1.4; but Windows production
    # takes 21 where the factors say 5 x 2.0 x 1.4 = 14 (50% more). Three values an axis: with two, one odd
    # leg could not be told from a factor (either of its two ratios could be the odd one).
    linux, factors, modes = 5.0, {"ubuntu-latest": 1.0, "windows-latest": 2.0, "macos-latest": 1.3}, {
        "basic": 1.0, "enhanced": 1.2, "production": 1.4
    }  # fmt: skip
    durations = {
        (os, mode): round(linux * f * m, 6) for os, f in factors.items() for mode, m in modes.items()
    }
    durations[("windows-latest", "production")] = 21.0
    fitted = calibrate.fit(reference(), exact_samples(list(factors), list(modes), durations))
    # production: the median of 7/5 (Linux), 21/10 (Windows), 9.1/6.5 (macOS) = 1.4
    assert fitted.mode_factor == {"basic": 1.0, "enhanced": 1.2, "production": 1.4}
    # Windows: the median of its legs with the mode divided out, 10, 12 / 1.2, 21 / 1.4 = 15: 10, over 5
    assert (fitted.os_factor["windows"], fitted.os_factor["macos"]) == (2.0, 1.3)
    assert fitted.minutes[("test", "test")] == 5.0
    # neither os: windows-latest (basic fits) nor mode: production (Linux fits) alone covers only it
    assert fitted.overrides == (
        {
            "workflow": "test",
            "job": "test",
            "match": {"os": "windows-latest", "mode": "production"},
            "minutes": 21.0,
        },
    )


@cache
def fixture_calibration() -> calibrate.Calibration:
    with store.open_store(":memory:") as db:
        recorded.load_recorded(db, recorded.read_recorded(FIXTURE / "history.json"))
        return calibrate.calibrate(FIXTURE / "design.yaml", db.runs(), db.jobs())


def test_the_calibrated_plan_predicts_the_historys_billable_minutes_within_ten_percent() -> None:
    checks = {check.trigger: check for check in fixture_calibration().checks}
    assert set(checks) == {"pull_request", "push", "schedule"}
    for check in checks.values():
        assert check.after == pytest.approx(check.actual, rel=0.10), check
    # the design's own guesses were further off: calibrating is what brought them in
    assert checks["pull_request"].before < 0.8 * checks["pull_request"].actual


def test_the_fit_finds_what_the_history_was_generated_with() -> None:
    # generate.py: Windows 1.9, macOS 1.45, enhanced 1.3, production 1.15, Windows production legs 1.6x
    fitted = fixture_calibration().fitted
    assert fitted.os_factor["windows"] == pytest.approx(1.9, abs=0.1)
    assert fitted.os_factor["macos"] == pytest.approx(1.45, abs=0.1)
    assert fitted.mode_factor["enhanced"] == pytest.approx(1.3, abs=0.05)
    assert fitted.mode_factor["production"] == pytest.approx(1.15, abs=0.05)
    assert [override["match"] for override in fitted.overrides] == [
        {"os": "windows-latest", "mode": "production"}
    ]
    assert fitted.minutes[("test", "test")] == pytest.approx(7.4, abs=0.4)
    assert fixture_calibration().unmatched == ()


def test_rates_count_re_runs_and_cancellations() -> None:
    rates = {row.workflow: row for row in fixture_calibration().rates}
    test = rates[".github/workflows/test.yaml"]
    assert 0 < test.rerun_share < 0.5 and 0 < test.cancelled_share < 0.5
    assert rates[".github/workflows/build.yaml"].rerun_share == 0.0
    assert rates["all workflows"].runs == sum(
        row.runs for name, row in rates.items() if name != "all workflows"
    )


def test_write_changes_only_estimates_and_keeps_every_comment(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    shutil.copyfile(FIXTURE / "design.yaml", path)
    old = path.read_text(encoding="utf-8")
    assert save_design(path, fixture_calibration().data)
    new = path.read_text(encoding="utf-8")
    head, _, old_estimates = old.partition("\nestimates:\n")
    assert new.startswith(head + "\nestimates:\n")  # everything before estimates: byte for byte
    new_estimates = new.partition("\nestimates:\n")[2]
    comments = [line.partition("#")[2] for line in old_estimates.splitlines() if "#" in line]
    assert comments == [line.partition("#")[2] for line in new_estimates.splitlines() if "#" in line]
    data = yamlio.load_file(path)
    assert {key: value for key, value in data.items() if key != "estimates"} == {
        key: value for key, value in yamlio.load_file(FIXTURE / "design.yaml").items() if key != "estimates"
    }
    assert data["estimates"]["minutes"]["deploy"]["preview"] == 4.0  # no history: kept
    assert load_design(path) == fixture_calibration().after
    assert not save_design(path, fixture_calibration().data)  # a second write changes nothing
