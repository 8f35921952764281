"""The default branch from git: origin/HEAD (what `git clone` records), else main or master when only one
exists, else the branch checked out; outside git, main is assumed."""

from __future__ import annotations

from pathlib import Path

from pipekit.repo.git import default_branch

from .fixtures import commit_all, git, write


def test_not_a_repository(tmp_path: Path) -> None:
    found = default_branch(write(tmp_path, {"a.py": ""}))
    assert (found.value, found.comment) == ("main", "assumed: not a git repository")


def test_the_only_main_or_master(tmp_path: Path) -> None:
    root = commit_all(write(tmp_path, {"a.py": ""}), branch="master")
    git(root, "checkout", "-q", "-b", "feature")
    found = default_branch(root)
    assert (found.value, found.comment) == ("master", "from git: the master branch")


def test_the_branch_checked_out(tmp_path: Path) -> None:
    found = default_branch(commit_all(write(tmp_path, {"a.py": ""}), branch="trunk"))
    assert (found.value, found.comment) == ("trunk", "from git: the branch checked out")


def test_origin_head_of_a_clone(tmp_path: Path) -> None:
    origin = commit_all(write(tmp_path / "origin", {"a.py": ""}), branch="develop")
    git(origin, "branch", "main")
    git(tmp_path, "clone", "-q", str(origin), "clone")
    clone = tmp_path / "clone"
    git(clone, "checkout", "-q", "main")
    found = default_branch(clone)
    assert (found.value, found.comment) == ("develop", "from git: origin/HEAD")
