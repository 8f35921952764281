"""Helpers the hostile tests share: running the CLI, and snapshots of folders to prove nothing changed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipekit import cli

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


def run_in_process(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Result:
    """`pipekit.cli.main` in this process; an exception escaping it would be a traceback for users."""
    capsys.readouterr()
    try:
        code = cli.main(argv)
    except SystemExit as stop:  # argparse exits on usage errors
        code = stop.code if isinstance(stop.code, int) else 2
    except Exception as error:
        pytest.fail(
            f"pipekit {' '.join(argv)} raised {type(error).__name__}: {error} (a traceback for users)"
        )
    out, err = capsys.readouterr()
    return Result(code, out, err)


def run_subprocess(argv: list[str], cwd: Path) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "pipekit.cli", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def snapshot(*roots: Path) -> dict[str, str]:
    """Every file, link and folder under `roots` (links not followed), with a hash of each file."""
    state: dict[str, str] = {}
    for root in roots:
        if root.is_symlink() or root.is_file():
            state[str(root)] = _entry(root)
            continue
        if not root.is_dir():
            continue
        for folder, dirs, files in os.walk(root):
            for name in sorted(dirs + files):
                path = Path(folder) / name
                state[str(path)] = _entry(path)
    return state


def _entry(path: Path) -> str:
    if path.is_symlink():
        return f"link -> {os.readlink(path)}"
    if path.is_dir():
        return "folder"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def populate(out: Path, files: dict[str, str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    (out / "NOTES.md").write_text("the user's own file, which pipekit never touches\n", encoding="utf-8")
