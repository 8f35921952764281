"""The @actions/glob port: patterns pick what the toolkit's globber picks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipekit.rehearse.actions import _glob
from tests.rehearse.actions.conftest import write


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    write(
        root,
        {
            "a/one.txt": "",
            "a/b/two.txt": "",
            "a/b/.three.txt": "",
            "a/.dot/four.txt": "",
            "c/five.md": "",
            "top.txt": "",
        },
    )
    return root


def _found(root: Path, text: str, *, hidden: bool = True, home: Path | None = None) -> list[str]:
    globber = _glob.Globber.create(text, cwd=root, home=home or root, exclude_hidden=not hidden)
    return sorted(os.path.relpath(path, root) for path in globber.glob() if not os.path.isdir(path))


def test_a_name_matches_everything_below_it(tree: Path) -> None:
    assert _found(tree, "a") == ["a/.dot/four.txt", "a/b/.three.txt", "a/b/two.txt", "a/one.txt"]


def test_hidden_names_are_dropped_by_their_own_name_only(tree: Path) -> None:
    assert _found(tree, "a", hidden=False) == ["a/b/two.txt", "a/one.txt"]
    assert _found(tree, "a/.dot/four.txt", hidden=False) == ["a/.dot/four.txt"]  # parents are not checked


def test_wildcards_match_hidden_names(tree: Path) -> None:
    assert _found(tree, "**/*three*") == ["a/b/.three.txt"]
    assert _found(tree, "a/*") == ["a/.dot/four.txt", "a/b/.three.txt", "a/b/two.txt", "a/one.txt"]


def test_exclusions_apply_in_order(tree: Path) -> None:
    assert _found(tree, "**/*.txt\n!a/b") == ["a/.dot/four.txt", "a/one.txt", "top.txt"]
    assert _found(tree, "**/*.txt\n!a/b\na/b/two.txt") == [
        "a/.dot/four.txt",
        "a/b/two.txt",
        "a/one.txt",
        "top.txt",
    ]
    assert _found(tree, "!!a/one.txt") == ["a/one.txt"]  # two ! cancel


def test_comments_and_blank_lines_are_skipped(tree: Path) -> None:
    assert _found(tree, "# a\n\n  c/*.md  \n") == ["c/five.md"]


def test_a_trailing_slash_matches_directories_and_what_is_below(tree: Path) -> None:
    globber = _glob.Globber.create("c/", cwd=tree, home=tree)
    assert sorted(os.path.relpath(path, tree) for path in globber.glob()) == ["c", "c/five.md"]
    assert _found(tree, "top.txt/") == []


def test_dot_and_home_prefixes(tree: Path, tmp_path: Path) -> None:
    assert _found(tree, "./c") == ["c/five.md"]
    home = tmp_path / "home"
    write(home, {"notes.txt": ""})
    globber = _glob.Globber.create("~/notes.txt", cwd=tree, home=home)
    assert list(globber.glob()) == [str(home / "notes.txt")]


@pytest.mark.parametrize("text", ["a/../c", "a/./b", ".."])
def test_relative_segments_are_refused(tree: Path, text: str) -> None:
    with pytest.raises(_glob.PatternError, match=r"Relative pathing '\.' and '\.\.' is not allowed"):
        _glob.Globber.create(text, cwd=tree, home=tree)


def test_search_paths_leave_out_descendants_and_exclusions(tree: Path) -> None:
    globber = _glob.Globber.create("a/b/*.txt\na/**\n!c\nc/five.md", cwd=tree, home=tree)
    assert globber.search_paths() == [str(tree / "a"), str(tree / "c/five.md")]


def test_symbolic_links_are_followed_and_broken_ones_skipped(tree: Path) -> None:
    (tree / "link").symlink_to(tree / "c")
    (tree / "broken").symlink_to(tree / "nowhere")
    (tree / "c" / "loop").symlink_to(tree / "c")
    assert _found(tree, "link\nbroken") == ["link/five.md"]  # link/loop is link again: a cycle, left out


def test_escaped_wildcards_are_literal(tree: Path) -> None:
    write(tree, {"odd/[x]*.txt": ""})
    assert _found(tree, "odd/[[]x][*].txt") == ["odd/[x]*.txt"]


def test_any_file_is_what_hash_files_hashes(tree: Path) -> None:
    assert _glob.any_file("**/five.md", cwd=tree, home=tree, within=tree)
    assert not _glob.any_file("**/poetry.lock", cwd=tree, home=tree, within=tree)
    assert not _glob.any_file("a", cwd=tree, home=tree, within=tree / "c")  # only files under the workspace


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("sarif-*", "sarif-bandit", True),
        ("*", ".hidden", False),
        ("[!s]*", "sarif", False),
        ("s?rif", "sarif", True),
    ],
)
def test_minimatch_defaults_for_artifact_names(pattern: str, name: str, matches: bool) -> None:
    assert _glob.minimatch(pattern, name) is matches
