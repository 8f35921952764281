"""Shared by the renderer tests: render each design variant once and keep text, parsed YAML and file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pipekit import yamlio

Rendered = dict[str, tuple[str, dict[str, Any], Path]]


def write_variants(folder: Path, designs: Mapping[str, Any], render: Callable[[Any], str]) -> Rendered:
    """Render every design into `folder` as ``<name>.yaml``; {name: (text, parsed YAML, path)}."""
    result: Rendered = {}
    for name, data in designs.items():
        text = render(data)
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        result[name] = (text, yamlio.loads(text), path)
    return result
