"""Static output: what an executed notebook shows without a live kernel (on GitHub, in reports).

Only deterministic text, tables and PNGs: the committed notebooks are compared by nbval. pandas and
matplotlib are loaded when a report is shown, not when the widgets are imported. The charts are the
live panel's (`chart_data.page_charts`), drawn as PNG.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from IPython import display as ipython

from pipekit import files
from pipekit.cost.report import format_text
from pipekit.notebook import chart_data
from pipekit.notebook import figures as figs

if TYPE_CHECKING:
    import pandas as pd

    from pipekit.design.model import Trigger
    from pipekit.notebook.panel import Panel

JOB_COLUMNS = ["name", "runner", "os", "minutes", "billable_minutes", "usd"]


def display(value: object) -> None:
    ipython.display(value)  # type: ignore[no-untyped-call]


def png(data: bytes) -> object:
    return ipython.Image(data=data)  # type: ignore[no-untyped-call]


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    # Estimates are products of decimal factors; two decimals read better and print the same everywhere.
    return frame.round(4)


def _charts(panel: Panel, trigger: Trigger) -> None:
    """The page's charts, the Gantt and the matrix of `trigger`."""
    from pipekit.notebook import charts  # matplotlib

    plan = panel.valid().plan
    for kind in chart_data.page_charts(panel.workflow):
        data = chart_data.build(kind, plan, trigger, panel.workflow)
        note = chart_data.nothing_to_draw(data)
        if note is not None:
            print(note)
        else:
            display(png(charts.chart_png(data)))


def _files(panel: Panel) -> None:
    evaluation = panel.valid()
    for name, text in evaluation.files.items():
        print(f"----- {name} -----")
        print(text if text is not None else f"# the design turns {name} off\n", end="")
        print(f"----- {panel.session.diff(name, text).rstrip()}")
        print()


def workflow_report(panel: Panel) -> None:
    """The figures per trigger, the jobs of the selected trigger, the charts, then each file and its
    drift."""
    from pipekit.cost.frames import jobs_frame

    evaluation = panel.valid()
    figures = figs.figures(evaluation.plan, panel.workflow)
    print(figs.text_table(figures))
    frame = jobs_frame(evaluation.plan, panel.selected_trigger)
    name = files.workflow_file(panel.workflow).name if panel.workflow else ""
    frame = frame[frame["workflow"] == name][JOB_COLUMNS].reset_index(drop=True)
    print(f"Jobs of {figures.scope} on {panel.selected_trigger}:")
    display(_rounded(frame))
    _charts(panel, panel.selected_trigger)
    _files(panel)


def overview_report(panel: Panel, *, charts_trigger: Trigger | None = None) -> None:
    """The plan report, tables per workflow and month, the charts (the Gantt of `charts_trigger`, by
    default the one the figures are for), then every file."""
    from pipekit.cost.frames import month_frame, workflows_frame

    plan = panel.valid().plan
    print(format_text(plan))
    display(_rounded(workflows_frame(plan)))
    display(_rounded(month_frame(plan.month)))
    _charts(panel, charts_trigger or panel.selected_trigger)
    _files(panel)
