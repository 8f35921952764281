"""The gitleaks scan step (gitleaks_scan.sh), run as the rendered step runs it, with the real gitleaks binary
the dev dependencies install, on repositories made here: a planted secret fails the step and a clean range
passes, for every commit of a pull request (base..head) and of a push (before..after, the whole history for
a new branch or after a force-push), and for the whole history on scheduled runs.

gitleaks-action scanned the commits its API call listed: for a pull request the first page of
`GET /repos/{owner}/{repo}/pulls/{pull_number}/commits` (30 commits; gitleaks-action src/gitleaks.js,
ScanPullRequest). The step reads the range from the event instead, so the tests plant secrets past 30."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipekit import files
from pipekit.render import gitleaks as gitleaks_config

from ...designs import reference
from .sample_repos import Repo, github_token, gitleaks_binary
from .support import StepRun, rendered_step, run_step

ZERO = "0" * 40
SARIF = "gitleaks.sarif"


@pytest.fixture(scope="module")
def step() -> dict[str, Any]:
    return rendered_step("security.yaml", "gitleaks", "Scan for secrets (gitleaks)")


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "gitleaks").symlink_to(gitleaks_binary())  # what the install step puts on PATH
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "repo")
    config = gitleaks_config.render(reference({}), "pipeline.yaml")
    assert config is not None
    (repo.path / files.by_renderer("gitleaks").name).write_text(config, encoding="utf-8")  # not committed
    repo.commit({"README.md": "a service\n"}, "start")
    return repo


def scan(step: dict[str, Any], repo: Repo, bin_dir: Path, **event: str) -> StepRun:
    return run_step(step, repo.path, env=event, path_first=[bin_dir])


def results(repo: Repo) -> list[dict[str, Any]]:
    report = json.loads((repo.path / SARIF).read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = report["runs"][0]["results"]
    return found


def secret_file(seed: int) -> dict[str, str]:
    return {f"app/settings_{seed}.py": f'GITHUB_TOKEN = "{github_token(seed)}"\n'}


def clean_commits(repo: Repo, count: int, start: int = 0) -> str:
    head = ""
    for number in range(start, start + count):
        head = repo.commit({f"app/module_{number}.py": f"VALUE = {number}\n"}, f"commit {number}")
    return head


def test_the_step_reads_the_event_and_the_generated_config(step: dict[str, Any]) -> None:
    assert step["shell"] == "bash"
    assert step["env"] == {
        "EVENT_NAME": "${{ github.event_name }}",
        "BASE_SHA": "${{ github.event.pull_request.base.sha }}",
        "HEAD_SHA": "${{ github.event.pull_request.head.sha }}",
        "BEFORE": "${{ github.event.before }}",
        "AFTER": "${{ github.sha }}",
        "GITLEAKS_CONFIG": ".gitleaks.toml",
        "SARIF_FILE": SARIF,
    }


def test_a_pull_request_is_scanned_past_its_thirtieth_commit(
    step: dict[str, Any], repo: Repo, bin_dir: Path
) -> None:
    base = repo.git("rev-parse", "HEAD")
    clean_commits(repo, 32)
    repo.commit(secret_file(1), "commit 33 leaks a token")
    head = clean_commits(repo, 2, start=40)
    done = scan(step, repo, bin_dir, EVENT_NAME="pull_request", BASE_SHA=base, HEAD_SHA=head)
    assert done.returncode == 1, done.stdout + done.stderr
    [finding] = results(repo)
    assert finding["ruleId"] == "github-pat"
    assert finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/settings_1.py"
    assert github_token(1) not in (repo.path / SARIF).read_text(encoding="utf-8")  # redacted
    assert github_token(1) not in done.stdout + done.stderr


def test_a_clean_pull_request_passes_whatever_its_base_holds(
    step: dict[str, Any], repo: Repo, bin_dir: Path
) -> None:
    repo.commit(secret_file(2), "an old leak, already on the base branch")
    base = repo.git("rev-parse", "HEAD")
    head = clean_commits(repo, 3)
    done = scan(step, repo, bin_dir, EVENT_NAME="pull_request", BASE_SHA=base, HEAD_SHA=head)
    assert done.returncode == 0, done.stdout + done.stderr
    assert results(repo) == []
    assert f"Scanning {base}..{head} for secrets." in done.stdout


def test_a_pull_request_commit_missing_from_the_clone_is_an_error(
    step: dict[str, Any], repo: Repo, bin_dir: Path
) -> None:
    head = clean_commits(repo, 1)
    done = scan(step, repo, bin_dir, EVENT_NAME="pull_request", BASE_SHA="1" * 40, HEAD_SHA=head)
    assert done.returncode == 1
    assert done.annotations == [
        f"::error::commit {'1' * 40} of the pull request is not in the clone; check out with fetch-depth: 0"
    ]


def test_every_commit_of_a_push_is_scanned(step: dict[str, Any], repo: Repo, bin_dir: Path) -> None:
    before = repo.git("rev-parse", "HEAD")
    repo.commit(secret_file(3), "the first of 36 pushed commits leaks a token")
    after = clean_commits(repo, 35)
    done = scan(step, repo, bin_dir, EVENT_NAME="push", BEFORE=before, AFTER=after)
    assert done.returncode == 1, done.stdout + done.stderr
    assert [result["ruleId"] for result in results(repo)] == ["github-pat"]


def test_a_clean_push_passes(step: dict[str, Any], repo: Repo, bin_dir: Path) -> None:
    repo.commit(secret_file(4), "an old leak, before this push")
    before = repo.git("rev-parse", "HEAD")
    after = clean_commits(repo, 2)
    done = scan(step, repo, bin_dir, EVENT_NAME="push", BEFORE=before, AFTER=after)
    assert done.returncode == 0, done.stdout + done.stderr
    assert results(repo) == []


def test_a_new_branch_is_scanned_from_its_first_commit(
    step: dict[str, Any], repo: Repo, bin_dir: Path
) -> None:
    # The first push of a branch has an all-zero `before` (GitHub's push event payload).
    repo.commit(secret_file(5), "a leak deep in the history")
    after = clean_commits(repo, 3)
    done = scan(step, repo, bin_dir, EVENT_NAME="push", BEFORE=ZERO, AFTER=after)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "A new branch: scanning the whole history" in done.stdout
    assert len(results(repo)) == 1


def test_after_a_force_push_the_whole_history_is_scanned(
    step: dict[str, Any], repo: Repo, bin_dir: Path
) -> None:
    repo.commit(secret_file(6), "a leak")
    after = clean_commits(repo, 1)
    gone = "2" * 40  # the replaced head is in no ref of the clone
    done = scan(step, repo, bin_dir, EVENT_NAME="push", BEFORE=gone, AFTER=after)
    assert done.returncode == 1
    assert done.annotations[0].startswith(f"::notice::{gone} is not in the clone (a force-push?)")


@pytest.mark.parametrize("event", ["schedule", "workflow_dispatch"])
def test_scheduled_and_manual_runs_scan_every_branch(
    step: dict[str, Any], repo: Repo, bin_dir: Path, event: str
) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(secret_file(7), "a leak on another branch")
    repo.git("checkout", "-q", "main")
    done = scan(step, repo, bin_dir, EVENT_NAME=event)
    assert done.returncode == 1
    assert "Scanning the history of every branch for secrets." in done.stdout
    repo.git("branch", "-q", "-D", "feature")
    assert scan(step, repo, bin_dir, EVENT_NAME=event).returncode == 0


def test_allowlisted_placeholders_pass(step: dict[str, Any], repo: Repo, bin_dir: Path) -> None:
    before = repo.git("rev-parse", "HEAD")
    after = repo.commit(
        {
            "tests/test_settings.py": f'GITHUB_TOKEN = "{github_token(8)}"\n',  # the allowlist's ^tests/
            "docs/setup.md": f"export GITHUB_TOKEN={github_token(9)}\n",
        }
    )
    done = scan(step, repo, bin_dir, EVENT_NAME="push", BEFORE=before, AFTER=after)
    assert done.returncode == 0, done.stdout + done.stderr
