"""The Jupyter server extension: a pipekit notebook saved from JupyterLab is saved commit-ready (no
widget views or widget state, so a reopened notebook shows the text view and `make test` still
passes); any other notebook is saved as it is."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

from jupyter_server.extension.manager import ExtensionPackage
from jupyter_server.services.contents.filemanager import FileContentsManager

from pipekit.notebook import headless, jupyter

from ..conftest import NOTEBOOKS, ROOT

VIEW = {"version_major": 2, "version_minor": 0, "model_id": "4f1c0ffee"}


def interactively_saved(name: str) -> dict[str, Any]:
    """A committed notebook as JupyterLab saves it after a run: widget views, widget state, timings."""
    notebook: dict[str, Any] = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    notebook["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    notebook["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)"}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["metadata"]["execution"] = {"iopub.status.busy": "2026-11-29T14:00:00Z"}
            for output in cell.get("outputs", []):
                if "text/plain" in output.get("data", {}):
                    output["data"][headless.WIDGET_VIEW] = dict(VIEW)
    return notebook


def test_a_pipekit_notebook_is_saved_commit_ready(tmp_path: Path) -> None:
    notebook = interactively_saved("test-matrix.ipynb")
    assert headless.notebook_problems(notebook)  # what autosave would commit
    manager = FileContentsManager(root_dir=str(tmp_path))
    manager.register_pre_save_hook(jupyter.clean_on_save)
    manager.save({"type": "notebook", "format": "json", "content": notebook}, "test-matrix.ipynb")
    saved = json.loads((tmp_path / "test-matrix.ipynb").read_text(encoding="utf-8"))
    assert headless.notebook_problems(saved) == []
    assert not any(
        headless.WIDGET_VIEW in output.get("data", {})
        for c in saved["cells"]
        for output in c.get("outputs", [])
    )
    committed = json.loads((NOTEBOOKS / "test-matrix.ipynb").read_text(encoding="utf-8"))
    assert [cell.get("outputs") for cell in saved["cells"]] == [
        cell.get("outputs") for cell in committed["cells"]
    ]


def test_other_notebooks_are_saved_as_they_are() -> None:
    output = {"output_type": "display_data", "data": {headless.WIDGET_VIEW: VIEW, "text/plain": "x"}}
    cell = {"cell_type": "code", "source": "import ipywidgets", "metadata": {}, "outputs": [output]}
    notebook = {"cells": [cell], "metadata": {"widgets": {"state": {}}}}
    model = {"type": "notebook", "content": copy.deepcopy(notebook)}
    jupyter.clean_on_save(model)
    assert model["content"] == notebook
    jupyter.clean_on_save({"type": "file", "content": "from pipekit import widgets"})  # not a notebook


def test_the_extension_registers_the_hook_and_the_package_enables_it() -> None:
    registered = []

    class App:
        class contents_manager:
            register_pre_save_hook = staticmethod(registered.append)

        class log:
            info = staticmethod(lambda _message: None)

    jupyter._load_jupyter_server_extension(App)
    assert registered == [jupyter.clean_on_save]
    package = ExtensionPackage(name="pipekit.notebook.jupyter", enabled=True)
    assert package.validate()
    config = json.loads((ROOT / "jupyter-config" / "pipekit.json").read_text(encoding="utf-8"))
    assert config == {"ServerApp": {"jpserver_extensions": {"pipekit.notebook.jupyter": True}}}
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data_files = pyproject["tool"]["setuptools"]["data-files"]
    assert data_files == {"etc/jupyter/jupyter_server_config.d": ["jupyter-config/pipekit.json"]}
