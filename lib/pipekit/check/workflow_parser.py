"""GitHub's own workflow parser, @actions/workflow-parser, run under Node (rule ``workflow-parser``).

The package lives in tools/workflow-parser of the source tree (`make tools` installs it), next to the
script that runs it; pipekit finds that folder from this file, which an editable install leaves in the
source tree. Node and the package are outside pipekit's Python dependencies, so a missing one is a
one-line PipekitError saying how to install it, never an empty result.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

from pipekit.check.external import run_tool
from pipekit.check.finding import Finding
from pipekit.check.paths import PathArg, as_paths, require_files
from pipekit.errors import PipekitError
from pipekit.wording import squeeze

RULE = "workflow-parser"
AUTHORITY = "GitHub's own workflow parser (@actions/workflow-parser, under Node)"
# lib/pipekit/check/workflow_parser.py -> the source tree's root
PARSER_DIR = Path(__file__).resolve().parents[3] / "tools" / "workflow-parser"
PACKAGE = Path("node_modules") / "@actions" / "workflow-parser" / "package.json"


def _node(parser_dir: Path) -> str:
    if not (parser_dir / PACKAGE).is_file():
        raise PipekitError(
            f"GitHub's workflow parser is not installed in {parser_dir / 'node_modules'}; "
            "run `make tools` in pipekit's source tree (it runs npm ci --prefix tools/workflow-parser)"
        )
    node = shutil.which("node")
    if node is None:
        raise PipekitError(
            "node is not on PATH; install Node.js 20.6 or newer to run GitHub's workflow parser"
        )
    return node


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
