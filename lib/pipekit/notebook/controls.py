"""Widgets bound to key paths of the design data.

A `Control` turns its widget's value into YAML data for one key path (`read`); the panel stores that
value in the session and lets the library validate. Values a widget cannot even parse (YAML text)
raise a PipekitError that the control shows under itself.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import ipywidgets as widgets
import traitlets
import yaml

from pipekit import yamlio
from pipekit.errors import InputFileError
from pipekit.notebook.session import KeyPath

DESCRIPTION_STYLE = {"description_width": "initial"}
# JupyterLab's theme colours (light and dark themes define them), with fallbacks for other front ends
ERROR_COLOUR = "color:var(--jp-error-color1,#b00020)"


def _css(path: KeyPath) -> str:
    """A stable class name for a control (``pipekit-test-matrix-os``) that browser tests can select."""
    return "pipekit-" + "-".join(path).replace("_", "-")


class Control:
    """One widget editing the value at `path`."""

    def __init__(
        self,
        path: KeyPath,
        source: widgets.ValueWidget,
        read: Callable[[Any], Any] | None = None,
        label: str | None = None,
        show: Callable[[Any], Any] | None = None,
    ) -> None:
        self.path = path
        self.source = source
        self._read = read or (lambda value: value)
        self._show = show or (lambda value: value)
        self._quiet = False
        # the error line keeps its room when empty, so an error appearing moves nothing
        self.error = widgets.HTML(layout=widgets.Layout(min_height="1.1em", margin="0"))
        self.error.add_class("pipekit-input-error")
        above = [widgets.Label(label)] if label else []  # for widgets without a description
        self.widget = widgets.VBox([*above, source, self.error])
        self.widget.add_class("pipekit-control")
        self.widget.add_class(_css(path))
        source.add_class(_css(path) + "-input")

    def read(self) -> Any:
        """The YAML value for `path`; PipekitError when the widget holds something unparseable."""
        return self._read(self.source.value)

    def observe(self, callback: Callable[[Control], None]) -> None:
        self.source.observe(lambda _change: None if self._quiet else callback(self), names="value")

    def show(self, value: Any) -> None:
        """Put the design's `value` into the widget (as when another notebook saved it), without
        reporting it as an edit."""
        self._quiet = True
        try:
            self.source.value = self._show(value)
        finally:
            self._quiet = False

    def show_error(self, message: str | None) -> None:
        self.error.value = (
            f'<span style="{ERROR_COLOUR};font-size:85%;line-height:1.1">{html.escape(message)}</span>'
            if message
            else ""
        )


def natural_key(text: str) -> list[Any]:
    """Sort key that puts "3.9" before "3.10" and "ubuntu-22.04" before "ubuntu-24.04"."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)]


class CheckboxGrid(widgets.GridBox):  # type: ignore[misc]
    """One checkbox per choice: a click ticks or unticks that choice alone (a multi-select needs
    Ctrl-click, and a plain click there drops every other value).

    `value` is the ticked choices in the grid's order; it lives in the kernel only (the boxes sync)."""

    value = traitlets.Tuple()

    def __init__(self, options: Sequence[str], value: Iterable[str], columns: int = 4) -> None:
        self._updating = False
        self._boxes: dict[str, widgets.Checkbox] = {}
        super().__init__(
            layout=widgets.Layout(grid_template_columns=f"repeat({columns}, max-content)", grid_gap="0 1.2em")
        )
        self._set_options(list(options))
        self.observe(self._show, names="value")
        self.value = self._ticked_in_order(set(value))

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(self._boxes)

    def _set_options(self, options: Sequence[str]) -> None:
        """Boxes for `options` in that order, keeping the existing ones."""
        boxes = {}
        for option in options:
            box = self._boxes.get(option)
            if box is None:
                box = widgets.Checkbox(
                    value=False, description=option, indent=False, layout=widgets.Layout(width="auto")
                )
                box.observe(self._ticked, names="value")
            boxes[option] = box
        self._boxes = boxes
        self.children = list(boxes.values())

    def _ticked_in_order(self, chosen: set[str]) -> tuple[str, ...]:
        return tuple(option for option in self._boxes if option in chosen)

    def _ticked(self, _change: Any) -> None:
        if not self._updating:
            self.value = tuple(option for option, box in self._boxes.items() if box.value)

    def _show(self, change: Any) -> None:
        chosen = list(change["new"])
        missing = [option for option in chosen if option not in self._boxes]
        self._updating = True
        try:
            if missing:  # a value the design holds that is not among the choices (e.g. "3.8")
                self._set_options(sorted([*self._boxes, *missing], key=natural_key))
            for option, box in self._boxes.items():
                box.value = option in chosen
        finally:
            self._updating = False
        ordered = self._ticked_in_order(set(chosen))
        if ordered != tuple(chosen):
            self.value = ordered


def checkbox_grid(
    path: KeyPath,
    label: str,
    current: Sequence[str],
    choices: Iterable[str],
    *,
    sort: bool = True,
    columns: int = 4,
) -> Control:
    """A set of values ticked from a grid (Python versions, modes, platforms, severities); with `sort`,
    choices are in natural order (3.9, 3.10, 3.11), otherwise in the order given."""
    options = list(dict.fromkeys([*choices, *current]))
    if sort:
        options.sort(key=natural_key)
    grid = CheckboxGrid(options, current, columns=columns)
    return Control(path, grid, list, label=label, show=tuple)


def _tag_list(value: Iterable[str]) -> list[str]:
    """Tags as typed: "MIT, BSD-3-Clause," becomes two tags, blanks and repeats dropped."""
    tags = (part.strip() for item in value for part in str(item).split(","))
    return list(dict.fromkeys(tag for tag in tags if tag))


def tags(
    path: KeyPath,
    label: str,
    current: Sequence[str],
    choices: Iterable[str] = (),
    placeholder: str = "type, then Enter or comma",
) -> Control:
    """A list of strings edited as tags (license ids, globs, runner labels): Enter adds the typed tag, and
    a comma separates tags; with `choices`, the box suggests them as the user types."""
    box = widgets.TagsInput(
        value=list(current),
        # empty: any tag; otherwise the suggestions, which the widget also enforces
        allowed_tags=sorted({*choices, *current}, key=natural_key) if choices else [],
        allow_duplicates=False,
        placeholder=placeholder,
    )
    control = Control(path, box, _tag_list, label=label, show=list)

    def split_commas(_change: Any) -> None:
        # the browser adds "MIT," as one tag: split it so the box shows what the design holds
        tidy = _tag_list(box.value)
        if tidy != list(box.value):
            box.value = tidy

    box.observe(split_commas, names="value")
    return control


def dropdown(path: KeyPath, label: str, current: Any, choices: Iterable[Any]) -> Control:
    options = list(dict.fromkeys([*choices, current]))
    box = widgets.Dropdown(options=options, value=current, description=label, style=DESCRIPTION_STYLE)
    return Control(path, box, show=_adding_option(box))


def toggle_buttons(path: KeyPath, label: str, current: str, choices: Sequence[str]) -> Control:
    options = list(dict.fromkeys([*choices, current]))
    box = widgets.ToggleButtons(options=options, value=current, description=label, style=DESCRIPTION_STYLE)
    return Control(path, box, show=_adding_option(box))


def _adding_option(box: widgets.Dropdown | widgets.ToggleButtons) -> Callable[[Any], Any]:
    """A value for a one-of widget, added to its options first when it is not one of them."""

    def show(value: Any) -> Any:
        if value not in box.options:
            box.options = [*box.options, value]
        return value

    return show


def checkbox(path: KeyPath, label: str, current: bool) -> Control:
    return Control(path, widgets.Checkbox(value=bool(current), description=label, indent=False), show=bool)


def integer(path: KeyPath, label: str, current: int) -> Control:
    return Control(path, widgets.IntText(value=current, description=label, style=DESCRIPTION_STYLE))


def number(path: KeyPath, label: str, current: float) -> Control:
    """A decimal figure (minutes, factors); the design's rules bound it and name the key when it is out."""
    box = widgets.FloatText(
        value=float(current),
        description=label,
        step=0.1,
        style=DESCRIPTION_STYLE,
        layout=widgets.Layout(width="15em"),
    )
    return Control(path, box, float, show=float)


def optional_integer(path: KeyPath, label: str, current: int | None) -> Control:
    """An integer where 0 means null (no limit)."""
    text = widgets.IntText(value=current or 0, description=f"{label} (0: none)", style=DESCRIPTION_STYLE)
    return Control(path, text, lambda value: value or None, show=lambda value: value or 0)


def optional_mapping(path: KeyPath, label: str, current: Any, default: Any) -> Control:
    """A section that is on (its mapping) or off (null), e.g. preview deployments."""
    kept = [current if current is not None else default]

    def show(value: Any) -> bool:
        if value is not None:
            kept[0] = value
        return value is not None

    box = widgets.Checkbox(value=current is not None, description=label, indent=False)
    return Control(path, box, lambda on: kept[0] if on else None, show=show)


def text(path: KeyPath, label: str, current: str | None, *, optional: bool = False) -> Control:
    """A one-line string; with `optional`, an empty box means null."""
    box = widgets.Text(
        value=current or "", description=label, continuous_update=False, style=DESCRIPTION_STYLE
    )
    return Control(
        path, box, (lambda value: value or None) if optional else None, show=lambda value: value or ""
    )


def yaml_list(path: KeyPath, label: str, current: Sequence[Any], placeholder: str = "") -> Control:
    """A list edited as YAML text (matrix include/exclude entries); syntax errors are shown inline."""

    def dumped(value: Sequence[Any] | None) -> str:
        return yaml.safe_dump(list(value), sort_keys=False, default_flow_style=None) if value else ""

    initial = dumped(current)
    area = widgets.Textarea(
        value=initial,
        description=label,
        placeholder=f"# none; e.g.\n{placeholder}" if placeholder else "",
        continuous_update=False,  # parse when the user leaves the box, not at every key press
        rows=4,
        style=DESCRIPTION_STYLE,
        layout=widgets.Layout(width="32em"),
    )
    source = ".".join(path)

    def read(value: str) -> Any:
        parsed = yamlio.loads(value, source)
        if parsed is None:
            return []
        if not isinstance(parsed, list):
            raise InputFileError(
                f"{source}: expected a YAML list of entries such as {placeholder or '- {os: x}'}"
            )
        return parsed

    return Control(path, area, read, show=dumped)


def section(title: str, controls: Sequence[Control]) -> widgets.VBox:
    heading = widgets.HTML(f"<b>{html.escape(title)}</b>")
    box = widgets.VBox([heading, *(control.widget for control in controls)])
    box.add_class("pipekit-section")
    box.layout.margin = "0 1.5em 0.8em 0"
    return box
