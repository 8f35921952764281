"""Fetching a repository's history from a stand-in GitHub that fails the way GitHub does: the database
ends with exactly the served runs and jobs, once; an interrupted fetch leaves whole runs and the next
one resumes; a repeat fetch costs no quota."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest

from pipekit.errors import InputFileError
from pipekit.history import fetch
from pipekit.history.api import Client, ServerError
from pipekit.history.fetch import Fetcher, Window
from pipekit.history.store import Job, Run, Store, utc_text

from .conftest import DAY, TOKEN
from .stand_in import REPO, GitHubStandIn

NOW = DAY + dt.timedelta(hours=12)
SINCE = DAY - dt.timedelta(days=3)


def served_runs(github: GitHubStandIn) -> dict[int, tuple[str, int, str | None]]:
    return {
        run_id: (utc_text(run["updated_at"]) or "", run["run_attempt"], run["status"])
        for run_id, run in github.runs.items()
    }


def assert_holds_exactly(db: Store, github: GitHubStandIn) -> None:
    """The database holds the served runs and jobs of every attempt: each once, none missing, none more."""
    stored_runs = {run.id: (run.updated_at, run.run_attempt, run.status) for run in db.runs()}
    assert stored_runs == served_runs(github)
    jobs = db.jobs()
    assert len(jobs) == len({job.id for job in jobs})
    served_jobs = {
        job["id"]: (job["run_id"], github.attempt_of[job["id"]])
        for run_jobs in github.jobs.values()
        for job in run_jobs
    }
    assert {job.id: (job.run_id, job.run_attempt) for job in jobs} == served_jobs
    steps = db.connection.execute("SELECT COUNT(*), COUNT(DISTINCT job_id || '/' || number) FROM steps")
    total, distinct = steps.fetchone()
    assert total == distinct == sum(len(job["steps"]) for run in github.jobs.values() for job in run)


def spread_runs(
    github: GitHubStandIn, count: int, start: dt.datetime, every: dt.timedelta, jobs: int = 2
) -> None:
    """`count` runs `every` apart; every third one has a second attempt."""
    for number in range(count):
        github.add_run(2000 + number, start + every * number, attempts=1 + number % 3 // 2, jobs=jobs)


def test_a_fetch_through_every_fault_ends_with_exactly_the_served_data(
    github: GitHubStandIn, client: Client, db: Store, pauses: list[float]
) -> None:
    spread_runs(github, 230, SINCE + dt.timedelta(hours=1), dt.timedelta(minutes=17))
    github.add_run(9, DAY + dt.timedelta(hours=2), status="in_progress")
    github.fault("status", "/actions/runs", status=502)  # the first listing page
    github.fault("rate_limit", "/runs/2005/jobs")
    github.fault("drop", "/runs/2010/jobs")  # halfway through the body
    github.fault("retry_after", "/actions/workflows")
    summary = Fetcher(client, db, REPO).run(SINCE, NOW)
    assert_holds_exactly(db, github)
    assert (summary.runs_listed, summary.runs_saved, summary.runs_unchanged) == (231, 231, 0)
    assert summary.jobs_saved == sum(len(jobs) for jobs in github.jobs.values())
    assert [w.id for w in db.workflows()] == sorted(w["id"] for w in github.workflows)
    # 502 and the drop: the first backoff; the 403: until its reset; the 429: its Retry-After
    assert sorted(pauses) == [1.0, 1.0, 1.0, 1.0]
    jobs_asked = [request for request in github.requests if request.path.endswith("/jobs")]
    assert all(request.query.get("filter") == "all" for request in jobs_asked)
    assert db.meta("repository") == REPO and db.meta("api_url") == github.api_url


def test_a_repeat_fetch_costs_no_quota(github: GitHubStandIn, client: Client, db: Store) -> None:
    spread_runs(github, 120, SINCE, dt.timedelta(minutes=30))
    Fetcher(client, db, REPO).run(SINCE, NOW)
    github.requests.clear()
    summary = Fetcher(client, db, REPO).run(SINCE, NOW)
    assert summary.runs_unchanged == 120 and summary.runs_saved == 0
    assert github.requests, "the listing is asked for again"
    assert not [r for r in github.requests if r.path.endswith("/jobs")], "unchanged runs need no jobs"
    assert client.counts.not_modified == len(github.requests)  # every answer a 304: no quota
    assert_holds_exactly(db, github)


def test_pages_no_fetch_asks_for_any_more_are_dropped(
    github: GitHubStandIn, client: Client, db: Store
) -> None:
    spread_runs(github, 3, DAY, dt.timedelta(hours=1))

    def stored_windows() -> set[str]:
        urls = [url for (url,) in db.connection.execute("SELECT url FROM etags")]
        return {re.sub(r".*created=([^&]+).*", r"\1", url) for url in urls if "created=" in url}

    Fetcher(client, db, REPO).run(DAY - dt.timedelta(days=30), NOW)
    assert len(stored_windows()) == 9  # what is older than a week, then a window a day
    Fetcher(client, db, REPO).run(fetch.default_since(db, NOW), NOW)
    assert len(stored_windows()) == 8
    assert_holds_exactly(db, github)


def test_an_updated_or_open_run_is_fetched_again_with_every_attempt(
    github: GitHubStandIn, client: Client, db: Store
) -> None:
    spread_runs(github, 5, DAY, dt.timedelta(minutes=10))
    github.add_run(77, DAY + dt.timedelta(hours=1), status="in_progress", jobs=3)
    Fetcher(client, db, REPO).run(SINCE, NOW)
    # run 77 completes; run 2001 is re-run (a second attempt with its own jobs)
    github.add_run(77, DAY + dt.timedelta(hours=1), jobs=3)
    github.add_run(2001, DAY + dt.timedelta(minutes=10), attempts=2)
    github.requests.clear()
    summary = Fetcher(client, db, REPO).run(SINCE, NOW)
    assert (summary.runs_saved, summary.runs_unchanged) == (2, 4)
    assert sorted(r.path for r in github.requests if r.path.endswith("/jobs")) == [
        f"/repos/{REPO}/actions/runs/2001/jobs",
        f"/repos/{REPO}/actions/runs/77/jobs",
    ]
    assert_holds_exactly(db, github)
    assert {job.run_attempt for job in db.jobs() if job.run_id == 2001} == {1, 2}


def test_jobs_that_do_not_say_their_attempt_are_asked_for_attempt_by_attempt(
    github: GitHubStandIn, client: Client, db: Store
) -> None:
    github.add_run(5, DAY, attempts=3)
    for job in github.jobs[5]:
        del job["run_attempt"]  # optional in GitHub's schema, and left out of its example
    Fetcher(client, db, REPO).run(SINCE, NOW)
    asked = [r.path for r in github.requests if r.path.endswith("/jobs")]
    assert asked == [f"/repos/{REPO}/actions/runs/5/jobs"] + [
        f"/repos/{REPO}/actions/runs/5/attempts/{n}/jobs" for n in (1, 2, 3)
    ]
    by_attempt = sorted((job.run_attempt, job.name) for job in db.jobs())
    assert by_attempt == [(n, f"test ({i})") for n in (1, 2, 3) for i in (1, 2)]


def test_more_than_1000_runs_in_a_window_are_split_into_disjoint_windows(
    github: GitHubStandIn, client: Client, db: Store
) -> None:
    # 2,100 runs in 12 hours: GitHub would list 1,000 of them for the whole day's window
    spread_runs(github, 2100, DAY, dt.timedelta(seconds=20), jobs=1)
    # Most are stored already (unchanged, so they cost no job requests); one in 40 is new.
    new = {run_id for run_id in github.runs if run_id % 40 == 0}
    db.connection.execute("PRAGMA synchronous = OFF")  # a commit per run, without waiting for the disk
    for run_id, data in github.runs.items():
        if run_id not in new:
            db.save_run(Run.from_api(data), [Job.from_api(job) for job in github.jobs[run_id]])
    summary = Fetcher(client, db, REPO).run(DAY, NOW)
    assert_holds_exactly(db, github)
    assert (summary.runs_listed, summary.runs_saved) == (2100, len(new))
    listings = [r for r in github.requests if r.path.endswith("/actions/runs")]
    windows = {r.query["created"] for r in listings}
    leaves = sorted(w for w in windows if _runs_within(github, w) <= 1000)
    assert len(leaves) == summary.windows > 2
    assert {r.query["created"] for r in listings if r.query.get("page")} <= set(leaves)
    assert sum(_runs_within(github, w) for w in leaves) == 2100  # each run in exactly one window
    bounds = [tuple(dt.datetime.fromisoformat(b) for b in w.split("..")) for w in leaves]
    assert bounds[0][0] == DAY and bounds[-1][1] == DAY + dt.timedelta(days=1, seconds=-1)
    for (_, high), (low, _) in itertools.pairwise(bounds):
        assert low == high + dt.timedelta(seconds=1)  # no second in two windows, none in no window


def _runs_within(github: GitHubStandIn, window: str) -> int:
    low, high = window.split("..")
    return sum(1 for run in github.runs.values() if low <= run["created_at"] <= high)


def test_the_last_week_is_listed_day_by_day_and_the_rest_in_one_window() -> None:
    found = fetch.windows(NOW - dt.timedelta(days=90), NOW)
    assert found[0].query() == "2026-08-04T12:00:00Z..2026-10-25T23:59:59Z"
    assert [w.query() for w in found[1:3]] == [
        "2026-10-26T00:00:00Z..2026-10-26T23:59:59Z",
        "2026-10-27T00:00:00Z..2026-10-27T23:59:59Z",
    ]
    assert found[-1].query() == "2026-11-02T00:00:00Z..2026-11-02T23:59:59Z"  # today, to its end
    assert all(b.start == a.end + 1 for a, b in itertools.pairwise(found))
    # the next fetch starts a week before: its windows are among the ones asked for before
    assert set(fetch.windows(DAY - fetch.RESUME_MARGIN, NOW)) <= set(found)
    assert fetch.windows(NOW, NOW)[0].query() == "2026-11-02T12:00:00Z..2026-11-02T23:59:59Z"


def test_windows_halve_to_the_second_and_never_share_one() -> None:
    window = Window(100, 105)
    low, high = window.halves()
    assert (low, high) == (Window(100, 102), Window(103, 105))
    assert Window(0, 59).query() == "1970-01-01T00:00:00Z..1970-01-01T00:00:59Z"


def test_an_interrupted_fetch_keeps_whole_runs_and_the_next_resumes(
    github: GitHubStandIn, client: Client, db: Store
) -> None:
    spread_runs(github, 6, DAY, dt.timedelta(hours=1))
    newest_first = sorted(github.runs, key=lambda run_id: github.runs[run_id]["created_at"], reverse=True)
    third = newest_first[2]
    github.fault("drop", f"/runs/{third}/jobs", times=client.max_retries + 1)
    with pytest.raises(ServerError, match=rf"runs/{third}/jobs: RemoteProtocolError.* after 3 retries"):
        Fetcher(client, db, REPO).run(SINCE, NOW)
    assert {run.id for run in db.runs()} == set(newest_first[:2])
    assert {job.run_id for job in db.jobs()} == set(newest_first[:2])
    assert db.meta("fetched_through") is None  # the fetch did not complete
    summary = Fetcher(client, db, REPO).run(fetch.default_since(db, NOW), NOW)
    assert (summary.runs_saved, summary.runs_unchanged) == (4, 2)
    assert_holds_exactly(db, github)


def test_ctrl_c_mid_fetch_leaves_only_whole_runs(github: GitHubStandIn, db: Store) -> None:
    spread_runs(github, 4, DAY, dt.timedelta(hours=1))
    newest_first = sorted(github.runs, key=lambda run_id: github.runs[run_id]["created_at"], reverse=True)
    github.fault("status", f"/runs/{newest_first[1]}/jobs", status=500)

    def interrupted(_seconds: float) -> None:
        raise KeyboardInterrupt

    with (
        Client(github.api_url, TOKEN, cache=db, sleep=interrupted, notice=lambda _: None) as client,
        pytest.raises(KeyboardInterrupt),
    ):
        Fetcher(client, db, REPO).run(SINCE, NOW)
    assert [run.id for run in db.runs()] == [newest_first[0]]
    assert {job.run_id for job in db.jobs()} == {newest_first[0]}


def test_a_database_of_another_repository_is_refused(
    github: GitHubStandIn, client: Client, db: Store
) -> None:
    db.set_meta("repository", "octo-org/other")
    db.set_meta("api_url", github.api_url)
    with pytest.raises(InputFileError, match=r"holds the history of octo-org/other .* give another --db"):
        Fetcher(client, db, REPO).run(SINCE, NOW)
    assert github.requests == []


def test_the_next_fetch_starts_a_week_before_the_last_or_at_an_open_run(
    github: GitHubStandIn, client: Client, db: Store
) -> None:
    assert fetch.default_since(db, NOW) == dt.datetime(2026, 8, 4, tzinfo=dt.UTC)  # 90 days, whole day
    github.add_run(1, DAY - dt.timedelta(days=20), status="in_progress")
    github.add_run(2, DAY)
    Fetcher(client, db, REPO).run(DAY - dt.timedelta(days=25), NOW)
    assert db.meta("fetched_through") == utc_text(NOW.isoformat())
    assert fetch.default_since(db, NOW) == DAY - dt.timedelta(days=20)  # the open run's day
    github.add_run(1, DAY - dt.timedelta(days=20))
    Fetcher(client, db, REPO).run(fetch.default_since(db, NOW), NOW)
    assert fetch.default_since(db, NOW) == DAY - dt.timedelta(days=7)


def test_since_takes_a_date_or_a_timestamp_with_its_offset() -> None:
    assert fetch.parse_since("2026-11-01") == dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    assert fetch.parse_since("2026-11-01T01:00:00-08:00") == dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
    with pytest.raises(InputFileError, match="expected a date"):
        fetch.parse_since("2026-13-01")
    with pytest.raises(InputFileError, match="no offset"):
        fetch.parse_since("2026-11-01T01:00:00")
    with pytest.raises(InputFileError, match="expected OWNER/NAME"):
        fetch.check_repo_name("octo-org")


def test_artifacts_keep_the_pipelines_reports_without_sending_the_token_to_storage(
    github: GitHubStandIn, client: Client, db: Store
) -> None:
    github.add_run(3, DAY)
    github.add_artifact(
        3,
        "test-results",
        {
            "junit.xml": b'<?xml version="1.0"?>\n<testsuites><testsuite name="pytest"/></testsuites>',
            "coverage.xml": b'<?xml version="1.0" ?>\n<coverage version="7.6" line-rate="0.9"/>',
            "htmlcov/index.html": b"<html></html>",
        },
    )
    github.add_artifact(3, "benchmark-results", {"benchmark.json": b'{"machine_info": {}, "benchmarks": []}'})
    github.add_artifact(3, "sarif-bandit", {"bandit.sarif": b'{"version": "2.1.0", "runs": []}'})
    summary = Fetcher(client, db, REPO, artifacts=True).run(SINCE, NOW)
    kinds = sorted((artifact.name, file.path, file.kind) for artifact, file in db.artifact_files())
    assert kinds == [
        ("benchmark-results", "benchmark.json", "benchmark"),
        ("sarif-bandit", "bandit.sarif", "sarif"),
        ("test-results", "coverage.xml", "coverage"),
        ("test-results", "junit.xml", "junit"),
    ]
    assert summary.artifact_files == 4
    downloads = [r for r in github.requests if r.path.startswith("/blob/")]
    assert len(downloads) == 3 and not any(r.authorized for r in downloads)
    assert all(r.authorized for r in github.requests if r.path.startswith("/repos/"))
    # the run is re-run; a fetch without --artifacts keeps the reports stored before
    github.add_run(3, DAY, attempts=2)
    Fetcher(client, db, REPO).run(SINCE, NOW)
    assert len(list(db.artifact_files())) == 4
    assert_holds_exactly(db, github)


def test_the_token_is_in_no_stored_byte(
    github: GitHubStandIn, client: Client, db: Store, tmp_path: Path
) -> None:
    spread_runs(github, 30, DAY, dt.timedelta(minutes=5))
    Fetcher(client, db, REPO).run(SINCE, NOW)
    db.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
