"""actions/setup-python: this machine's interpreter of the asked version, in a fresh environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipekit.rehearse.actions import _pythons, stand_in
from pipekit.rehearse.model import Places
from tests.rehearse.actions.conftest import Call, step_env, write

RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"
RUNNING_FULL = ".".join(str(part) for part in sys.version_info[:3])


def test_the_running_interpreters_version_is_found_and_given_a_fresh_environment(
    make_call: Call, places: Places
) -> None:
    result = stand_in(make_call("actions/setup-python", {"python-version": RUNNING}))
    assert result.outcome == "success", result.reason
    venv = places.temp / "setup-python" / f"cpython-{RUNNING_FULL}"
    assert result.outputs == {
        "python-version": RUNNING_FULL,
        "python-path": str(venv / "bin" / "python"),
        "cache-hit": "false",
    }
    assert result.path == (str(venv / "bin"),)
    assert result.env == {
        "pythonLocation": str(venv),
        "PKG_CONFIG_PATH": str(venv / "lib" / "pkgconfig"),
        "Python_ROOT_DIR": str(venv),
        "Python2_ROOT_DIR": str(venv),
        "Python3_ROOT_DIR": str(venv),
    }
    env = step_env(result.path, result.env)
    prefix = subprocess.run(
        ["python", "-c", "import sys; print(sys.prefix); print(sys.base_prefix)"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert prefix[0] == str(venv)
    assert prefix[1] != str(venv)
    pip = subprocess.run(["pip", "--version"], env=env, capture_output=True, text=True, check=True).stdout
    assert f"from {venv}/lib/" in pip  # the environment's own pip, not the machine's


def test_a_second_call_in_the_job_reuses_its_environment(make_call: Call, places: Places) -> None:
    first = stand_in(make_call("actions/setup-python", {"python-version": RUNNING}))
    marker = Path(first.outputs["python-path"]).parent.parent / "lib" / "installed-by-an-earlier-step"
    marker.write_text("x")
    second = stand_in(make_call("actions/setup-python", {"python-version": f"{RUNNING}.x"}))
    assert second.outcome == "success"
    assert second.outputs == first.outputs
    assert marker.is_file()
    assert "this job's environment" in second.log


@pytest.mark.parametrize("version", ["3.4", "3.4.x", "2.7.1"])
def test_a_version_not_installed_here_is_not_rehearsed(make_call: Call, version: str) -> None:
    result = stand_in(make_call("actions/setup-python", {"python-version": version}))
    assert result.outcome == "not_rehearsed"
    assert result.reason == f"Python {version.removesuffix('.x')} is not installed here"


@pytest.mark.parametrize(
    ("version", "words"),
    [
        (">=3.9", "is a range"),
        ("pypy3.10", "only CPython"),
        ("3.13t", "free-threaded"),
        ("3.14-dev", "pre-release"),
    ],
)
def test_specs_a_rehearsal_cannot_resolve_are_not_rehearsed(
    make_call: Call, version: str, words: str
) -> None:
    result = stand_in(make_call("actions/setup-python", {"python-version": version}))
    assert result.outcome == "not_rehearsed"
    assert words in result.reason


@pytest.mark.parametrize(
    ("spec", "request_"),
    [
        ("3.12", _pythons.Request(3, 12)),
        ("3.12.x", _pythons.Request(3, 12)),
        ("3.12.*", _pythons.Request(3, 12)),
        ("~3.12.0", _pythons.Request(3, 12)),
        (" 3.12.4 ", _pythons.Request(3, 12, 4)),
    ],
)
def test_version_forms_the_action_accepts(spec: str, request_: _pythons.Request) -> None:
    assert _pythons.parse(spec) == request_


def test_python_version_file_is_read(make_call: Call, places: Places) -> None:
    write(places.workspace, {".tool-versions": f"nodejs 22.1.0\npython {RUNNING_FULL}\n"})
    result = stand_in(make_call("actions/setup-python", {"python-version-file": ".tool-versions"}))
    assert (result.outcome, result.outputs["python-version"]) == ("success", RUNNING_FULL)
    missing = stand_in(make_call("actions/setup-python", {"python-version-file": "nope"}))
    assert (missing.outcome, missing.reason) == (
        "failure",
        "The specified python version file at: nope doesn't exist.",
    )


def test_no_version_leaves_path_as_it_is(make_call: Call) -> None:
    result = stand_in(make_call("actions/setup-python"))
    assert (result.outcome, result.path, dict(result.env)) == ("success", (), {})
    assert "The `python-version` input is not set" in result.log


def test_update_environment_false_only_sets_outputs(make_call: Call) -> None:
    result = stand_in(
        make_call("actions/setup-python", {"python-version": RUNNING, "update-environment": "false"})
    )
    assert (result.outcome, result.path, dict(result.env)) == ("success", (), {})
    assert result.outputs["python-version"] == RUNNING_FULL


def test_a_boolean_input_must_be_a_yaml_boolean(make_call: Call) -> None:
    result = stand_in(make_call("actions/setup-python", {"python-version": RUNNING, "check-latest": "yes"}))
    assert result.outcome == "failure"
    assert result.reason.startswith('Input does not meet YAML 1.2 "Core Schema" specification: check-latest')


def test_cache_pip_needs_a_dependency_file(make_call: Call, places: Places) -> None:
    inputs = {"python-version": RUNNING, "cache": "pip", "cache-dependency-path": "requirements/test.txt"}
    result = stand_in(make_call("actions/setup-python", inputs))
    assert result.outcome == "failure"
    assert result.reason == (
        f"No file in {places.workspace} matched to [requirements/test.txt or **/pyproject.toml], "
        "make sure you have checked out the target repository"
    )
    write(places.workspace, {"pyproject.toml": "[project]\nname = 'x'\n"})  # pip-cache.ts falls back to it
    found = stand_in(make_call("actions/setup-python", inputs))
    assert found.outcome == "success"
    assert "nothing was restored" in found.log


def test_cache_poetry_needs_a_lock_file_and_poetry_on_path(make_call: Call, places: Places) -> None:
    inputs = {"python-version": RUNNING, "cache": "poetry"}
    no_lock = stand_in(make_call("actions/setup-python", inputs))
    assert (no_lock.outcome, no_lock.reason.split(" matched")[1]) == (
        "failure",
        " to [**/poetry.lock], make sure you have checked out the target repository",
    )
    write(places.workspace, {"poetry.lock": "# lock\n"})
    no_poetry = stand_in(make_call("actions/setup-python", inputs, {"PATH": "/nonexistent"}))
    assert no_poetry.outcome == "failure"
    assert no_poetry.reason.startswith("Unable to locate executable file: poetry.")
    poetry = places.bin / "poetry"
    poetry.write_text("#!/bin/sh\n")
    poetry.chmod(0o755)
    with_poetry = stand_in(make_call("actions/setup-python", inputs, {"PATH": str(places.bin)}))
    assert with_poetry.outcome == "success"


def test_an_unknown_cache_fails(make_call: Call) -> None:
    result = stand_in(make_call("actions/setup-python", {"python-version": RUNNING, "cache": "conda"}))
    assert (result.outcome, result.reason) == ("failure", "Caching for 'conda' is not supported")


def test_an_invalid_pip_version_fails_as_the_action_does(make_call: Call) -> None:
    result = stand_in(make_call("actions/setup-python", {"python-version": RUNNING, "pip-version": "latest"}))
    assert result.outcome == "failure"
    assert result.reason.startswith('Invalid pip-version "latest".')
