"""The copy of the repository a rehearsal works in, and the commits its event brings.

The user's tree is never touched. A git repository is cloned with `--shared` (its objects are borrowed,
read-only, so even a large history costs nothing to copy), then the working tree's own state is laid over
the clone: modified and untracked files (not ignored) copied, deleted ones removed. The rendered files are
written into the copy, and all of it is committed as one rehearsal commit, so what the rehearsal runs and
scans is what a push of the tree as it is would bring. A folder outside git is copied (skipping
environments and caches) and committed as the first commit of a new repository.

Which commits the event brings (the range gitleaks scans, `before` of a push, the base of a pull request):
those not yet on the remote's default branch when the clone knows it (`origin/<default>`); otherwise,
from another branch, those not on the local default branch; otherwise the rehearsal commit alone, or,
when the tree was clean, the last commit. A repository of one clean commit brings it as a new branch
(push: `before` all zeros, the whole history) and as a pull request with no commits.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from pipekit.errors import PipekitError
from pipekit.repo.tree import Tree
from pipekit.wording import squeeze

ZERO_SHA = "0" * 40
AUTHOR = ("-c", "user.name=pipekit rehearse", "-c", "user.email=rehearse@pipekit.invalid")
# The rehearsal's commit needs no hooks or signing of the user's configuration.
QUIET = ("-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Commits:
    """The commits of the rehearsed event: `head` is the copy's HEAD, `base` the last commit the event
    does not bring (None: it brings the whole history), `branch` the copy's branch name."""

    head: str
    base: str | None
    branch: str


def git(folder: Path, *args: str, check: bool = True) -> str:
    """Run git in `folder` (never the user's global hooks or signing); stdout without its last newline."""
    done = subprocess.run(
        ["git", *AUTHOR, *QUIET, "-C", str(folder), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
    )
    if check and done.returncode != 0:
        raise PipekitError(
            f"git {args[0]} failed in the rehearsal copy: {squeeze(done.stderr) or 'no message'}"
        )
    return done.stdout.rstrip("\n")


def _in_git(root: Path) -> bool:
    done = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False
    )
    return done.returncode == 0 and Path(done.stdout.strip()).resolve() == root.resolve()


def make_copy(root: Path, copy: Path, default_branch: str, rendered: Mapping[Path, str]) -> Commits:
    """Copy the repository at `root` into `copy` (which must not exist), write `rendered` (paths relative
    to the repository's root, text) into it, and commit what differs from the clone's HEAD."""
    if not root.is_dir():
        raise PipekitError(f"{root}: --repo must be a folder (the repository's root)")
    if _in_git(root):
        original = _clone(root, copy)
    else:
        _copy_plain(root, copy, default_branch)
        original = None
    for relative, text in rendered.items():
        target = copy / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    git(copy, "add", "-A")
    changed = bool(git(copy, "status", "--porcelain"))
    if changed:
        git(
            copy,
            "commit",
            "-q",
            "--no-verify",
            "-m",
            "pipekit rehearse: the working tree and the rendered files",
        )
    head = git(copy, "rev-parse", "HEAD")
    branch = git(copy, "rev-parse", "--abbrev-ref", "HEAD")
    if original is None:
        return Commits(head=head, base=None, branch=branch)
    return Commits(head=head, base=_base(root, copy, default_branch, original, changed), branch=branch)


def _clone(root: Path, copy: Path) -> str:
    """Clone with borrowed objects, then lay the working tree over the checkout. Returns the original
    HEAD commit."""
    git(root.parent, "clone", "--quiet", "--shared", "--no-checkout", str(root.resolve()), str(copy))
    head = git(root, "rev-parse", "--verify", "--quiet", "HEAD", check=False)
    if not head:
        raise PipekitError(f"{root}: the repository has no commit yet; commit once, then rehearse")
    branch = git(root, "rev-parse", "--abbrev-ref", "HEAD")
    # A detached HEAD gets a branch of its own in the copy, so the event has a ref to name.
    git(copy, "checkout", "--quiet", "-B", branch if branch != "HEAD" else "rehearsal", head)
    listed = set(Tree(root).files)
    for relative in listed:
        source, target = root / relative, copy / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            if target.is_symlink() or target.exists():
                target.unlink()
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    for relative in git(copy, "ls-files", "-z").split("\0"):
        if relative and relative not in listed and (copy / relative).is_file():
            (copy / relative).unlink()
    return head


def _copy_plain(root: Path, copy: Path, default_branch: str) -> None:
    copy.mkdir(parents=True)
    for relative in Tree(root).files:
        target = copy / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / relative, target, follow_symlinks=False)
    git(copy, "init", "--quiet", "-b", default_branch)


def _base(root: Path, copy: Path, default_branch: str, original: str, changed: bool) -> str | None:
    pushed = git(
        root,
        "rev-parse",
        "--verify",
        "--quiet",
        f"refs/remotes/origin/{default_branch}^{{commit}}",
        check=False,
    )
    if pushed:
        return git(copy, "merge-base", "HEAD", pushed, check=False) or None
    branch = git(root, "rev-parse", "--abbrev-ref", "HEAD")
    local = git(
        root, "rev-parse", "--verify", "--quiet", f"refs/heads/{default_branch}^{{commit}}", check=False
    )
    if branch != default_branch and local and local != original:
        return git(copy, "merge-base", "HEAD", local, check=False) or None
    if changed:
        return original
    parent = git(copy, "rev-parse", "--verify", "--quiet", "HEAD~1", check=False)
    return parent or None
