"""`.pipekit/` in a repository's .gitignore: added once, in the file's own line endings, never twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipekit.errors import OutputError
from pipekit.repo.gitignore import COMMENT, ensure_ignored, missing


@pytest.mark.parametrize(
    "line", [".pipekit", ".pipekit/", "/.pipekit/", "/.pipekit", ".pipekit/*", " .pipekit/ "]
)
def test_a_line_that_ignores_the_folder_already_is_enough(line: str) -> None:
    assert missing(f"*.pyc\n{line}\nbuild/\n") == []


@pytest.mark.parametrize("line", ["# .pipekit/", "!.pipekit/", "docs/.pipekit/", ".pipekit.yaml"])
def test_other_lines_are_not(line: str) -> None:
    assert missing(f"{line}\n") == [".pipekit/"]


def test_a_new_file_and_an_existing_one_in_crlf(tmp_path: Path) -> None:
    assert ensure_ignored(tmp_path) == [".pipekit/"]
    assert (tmp_path / ".gitignore").read_bytes() == f"{COMMENT}\n.pipekit/\n".encode()
    assert ensure_ignored(tmp_path) == []
    windows = tmp_path / "windows"
    windows.mkdir()
    (windows / ".gitignore").write_bytes(b"*.pyc\r\n")
    ensure_ignored(windows)
    assert (windows / ".gitignore").read_bytes() == f"*.pyc\r\n\r\n{COMMENT}\r\n.pipekit/\r\n".encode()


def test_a_gitignore_that_is_no_utf8_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_bytes(b"caf\xe9/\n")
    with pytest.raises(OutputError, match=r"\.gitignore: not UTF-8 text; add \.pipekit/ to it by hand"):
        ensure_ignored(tmp_path)
    assert (tmp_path / ".gitignore").read_bytes() == b"caf\xe9/\n"
