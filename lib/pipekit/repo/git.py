"""The default branch, from git: the remote's HEAD (``origin/HEAD``, set by ``git clone``), else the only
one of ``main``/``master`` that exists, else the branch checked out."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pipekit.repo.found import Found, assumed

DEFAULT = "main"


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def default_branch(root: Path) -> Found[str]:
    """The branch pushes to which deploy and that pull requests target."""
    if _git(root, "rev-parse", "--is-inside-work-tree") != "true":
        return assumed(DEFAULT, "not a git repository")
    remote_head = _git(root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
    if remote_head and "/" in remote_head:
        return Found(remote_head.split("/", 1)[1], "git: origin/HEAD")
    local = _git(root, "for-each-ref", "--format=%(refname:short)", "refs/heads/main", "refs/heads/master")
    branches = local.splitlines() if local else []
    if len(branches) == 1:
        return Found(branches[0], f"git: the {branches[0]} branch")
    current = _git(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    if current:
        return Found(current, "git: the branch checked out")
    return assumed(DEFAULT, "git has no branch checked out")
