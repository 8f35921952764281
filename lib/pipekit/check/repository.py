"""The design held against the repository it is for: what the generated workflows will look for there.

- every file and folder the design names exists: source and tests folders, requirements files, the
  Dockerfile and build context, the paths the benchmark command hands to pytest (``repo-path``);
- every extra and dependency group a test mode installs is declared in pyproject.toml (``repo-extra``,
  ``repo-group``): Poetry stops with "Extra [x] is not specified." (python-poetry/poetry,
  src/poetry/installation/installer.py) or "Group(s) not found" (src/poetry/console/commands/
  group_command.py), uv with "Extra `x` is not defined in the project's `optional-dependencies` table";
- the license header globs match at least one file and each file they match begins with the header
  (``repo-header``), as the generated header check requires;
- every Python version the design runs satisfies the project's requires-python (``repo-python``);
- the lock file fits the package manager (``repo-lock``): ``uv sync --locked`` exits 2 without uv.lock
  (astral-sh/uv, crates/uv/tests/it/sync.rs), setup-python's ``cache: poetry`` fails when no poetry.lock
  matches (actions/setup-python, src/cache-distributions/cache-distributor.ts), and pip ignores either.

One finding per problem: the repository file it concerns (a missing one included) and the design key.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path

from pipekit.check.finding import Finding
from pipekit.design.model import Design
from pipekit.facts.python_versions import minor_of
from pipekit.render.scripts.license_headers import LEADING_LINES
from pipekit.repo.benchmarks import command_paths
from pipekit.repo.constraints import ConstraintError
from pipekit.repo.dependencies import read_dependencies
from pipekit.repo.globs import matching_files
from pipekit.repo.header import lacks_header
from pipekit.repo.manager import LOCK_FILES, lock_file_of
from pipekit.repo.pyproject import FILE as PYPROJECT
from pipekit.repo.pyproject import read_pyproject
from pipekit.repo.python import python_constraint
from pipekit.repo.tree import Tree

AUTHORITY = "the repository the design is for: its files, pyproject.toml and lock file"
PATH_RULE = "repo-path"
EXTRA_RULE = "repo-extra"
GROUP_RULE = "repo-group"
HEADER_RULE = "repo-header"
PYTHON_RULE = "repo-python"
LOCK_RULE = "repo-lock"
RULES = (PATH_RULE, EXTRA_RULE, GROUP_RULE, HEADER_RULE, PYTHON_RULE, LOCK_RULE)
_GLOB_CHARACTERS = frozenset("*?[")


def _finding(tree: Tree, relative: str, rule: str, message: str) -> Finding:
    return Finding(file=str(tree.root / relative), line=None, column=None, rule=rule, message=message)


def _exists(tree: Tree, path: str, *, folder: bool = False) -> bool:
    if _GLOB_CHARACTERS & set(path):
        return bool(glob.glob(path, root_dir=tree.root, recursive=True))
    return tree.is_dir(path) if folder else tree.exists(path)


def _paths(design: Design, tree: Tree) -> Iterator[Finding]:
    project = design.project
    named: list[tuple[str, str, str]] = [
        (f"project.source_dirs[{i}]", path, "the source folder mypy, coverage and bandit read")
        for i, path in enumerate(project.source_dirs)
    ]
    named.append(("project.tests_dir", project.tests_dir, "the tests folder"))
    if project.package_manager == "pip":
        named += [
            (f"project.requirements[{i}]", path, "a requirements file the install step reads")
            for i, path in enumerate(project.requirements)
        ]
    if design.build.enabled:
        named.append(("build.dockerfile", design.build.dockerfile, "the Dockerfile build.yaml builds"))
        named.append(("build.context", design.build.context, "the build context"))
    if design.test.benchmark.enabled:
        named += [
            ("test.benchmark.command", path, "a path the benchmark command hands to pytest")
            for path in command_paths(design.test.benchmark.command)
        ]
    for key, path, what in named:
        folder = key in ("project.tests_dir", "build.context")
        if not _exists(tree, path, folder=folder):
            kind = "folder" if folder else "file or folder"
            yield _finding(tree, path, PATH_RULE, f"{key}: {what} is not in the repository (no such {kind})")


def _dependencies(design: Design, tree: Tree) -> Iterator[Finding]:
    pyproject = read_pyproject(tree)
    deps = read_dependencies(pyproject, design.project.package_manager)
    where = {"poetry": "[tool.poetry.group.<name>] or [dependency-groups]", "uv": "[dependency-groups]"}.get(
        design.project.package_manager, "[dependency-groups] (pip installs them with --group)"
    )
    for name, mode in design.test.modes.items():
        if deps.extras_known:
            for index, extra in enumerate(mode.extras):
                if deps.extra(extra) is None:
                    declared = ", ".join(sorted(deps.extras)) or "none"
                    yield _finding(
                        tree,
                        PYPROJECT,
                        EXTRA_RULE,
                        f"test.modes.{name}.extras[{index}]: {extra!r} is not an extra of the project "
                        f"(declared: {declared}); installing it fails",
                    )
        for index, group in enumerate(mode.groups):
            if deps.group(group) is None:
                declared = ", ".join(sorted(deps.groups)) or "none"
                yield _finding(
                    tree,
                    PYPROJECT,
                    GROUP_RULE,
                    f"test.modes.{name}.groups[{index}]: {group!r} is not a dependency group in {where} "
                    f"(declared: {declared}); installing it fails",
                )


def _header(design: Design, tree: Tree) -> Iterator[Finding]:
    header = design.license.header
    if not design.license.enabled or header is None:
        return
    matched = sorted(
        {name for pattern in design.license.header_globs for name in matching_files(tree, pattern)}
    )
    if not matched:
        yield _finding(
            tree,
            ".",
            HEADER_RULE,
            f"license.header_globs: no file matches {', '.join(design.license.header_globs)}; "
            "the header check would check nothing",
        )
    lines = len(header.splitlines())
    for name in matched:
        if lacks_header(tree, name, header):
            yield _finding(
                tree,
                name,
                HEADER_RULE,
                f"license.header: this file does not begin with the header (looked at its first "
                f"{lines + LEADING_LINES} lines)",
            )


def _python(design: Design, tree: Tree) -> Iterator[Finding]:
    try:
        constraint = python_constraint(read_pyproject(tree))
    except ConstraintError as error:
        yield _finding(tree, PYPROJECT, PYTHON_RULE, f"cannot read the project's Python constraint: {error}")
        return
    if constraint is None:
        return
    versions = [
        (f"test.matrix.python-version[{i}]", v) for i, v in enumerate(design.test.matrix.python_version)
    ]
    versions += [
        (f"test.matrix.include[{i}].python-version", str(entry["python-version"]))
        for i, entry in enumerate(design.test.matrix.include)
        if "python-version" in entry
    ]
    versions.append(("project.python", design.project.python))
    for key, version in versions:
        minor = minor_of(version)
        if minor is not None and not constraint.constraint.allows_minor(minor):
            yield _finding(
                tree,
                PYPROJECT,
                PYTHON_RULE,
                f"{key}: Python {version} does not satisfy {constraint.source} "
                f"{constraint.constraint.text!r}; installing the project there fails",
            )


def _lock(design: Design, tree: Tree) -> Iterator[Finding]:
    manager = design.project.package_manager
    wanted = lock_file_of(manager)
    present = [name for name in LOCK_FILES.values() if tree.is_file(name)]
    if wanted is not None and wanted not in present:
        others = f" (it has {', '.join(present)})" if present else ""
        fix = {"poetry": "run `poetry lock` and commit poetry.lock", "uv": "run `uv lock` and commit uv.lock"}
        yield _finding(
            tree,
            wanted,
            LOCK_RULE,
            f"project.package_manager: {manager} needs {wanted}, which the repository lacks{others}; "
            f"{fix[manager]}, or set the package manager the project uses",
        )
    if manager == "pip":
        for name in present:
            tool = next(tool for tool, lock in LOCK_FILES.items() if lock == name)
            yield _finding(
                tree,
                name,
                LOCK_RULE,
                f"project.package_manager: pip ignores {name}; set package_manager: {tool} to install what "
                "it locks",
            )
        if not tree.is_file(PYPROJECT) and not tree.is_file("setup.py"):
            yield _finding(
                tree,
                PYPROJECT,
                LOCK_RULE,
                "project.package_manager: pip installs the project with `pip install -e .`, which needs "
                "pyproject.toml or setup.py; add one",
            )


def check(design: Design, root: Path) -> list[Finding]:
    """Every problem between `design` and the repository at `root`, in file order."""
    tree = Tree(root)
    findings = [
        *_paths(design, tree),
        *_dependencies(design, tree),
        *_header(design, tree),
        *_python(design, tree),
        *_lock(design, tree),
    ]
    return sorted(findings, key=lambda f: (f.file, f.rule, f.message))
