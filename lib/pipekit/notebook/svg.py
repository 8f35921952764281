"""Charts as inline SVG that takes the notebook theme's colours.

A live chart is drawn with `SENTINEL` as its ink and no background; the sentinel then becomes
``currentColor``, so text, axes and marks take the foreground colour the notebook's theme sets through CSS,
light or dark. Text stays text (``svg.fonttype: none``), and the bytes depend only on the figure: no date
or software version, ids from a fixed salt. The SVG carries no stylesheet, which in a page would style
every element of it.
"""

from __future__ import annotations

import io
import re

from matplotlib.backends.backend_svg import RendererSVG

from pipekit.notebook.canvas import Style, settings
from pipekit.notebook.chart_data import ChartData
from pipekit.notebook.charts import drawing

SENTINEL = "#fe01fd"  # the ink of live charts; no fill or palette colour is this one
LIVE = Style(ink=SENTINEL, background=None, dpi=72)  # SVG is laid out at 72 dots per inch
METADATA = {"Date": None, "Creator": None}
DEFAULT_STYLE = re.compile(r"\s*<defs>\s*<style type=\"text/css\">\*\{[^}<]*\}</style>\s*</defs>")
GROUP_IDS = re.compile(r'<g id="[a-z]+_\d+">')
ROOT_ATTRIBUTES = 'style="max-width:100%;height:auto" stroke-linejoin="round" stroke-linecap="butt"'


def chart_svg(data: ChartData) -> str:
    """The chart of `data` as an SVG element for an HTML page: no XML prolog, ink as ``currentColor``,
    scaling down to the width it is shown in."""
    with settings():
        figure = drawing(data)(data, LIVE)
        width, height = figure.get_size_inches()
        buffer = io.StringIO()
        renderer = RendererSVG(width * 72, height * 72, buffer, metadata=METADATA)  # type: ignore[no-untyped-call]
        figure.draw(renderer)
        renderer.finalize()  # type: ignore[no-untyped-call]
    text = buffer.getvalue()
    text = text[text.index("<svg ") :].replace(SENTINEL, "currentColor")
    # In an HTML page a <style> in an SVG styles the whole page: its defaults become the root's attributes.
    text = DEFAULT_STYLE.sub("", text, count=1)
    text = GROUP_IDS.sub("<g>", text)  # every chart numbers its groups alike: ids would repeat in a page
    return text.replace("<svg ", f"<svg {ROOT_ATTRIBUTES} ", 1)
