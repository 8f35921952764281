"""Saving a design back to its file without losing what people wrote there.

The file is loaded with ruamel.yaml's round-trip loader, only the values that differ from the new data
are set (mappings and lists are edited in place, so comments, key order, flow style and quoting stay),
and the result is written atomically: a temporary file beside it, then one rename. The text is read
back with pipekit's own YAML reader and validated before anything touches the file.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import ScalarString

from pipekit import yamlio
from pipekit.design.load import design_from_data
from pipekit.errors import OutputError, PipekitError
from pipekit.typed import to_data
from pipekit.write import replace_file


def _represent_none(representer: RoundTripRepresenter, _: None) -> Any:
    # ruamel writes None as an empty value; pipeline.yaml spells it `null`, which is also clearer.
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long flow lists such as license.allow
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(type(None), _represent_none)
    return yaml


def _same(old: Any, new: Any) -> bool:
    """Equal scalars; True == 1 in Python, but not in a design file."""
    if isinstance(old, bool) != isinstance(new, bool):
        return False
    if isinstance(old, Mapping | list | tuple) or isinstance(new, Mapping | list | tuple):
        return False
    return bool(old == new)


def _fresh(value: Any, like: Any = None) -> Any:
    """A new node for `value`, styled like `like` (a sibling or the value it replaces) when possible."""
    if isinstance(value, Mapping):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = _fresh(item)
        return node
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_fresh(item) for item in value)
        if all(not isinstance(item, Mapping | list | tuple) for item in value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and isinstance(like, ScalarString):
        return type(like)(value)  # keep the file's quoting, e.g. "3.12" stays double-quoted
    return value


def _update(old: Any, new: Any) -> Any:
    """`old` edited to equal `new`, reusing its node (and so its comments) where the shape allows."""
    if isinstance(old, CommentedMap) and isinstance(new, Mapping):
        _merge(old, new)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list | tuple):
        like = old[0] if old else None
        for index, item in enumerate(new[: len(old)]):
            old[index] = _update(old[index], item)
        del old[len(new) :]
        old.extend(_fresh(item, like) for item in new[len(old) :])
        if any(isinstance(item, Mapping) for item in new):
            old.fa.set_block_style()  # a list of include entries reads better one entry a line
        return old
    if _same(old, new):
        return old
    return _fresh(new, old)


def _merge(node: CommentedMap, new: Mapping[str, Any]) -> None:
    for key in [key for key in node if key not in new]:
        del node[key]
    for key, value in new.items():
        node[key] = _update(node[key], value) if key in node else _fresh(value)


def updated_text(text: str, data: Mapping[str, Any], source: str = "<design>") -> str:
    """`text` (a design file) edited so that it reads as `data`; comments and layout kept."""
    yaml = _yaml()
    try:
        document = yaml.load(text) if text.strip() else None
    except Exception as error:  # ruamel raises many unrelated types; the file must not be touched
        raise PipekitError(f"{source}: cannot read the file to update it ({type(error).__name__})") from None
    if document is None:
        document = CommentedMap()
    if not isinstance(document, CommentedMap):
        raise PipekitError(f"{source}: the file is not a mapping of sections; cannot update it")
    _merge(document, data)
    out = io.StringIO()
    yaml.dump(document, out)
    result = out.getvalue()
    if yamlio.loads(result, source) != to_data(data):
        raise PipekitError(f"{source}: the updated file would not read back as the design; left unchanged")
    return result


def save_design(path: str | Path, data: Mapping[str, Any]) -> bool:
    """Validate `data`, then write it into the design file at `path`; False when nothing changed.

    On any error the file is left as it was (never truncated).
    """
    path = Path(path)
    design_from_data(to_data(data), str(path))
    old = yamlio.read_text(path) if path.exists() else ""
    new = updated_text(old, data, str(path))
    if new == old:
        return False
    try:
        replace_file(path, new)
    except OSError as error:
        raise OutputError(
            f"{path}: cannot save the design ({error.strerror}); the file was left as it was"
        ) from None
    return True
