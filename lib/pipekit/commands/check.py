"""`pipekit check`: the files on disk are what the design renders, and outside validators agree."""

from __future__ import annotations

import argparse
from typing import Any

from pipekit.design.load import DEFAULT_DESIGN_FILE


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check", help="fail on drift between the design and the files on disk; run workflow validators"
    )
    parser.add_argument("--design", default=DEFAULT_DESIGN_FILE, metavar="FILE", help="design file")
    parser.add_argument("--dir", default="workflows", metavar="DIR", help="folder of generated files")
    parser.add_argument("--no-validators", action="store_true", help="only compare, skip the validators")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from pipekit.check import validators
    from pipekit.check.drift import drift
    from pipekit.commands.render import render_design
    from pipekit.errors import EXIT_FINDINGS

    folder = Path(args.dir)
    expected = render_design(args.design)
    problems = drift(expected, folder)
    for problem in problems:
        sys.stdout.write(problem)
    findings: list[validators.Finding] = []
    if not args.no_validators:
        workflows = [
            str(folder / name) for name in expected if name.endswith(".yaml") and (folder / name).is_file()
        ]
        if workflows:
            findings += validators.check_schema(workflows)
            findings += validators.check_zizmor(workflows)
    for finding in findings:
        print(finding)
    if problems or findings:
        print(
            f"pipekit check: {len(problems)} file(s) drifted from {args.design}, "
            f"{len(findings)} validator finding(s)",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    print(f"pipekit check: {len(expected)} files match {args.design}; validators found nothing")
    return 0
