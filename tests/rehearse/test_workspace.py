"""The rehearsal's copy: the working tree as it is (changes, untracked and deleted files; never ignored
ones), the rendered files committed in it, the user's repository untouched, and the commits the event
brings."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pipekit.rehearse.workspace import git, make_copy

from ..repo.fixtures import commit_all, write
from ..repo.fixtures import git as fixture_git

RENDERED = {Path(".github/workflows/test.yaml"): "name: Test\n", Path(".gitleaks.toml"): "[extend]\n"}


def _repo(root: Path) -> Path:
    write(root, {"app.py": "print('v1')\n", "old.py": "x = 1\n", ".gitignore": "secret.env\n"})
    return commit_all(root)


def _state(root: Path) -> tuple[str, str, str]:
    """What a rehearsal must leave as it was: status, refs and the object count."""
    status = fixture_git(root, "status", "--porcelain", "--ignored")
    refs = fixture_git(root, "show-ref")
    objects = fixture_git(root, "count-objects", "-v")
    return status, refs, objects


def test_the_copy_is_the_working_tree_committed_and_the_repository_is_untouched(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    original_head = fixture_git(root, "rev-parse", "HEAD").strip()
    (root / "app.py").write_text("print('v2')\n")
    (root / "new.py").write_text("y = 2\n")
    (root / "old.py").unlink()
    (root / "secret.env").write_text("TOKEN=x\n")
    before = _state(root)
    copy = tmp_path / "copy"
    commits = make_copy(root, copy, "main", RENDERED)
    assert _state(root) == before
    assert (copy / "app.py").read_text() == "print('v2')\n"
    assert (copy / "new.py").is_file()
    assert not (copy / "old.py").exists()
    assert not (copy / "secret.env").exists()  # ignored files stay out, as they would stay out of a push
    assert (copy / ".github/workflows/test.yaml").read_text() == "name: Test\n"
    assert git(copy, "status", "--porcelain") == ""
    # on the default branch without a remote, the event brings the rehearsal commit
    assert commits.base == original_head
    assert commits.head == git(copy, "rev-parse", "HEAD") != original_head
    assert commits.branch == "main"


def test_a_clean_single_commit_brings_the_whole_history(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(root, {"app.py": "x = 1\n", **{str(p): t for p, t in RENDERED.items()}})
    commit_all(root)
    commits = make_copy(root, tmp_path / "copy", "main", RENDERED)
    assert commits.base is None
    assert commits.head == fixture_git(root, "rev-parse", "HEAD").strip()


def test_a_feature_branch_brings_what_is_not_on_the_default_branch(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    main = fixture_git(root, "rev-parse", "HEAD").strip()
    fixture_git(root, "checkout", "-q", "-b", "feature")
    (root / "app.py").write_text("print('feature')\n")
    fixture_git(root, "commit", "-q", "-am", "feature work")
    commits = make_copy(root, tmp_path / "copy", "main", RENDERED)
    assert commits.base == main
    assert commits.branch == "feature"
    assert (
        git(tmp_path / "copy", "rev-list", "--count", f"{main}..HEAD") == "2"
    )  # the work and the rendered files


def test_the_remote_default_branch_decides_when_the_clone_knows_it(tmp_path: Path) -> None:
    upstream = _repo(tmp_path / "upstream")
    pushed = fixture_git(upstream, "rev-parse", "HEAD").strip()
    subprocess.run(["git", "clone", "-q", str(upstream), str(tmp_path / "repo")], check=True)
    root = tmp_path / "repo"
    (root / "app.py").write_text("print('local')\n")
    fixture_git(root, "commit", "-q", "-am", "not pushed yet")
    commits = make_copy(root, tmp_path / "copy", "main", RENDERED)
    assert commits.base == pushed


def test_a_folder_outside_git_becomes_a_new_history(tmp_path: Path) -> None:
    root = write(tmp_path / "plain", {"app.py": "x = 1\n", ".venv/bin/python": "", "pkg/__init__.py": ""})
    commits = make_copy(root, tmp_path / "copy", "trunk", RENDERED)
    assert commits.base is None
    assert commits.branch == "trunk"
    assert not (tmp_path / "copy/.venv").exists()
    assert (tmp_path / "copy/pkg/__init__.py").is_file()
    assert not (root / ".git").exists()
