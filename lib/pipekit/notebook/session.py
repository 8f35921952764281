"""A design being edited: a plain-data copy of the file, validated, planned and rendered on demand.

Widgets never build Design objects themselves: they set values at key paths of the copy and the
library (`design_from_data`, `plan_design`, the renderers) decides what is valid.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipekit import files, yamlio
from pipekit.cost.plan import PipelinePlan, plan_design
from pipekit.design import save
from pipekit.design.load import design_from_data
from pipekit.design.model import Design
from pipekit.errors import DesignError, PipekitError
from pipekit.render import render_files
from pipekit.write import write_files

KeyPath = tuple[str, ...]


def get_path(data: Mapping[str, Any], path: KeyPath) -> Any:
    """The value at `path` in plain data, or None when a key on the way is missing."""
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def set_path(data: dict[str, Any], path: KeyPath, value: Any) -> None:
    """Set `path` in plain data, creating the mappings on the way (a design file may omit sections)."""
    node = data
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[path[-1]] = value


def design_value(design: Design, path: KeyPath) -> Any:
    """The validated value at a data key path: defaults filled in, YAML keys mapped to attributes."""
    node: Any = design
    for key in path:
        node = node[key] if isinstance(node, Mapping) else getattr(node, key.replace("-", "_"))
    return node


def parse_overrides(overrides: Mapping[str, Any] | None) -> list[tuple[KeyPath, Any]]:
    """Dotted key paths (``"test.matrix.os"``) and their values, as a notebook parameter gives them."""
    parsed: list[tuple[KeyPath, Any]] = []
    for dotted, value in (overrides or {}).items():
        path = tuple(str(dotted).split("."))
        if not all(path):
            raise DesignError(str(dotted), "an override key is a dotted key path such as 'test.matrix.os'")
        parsed.append((path, copy.deepcopy(value)))
    return parsed


@dataclasses.dataclass(frozen=True, kw_only=True)
class Evaluation:
    """One valid state of the design: the plan and the text of the files this view owns."""

    design: Design
    plan: PipelinePlan
    files: Mapping[str, str | None]  # None: the design turns that file off

    @property
    def written(self) -> dict[str, str]:
        return {name: text for name, text in self.files.items() if text is not None}


class DesignSession:
    """The design file at `design_path`, edited in memory; `files` are the generated files in view."""

    def __init__(
        self,
        design_path: str | Path,
        out: str | Path,
        names: Sequence[str] = files.NAMES,
        overrides: Mapping[str, Any] | None = None,
    ) -> None:
        self.design_path = Path(design_path)
        self.out = Path(out)
        unknown = [name for name in names if name not in files.NAMES]
        if unknown:
            raise PipekitError(f"{', '.join(unknown)}: not a file pipekit renders ({', '.join(files.NAMES)})")
        self.files = tuple(names)
        raw = yamlio.load_file(self.design_path)
        if raw is not None and not isinstance(raw, dict):
            design_from_data(raw, str(self.design_path))  # raises the library's message
        self.saved: dict[str, Any] = raw or {}
        self.data: dict[str, Any] = copy.deepcopy(self.saved)
        for path, value in parse_overrides(overrides):
            set_path(self.data, path, value)

    @property
    def source(self) -> str:
        return str(self.design_path)

    @property
    def dirty(self) -> bool:
        """Whether the data differs from what the design file holds."""
        return self.data != self.saved

    def set(self, path: KeyPath, value: Any) -> None:
        set_path(self.data, path, copy.deepcopy(value))

    def get(self, path: KeyPath) -> Any:
        return copy.deepcopy(get_path(self.data, path))

    def evaluate(self) -> Evaluation:
        """Validate, plan and render the current data; raises PipekitError (one line) when invalid."""
        design = design_from_data(self.data, self.source)
        plan = plan_design(design)
        texts = render_files(design, self.files, self.design_path.name)
        return Evaluation(design=design, plan=plan, files=texts)

    def disk_text(self, name: str) -> str | None:
        path = self.out / name
        try:
            return path.read_text(encoding="utf-8") if path.is_file() else None
        except (OSError, UnicodeDecodeError):
            return None

    def diff(self, name: str, text: str | None) -> str:
        """A unified diff from the file on disk to `text`, or one line saying there is none."""
        path = self.out / name
        have = self.disk_text(name)
        if text == have:
            return f"{path}: up to date" if have is not None else f"{path}: not produced by this design"
        if have is None:
            return f"{path}: does not exist yet; Write workflows creates it"
        if text is None:
            return f"{path}: the design no longer produces this file; delete it"
        return "".join(
            difflib.unified_diff(
                have.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{path} (on disk)",
                tofile=f"{path} (from the design)",
            )
        )

    def save(self) -> bool:
        """Write the data into the design file, keeping its comments; False when nothing changed."""
        changed = save.save_design(self.design_path, self.data)
        self.saved = copy.deepcopy(self.data)
        return changed

    def write(self, evaluation: Evaluation) -> list[Path]:
        """Write the files in view, atomically, as `pipekit render` does."""
        return write_files(self.out, evaluation.written)
