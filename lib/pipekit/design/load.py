"""Loading a design: YAML data converted into the model, then every rule of `design.rules` checked.

This is the one notion of a valid design: `plan`, `render`, `check`, the notebooks' Save and every other
command get their Design from here, so they accept and refuse exactly the same designs. Errors are one
DesignError naming the file and the key path (``pipeline.yaml: test.matrix.os[2]: ...``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipekit import yamlio
from pipekit.design import DEFAULT_DESIGN_FILE
from pipekit.design.model import Design
from pipekit.design.rules import check_rules
from pipekit.errors import DesignError
from pipekit.typed import convert

__all__ = ["DEFAULT_DESIGN_FILE", "design_from_data", "load_design"]


def design_from_data(data: Any, source: str | None = None) -> Design:
    """Validate plain data (as parsed from YAML) into a Design; `source` names it in errors."""
    try:
        if data is not None and not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else f"{type(data).__name__!s} value"
            raise DesignError(
                "", f"the design must be a mapping of sections (project, test, ...), got {kind}"
            )
        design: Design = convert(Design, data, "")
        check_rules(design)
        return design
    except DesignError as error:
        raise (error.with_source(source) if source else error) from None


def load_design(path: str | Path) -> Design:
    """Read and validate a design file."""
    path = Path(path)
    return design_from_data(yamlio.load_file(path), str(path))
