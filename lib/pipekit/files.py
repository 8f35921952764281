"""The registry of generated files: each file's name, the renderer that writes it, the workflow and jobs
it holds, and the notebook that edits it. Everything that lists generated files reads this table."""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipekit.design import Design

Renderer = Callable[["Design", str], "str | None"]

DEFAULT_RUNNER = "ubuntu-latest"  # jobs whose runner the design does not choose run here


@dataclasses.dataclass(frozen=True, kw_only=True)
class GeneratedFile:
    name: str  # the file name in the output folder
    renderer: str  # module under pipekit.render with `render(design, design_file) -> str | None`
    notebook: str  # the design notebook (notebooks/<name>.ipynb) that edits this file
    workflow: str | None = None  # the workflow's stem ("test" for test.yaml); None for other files
    jobs: tuple[str, ...] = ()  # every job id the workflow can hold, in the order it holds them

    def render_function(self) -> Renderer:
        module = importlib.import_module(f"pipekit.render.{self.renderer}")
        function: Renderer = module.render
        return function


FILES: tuple[GeneratedFile, ...] = (
    GeneratedFile(
        name="test.yaml",
        renderer="test",
        notebook="test-matrix",
        workflow="test",
        jobs=("lint", "test", "benchmark", "design", "passed", "report"),
    ),
    GeneratedFile(name="build.yaml", renderer="build", notebook="build", workflow="build", jobs=("image",)),
    GeneratedFile(
        name="security.yaml",
        renderer="security",
        notebook="security",
        workflow="security",
        jobs=("gitleaks", "trivy", "bandit", "pip-audit", "dependency-review", "sbom"),
    ),
    GeneratedFile(
        name="license-compliance.yaml",
        renderer="license",
        notebook="license",
        workflow="license-compliance",
        jobs=("headers", "dependencies", "report"),
    ),
    GeneratedFile(
        name="deploy.yaml",
        renderer="deploy",
        notebook="deploy",
        workflow="deploy",
        jobs=(
            "preview",
            "preview-rollback",
            "preview-teardown",
            "gate",
            "staging",
            "staging-rollback",
            "production",
            "production-rollback",
        ),
    ),
    GeneratedFile(name=".gitleaks.toml", renderer="gitleaks", notebook="security"),
)

NAMES: tuple[str, ...] = tuple(file.name for file in FILES)
WORKFLOWS: tuple[str, ...] = tuple(file.workflow for file in FILES if file.workflow)
OVERVIEW = "overview"  # the notebook that shows, and writes, every file
NOTEBOOKS: tuple[str, ...] = (OVERVIEW, *dict.fromkeys(file.notebook for file in FILES))


def workflow_file(workflow: str) -> GeneratedFile:
    """The entry of a workflow by its stem (``"test"``)."""
    return next(file for file in FILES if file.workflow == workflow)


def by_renderer(renderer: str) -> GeneratedFile:
    """The entry a renderer module (``"gitleaks"``) writes."""
    return next(file for file in FILES if file.renderer == renderer)


def notebook_files(notebook: str) -> tuple[str, ...]:
    """The files a notebook shows and writes; the overview has them all."""
    if notebook == OVERVIEW:
        return NAMES
    return tuple(file.name for file in FILES if file.notebook == notebook)


def job_ids() -> dict[str, tuple[str, ...]]:
    """Every workflow's possible job ids, by workflow stem."""
    return {file.workflow: file.jobs for file in FILES if file.workflow}


WORKFLOWS_FOLDER = (".github", "workflows")  # where GitHub reads a repository's workflows


def repo_paths(repo: Path) -> dict[str, Path]:
    """Where each generated file goes in a repository: workflows in .github/workflows (where GitHub reads
    them), the others at the root (gitleaks reads .gitleaks.toml there)."""
    return {
        file.name: repo.joinpath(*WORKFLOWS_FOLDER, file.name) if file.workflow else repo / file.name
        for file in FILES
    }


def repository_of(out: Path) -> Path | None:
    """The repository whose workflows folder `out` is (``DIR/.github/workflows`` gives ``DIR``), or None
    when `out` is a plain folder of generated files. GitHub reads workflows nowhere else, so a folder
    named so is a repository's: its files then go where `pipekit render --repo` puts them."""
    if out.parts[-2:] == WORKFLOWS_FOLDER:
        return out.parent.parent
    return None
