"""Fixtures for the stand-in tests: a rehearsal's folders on real temporary folders.

`places.tools` is one folder for the whole test session, as it is one folder kept between rehearsals:
uv, Poetry and the interpreters' pip seeds are installed once, by whichever test needs them first.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from pipekit.rehearse.model import ActionCall, Places

Call = Callable[..., ActionCall]


@pytest.fixture(scope="session")
def tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tools")


@pytest.fixture
def places(tmp_path: Path, tools: Path) -> Places:
    made = Places(
        workspace=tmp_path / "repo",
        temp=tmp_path / "temp",
        artifacts=tmp_path / "artifacts",
        tools=tools,
        bin=tmp_path / "bin",
    )
    for folder in (made.workspace, made.temp, made.artifacts, made.bin):
        folder.mkdir()
    return made


@pytest.fixture
def make_call(places: Places) -> Call:
    """``make_call(action, input=value, ...)``; inputs with dashes go in a dict as `inputs`."""

    def make(action: str, inputs: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None,
             **more: str) -> ActionCall:  # fmt: skip
        step_env = {"PATH": os.environ["PATH"], "HOME": str(places.temp / "home"), **(env or {})}
        return ActionCall(
            action=action, inputs={**(inputs or {}), **more}, env=step_env, places=places, step_name="step"
        )

    return make


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
             "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"},
    )  # fmt: skip
    return done.stdout.strip()


def write(root: Path, files: Mapping[str, str]) -> None:
    """Write `files` (relative path -> text) under `root`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def step_env(result_path: tuple[str, ...], env: Mapping[str, str]) -> dict[str, str]:
    """The environment a later step sees: the action's env, and its PATH entries added one after the
    other at the front (the last added comes first), as the runner applies them."""
    return {
        **os.environ,
        **env,
        "PATH": os.pathsep.join([*reversed(result_path), os.environ["PATH"]]),
    }
