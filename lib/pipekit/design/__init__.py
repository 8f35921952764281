"""The design: the model of `pipeline.yaml`, the rules every design must follow, loading and saving.

`load_design` and `design_from_data` are the only ways in: they convert the data and run every rule.
The names below are loaded on first use, so `from pipekit.design import DEFAULT_DESIGN_FILE` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

DEFAULT_DESIGN_FILE = "pipeline.yaml"

if TYPE_CHECKING:
    from pipekit.design.load import design_from_data, load_design
    from pipekit.design.model import TRIGGERS, Design, Trigger

_LAZY = {
    "design_from_data": "pipekit.design.load",
    "load_design": "pipekit.design.load",
    "TRIGGERS": "pipekit.design.model",
    "Design": "pipekit.design.model",
    "Trigger": "pipekit.design.model",
}

__all__ = ["DEFAULT_DESIGN_FILE", "TRIGGERS", "Design", "Trigger", "design_from_data", "load_design"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pipekit.design' has no attribute {name!r}")
