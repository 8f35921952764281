"""The pipx of a rehearsal: `pipx install` of a pinned tool into the tool folder, its commands on PATH."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from pipekit.facts import tools as tool_pins
from pipekit.rehearse.model import Places
from pipekit.rehearse.shims import install_shims
from pipekit.rehearse.shims import pipx as shim


def _pipx(places: Places, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": os.pathsep.join([str(places.bin), os.environ["PATH"]])}
    return subprocess.run(["pipx", *args], env=env, capture_output=True, text=True, cwd=places.workspace)


@pytest.fixture
def shimmed(places: Places) -> Places:
    install_shims(places)
    return places


def test_install_shims_writes_an_executable_pipx(shimmed: Places) -> None:
    pipx = shimmed.bin / "pipx"
    assert os.access(pipx, os.X_OK)
    done = _pipx(shimmed, "--version")
    assert (done.returncode, done.stdout.strip()) == (0, shim.VERSION)


@pytest.mark.parametrize(
    "args",
    [("list",), ("run", "black"), ("install",), ("install", "a", "b"), ("install", "--force", "x"), ()],
)
def test_anything_else_exits_2_with_one_line(shimmed: Places, args: tuple[str, ...]) -> None:
    done = _pipx(shimmed, *args)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("pipx: ")


def test_a_url_spec_is_refused(shimmed: Places) -> None:
    done = _pipx(shimmed, "install", "git+https://example.com/x.git")
    assert (done.returncode, done.stderr.strip()) == (
        2,
        "pipx: install git+https://example.com/x.git: only a requirement such as name==1.2.3 is supported",
    )


def test_the_pinned_poetry_installs_and_runs(shimmed: Places) -> None:
    """What the generated workflows run before actions/setup-python with `cache: poetry`."""
    requirement = tool_pins.requirement("poetry")
    done = _pipx(shimmed, "install", requirement)
    assert done.returncode == 0, done.stderr
    assert f"installed package poetry {tool_pins.version('poetry')}" in done.stdout
    assert "    - poetry" in done.stdout
    assert (shimmed.bin / "poetry").is_symlink()
    version = subprocess.run(
        ["poetry", "--version"],
        env={**os.environ, "PATH": os.pathsep.join([str(shimmed.bin), os.environ["PATH"]])},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert tool_pins.version("poetry") in version
    venvs = [path.name for path in (shimmed.tools / "pipx").iterdir() if path.is_dir()]
    assert any(name.startswith(f"poetry-{tool_pins.version('poetry')}-py") for name in venvs)


def test_a_second_install_reuses_the_environment(shimmed: Places) -> None:
    requirement = tool_pins.requirement("poetry")
    assert _pipx(shimmed, "install", requirement).returncode == 0
    (shimmed.bin / "poetry").unlink()  # a new rehearsal's bin folder
    started = time.monotonic()
    done = _pipx(shimmed, "install", requirement)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 5
    assert (shimmed.bin / "poetry").is_symlink()


@pytest.mark.parametrize(
    ("spec", "folder"),
    [("poetry==2.5.1", "poetry-2.5.1-py3.12"), ("Black[d] >= 24", "black-d-24-py3.12")],
)
def test_one_folder_per_spec_and_python(spec: str, folder: str) -> None:
    assert shim.folder_name(spec, "3.12.1") == folder


def test_names_are_normalized() -> None:
    assert shim.normalized_name("Zope.Interface_X") == "zope-interface-x"
