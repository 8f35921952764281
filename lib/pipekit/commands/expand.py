"""`pipekit expand FILE...`: the jobs GitHub would start for existing workflow files."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "expand", help="expand the matrices of existing workflow files into their jobs"
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="workflow files (.github/workflows/*.yml)")
    parser.add_argument("--json", action="store_true", help="print one JSON array (a stable format)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from pipekit.errors import EXIT_FINDINGS
    from pipekit.inspect.expand import expand_workflow_files, format_json, format_text
    from pipekit.wording import one_line

    result = expand_workflow_files(args.files)
    sys.stdout.write(format_json(result) if args.json else format_text(result))
    for problem in result.problems:
        print(f"pipekit: {one_line(problem)}", file=sys.stderr)
    return EXIT_FINDINGS if result.problems else 0
