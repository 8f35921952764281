"""A design being edited: a plain-data copy of the file, validated, planned and rendered on demand.

Widgets never build Design objects themselves: they set values at key paths of the copy and the
library (`design_from_data`, `plan_design`, the renderers) decides what is valid.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipekit import files, yamlio
from pipekit.cost.estimates import estimate_in_force
from pipekit.cost.plan import PipelinePlan, plan_design
from pipekit.design import save
from pipekit.design.load import design_from_data
from pipekit.design.merge import MISSING, Conflict, Side, changed_paths, merge
from pipekit.design.model import Design
from pipekit.errors import DesignError, PipekitError
from pipekit.render import render_files
from pipekit.write import generated_by_pipekit, write_files, write_repo

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
    if path[:1] == ("estimates",) and len(path) > 2:
        return estimate_in_force(design, path)  # figures the design may leave to the defaults
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


class DesignConflict(PipekitError):
    """The design file changed on disk since this session loaded it, at key paths this session also
    changed; `conflicts` holds both values of each, for the user to choose a side."""

    def __init__(self, source: str, conflicts: Sequence[Conflict]) -> None:
        shown = "; ".join(
            f"{conflict.key} (this notebook: {_shown(conflict.mine)}, the file: {_shown(conflict.theirs)})"
            for conflict in conflicts
        )
        super().__init__(
            f"{source} changed on disk since this notebook loaded it, and both changed {shown}; "
            "choose Keep mine or Take the file's"
        )
        self.conflicts = tuple(conflicts)


def _shown(value: Any) -> str:
    return "(not set)" if value is MISSING else json.dumps(value, default=str)


@dataclasses.dataclass(frozen=True)
class Saved:
    """What a save did: whether the file changed, and the key paths taken from another save."""

    changed: bool
    taken: tuple[KeyPath, ...] = ()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class DesignSession:
    """The design file at `design_path`, edited in memory; `files` are the generated files in view.

    `out` is the folder of generated files. When it is a repository's .github/workflows (`repo` is then
    that repository), each file is where `pipekit render --repo` puts it (.gitleaks.toml at the root)
    and writing follows its rules: a file pipekit did not generate is never overwritten, and a generated
    file the design turns off is removed."""

    def __init__(
        self,
        design_path: str | Path,
        out: str | Path,
        names: Sequence[str] = files.NAMES,
        overrides: Mapping[str, Any] | None = None,
    ) -> None:
        self.design_path = Path(design_path)
        self.out = Path(out)
        self.repo = files.repository_of(self.out)
        unknown = [name for name in names if name not in files.NAMES]
        if unknown:
            raise PipekitError(f"{', '.join(unknown)}: not a file pipekit renders ({', '.join(files.NAMES)})")
        self.files = tuple(names)
        text = yamlio.read_text(self.design_path)
        raw = self._parse(text)
        self.saved: dict[str, Any] = raw  # the file as this session last read or wrote it
        self._digest = _digest(text)
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
        """Validate, plan and render the current data; raises PipekitError (one line) when invalid. The
        error names the key path, not the file: the data is the notebook's, which the file may not hold."""
        design = design_from_data(self.data)
        plan = plan_design(design)
        texts = render_files(design, self.files, self.design_path.name)
        return Evaluation(design=design, plan=plan, files=texts)

    def path(self, name: str) -> Path:
        """Where the generated file `name` is read from and written to."""
        return files.repo_paths(self.repo)[name] if self.repo is not None else self.out / name

    def disk_text(self, name: str) -> str | None:
        path = self.path(name)
        try:
            return path.read_text(encoding="utf-8") if path.is_file() else None
        except (OSError, UnicodeDecodeError):
            return None

    def diff(self, name: str, text: str | None) -> str:
        """A unified diff from the file on disk to `text`, or one line saying there is none."""
        path = self.path(name)
        have = self.disk_text(name)
        if text == have:
            return f"{path}: up to date" if have is not None else f"{path}: not produced by this design"
        if have is None:
            return f"{path}: does not exist yet; Apply writes it"
        if text is None:
            if self.repo is None:
                return f"{path}: the design no longer produces this file; delete it"
            if generated_by_pipekit(have.encode("utf-8")):
                return f"{path}: the design no longer produces this file; Apply removes it"
            return f"{path}: the design does not produce this file, and pipekit did not write it"
        return "".join(
            difflib.unified_diff(
                have.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{path} (on disk)",
                tofile=f"{path} (from the design)",
            )
        )

    def _parse(self, text: str) -> dict[str, Any]:
        raw = yamlio.loads(text, self.source) if text.strip() else None
        if raw is not None and not isinstance(raw, dict):
            design_from_data(raw, self.source)  # raises the library's message
        return raw or {}

    def _disk(self) -> tuple[str, str]:
        text = yamlio.read_text(self.design_path)
        return text, _digest(text)

    @property
    def saved_digest(self) -> str:
        """The sha256 of the file as this session last read or wrote it: it names `saved`."""
        return self._digest

    def changed_on_disk(self) -> bool:
        """Whether the file's content differs from what this session last read or wrote."""
        return self._disk()[1] != self._digest

    def save(self, choose: Mapping[KeyPath, Side] | None = None) -> Saved:
        """Write the data into the design file, keeping its comments.

        When the file changed on disk since this session read it (another notebook saved), this
        session's edits are laid over the file's new content: keys only one side changed merge, and
        keys both changed raise DesignConflict unless `choose` names a side for each. The file is
        written only when the merged design is valid, and never half-way."""
        text, digest = self._disk()
        data: dict[str, Any] = self.data
        taken: tuple[KeyPath, ...] = ()
        if digest != self._digest:
            theirs = self._parse(text)
            merged = merge(self.saved, self.data, theirs, choose)
            if merged.conflicts:
                raise DesignConflict(self.source, merged.conflicts)
            data, taken = merged.data, tuple(changed_paths(self.saved, theirs))
        changed = save.save_design(self.design_path, data)
        self.data = copy.deepcopy(data)
        self.saved = copy.deepcopy(data)
        self._digest = self._disk()[1]
        return Saved(changed=changed, taken=taken)

    def sync(self) -> tuple[KeyPath, ...]:
        """Take in what another notebook saved since this session read the file, keeping this session's
        unsaved edits on top; the key paths that changed in the data (empty when none did).

        Where both changed one key the file's change waits: the next save shows the conflict."""
        text, digest = self._disk()
        if digest == self._digest:
            return ()
        theirs = self._parse(text)
        merged = merge(self.saved, self.data, theirs)
        if merged.conflicts:
            return ()
        before = self.data
        # the merge shares subtrees with the file's data: an edit of one must never change the other
        self.data, self.saved, self._digest = copy.deepcopy(merged.data), theirs, digest
        return tuple(changed_paths(before, self.data))

    def reset(self) -> tuple[KeyPath, ...]:
        """Drop the unsaved edits: the data is the file's again; the key paths that changed."""
        text, digest = self._disk()
        before = self.data
        self.saved = self._parse(text)
        self.data, self._digest = copy.deepcopy(self.saved), digest
        return tuple(changed_paths(before, self.data))

    def apply(self, choose: Mapping[KeyPath, Side] | None = None) -> tuple[Saved, list[Path]]:
        """Save the design, then write the files in view from what was saved: in that order, so the
        files never come from a design the file does not hold."""
        saved = self.save(choose)
        return saved, self.write(self.evaluate())

    def write(self, evaluation: Evaluation) -> list[Path]:
        """Write the files in view, atomically, as `pipekit render` does (`--repo` into a repository);
        returns the paths written."""
        if self.repo is None:
            return write_files(self.out, evaluation.written)
        paths = {name: self.path(name) for name in self.files}
        return list(write_repo(self.repo, paths, evaluation.written).written)
