"""Nothing lost: a failed or concurrent `pipekit render` never leaves a half-written or mixed file."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipekit.commands.render import render_design
from pipekit.files import NAMES

from .support import HERE, populate, run_in_process, snapshot

DEFAULT = HERE.parents[1] / "pipeline.yaml"  # the reference design: all six files
MARKERS = HERE / "designs" / "ok-markers.yaml"


@pytest.fixture(scope="module")
def renders() -> dict[Path, dict[str, str]]:
    return {design: render_design(str(design)) for design in (DEFAULT, MARKERS)}


def _fail_on_call(number: int, error: OSError, real: Any) -> Any:
    calls = 0

    def fake(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == number:
            raise error
        return real(*args, **kwargs)

    return fake


@pytest.mark.parametrize(
    ("function", "call", "error", "message"),
    [
        # the disk fills up while the third temporary file is written
        ("fsync", 3, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), "No space left on device"),
        # the fourth rename fails after three files were already replaced: they are put back
        ("replace", 4, OSError(errno.EIO, os.strerror(errno.EIO)), "Input/output error"),
    ],
)
def test_a_failure_in_the_middle_of_writing_keeps_every_file(
    function: str,
    call: int,
    error: OSError,
    message: str,
    tmp_path: Path,
    renders: dict[Path, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    populate(out, renders[DEFAULT])
    before = snapshot(tmp_path)
    monkeypatch.setattr(os, function, _fail_on_call(call, error, getattr(os, function)))
    result = run_in_process(["render", "--design", str(MARKERS), "--out", str(out)], capsys)
    assert result.code == 2
    assert result.stderr == (
        f"pipekit: error: {out}: cannot write ({message}); existing files were left as they were\n"
    )
    assert snapshot(tmp_path) == before  # same files, same bytes, no temporaries left behind


def _render(design: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipekit.cli", "render", "--design", str(design), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_renders_at_once_leave_complete_files(
    tmp_path: Path, renders: dict[Path, dict[str, str]]
) -> None:
    out = tmp_path / "out"
    populate(out, renders[DEFAULT])
    first, second = renders[DEFAULT], renders[MARKERS]
    assert first.keys() == second.keys() == set(NAMES)
    assert all(first[name] != second[name] for name in NAMES)
    seen: set[tuple[str, ...]] = set()
    for _ in range(4):
        processes = [_render(DEFAULT, out), _render(MARKERS, out)]
        for process in processes:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
        on_disk = {path.name: path.read_text(encoding="utf-8") for path in out.iterdir()}
        assert set(on_disk) == {*NAMES, "NOTES.md"}, "a temporary file was left behind"
        winners = []
        for name in NAMES:
            assert on_disk[name] in (first[name], second[name]), f"{name} is a mix of both designs"
            winners.append("default" if on_disk[name] == first[name] else "markers")
        seen.add(tuple(winners))
    assert seen  # which design wins each file is up to the scheduler; every file is whole either way


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can enter: pytest's tmp_path lives under a root-only (0700) folder."""
    folder = Path(tempfile.mkdtemp(prefix="pipekit-hostile-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def _as_unprivileged_user(argv: list[str]) -> list[str]:
    """As root, permissions do not stop writes: run the command as `nobody` instead."""
    if os.geteuid() != 0:
        return argv
    for tool in ("setpriv", "runuser"):
        found = shutil.which(tool)
        if found and tool == "setpriv":
            return [found, "--reuid=65534", "--regid=65534", "--clear-groups", *argv]
        if found:
            return [found, "-u", "nobody", "--", *argv]
    raise AssertionError("running as root needs setpriv or runuser (util-linux) to drop privileges")


def _runs_unprivileged(cwd: Path) -> bool:
    """Whether an unprivileged user can start this interpreter and import pipekit from `cwd`."""
    probe = subprocess.run(
        _as_unprivileged_user([sys.executable, "-c", "import pipekit.cli"]),
        cwd=cwd,
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def test_a_folder_without_write_permission_is_refused_and_kept(
    shared_dir: Path,
    renders: dict[Path, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    design = shared_dir / "pipeline.yaml"
    shutil.copyfile(MARKERS, design)
    design.chmod(0o644)
    out = shared_dir / "workflows"
    populate(out, renders[DEFAULT])
    for path in out.iterdir():
        path.chmod(0o644)
    out.chmod(0o555)  # nobody (and, as a non-root user, the owner) may not write here
    before = snapshot(shared_dir)
    argv = [sys.executable, "-m", "pipekit.cli", "render", "--design", str(design), "--out", str(out)]
    if _runs_unprivileged(shared_dir):
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        done = subprocess.run(
            _as_unprivileged_user(argv), cwd=shared_dir, capture_output=True, text=True, check=False, env=env
        )
        code, stderr = done.returncode, done.stderr
    else:
        # This interpreter or the package cannot be loaded as an unprivileged user (e.g. a shared library
        # in root's home, or a checkout in a private folder). Same command in-process, with the refusal
        # the kernel would give that user.
        if os.geteuid() == 0:
            monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != out)
        result = run_in_process(["render", "--design", str(design), "--out", str(out)], capsys)
        code, stderr = result.code, result.stderr
    assert code == 2, stderr
    assert stderr == f"pipekit: error: {out}: no permission to write here\n"
    assert snapshot(shared_dir) == before
    out.chmod(0o755)
