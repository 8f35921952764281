"""A proposed design as the text of a design file: each value with a comment naming its source.

Written with ruamel.yaml, which keeps comments; the text is read back with pipekit's own YAML reader and
must give the same data, so what the file says is what was validated.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from pipekit import yamlio
from pipekit.errors import PipekitError
from pipekit.repo.proposal import Proposal

PREAMBLE = """\
pipekit design for {name}, written by `pipekit init` from the repository's own files.
Each value read from a file names its source; `assumed` marks what no file says: check those (or run
init again with --plan, --visibility, --owner-type). Keys left out take pipekit's defaults (`pipekit
schema` lists them). Next: `pipekit plan`, the notebooks, then `pipekit render --repo .`.
"""
COMMENT_COLUMN = 40


def _represent_none(representer: RoundTripRepresenter, _: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096  # a long command or list stays on its line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(type(None), _represent_none)
    return yaml


def _node(value: Any) -> Any:
    """A value as a ruamel node: lists and mappings in flow style, versions and dates quoted, text of
    several lines as a literal block."""
    if isinstance(value, dict):
        node = CommentedMap((inner, _node(item)) for inner, item in value.items())
        node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_node(item) for item in value)
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    if isinstance(value, str) and value[:1].isdigit():
        return DoubleQuotedScalarString(value)  # "3.10" would read as the number 3.1 unquoted
    return value


def _sections(proposal: Proposal) -> CommentedMap:
    """The key paths as block mappings, each value a node."""
    root = CommentedMap(version=1)
    for path, found in proposal.values.items():
        parent = root
        for key in path[:-1]:
            parent = parent.setdefault(key, CommentedMap())
        parent[path[-1]] = _node(found.value)
    return root


def design_text(proposal: Proposal) -> str:
    """The design file for `proposal`; PipekitError if it would not read back as the same data."""
    data = proposal.data()
    root = _sections(proposal)
    for path, found in proposal.values.items():
        parent = root
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent[path[-1]], LiteralScalarString):
            # A block of text: the comment goes on its own line above the key.
            parent.yaml_set_comment_before_after_key(
                path[-1], before=found.comment, indent=2 * (len(path) - 1)
            )
        else:
            parent.yaml_add_eol_comment(found.comment, path[-1], column=COMMENT_COLUMN)
    root.yaml_set_start_comment(PREAMBLE.format(name=data["project"]["name"]))
    for key in list(root)[1:]:
        root.yaml_set_comment_before_after_key(key, before="\n")
    out = io.StringIO()
    _yaml().dump(root, out)
    text = out.getvalue()
    if yamlio.loads(text, "the proposed design") != data:
        raise PipekitError("the proposed design would not read back as written; this is a pipekit bug")
    return text
