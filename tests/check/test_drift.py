"""drift: the generated files on disk against what the design renders."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipekit import files
from pipekit.check.drift import drift
from pipekit.errors import InputFileError

EXPECTED = {"test.yaml": "on: push\njobs: {}\n", ".gitleaks.toml": "[extend]\nuseDefault = true\n"}


def _write(folder: Path, contents: dict[str, str]) -> None:
    for name, text in contents.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_no_drift(tmp_path: Path) -> None:
    _write(tmp_path, EXPECTED)
    (tmp_path / "notes.md").write_text("not a generated file\n")
    assert drift(EXPECTED, tmp_path) == []


def test_a_changed_file_is_a_unified_diff(tmp_path: Path) -> None:
    _write(tmp_path, {**EXPECTED, "test.yaml": "on: pull_request\njobs: {}\n"})
    (diff,) = drift(EXPECTED, tmp_path)
    assert diff.startswith(
        f"--- {tmp_path / 'test.yaml'} (on disk)\n+++ {tmp_path / 'test.yaml'} (from the design)\n"
    )
    assert "\n-on: pull_request\n+on: push\n" in diff


def test_missing_and_extra_files(tmp_path: Path) -> None:
    _write(tmp_path, {"test.yaml": EXPECTED["test.yaml"], "deploy.yaml": "on: push\n"})
    problems = drift(EXPECTED, tmp_path)
    assert problems == [
        f"{tmp_path / 'deploy.yaml'}: the design no longer produces this file; delete it\n",
        f"{tmp_path / '.gitleaks.toml'}: missing; run `pipekit render` to write it\n",
    ]
    assert "deploy.yaml" in files.NAMES


def test_undecodable_bytes_show_in_the_diff(tmp_path: Path) -> None:
    _write(tmp_path, EXPECTED)
    (tmp_path / "test.yaml").write_bytes(b"on: push\xff\njobs: {}\n")
    (diff,) = drift(EXPECTED, tmp_path)
    assert "-on: push\ufffd\n" in diff


def test_what_is_not_a_file_counts_as_missing(tmp_path: Path) -> None:
    _write(tmp_path, EXPECTED)
    (tmp_path / "build.yaml").mkdir()  # a folder by a generated file's name: no file the design lacks
    assert drift(EXPECTED, tmp_path) == []
    target = tmp_path / "test.yaml"
    target.unlink()
    target.symlink_to(target)  # a symlink loop
    assert drift(EXPECTED, tmp_path) == [f"{target}: missing; run `pipekit render` to write it\n"]


def test_a_read_error_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, EXPECTED)

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputFileError, match=r"test\.yaml: cannot read \(Permission denied\)$"):
        drift(EXPECTED, tmp_path)
