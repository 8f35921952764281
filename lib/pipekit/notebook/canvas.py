"""A small drawing surface on matplotlib for the notebook charts: a figure addressed in points, areas
that map data onto it, and marks: shapes and one-line labels.

Live panels redraw their charts on every widget change, within the change's 100 ms budget. matplotlib's
Axes, ticks and layout engines take several times that per chart, and an artist per text or patch
costs more to build than to draw; so a chart is one artist, `Marks`, that hands its shapes and labels
to the renderer (`draw_path`, `draw_text`) at fixed places. Rectangles of one colour are one path, and a
text is measured once per string and font. The renderers are matplotlib's: Agg for PNG, SVG for SVG.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import math
from collections.abc import Sequence
from typing import Any, Literal

import matplotlib
from matplotlib import artist
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.colors import to_hex, to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.path import Path
from matplotlib.transforms import Affine2D, Bbox, BboxTransform, Transform

WIDTH = 612.0  # points: 8.5 inches
TITLE, FONT, SMALL = 9.0, 8.0, 7.0
CHAR = 0.56  # average width of a character, in ems: margins are sized without measuring
Box = tuple[float, float, float, float]  # x0, x1, y0, y1
Rgba = tuple[float, float, float, float]
Colour = Rgba | str
DASHED = (3.7, 1.6)  # matplotlib's dash patterns, in line widths
DOTTED = (1.0, 1.65)
HAlign = Literal["left", "center", "right"]
VAlign = Literal["top", "center", "baseline", "bottom"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Style:
    """`ink` colours text, axes and marks; `background` None leaves the figure transparent."""

    ink: str
    background: str | None
    dpi: float


REPORT = Style(ink="#222222", background="#ffffff", dpi=96)
# Charts are built and drawn in these settings, whatever the user's: the same data, the same bytes.
SETTINGS: dict[str, Any] = {
    "svg.fonttype": "none",  # SVG text stays text, in the page's font (as `Label` writes it)
    "svg.hashsalt": "pipekit",  # ids in SVG from a fixed salt, not a random one
    "path.simplify": False,
    "figure.autolayout": False,  # no layout engine: marks are placed by fixed margins
    "figure.constrained_layout.use": False,
    "text.hinting": "force_autohint",
}


def settings() -> Any:
    """A context in which matplotlib has the charts' `SETTINGS` (and the caller's again after it)."""
    return matplotlib.rc_context(SETTINGS)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------ measuring text


FONT_NAME = "DejaVu Sans"  # comes with matplotlib: the same measurements everywhere
FONT_FAMILY = f"'{FONT_NAME}', sans-serif"  # in SVG: the browser falls back to its sans-serif


@functools.cache
def font(size: float) -> FontProperties:
    """The charts' font at `size` points, one object per size."""
    return FontProperties(family=FONT_NAME, size=size)


@functools.lru_cache(maxsize=4096)
def text_size(words: str, prop: FontProperties) -> tuple[float, float, float]:
    """Width, height and descent of one line, in points: measured once per string and font."""
    width, height, descent = RendererBase.get_text_width_height_descent(_MEASURE, words, prop, False)
    return width, height, descent


# measures in points: 72 dots per inch
_MEASURE = RendererSVG(72, 72, io.StringIO())  # type: ignore[no-untyped-call]


@dataclasses.dataclass(frozen=True)
class Shape:
    """A path with its transform to display coordinates; `fill` and `edge` None draw no fill or edge."""

    path: Path
    transform: Transform
    fill: Rgba | None
    edge: Rgba | None
    width: float  # points
    dashes: tuple[float, ...] | None  # in line widths


@dataclasses.dataclass(frozen=True)
class Label:
    """One line of text at an anchor point, aligned by `ha` and `va`, turned by `rotation` degrees about
    the anchor."""

    xy: tuple[float, float]
    words: str
    transform: Transform
    font: FontProperties
    colour: Rgba
    ha: HAlign
    va: VAlign
    rotation: float


class Marks(artist.Artist):
    """Every mark of a chart, drawn in the order added, shapes under labels."""

    def __init__(self) -> None:
        super().__init__()
        self.shapes: list[Shape] = []
        self.labels: list[Label] = []

    @artist.allow_rasterization  # type: ignore[untyped-decorator]
    def draw(self, renderer: Any) -> None:
        for shape in self.shapes:
            _draw_shape(renderer, shape)
        for label in self.labels:
            _draw_label(renderer, label)
        self.stale = False


def _draw_shape(renderer: Any, shape: Shape) -> None:
    gc = renderer.new_gc()
    if shape.edge is not None and shape.width > 0:
        gc.set_foreground(shape.edge, isRGBA=True)
        gc.set_linewidth(shape.width)
        if shape.dashes is not None:
            gc.set_dashes(0, [length * shape.width for length in shape.dashes])
    else:
        gc.set_linewidth(0)
    renderer.draw_path(gc, shape.path, shape.transform, shape.fill)
    gc.restore()


def _draw_label(renderer: Any, label: Label) -> None:
    """In SVG, a ``<text>`` anchored as matplotlib anchors its texts (``text-anchor``: the browser aligns
    it in the font it shows); elsewhere, text placed by its measured width."""
    x, y = label.transform.transform(label.xy)
    pixels = renderer.points_to_pixels(1.0)
    _, height, descent = text_size("lp", label.font)  # a line's extent, as matplotlib's Text takes it
    rise = {"top": descent - height, "center": descent - height / 2, "baseline": 0.0, "bottom": descent}
    svg = isinstance(renderer, RendererSVG)
    width = 0.0 if svg else text_size(label.words, label.font)[0]
    shift = {"left": 0.0, "center": -width / 2, "right": -width}[label.ha]
    # the baseline's start: (shift, rise) points from the anchor, turned with the text
    angle = math.radians(label.rotation)
    x += (shift * math.cos(angle) - rise[label.va] * math.sin(angle)) * pixels
    y += (shift * math.sin(angle) + rise[label.va] * math.cos(angle)) * pixels
    if renderer.flipy():  # text renderers count y from the top
        y = renderer.get_canvas_width_height()[1] - y
    if svg:
        _write_svg_text(renderer, label, x, y)
        return
    gc = renderer.new_gc()
    gc.set_foreground(label.colour, isRGBA=True)
    renderer.draw_text(gc, x, y, label.words, label.font, label.rotation, ismath=False)
    gc.restore()


def _write_svg_text(renderer: RendererSVG, label: Label, x: float, y: float) -> None:
    """The ``<text>`` matplotlib's SVG renderer writes for an anchored text in ``svg.fonttype: none``,
    without the work it spends on texts of any font, alignment and mathtext."""
    attributes = {"x": _number(x), "y": _number(y), "style": _text_style(label.font, label.ha, label.colour)}
    if label.rotation:
        attributes["transform"] = f"rotate({_number(-label.rotation)} {attributes['x']} {attributes['y']})"
    renderer.writer.element("text", label.words, attrib=attributes)  # type: ignore[no-untyped-call]


ANCHORS = {"left": "start", "center": "middle", "right": "end"}


def _number(value: float) -> str:
    """A number as matplotlib's SVG renderer writes it: fixed point, no trailing zeros."""
    return f"{value:f}".rstrip("0").rstrip(".")


@functools.lru_cache(maxsize=256)
def _text_style(prop: FontProperties, ha: str, colour: Rgba) -> str:
    style = f"font-size: {_number(prop.get_size_in_points())}px; font-family: {FONT_FAMILY}; "
    style += f"text-anchor: {ANCHORS[ha]}; fill: {to_hex(colour)}"
    return style + (f"; opacity: {_number(colour[3])}" if colour[3] != 1 else "")


# ------------------------------------------------------------------------------------------ canvas


def _fixed(transform: Transform) -> Affine2D:
    """A chain of affine transforms as one matrix: nothing is resized, and every mark uses it."""
    return Affine2D(transform.get_matrix())


def _rgba(colour: Colour, alpha: float | None = None) -> Rgba | None:
    return None if colour == "none" else to_rgba(colour, alpha)


class Canvas:
    """A figure addressed in points from its bottom-left corner, with areas that map data to points."""

    def __init__(self, height: float, style: Style, width: float = WIDTH) -> None:
        self.width, self.height, self.style = width, height, style
        self.figure = Figure(figsize=(width / 72, height / 72), dpi=style.dpi)
        if style.background is None:
            self.figure.patch.set_visible(False)
        else:
            self.figure.patch.set_facecolor(style.background)
        self.points = _fixed(Affine2D().scale(1 / 72) + self.figure.dpi_scale_trans)
        self.marks = Marks()
        self.figure.add_artist(self.marks)

    def area(self, data: Box, place: Box) -> Transform:
        """Data coordinates `data` (x0, x1, y0, y1) onto the points `place` (left, right, bottom, top)."""
        x0, x1, y0, y1 = data
        left, right, bottom, top = place
        return _fixed(
            BboxTransform(Bbox([[x0, y0], [x1, y1]]), Bbox([[left, bottom], [right, top]])) + self.points
        )

    def text(
        self,
        x: float,
        y: float,
        words: str,
        transform: Transform | None = None,
        *,
        size: float = FONT,
        colour: Colour | None = None,
        offset: tuple[float, float] = (0.0, 0.0),
        ha: HAlign = "left",
        va: VAlign = "baseline",
        rotation: float = 0.0,
    ) -> None:
        """A label at (x, y) of `transform` (default: points), moved by `offset` points."""
        where = transform or self.points
        if offset != (0.0, 0.0):
            scale = self.style.dpi / 72
            where = _fixed(where + Affine2D().translate(offset[0] * scale, offset[1] * scale))
        if words:
            ink = to_rgba(colour or self.style.ink)
            self.marks.labels.append(Label((x, y), words, where, font(size), ink, ha, va, rotation))

    def boxes(
        self,
        boxes: Sequence[Box],
        transform: Transform,
        *,
        fill: Sequence[Colour] | Colour = "none",
        edge: Colour = "none",
        width: float = 0.0,
        dashed: bool = False,
    ) -> None:
        """Rectangles; those of one fill become one path."""
        fills = [fill] * len(boxes) if isinstance(fill, str | tuple) else list(fill)
        groups: dict[Colour, list[Box]] = {}
        for box, colour in zip(boxes, fills, strict=True):
            groups.setdefault(colour, []).append(box)
        for colour, members in groups.items():
            points = [
                point
                for x0, x1, y0, y1 in members
                for point in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))
            ]
            codes = [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY] * len(members)
            self.path(Path(points, codes), transform, fill=colour, edge=edge, width=width, dashed=dashed)

    def lines(
        self,
        segments: Sequence[Sequence[tuple[float, float]]],
        transform: Transform,
        *,
        colour: Colour | None = None,
        width: float = 0.8,
        alpha: float | None = None,
        dashed: bool = False,
        dotted: bool = False,
    ) -> None:
        """Polylines of one style, as one path."""
        points = [point for segment in segments for point in segment]
        codes = [
            Path.LINETO if index else Path.MOVETO for segment in segments for index in range(len(segment))
        ]
        if points:
            ink = to_rgba(colour or self.style.ink, alpha)
            self.path(Path(points, codes), transform, edge=ink, width=width, dashed=dashed, dotted=dotted)

    def path(
        self,
        path: Path,
        transform: Transform,
        *,
        fill: Colour = "none",
        edge: Colour = "none",
        width: float = 0.0,
        dashed: bool = False,
        dotted: bool = False,
    ) -> None:
        dashes = DOTTED if dotted else DASHED if dashed else None
        self.marks.shapes.append(Shape(path, transform, _rgba(fill), _rgba(edge), width, dashes))

    def legend(self, x: float, y: float, items: Sequence[tuple[str, Colour, Colour]]) -> None:
        """A row of swatches from (x, y): (label, fill, edge) each; an edge drawn dashed if filled."""
        for label, fill, edge in items:
            swatch = (x, x + 9, y - 3.5, y + 4.5)
            outlined = edge != "none"
            dashed = outlined and fill != "none"
            self.boxes(
                [swatch], self.points, fill=fill, edge=edge, width=1.2 if outlined else 0.0, dashed=dashed
            )
            self.text(x + 12, y, label, size=SMALL, va="center")
            x += 12 + text_width(label, SMALL) + 12


def text_width(words: str, size: float) -> float:
    """An estimate of a line's width in points, to size margins."""
    return len(words) * size * CHAR
