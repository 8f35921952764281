"""Small, real, installable repositories built at test time, for rehearsing the whole generated pipeline:
a Poetry service, a uv project with a src/ layout, and a pip (setuptools) project.

Unlike the builders in tests/repo/fixtures.py, whose lock files are fake, these lock with the pinned Poetry
and uv, so every gate of the pipeline `pipekit render` writes for them can run. Each is clean by every
gate: formatted and linted by ruff, typed for mypy, each source file under the header `pipekit init`
finds, more tests than the minimum, no secret, no Bandit finding, no dependency with a known
vulnerability or a license outside the default lists. Each supports exactly one Python version through
its classifiers, so `pipekit init` proposes a single-leg test matrix.

Dependencies stay small and pure Python: idna at run time (behind an extra for Poetry and pip), the test
and lint tools in a dev group or extra. All the code here is written for these fixtures."""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Mapping
from pathlib import Path

from ..repo.fixtures import commit_all, write

POETRY_PYTHON = "3.12"
UV_PYTHON = "3.11"
PIP_PYTHON = "3.12"

POETRY_HEADER = "# Copyright (c) 2026 Ledger Ltd\n# SPDX-License-Identifier: Apache-2.0\n"
PIP_HEADER = "# Copyright (c) 2026 The quickcalc authors. Licensed under the MIT license.\n"

# idna 3.7 fixed CVE-2024-3651 (PYSEC-2024-60, GHSA-jjg7-2v4v-x38h); the fixtures need a release after it.
IDNA = "idna>=3.7"


@dataclasses.dataclass(frozen=True)
class Lockers:
    """The pinned tools that write real lock files: the ``poetry`` and ``uv`` commands, the interpreters
    the projects lock for, and the environment to run them in (uv's cache, the one rehearsals use)."""

    poetry: Path
    uv: Path
    pythons: Mapping[str, Path]  # "3.12" -> that interpreter of this machine
    env: Mapping[str, str]


def run(root: Path, command: list[str], env: Mapping[str, str]) -> str:
    done = subprocess.run(command, cwd=root, env=dict(env), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed in {root}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _classifiers(version: str) -> str:
    """One supported version, so `pipekit init` proposes a single-leg matrix (on one line, for dedent)."""
    return f'["Programming Language :: Python :: 3", "Programming Language :: Python :: {version}"]'


# Tests every fixture has in some form: three plain ones, so min_tests 1 (init's default) is met and
# raising it above the count is a real shortfall.
def _tests(module: str, header: str = "") -> str:
    return (
        header
        + f"from {module} import balance, is_balanced\n"
        + "\n\n"
        + "def test_balance_sums_entries() -> None:\n"
        + "    assert balance([3, -1, 2]) == 4\n"
        + "\n\n"
        + "def test_empty_balance_is_zero() -> None:\n"
        + "    assert balance([]) == 0\n"
        + "\n\n"
        + "def test_entries_that_cancel_are_balanced() -> None:\n"
        + "    assert is_balanced([5, -5])\n"
        + "    assert not is_balanced([5])\n"
    )


def _core(header: str) -> str:
    return (
        header
        + '"""Sums of ledger entries."""\n'
        + "\n"
        + "from collections.abc import Iterable\n"
        + "\n\n"
        + "def balance(entries: Iterable[int]) -> int:\n"
        + '    """The sum of `entries` (credits positive, debits negative)."""\n'
        + "    return sum(entries)\n"
        + "\n\n"
        + "def is_balanced(entries: Iterable[int]) -> bool:\n"
        + '    """Whether `entries` cancel out."""\n'
        + "    return balance(entries) == 0\n"
    )


def _hosts(header: str) -> str:
    """A module that uses idna when the extra is installed: imported by name, so mypy and the default
    install do without it."""
    return (
        header
        + '"""Host names in ASCII, with the idna extra."""\n'
        + "\n"
        + "import importlib\n"
        + "\n\n"
        + "def to_ascii(host: str) -> str:\n"
        + '    """`host` as IDNA ASCII; needs idna (the extra)."""\n'
        + '    idna = importlib.import_module("idna")\n'
        + '    return str(idna.encode(host).decode("ascii"))\n'
    )


BENCHMARK_TEST = (
    "from ledger.core import balance\n"
    "\n\n"
    "def test_balance_speed(benchmark) -> None:\n"
    "    assert benchmark(balance, range(1000)) == 499500\n"
)


def poetry_service(root: Path, lockers: Lockers) -> Path:
    """A Poetry service (``[tool.poetry]``): the ``ledger`` package under a two-line header, an extra
    backed by an optional dependency (idna), an optional dependency group, a dev group with the test and
    lint tools, a benchmark test, and infra/docker/Dockerfile that the Makefile builds; poetry.lock made
    by the pinned Poetry; committed on main."""
    files = {
        "pyproject.toml": f"""\
            [tool.poetry]
            name = "ledger"
            version = "1.0.0"
            description = "A ledger service"
            authors = ["Ledger Ltd <dev@example.com>"]
            license = "Apache-2.0"
            packages = [{{ include = "ledger" }}]
            classifiers = {_classifiers(POETRY_PYTHON)}

            [tool.poetry.dependencies]
            python = ">={POETRY_PYTHON},<4"
            idna = {{ version = ">=3.7", optional = true }}

            [tool.poetry.extras]
            idn = ["idna"]

            [tool.poetry.group.dev.dependencies]
            pytest = ">=8"
            pytest-cov = ">=5"
            pytest-benchmark = ">=4"
            ruff = ">=0.6"
            mypy = ">=1.10"

            [tool.poetry.group.release]
            optional = true

            [tool.poetry.group.release.dependencies]
            tomli-w = ">=1"

            [[tool.poetry.source]]
            name = "pypi-simple"
            url = "https://pypi.org/simple/"
            priority = "primary"

            [build-system]
            requires = ["poetry-core>=2"]
            build-backend = "poetry.core.masonry.api"
            """,
        "ledger/__init__.py": POETRY_HEADER + '"""The ledger service."""\n',
        "ledger/core.py": _core(POETRY_HEADER),
        "ledger/hosts.py": _hosts(POETRY_HEADER),
        "tests/__init__.py": "",
        "tests/test_core.py": _tests("ledger.core"),
        "tests/perf/__init__.py": "",
        "tests/perf/test_speed.py": BENCHMARK_TEST,
        "infra/docker/Dockerfile": (
            f"FROM python:{POETRY_PYTHON}-slim\nWORKDIR /app\nCOPY . /app\nRUN pip install .\n"
        ),
        "Makefile": """\
            .PHONY: image
            image:
            \tdocker build -f infra/docker/Dockerfile -t ledger:latest .
            """,
        ".gitignore": ".venv/\n__pycache__/\n",
    }
    write(root, files)
    lock_poetry(root, lockers)
    return commit_all(root)


def lock_poetry(root: Path, lockers: Lockers) -> None:
    run(root, [str(lockers.poetry), "lock", "--no-interaction"], lockers.env)


def uv_project(root: Path, lockers: Lockers) -> Path:
    """A uv project with a src/ layout: ``tidy``, idna at run time, an optional dependency (extra), a PEP
    735 dev group with the test and lint tools; uv.lock made by the pinned uv; committed on main."""
    files = {
        "pyproject.toml": f"""\
            [project]
            name = "tidy"
            version = "0.3.0"
            description = "Tidy host names"
            requires-python = ">={UV_PYTHON}"
            classifiers = {_classifiers(UV_PYTHON)}
            dependencies = ["{IDNA}"]

            [project.optional-dependencies]
            toml = ["tomli-w>=1"]

            [dependency-groups]
            dev = ["pytest>=8", "pytest-cov>=5", "ruff>=0.6", "mypy>=1.10"]

            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"
            """,
        "src/tidy/__init__.py": '"""Tidy host names."""\n',
        "src/tidy/core.py": _core(""),
        "src/tidy/hosts.py": (
            '"""Host names in ASCII."""\n'
            "\n"
            "import idna\n"
            "\n\n"
            "def to_ascii(host: str) -> str:\n"
            '    """`host` as IDNA ASCII."""\n'
            '    return idna.encode(host).decode("ascii")\n'
        ),
        "tests/test_core.py": _tests("tidy.core"),
        "tests/test_hosts.py": (
            "from tidy.hosts import to_ascii\n"
            "\n\n"
            "def test_unicode_host_in_ascii() -> None:\n"
            '    assert to_ascii("b\\u00fccher.example") == "xn--bcher-kva.example"\n'
        ),
        ".gitignore": ".venv/\n__pycache__/\n",
    }
    write(root, files)
    lock_uv(root, lockers)
    return commit_all(root)


def lock_uv(root: Path, lockers: Lockers) -> None:
    run(root, [str(lockers.uv), "lock", "--python", str(lockers.pythons[UV_PYTHON])], lockers.env)


def pip_project(root: Path) -> Path:
    """A setuptools project installed with pip, no lock: ``quickcalc`` under a one-line header, a test
    extra and a lint extra, a root Dockerfile; committed on main."""
    files = {
        "pyproject.toml": f"""\
            [project]
            name = "quickcalc"
            version = "2.1.0"
            description = "Quick sums"
            requires-python = ">={PIP_PYTHON}"
            classifiers = {_classifiers(PIP_PYTHON)}
            dependencies = []

            [project.optional-dependencies]
            test = ["pytest>=8", "pytest-cov>=5"]
            lint = ["ruff>=0.6", "mypy>=1.10"]

            [build-system]
            requires = ["setuptools>=68"]
            build-backend = "setuptools.build_meta"

            [tool.setuptools]
            packages = ["quickcalc"]
            """,
        "quickcalc/__init__.py": PIP_HEADER + '"""Quick sums."""\n',
        "quickcalc/core.py": _core(PIP_HEADER),
        "tests/test_core.py": _tests("quickcalc.core"),
        "Dockerfile": f"FROM python:{PIP_PYTHON}-slim\nWORKDIR /app\nCOPY . /app\nRUN pip install .\n",
        ".gitignore": ".venv/\n__pycache__/\n*.egg-info/\nbuild/\n",
    }
    write(root, files)
    return commit_all(root)
