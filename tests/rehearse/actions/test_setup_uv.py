"""astral-sh/setup-uv: the pinned uv from the package index, installed once into the tool folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from pipekit.facts import tools as tool_pins
from pipekit.rehearse.actions import stand_in
from pipekit.rehearse.model import Places
from tests.rehearse.actions.conftest import Call, step_env

PINNED = tool_pins.version("uv")
RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


def test_the_pinned_uv_is_installed_and_runs(make_call: Call, places: Places) -> None:
    result = stand_in(make_call("astral-sh/setup-uv", {"version": PINNED, "enable-cache": "true"}))
    assert result.outcome == "success", result.reason
    bin_dir = places.tools / f"uv-{PINNED}" / "bin"
    assert result.outputs == {
        "uv-version": PINNED,
        "uv-path": str(bin_dir / "uv"),
        "uvx-path": str(bin_dir / "uvx"),
        "cache-hit": "false",
        "python-version": "unknown",
    }
    assert sorted(path.name for path in bin_dir.iterdir()) == ["uv", "uvx"]  # no python, no pip on PATH
    assert result.env["UV_CACHE_DIR"] == str(places.tools / "uv-cache")
    assert result.env["UV_TOOL_BIN_DIR"].startswith(str(places.temp))
    assert "UV_PYTHON" not in result.env
    printed = subprocess.run(
        ["uv", "--version"], env=step_env(result.path, result.env), capture_output=True, text=True, check=True
    ).stdout
    assert printed.startswith(f"uv {PINNED} ")


def test_a_second_rehearsal_reuses_the_install(make_call: Call) -> None:
    stand_in(make_call("astral-sh/setup-uv", {"version": PINNED}))
    started = time.monotonic()
    result = stand_in(make_call("astral-sh/setup-uv", {"version": PINNED}))
    assert result.outcome == "success"
    assert f"Reused uv {PINNED}" in result.log
    assert time.monotonic() - started < 2


def test_no_exact_version_installs_the_pin(make_call: Call) -> None:
    result = stand_in(make_call("astral-sh/setup-uv", {"version": "latest"}))
    assert (result.outcome, result.outputs["uv-version"]) == ("success", PINNED)
    assert f"a rehearsal installs the pinned uv {PINNED}" in result.log


def test_python_version_sets_uv_python_and_uv_finds_it_on_path_alone(make_call: Call, places: Places) -> None:
    result = stand_in(make_call("astral-sh/setup-uv", {"version": PINNED, "python-version": RUNNING}))
    assert result.outcome == "success", result.reason
    assert result.outputs["python-version"] == RUNNING
    assert result.env["UV_PYTHON"] == RUNNING
    # only what the action put on PATH: uv must find the interpreter there, and may not download one
    env = {**step_env(result.path, result.env), "UV_PYTHON_DOWNLOADS": "never", "UV_NO_CONFIG": "1"}
    env["PATH"] = os.pathsep.join(reversed(result.path))
    env.pop("VIRTUAL_ENV", None)
    made = subprocess.run(
        [result.outputs["uv-path"], "venv", "--no-project", str(places.temp / "project-venv")],
        env=env, cwd=places.workspace, capture_output=True, text=True,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    python = places.temp / "project-venv" / "bin" / "python"
    version = subprocess.run(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert version == RUNNING


def test_a_python_version_not_installed_here_is_not_rehearsed(make_call: Call) -> None:
    result = stand_in(make_call("astral-sh/setup-uv", {"version": PINNED, "python-version": "3.4"}))
    assert (result.outcome, result.reason) == ("not_rehearsed", "Python 3.4 is not installed here")


def test_activate_environment_makes_and_activates_a_venv(make_call: Call, places: Places) -> None:
    inputs = {"version": PINNED, "python-version": RUNNING, "activate-environment": "true"}
    result = stand_in(make_call("astral-sh/setup-uv", inputs, {"UV_PYTHON_DOWNLOADS": "never"}))
    assert result.outcome == "success", result.reason
    venv = places.workspace / ".venv"
    assert result.outputs["venv"] == result.env["VIRTUAL_ENV"] == str(venv)
    assert result.path[-1] == str(venv / "bin")  # added last: first on PATH
    assert Path(venv / "bin" / "python").exists()
    assert os.path.isdir(venv / "lib")
