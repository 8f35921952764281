"""The charts of a live panel: inline SVG in ipywidgets.HTML boxes, each redrawn only when its data
changed. matplotlib is loaded with the first chart, not when the widgets are imported."""

from __future__ import annotations

import html

import ipywidgets as widgets

from pipekit.cost.plan import PipelinePlan
from pipekit.design.model import Trigger
from pipekit.notebook import chart_data
from pipekit.notebook.chart_data import ChartData

STALE = 'style="opacity:0.4" title="stale: the design is not valid"'


def chart_html(data: ChartData) -> str:
    """One chart as HTML: inline SVG, or a line saying why there is nothing to draw."""
    note = chart_data.nothing_to_draw(data)
    if note is not None:
        return f"<p><i>{html.escape(note)}</i></p>"
    from pipekit.notebook import svg  # matplotlib: with the first chart

    return svg.chart_svg(data)


class LiveCharts:
    """The chart boxes of a panel whose figures cover `workflow` (a stem; None: the whole pipeline); each
    has the CSS class ``pipekit-chart-<kind>``."""

    def __init__(self, workflow: str | None) -> None:
        self.workflow = workflow
        self.boxes: dict[chart_data.ChartKind, widgets.HTML] = {}
        for kind in chart_data.page_charts(workflow):
            box = widgets.HTML()
            box.add_class(f"pipekit-chart-{kind}")
            self.boxes[kind] = box
        self._drawn: dict[chart_data.ChartKind, tuple[ChartData, str]] = {}  # the data each was drawn from
        self.widget = widgets.VBox(list(self.boxes.values()))
        self.widget.add_class("pipekit-charts")

    def show(self, plan: PipelinePlan, trigger: Trigger) -> None:
        """Show the charts of `plan`, the Gantt and the matrix of `trigger`; a chart whose data did not
        change since it was drawn is not drawn again."""
        for kind, box in self.boxes.items():
            data = chart_data.build(kind, plan, trigger, self.workflow)
            drawn = self._drawn.get(kind)
            if drawn is None or drawn[0] != data:
                drawn = (data, chart_html(data))
                self._drawn[kind] = drawn
            box.value = drawn[1]  # also when greyed: the design is valid again

    def stale(self) -> None:
        """Grey the charts shown: they are of the last valid design."""
        for box in self.boxes.values():
            if box.value and STALE not in box.value:
                box.value = f"<div {STALE}>{box.value}</div>"
