"""The wheel carries the design notebooks (kept once, in notebooks/), and an installed pipekit finds them.

The wheel is built without build isolation (the environment's setuptools, nothing downloaded) from a copy
of the files the build reads, so the checkout gets no build/ or egg-info."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipekit.files import NOTEBOOKS

ROOT = Path(__file__).resolve().parents[1]
BUILD_INPUTS = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "lib",
    "notebooks",
    "jupyter-config",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        path = ROOT / name
        if path.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints")
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copyfile(path, source / name)
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
    done = subprocess.run(
        [*command, "--quiet", "--wheel-dir", str(out), str(source)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (built,) = out.glob("pipekit-*.whl")
    return built


def test_the_wheel_holds_every_notebook_as_committed(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        held = {name for name in archive.namelist() if name.startswith("pipekit/notebooks/")}
        assert held == {f"pipekit/notebooks/{name}.ipynb" for name in NOTEBOOKS}
        for name in NOTEBOOKS:
            packaged = archive.read(f"pipekit/notebooks/{name}.ipynb")
            assert packaged == (ROOT / "notebooks" / f"{name}.ipynb").read_bytes()


def test_an_installed_wheel_finds_its_own_notebooks(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
    done = subprocess.run(
        [*install, "--target", str(target), str(wheel)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    probe = (
        "import json, pipekit; from pipekit.notebook import packaged; "
        "print(json.dumps([pipekit.__file__, str(packaged.notebooks_folder()), "
        "list(packaged.shipped_notebooks())]))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}  # the installed copy, not this checkout's lib/
    found = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    module, folder, names = json.loads(found.stdout)
    assert Path(module).is_relative_to(target)
    assert Path(folder) == target / "pipekit" / "notebooks"
    assert names == [f"{name}.ipynb" for name in NOTEBOOKS]
