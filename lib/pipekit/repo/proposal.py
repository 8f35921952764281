"""The design `pipekit init` proposes for a repository: every value read from its files with where it was
read, what no file says taken from the command line and marked as assumed, and remarks for the summary."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipekit.files import repo_paths
from pipekit.repo.benchmarks import benchmark_command
from pipekit.repo.dependencies import Dependencies, read_dependencies
from pipekit.repo.docker import find_image
from pipekit.repo.found import Found, derived
from pipekit.repo.git import default_branch
from pipekit.repo.header import find_header, header_globs
from pipekit.repo.layout import find_tests_dir, source_dirs
from pipekit.repo.manager import package_manager, requirements_files
from pipekit.repo.modes import DEFAULT_MODE, plan_modes, requirements_packages
from pipekit.repo.pyproject import Pyproject, read_pyproject
from pipekit.repo.python import python_versions
from pipekit.repo.tree import Tree
from pipekit.repo.workflows import GENERATED_MARK, ExistingWorkflow, existing_workflows

KeyPath = tuple[str, ...]
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
MAX_LISTED = 5  # files named in a remark before "and N more"


@dataclass(frozen=True)
class Assumptions:
    """What no file says: from the command line, or pipekit's defaults (then `given` is False)."""

    plan: Found[str]
    visibility: Found[str]
    owner_type: Found[str]
    day: dt.date  # the design's date: billing.prices_on, which also picks the Python versions


@dataclass
class Proposal:
    """Values by key path in the order the file lists them, each with its source."""

    values: dict[KeyPath, Found[Any]] = field(default_factory=dict)
    remarks: list[str] = field(default_factory=list)
    existing: list[ExistingWorkflow] = field(default_factory=list)

    def put(self, path: str, found: Found[Any]) -> None:
        self.values[tuple(path.split("."))] = found

    def data(self) -> dict[str, Any]:
        """The design data (plain, as YAML reads it)."""
        data: dict[str, Any] = {"version": 1}
        for path, found in self.values.items():
            node = data
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = found.value
        return data

    def value(self, path: str) -> Any:
        found = self.values.get(tuple(path.split(".")))
        return None if found is None else found.value


def _listed(names: list[str] | tuple[str, ...]) -> str:
    shown = ", ".join(names[:MAX_LISTED])
    return f"{shown} and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else shown


def project_name(root: Path, pyproject: Pyproject) -> Found[str]:
    for table, source in ((pyproject.project, "[project] name"), (pyproject.poetry, "[tool.poetry] name")):
        name = table.get("name")
        if isinstance(name, str) and _NAME.fullmatch(name):
            return Found(name, f"pyproject.toml {source}")
    folder = re.sub(r"[^A-Za-z0-9_.-]+", "-", root.resolve().name).strip("-._") or "project"
    return Found(folder, "the repository's folder name")


def _black(pyproject: Pyproject, deps: Dependencies) -> Found[bool] | None:
    """ruff format off, with why, when black formats the project (its config or its dependency)."""
    if pyproject.table("tool", "black"):
        return Found(False, "pyproject.toml [tool.black]: black formats this project, not ruff")
    everywhere = set(deps.main).union(*(g.packages for g in deps.groups.values()), *deps.extras.values())
    if "black" in everywhere:
        return derived(False, "black is among the dependencies: it formats this project, not ruff")
    return None


def _test_section(proposal: Proposal, tree: Tree, pyproject: Pyproject, deps: Dependencies) -> None:
    bench = benchmark_command(tree)
    requirements = tuple(proposal.value("project.requirements") or ())
    tools = ["pytest", "pytest-cov", "ruff", "mypy", *(["pytest-benchmark"] if bench else [])]
    setup = plan_modes(deps, requirements_packages(tree, requirements), tools)
    proposal.put("test.matrix.mode", derived([DEFAULT_MODE], "the default mode below"))
    for name, mode in setup.modes.items():
        proposal.put(f"test.modes.{name}", mode)
    if not setup.has("pytest"):
        proposal.remarks.append("pytest is not among the dependencies: the test job fails until it is added")
    proposal.put("test.coverage.enabled", setup.tools["pytest-cov"].available)
    if bench is None:
        proposal.put(
            "test.benchmark.enabled", derived(False, "no test takes pytest-benchmark's benchmark fixture")
        )
    elif not setup.has("pytest-benchmark"):
        proposal.put("test.benchmark.enabled", setup.tools["pytest-benchmark"].available)
        proposal.remarks.append(f"benchmarks found ({bench.source}) but pytest-benchmark is not a dependency")
    else:
        proposal.put("test.benchmark.enabled", Found(True, bench.source))
        proposal.put(
            "test.benchmark.command", derived(bench.value, "runs the test files that take the fixture")
        )
    ruff = setup.tools["ruff"].available
    proposal.put("test.lint.ruff_check", ruff)
    black = _black(pyproject, deps)
    proposal.put("test.lint.ruff_format", black if ruff.value and black else ruff)
    proposal.put("test.lint.mypy", setup.tools["mypy"].available)


def _build_section(proposal: Proposal, tree: Tree) -> None:
    image = find_image(tree)
    if image is None:
        proposal.put("build.enabled", derived(False, "no Dockerfile in the repository"))
        return
    proposal.put("build.enabled", Found(True, image.dockerfile.source))
    proposal.put("build.context", image.context)
    proposal.put("build.dockerfile", image.dockerfile)
    others = [name for name in image.candidates if name != image.dockerfile.value]
    if others:
        proposal.remarks.append(f"other Dockerfiles, not built: {_listed(others)}")


def _license_section(proposal: Proposal, tree: Tree, sources: tuple[str, ...]) -> None:
    header = find_header(tree, sources)
    if header is None:
        proposal.put("license.header", derived(None, "no license header that 80% of the source files share"))
        return
    proposal.put("license.header", header.text)
    proposal.put(
        "license.header_globs",
        derived(list(header_globs(sources)), "every Python file in project.source_dirs"),
    )
    if header.missing:
        proposal.remarks.append(
            f"{len(header.missing)} source file(s) lack the license header, so the header check fails on "
            f"them: {_listed(header.missing)}"
        )


def _not_generated(tree: Tree) -> Iterator[str]:
    """Files where `pipekit render --repo` writes that pipekit did not generate."""
    for path in repo_paths(tree.root).values():
        name = path.relative_to(tree.root).as_posix()
        text = tree.text(name)
        if text is not None and not text.startswith(GENERATED_MARK):
            yield name


def propose(root: Path, assumptions: Assumptions) -> Proposal:
    """Read the repository at `root` into a proposed design."""
    tree = Tree(root)
    pyproject = read_pyproject(tree)
    proposal = Proposal()
    proposal.put("project.name", project_name(root, pyproject))
    proposal.put("project.owner_type", assumptions.owner_type)
    proposal.put("project.default_branch", default_branch(root))
    manager = package_manager(tree, pyproject)
    proposal.put("project.package_manager", manager)
    if manager.value == "pip":
        requirements = requirements_files(tree)
        if requirements.value:
            proposal.put("project.requirements", requirements.with_value(list(requirements.value)))
    sources = source_dirs(tree, pyproject)
    proposal.put("project.source_dirs", sources.with_value(list(sources.value)))
    proposal.put("project.tests_dir", find_tests_dir(tree, pyproject))
    versions = python_versions(pyproject, assumptions.day)
    proposal.remarks += versions.remarks
    newest = versions.versions.value[-1]
    proposal.put("project.python", derived(newest, "the newest of test.matrix.python-version"))
    proposal.put("test.matrix.python-version", versions.versions.with_value(list(versions.versions.value)))
    deps = read_dependencies(pyproject, manager.value)
    _test_section(proposal, tree, pyproject, deps)
    _build_section(proposal, tree)
    _license_section(proposal, tree, sources.value)
    proposal.put(
        "deploy.enabled",
        derived(False, "deploys run the team's own commands: set deploy.commands to turn them on"),
    )
    proposal.put("billing.plan", assumptions.plan)
    proposal.put("billing.visibility", assumptions.visibility)
    proposal.put(
        "billing.prices_on",
        derived(
            assumptions.day.isoformat(), "the newest prices pipekit knows; also picks the Python versions"
        ),
    )
    kept = sorted(_not_generated(tree))
    if kept:
        proposal.remarks.append(
            f"{_listed(kept)} exist and pipekit did not write them: `pipekit render --repo` leaves them "
            "alone unless --force"
        )
    proposal.existing = existing_workflows(tree)
    return proposal
