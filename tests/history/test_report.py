"""`pipekit history report`'s figures, each checked against arithmetic done by hand on a small history.

The history: two jobs of test.yaml over four runs, priced at the reference design's prices (private
repository, prices of 2026-11-27: Linux $0.006 a minute, macOS $0.062).

    run  created (UTC)      job     attempt  queue    duration  conclusion
    R1   Mon 2026-11-02     linux   1        0.5      6.0       success
    R1                      macos   1        (none)   12 1/3    success
    R2   Wed 2026-11-04     linux   1        1.0      2.5       failure
    R2                      linux   2        0.25     7.0       success     (failed, then passed: flaky)
    R3   Mon 2026-11-09     linux   1        1.0      10.0      timed_out
    R3                      linux   2        -        -         cancelled before a runner took it (left out)
    R4   Tue 2026-11-10     linux   1        -        -         skipped (left out)
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pipekit.errors import PipekitError
from pipekit.history import report
from pipekit.history.store import Job, Run

from ..designs import reference

WORKFLOW = ".github/workflows/test.yaml"
LINUX = "Test (3.12, ubuntu-latest, basic)"
MACOS = "Test (3.12, macos-latest, basic)"


def run(run_id: int, created: str) -> Run:
    return Run(
        id=run_id,
        workflow_id=1,
        name="Test",
        path=WORKFLOW,
        event="pull_request",
        head_branch="feature",
        head_sha="0" * 40,
        run_number=run_id,
        run_attempt=1,
        status="completed",
        conclusion="success",
        created_at=f"{created}T10:00:00.000000Z",
        updated_at=f"{created}T12:00:00.000000Z",
        run_started_at=f"{created}T10:00:00.000000Z",
    )


def job(
    job_id: int,
    run_id: int,
    attempt: int,
    name: str,
    day: str,
    times: tuple[str | None, str, str],
    conclusion: str,
    *,
    label: str = "ubuntu-latest",
    runner: str | None = "GitHub Actions 1",
) -> Job:
    created, started, completed = times
    return Job(
        id=job_id,
        run_id=run_id,
        run_attempt=attempt,
        name=name,
        workflow_name="Test",
        status="completed",
        conclusion=conclusion,
        created_at=None if created is None else f"{day}T{created}.000000Z",
        started_at=f"{day}T{started}.000000Z",
        completed_at=f"{day}T{completed}.000000Z",
        labels=(label,),
        runner_name=runner,
        runner_group_name=None,
    )


RUNS = [run(1, "2026-11-02"), run(2, "2026-11-04"), run(3, "2026-11-09"), run(4, "2026-11-10")]
JOBS = [
    job(11, 1, 1, LINUX, "2026-11-02", ("10:00:00", "10:00:30", "10:06:30"), "success"),
    job(12, 1, 1, MACOS, "2026-11-02", (None, "10:00:00", "10:12:20"), "success", label="macos-latest"),
    job(21, 2, 1, LINUX, "2026-11-04", ("10:00:00", "10:01:00", "10:03:30"), "failure"),
    job(22, 2, 2, LINUX, "2026-11-04", ("11:00:00", "11:00:15", "11:07:15"), "success"),
    job(31, 3, 1, LINUX, "2026-11-09", ("09:59:00", "10:00:00", "10:10:00"), "timed_out"),
    job(32, 3, 2, LINUX, "2026-11-09", ("11:00:00", "11:00:00", "11:02:00"), "cancelled", runner=None),
    job(41, 4, 1, LINUX, "2026-11-10", ("10:00:00", "10:00:00", "10:00:00"), "skipped", runner=None),
]


def rows() -> dict[str, report.JobStats]:
    built = report.build_report(reference(), RUNS, JOBS)
    return {row.job: row for row in built.jobs}


def test_the_linux_legs_figures() -> None:
    linux = rows()[LINUX]
    assert linux.workflow == WORKFLOW
    assert linux.runs == 3  # R1, R2, R3; R4's job was skipped
    assert linux.jobs == 4  # R3's second attempt never got a runner, R4's was skipped
    assert linux.median_minutes == 6.5  # sorted 2.5, 6.0, 7.0, 10.0: (6.0 + 7.0) / 2
    assert linux.p90_minutes == 10.0  # rank ceil(0.9 * 4) = 4 of the sorted durations
    assert linux.median_queue_minutes == 0.75  # sorted 0.25, 0.5, 1.0, 1.0: (0.5 + 1.0) / 2
    assert linux.failure_rate == 0.5  # failure (R2) and timed_out (R3) of 4 decided jobs
    assert linux.flaky_rate == pytest.approx(1 / 3)  # R2 failed, then passed; of 3 runs
    assert linux.rerun_minutes == 7  # R2's second attempt: 7.0 minutes
    assert linux.billable_minutes == 26  # 6 + ceil(2.5) = 3 + 7 + 10
    assert linux.usd == Decimal("0.156")  # 26 x $0.006


def test_the_macos_legs_figures() -> None:
    macos = rows()[MACOS]
    assert (macos.runs, macos.jobs) == (1, 1)
    assert macos.median_minutes == macos.p90_minutes == pytest.approx(12 + 1 / 3)  # 12 min 20 s
    assert macos.median_queue_minutes is None  # GitHub sent no created_at
    assert (macos.failure_rate, macos.flaky_rate, macos.rerun_minutes) == (0.0, 0.0, 0)
    assert macos.billable_minutes == 13  # ceil(12.33)
    assert macos.usd == Decimal("0.806")  # 13 x $0.062


def test_weeks_are_iso_weeks_of_the_runs_creation() -> None:
    weeks = report.build_report(reference(), RUNS, JOBS).weeks
    assert [week.week for week in weeks] == ["2026-11-02", "2026-11-09"]  # Mondays
    first, second = weeks
    assert (first.runs, first.jobs) == (2, 4)  # R1 and R2; four counted jobs
    assert first.billable_minutes == 29  # 6 + 13 + 3 + 7
    assert first.rerun_minutes == 7
    assert first.usd == Decimal("0.902")  # 16 x $0.006 + 13 x $0.062 = 0.096 + 0.806
    assert (second.runs, second.jobs, second.billable_minutes) == (2, 1, 10)  # R3 and R4; R3's 10 minutes
    assert second.usd == Decimal("0.060")


def test_a_public_repository_pays_nothing_for_standard_runners() -> None:
    public = reference({"billing": {"visibility": "public"}})
    linux = {row.job: row for row in report.build_report(public, RUNS, JOBS).jobs}[LINUX]
    assert (linux.billable_minutes, linux.usd) == (0, Decimal(0))
    assert linux.rerun_minutes == 7  # re-runs still took their time


def test_self_hosted_runners_are_free_and_unknown_labels_are_named() -> None:
    own = Job(**{**JOBS[0].__dict__, "labels": ("self-hosted", "linux", "x64")})
    row = report.build_report(reference(), RUNS[:1], [own]).jobs[0]
    assert (row.billable_minutes, row.usd) == (0, Decimal(0))
    unknown = Job(**{**JOBS[0].__dict__, "labels": ("ubuntu-16.04",)})
    with pytest.raises(PipekitError, match=r"\['ubuntu-16.04'\].*declare its label under `runners`"):
        report.build_report(reference(), RUNS[:1], [unknown])


def test_a_success_before_a_failure_is_not_flaky() -> None:
    assert report.is_flaky([(1, "failure"), (2, "success")])
    assert report.is_flaky([(1, "timed_out"), (3, "success")])
    assert not report.is_flaky([(1, "success"), (2, "failure")])
    assert not report.is_flaky([(1, "failure"), (2, "cancelled")])


def test_the_json_is_the_documented_shape() -> None:
    data = json.loads(report.format_json(report.build_report(reference(), RUNS, JOBS)))
    assert set(data) == {"prices_on", "visibility", "definitions", "jobs", "weeks"}
    assert data["definitions"]["p90_minutes"].startswith("nearest rank")
    linux = next(row for row in data["jobs"] if row["job"] == LINUX)
    assert linux == {
        "workflow": WORKFLOW,
        "job": LINUX,
        "runs": 3,
        "jobs": 4,
        "median_minutes": 6.5,
        "p90_minutes": 10.0,
        "median_queue_minutes": 0.75,
        "failure_rate": 0.5,
        "flaky_rate": 0.3333,
        "rerun_minutes": 7,
        "billable_minutes": 26,
        "usd": "0.156",
    }
    assert data["weeks"][0] == {
        "week": "2026-11-02",
        "runs": 2,
        "jobs": 4,
        "billable_minutes": 29,
        "rerun_minutes": 7,
        "usd": "0.902",
    }


def test_the_text_report_lists_every_job_under_its_workflow() -> None:
    text = report.format_text(report.build_report(reference(), RUNS, JOBS))
    lines = text.splitlines()
    assert lines[0].startswith("pipekit history report: 5 jobs of 4 runs created 2026-11-02 to 2026-11-10")
    assert WORKFLOW in lines
    linux = next(line for line in lines if line.strip().startswith(LINUX))
    assert linux.split()[-9:] == ["3", "6.5", "10.0", "0.8", "50.0%", "33.3%", "7", "26", "$0.16"]
    assert "no runs" in report.format_text(report.build_report(reference(), [], []))


def test_the_readme_documents_every_json_field() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    monitoring = readme.split("\n## Monitoring\n")[1].split("\n## ")[0]
    data = report.to_json(report.build_report(reference(), RUNS, JOBS))
    for field in [*data, *data["jobs"][0], *data["weeks"][0]]:
        assert f'"{field}"' in monitoring, field
