"""`pipekit rehearse`: run the design's Linux jobs here, in a copy of the repository, and show which
steps passed, which failed and why, and which could not be rehearsed.

Exit codes: 0 every rehearsed step passed, 1 a step failed, 2 bad input.
"""

from __future__ import annotations

import argparse
from typing import Any

EVENTS = ("pull_request", "push", "schedule")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "rehearse", help="run the generated Linux jobs on this machine, in a copy of the repository"
    )
    parser.add_argument("--repo", default=".", metavar="DIR", help="the repository's root (default: .)")
    parser.add_argument("--design", metavar="FILE", help="design file (default: DIR/pipeline.yaml)")
    parser.add_argument(
        "--event", choices=EVENTS, default="pull_request", help="the event to play (default: pull_request)"
    )
    parser.add_argument(
        "--workflow",
        action="append",
        metavar="W",
        help="only this workflow file, e.g. test.yaml (repeatable)",
    )
    parser.add_argument(
        "--job", action="append", metavar="J", help="only this job and what it needs (repeatable)"
    )
    parser.add_argument(
        "--leg", metavar="KEY=VALUE,...", help="only matrix legs with these values, e.g. python-version=3.12"
    )
    parser.add_argument("--keep", action="store_true", help="keep the rehearsal folder and print its path")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.set_defaults(run=run)


def parse_leg(text: str) -> dict[str, str]:
    """``python-version=3.12,os=ubuntu-latest`` as a mapping; PipekitError naming the bad part."""
    from pipekit.errors import PipekitError

    leg: dict[str, str] = {}
    for part in text.split(","):
        key, equals, value = part.partition("=")
        if not equals or not key.strip() or not value.strip():
            raise PipekitError(
                f"--leg: {part!r} is not KEY=VALUE; write e.g. --leg python-version=3.12,mode=basic"
            )
        leg[key.strip()] = value.strip()
    return leg


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from pipekit.commands.render import design_path
    from pipekit.design.load import load_design
    from pipekit.errors import EXIT_FINDINGS, EXIT_OK, PipekitError
    from pipekit.rehearse import report as reports
    from pipekit.rehearse import session
    from pipekit.rehearse.runner import Selection

    repo = Path(args.repo)
    if not repo.is_dir():
        raise PipekitError(f"--repo {args.repo}: not a folder; give the repository's root")
    path = design_path(args)
    design = load_design(path)
    selection = Selection(
        workflows=frozenset(args.workflow) if args.workflow else None,
        jobs=frozenset(args.job) if args.job else None,
        leg=parse_leg(args.leg) if args.leg else None,
    )
    report = session.run(repo, design, Path(path).name, args.event, selection, keep=args.keep)
    sys.stdout.write(reports.to_json(report) if args.json else reports.to_text(report))
    if args.json and report.kept:
        print(f"the rehearsal folder is kept: {report.kept}", file=sys.stderr)
    return EXIT_FINDINGS if report.failed else EXIT_OK
