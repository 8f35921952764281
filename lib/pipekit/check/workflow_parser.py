"""GitHub's own workflow parser, @actions/workflow-parser, run under Node (rule ``workflow-parser``).

The package lives in tools/workflow-parser of the source tree (`make tools` installs it), next to the
script that runs it; pipekit.node_tools finds that folder and Node. A missing one is a one-line
PipekitError saying how to install it, never an empty result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pipekit.check.external import run_tool
from pipekit.check.finding import Finding
from pipekit.check.paths import PathArg, as_paths, require_files
from pipekit.errors import PipekitError
from pipekit.node_tools import TOOLS_DIR, require_node
from pipekit.wording import squeeze

RULE = "workflow-parser"
AUTHORITY = "GitHub's own workflow parser (@actions/workflow-parser, under Node)"
PARSER_DIR = TOOLS_DIR
PACKAGE = Path("node_modules") / "@actions" / "workflow-parser" / "package.json"


def _node(parser_dir: Path) -> str:
    return require_node(parser_dir, PACKAGE, "GitHub's workflow parser")


def check(paths: PathArg | Iterable[PathArg], parser_dir: PathArg | None = None) -> list[Finding]:
    """Parse files with parseWorkflow + convertWorkflowTemplate, as GitHub does before a run."""
    sources = as_paths(paths)
    require_files(sources)
    if not sources:
        return []
    directory = Path(parser_dir) if parser_dir is not None else PARSER_DIR
    node = _node(directory)
    originals = {str(source.resolve()): str(source) for source in sources}
    done = run_tool(
        [node, "--import", "./register.mjs", "validate.mjs", *originals],
        "GitHub's workflow parser",
        directory,
    )
    if done.returncode != 0:
        reason = squeeze(done.stderr) or "no message"
        raise PipekitError(f"GitHub's workflow parser failed (exit {done.returncode}): {reason}")
    try:
        findings = []
        for result in json.loads(done.stdout)["files"]:
            for error in result["errors"]:
                # A YAML syntax error carries a multi-line excerpt; its first line says it all.
                message = error["message"].strip().splitlines()[0] if error["message"].strip() else "error"
                findings.append(
                    Finding(
                        file=originals[result["file"]],
                        line=error.get("line"),
                        column=error.get("column"),
                        rule=RULE,
                        message=squeeze(message),
                    )
                )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise PipekitError(f"GitHub's workflow parser printed unexpected output ({error!r})") from None
    return findings
