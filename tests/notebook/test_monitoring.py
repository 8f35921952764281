"""The monitoring notebook: thin, left out of regeneration, and its tables right about the recorded
history (tests/data/history; generate.py says what was planted in it)."""

from __future__ import annotations

import ast
from decimal import Decimal
from functools import cache
from pathlib import Path

import nbformat

from pipekit.notebook import headless, monitoring

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / headless.MONITORING
FIXTURE = ROOT / "tests" / "data" / "history"


@cache
def history() -> monitoring.History:
    return monitoring.load(None, str(FIXTURE / "history.json"), str(FIXTURE / "design.yaml"))


def test_the_notebook_stays_thin() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    parameters = next(cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", []))
    body = ast.parse(parameters.source).body
    assert all(isinstance(node, ast.Assign) for node in body)
    assigned = {
        node.targets[0].id
        for node in body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    assert assigned == {
        "database",
        "recorded",
        "design",
        "since",
        "until",
        "regression_threshold",
        "coverage_drop",
        "trend_jobs",
    }
    for cell in notebook.cells:
        if cell.cell_type != "code" or cell is parameters:
            continue
        assert len(cell.source.splitlines()) <= 5
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Lambda)
            if isinstance(node, ast.Import | ast.ImportFrom):
                assert ast.unparse(node) == "from pipekit.notebook import monitoring"


def test_regeneration_leaves_it_out(tmp_path: Path) -> None:
    found = headless.find_notebooks(ROOT / "notebooks")
    assert NOTEBOOK in found  # `pipekit notebooks --in-place` refreshes it with its own parameters
    runs = headless.regeneration_runs(found, design=ROOT / "pipeline.yaml", out=tmp_path, reports=tmp_path)
    assert len(runs) == len(headless.NOTEBOOKS) and all(
        run.notebook.name != headless.MONITORING for run in runs
    )


def test_failure_analysis_ranks_what_the_history_planted() -> None:
    steps = monitoring.failing_steps(history())
    top = steps.iloc[0]
    # `passed` fails whenever a job it needs failed: 2 lint failures, 2 flaky and 1 timed-out leg
    assert (top["job"], top["step"], top["failures"]) == (
        "All test jobs passed",
        "Fail unless every job passed",
        5,
    )
    assert ("Lint and type-check", "Type-check (mypy)", 2) in {
        (row["job"], row["step"], row["failures"]) for _, row in steps.iterrows()
    }
    flaky = set(monitoring.flaky_legs(history())["job"])
    assert {"Test (3.12, macos-latest, enhanced)", "Test (3.11, windows-latest, production)"} <= flaky
    reruns = monitoring.reruns(history())
    assert set(reruns["job"]) == flaky  # only what failed was re-run, with the job that needs it


def test_spend_is_held_against_a_week_of_the_plan() -> None:
    spend = monitoring.spend(history())
    weekly = history().plan.month.gross_usd * 12 / 52
    assert set(spend["plan_usd"]) == {float(round(weekly, 2))}
    assert spend["billable minutes"].sum() == sum(row.billable_minutes for row in history().report.jobs)
    total = sum((row.usd for row in history().report.jobs), Decimal(0))
    # each week's dollars are rounded to the cent: half a cent a week at most
    assert abs(Decimal(str(spend["usd"].sum())) - total) <= Decimal("0.005") * len(spend)


def test_regressions_flag_the_slower_benchmark_and_the_coverage_drop() -> None:
    flags = monitoring.quality_flags(history(), 0.10, 1.0)
    # generate.py: fallback route 30% slower from week 4 (Oct 26), coverage 6.5 points down in week 5
    benchmarks = flags[flags["what"].str.startswith("benchmark")]
    assert set(benchmarks["what"]) == {"benchmark test_route_with_fallback"}
    assert min(benchmarks["day"]) >= "2026-10-26"
    coverage = flags[flags["what"] == "coverage"]
    assert len(coverage) > 0 and min(coverage["day"]) >= "2026-11-02"


def test_findings_count_by_scanner_and_level() -> None:
    table = monitoring.findings(history())
    assert list(table.columns) == ["2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02"]
    assert all(name.startswith("sarif-") for name in table.index)
    assert (table.to_numpy() >= 0).all() and table.to_numpy().sum() > 0
