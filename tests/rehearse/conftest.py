"""Fixtures of the rehearsal tests: one tool folder for the whole test run, and the pinned Poetry and uv
that lock the fixture repositories (installed into that folder the way rehearsals install them).

The folder is PIPEKIT_TEST_CACHE when set, else .cache/rehearse under the project root (git-ignored),
so a second `make test` reuses the tools and wheels the first one installed; each tool folder is marked
finished only after a whole install, so an interrupted run cannot leave a broken tool behind."""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipekit.facts import tools
from pipekit.rehearse.actions import _pythons, setup_uv
from pipekit.rehearse.shims import pipx

from ..conftest import ROOT
from .repositories import PIP_PYTHON, POETRY_PYTHON, UV_PYTHON, Lockers


@pytest.fixture(scope="session")
def tool_cache() -> Iterator[Path]:
    """The rehearsals' tool folder (PIPEKIT_CACHE_DIR for `pipekit.rehearse.session`) for this run."""
    folder = Path(os.environ.get("PIPEKIT_TEST_CACHE") or ROOT / ".cache")
    folder.mkdir(parents=True, exist_ok=True)
    before = os.environ.get("PIPEKIT_CACHE_DIR")
    os.environ["PIPEKIT_CACHE_DIR"] = str(folder)
    yield folder / "rehearse"
    if before is None:
        del os.environ["PIPEKIT_CACHE_DIR"]
    else:
        os.environ["PIPEKIT_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def lockers(tool_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Lockers:
    """The pinned Poetry and uv, and the interpreters the fixtures lock for."""
    pythons = {}
    for version in {POETRY_PYTHON, UV_PYTHON, PIP_PYTHON}:
        found = _pythons.find(_pythons.parse(version))
        assert found is not None, f"the rehearsal fixtures need Python {version} on this machine"
        pythons[version] = found.executable
    bin_dir = tmp_path_factory.mktemp("locker-bin")
    pipx.install(tools.requirement("poetry"), POETRY_PYTHON, tool_cache / "pipx", bin_dir)
    uv_bin = setup_uv.install(tool_cache, tools.version("uv"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "POETRY_ACTIVE"}
    }
    env.update(
        {
            "UV_CACHE_DIR": str(tool_cache / "uv-cache"),
            "POETRY_VIRTUALENVS_PATH": str(tmp_path_factory.mktemp("poetry-virtualenvs")),
            "POETRY_CACHE_DIR": str(tool_cache / "poetry-cache"),
            "UV_PYTHON_DOWNLOADS": "never",
        }
    )
    poetry = bin_dir / "poetry"
    assert shutil.which(str(poetry)), "the pinned Poetry did not install"
    return Lockers(poetry=poetry, uv=uv_bin / "uv", pythons=pythons, env=env)


# The lookup pip-audit's default vulnerability service makes (pip_audit/_service/pypi.py): the JSON of
# one release, whose `vulnerabilities` list the advisories. A registry mirror that serves only the
# package index answers 404 here, and pip-audit then skips every dependency.
ADVISORY_LOOKUP = "https://pypi.org/pypi/idna/3.6/json"


@pytest.fixture(scope="session")
def advisories_reachable() -> bool:
    """Whether this machine reaches PyPI's advisory data (printed, so a run's log says which case ran)."""
    try:
        with urllib.request.urlopen(ADVISORY_LOOKUP, timeout=30) as response:
            reachable = response.status == 200
    except (urllib.error.URLError, TimeoutError):
        reachable = False
    print(f"PyPI advisory data {'reachable' if reachable else 'NOT reachable'} at {ADVISORY_LOOKUP}")
    return reachable
