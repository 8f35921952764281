"""A Jupyter server extension: notebooks that use pipekit are saved commit-ready from JupyterLab.

Interactive use would otherwise write widget views (random model ids whose state is not saved, so a
reopened notebook shows "Error displaying widget: model not found"), widget state, timings and the local
kernelspec into the committed ``.ipynb``. The pre-save hook cleans a pipekit notebook exactly as
`pipekit notebooks --in-place` does (`headless.clean_notebook`): reopened, it shows the panels' text
view. Other notebooks are saved untouched.

pipekit's package installs ``etc/jupyter/jupyter_server_config.d/pipekit.json``, which enables this
extension in the environment's Jupyter server.
"""

from __future__ import annotations

from typing import Any

from pipekit.notebook.headless import clean_notebook

MARKER = "from pipekit import"  # a notebook whose code imports from pipekit is one of ours


def is_pipekit_notebook(notebook: Any) -> bool:
    if not isinstance(notebook, dict):
        return False
    for cell in notebook.get("cells", []):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            if MARKER in text:
                return True
    return False


def clean_on_save(model: dict[str, Any], **_: Any) -> None:
    """The pre-save hook: clean a pipekit notebook's content in place (the model is what gets saved)."""
    if model.get("type") == "notebook" and is_pipekit_notebook(model.get("content")):
        clean_notebook(model["content"])


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "pipekit.notebook.jupyter"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    server_app.contents_manager.register_pre_save_hook(clean_on_save)
    server_app.log.info("pipekit: notebooks that use pipekit are saved without widget state")
