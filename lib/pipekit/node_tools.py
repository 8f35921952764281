"""GitHub's own JavaScript packages, run under Node from tools/workflow-parser of the source tree.

`make tools` installs them there (npm ci); pipekit finds the folder from this file, which an editable
install leaves in the source tree. Node and the packages are outside pipekit's Python dependencies, so a
missing one is a one-line PipekitError saying how to install it, never an empty result.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipekit.errors import PipekitError

# lib/pipekit/node_tools.py -> the source tree's root
TOOLS_DIR = Path(__file__).resolve().parents[2] / "tools" / "workflow-parser"


def require_node(tool_dir: Path, package: Path, what: str) -> str:
    """The node executable, once `package` (a package.json below `tool_dir`) is installed; `what` names the
    tool in the messages."""
    if not (tool_dir / package).is_file():
        raise PipekitError(
            f"{what} is not installed in {tool_dir / 'node_modules'}; "
            "run `make tools` in pipekit's source tree (it runs npm ci --prefix tools/workflow-parser)"
        )
    node = shutil.which("node")
    if node is None:
        raise PipekitError(f"node is not on PATH; install Node.js 20.6 or newer to run {what}")
    return node
