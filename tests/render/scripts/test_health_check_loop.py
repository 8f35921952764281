"""deploy.yaml's health check loop, with a stub `curl` standing in for the service (the design's default
health command is a curl) and a stub `sleep` that records the waits."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from pipekit.render import deploy

from .support import StepRun, rendered_step, run_step, stub_command


@pytest.fixture
def health_step() -> dict[str, Any]:
    return rendered_step("deploy.yaml", "staging", "Health check")


def run_with_stubs(
    step: dict[str, Any], folder: Path, healthy_on: int, env: dict[str, str] | None = None
) -> StepRun:
    """The step against a service that answers on the `healthy_on`-th request; calls and waits are logged."""
    stubs = folder / "bin"
    stub_command(
        stubs,
        "curl",
        f'echo "$*" >> "{folder}/requests"\n'
        f'[ "$(wc -l < "{folder}/requests")" -ge {healthy_on} ] || {{ echo "503" >&2; exit 22; }}\n',
    )
    stub_command(stubs, "sleep", f'echo "$1" >> "{folder}/sleeps"\n')
    return run_step(step, folder, env, path_first=[stubs])


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def test_the_step_embeds_the_loop_and_passes_the_command_through_env(health_step: dict[str, Any]) -> None:
    assert health_step["run"] == deploy.HEALTH_LOOP
    env = health_step["env"]
    assert env["HEALTH_COMMAND"] == 'curl --fail --silent --show-error "$DEPLOY_URL/health"\n'
    assert (env["HEALTH_RETRIES"], env["HEALTH_INTERVAL_SECONDS"]) == (10, 15)


def test_healthy_after_some_tries(tmp_path: Path, health_step: dict[str, Any]) -> None:
    run = run_with_stubs(health_step, tmp_path, healthy_on=3)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Healthy after 3 attempt(s)." in run.stdout
    # the design's command, with the environment's URL from env:
    assert (
        lines(tmp_path / "requests")
        == ["--fail --silent --show-error https://staging.modelmuxer.example/health"] * 3
    )
    assert lines(tmp_path / "sleeps") == ["15", "15"]  # the design's interval, between tries only
    assert run.annotations == []


def test_unhealthy_after_the_last_retry(tmp_path: Path, health_step: dict[str, Any]) -> None:
    run = run_with_stubs(health_step, tmp_path, healthy_on=99)
    assert run.returncode == 1
    assert len(lines(tmp_path / "requests")) == 10  # HEALTH_RETRIES
    assert lines(tmp_path / "sleeps") == ["15"] * 9  # no wait after the last try
    assert run.annotations == ["::error title=Health check::not healthy after 10 attempts"]


def test_an_exit_in_the_command_ends_only_that_try(tmp_path: Path, health_step: dict[str, Any]) -> None:
    command = f'echo try >> "{tmp_path}/tries"\n[ "$(wc -l < "{tmp_path}/tries")" -ge 2 ] || exit 1\n'
    run = run_with_stubs(health_step, tmp_path, healthy_on=1, env={"HEALTH_COMMAND": command})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Healthy after 2 attempt(s)." in run.stdout


def test_the_interval_is_waited_for_real(tmp_path: Path, health_step: dict[str, Any]) -> None:
    command = f'echo try >> "{tmp_path}/tries"; false'
    env = {"HEALTH_COMMAND": command, "HEALTH_RETRIES": "3", "HEALTH_INTERVAL_SECONDS": "0.2"}
    started = time.monotonic()
    run = run_step(health_step, tmp_path, env)  # the real sleep
    assert run.returncode == 1
    assert time.monotonic() - started >= 0.4  # two waits between three tries
    assert lines(tmp_path / "tries") == ["try"] * 3
