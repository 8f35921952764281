"""deploy.yaml's wait for the image build.yaml pushes, with a stub `docker` standing in for the registry
and a stub `sleep` that records the waits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipekit.render import deploy

from .support import StepRun, rendered_step, run_step, stub_command

IMAGE = "ghcr.io/acme/modelmuxer:sha-0123456789abcdef"


@pytest.fixture
def wait_step() -> dict[str, Any]:
    return rendered_step("deploy.yaml", "staging", "Wait for the image")


def run_with_stubs(
    step: dict[str, Any], folder: Path, pushed_on: int, env: dict[str, str] | None = None
) -> StepRun:
    """The step against a registry that has the image from the `pushed_on`-th look on."""
    stubs = folder / "bin"
    stub_command(
        stubs,
        "docker",
        f'echo "$*" >> "{folder}/looks"\n'
        f'[ "$(wc -l < "{folder}/looks")" -ge {pushed_on} ] || {{ echo "not found" >&2; exit 1; }}\n',
    )
    stub_command(stubs, "sleep", f'echo "$1" >> "{folder}/sleeps"\n')
    return run_step(step, folder, {"IMAGE": IMAGE, **(env or {})}, path_first=[stubs])


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def test_the_step_embeds_the_script(wait_step: dict[str, Any]) -> None:
    assert wait_step["run"] == deploy.WAIT_FOR_IMAGE
    # looks for as long as the build may take: the design's 45 minutes, 20 seconds apart
    assert wait_step["env"]["WAIT_ATTEMPTS"] == 45 * 60 // 20
    assert wait_step["env"]["WAIT_INTERVAL_SECONDS"] == deploy.WAIT_INTERVAL_SECONDS == 20


def test_found_once_pushed(tmp_path: Path, wait_step: dict[str, Any]) -> None:
    run = run_with_stubs(wait_step, tmp_path, pushed_on=3)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{IMAGE} is in the registry." in run.stdout
    assert lines(tmp_path / "looks") == [f"buildx imagetools inspect {IMAGE}"] * 3
    assert lines(tmp_path / "sleeps") == ["20", "20"]


def test_missing_after_the_last_look(tmp_path: Path, wait_step: dict[str, Any]) -> None:
    run = run_with_stubs(wait_step, tmp_path, pushed_on=99, env={"WAIT_ATTEMPTS": "4"})
    assert run.returncode == 1
    assert len(lines(tmp_path / "looks")) == 4
    assert lines(tmp_path / "sleeps") == ["20"] * 3  # no wait after the last look
    assert run.annotations == [
        f"::error title=Image missing::{IMAGE} was not pushed after 4 looks; did build.yaml fail?"
    ]
