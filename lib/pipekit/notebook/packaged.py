"""The design notebooks pipekit ships, and a repository's copy of them.

An installed wheel holds them as pipekit/notebooks/*.ipynb (setup.py's build hook puts them there); a
source checkout or an editable install reads notebooks/ at the repository's root, the one copy kept in
git. A repository's copy has no outputs and its `parameters` cell points at that repository's design and
workflows folder, relative to the notebook (papermill, JupyterLab and Voila run a notebook in its folder).
"""

from __future__ import annotations

import ast
import copy
import json
import os
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pipekit.errors import DataError
from pipekit.files import NOTEBOOKS

CHECKOUT = Path(__file__).resolve().parents[3] / "notebooks"  # lib/pipekit/notebook/ -> the root
IN_REPOSITORY = Path("notebooks", "pipekit")  # where a repository keeps its copy, from its root


def notebooks_folder() -> Traversable:
    """Where the shipped notebooks are: inside the installed package, else the source checkout's."""
    packaged = resources.files("pipekit") / "notebooks"
    if packaged.is_dir():
        return packaged
    if CHECKOUT.is_dir():
        return CHECKOUT
    raise DataError(
        "pipekit's notebooks are missing from this installation (no pipekit/notebooks); reinstall pipekit"
    )


def shipped_notebooks() -> dict[str, dict[str, Any]]:
    """Every shipped notebook by file name (``overview.ipynb``), overview first."""
    folder = notebooks_folder()
    found: dict[str, dict[str, Any]] = {}
    for name in NOTEBOOKS:
        entry = folder / f"{name}.ipynb"
        if not entry.is_file():
            raise DataError(f"{entry}: a shipped notebook is missing; reinstall pipekit")
        found[entry.name] = json.loads(entry.read_text(encoding="utf-8"))
    return found


def relative(target: Path, start: Path) -> str:
    """`target` as a path from the folder `start`, with forward slashes (a notebook's parameter)."""
    return Path(os.path.relpath(target.resolve(), start.resolve())).as_posix()


def repository_copy(notebook: Mapping[str, Any], parameters: Mapping[str, str]) -> dict[str, Any]:
    """`notebook` without outputs or execution counts, its `parameters` cell assigning `parameters`
    (name -> text) in place of its own values; every other line of the cell is kept."""
    copied = copy.deepcopy(dict(notebook))
    copied.get("metadata", {}).pop("widgets", None)
    cells = [cell for cell in copied.get("cells", []) if cell.get("cell_type") == "code"]
    for cell in cells:
        cell["outputs"] = []
        cell["execution_count"] = None
    tagged = [cell for cell in cells if "parameters" in cell.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise DataError(f"a shipped notebook has {len(tagged)} cells tagged 'parameters'; expected one")
    cell = tagged[0]
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    cell["source"] = assign(source, parameters).splitlines(keepends=True)
    return copied


def assign(source: str, values: Mapping[str, str]) -> str:
    """The Python `source` with each top-level ``name = <value>`` of `values` assigning that text
    instead; the rest of each line (its comment) and every other line are kept."""
    lines = source.splitlines(keepends=True)
    found: dict[str, ast.expr] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id in values:
                found[target.id] = node.value
    missing = [name for name in values if name not in found]
    if missing:
        raise DataError(f"a shipped notebook's parameters cell does not assign {', '.join(missing)}")
    # Right to left, so the offsets of what is still to replace stay valid.
    for name, value in sorted(found.items(), key=lambda item: (item[1].lineno, item[1].col_offset))[::-1]:
        if value.end_lineno != value.lineno or value.end_col_offset is None:
            raise DataError(f"a shipped notebook's parameter {name} spans lines; keep it on one")
        line = lines[value.lineno - 1].encode("utf-8")  # ast counts columns in UTF-8 bytes
        literal = json.dumps(values[name], ensure_ascii=False)  # a JSON string is a Python literal too
        replaced = line[: value.col_offset] + literal.encode("utf-8") + line[value.end_col_offset :]
        lines[value.lineno - 1] = replaced.decode("utf-8")
    return "".join(lines)


def notebook_text(notebook: Mapping[str, Any]) -> str:
    """A notebook's file text, as the committed notebooks are written: sorted keys, one-space indent."""
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
