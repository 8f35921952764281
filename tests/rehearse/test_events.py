"""Which workflows the rehearsed event starts, and the `github` context it gives them (GitHub docs:
"Events that trigger workflows", "Workflow syntax: on.<push|pull_request>.<branches|branches-ignore>",
"Filter pattern cheat sheet", and the github context)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipekit.rehearse.events import FORK_OWNER, github_context, triggers
from pipekit.rehearse.workspace import ZERO_SHA, Commits

HEAD, BASE = "a" * 40, "b" * 40


@pytest.mark.parametrize(
    ("on", "event", "started"),
    [
        ({"push": {"branches": ["main"]}}, "push", True),
        ({"push": {"branches": ["release/*"]}}, "push", False),
        ({"push": {"branches": ["*", "!main"]}}, "push", False),
        ({"push": {"branches": ["!main", "*"]}}, "push", True),
        ({"push": {"branches-ignore": ["ma*"]}}, "push", False),
        ({"pull_request": {"branches": ["**"]}}, "pull_request", True),
        ({"pull_request": None}, "pull_request", True),
        ("push", "push", True),
        (["push", "schedule"], "schedule", True),
        ({"workflow_run": {"workflows": ["Test"]}}, "push", False),
        ({"schedule": [{"cron": "17 3 * * 1"}]}, "schedule", True),
    ],
)
def test_the_event_starts_what_its_filters_allow(on: Any, event: Any, started: bool) -> None:
    assert (triggers({"on": on, "jobs": {}}, event, "main") is None) is started


def test_a_pull_request_comes_from_a_fork_with_its_commits() -> None:
    github = github_context(
        "pull_request",
        Commits(head=HEAD, base=BASE, branch="feature"),
        repository="acme/ledger",
        default_branch="main",
        workspace=Path("/work"),
        run_id=7,
    )
    pull = github["event"]["pull_request"]
    assert (pull["base"]["sha"], pull["head"]["sha"]) == (BASE, HEAD)
    assert pull["head"]["repo"]["full_name"] == f"{FORK_OWNER}/ledger" != github["repository"]
    assert (github["head_ref"], github["base_ref"], github["ref"]) == ("feature", "main", "refs/pull/1/merge")


def test_a_push_of_a_new_history_has_a_zero_before() -> None:
    github = github_context(
        "push",
        Commits(head=HEAD, base=None, branch="main"),
        repository="local/x",
        default_branch="main",
        workspace=Path("/w"),
        run_id=1,
    )
    assert github["event"]["before"] == ZERO_SHA
    assert github["event"]["after"] == HEAD == github["sha"]
    assert github["ref"] == "refs/heads/main"
