"""`pipekit history fetch` and `import` as users run them, against the stand-in GitHub: what they print,
their exit codes, and a token that appears in no output and no stored byte."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipekit.commands import history, history_fetch
from pipekit.history import api, store
from pipekit.history.store import open_store

from ..history.conftest import TOKEN
from ..history.stand_in import REPO, GitHubStandIn
from ..hostile.support import Result, run_in_process


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with GitHubStandIn() as stand_in:
        for number in range(40):  # the last two days: inside the first fetch's 90 days
            stand_in.add_run(100 + number, now - dt.timedelta(hours=48 - number), jobs=3)
        yield stand_in


def fetch(db: Path, github: GitHubStandIn, *more: str, token: str | None = TOKEN) -> Result:
    """`pipekit history fetch` in a process of its own, with only `token` in the environment."""
    env = {key: value for key, value in os.environ.items() if key not in api.TOKEN_VARIABLES}
    if token is not None:
        env["GITHUB_TOKEN"] = token
    done = subprocess.run(
        [sys.executable, "-m", "pipekit.cli", "history", "fetch", "--repo", REPO, "--db", str(db),
         "--api-url", github.api_url, *more],
        capture_output=True, text=True, check=False, env=env, timeout=120,
    )  # fmt: skip
    return Result(done.returncode, done.stdout, done.stderr)


def test_fetch_and_fetch_again(github: GitHubStandIn, tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite"
    github.fault("rate_limit", "/runs/105/jobs")  # a real one-second wait, with the countdown's line
    first = fetch(db, github)
    assert first.code == 0, first.stderr
    assert "rate limited: waiting 1 s until the limit resets (x-ratelimit-reset)" in first.stderr
    assert f"into {db}: 40 runs (40 new or updated, 0 unchanged), 120 jobs saved, 2 workflows" in first.stdout
    again = fetch(db, github)
    assert again.code == 0, again.stderr
    assert "40 runs (0 new or updated, 40 unchanged), 0 jobs saved" in again.stdout
    requests = int(again.stdout.split(" request")[0].rsplit("\n", 1)[-1])
    assert f"{requests} requests: {requests} answered 304 (no quota)" in again.stdout
    with open_store(db) as store:
        assert len(store.runs()) == 40 and len(store.jobs()) == 120
    for output in (first.stdout, first.stderr, again.stdout, again.stderr):
        assert TOKEN not in output
    for path in tmp_path.rglob("*"):
        assert TOKEN.encode() not in path.read_bytes(), path
    assert {r.headers.get("authorization") for r in github.requests} == {f"Bearer {TOKEN}"}


def test_a_refused_token_is_one_line_naming_its_variable(github: GitHubStandIn, tmp_path: Path) -> None:
    github.fault("status", "/actions/workflows", status=401)
    done = fetch(tmp_path / "h.sqlite", github)
    assert done.code == 2
    assert done.stderr.strip().splitlines() == [
        "pipekit: error: 127.0.0.1 refused the token in GITHUB_TOKEN: HTTP 401 (Bad credentials); "
        "set GITHUB_TOKEN to a valid token"
    ]
    assert TOKEN not in done.stderr + done.stdout


def test_without_a_token_a_fetch_says_what_that_means(github: GitHubStandIn, tmp_path: Path) -> None:
    done = fetch(tmp_path / "h.sqlite", github, "--since", "2020-01-01", token=None)
    assert done.code == 0, done.stderr
    assert "no GITHUB_TOKEN or GH_TOKEN set: unauthenticated requests are limited to 60" in done.stderr
    assert not any(r.authorized for r in github.requests)


def test_bad_input_exits_2_in_one_line(
    github: GitHubStandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    db = tmp_path / "h.sqlite"
    with open_store(db) as store:
        store.set_meta("repository", "octo-org/other-repo")
    cases = {
        ("--repo", "octo-org"): "--repo 'octo-org': expected OWNER/NAME",
        ("--repo", REPO, "--since", "last week"): "'last week': expected an ISO 8601 timestamp",
        ("--repo", REPO, "--api-url", "http://ghe.example.com/api/v3"): "the token would travel unencrypted",
        ("--repo", REPO): "holds the history of octo-org/other-repo",
    }
    for flags, message in cases.items():
        argv = ["history", "fetch", "--db", str(db), "--api-url", github.api_url, *flags]
        result = run_in_process(argv, capsys)
        assert (result.code, result.stdout) == (2, ""), flags
        assert result.stderr.startswith("pipekit: error: ") and message in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1
    assert github.requests == []


def test_the_token_comes_from_github_token_then_gh_token(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in api.TOKEN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert history_fetch.token_from_environment() == (None, "GITHUB_TOKEN")
    monkeypatch.setenv("GH_TOKEN", "from-gh")
    assert history_fetch.token_from_environment() == ("from-gh", "GH_TOKEN")
    monkeypatch.setenv("GITHUB_TOKEN", "  ")  # set but empty: not a token
    assert history_fetch.token_from_environment() == ("from-gh", "GH_TOKEN")
    monkeypatch.setenv("GITHUB_TOKEN", "from-actions")
    assert history_fetch.token_from_environment() == ("from-actions", "GITHUB_TOKEN")


def test_the_parser_repeats_the_librarys_defaults() -> None:
    """The command modules repeat three constants so that `pipekit` starts without loading them."""
    assert history_fetch.TOKEN_VARIABLES == api.TOKEN_VARIABLES
    assert history_fetch.DEFAULT_API_URL == api.DEFAULT_API_URL
    assert history.DEFAULT_DATABASE == store.DEFAULT_DATABASE


def test_import_from_the_command_line(
    github: GitHubStandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = tmp_path / "runs.json"
    runs.write_text(json.dumps({"total_count": 40, "workflow_runs": list(github.runs.values())}), "utf-8")
    jobs = tmp_path / "jobs.json"
    jobs.write_text("".join(json.dumps({"total_count": 3, "jobs": j}) for j in github.jobs.values()), "utf-8")
    db = tmp_path / "h.sqlite"
    result = run_in_process(["history", "import", str(runs), str(jobs), "--db", str(db)], capsys)
    assert result.code == 0, result.stderr
    assert result.stdout == f"imported {REPO} into {db}: 40 runs, 120 jobs, 0 workflows, 0 artifacts\n"
    missing = run_in_process(["history", "import", str(tmp_path / "nothing.json"), "--db", str(db)], capsys)
    assert missing.code == 2 and "nothing.json: cannot read the file" in missing.stderr
