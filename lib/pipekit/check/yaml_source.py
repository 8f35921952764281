"""A YAML file as the checks read it: its data (YAML 1.2, as GitHub reads workflows) and its composed
nodes, which say where each value sits and which comment trails it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from pipekit import yamlio
from pipekit.check.finding import Finding
from pipekit.check.paths import PathArg, as_paths, require_files

# A YAML comment starts at a '#' after whitespace; flow syntax ('}', ',') may come before it.
_COMMENT = re.compile(r"(?:^|\s)#(.*)$")
_POSITION = re.compile(r"line (\d+)(?:, column (\d+))?")
_Composer: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlSource:
    """One file, parsed once for every in-process check."""

    file: str
    text: str
    data: Any
    root: yaml.Node | None  # None for an empty document

    @cached_property
    def lines(self) -> list[str]:
        """The text's lines. YAML breaks lines where splitlines() does (NEL and U+2028 too); the other
        characters splitlines() breaks at are control characters YAML refuses."""
        return self.text.splitlines()

    def trailing_comment(self, node: yaml.Node) -> str | None:
        """The comment after `node` on the line where it ends (``# v7.0.1``, without the '#'), if any."""
        line = node.end_mark.line
        rest = self.lines[line][node.end_mark.column :] if line < len(self.lines) else ""
        match = _COMMENT.search(rest)
        return match.group(1) if match else None


def parse(text: str, file: str) -> YamlSource:
    """Parse with pipekit's YAML rules (InputFileError with line and column on any problem)."""
    data = yamlio.loads(text, file)
    # Same syntax as what yamlio just accepted; composing keeps the marks that constructing drops.
    root = yaml.compose(text, Loader=_Composer)
    return YamlSource(file, text, data, root)


def read(path: Path) -> YamlSource:
    return parse(yamlio.read_text(path), str(path))


def check_files(
    check_source: Callable[[YamlSource], list[Finding]], paths: PathArg | Iterable[PathArg]
) -> list[Finding]:
    """`check_source` run on each file of `paths`, its findings in file order."""
    sources = as_paths(paths)
    require_files(sources)
    return [finding for path in sources for finding in check_source(read(path))]


def error_position(message: str) -> tuple[int | None, int | None]:
    """The ``line N, column M`` an InputFileError names, as numbers (None when it names none)."""
    match = _POSITION.search(message)
    if match is None:
        return None, None
    return int(match.group(1)), int(match.group(2)) if match.group(2) else None


def position(node: yaml.Node) -> tuple[int, int]:
    """Where `node` starts: 1-based line and column."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def entries(node: yaml.Node | None) -> Iterator[tuple[yaml.ScalarNode, yaml.Node]]:
    """(key node, value node) of a mapping whose keys are scalars; nothing for any other node."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield key, value


def get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value under `key` in a mapping node, or None."""
    return next((value for key_node, value in entries(node) if key_node.value == key), None)


def items(node: yaml.Node | None) -> list[yaml.Node]:
    """The items of a sequence node; nothing for any other node."""
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def scalar(node: yaml.Node | None) -> str | None:
    """A scalar node's text, None for anything else."""
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def find(root: yaml.Node, path: Sequence[str | int]) -> yaml.Node:
    """Where the value at `path` (keys and indexes) is written: the key that holds it, the item itself,
    or the deepest node on the way when the rest is missing (a merged key, a key spelled differently)."""
    node, shown = root, root
    for part in path:
        if isinstance(part, int):
            children = items(node)
            if not 0 <= part < len(children):
                break
            node = shown = children[part]
        else:
            entry = next(((key, value) for key, value in entries(node) if key.value == part), None)
            if entry is None:
                break
            shown, node = entry
    return shown


def jobs(root: yaml.Node | None) -> Iterator[tuple[str, yaml.Node]]:
    """(job id, job node) of a workflow."""
    for key, job in entries(get(root, "jobs")):
        yield str(key.value), job


def steps(job: yaml.Node) -> Iterator[tuple[int, yaml.Node]]:
    """(index, step node) of a job's steps."""
    yield from enumerate(items(get(job, "steps")))
