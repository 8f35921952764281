"""ipywidgets panels for the design notebooks: ``display(widgets.test_matrix_panel("../pipeline.yaml"))``.

Each builder takes the design file, the folder of generated files (`out`, for the diff and the "Write
workflows" button) and optional `overrides` (dotted key paths to values, e.g. ``{"billing.plan": "pro"}``).
The parts live in `pipekit.notebook`.
"""

from __future__ import annotations

from pipekit.notebook.panel import Panel
from pipekit.notebook.panels import (
    PANELS,
    build_panel,
    deploy_panel,
    license_panel,
    overview_panel,
    security_panel,
    test_matrix_panel,
)

__all__ = [
    "PANELS",
    "Panel",
    "build_panel",
    "deploy_panel",
    "license_panel",
    "overview_panel",
    "security_panel",
    "test_matrix_panel",
]
