"""The rehearsal box under a panel: rehearse the design as the widgets hold it against a repository, and
show the same table `pipekit rehearse` prints.

A rehearsal takes minutes (it installs and runs the jobs), so it runs when asked: the **Rehearse** button,
or, headless, the notebook's `rehearse_repo` parameter. Until then the box says how to start one.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from pipekit.errors import PipekitError
from pipekit.notebook.panel import ERROR_STYLE, pre

if TYPE_CHECKING:
    from pipekit.notebook.panel import Panel
    from pipekit.rehearse.report import Report

EVENTS = ("pull_request", "push", "schedule")
WAITING = (
    "Not rehearsed yet: choose the repository and press Rehearse (it installs and runs the jobs: minutes)."
)


class RehearsalBox:
    """A repository field, an event, a button, and the report of the last rehearsal."""

    def __init__(self, panel: Panel, repo: str | Path | None, event: str = "pull_request") -> None:
        if event not in EVENTS:
            raise PipekitError(f"rehearse_event: expected one of {', '.join(EVENTS)}, got {event!r}")
        self.panel = panel
        session = panel.session
        # the repository whose workflows the panel writes, else the design's folder
        default = Path(repo or session.repo or Path(session.design_path).resolve().parent)
        self.repo = widgets.Text(
            value=str(default), description="Repository", style={"description_width": "initial"}
        )
        self.event = widgets.Dropdown(options=list(EVENTS), value=event, description="Event")
        self.button = widgets.Button(description="Rehearse", icon="play")
        self.button.add_class("pipekit-rehearse")
        self.output = widgets.HTML(html.escape(WAITING))
        self.output.add_class("pipekit-rehearsal")
        self.report: Report | None = None
        self.message = WAITING
        self.widget = widgets.VBox(
            [
                widgets.HTML("<h4 style='margin:0.4em 0'>Rehearse on this machine</h4>"),
                widgets.HBox([self.repo, self.event, self.button]),
                self.output,
            ]
        )
        self.button.on_click(lambda _button: self.run())

    def run(self) -> Report | None:
        """Rehearse the panel's current design; the report (or the error) goes into the box."""
        from pipekit.rehearse import report as reports
        from pipekit.rehearse import session
        from pipekit.rehearse.runner import Selection

        self.button.disabled = True
        self.output.value = html.escape("Rehearsing: installing and running the Linux jobs...")
        try:
            evaluation = self.panel.valid()
            repo = Path(self.repo.value).expanduser()
            if not repo.is_dir():
                raise PipekitError(
                    f"Repository: {self.repo.value!r} is not a folder; give the repository's root"
                )
            workflows = None if self.panel.workflow is None else frozenset({f"{self.panel.workflow}.yaml"})
            self.report = session.run(
                repo,
                evaluation.design,
                Path(self.panel.session.design_path).name,
                self.event.value,
                Selection(workflows=workflows),
                progress=lambda _line: None,
            )
        except PipekitError as error:
            self.report = None
            self.message = f"error: {error}"
            self.output.value = f'<span style="{ERROR_STYLE}">{html.escape(str(error))}</span>'
            return None
        finally:
            self.button.disabled = False
        self.message = reports.to_text(self.report)
        self.output.value = pre(self.message, "pipekit-rehearsal-text")
        return self.report

    def text(self) -> str:
        return self.message

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle: dict[str, Any] = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = self.text()
        return bundle
