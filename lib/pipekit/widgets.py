"""ipywidgets panels for the design notebooks: ``display(widgets.test_matrix_panel("../pipeline.yaml"))``.

Each function takes the design file, the folder of generated files (`out`, for the diff and the **Apply**
button; a repository's .github/workflows puts each file where `pipekit render --repo` does) and optional
`overrides` (dotted key paths to values, e.g. ``{"billing.plan": "pro"}``).
In a notebook, a pipekit error (a bad design file) is shown as its one-line message, not a traceback; the
cell still fails, so papermill and nbval report it. The parts live in `pipekit.notebook`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipekit.errors import PipekitError
from pipekit.notebook.pages import PAGES, open_panel
from pipekit.notebook.panel import Panel

if TYPE_CHECKING:
    from pipekit.notebook.rehearsal import RehearsalBox

__all__ = [
    "PAGES",
    "Panel",
    "build_panel",
    "deploy_panel",
    "license_panel",
    "open_panel",
    "overview_panel",
    "security_panel",
    "test_matrix_panel",
]


def show_errors_in_one_line() -> None:
    """Make the running IPython show a PipekitError as its one-line message (once per kernel)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebook dependencies
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "_pipekit_errors_one_line", False):
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
    shell._pipekit_errors_one_line = True


def _panel(name: str, design: str | Path, out: str | Path, overrides: Mapping[str, Any] | None) -> Panel:
    show_errors_in_one_line()  # before the panel reads the design, whose errors should read as one line
    return open_panel(name, design, out, overrides)


def overview_panel(
    design: str | Path = "pipeline.yaml",
    out: str | Path = "workflows",
    overrides: Mapping[str, Any] | None = None,
) -> Panel:
    """The whole pipeline: billing inputs, which workflows exist, figures for every workflow together."""
    return _panel("overview", design, out, overrides)


def test_matrix_panel(
    design: str | Path = "pipeline.yaml",
    out: str | Path = "workflows",
    overrides: Mapping[str, Any] | None = None,
) -> Panel:
    """test.yaml: the matrix axes, include/exclude entries, and the jobs around the matrix."""
    return _panel("test-matrix", design, out, overrides)


def build_panel(
    design: str | Path = "pipeline.yaml",
    out: str | Path = "workflows",
    overrides: Mapping[str, Any] | None = None,
) -> Panel:
    """build.yaml: platforms per event, attestations and the Trivy image scan."""
    return _panel("build", design, out, overrides)


def security_panel(
    design: str | Path = "pipeline.yaml",
    out: str | Path = "workflows",
    overrides: Mapping[str, Any] | None = None,
) -> Panel:
    """security.yaml and .gitleaks.toml: scanners, their severities, the schedule."""
    return _panel("security", design, out, overrides)


def license_panel(
    design: str | Path = "pipeline.yaml",
    out: str | Path = "workflows",
    overrides: Mapping[str, Any] | None = None,
) -> Panel:
    """license-compliance.yaml: source headers and the dependency license allow and deny lists."""
    return _panel("license", design, out, overrides)


def deploy_panel(
    design: str | Path = "pipeline.yaml",
    out: str | Path = "workflows",
    overrides: Mapping[str, Any] | None = None,
) -> Panel:
    """deploy.yaml: environments, preview deployments and health checks."""
    return _panel("deploy", design, out, overrides)


def rehearsal_box(panel: Panel, repo: str | Path | None = None, event: str = "pull_request") -> RehearsalBox:
    """Rehearse the panel's design against a repository (`pipekit rehearse`), on demand: the Rehearse
    button, or `.run()` (the notebooks' `rehearse_repo` parameter). `repo` defaults to
    the repository whose workflows the panel writes, else the design's folder."""
    from pipekit.notebook.rehearsal import RehearsalBox

    return RehearsalBox(panel, repo, event)
