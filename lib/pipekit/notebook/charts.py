"""Matplotlib charts of a plan: the monthly cost stacked by runner OS, one run's Gantt with the macOS
slots it uses, and the test matrix's legs. Each is drawn from a `chart_data` value and nothing else.

The charts are figure-level artists placed by fixed margins, in points: no Axes, ticks or layout engine.
Those cost several times the whole widget-change budget per chart (an Axes-based Gantt took over 100 ms
to draw as SVG), and a live panel redraws its charts on every change. The same drawing gives the
report's PNG (dark ink on white) and the live panel's SVG (see `pipekit.notebook.svg`), whose ink is a
sentinel colour that becomes the theme's text colour. Fills are mid-tones that read on light and dark.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from typing import Any

from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.path import Path
from matplotlib.ticker import MaxNLocator

from pipekit.notebook.canvas import (
    FONT,
    REPORT,
    SMALL,
    TITLE,
    WIDTH,
    Box,
    Canvas,
    Colour,
    Rgba,
    Style,
    settings,
    text_width,
)
from pipekit.notebook.chart_data import ChartData, MatrixCell, MatrixGrid, MonthlyCost, RunGantt
from pipekit.wording import plural, usd

OS_COLOURS = {"linux": "#e8a33d", "windows": "#3d7be8", "macos": "#a472d6"}
OTHER_COLOUR = "#9a9a9a"
QUEUED_ALPHA = 0.35
GRID_ALPHA = 0.18


def _ticks(high: float, bins: int = 6) -> list[float]:
    """Round tick values from 0 to `high`."""
    ticks = MaxNLocator(bins, steps=[1, 2, 2.5, 5, 10]).tick_values(0, high)
    return [float(tick) for tick in ticks if 0 <= tick <= high]


def _title(canvas: Canvas, *lines: str) -> None:
    for index, line in enumerate(lines):
        canvas.text(12, canvas.height - 8 - index * 14, line, size=TITLE, va="top")


# ----------------------------------------------------------------------------------------- cost


def cost_chart(data: MonthlyCost, style: Style = REPORT) -> Figure:
    """Stacked bars: USD a month at list price of each bar's runs, by runner OS; the total on top."""
    canvas = Canvas(230, style)
    count = max(len(data.bars), 1)
    high_total = float(max((bar.total for bar in data.bars), default=0))
    ticks = _ticks(high_total or 1.0, 5)
    high = max(ticks[-1], high_total) or 1.0
    place = (64.0, canvas.width - 16, 44.0, canvas.height - 44)
    area = canvas.area((-0.5, count - 0.5, 0.0, high * 1.08), place)
    _title(canvas, data.title)
    used = [os for os in OS_COLOURS if any(os == name for bar in data.bars for name, _ in bar.by_os)]
    canvas.legend(place[0], canvas.height - 30, [(os, OS_COLOURS[os], "none") for os in used])
    canvas.lines([[(-0.5, tick), (count - 0.5, tick)] for tick in ticks], area, width=0.6, alpha=GRID_ALPHA)
    cents = high < 10
    for tick in ticks:
        label = f"${tick:,.2f}" if cents else f"${tick:,.0f}"
        canvas.text(-0.5, tick, label + " ", area, size=SMALL, ha="right", va="center")
    canvas.text(
        14, (place[2] + place[3]) / 2, "USD a month", size=SMALL, rotation=90, va="center", ha="center"
    )
    boxes: list[Box] = []
    fills: list[str] = []
    for index, bar in enumerate(data.bars):
        bottom = 0.0
        for os, amount in bar.by_os:
            top = bottom + float(amount)
            boxes.append((index - 0.32, index + 0.32, bottom, top))
            fills.append(OS_COLOURS.get(os, OTHER_COLOUR))
            bottom = top
        canvas.text(index, bottom + high * 0.015, usd(bar.total), area, size=SMALL, ha="center", va="bottom")
        canvas.text(index, 0, bar.label, area, size=SMALL, ha="center", va="top", offset=(0, -6))
    canvas.boxes(boxes, area, fill=fills)
    canvas.lines([[(-0.5, 0), (count - 0.5, 0)]], area, width=0.8)
    return canvas.figure


# ---------------------------------------------------------------------------------------- Gantt

ROW = 13.0  # points per job row


def gantt_chart(data: RunGantt, style: Style = REPORT) -> Figure:
    """The scope's jobs in one run: queued time pale and dashed, running time solid by runner OS, the
    critical path outlined; under it, the macOS jobs running in the whole run against the plan's macOS
    limit."""
    rows = len(data.rows)
    strip, gap, head, foot = 46.0, 26.0, 58.0, 34.0
    canvas = Canvas(head + rows * ROW + foot + strip + gap, style)
    longest = max((text_width(row.label, SMALL) for row in data.rows), default=0.0)
    left = min(max(longest + 14, 80.0), canvas.width * 0.45)
    right = canvas.width - 24
    high = max(data.wall_clock, 0.1) * 1.03
    top = canvas.height - head
    bottom = top - rows * ROW
    main = canvas.area((0.0, high, rows - 0.5, -0.5), (left, right, bottom, top))

    if data.scope == "the pipeline":
        title = f"One {data.trigger} run of the pipeline: {data.wall_clock:.1f} min wall-clock"
    else:
        title = (
            f"{data.scope} in one {data.trigger} run: its jobs end after {data.scope_wall_clock:.1f} min "
            f"(the whole run: {data.wall_clock:.1f} min)"
        )
    limits = (
        f"{data.plan_name} plan: at most {data.concurrent_jobs} concurrent jobs, {data.macos_limit} on macOS"
    )
    _title(canvas, title, limits)
    used = [os for os in OS_COLOURS if any(row.os == os for row in data.rows)]
    used += sorted({row.os for row in data.rows} - set(OS_COLOURS))
    items: list[tuple[str, Colour, Colour]] = [(os, OS_COLOURS.get(os, OTHER_COLOUR), "none") for os in used]
    waiting = [index for index, row in enumerate(data.rows) if row.start > row.ready]
    if waiting:
        colour = OS_COLOURS.get(data.rows[waiting[0]].os, OTHER_COLOUR)
        items.append(("queued (waiting for a slot)", to_rgba(colour, QUEUED_ALPHA), colour))
    items.append(("critical path", "none", style.ink))
    canvas.legend(12, canvas.height - 44, items)

    ticks = _ticks(high)
    grid = [[(tick, rows - 0.5), (tick, -0.5)] for tick in ticks]
    canvas.lines(grid, main, width=0.6, alpha=GRID_ALPHA)
    for index, row in enumerate(data.rows):
        canvas.text(-high * 0.008, index, row.label, main, size=SMALL, ha="right", va="center")
    queued = [(row.ready, row.start, index - 0.36, index + 0.36) for index, row in enumerate(data.rows)]
    colours = [OS_COLOURS.get(row.os, OTHER_COLOUR) for row in data.rows]
    for colour in dict.fromkeys(colours[index] for index in waiting):
        boxes = [queued[index] for index in waiting if colours[index] == colour]
        canvas.boxes(boxes, main, fill=to_rgba(colour, QUEUED_ALPHA), edge=colour, width=0.8, dashed=True)
    running = [(row.start, row.end, index - 0.36, index + 0.36) for index, row in enumerate(data.rows)]
    canvas.boxes(running, main, fill=colours)
    critical = [running[index] for index, row in enumerate(data.rows) if row.critical]
    canvas.boxes(critical, main, edge=style.ink, width=1.2)
    canvas.lines([[(data.wall_clock, rows - 0.5), (data.wall_clock, -0.5)]], main, width=1, dotted=True)
    for tick in ticks:
        canvas.text(tick, rows - 0.5, f"{tick:g}", main, size=SMALL, ha="center", va="top")
    canvas.text(
        (left + right) / 2,
        bottom - 14,
        "minutes from the start of the run",
        size=SMALL,
        ha="center",
        va="top",
    )

    _macos_strip(canvas, data, (left, right, 10.0, 10.0 + strip), high, ticks)
    return canvas.figure


def _macos_strip(canvas: Canvas, data: RunGantt, place: Box, high: float, ticks: Sequence[float]) -> None:
    """The macOS jobs running over the run as a filled step line, with the plan's limit dashed."""
    most = max((count for _, count in data.macos_running), default=0)
    ceiling = max(data.macos_limit, most, 1) * 1.15
    area = canvas.area((0.0, high, 0.0, ceiling), place)
    canvas.lines([[(tick, 0), (tick, ceiling)] for tick in ticks], area, width=0.6, alpha=GRID_ALPHA)
    steps = list(data.macos_running)
    outline: list[tuple[float, float]] = []
    for index, (time, count) in enumerate(steps):
        end = steps[index + 1][0] if index + 1 < len(steps) else data.wall_clock
        outline += [(time, count), (end, count)]
    if outline:
        polygon = Path([(outline[0][0], 0.0), *outline, (outline[-1][0], 0.0)], closed=True)
        canvas.path(
            polygon, area, fill=to_rgba(OS_COLOURS["macos"], 0.6), edge=OS_COLOURS["macos"], width=1.0
        )
    canvas.lines([[(0, data.macos_limit), (high, data.macos_limit)]], area, width=1, dashed=True)
    canvas.lines([[(0, 0), (high, 0)]], area, width=0.8)
    canvas.text(
        high, data.macos_limit, f"limit: {data.macos_limit} ", area, size=SMALL, ha="right", va="bottom"
    )
    heading = (
        f"macOS jobs running in the whole run: at most {most} at once" if most else "no macOS job in this run"
    )
    canvas.text(place[0], place[3] + 6, heading, size=SMALL, va="bottom")


# --------------------------------------------------------------------------------------- matrix

CELL_HEIGHT = 26.0
MODE_ANGLE = 30.0  # degrees, of mode names turned to fit their columns
COLOUR_STEPS = 10  # of the colour bar
# the middle of viridis: its darkest and lightest ends vanish on dark and light backgrounds
SHADES: tuple[Rgba, ...] = tuple(
    (float(red), float(green), float(blue), 1.0)
    for red, green, blue, _ in colormaps["viridis"]([0.2 + 0.7 * step / 255 for step in range(256)])
)


def _fill(share: float) -> Rgba:
    """The shade of a value at `share` of the way from the lowest to the highest."""
    return SHADES[round(share * 255)]


def _on(colour: Rgba) -> str:
    """Text colour that reads on a cell of `colour`."""
    red, green, blue, _ = colour
    return "#111111" if 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.45 else "#f4f4f4"


def _value_text(value: float, measure: str) -> str:
    return f"${value:,.2f}" if measure == "USD" else f"{value:.1f}"


def matrix_chart(data: MatrixGrid, style: Style = REPORT) -> Figure:
    """Python versions by runner label and mode: one cell per leg, coloured by its USD (or minutes) in
    one run; legs an include entry adds are outlined with a +, combinations exclude removes are hollow
    and crossed out."""
    columns = [(os, mode) for os in data.oses for mode in data.modes]
    left = 16 + max(text_width(python, FONT) for python in data.pythons) + 8
    width = min((WIDTH - 96 - left) / len(columns), 90.0)
    right = left + width * len(columns)
    # mode names too wide for their column are turned, and the runner labels go over them
    longest = max(text_width(mode, SMALL) for mode in data.modes)
    rotate = longest > width - 4
    modes_height = longest * math.sin(math.radians(MODE_ANGLE)) + SMALL if rotate else SMALL
    os_offset = 5 + modes_height + 6
    head, foot = 44 + os_offset + FONT + 8, 30.0
    canvas = Canvas(head + len(data.pythons) * CELL_HEIGHT + foot, style)
    top = canvas.height - head
    bottom = top - len(data.pythons) * CELL_HEIGHT
    area = canvas.area((0.0, len(columns), len(data.pythons), 0.0), (left, right, bottom, top))

    legs = data.legs
    if data.runs:
        title = (
            f"Test matrix on {data.trigger}: {plural(len(legs), 'leg')}, coloured by {data.measure} per run"
        )
    else:
        title = f"Test matrix: {plural(len(legs), 'leg')}; test.yaml does not run on {data.trigger}"
    key = "one cell per leg;  outlined with a +: added by include;  crossed out: removed by exclude"
    _title(canvas, title, key)
    for index, os in enumerate(data.oses):
        middle = (index + 0.5) * len(data.modes)
        canvas.text(middle, 0, os, area, size=FONT, ha="center", offset=(0, os_offset))
    for index, (_, mode) in enumerate(columns):
        canvas.text(
            index + 0.5, 0, mode, area, size=SMALL, offset=(0, 5),
            ha="left" if rotate else "center", va="bottom", rotation=MODE_ANGLE if rotate else 0,
        )  # fmt: skip
    for row, python in enumerate(data.pythons):
        canvas.text(-0.08, row + 0.5, python, area, size=FONT, ha="right", va="center")
    separators = [
        [(index * len(data.modes), 0), (index * len(data.modes), len(data.pythons))]
        for index in range(1, len(data.oses))
    ]
    canvas.lines(separators, area, width=0.8, alpha=0.5)

    values = [cell.value for cell in legs if cell.value is not None]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)

    def share(value: float) -> float:
        return 0.5 if high == low else (value - low) / (high - low)

    slots: dict[tuple[str, str, str], list[MatrixCell]] = {}
    for cell in data.cells:
        slots.setdefault((cell.python, cell.os, cell.mode), []).append(cell)
    column_of = {column: index for index, column in enumerate(columns)}
    row_of = {python: index for index, python in enumerate(data.pythons)}
    filled: list[Box] = []
    fills: list[Rgba] = []
    hollow: list[Box] = []
    crosses: list[list[tuple[float, float]]] = []
    outlined: list[Box] = []
    show_values = width >= 34 and len(data.cells) <= 96
    arm_x, arm_y = 4 / width, 4 / CELL_HEIGHT  # the cross of an excluded cell: 8 points wide
    for (python, os, mode), cells in slots.items():
        column, row = column_of[(os, mode)], row_of[python]
        part = 1.0 / len(cells)  # legs that share a slot (include can add the same leg twice) split it
        for index, cell in enumerate(cells):
            box = (column + index * part + 0.04, column + (index + 1) * part - 0.04, row + 0.08, row + 0.92)
            centre_x, centre_y = (box[0] + box[1]) / 2, row + 0.5
            if cell.kind == "excluded":
                hollow.append(box)
                crosses += [
                    [(centre_x - arm_x, centre_y - arm_y), (centre_x + arm_x, centre_y + arm_y)],
                    [(centre_x - arm_x, centre_y + arm_y), (centre_x + arm_x, centre_y - arm_y)],
                ]
                continue
            colour = _fill(share(cell.value)) if cell.value is not None else to_rgba(OTHER_COLOUR, 0.5)
            filled.append(box)
            fills.append(colour)
            if cell.kind == "included":
                outlined.append(box)
                canvas.text(box[0] + 0.04, row + 0.1, "+", area, ha="left", va="top", colour=_on(colour))
            if show_values and cell.value is not None and len(cells) == 1:
                words = _value_text(cell.value, data.measure)
                canvas.text(
                    centre_x, centre_y, words, area, size=SMALL, ha="center", va="center", colour=_on(colour)
                )
    canvas.boxes(filled, area, fill=fills)
    canvas.boxes(hollow, area, edge=style.ink, width=0.8, dashed=True)
    canvas.lines(crosses, area, width=1.2)
    canvas.boxes(outlined, area, edge=style.ink, width=1.6)
    if values:
        _colour_bar(canvas, (right + 18, right + 28, bottom, top), low, high, data.measure)
    return canvas.figure


def _colour_bar(canvas: Canvas, place: Box, low: float, high: float, measure: str) -> None:
    steps = COLOUR_STEPS
    area = canvas.area((0.0, 1.0, 0.0, float(steps)), place)
    shades = [_fill(step / (steps - 1)) for step in range(steps)]
    canvas.boxes([(0, 1, step, step + 1) for step in range(steps)], area, fill=shades)
    canvas.text(place[1] + 4, place[2], _value_text(low, measure), size=SMALL, va="center")
    canvas.text(place[1] + 4, place[3], _value_text(high, measure), size=SMALL, va="center")
    canvas.text(
        place[0],
        place[3] + 8,
        "USD per run" if measure == "USD" else "minutes per run",
        size=SMALL,
        va="bottom",
    )


# --------------------------------------------------------------------------------------- output


def drawing(data: ChartData) -> Callable[[Any, Style], Figure]:
    """The function that draws `data`."""
    if isinstance(data, RunGantt):
        return gantt_chart
    if isinstance(data, MonthlyCost):
        return cost_chart
    return matrix_chart


def chart_png(data: ChartData) -> bytes:
    """The chart of `data` as PNG bytes for reports: dark ink on white, without the metadata that changes
    between matplotlib versions."""
    with settings():
        figure = drawing(data)(data, REPORT)
        FigureCanvasAgg(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
