"""paths: one path or many, each of which must be a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipekit.check.paths import as_paths, require_files
from pipekit.errors import InputFileError


def test_one_path_or_many() -> None:
    assert as_paths("a.yml") == [Path("a.yml")]
    assert as_paths(Path("a.yml")) == [Path("a.yml")]
    assert as_paths(["a.yml", Path("b.yml")]) == [Path("a.yml"), Path("b.yml")]


def test_a_missing_file_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "there.yml").write_text("x: 1\n")
    require_files([tmp_path / "there.yml"])
    with pytest.raises(InputFileError, match=r"nope\.yml: no such file"):
        require_files([tmp_path / "there.yml", tmp_path / "nope.yml"])
    with pytest.raises(InputFileError, match="no such file"):
        require_files([tmp_path])  # a folder is not a file
