"""The live panel every notebook shows: controls, headline figures, the generated files and their diff.

Every control change stores its value in the session and re-evaluates the design at once; the
library's one-line error is shown in the panel when the design is invalid, never a traceback.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from pipekit.cost.plan import TRIGGER_TITLES, plan_design
from pipekit.design.load import design_from_data
from pipekit.design.merge import Side
from pipekit.design.model import TRIGGERS, Trigger
from pipekit.errors import PipekitError
from pipekit.notebook import figures as figs
from pipekit.notebook.controls import Control, section
from pipekit.notebook.live_charts import LiveCharts
from pipekit.notebook.session import DesignConflict, DesignSession, Evaluation, KeyPath, Saved, design_value
from pipekit.typed import to_data
from pipekit.wording import minutes, usd

# JupyterLab's theme colours, so text stays readable in light and dark themes; fallbacks elsewhere
ERROR_STYLE = "color:var(--jp-error-color1,#b00020);font-weight:bold"
ADDED_STYLE = "color:var(--jp-success-color1,#1a7f37)"
REMOVED_STYLE = "color:var(--jp-error-color1,#b00020)"
# File tabs sized to their titles (Lumino's tab bar cuts titles at a fixed width by default).
PANEL_CSS = """<style>
.pipekit-files .lm-TabBar-tab { max-width: none; min-width: max-content; flex: 0 0 auto; }
</style>"""
PRE_STYLE = "max-height:30em;overflow:auto;font-size:12px;line-height:1.35;margin:0"
UNSAVED = (
    '<span style="color:var(--jp-warn-color1,#b36b00)" '
    'title="the design file does not hold these changes yet">● unsaved</span>'
)
WATCH_SECONDS = 2.0
STALE = 'style="opacity:0.4"'
DELTA_STYLE = 'style="opacity:0.75;font-size:90%"'
FIGURES = ("job-count", "billable-minutes", "usd-run", "usd-month", "wall-clock")


def _stamp(path: Path) -> tuple[int, int] | None:
    """The file's size and modification time, or None when it is gone: a cheap look before hashing."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def pre(text: str, css: str) -> str:
    return f'<pre class="{css}" style="{PRE_STYLE}">{html.escape(text)}</pre>'


def diff_html(diff: str) -> str:
    """A unified diff with added lines green and removed lines red."""
    lines = []
    for line in diff.splitlines():
        colour = ""
        if line.startswith("+") and not line.startswith("+++"):
            colour = ADDED_STYLE
        elif line.startswith("-") and not line.startswith("---"):
            colour = REMOVED_STYLE
        lines.append(f'<span style="{colour}">{html.escape(line)}</span>' if colour else html.escape(line))
    return f'<pre class="pipekit-diff-text" style="{PRE_STYLE}">' + "\n".join(lines) + "</pre>"


class Panel:
    """A notebook's panel. `workflow` (file stem) scopes the figures; None means the whole pipeline."""

    def __init__(
        self,
        session: DesignSession,
        *,
        name: str,
        title: str,
        workflow: str | None,
        sections: Sequence[tuple[str, Sequence[Control]]],
        report: Callable[[Panel], None],
        extra: Callable[[Evaluation], str] | None = None,
    ) -> None:
        self.session = session
        self.name = name
        self.title = title
        self.workflow = workflow
        self.controls = [control for _, controls in sections for control in controls]
        self._report = report
        self._extra = extra
        self.evaluation: Evaluation | None = None
        self.figures: figs.Figures | None = None
        self.error: PipekitError | None = None
        self.saved_figures: figs.Figures | None = None
        self._saved_key: tuple[str, figs.Figures | None] | None = None

        self.trigger = widgets.Dropdown(
            options=[(f"{TRIGGER_TITLES[t]} ({t})", t) for t in TRIGGERS],
            value="pull_request",
            description="Figures for",
            style={"description_width": "initial"},
        )
        self.trigger.add_class("pipekit-trigger")
        self.error_box = self._html("pipekit-error")
        self.error_box.layout.min_height = "1.6em"  # room for the one-line error, so nothing jumps
        self._marked: list[Control] = []  # controls showing the design's error
        self.figure_boxes = {key: self._html(f"pipekit-{key}") for key in FIGURES}
        for box in self.figure_boxes.values():
            box.layout.margin = "0 1.2em 0 0"
        self.extra_box = self._html("pipekit-extra")
        self.charts = LiveCharts(workflow)
        self.table_box = self._html("pipekit-triggers")
        self.yaml_boxes = {file: self._html("pipekit-yaml") for file in session.files}
        self.diff_boxes = {file: self._html("pipekit-diff") for file in session.files}
        self.files_tab = widgets.Tab(
            children=[widgets.VBox([self.diff_boxes[f], self.yaml_boxes[f]]) for f in session.files],
            titles=list(session.files),
        )
        self.files_tab.add_class("pipekit-files")
        self.save_button = widgets.Button(description="Save design", icon="save")
        self.save_button.add_class("pipekit-save")
        self.write_button = widgets.Button(
            description="Apply",
            icon="file",
            button_style="primary",
            tooltip="Save the design, then write the files",
        )
        self.write_button.add_class("pipekit-write")
        self.reset_button = widgets.Button(description="Reset", icon="undo", tooltip="Drop unsaved changes")
        self.reset_button.add_class("pipekit-reset")
        self.keep_mine = widgets.Button(description="Keep mine", layout=widgets.Layout(display="none"))
        self.take_theirs = widgets.Button(
            description="Take the file's", layout=widgets.Layout(display="none")
        )
        self.keep_mine.add_class("pipekit-keep-mine")
        self.take_theirs.add_class("pipekit-take-theirs")
        self.conflict: DesignConflict | None = None
        self._lock = threading.RLock()  # the watcher thread and the widgets' callbacks take turns
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._after_choice: Callable[[], Any] = self.save_design
        self.unsaved = self._html("pipekit-unsaved")
        self.status = self._html("pipekit-status")

        controls_box = widgets.Box(
            [section(heading, controls) for heading, controls in sections],
            layout=widgets.Layout(display="flex", flex_flow="row wrap", align_items="flex-start"),
        )
        figures_box = widgets.HBox(list(self.figure_boxes.values()))
        figures_box.add_class("pipekit-figures")
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"{PANEL_CSS}<h3 style='margin:0.2em 0'>{html.escape(title)}</h3>"),
                controls_box,
                self.error_box,
                self.trigger,
                figures_box,
                self.extra_box,
                self.charts.widget,
                self.table_box,
                widgets.HBox(
                    [
                        self.write_button,
                        self.save_button,
                        self.reset_button,
                        self.unsaved,
                        self.keep_mine,
                        self.take_theirs,
                        self.status,
                    ]
                ),
                self.files_tab,
            ]
        )
        self.widget.add_class("pipekit-panel")
        self.widget.add_class(f"pipekit-panel-{name}")

        for control in self.controls:
            control.observe(self._changed)
        self.trigger.observe(lambda _change: self._show_figures(), names="value")
        self.save_button.on_click(lambda _button: self._button(self.save_design))
        self.write_button.on_click(lambda _button: self._button(self.write_workflows))
        self.reset_button.on_click(lambda _button: self._button(self.reset))
        self.keep_mine.on_click(lambda _button: self._button(lambda: self._choose("mine")))
        self.take_theirs.on_click(lambda _button: self._button(lambda: self._choose("theirs")))
        self.refresh()

    @staticmethod
    def _html(css: str) -> widgets.HTML:
        box = widgets.HTML()
        box.add_class(css)
        return box

    # ------------------------------------------------------------------------------------ updating

    def _changed(self, control: Control) -> None:
        with self._lock:
            self._changed_locked(control)

    def _changed_locked(self, control: Control) -> None:
        try:
            value = control.read()
        except PipekitError as error:
            control.show_error(str(error))
            self._fail(error)
            return
        control.show_error(None)
        # The edit goes into the data before another notebook's save is taken in: a key both changed
        # is then a conflict for Save to show, never the file's value silently over the user's.
        self.session.set(control.path, value)
        self.sync()
        self.refresh()

    def refresh(self) -> None:
        """Re-evaluate the session's design and update every preview in place."""
        pending = [
            control for control in self.controls if control.error.value and control not in self._marked
        ]
        if pending:
            self._fail(PipekitError(f"{'.'.join(pending[0].path)}: fix the input marked in red first"))
            return
        try:
            evaluation = self.session.evaluate()
        except PipekitError as error:
            self._fail(error)
            return
        except Exception as error:  # a pipekit bug must still not put a traceback over the panel
            self._fail(PipekitError(f"internal error ({type(error).__name__}): {error}"))
            return
        self.evaluation, self.error = evaluation, None
        self.error_box.value = ""
        self._mark(None)
        self.unsaved.value = UNSAVED if self.session.dirty else ""
        self.save_button.disabled = self.write_button.disabled = False
        self.figures = figs.figures(evaluation.plan, self.workflow)
        self.saved_figures = self._saved_figures()
        self._show_figures()
        self.extra_box.value = html.escape(self._extra(evaluation)) if self._extra else ""
        for file, text in evaluation.files.items():
            shown = text if text is not None else f"# the design turns {file} off\n"
            self.yaml_boxes[file].value = pre(shown, "pipekit-yaml-text")
            self.diff_boxes[file].value = diff_html(self.session.diff(file, text))

    def _fail(self, error: PipekitError) -> None:
        self.error = error
        self.error_box.value = f'<span style="{ERROR_STYLE}">{html.escape(str(error))}</span>'
        self.save_button.disabled = self.write_button.disabled = True
        self._mark(error)
        for key in FIGURES:  # the last valid numbers stay, greyed, so no one reads them as current
            box = self.figure_boxes[key]
            if box.value and STALE not in box.value:
                box.value = f'<span {STALE} title="stale: the design is not valid">{box.value}</span>'
        self.charts.stale()

    def _mark(self, error: PipekitError | None) -> None:
        """Show a design error beside the control whose key path it names (and clear the last one)."""
        for control in self._marked:
            control.show_error(None)
        self._marked = []
        path = getattr(error, "path", None)
        if not isinstance(path, str) or error is None:
            return
        keys = tuple(re.sub(r"\[\d+\]", "", path).split("."))
        for control in self.controls:
            if keys[: len(control.path)] == control.path and not control.error.value:
                control.show_error(getattr(error, "problem", str(error)))
                self._marked.append(control)

    def _show_figures(self) -> None:
        if self.figures is None:
            return
        run = self.figures.run(self.selected_trigger)
        values = {
            "job-count": (str(run.jobs), "job" if run.jobs == 1 else "jobs"),
            "billable-minutes": (str(run.billable_minutes), "billable minutes"),
            "usd-run": (usd(run.usd), "per run"),
            "usd-month": (usd(self.figures.usd_per_month), "per month at list price"),
            "wall-clock": (minutes(run.wall_clock), "wall-clock"),
        }
        changes = (
            figs.deltas(self.figures, self.saved_figures, self.selected_trigger) if self.saved_figures else {}
        )
        for key, (number, words) in values.items():
            delta = changes.get(key)
            note = (
                f' <span class="pipekit-delta" {DELTA_STYLE}>{html.escape(delta)} vs saved</span>'
                if delta
                else ""
            )
            self.figure_boxes[key].value = f'<b class="pipekit-value">{html.escape(number)}</b> {words}{note}'
        self.table_box.value = pre(figs.text_table(self.figures), "pipekit-table-text")
        if self.evaluation is not None:
            self.charts.show(self.evaluation.plan, self.selected_trigger)
            if self.error is not None:  # the trigger changed while the design is invalid
                self.charts.stale()

    def _saved_figures(self) -> figs.Figures | None:
        """The figures of the design as saved in the file, while the panel holds unsaved changes (None:
        no changes, or the saved design is not valid on its own)."""
        if not self.session.dirty:
            return None
        key = self.session.saved_digest  # the saved data changes only with the file
        if self._saved_key is None or self._saved_key[0] != key:
            try:
                plan = plan_design(design_from_data(self.session.saved, self.session.source))
                saved: figs.Figures | None = figs.figures(plan, self.workflow)
            except PipekitError:
                saved = None
            self._saved_key = (key, saved)
        return self._saved_key[1]

    @property
    def selected_trigger(self) -> Trigger:
        trigger: Trigger = self.trigger.value
        return trigger

    # ------------------------------------------------------------------------------------- actions

    def valid(self) -> Evaluation:
        """The current evaluation; raises the design's error when the widgets hold an invalid design."""
        if self.error is not None or self.evaluation is None:
            raise self.error or PipekitError("the design has not been evaluated")
        return self.evaluation

    def watch(self, interval: float = WATCH_SECONDS) -> None:
        """Take in other notebooks' saves while this panel is idle: a daemon thread looks at the design
        file every `interval` seconds (its size and modification time, then its content) and syncs when
        it changed. Started once, when the panel is displayed; `stop_watching` ends it."""
        if self._watcher is not None:
            return
        self._watcher = threading.Thread(
            target=self._watch, args=(interval,), name="pipekit-watch", daemon=True
        )
        self._watcher.start()

    def stop_watching(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)

    def _watch(self, interval: float) -> None:
        path = self.session.design_path
        seen = _stamp(path)
        while not self._stop.wait(interval):
            stamp = _stamp(path)
            if stamp == seen:
                continue
            seen = stamp
            with self._lock:
                if self.session.changed_on_disk():
                    self.sync()

    def sync(self) -> None:
        """Take in what another notebook saved to the design file (keeping this one's unsaved edits)
        and show it in the controls and figures."""
        try:
            changed = self.session.sync()
        except PipekitError as error:
            self.status.value = f'<span style="{ERROR_STYLE}">{html.escape(str(error))}</span>'
            return
        if changed:
            self._show_data(changed)
            self.status.value = html.escape(f"took in a change saved to {self.session.design_path}")

    def _show_data(self, changed: Sequence[KeyPath]) -> None:
        """Put the session's values into the controls under `changed` key paths, then refresh."""
        try:
            design = self.session.evaluate().design
        except PipekitError:
            design = None
        for control in self.controls:
            if any(
                control.path[: len(path)] == path or path[: len(control.path)] == control.path
                for path in changed
            ):
                value = self.session.get(control.path)
                if value is None and design is not None:
                    value = to_data(design_value(design, control.path))
                control.show(value)
                control.show_error(None)
        self.refresh()

    def _saved_text(self, saved: Saved) -> str:
        path = self.session.design_path
        text = f"saved {path}" if saved.changed else f"{path} already holds this design"
        if saved.taken:
            text += f"; kept the file's newer {', '.join('.'.join(key) for key in saved.taken)}"
        return text

    def save_design(self) -> str:
        """Write the design file, keeping its comments and key order, and any change another notebook
        saved meanwhile; a key both changed is a conflict the user resolves with Keep mine or Take the
        file's."""
        self.valid()
        saved = self.session.save()
        self._show_data(saved.taken)
        return self._saved_text(saved)

    def write_workflows(self) -> list[Path] | str:
        """Apply: save the design, then write this notebook's generated files, atomically; returns
        their paths."""
        self.valid()
        saved, paths = self.session.apply()
        self._show_data(saved.taken)
        return paths

    def reset(self) -> str:
        """Drop the unsaved edits: the controls show the design file again."""
        self._show_data(self.session.reset())
        return f"reset to {self.session.design_path}"

    def _choose(self, side: Side) -> Any:
        """Resolve the shown conflict: every key both changed takes `side`; then finish what was asked."""
        conflict, action = self.conflict, self._after_choice
        if conflict is None:
            return "no conflict to resolve"
        self._show_conflict(None, self.save_design)
        choose = {item.path: side for item in conflict.conflicts}
        # the conflicting keys are among those the file changed, so `taken` covers them
        if action == self.write_workflows:
            saved, paths = self.session.apply(choose)
            self._show_data(saved.taken)
            return paths
        saved = self.session.save(choose)
        self._show_data(saved.taken)
        return self._saved_text(saved)

    def _show_conflict(self, conflict: DesignConflict | None, action: Callable[[], Any]) -> None:
        self.conflict = conflict
        self._after_choice = action
        display = None if conflict is not None else "none"
        self.keep_mine.layout.display = self.take_theirs.layout.display = display

    def _button(self, action: Callable[[], Any]) -> None:
        with self._lock:
            self._button_locked(action)

    def _button_locked(self, action: Callable[[], Any]) -> None:
        try:
            result = action()
        except DesignConflict as conflict:
            self._show_conflict(conflict, action)
            self.status.value = f'<span style="{ERROR_STYLE}">{html.escape(str(conflict))}</span>'
            return
        except PipekitError as error:
            self.status.value = f'<span style="{ERROR_STYLE}">{html.escape(str(error))}</span>'
            return
        if isinstance(result, list):
            written = ", ".join(str(path) for path in result)
            result = f"wrote {written}" if written else "the files already match the design; nothing to write"
        self.status.value = html.escape(str(result))
        self.unsaved.value = UNSAVED if self.session.dirty else ""

    # -------------------------------------------------------------------------------------- output

    def text(self) -> str:
        """A one-paragraph summary: the panel's text/plain form, for reports read without widgets."""
        lines = [f"pipekit: {self.title}"]
        if self.figures is not None:
            lines.append(figs.summary_line(self.figures, self.selected_trigger))
        if self.error is not None:
            lines.append(f"error: {self.error}")
        return "\n".join(lines)

    def show_report(self) -> None:
        """Print and display the static report (tables, charts, files) of the current design."""
        self._report(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        self.watch()  # shown in a notebook: keep up with the other notebooks' saves
        bundle: dict[str, Any] = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = self.text()  # the widget's repr lists every child: long and noisy
        return bundle
