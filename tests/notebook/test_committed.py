"""The committed notebooks: thin, executed with the default design, free of run-specific noise."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from pipekit.notebook import headless as notebooks

ROOT = Path(__file__).resolve().parents[2]
PATHS = sorted((ROOT / "notebooks").glob("*.ipynb"))
DESIGN_NOTEBOOKS = [
    path for path in PATHS if path.name != notebooks.MONITORING
]  # tests/notebook/test_monitoring.py


def test_every_notebook_is_there() -> None:
    assert sorted(path.name for path in PATHS) == sorted(
        [*(f"{name}.ipynb" for name in notebooks.NOTEBOOKS), notebooks.MONITORING]
    )


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.name)
def test_committed_notebooks_are_clean(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebooks.notebook_problems(notebook) == []
    assert path.read_text(encoding="utf-8").endswith("}\n")


@pytest.mark.parametrize("path", DESIGN_NOTEBOOKS, ids=lambda path: path.name)
def test_notebooks_stay_thin(path: Path) -> None:
    """Logic lives in the library: short cells, no functions or classes, one import."""
    notebook = nbformat.read(path, as_version=4)
    parameters = next(cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", []))
    # the parameters cell holds one assignment per line and nothing else; other cells stay short
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code" and cell is not parameters]
    assert all(isinstance(node, ast.Assign) for node in ast.parse(parameters.source).body)
    assigned = {node.targets[0].id for node in ast.parse(parameters.source).body}
    rehearsal = {"rehearse_repo", "rehearse_event"} if path.name == "overview.ipynb" else set()
    assert assigned == {"design", "out", "write", "overrides", *rehearsal}
    for source in code:
        assert len(source.splitlines()) <= 5
        for node in ast.walk(ast.parse(source)):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Lambda)
            if isinstance(node, ast.Import | ast.ImportFrom):
                assert ast.unparse(node) == "from pipekit import widgets"


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.name)
def test_outputs_hold_nothing_machine_specific(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    texts: list[str] = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            texts += [value for key, value in output.get("data", {}).items() if key.startswith("text/")]
    joined = "\n".join(texts)
    assert not re.search(r"0x[0-9a-f]{8,}", joined), "a memory address in an output"
    assert str(ROOT) not in joined and "/tmp/" not in joined


def test_clean_notebook_strips_papermill_and_kernel_noise() -> None:
    dirty: dict[str, Any] = {
        "metadata": {
            "papermill": {"start_time": "2026-01-01T00:00:00", "parameters": {}},
            "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
            "kernelspec": {"name": "venv-kernel", "display_name": "venv", "language": "python"},
            "language_info": {"name": "python", "version": "3.11.7"},
        },
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "outputs": [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {"text/plain": "summary", notebooks.WIDGET_VIEW: {"model_id": "4f2a"}},
                    }
                ],
                "source": "x = 1",
                "metadata": {
                    "tags": ["parameters"],
                    "papermill": {"duration": 0.1, "status": "completed"},
                    "execution": {"iopub.execute_input": "2026-01-01T00:00:00"},
                },
            }
        ],
    }
    assert len(notebooks.notebook_problems(dirty)) == 7
    clean = notebooks.clean_notebook(dirty)
    assert notebooks.notebook_problems(clean) == []
    assert clean["metadata"]["language_info"]["version"] == "3.11"
    assert clean["cells"][0]["metadata"] == {"tags": ["parameters"]}
    assert clean["cells"][0]["outputs"][0]["data"] == {"text/plain": "summary"}
