"""Writing generated files: atomic, all or nothing, only owned files, never through a stray link."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

from pipekit import write as output
from pipekit.errors import OutputError


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()
    }


def test_writes_files_and_keeps_their_mode(tmp_path: Path) -> None:
    (tmp_path / "test.yaml").write_text("old\n")
    (tmp_path / "test.yaml").chmod(0o600)
    written = output.write_files(tmp_path, {"test.yaml": "new\n", "build.yaml": "b\n"})
    assert [p.name for p in written] == ["test.yaml", "build.yaml"]
    assert (tmp_path / "test.yaml").read_text() == "new\n"
    assert (tmp_path / "test.yaml").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build.yaml", "test.yaml"]


def test_a_file_that_already_matches_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "test.yaml").write_text("same\n")
    os.utime(tmp_path / "test.yaml", (1_000_000, 1_000_000))
    written = output.write_files(tmp_path, {"test.yaml": "same\n", "build.yaml": "b\n"})
    assert [p.name for p in written] == ["build.yaml"]
    assert (
        tmp_path / "test.yaml"
    ).stat().st_mtime == 1_000_000  # not rewritten: make and editors see no change
    written = output.write_files(tmp_path, {"test.yaml": "changed\n"})
    assert [p.name for p in written] == ["test.yaml"]
    assert (tmp_path / "test.yaml").read_text() == "changed\n"


@pytest.mark.parametrize("name", ["../escape.yaml", "notes.txt", "sub/test.yaml"])
def test_only_owned_files(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError, match="pipekit only writes its own files"):
        output.write_files(tmp_path, {name: "x"})


def test_out_dir_problems(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(OutputError, match="must be a folder, but this is a file"):
        output.write_files(a_file, {"test.yaml": "x"})
    with pytest.raises(OutputError, match=r"parent folder .* does not exist"):
        output.write_files(tmp_path / "a" / "b", {"test.yaml": "x"})


def test_symlink_outside_the_folder_is_refused(tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside.yaml"
    out.mkdir()
    outside.write_text("precious\n")
    (out / "test.yaml").symlink_to(outside)
    with pytest.raises(OutputError, match=r"symbolic link .* outside the output folder"):
        output.write_files(out, {"test.yaml": "x"})
    assert outside.read_text() == "precious\n"


def test_a_failed_rename_puts_every_file_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "test.yaml").write_text("old test\n")
    (tmp_path / "build.yaml").write_text("old build\n")
    before = _hashes(tmp_path)
    real_replace = os.replace
    calls = []

    def failing_replace(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", failing_replace)
    with pytest.raises(
        OutputError, match=r"cannot write \(No space left on device\); existing files were left as they were"
    ):
        output.write_files(tmp_path, {"test.yaml": "new\n", "build.yaml": "new\n", "deploy.yaml": "new\n"})
    assert _hashes(tmp_path) == before  # no temporaries left, no new file, old contents back


def test_concurrent_writes_leave_complete_files(tmp_path: Path) -> None:
    texts = {f"writer {n}": (f"# writer {n}\n" + "x" * 200_000 + "\n") for n in range(4)}
    errors: list[BaseException] = []

    def write(text: str) -> None:
        try:
            for _ in range(5):
                output.write_files(tmp_path, {"test.yaml": text, "build.yaml": text})
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(text,)) for text in texts.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert (tmp_path / "test.yaml").read_text() in texts.values()
    assert (tmp_path / "build.yaml").read_text() in texts.values()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build.yaml", "test.yaml"]
