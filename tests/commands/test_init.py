"""`pipekit init` on repositories built at test time: every value it writes is the right one, each carries
a comment naming its source, the file passes the design's rules, and the pipeline it renders into the
repository passes `pipekit check --repo`. It never overwrites a design without --force."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from pipekit import yamlio

from ..conftest import DESIGN
from ..repo.fixtures import modelmuxer_layout, pip_project, poetry_service, uv_project, write

RUN_OPTIONS = "--benchmark-only --benchmark-json=benchmark.json"


def pipekit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipekit.cli", *args], capture_output=True, text=True, check=False
    )


def init(root: Path, *flags: str) -> tuple[dict[str, Any], dict[tuple[str, ...], str], str]:
    """Run init on `root`; the design's data, each key's comment, and what init printed."""
    done = pipekit("init", "--repo", str(root), *flags)
    assert done.returncode == 0, done.stderr
    text = (root / "pipeline.yaml").read_text(encoding="utf-8")
    return yamlio.loads(text), comments(text), done.stdout


def comments(text: str) -> dict[tuple[str, ...], str]:
    """Each key's comment by key path: the one ending its line, or the comment line just above it."""
    found: dict[tuple[str, ...], str] = {}
    path: list[tuple[int, str]] = []
    above = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or (not line.startswith(" ") and stripped.startswith("#")):
            above = None
            continue
        if stripped.startswith("#"):
            above = stripped.removeprefix("# ")
            continue
        indent = len(line) - len(line.lstrip())
        if ":" not in stripped or stripped.startswith(("-", "#")) or indent % 2:
            continue
        key = stripped.split(":", 1)[0]
        path = [(level, name) for level, name in path if level < indent] + [(indent, key)]
        _, _, comment = stripped.partition(" # ")
        if comment or above:
            found[tuple(name for _, name in path)] = comment or above or ""
        above = None
    return found


def leaf_paths(data: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The key paths a comment belongs to: every value, and a mode as one value."""
    if isinstance(data, dict) and not (len(path) == 3 and path[:2] == ("test", "modes")):
        return [leaf for key, value in data.items() for leaf in leaf_paths(value, (*path, key))]
    return [path]


def assert_every_value_has_its_source(data: dict[str, Any], notes: dict[tuple[str, ...], str]) -> None:
    missing = [path for path in leaf_paths(data) if path != ("version",) and path not in notes]
    assert not missing, f"values without a comment: {missing}"


def render_and_check(root: Path, design: Path | None = None) -> subprocess.CompletedProcess[str]:
    where = ["--design", str(design)] if design else []
    rendered = pipekit("render", "--repo", str(root), *where)
    assert rendered.returncode == 0, rendered.stderr
    return pipekit("check", "--repo", str(root), *where)


def test_a_poetry_service(tmp_path: Path) -> None:
    root = poetry_service(tmp_path / "ledger")
    data, notes, printed = init(root)
    assert data == {
        "version": 1,
        "project": {
            "name": "ledger",
            "owner_type": "organization",
            "default_branch": "trunk",
            "package_manager": "poetry",
            "source_dirs": ["ledger"],
            "tests_dir": "tests",
            "python": "3.13",
        },
        "test": {
            "matrix": {"python-version": ["3.12", "3.13"], "mode": ["default"]},
            "modes": {
                "default": {"env": {}, "extras": [], "groups": []},
                "all": {"env": {}, "extras": [], "groups": ["docs", "ml"]},
            },
            "coverage": {"enabled": True},
            "benchmark": {"enabled": True, "command": f"pytest tests/perf/test_speed.py {RUN_OPTIONS}"},
            "lint": {"ruff_check": True, "ruff_format": True, "mypy": True},
        },
        "build": {"enabled": True, "context": ".", "dockerfile": "infra/docker/Dockerfile"},
        "license": {
            "header": "# Copyright (c) 2026 Ledger Ltd\n# SPDX-License-Identifier: Apache-2.0\n",
            "header_globs": ["ledger/**/*.py"],
        },
        "deploy": {"enabled": False},
        "billing": {"plan": "free", "visibility": "private", "prices_on": "2026-11-27"},
    }
    assert_every_value_has_its_source(data, notes)
    assert notes[("project", "package_manager")] == "from poetry.lock"
    assert notes[("project", "default_branch")] == "from git: the branch checked out"
    assert notes[("project", "source_dirs")] == "from pyproject.toml [tool.poetry] packages"
    assert notes[("test", "matrix", "python-version")] == "from pyproject.toml [tool.poetry] classifiers"
    assert notes[("test", "coverage", "enabled")] == "from pyproject.toml [tool.poetry.group.dev]: pytest-cov"
    assert notes[("build", "dockerfile")] == "from Makefile (docker build)"
    assert notes[("license", "header")] == "from the first 2 comment line(s) of 3 of 3 source files"
    assert notes[("billing", "plan")] == "assumed: pipekit's default; set it with --plan"
    assert "  other Dockerfiles, not built" not in printed
    assert "  - other Dockerfiles, not built: infra/docker/Dockerfile.dev" in printed
    done = render_and_check(root)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_uv_project_with_a_src_layout(tmp_path: Path) -> None:
    root = uv_project(tmp_path / "tidy")
    data, notes, _ = init(root, "--plan", "team", "--visibility", "public", "--owner-type", "user")
    assert data == {
        "version": 1,
        "project": {
            "name": "tidy",
            "owner_type": "user",
            "default_branch": "main",
            "package_manager": "uv",
            "source_dirs": ["src"],
            "tests_dir": "tests",
            "python": "3.14",
        },
        "test": {
            # requires-python >=3.12 on 2026-11-27, when CPython supports 3.11 to 3.14
            "matrix": {"python-version": ["3.12", "3.13", "3.14"], "mode": ["default"]},
            "modes": {
                "default": {"env": {}, "extras": [], "groups": []},  # uv installs the dev group by default
                "all": {"env": {}, "extras": ["cli"], "groups": ["lint"]},
            },
            "coverage": {"enabled": True},
            "benchmark": {"enabled": False},
            "lint": {"ruff_check": True, "ruff_format": True, "mypy": True},
        },
        "build": {"enabled": False},
        "license": {"header": None},
        "deploy": {"enabled": False},
        "billing": {"plan": "team", "visibility": "public", "prices_on": "2026-11-27"},
    }
    assert_every_value_has_its_source(data, notes)
    assert notes[("project", "package_manager")] == "from uv.lock"
    assert notes[("project", "source_dirs")] == "from the src/ layout"
    assert notes[("test", "lint", "ruff_check")] == "from pyproject.toml [dependency-groups]: ruff"
    assert notes[("build", "enabled")] == "no Dockerfile in the repository"
    assert notes[("billing", "plan")] == "assumed: given with --plan"
    assert notes[("project", "owner_type")] == "assumed: given with --owner-type"
    done = render_and_check(root)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_pip_project_with_a_root_dockerfile(tmp_path: Path) -> None:
    root = pip_project(tmp_path / "quickcalc")
    data, notes, _ = init(root)
    assert data == {
        "version": 1,
        "project": {
            "name": "quickcalc",
            "owner_type": "organization",
            "default_branch": "main",
            "package_manager": "pip",
            "requirements": ["requirements-dev.txt"],
            "source_dirs": ["quickcalc"],
            "tests_dir": "tests",
            "python": "3.13",
        },
        "test": {
            "matrix": {"python-version": ["3.11", "3.12", "3.13"], "mode": ["default"]},
            "modes": {"default": {"env": {}, "extras": ["test"], "groups": []}},
            "coverage": {"enabled": True},
            "benchmark": {"enabled": False},
            "lint": {"ruff_check": True, "ruff_format": True, "mypy": False},
        },
        "build": {"enabled": True, "context": ".", "dockerfile": "Dockerfile"},
        "license": {
            "header": "# Copyright (c) 2026 The quickcalc authors. Licensed under the MIT license.\n",
            "header_globs": ["quickcalc/**/*.py"],
        },
        "deploy": {"enabled": False},
        "billing": {"plan": "free", "visibility": "private", "prices_on": "2026-11-27"},
    }
    assert_every_value_has_its_source(data, notes)
    assert notes[("project", "package_manager")] == (
        "from pyproject.toml build-backend setuptools.build_meta (no lock file)"
    )
    assert notes[("project", "default_branch")] == "assumed: not a git repository"
    assert notes[("project", "source_dirs")] == "from the top-level packages (folders with __init__.py)"
    assert notes[("test", "modes", "default")] == "the default install, with extra test (pytest)"
    assert notes[("test", "lint", "ruff_check")] == "from requirements-dev.txt: ruff"
    assert notes[("test", "lint", "mypy")] == "mypy is not among the project's dependencies"
    assert notes[("build", "dockerfile")] == "from docker-compose.yml build"
    done = render_and_check(root)
    assert done.returncode == 0, done.stdout + done.stderr


def test_modelmuxers_layout(tmp_path: Path) -> None:
    """init reads what DESIGN.md says of ModelMuxer, and the root design passes `check --repo` there."""
    root = modelmuxer_layout(tmp_path / "modelmuxer")
    data, notes, _ = init(root)
    assert data["project"]["package_manager"] == "poetry"
    assert data["project"]["source_dirs"] == ["app"]
    assert data["test"]["matrix"]["python-version"] == ["3.11", "3.12"]
    assert data["test"]["modes"]["all"]["groups"] == ["jupyter", "ml", "monitoring"]
    assert data["test"]["modes"]["all"]["extras"] == []  # ModelMuxer has no extras: init invents none
    assert (
        data["test"]["benchmark"]["command"]
        == f"pytest tests/performance/test_simple_performance.py {RUN_OPTIONS}"
    )
    assert data["test"]["lint"]["ruff_format"] is False
    assert (
        notes[("test", "lint", "ruff_format")]
        == "from pyproject.toml [tool.black]: black formats this project, not ruff"
    )
    assert data["build"]["dockerfile"] == "infra/docker/Dockerfile.production"
    assert data["license"]["header"] == (
        "# ModelMuxer (c) 2025 Ajay Rajput\n"
        "# Licensed under Business Source License 1.1 \u2013 see LICENSE for details.\n"
    )
    (root / "pipeline.yaml").unlink()
    done = render_and_check(root, DESIGN)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.endswith("repository found nothing\n")


def test_an_existing_design_needs_force(tmp_path: Path) -> None:
    root = uv_project(tmp_path / "tidy", git=False)
    design = root / "pipeline.yaml"
    design.write_text("# ours\n", encoding="utf-8")
    done = pipekit("init", "--repo", str(root))
    assert done.returncode == 2
    assert done.stderr == f"pipekit: error: {design}: a design is already there; pass --force to replace it\n"
    assert design.read_text(encoding="utf-8") == "# ours\n"
    assert pipekit("init", "--repo", str(root), "--force").returncode == 0
    assert yamlio.load_file(design)["project"]["name"] == "tidy"


def test_init_git_ignores_the_history_database_once(tmp_path: Path) -> None:
    root = uv_project(tmp_path / "tidy", git=False)
    (root / ".gitignore").write_text(".venv/\n__pycache__/", encoding="utf-8")  # no final line break
    done = pipekit("init", "--repo", str(root))
    assert done.returncode == 0, done.stderr
    assert f"added .pipekit/ to {root / '.gitignore'}" in done.stdout
    expected = ".venv/\n__pycache__/\n\n# pipekit's local data (the run-history database)\n.pipekit/\n"
    assert (root / ".gitignore").read_text(encoding="utf-8") == expected
    again = pipekit("init", "--repo", str(root), "--force")
    assert again.returncode == 0 and ".gitignore" not in again.stdout
    assert (root / ".gitignore").read_text(encoding="utf-8") == expected


def test_another_design_file(tmp_path: Path) -> None:
    root = uv_project(tmp_path / "tidy", git=False)
    target = tmp_path / "designs" / "tidy.yaml"
    missing_folder = pipekit("init", "--repo", str(root), "--design", str(target))
    assert missing_folder.returncode == 2 and "does not exist; create it first" in missing_folder.stderr
    target.parent.mkdir()
    done = pipekit("init", "--repo", str(root), "--design", str(target))
    assert done.returncode == 0, done.stderr
    assert target.is_file() and not (root / "pipeline.yaml").exists()


def test_not_a_folder(tmp_path: Path) -> None:
    done = pipekit("init", "--repo", str(tmp_path / "nowhere"))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1 and "--repo must be the repository's folder" in done.stderr


def test_a_broken_pyproject_is_one_line(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": "[project\n"})
    done = pipekit("init", "--repo", str(root))
    assert done.returncode == 2
    assert done.stderr.startswith(f"pipekit: error: {root / 'pyproject.toml'}: not valid TOML")
    assert not (root / "pipeline.yaml").exists()


def test_the_summary_and_the_existing_workflows(tmp_path: Path) -> None:
    root = modelmuxer_layout(tmp_path / "modelmuxer")
    write(
        root,
        {
            ".github/workflows/ci.yaml": """\
                on: [push, pull_request]
                jobs:
                  test:
                    strategy:
                      matrix:
                        python: ["3.11", "3.12"]
                    runs-on: ubuntu-latest
                    steps: [{run: pytest}]
                """,
            ".github/workflows/test.yaml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n",
        },
    )
    _, _, printed = init(root)
    lines = printed.splitlines()
    assert lines[0] == f"wrote {root / 'pipeline.yaml'}: the design of modelmuxer, read from {root}"
    assert any(
        line.startswith("  package manager   poetry") and line.endswith("from poetry.lock") for line in lines
    )
    assert (
        "  - .github/workflows/test.yaml exist and pipekit did not write them: `pipekit render --repo` "
        "leaves them alone unless --force"
    ) in lines
    assert (
        lines.index(
            "existing workflows in .github/workflows (each job run counted at 5 minutes, on the free plan, "
            "private):"
        )
        > 0
    )
    ci = next(line for line in lines if line.startswith("  .github/workflows/ci.yaml"))
    assert "1 job" in ci and "2 job runs" in ci and "$0.06/run" in ci and ci.endswith("on push, pull_request")
    pull = " ".join(next(line for line in lines if line.startswith("  a pull request push")).split())
    assert "existing 2 job runs, 10 billable min, $0.06 | new" in pull
    assert lines[-1].startswith("next: `pipekit plan --design ")


def test_a_name_the_design_cannot_take_gives_way_to_the_folders(tmp_path: Path) -> None:
    root = write(tmp_path / "calc", {"pyproject.toml": '[project]\nname = "-bad name"\n'})
    data, notes, _ = init(root)
    assert data["project"]["name"] == "calc"
    assert notes[("project", "name")] == "from the repository's folder name"


def test_the_flags_offer_what_the_design_accepts() -> None:
    from typing import get_args, get_type_hints

    from pipekit.commands import init as command
    from pipekit.design.model import Billing, Project

    offered = (command.PLANS, command.VISIBILITIES, command.OWNER_TYPES)
    accepted = tuple(
        get_args(get_type_hints(section)[name])
        for section, name in ((Billing, "plan"), (Billing, "visibility"), (Project, "owner_type"))
    )
    assert offered == accepted
    defaults = {
        "plan": Billing().plan,
        "visibility": Billing().visibility,
        "owner_type": Project().owner_type,
    }
    assert defaults == command.DEFAULTS
