"""Renderers: one module per generated file (see `pipekit.files`); `render_all` returns every file's text.

Each module has ``render(design, design_file) -> str | None`` (None: the design turns the file off),
built from job builders that follow one contract, ``builder(design, spec) -> job`` (`render.blocks`).
Scripts that run inside the workflows are real files under `render/scripts`.
"""

from __future__ import annotations

from pipekit import files
from pipekit.design.model import Design


def render_files(
    design: Design, names: tuple[str, ...] = files.NAMES, design_file: str = "pipeline.yaml"
) -> dict[str, str | None]:
    """The text of each file in `names` (None for a file the design turns off), in registry order."""
    return {
        file.name: file.render_function()(design, design_file) for file in files.FILES if file.name in names
    }


def render_all(design: Design, design_file: str = "pipeline.yaml") -> dict[str, str]:
    """Every file the design produces (files it turns off are absent)."""
    return {
        name: text for name, text in render_files(design, design_file=design_file).items() if text is not None
    }
