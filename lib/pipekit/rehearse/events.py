"""The event a rehearsal plays: its `github` context, and which workflows it starts.

The pull request comes from a fork (`head.repo` is another repository) with no secrets, as a fork's or
Dependabot's does: steps that need a writable token or a secret are skipped by their own conditions, and
nothing reaches GitHub. A push goes to the default branch; a schedule runs on the default branch.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pipekit.rehearse.workspace import ZERO_SHA, Commits

Event = Literal["pull_request", "push", "schedule"]
EVENTS: tuple[Event, ...] = ("pull_request", "push", "schedule")
PULL_REQUEST_NUMBER = 1
FORK_OWNER = "rehearsal-fork"


def repository_name(copy: Path, fallback_name: str) -> str:
    """owner/name from the remote `origin` when it is on GitHub, else `local/<project name>`."""
    done = subprocess.run(
        ["git", "-C", str(copy), "config", "--get", "remote.origin.url"],
        capture_output=True,
        text=True,
        check=False,
    )
    url = done.stdout.strip()
    # the copy's origin is the user's folder; its own origin is what GitHub knows
    if url and not re.search(r"github\.com[:/]", url) and Path(url).is_dir():
        inner = subprocess.run(
            ["git", "-C", url, "config", "--get", "remote.origin.url"],
            capture_output=True,
            text=True,
            check=False,
        )
        url = inner.stdout.strip()
    found = re.search(r"github\.com[:/]([^/\s]+)/([^/\s]+?)(?:\.git)?/?$", url)
    if found:
        return f"{found.group(1)}/{found.group(2)}"
    return f"local/{fallback_name}"


def github_context(
    event: Event, commits: Commits, *, repository: str, default_branch: str, workspace: Path, run_id: int
) -> dict[str, Any]:
    """The `github` context of the rehearsed event (the keys the docs list under "github context")."""
    owner, name = repository.split("/", 1)
    repo_payload = {
        "full_name": repository,
        "name": name,
        "owner": {"login": owner},
        "default_branch": default_branch,
        "fork": False,
        "private": True,
    }
    context: dict[str, Any] = {
        "event_name": event,
        "repository": repository,
        "repository_owner": owner,
        "workspace": str(workspace),
        "server_url": "https://github.com",
        "api_url": "https://api.github.com",
        "graphql_url": "https://api.github.com/graphql",
        "run_id": str(run_id),
        "run_number": "1",
        "run_attempt": "1",
        "actor": "pipekit-rehearse",
        "triggering_actor": "pipekit-rehearse",
        "workflow": "",
        "job": "",
        "action": "",
        "token": "",
        "retention_days": "90",
        "secret_source": "None",
        "ref_protected": False,
        "head_ref": "",
        "base_ref": "",
    }
    if event == "pull_request":
        base = commits.base or commits.head
        head_branch = commits.branch if commits.branch != default_branch else "rehearsal"
        pull_request = {
            "number": PULL_REQUEST_NUMBER,
            "title": "pipekit rehearsal",
            "draft": False,
            "user": {"login": FORK_OWNER},
            "head": {
                "sha": commits.head,
                "ref": head_branch,
                "label": f"{FORK_OWNER}:{head_branch}",
                "repo": {**repo_payload, "full_name": f"{FORK_OWNER}/{name}", "fork": True},
            },
            "base": {
                "sha": base,
                "ref": default_branch,
                "label": f"{owner}:{default_branch}",
                "repo": repo_payload,
            },
        }
        context.update(
            ref=f"refs/pull/{PULL_REQUEST_NUMBER}/merge",
            ref_name=f"{PULL_REQUEST_NUMBER}/merge",
            ref_type="branch",
            sha=commits.head,
            head_ref=head_branch,
            base_ref=default_branch,
            event={
                "action": "synchronize",
                "number": PULL_REQUEST_NUMBER,
                "pull_request": pull_request,
                "repository": repo_payload,
            },
        )
    elif event == "push":
        context.update(
            ref=f"refs/heads/{default_branch}",
            ref_name=default_branch,
            ref_type="branch",
            sha=commits.head,
            event={
                "ref": f"refs/heads/{default_branch}",
                "before": commits.base or ZERO_SHA,
                "after": commits.head,
                "created": commits.base is None,
                "forced": False,
                "repository": repo_payload,
            },
        )
    else:
        context.update(
            ref=f"refs/heads/{default_branch}",
            ref_name=default_branch,
            ref_type="branch",
            sha=commits.head,
            event={"schedule": "", "repository": repo_payload},
        )
    return context


def triggers(workflow: Mapping[str, Any], event: Event, default_branch: str) -> str | None:
    """Why `workflow` does not start on the rehearsed event (None: it starts). Branch filters are
    matched against the default branch (the push's branch, the pull request's base); path filters are
    not applied, since a rehearsal brings every file."""
    on = workflow.get("on")  # the workflow loader reads keys as text, as GitHub does
    if isinstance(on, str):
        on = {on: None}
    elif isinstance(on, list):
        on = dict.fromkeys(on)
    if not isinstance(on, Mapping) or event not in on:
        return f"does not run on {event}"
    settings = on[event]
    if event == "schedule" or not isinstance(settings, Mapping):
        return None
    branches = settings.get("branches")
    if branches is not None and not _branch_filter(branches, default_branch):
        return f"its {event} branches filter leaves out {default_branch}"
    ignored = settings.get("branches-ignore")
    if ignored is not None and _branch_filter(ignored, default_branch):
        return f"its {event} branches-ignore filter names {default_branch}"
    return None


def _branch_filter(patterns: Any, branch: str) -> bool:
    """Whether the filter's patterns select `branch`: later patterns win, `!` excludes again (GitHub's
    "Filter pattern cheat sheet")."""
    selected = False
    for pattern in patterns if isinstance(patterns, list) else [patterns]:
        text = str(pattern)
        negated = text.startswith("!")
        if _glob(text[1:] if negated else text, branch):
            selected = not negated
    return selected


def _glob(pattern: str, branch: str) -> bool:
    """GitHub's filter glob: `*` stops at `/`, `**` does not, `?` one character."""
    regex = re.escape(pattern).replace(r"\*\*", ".*").replace(r"\*", "[^/]*").replace(r"\?", ".")
    return re.fullmatch(regex, branch) is not None
