"""The registry of generated files is the one list: renderers, notebooks, the writer and `check` read it."""

from __future__ import annotations

import importlib

from pipekit import files
from pipekit.notebook.pages import PAGES
from pipekit.render import render_all

from .conftest import NOTEBOOKS
from .designs import reference


def test_every_file_has_a_renderer_and_a_notebook() -> None:
    rendered = render_all(reference())
    assert tuple(rendered) == files.NAMES  # the reference design turns nothing off
    for file in files.FILES:
        module = importlib.import_module(f"pipekit.render.{file.renderer}")
        assert module.render is file.render_function()
        assert (NOTEBOOKS / f"{file.notebook}.ipynb").is_file()
    design_notebooks = [path.stem for path in NOTEBOOKS.glob("*.ipynb") if path.stem != "monitoring"]
    assert sorted(design_notebooks) == sorted(files.NOTEBOOKS)
    assert set(PAGES) == set(files.NOTEBOOKS)


def test_notebooks_own_their_files() -> None:
    assert files.notebook_files("overview") == files.NAMES
    assert files.notebook_files("security") == ("security.yaml", ".gitleaks.toml")
    owned = [
        name
        for notebook in files.NOTEBOOKS
        if notebook != "overview"
        for name in files.notebook_files(notebook)
    ]
    assert sorted(owned) == sorted(files.NAMES)  # every file belongs to exactly one workflow notebook


def test_workflow_names_follow_their_stems() -> None:
    for workflow in files.WORKFLOWS:
        assert files.workflow_file(workflow).name == f"{workflow}.yaml"
    assert files.by_renderer("gitleaks").name == ".gitleaks.toml"
