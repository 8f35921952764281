"""actions/checkout on a real git copy: the workspace as it is, a copy at `path`, a commit at `ref`."""

from __future__ import annotations

import pytest

from pipekit.rehearse.actions import stand_in
from pipekit.rehearse.model import Places
from tests.rehearse.actions.conftest import Call, git, write


@pytest.fixture
def commits(places: Places) -> list[str]:
    """A repository in the workspace with two commits; returns their SHAs, oldest first."""
    repo = places.workspace
    git(repo, "init", "-q", "-b", "main")
    write(repo, {"app.py": "version = 1\n", "docs/index.md": "# docs\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    first = git(repo, "rev-parse", "HEAD")
    git(repo, "tag", "v1")
    write(repo, {"app.py": "version = 2\n"})
    git(repo, "commit", "-q", "-am", "second")
    return [first, git(repo, "rev-parse", "HEAD")]


def test_default_inputs_use_the_workspace_as_it_is(
    make_call: Call, places: Places, commits: list[str]
) -> None:
    write(places.workspace, {"untracked.txt": "kept\n"})
    result = stand_in(
        make_call(
            "actions/checkout", {"persist-credentials": "false", "fetch-depth": "0"}, {"GITHUB_REF": "main"}
        )
    )
    assert result.outcome == "success"
    assert "already is a copy" in result.log
    assert result.outputs == {"ref": "refs/heads/main", "commit": commits[1]}
    assert (places.workspace / "untracked.txt").read_text() == "kept\n"


def test_path_copies_the_workspace_there_without_itself(
    make_call: Call, places: Places, commits: list[str]
) -> None:
    result = stand_in(make_call("actions/checkout", path="nested/copy"))
    assert result.outcome == "success"
    copy = places.workspace / "nested" / "copy"
    assert (copy / "app.py").read_text() == "version = 2\n"
    assert (copy / "docs" / "index.md").is_file()
    assert not (copy / "nested").exists()
    assert git(copy, "rev-parse", "HEAD") == commits[1]
    # a second checkout to the same path replaces the first copy
    (copy / "stale.txt").write_text("x")
    assert stand_in(make_call("actions/checkout", path="nested/copy")).outcome == "success"
    assert not (copy / "stale.txt").exists()


def test_path_outside_the_workspace_fails_as_the_action_does(make_call: Call, places: Places) -> None:
    result = stand_in(make_call("actions/checkout", path="../elsewhere"))
    assert result.outcome == "failure"
    assert result.reason.startswith("Repository path ")
    assert "is not under" in result.reason
    assert not (places.workspace.parent / "elsewhere").exists()


@pytest.mark.parametrize("ref", ["first", "v1"])
def test_ref_checks_out_that_commit_detached(
    make_call: Call, places: Places, commits: list[str], ref: str
) -> None:
    wanted = commits[0] if ref == "first" else "v1"
    result = stand_in(make_call("actions/checkout", ref=wanted))
    assert result.outcome == "success"
    assert result.outputs["commit"] == commits[0]
    assert result.outputs["ref"] == ("" if ref == "first" else "v1")  # a SHA leaves the ref output empty
    assert (places.workspace / "app.py").read_text() == "version = 1\n"
    assert git(places.workspace, "rev-parse", "--abbrev-ref", "HEAD") == "HEAD"  # detached


def test_ref_in_a_copy_at_path_leaves_the_workspace_alone(
    make_call: Call, places: Places, commits: list[str]
) -> None:
    result = stand_in(make_call("actions/checkout", path="old", ref=commits[0]))
    assert result.outcome == "success"
    assert (places.workspace / "old" / "app.py").read_text() == "version = 1\n"
    assert (places.workspace / "app.py").read_text() == "version = 2\n"


def test_a_ref_the_copy_lacks_fails(make_call: Call, commits: list[str]) -> None:
    result = stand_in(make_call("actions/checkout", ref="refs/pull/7/merge"))
    assert (result.outcome, result.reason) == ("failure", "ref refs/pull/7/merge is not in the copy")


def test_a_ref_without_a_git_repository_fails(make_call: Call) -> None:
    result = stand_in(make_call("actions/checkout", ref="main"))
    assert (result.outcome, result.reason) == ("failure", "ref main is not in the copy")


def test_another_repository_is_not_rehearsed(make_call: Call) -> None:
    result = stand_in(
        make_call("actions/checkout", {"repository": "acme/other"}, {"GITHUB_REPOSITORY": "acme/app"})
    )
    assert result.outcome == "not_rehearsed"
    assert "acme/other" in result.reason


def test_the_same_repository_in_other_case_is_this_one(make_call: Call, commits: list[str]) -> None:
    result = stand_in(
        make_call("actions/checkout", {"repository": "Acme/App"}, {"GITHUB_REPOSITORY": "acme/app"})
    )
    assert result.outcome == "success"
    assert result.outputs["commit"] == commits[1]
