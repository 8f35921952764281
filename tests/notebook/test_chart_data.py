"""What the charts show, held against rules computed here from the design and the plan."""

from __future__ import annotations

import itertools
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from pipekit import files
from pipekit.cost.plan import PipelinePlan, plan_design, runs_per_month
from pipekit.design.model import TRIGGERS, Trigger
from pipekit.notebook import chart_data
from pipekit.notebook.figures import figures

from ..designs import reference

AXES = ("python-version", "os", "mode")
MATRICES: dict[str, dict[str, Any]] = {
    "reference": {},
    "exclude and include": {
        "exclude": [
            {"os": "windows-latest", "python-version": "3.11"},
            {"os": "macos-latest", "mode": "enhanced"},
        ],
        "include": [
            {"python-version": "3.13", "os": "ubuntu-latest", "mode": "basic"},  # a leg of its own
            {"python-version": "3.11", "os": "windows-latest", "mode": "basic"},  # excluded, then added back
            {"python-version": "3.12", "os": "ubuntu-latest", "mode": "basic", "extra": "x"},  # extends a leg
        ],
    },
    "one leg added twice": {
        "python-version": ["3.12"],
        "os": ["ubuntu-latest"],
        "include": [
            {"python-version": "3.13", "os": "macos-latest", "mode": "basic"},
            {"python-version": "3.13", "os": "macos-latest", "mode": "basic"},
        ],
    },
}


def plan_of(changes: dict[str, Any] | None = None) -> PipelinePlan:
    return plan_design(reference(changes))


# Two legs with the same axes are valid only while nothing keeps results under a leg's axes (the run
# report's artifacts, the coverage report's leg): rules.matrix_legs_differ_in_their_axes.
SAME_AXES_ALLOWED = {"report": {"enabled": False}, "coverage": {"html_artifact": False}}


def matrix_plan(name: str) -> PipelinePlan:
    extra = SAME_AXES_ALLOWED if name == "one leg added twice" else {}
    return plan_of({"test": {"matrix": MATRICES[name], **extra}})


def planned_legs(plan: PipelinePlan, trigger: Trigger) -> list[tuple[str, str, str]]:
    """The (python, os, mode) of every test job instance the plan costs on `trigger`."""
    return [
        tuple(str(job.job.matrix[axis]) for axis in AXES)  # type: ignore[misc]
        for job in plan.trigger(trigger).cost.jobs
        if (job.job.workflow, job.job.job) == ("test.yaml", "test")
    ]


def excluded_by_rule(plan: PipelinePlan) -> set[tuple[str, str, str]]:
    """The product of the axes' values that some exclude entry matches (every key of the entry equal)."""
    matrix = plan.design.test.matrix
    return {
        combination
        for combination in itertools.product(matrix.python_version, matrix.os, matrix.mode)
        if any(
            all(dict(zip(AXES, combination, strict=True))[key] == value for key, value in entry.items())
            for entry in matrix.exclude
        )
    }


@pytest.mark.parametrize("name", sorted(MATRICES))
def test_the_grid_has_one_cell_per_leg_and_marks_what_exclude_removed(name: str) -> None:
    plan = matrix_plan(name)
    grid = chart_data.matrix_grid(plan, "pull_request")
    legs = planned_legs(plan, "pull_request")
    assert Counter((cell.python, cell.os, cell.mode) for cell in grid.legs) == Counter(legs)
    matrix = plan.design.test.matrix
    product = set(itertools.product(matrix.python_version, matrix.os, matrix.mode))
    excluded = {(cell.python, cell.os, cell.mode) for cell in grid.cells if cell.kind == "excluded"}
    assert excluded == product - set(legs)
    assert all(cell.value is None for cell in grid.cells if cell.kind == "excluded")
    # a leg is marked as added by include exactly when the product, after exclude, does not hold it
    kept = product - excluded_by_rule(plan)
    for cell in grid.legs:
        assert (cell.kind == "included") == ((cell.python, cell.os, cell.mode) not in kept)


def test_the_grid_grows_by_the_values_only_include_brings() -> None:
    grid = chart_data.matrix_grid(matrix_plan("exclude and include"), "pull_request")
    assert grid.pythons == ("3.11", "3.12", "3.13")
    assert grid.oses == ("ubuntu-latest", "macos-latest", "windows-latest")
    assert [cell.kind for cell in grid.cells].count("included") == 2


def test_legs_are_valued_by_their_cost_or_minutes_on_the_trigger() -> None:
    plan = plan_of()
    grid = chart_data.matrix_grid(plan, "push")
    costs = [job for job in plan.trigger("push").cost.jobs if job.job.job == "test"]
    assert grid.measure == "USD" and grid.runs
    assert sum(cell.value or 0 for cell in grid.legs) == pytest.approx(float(sum(job.usd for job in costs)))
    public = plan_of({"billing": {"visibility": "public"}})
    free = chart_data.matrix_grid(public, "pull_request")
    assert free.measure == "minutes"
    expected = [job.minutes for job in public.trigger("pull_request").cost.jobs if job.job.job == "test"]
    assert [cell.value for cell in free.legs] == expected
    scheduled = chart_data.matrix_grid(plan, "schedule")  # test.yaml has no scheduled runs
    assert not scheduled.runs and all(cell.value is None for cell in scheduled.cells)
    assert len(scheduled.legs) == len(grid.legs)


DESIGNS = {
    "reference": None,
    "docs-only pull requests": {"project": {"paths_ignore": ["docs/**"]}, "billing": {"ignored_share": 0.25}},
    "public": {"billing": {"visibility": "public"}},
}


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_the_cost_stacks_sum_to_the_figures_monthly_usd(name: str) -> None:
    plan = plan_of(DESIGNS[name])
    whole = chart_data.monthly_cost(plan)
    assert whole.total == figures(plan).usd_per_month == plan.month.gross_usd
    for stem in files.WORKFLOWS:
        page = chart_data.monthly_cost(plan, stem)
        assert page.total == figures(plan, stem).usd_per_month
        # one bar per trigger: that trigger's runs of the workflow in a month
        for trigger, bar in zip(TRIGGERS, page.bars, strict=True):
            run = figures(plan, stem).run(trigger)
            assert bar.total == run.usd * runs_per_month(plan.design, trigger, stem)
        name_of = files.workflow_file(stem).name
        overview_bar = next((bar for bar in whole.bars if bar.label == name_of), None)
        assert (overview_bar.total if overview_bar else Decimal(0)) == page.total


def macos_count_at(plan: PipelinePlan, trigger: Trigger, time: float) -> int:
    """Hosted macOS jobs running at `time`, counted from the schedule."""
    return sum(
        1
        for item in plan.trigger(trigger).schedule.jobs
        if item.runner.os == "macos" and not item.runner.self_hosted and item.start <= time < item.end
    )


def step_at(steps: tuple[tuple[float, int], ...], time: float) -> int:
    return [count for start, count in steps if start <= time][-1]


@pytest.mark.parametrize(
    ("changes", "expected_peak"),
    [
        (None, 5),  # six macOS legs, five macOS slots on the team plan
        ({"test": {"matrix": {"python-version": ["3.12"]}}}, 3),  # three legs: below the limit
        ({"billing": {"plan": "enterprise"}}, 6),  # fifty slots: every leg at once
    ],
)
def test_the_macos_slots_never_exceed_the_plans_limit(
    changes: dict[str, Any] | None, expected_peak: int
) -> None:
    plan = plan_of(changes)
    gantt = chart_data.run_gantt(plan, "pull_request")
    assert gantt.macos_limit == plan.month.plan.concurrent_macos_jobs
    times = sorted({item.start for item in plan.trigger("pull_request").schedule.jobs} | {0.0})
    for time in times:
        assert step_at(gantt.macos_running, time) == macos_count_at(plan, "pull_request", time)
    assert max(count for _, count in gantt.macos_running) == expected_peak
    assert all(count <= gantt.macos_limit for _, count in gantt.macos_running)


def test_the_gantt_of_a_workflow_is_its_jobs_as_the_whole_run_schedules_them() -> None:
    plan = plan_of()
    whole = chart_data.run_gantt(plan, "pull_request")
    test = chart_data.run_gantt(plan, "pull_request", "test")
    schedule = plan.trigger("pull_request").schedule
    mine = [item for item in schedule.jobs if item.job.workflow == "test.yaml"]
    assert [(row.start, row.end, row.ready) for row in test.rows] == [(i.start, i.end, i.ready) for i in mine]
    assert [row.label for row in test.rows] == [item.job.name for item in mine]
    assert len(whole.rows) == len(schedule.jobs) and whole.wall_clock == test.wall_clock
    assert test.scope_wall_clock == max(item.end for item in mine)
    # the reference design queues a macOS leg behind the five macOS slots
    assert any(row.start > row.ready and row.os == "macos" for row in test.rows)
    on_path = {schedule.jobs.index(item) for item in schedule.critical_path}
    assert [row.critical for row in whole.rows] == [index in on_path for index in range(len(schedule.jobs))]


def test_a_scope_without_jobs_has_nothing_to_draw() -> None:
    gantt = chart_data.run_gantt(plan_of(), "pull_request", "deploy")  # no previews: no deploy on PRs
    assert gantt.rows == ()
    assert chart_data.nothing_to_draw(gantt) == "deploy.yaml starts no job on pull_request."
    assert chart_data.nothing_to_draw(chart_data.run_gantt(plan_of(), "push", "deploy")) is None


def test_every_page_has_a_gantt_and_a_cost_chart_and_the_test_page_its_matrix() -> None:
    assert chart_data.page_charts(None) == ("gantt", "cost")
    assert chart_data.page_charts("security") == ("gantt", "cost")
    assert chart_data.page_charts("test") == ("gantt", "cost", "matrix")
    plan = plan_of()
    kinds = {"gantt": chart_data.RunGantt, "cost": chart_data.MonthlyCost, "matrix": chart_data.MatrixGrid}
    for kind in chart_data.page_charts("test"):
        assert isinstance(chart_data.build(kind, plan, "push", "test"), kinds[kind])
