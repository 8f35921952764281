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
import yaml

from pipekit import yamlio
from pipekit.errors import InputFileError
from pipekit.notebook.session import KeyPath

DESCRIPTION_STYLE = {"description_width": "initial"}


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
        self.error = widgets.HTML(layout=widgets.Layout(display="none"))
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
        if message:
            self.error.value = f'<span style="color:#b00020">{html.escape(message)}</span>'
            self.error.layout.display = None
        else:
            self.error.value = ""
            self.error.layout.display = "none"


def _ordered(options: Sequence[str]) -> Callable[[Any], list[str]]:
    # Keep the options' order (the design's own order first), whatever order the browser sends.
    return lambda value: [option for option in options if option in value]


def _natural(text: str) -> list[Any]:
    # "3.9" before "3.10", "ubuntu-22.04" before "ubuntu-24.04"
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _options(current: Iterable[str], choices: Iterable[str]) -> list[str]:
    """The design's values in their order, then the other choices."""
    seen = list(dict.fromkeys(current))
    return seen + sorted(set(choices) - set(seen), key=_natural)


def multi_select(path: KeyPath, label: str, current: Sequence[str], choices: Iterable[str]) -> Control:
    options = _options(current, choices)
    select = widgets.SelectMultiple(
        options=options,
        value=list(current),
        description=label,
        rows=min(len(options), 8),
        style=DESCRIPTION_STYLE,
    )

    def show(value: Sequence[str]) -> list[str]:
        select.options = _options(value, options)
        return list(value)

    return Control(path, select, lambda value: _ordered(list(select.options))(value), show=show)


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


def tags(path: KeyPath, label: str, current: Sequence[str], choices: Iterable[str] = ()) -> Control:
    """A list of strings edited as tags (license ids, globs, platforms)."""
    box = widgets.TagsInput(value=list(current), allowed_tags=list(choices), allow_duplicates=False)
    return Control(path, box, list, label=label, show=list)


def yaml_list(path: KeyPath, label: str, current: Sequence[Any], placeholder: str = "") -> Control:
    """A list edited as YAML text (matrix include/exclude entries); syntax errors are shown inline."""

    def dumped(value: Sequence[Any] | None) -> str:
        return yaml.safe_dump(list(value), sort_keys=False, default_flow_style=None) if value else ""

    initial = dumped(current)
    area = widgets.Textarea(
        value=initial,
        description=label,
        placeholder=placeholder,
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
