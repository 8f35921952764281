from __future__ import annotations

import re

import pytest

from pipekit.cost.frames import schedule_frame
from pipekit.cost.schedule import Schedule, simulate
from pipekit.facts.runners import CustomRunner, load_catalog
from pipekit.pipeline.instances import JobRun

CATALOG = load_catalog()
FREE = CATALOG.plan("free")
TEAM = CATALOG.plan("team")
MINUTES = {"ubuntu-latest": 4.2, "macos-latest": 5.5, "windows-latest": 6.1}


def matrix_18(macos_minutes: list[float] | None = None) -> list[JobRun]:
    """python 3.11/3.12 x ubuntu/macos/windows x 3 modes; macOS legs are inputs 3-5 and 12-14."""
    macos = iter(macos_minutes or [MINUTES["macos-latest"]] * 6)
    return [
        JobRun(
            workflow="test.yaml",
            job="test",
            name=f"test ({python}, {label}, {mode})",
            matrix={"python": python, "os": label, "mode": mode},
            runner=label,
            minutes=next(macos) if label == "macos-latest" else MINUTES[label],
        )
        for python in ("3.11", "3.12")
        for label in ("ubuntu-latest", "macos-latest", "windows-latest")
        for mode in ("basic", "full", "slow")
    ]


def job(
    name: str, minutes: float, *needs: str, runner: str = "ubuntu-latest", workflow: str = "ci.yaml"
) -> JobRun:
    return JobRun(workflow=workflow, job=name, runner=runner, minutes=minutes, needs=needs)


def starts(schedule: Schedule) -> list[float]:
    return [item.start for item in schedule.jobs]


def test_sixth_macos_job_waits_for_a_macos_slot_on_team() -> None:
    schedule = simulate(matrix_18(), plan=TEAM, catalog=CATALOG)
    macos = [3, 4, 5, 12, 13, 14]
    # Team has 60 slots but 5 for macOS: the 6th macOS leg (input 14) starts when the first macOS
    # leg ends at 5.5 and ends at 5.5 + 5.5 = 11.0; all other 17 legs start at 0.
    assert [schedule.jobs[i].start for i in range(18) if i != 14] == [0.0] * 17
    sixth = schedule.jobs[14]
    assert (sixth.ready, sixth.start, sixth.end, sixth.waited) == (0.0, 5.5, 11.0, 5.5)
    assert sixth.held_by == "macos" and sixth.after == 3
    assert all(schedule.jobs[i].held_by is None for i in macos[:5])
    assert schedule.wall_clock == 11.0
    assert [item.index for item in schedule.critical_path] == [3, 14]
    assert schedule.peak_concurrency == 17


def test_sixth_macos_job_follows_the_first_to_finish() -> None:
    # macOS legs 3, 4, 5, 12, 13 take 5.5, 3.0, 4.0, 5.0, 2.5: input 13 frees the first slot at 2.5,
    # so input 14 (1.0 minute) runs 2.5 to 3.5.
    schedule = simulate(matrix_18([5.5, 3.0, 4.0, 5.0, 2.5, 1.0]), plan=TEAM, catalog=CATALOG)
    sixth = schedule.jobs[14]
    assert (sixth.start, sixth.end, sixth.after) == (2.5, 3.5, 13)
    # the run still ends with the Windows legs at 6.1
    assert schedule.wall_clock == 6.1
    assert [item.index for item in schedule.critical_path] == [6]


def test_max_parallel_two_on_a_four_leg_matrix() -> None:
    legs = [
        JobRun(
            workflow="ci.yaml", job="test", matrix={"n": n}, runner="ubuntu-latest", minutes=m, max_parallel=2
        )
        for n, m in enumerate([3.0, 5.0, 4.0, 2.0])
    ]
    schedule = simulate(legs, plan=TEAM, catalog=CATALOG)
    # legs 0 and 1 start at 0; leg 2 takes leg 0's slot at 3 (ends 7); leg 3 takes leg 1's at 5 (ends 7)
    assert starts(schedule) == [0.0, 0.0, 3.0, 5.0]
    assert [item.end for item in schedule.jobs] == [3.0, 5.0, 7.0, 7.0]
    assert [item.held_by for item in schedule.jobs] == [None, None, "max-parallel", "max-parallel"]
    assert [item.after for item in schedule.jobs] == [None, None, 0, 1]
    assert schedule.wall_clock == 7.0
    assert [item.index for item in schedule.critical_path] == [0, 2]  # tie at 7: first in input order
    assert schedule.peak_concurrency == 2


def test_max_parallel_does_not_hold_other_jobs() -> None:
    legs = [
        JobRun(
            workflow="ci.yaml",
            job="test",
            matrix={"n": n},
            runner="ubuntu-latest",
            minutes=4.0,
            max_parallel=1,
        )
        for n in range(3)
    ]
    schedule = simulate([*legs, job("lint", 1.0)], plan=TEAM, catalog=CATALOG)
    assert starts(schedule) == [0.0, 4.0, 8.0, 0.0]
    assert schedule.wall_clock == 12.0


def test_needs_chain() -> None:
    jobs = [
        job("lint", 1.5),
        JobRun(
            workflow="ci.yaml",
            job="test",
            name="test (1)",
            matrix={"v": 1},
            runner="ubuntu-latest",
            minutes=4.2,
            needs=("lint",),
        ),
        JobRun(
            workflow="ci.yaml",
            job="test",
            name="test (2)",
            matrix={"v": 2},
            runner="windows-latest",
            minutes=6.1,
            needs=("lint",),
        ),
        job("deploy", 2.0, "test", "lint"),
        job("build", 3.0, workflow="docs.yaml"),
    ]
    schedule = simulate(jobs, plan=TEAM, catalog=CATALOG)
    # lint 0-1.5; both test legs 1.5 to 5.7 and 7.6; deploy waits for all legs: 7.6 to 9.6;
    # docs.yaml's build is independent: 0-3
    assert starts(schedule) == [0.0, 1.5, 1.5, 7.6, 0.0]
    assert [item.end for item in schedule.jobs] == [1.5, 5.7, 7.6, 9.6, 3.0]
    deploy = schedule.jobs[3]
    assert (deploy.ready, deploy.held_by, deploy.after, deploy.waited) == (7.6, "needs", 2, 0.0)
    assert schedule.wall_clock == 9.6
    assert [item.job.name for item in schedule.critical_path] == ["lint", "test (2)", "deploy"]


def test_free_plan_runs_twenty_at_a_time() -> None:
    jobs = [job(f"j{n}", 10.0) for n in range(25)]
    schedule = simulate(jobs, plan=FREE, catalog=CATALOG)
    # 20 slots: jobs 0-19 run 0-10, jobs 20-24 run 10-20
    assert starts(schedule) == [0.0] * 20 + [10.0] * 5
    assert {item.held_by for item in schedule.jobs[20:]} == {"concurrency"}
    assert [item.after for item in schedule.jobs[20:]] == [0] * 5
    assert schedule.wall_clock == 20.0
    assert schedule.peak_concurrency == 20


def test_waiting_job_does_not_block_later_ready_ones() -> None:
    # Free: 5 macOS slots. The 6th macOS job waits, but the Linux job after it starts at once.
    jobs = [job(f"mac{n}", 3.0, runner="macos-latest") for n in range(6)] + [job("linux", 1.0)]
    schedule = simulate(jobs, plan=FREE, catalog=CATALOG)
    assert starts(schedule) == [0.0] * 5 + [3.0, 0.0]


def test_self_hosted_does_not_use_hosted_slots() -> None:
    custom = {"farm": CustomRunner(kind="self-hosted", os="macos")}
    jobs = [job(f"j{n}", 10.0) for n in range(20)] + [job(f"s{n}", 10.0, runner="farm") for n in range(6)]
    schedule = simulate(jobs, plan=FREE, catalog=CATALOG, custom_runners=custom)
    assert starts(schedule) == [0.0] * 26
    assert schedule.peak_concurrency == 26


def test_zero_minute_job_and_empty_run() -> None:
    schedule = simulate([job("noop", 0.0), job("after", 2.0, "noop")], plan=TEAM, catalog=CATALOG)
    assert starts(schedule) == [0.0, 0.0]
    assert schedule.wall_clock == 2.0
    empty = simulate([], plan=TEAM, catalog=CATALOG)
    assert (empty.wall_clock, empty.critical_path, empty.peak_concurrency) == (0.0, (), 0)


def test_unknown_needs_target_is_a_bug_in_the_caller() -> None:
    # a design's job graph never does this (tests/pipeline/test_graph.py); other callers get no schedule
    jobs = [job("test", 1.0), job("deploy", 1.0, "tset")]
    with pytest.raises(
        ValueError, match=re.escape("ci.yaml: job 'deploy' needs 'tset', which is not in this run")
    ):
        simulate(jobs, plan=TEAM, catalog=CATALOG)


def test_needs_do_not_cross_workflows() -> None:
    jobs = [job("build", 1.0, workflow="a.yaml"), job("deploy", 1.0, "build", workflow="b.yaml")]
    with pytest.raises(ValueError, match=re.escape("b.yaml: job 'deploy' needs 'build'")):
        simulate(jobs, plan=TEAM, catalog=CATALOG)


def test_cycle() -> None:
    jobs = [job("a", 1.0, "c"), job("b", 1.0, "a"), job("c", 1.0, "b"), job("d", 1.0)]
    with pytest.raises(ValueError, match=r"ci.yaml: dependency cycle: (\w -> ){3}\w "):
        simulate(jobs, plan=TEAM, catalog=CATALOG)


def test_self_cycle() -> None:
    with pytest.raises(ValueError, match="dependency cycle: a -> a"):
        simulate([job("a", 1.0, "a")], plan=TEAM, catalog=CATALOG)


def test_frame_for_gantt() -> None:
    schedule = simulate(matrix_18(), plan=TEAM, catalog=CATALOG)
    frame = schedule_frame(schedule)
    assert len(frame) == 18
    assert {"label", "start", "end", "minutes", "held_by", "critical"} <= set(frame.columns)
    assert frame.loc[14, "start"] == 5.5
    assert frame.loc[14, "label"] == "test.yaml: test (3.12, macos-latest, slow)"
    assert list(frame.index[frame["critical"]]) == [3, 14]
