"""ipywidgets panels for the design notebooks: ``display(widgets.test_matrix_panel("../pipeline.yaml"))``.

Each builder takes the design file, the folder of generated files (`out`, for the diff and the "Write
workflows" button) and optional `overrides` (dotted key paths to values, e.g. ``{"billing.plan": "pro"}``).
The parts live in `pipekit.notebook`.
"""

from __future__ import annotations

import sys
from typing import Any

from pipekit.errors import PipekitError
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


def _show_pipekit_errors_in_one_line() -> None:
    """In a notebook, a pipekit error (a bad design file) shows its one-line message, not a traceback.

    The cell still fails, so papermill and nbval report it.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebook dependencies
        return
    shell = get_ipython()
    if shell is None:
        return

    def one_line(shell: Any, kind: type, error: BaseException, _tb: Any, tb_offset: Any = None) -> list[str]:
        lines = [f"pipekit: error: {error}"]
        # The kernel's error message (name, value, these lines) is what papermill and nbval read.
        show = getattr(shell, "_showtraceback", None)
        if show is not None:
            show(kind, error, lines)
        else:  # pragma: no cover - a plain terminal IPython
            print(lines[0], file=sys.stderr)
        return lines

    shell.set_custom_exc((PipekitError,), one_line)


_show_pipekit_errors_in_one_line()

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
